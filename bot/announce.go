package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/reportbot/reportbot/db"
)

// Announcements go to the bound group (or its forum topic) after a preview.
// They are sent as plain text, without parse_mode, so whatever the Office
// types (<, >, &, _, *) arrives exactly as typed and can never break the
// message's formatting.

// draftKey is the setting that holds an announcement between its preview
// and the Send button; deleting it is what makes Send act once.
func draftKey(id int64) string { return fmt.Sprintf("announce_draft:%d", id) }

// inputAnnounce is the pending question "what should the announcement say?".
const inputAnnounce = "announce"

// cmdAnnounce previews "/announce <text>", or asks for the text.
func (b *Bot) cmdAnnounce(r *Request) error {
	text := strings.TrimSpace(r.Ev.Args)
	if text == "" {
		r.Reply(r.T("announce.ask"))
		return r.Tx(func(tx *db.Tx) error {
			return tx.SetPendingInput(db.PendingInput{TelegramID: r.Ev.From.ID, ChatID: r.Ev.ChatID, Kind: inputAnnounce})
		})
	}
	return b.previewAnnouncement(r, text)
}

// onAnnounceText takes the text asked for by a bare /announce.
func (b *Bot) onAnnounceText(r *Request, _ db.PendingInput) error {
	if err := r.Tx(func(tx *db.Tx) error {
		_, err := tx.TakePendingInput(r.Ev.From.ID, r.Ev.ChatID)
		if errors.Is(err, db.ErrNotFound) {
			return nil
		}
		return err
	}); err != nil {
		return err
	}
	if !r.Member.Role.Staff() {
		r.Reply(r.T("console.not_allowed"))
		return nil
	}
	return b.previewAnnouncement(r, strings.TrimSpace(r.Ev.Text))
}

// previewAnnouncement checks the text, keeps it as a draft and shows it
// exactly as the group will see it, with Send and Cancel.
func (b *Bot) previewAnnouncement(r *Request, text string) error {
	n := utf8.RuneCountInString(text)
	if n == 0 {
		r.Reply(r.T("announce.empty"))
		return nil
	}
	if n > maxMessageRunes {
		r.Reply(r.T("announce.too_long", n, maxMessageRunes))
		return nil
	}
	group, err := b.store.Read(r.ctx).Chat(db.ChatGroup)
	if errors.Is(err, db.ErrNotFound) {
		r.Reply(r.T("announce.no_group"))
		return nil
	}
	if err != nil {
		return err
	}
	id := r.Ev.UpdateID
	r.Reply(r.T("announce.preview", group.Title))
	r.ReplyWith(db.OutMessage{Text: text, Markup: Keyboard([]Button{
		Callback{Verb: VerbAnnounce, Step: "send", ID: id}.Button(r.T("announce.send")),
		Callback{Verb: VerbAnnounce, Step: "no", ID: id}.Button(r.T("announce.cancel")),
	})})
	return r.Tx(func(tx *db.Tx) error { return tx.SetSetting(draftKey(id), text) })
}

// onAnnounceButton sends or cancels a draft and, once sent, pins it.
func (b *Bot) onAnnounceButton(r *Request, c Callback) error {
	id := c.ID
	switch c.Step {
	case "send":
		return b.sendAnnouncement(r, id)
	case "no":
		text, err := b.store.Read(r.ctx).Setting(draftKey(id))
		if err != nil {
			return err
		}
		var had bool
		if err := r.Tx(func(tx *db.Tx) (err error) { had, err = tx.DeleteSetting(draftKey(id)); return err }); err != nil {
			return err
		}
		if had {
			r.Toast(r.T("announce.cancelled"))
			b.editMessage(r, text+"\n\n"+r.T("announce.cancelled")+b.decidedBy(r), nil)
		} else {
			r.Toast(r.T("announce.gone"))
		}
		return nil
	case "pin":
		return b.pinAnnouncement(r, id)
	}
	r.Toast(r.T("callback.stale"))
	return nil
}

