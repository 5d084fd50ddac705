package bot

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
	"github.com/reportbot/reportbot/reporting"
)

// Purposes of bot messages a head may reply to with a file; each carries the
// assignment id, so the reply says what the file is for.
const (
	purposeReminder = "reminder"
	purposeReceipt  = "receipt"
	purposeReturn   = "return"
	// purposeAlbum marks the other messages of an album already taken into
	// a submission, so their own updates do nothing.
	purposeAlbum = "album"
)

// Pending-input kinds of the submission flow.
const (
	inputPick  = "sub.pick"  // files wait for the head to choose the obligation
	inputAwait = "sub.await" // a returned report: the bot waits for a new file
)

// captionLimit is Telegram's caption limit (UTF-16 code units).
const captionLimit = 1024

// incoming is what a member sent: the files (several for an album), the
// messages carrying them (same order) and the caption. It is kept as JSON in
// a pending input while the head chooses what it is for.
type incoming struct {
	ChatID      int64  `json:"chat"`
	Messages    []int  `json:"msgs"`
	Files       []File `json:"files"`
	Caption     string `json:"caption"`
	CaptionCut  bool   `json:"cut,omitempty"`
	SenderName  string `json:"from"`
	FirstUpdate int64  `json:"update"`
	MediaGroup  string `json:"group,omitempty"` // the album's media_group_id
	// uploaded holds files already received outside Telegram (the desk);
	// such files have no chat message.
	uploaded []*download
}

// onMemberFiles handles files from a member. Everything refusable by what
// Telegram already says about the file (name, size, sender, chat) is refused
// before a byte is downloaded.
func (b *Bot) onMemberFiles(r *Request) error {
	ev := r.Ev
	if !ev.Private() {
		if r.Member != nil && r.Member.Role.NeedsUnit() {
			r.Reply(r.T("sub.group_pointer", b.username))
		}
		return nil
	}
	if !r.Member.Role.NeedsUnit() {
		r.Reply(r.T("sub.not_unit"))
		return nil
	}
	rd := b.store.Read(r.ctx)
	if ev.MediaGroupID != "" {
		if purpose, _, err := rd.MessageRef(ev.ChatID, ev.MessageID); err == nil && purpose == purposeAlbum {
			return nil // already part of its album's submission
		}
	}
	in, err := b.collect(r)
	if err != nil {
		return err
	}
	for _, f := range in.Files {
		if p := checkName(f); p != nil {
			b.refuse(r, p)
			return nil
		}
		if f.Size > b.maxFileSize() {
			b.refuse(r, &fileProblem{code: "too_big", name: f.displayName()})
			return nil
		}
	}
	if in.MediaGroup != "" {
		if joined, err := b.joinAlbum(r, in); joined || err != nil {
			return err
		}
	}
	replied, err := b.repliedAssignment(r)
	if err != nil {
		return err
	}
	rt, err := reporting.Route(rd, actor(r), replied, b.store.Now())
	if told(r, err) || err != nil {
		return ignoreRefusal(err)
	}
	if rt.Target != nil {
		return b.receive(r, *rt.Target, in, false)
	}
	return b.askWhich(r, in, rt, 0)
}

// collect gathers the files of the event and, for an album, of the album's
// other messages already waiting in the inbox: Telegram sends each photo or
// document of an album as its own update, one after another.
func (b *Bot) collect(r *Request) (incoming, error) {
	ev := r.Ev
	in := incoming{ChatID: ev.ChatID, Caption: ev.Text, SenderName: ev.From.Name, FirstUpdate: ev.UpdateID, MediaGroup: ev.MediaGroupID}
	for range ev.Files {
		in.Messages = append(in.Messages, ev.MessageID)
	}
	in.Files = append(in.Files, ev.Files...)
	if ev.MediaGroupID != "" {
		ups, err := b.store.Read(r.ctx).PendingUpdates(256)
		if err != nil {
			return in, err
		}
		for _, u := range ups {
			if u.ChatID != ev.ChatID || u.ID <= ev.UpdateID {
				continue
			}
			var upd models.Update
			if json.Unmarshal(u.Payload, &upd) != nil {
				break
			}
			next := transform(&upd, b.username)
			if next == nil || next.MediaGroupID != ev.MediaGroupID || next.From.ID != ev.From.ID {
				break // the album ended
			}
			for range next.Files {
				in.Messages = append(in.Messages, next.MessageID)
			}
			in.Files = append(in.Files, next.Files...)
			if in.Caption == "" {
				in.Caption = next.Text
			}
		}
	}
	if sendUTF16Len(in.Caption) > captionLimit {
		in.Caption, _ = sendCaption(in.Caption, false)
		in.CaptionCut = true
	}
	return in, nil
}

