package bot

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
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

// registerSubmissions wires receiving, review, paper submissions,
// extensions and the unit's /pending and /history.
func (b *Bot) registerSubmissions() {
	b.onFiles = b.onMemberFiles
	b.addCallback("sp", b.cbPick)
	b.addInput(inputPick, b.inputWhilePicking)
	b.addInput(inputAwait, b.inputWhileAwaiting)
	b.registerHistory()
	b.registerExtend()
	b.registerReview()
}

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
	it, ok, err := b.replyTarget(r)
	if err != nil {
		return err
	}
	if ok {
		return b.receive(r, it, in)
	}
	open, err := rd.OpenUnitItems(r.Member.UnitID)
	if err != nil {
		return err
	}
	if len(open) == 1 {
		return b.receive(r, open[0], in)
	}
	return b.askWhich(r, in, open)
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

// replyTarget finds the assignment of the bot message the member replied to
// (a reminder, a receipt or a return), if it is one of their unit's.
func (b *Bot) replyTarget(r *Request) (db.Item, bool, error) {
	if r.Ev.ReplyTo == 0 {
		return db.Item{}, false, nil
	}
	rd := b.store.Read(r.ctx)
	purpose, id, err := rd.MessageRef(r.Ev.ChatID, r.Ev.ReplyTo)
	if errors.Is(err, db.ErrNotFound) {
		return db.Item{}, false, nil
	}
	if err != nil {
		return db.Item{}, false, err
	}
	if purpose != purposeReminder && purpose != purposeReceipt && purpose != purposeReturn {
		return db.Item{}, false, nil
	}
	it, err := rd.Item(id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && it.UnitID != r.Member.UnitID) {
		return db.Item{}, false, nil
	}
	return it, err == nil, err
}

// askWhich keeps the files aside and asks which obligation they are for:
// one of the open ones, or, when nothing is open, an early or extra version
// of a recent or coming one.
func (b *Bot) askWhich(r *Request, in incoming, open []db.Item) error {
	question := "sub.pick"
	items := open
	if len(items) == 0 {
		now := b.store.Now()
		recent, err := b.store.Read(r.ctx).UnitItems(r.Member.UnitID, now.AddDate(0, -6, 0), now.AddDate(1, 0, 0))
		if err != nil {
			return err
		}
		if len(recent) == 0 {
			r.Reply(r.T("sub.nothing"))
			return nil
		}
		question, items = "sub.pick_early", recent
	}
	const maxButtons = 8
	var rows [][]Button
	for i, it := range items {
		if i == maxButtons {
			break
		}
		label := r.T("sub.pick_label", obligationTitle(it.Obligation, r.Lang), reminders.PeriodName(it.Period.Key, r.Lang))
		rows = append(rows, []Button{{Label: label, Data: fmt.Sprintf("sp:%d", it.ID)}})
	}
	data, err := json.Marshal(in)
	if err != nil {
		return err
	}
	r.ReplyWith(db.OutMessage{Text: r.T(question), Markup: Keyboard(rows...), ReplyTo: r.Ev.MessageID})
	return r.Tx(func(tx *db.Tx) error {
		return tx.SetPendingInput(db.PendingInput{TelegramID: r.Ev.From.ID, ChatID: r.Ev.ChatID, Kind: inputPick, Data: string(data)})
	})
}