// sendAnnouncement queues the draft for the group, once: the draft is
// deleted in the same transaction, so a second press (or a re-handled
// update) finds nothing to send.
func (b *Bot) sendAnnouncement(r *Request, id int64) error {
	rd := b.store.Read(r.ctx)
	text, err := rd.Setting(draftKey(id))
	if err != nil {
		return err
	}
	if text == "" {
		r.Toast(r.T("announce.gone"))
		return nil
	}
	group, err := rd.Chat(db.ChatGroup)
	if errors.Is(err, db.ErrNotFound) {
		r.Reply(r.T("announce.no_group"))
		return nil
	}
	if err != nil {
		return err
	}
	r.Send(db.OutMessage{Key: fmt.Sprintf("announce:%d", id), ChatID: group.ChatID, ThreadID: group.ThreadID, Text: text, Purpose: db.PurposeAnnouncement, RefID: id})
	r.Toast(r.T("announce.sent_toast"))
	err = r.Tx(func(tx *db.Tx) error {
		had, err := tx.DeleteSetting(draftKey(id))
		if err != nil {
			return err
		}
		if !had {
			return errAlreadyDone
		}
		return tx.Audit(r.Member.ID, r.Ev.From.ID, "announce", string(db.ChatGroup), text)
	})
	if errors.Is(err, errAlreadyDone) {
		// Another press got there first: send nothing of this one.
		r.replies = nil
		r.Toast(r.T("announce.gone"))
		return nil
	}
	if err != nil {
		return err
	}
	// The preview becomes the record of what was sent, by whom and when,
	// so a second clerk sees it without pressing; Pin stays on it.
	b.editMessage(r, text+"\n\n"+r.T("announce.sent", group.Title)+b.decidedBy(r),
		[][]Button{{Callback{Verb: VerbAnnounce, Step: "pin", ID: id}.Button(r.T("announce.pin"))}})
	return nil
}

// errAlreadyDone ends a transaction whose work another update did first.
var errAlreadyDone = errors.New("already done")

// pinAnnouncement queues pinning a sent announcement in the group, with the
// audit record in the same transaction. A pin Telegram refuses (the bot may
// not pin there) is told to the clerk (pinRefused).
func (b *Bot) pinAnnouncement(r *Request, id int64) error {
	chatID, msgID, err := b.store.Read(r.ctx).SentMessage(db.PurposeAnnouncement, id)
	if errors.Is(err, db.ErrNotFound) {
		r.Toast(r.T("announce.not_yet"))
		return nil
	}
	if err != nil {
		return err
	}
	r.Pin(chatID, msgID)
	r.Toast(r.T("announce.pinned"))
	return r.Tx(func(tx *db.Tx) error {
		return tx.Audit(r.Member.ID, r.Ev.From.ID, "pin", string(db.ChatGroup), strconv.Itoa(msgID))
	})
}

// pinRefused tells the member who pressed Pin, in their private chat, that
// Telegram refused it, most likely for want of the right to pin: the press
// was answered before the pin was made.
func (b *Bot) pinRefused(m db.OutMessage) {
	if m.Kind != db.KindPin || m.RefID == 0 {
		return
	}
	ctx := context.Background()
	clerk, err := b.store.Read(ctx).Member(m.RefID)
	if err != nil {
		return
	}
	text := tr(pickLang(clerk.Lang, ""), "announce.pin_failed")
	err = b.store.Tx(ctx, func(tx *db.Tx) error {
		_, _, err := tx.Enqueue(db.OutMessage{Key: fmt.Sprintf("pinfail:%d", m.ID), ChatID: clerk.TelegramID, MemberID: clerk.ID, Text: text})
		return err
	})
	if err != nil {
		b.log.Error("tell the Office a pin was refused", "outbox_id", m.ID, "err", err)
		return
	}
	b.Kick()
}
