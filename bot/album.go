package bot

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/reportbot/reportbot/db"
)

// Telegram sends each file of an album as its own update; the parts that
// reach the bot in a later batch than the first join the submission the
// first became.

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

// queueAlbumPart tells the head the files were added to the receipt, and
// sends the Office its copy of them as it did the album's first files.
func (b *Bot) queueAlbumPart(r *Request, tx *db.Tx, it db.Item, in incoming, sub db.Submission, files []db.SubmissionFile) {
	lang := r.Lang
	var sb strings.Builder
	sb.WriteString(tr(lang, "sub.album_added", sub.Receipt()))
	for _, f := range files {
		sb.WriteString("\n" + tr(lang, "sub.receipt_file", f.FileName, humanSize(f.Size, lang), f.SHA256[:12]))
	}
	r.Send(db.OutMessage{ChatID: in.ChatID, MemberID: r.Member.ID, Text: sb.String(), ReplyTo: in.Messages[0],
		Purpose: purposeReceipt, RefID: it.ID})

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