// cbPick is the head's choice of obligation for files kept aside.
func (b *Bot) cbPick(r *Request, args []string) error {
	id, ok := parseID(args)
	if !ok || !r.Member.Role.NeedsUnit() || !r.Ev.Private() {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	it, err := b.store.Read(r.ctx).Item(id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && it.UnitID != r.Member.UnitID) {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	if err != nil {
		return err
	}
	var p db.PendingInput
	err = b.store.Tx(r.ctx, func(tx *db.Tx) error {
		var err error
		p, err = tx.TakePendingInput(r.Ev.From.ID, r.Ev.ChatID)
		if err == nil && p.Kind != inputPick {
			return db.ErrNotFound // another question: leave it alone
		}
		return err
	})
	if errors.Is(err, db.ErrNotFound) {
		r.Toast(r.T("sub.pick_stale"))
		return nil
	}
	if err != nil {
		return err
	}
	var in incoming
	if err := json.Unmarshal([]byte(p.Data), &in); err != nil {
		return fmt.Errorf("kept files: %w", err)
	}
	return b.receive(r, it, in)
}

// inputWhilePicking answers text typed while the bot waits for a choice.
func (b *Bot) inputWhilePicking(r *Request, _ db.PendingInput) error {
	r.Reply(r.T("sub.pick_text"))
	return nil
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
// transaction, and queues the receipt and the Office's copy.
func (b *Bot) receive(r *Request, it db.Item, in incoming) error {
	got, ok, err := b.fetchAll(r, in)
	defer discardAll(got)
	if !ok || err != nil {
		return err
	}
	rd := b.store.Read(r.ctx)
	if dup, ok, err := sameAsEarlier(rd, it.ID, got); err != nil || ok {
		if ok {
			r.Reply(r.T("sub.duplicate", dup.Receipt(), formatDateTime(dup.ReceivedAt, b.loc)))
		}
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
	now := b.store.Now()
	year := now.In(b.loc).Year()
	var placed []string
	before := len(r.replies)
	err = r.Tx(func(tx *db.Tx) error {
		no, err := tx.NextReceiptNo(year)
		if err != nil {
			return err
		}
		sub := db.Submission{
			AssignmentID: it.ID, ReceiptYear: year, MemberID: r.Member.ID, Source: db.SourceTelegram,
			Caption: in.Caption, DocNumber: docNumber(in), ReceivedAt: now, DaysLate: b.daysLate(now, it.DeadlineAt),
		}
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
			sub.Files = append(sub.Files, db.SubmissionFile{FileName: d.displayName(), StoredPath: rel, Size: d.size,
				SHA256: d.sha256, Mime: d.Mime, TgFileID: d.ID, TgUniqueID: d.UniqueID})
		}
		sub, err = tx.AddSubmission(sub)
		if err != nil {
			return err
		}
		if sub.ReceiptNo != no {
			return fmt.Errorf("receipt number moved from %d to %d", no, sub.ReceiptNo)
		}
		if err := tx.Audit(r.Member.ID, r.Ev.From.ID, "submit", fmt.Sprintf("submission:%d", sub.ID),
			fmt.Sprintf("%s v%d %s", sub.Receipt(), sub.Version, it.Unit.Code)); err != nil {
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
		if p, err := tx.Reader().PeekPendingInput(r.Ev.From.ID, in.ChatID); err == nil && (p.Kind == inputAwait || p.Kind == inputPick) {
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
	return err
}

// albumWindow is how long after an album's last taken part another part of
// it, come in a later batch of updates, still joins its submission.
const albumWindow = 2 * time.Minute

// joinAlbum adds the files of a later part of an album to the submission
// its first part became, when the same member sent it within albumWindow
// and the Office has not reviewed that submission yet; or, while the head
// still chooses what the album is for, to the files kept aside. joined is
// false when the files should be taken as a new submission.
func (b *Bot) joinAlbum(r *Request, in incoming) (joined bool, err error) {
	rd := b.store.Read(r.ctx)
	subID, at, err := rd.AlbumSubmission(in.ChatID, in.MediaGroup)
	if errors.Is(err, db.ErrNotFound) {
		return b.joinKeptAside(r, in)
	}
	if err != nil || b.store.Now().Sub(at) > albumWindow {
		return false, err
	}
	sub, err := rd.Submission(subID)
	if errors.Is(err, db.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if sub.MemberID != r.Member.ID || sub.Status != db.SubReceived {
		return false, nil
	}
	it, err := rd.Item(sub.AssignmentID)
	if errors.Is(err, db.ErrNotFound) || (err == nil && it.UnitID != r.Member.UnitID) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	got, ok, err := b.fetchAll(r, in)
	defer discardAll(got)
	if !ok || err != nil {
		return true, err
	}
	var placed []string
	before := len(r.replies)
	err = r.Tx(func(tx *db.Tx) error {
		var files []db.SubmissionFile
		for i, d := range got {
			// The first part's files keep their names; these follow them.
			rel := storedPath(it.Unit.Code, it.Period.Key, sub.ReceiptYear, sub.ReceiptNo, len(sub.Files)+i+1, d.displayName())
			if err := b.placeFile(d, rel); err != nil {
				return &fileProblem{code: "storage", name: d.displayName(), err: err}
			}
			placed = append(placed, rel)
			files = append(files, db.SubmissionFile{FileName: d.displayName(), StoredPath: rel, Size: d.size,
				SHA256: d.sha256, Mime: d.Mime, TgFileID: d.ID, TgUniqueID: d.UniqueID})
		}
		files, err := tx.AddSubmissionFiles(sub.ID, files)
		if err != nil {
			return err
		}
		if err := tx.Audit(r.Member.ID, r.Ev.From.ID, "submit_album_part", fmt.Sprintf("submission:%d", sub.ID),
			fmt.Sprintf("%s +%d %s", sub.Receipt(), len(files), it.Unit.Code)); err != nil {
			return err
		}
		for _, msg := range in.Messages {
			if msg != r.Ev.MessageID {
				if err := tx.RememberMessage(in.ChatID, msg, purposeAlbum, sub.ID); err != nil {
					return err
				}
			}
		}
		if err := tx.RememberAlbum(in.ChatID, in.MediaGroup, sub.ID); err != nil {
			return err
		}
		b.queueAlbumPart(r, tx, it, in, sub, files)
		return nil
	})
	return true, b.unplace(r, err, before, placed)
}

// joinKeptAside adds a later part of an album to the album's files kept
// aside while the head chooses the obligation, so the choice takes them all.
func (b *Bot) joinKeptAside(r *Request, in incoming) (bool, error) {
	p, err := b.store.Read(r.ctx).PeekPendingInput(r.Ev.From.ID, in.ChatID)
	if errors.Is(err, db.ErrNotFound) {
		return false, nil
	}
	if err != nil || p.Kind != inputPick {
		return false, err
	}
	var kept incoming
	if err := json.Unmarshal([]byte(p.Data), &kept); err != nil || kept.MediaGroup != in.MediaGroup {
		return false, nil
	}
	kept.Messages = append(kept.Messages, in.Messages...)
	kept.Files = append(kept.Files, in.Files...)
	data, err := json.Marshal(kept)
	if err != nil {
		return false, err
	}
	p.Data = string(data)
	return true, r.Tx(func(tx *db.Tx) error { return tx.SetPendingInput(p) })
}

// queueAlbumPart tells the head the files were added to the receipt, and
// sends the Office its copy of them as it did the album's first files.
func (b *Bot) queueAlbumPart(r *Request, tx *db.Tx, it db.Item, in incoming, sub db.Submission, files []db.SubmissionFile) {
	lang := r.Lang
	var sb strings.Builder
	sb.WriteString(tr(lang, "sub.album_added", sub.Receipt()))
	for _, f := range files {
		sb.WriteString("\n" + tr(lang, "sub.receipt_file", f.FileName, humanSize(f.Size, lang), f.SHA256[:12]))
	}
	receipt := db.OutMessage{ChatID: in.ChatID, MemberID: r.Member.ID, Text: sb.String(), Purpose: purposeReceipt, RefID: it.ID}
	if len(in.Messages) > 0 {
		receipt.ReplyTo = in.Messages[0]
	}
	r.Send(receipt)

	office, err := tx.Reader().Chat(db.ChatOffice)
	if err != nil {
		b.log.Warn("no Office chat bound: the added file is not shown there", "submission", sub.ID)
		return
	}
	officeLang := b.chatLang(tx.Reader())
	total := len(sub.Files) + len(files)
	for i, msg := range in.Messages {
		r.Send(db.OutMessage{ChatID: office.ChatID, ThreadID: office.ThreadID, Kind: db.KindCopy,
			CopyChatID: in.ChatID, CopyMessageID: msg, Purpose: "submission", RefID: sub.ID,
			Text: tr(officeLang, "sub.office_added", len(sub.Files)+i+1, total, sub.Receipt(), unitName(it.Unit, officeLang))})
	}
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
	if sub.DocNumber != "" {
		sb.WriteString("\n" + tr(lang, "sub.receipt_docno", sub.DocNumber))
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
	sb.Reset()
	officeLang := b.chatLang(tx.Reader())
	sb.WriteString(tr(officeLang, "sub.office", sub.Receipt(), unitName(it.Unit, officeLang), obligationTitle(it.Obligation, officeLang),
		reminders.PeriodName(it.Period.Key, officeLang), sub.Version, in.SenderName, formatDateTime(sub.ReceivedAt, b.loc), b.lateness(officeLang, sub, it)))
	if sub.DocNumber != "" {
		sb.WriteString("\n" + tr(officeLang, "sub.receipt_docno", sub.DocNumber))
	}
	if in.Caption != "" {
		sb.WriteString("\n" + tr(officeLang, "sub.office_caption", clip(in.Caption, 300)))
	}
	if wasAccepted {
		sb.WriteString("\n" + tr(officeLang, "sub.office_reaccepted"))
	}
	buttons := reviewButtons(officeLang, sub.ID)
	if len(in.Messages) == 0 {
		b.queueUploadedCopies(r, office, sub, sb.String(), buttons)
		return
	}
	for i, msg := range in.Messages {
		m := db.OutMessage{ChatID: office.ChatID, ThreadID: office.ThreadID, Kind: db.KindCopy,
			CopyChatID: in.ChatID, CopyMessageID: msg, Purpose: "submission", RefID: sub.ID}
		if i == len(in.Messages)-1 {
			m.Text, m.Markup = sb.String(), buttons // the summary and buttons ride on the last file
		} else {
			m.Text = tr(officeLang, "sub.office_part", i+1, len(in.Messages), sub.Receipt())
		}
		r.Send(m)
	}
}

// daysLate counts calendar days after the deadline in the plan's zone; a
// report in after the deadline hour on the day itself is one day late.
func (b *Bot) daysLate(received, deadline time.Time) int {
	if !received.After(deadline) {
		return 0
	}
	return max(1, -daysUntil(received, deadline, b.loc))
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