// repliedAssignment is the assignment of the bot message the member
// replied to (a reminder, a receipt or a return), 0 if none; the core
// decides whether it is theirs.
func (b *Bot) repliedAssignment(r *Request) (int64, error) {
	if r.Ev.ReplyTo == 0 {
		return 0, nil
	}
	purpose, id, err := b.store.Read(r.ctx).MessageRef(r.Ev.ChatID, r.Ev.ReplyTo)
	if errors.Is(err, db.ErrNotFound) || (err == nil && purpose != purposeReminder && purpose != purposeReceipt && purpose != purposeReturn) {
		return 0, nil
	}
	return id, err
}

// inputWhileAwaiting answers text typed while the bot waits for a file.
func (b *Bot) inputWhileAwaiting(r *Request, _ db.PendingInput) error {
	r.Reply(r.T("sub.expect_file"))
	return nil
}

// refuse tells the member why a file was not taken, and the Office when
// the server itself could not store it.
func (b *Bot) refuse(r *Request, p *fileProblem) {
	switch p.code {
	case "too_big":
		r.Reply(r.T("file.too_big", p.name, humanSize(b.maxFileSize(), r.Lang)))
	case "storage":
		b.log.Error("store received file", "err", p)
		r.Reply(r.T("file.storage", p.name))
		if office, err := b.store.Read(r.ctx).Chat(db.ChatOffice); err == nil {
			r.Send(db.OutMessage{ChatID: office.ChatID, ThreadID: office.ThreadID, Text: tr(b.chatLang(b.store.Read(r.ctx)), "file.storage_office", p.name)})
		}
	default:
		if p.err != nil {
			b.log.Warn("refused file", "err", p)
		}
		r.Reply(r.T("file."+p.code, p.name))
	}
}

// receive downloads the files, stores them with their submission in one
// transaction, and queues the receipt and the Office's copy. A file for a
// report already accepted is kept aside and the head asked whether it is a
// correction, unless they said so already (chosen).
func (b *Bot) receive(r *Request, it db.Item, in incoming, chosen bool) error {
	t := reporting.Submit
	if it.Status == db.StatusAccepted {
		if !chosen {
			return b.askCorrection(r, it, in)
		}
		t = reporting.Correct
	}
	got, ok, err := b.fetchAll(r, in)
	defer discardAll(got)
	if !ok || err != nil {
		return err
	}
	rd := b.store.Read(r.ctx)
	if dup, ok, err := sameAsEarlier(rd, it.ID, got); err != nil || ok {
		switch {
		case ok && dup.Status == db.SubReturned:
			r.Reply(r.T("life.same_as_returned", dup.Receipt(), formatDateTime(dup.ReceivedAt, b.loc)))
		case ok:
			r.Reply(r.T("sub.duplicate", dup.Receipt(), formatDateTime(dup.ReceivedAt, b.loc)))
		}
		return err
	}
	figs, ok, err := b.readFigures(r, it, got)
	if !ok || err != nil {
		return err
	}
	wasAccepted := it.Status == db.StatusAccepted
	if !wasAccepted {
		subs, err := rd.Submissions(it.ID)
		if err != nil {
			return err
		}
		for _, s := range subs {
			wasAccepted = wasAccepted || s.Status == db.SubAccepted
		}
	}
	year := reporting.ReceiptYear(b.store.Now(), b.loc)
	var placed []string
	before := len(r.replies)
	err = r.Tx(func(tx *db.Tx) error {
		no, err := tx.NextReceiptNo(year)
		if err != nil {
			return err
		}
		n := reporting.NewSubmission{Source: db.SourceTelegram, Caption: in.Caption, DocNumber: docNumber(in)}
		for i, d := range got {
			index := 0
			if len(got) > 1 {
				index = i + 1
			}
			rel := storedPath(it.Unit.Code, it.Period.Key, year, no, index, d.displayName())
			if err := b.placeFile(d, rel); err != nil {
				return &fileProblem{code: "storage", name: d.displayName(), err: err}
			}
			placed = append(placed, rel)
			n.Files = append(n.Files, db.SubmissionFile{FileName: d.displayName(), StoredPath: rel, Size: d.size,
				SHA256: d.sha256, Mime: d.Mime, TgFileID: d.ID, TgUniqueID: d.UniqueID})
		}
		sub, err := reporting.Record(tx, t, actor(r), it, n, b.loc, no)
		if err != nil {
			return err
		}
		if err := b.keepFigures(r, tx, sub, figs); err != nil {
			return err
		}
		for i, msg := range in.Messages {
			if i > 0 && msg != in.Messages[0] {
				if err := tx.RememberMessage(in.ChatID, msg, purposeAlbum, sub.ID); err != nil {
					return err
				}
			}
		}
		if in.MediaGroup != "" {
			// Parts of the album that come in a later batch join this one.
			if err := tx.RememberAlbum(in.ChatID, in.MediaGroup, sub.ID); err != nil {
				return err
			}
		}
		if p, err := tx.Reader().PeekPendingInput(r.Ev.From.ID, in.ChatID); err == nil && p.Kind == inputAwait {
			if _, err := tx.TakePendingInput(r.Ev.From.ID, in.ChatID); err != nil {
				return err
			}
		}
		// Last, so a failure above leaves no receipt queued.
		b.queueReceipts(r, tx, it, in, sub, wasAccepted)
		return nil
	})
	return b.unplace(r, err, before, placed)
}

