package bot

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/reportbot/reportbot/db"
)

// inputReceivedScan waits, after /received, for the scan of the report that
// came outside Telegram; RefID is the submission it belongs to.
const inputReceivedScan = "received_scan"

// onReceivedScanText: any text instead of a file means "no scan".
func (b *Bot) onReceivedScanText(r *Request, p db.PendingInput) error {
	s, err := b.store.Read(r.ctx).Submission(p.RefID)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return err
	}
	r.Reply(r.T("manage.received_scan_skipped", s.Receipt()))
	return r.Tx(func(tx *db.Tx) error {
		_, err := tx.TakePendingInput(p.TelegramID, p.ChatID)
		if errors.Is(err, db.ErrNotFound) {
			return nil
		}
		return err
	})
}

// maybeReceivedScan takes a staff member's file as the scan of a report
// recorded with /received, when the bot is waiting for one in this chat. It
// is fetched, checked and stored like a unit's file, and attached to that
// submission. It reports whether the file was taken as a scan.
func (b *Bot) maybeReceivedScan(r *Request) (handled bool, err error) {
	if r.Member == nil || !r.Member.Role.Staff() || !r.Ev.Private() || len(r.Ev.Files) == 0 {
		return false, nil
	}
	rd := b.store.Read(r.ctx)
	p, err := rd.PeekPendingInput(r.Ev.From.ID, r.Ev.ChatID)
	if errors.Is(err, db.ErrNotFound) || (err == nil && p.Kind != inputReceivedScan) {
		return false, nil
	}
	if err != nil {
		return true, err
	}
	f := r.Ev.Files[0]
	if pr := checkName(f); pr != nil {
		b.refuse(r, pr)
		return true, nil
	}
	if f.Size > b.maxFileSize() {
		b.refuse(r, &fileProblem{code: "too_big", name: f.displayName()})
		return true, nil
	}
	s, err := rd.Submission(p.RefID)
	if err != nil {
		return true, err
	}
	it, err := rd.Item(s.AssignmentID)
	if err != nil {
		return true, err
	}
	d, err := b.fetch(r.ctx, f)
	var pr *fileProblem
	if errors.As(err, &pr) {
		b.refuse(r, pr)
		return true, nil
	}
	if err != nil {
		return true, err
	}
	defer d.discard()
	// Index 0 names the first file like a unit's single file; later ones
	// get their own number, so no stored name is reused.
	rel := storedPath(it.Unit.Code, it.Period.Key, s.ReceiptYear, s.ReceiptNo, len(s.Files), d.displayName())
	placed := false
	before := len(r.replies)
	var sf db.SubmissionFile
	err = r.Tx(func(tx *db.Tx) error {
		// The question is answered once: a second copy of the update, or a
		// scan racing a text that cancelled it, attaches nothing.
		q, err := tx.TakePendingInput(r.Ev.From.ID, r.Ev.ChatID)
		if err != nil {
			return err
		}
		if q.Kind != inputReceivedScan || q.RefID != s.ID {
			return db.ErrNotFound
		}
		if err := b.placeFile(d, rel); err != nil {
			return &fileProblem{code: "storage", name: d.displayName(), err: err}
		}
		placed = true
		added, err := tx.AddSubmissionFiles(s.ID, []db.SubmissionFile{{FileName: d.displayName(), StoredPath: rel, Size: d.size,
			SHA256: d.sha256, Mime: d.Mime, TgFileID: d.ID, TgUniqueID: d.UniqueID}})
		if err != nil {
			return err
		}
		sf = added[0]
		if err := tx.Audit(r.Member.ID, r.Ev.From.ID, "received_scan", fmt.Sprintf("submission:%d", s.ID),
			fmt.Sprintf("%s %s %s", s.Receipt(), it.Unit.Code, d.sha256)); err != nil {
			return err
		}
		r.Reply(r.T("manage.received_scan_ok", sf.FileName, humanSize(sf.Size, r.Lang), sf.SHA256[:12], s.Receipt(), it.Unit.Code))
		return nil
	})
	if err != nil {
		if len(r.replies) >= before {
			r.replies = r.replies[:before]
		}
		if placed {
			os.Remove(filepath.Join(b.cfg.DataDir, filepath.FromSlash(rel)))
		}
		if errors.Is(err, db.ErrNotFound) {
			return false, nil // no longer waiting: an ordinary file
		}
		if errors.As(err, &pr) {
			b.refuse(r, pr)
			return true, nil
		}
		return true, err
	}
	return true, nil
}

// queueReceivedCard puts a report recorded with /received before the Office
// chat with the same card and Accept/Return buttons as a file sent in chat,
// so it is reviewed, registered and archived alike.
func (b *Bot) queueReceivedCard(r *Request, tx *db.Tx, it db.Item, sub db.Submission) {
	office, err := tx.Reader().Chat(db.ChatOffice)
	if err != nil {
		b.log.Warn("no Office chat bound: the received report is not shown there", "submission", sub.ID)
		return
	}
	lang := b.chatLang(tx.Reader())
	r.Send(db.OutMessage{ChatID: office.ChatID, ThreadID: office.ThreadID, Purpose: "submission", RefID: sub.ID,
		Text: b.officeCard(lang, it, sub, r.Member.Name, it.Status == db.StatusAccepted), Markup: reviewButtons(lang, sub.ID)})
}