// fetchAll downloads the files of in; ok is false when one was refused (the
// member is told). The caller discards the downloads it does not place.
func (b *Bot) fetchAll(r *Request, in incoming) (got []*download, ok bool, err error) {
	if in.uploaded != nil {
		return in.uploaded, true, nil
	}
	for _, f := range in.Files {
		d, err := b.fetch(r.ctx, f)
		var p *fileProblem
		if errors.As(err, &p) {
			b.refuse(r, p)
			return got, false, nil
		}
		if err != nil {
			return got, false, err
		}
		got = append(got, d)
	}
	return got, true, nil
}

func discardAll(got []*download) {
	for _, d := range got {
		d.discard()
	}
}

// unplace undoes what a failed recording transaction left: no reply queued
// since before may claim it, no file placed may stay. A storage problem is
// told to the member (and the Office); other errors are returned.
func (b *Bot) unplace(r *Request, err error, before int, placed []string) error {
	if err == nil {
		return nil
	}
	r.replies = r.replies[:before]
	for _, rel := range placed {
		os.Remove(filepath.Join(b.cfg.DataDir, filepath.FromSlash(rel)))
	}
	var p *fileProblem
	if errors.As(err, &p) {
		b.refuse(r, p)
		return nil
	}
	if told(r, err) {
		return nil
	}
	return err
}

// sameAsEarlier finds an earlier submission of the assignment holding the
// very same bytes as every downloaded file: a resend, not a new version.
func sameAsEarlier(rd *db.Reader, assignmentID int64, got []*download) (db.Submission, bool, error) {
	var first db.Submission
	for i, d := range got {
		s, err := rd.SubmissionWithFile(assignmentID, d.sha256)
		if errors.Is(err, db.ErrNotFound) {
			return first, false, nil
		}
		if err != nil {
			return first, false, err
		}
		if i > 0 && s.ID != first.ID {
			return first, false, nil
		}
		first = s
	}
	return first, len(got) > 0, nil
}

// queueReceipts queues the head's receipt and the Office's copy of the files
// with the review buttons.
func (b *Bot) queueReceipts(r *Request, tx *db.Tx, it db.Item, in incoming, sub db.Submission, wasAccepted bool) {
	lang := r.Lang
	var sb strings.Builder
	sb.WriteString(tr(lang, "sub.receipt", obligationTitle(it.Obligation, lang), reminders.PeriodName(it.Period.Key, lang),
		sub.Receipt(), formatDateTime(sub.ReceivedAt, b.loc), b.lateness(lang, sub, it), sub.Version))
	if line := docRefLine(lang, sub.DocNumber, in.Caption); line != "" {
		sb.WriteString("\n" + line)
	}
	sb.WriteString("\n" + tr(lang, "sub.receipt_files"))
	for _, f := range sub.Files {
		sb.WriteString("\n" + tr(lang, "sub.receipt_file", f.FileName, humanSize(f.Size, lang), f.SHA256[:12]))
	}
	if in.CaptionCut {
		sb.WriteString("\n\n" + tr(lang, "sub.caption_cut", captionLimit))
	}
	if wasAccepted {
		sb.WriteString("\n\n" + tr(lang, "sub.accepted_before"))
	}
	sb.WriteString("\n\n" + tr(lang, "sub.receipt_next"))
	receipt := db.OutMessage{ChatID: in.ChatID, MemberID: r.Member.ID, Text: sb.String(), Purpose: purposeReceipt, RefID: it.ID}
	if len(in.Messages) > 0 {
		receipt.ReplyTo = in.Messages[0]
	}
	r.Send(receipt)

	office, err := tx.Reader().Chat(db.ChatOffice)
	if err != nil {
		b.log.Warn("no Office chat bound: the submission is not shown there", "submission", sub.ID)
		return
	}
	officeLang := b.chatLang(tx.Reader())
	card := b.officeCard(officeLang, it, sub, in.SenderName, wasAccepted)
	buttons := reviewButtons(officeLang, sub.ID)
	if len(in.Messages) == 0 {
		b.queueUploadedCopies(r, office, sub, card, buttons)
		return
	}
	for i, msg := range in.Messages {
		m := db.OutMessage{ChatID: office.ChatID, ThreadID: office.ThreadID, Kind: db.KindCopy,
			CopyChatID: in.ChatID, CopyMessageID: msg, Purpose: "submission", RefID: sub.ID}
		if i == len(in.Messages)-1 {
			m.Text, m.Markup = card, buttons // the summary and buttons ride on the last file
		} else {
			m.Text = tr(officeLang, "sub.office_part", i+1, len(in.Messages), sub.Receipt())
		}
		r.Send(m)
	}
}

// officeCard is the Office's summary of a received version, the same for
// a file sent in chat and a report recorded with /received: receipt, unit,
// report, period, version, who brought it, when, how late, its number,
// caption or outside reference.
func (b *Bot) officeCard(lang string, it db.Item, sub db.Submission, sender string, wasAccepted bool) string {
	var sb strings.Builder
	sb.WriteString(tr(lang, "sub.office", sub.Receipt(), unitName(it.Unit, lang), obligationTitle(it.Obligation, lang),
		reminders.PeriodName(it.Period.Key, lang), sub.Version, sender, formatDateTime(sub.ReceivedAt, b.loc), b.lateness(lang, sub, it)))
	if line := docRefLine(lang, sub.DocNumber, sub.Caption); line != "" {
		sb.WriteString("\n" + line)
	}
	if sub.Caption != "" && !captionAddsNothing(sub.Caption) {
		sb.WriteString("\n" + tr(lang, "sub.office_caption", clip(sub.Caption, 300)))
	}
	if sub.Source != db.SourceTelegram {
		sb.WriteString("\n" + tr(lang, "life.card_source", tr(lang, "manage.source_"+string(sub.Source)), sub.Reference))
	}
	if wasAccepted {
		sb.WriteString("\n" + tr(lang, "sub.office_reaccepted"))
	}
	return sb.String()
}

// lateness says "on time" or "N days late".
func (b *Bot) lateness(lang string, sub db.Submission, it db.Item) string {
	if sub.DaysLate == 0 {
		return tr(lang, "sub.on_time")
	}
	return tr(lang, "sub.late", sub.DaysLate, formatDate(it.DeadlineAt, b.loc))
}

// docNumberRe matches a Vietnamese document number ("số/ký hiệu"): 45/BC-SNV,
// 12/KH-UBND, 38/2021/QĐ-UBND. A file name cannot hold "/", so "_" counts too.
var docNumberRe = regexp.MustCompile(`(?:^|[^\p{L}\d])(\d{1,5})[/_]((?:\d{4}[/_])?[A-ZĐ]{1,8}(?:-[A-ZĐ0-9]{1,12})+)`)

// docNumber finds the report's own number in the caption or a file name.
func docNumber(in incoming) string {
	candidates := []string{in.Caption}
	for _, f := range in.Files {
		candidates = append(candidates, strings.TrimSuffix(f.Name, filepath.Ext(f.Name)))
	}
	for _, c := range candidates {
		if m := docNumberRe.FindStringSubmatch(c); m != nil {
			return m[1] + "/" + strings.ReplaceAll(m[2], "_", "/")
		}
	}
	return ""
}

// clip shortens a text to n letters for quoting.
func clip(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n]) + "…"
}

// parseID reads the single id argument of a button.
func parseID(args []string) (int64, bool) {
	if len(args) != 1 {
		return 0, false
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	return id, err == nil && id > 0
}
