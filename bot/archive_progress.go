package bot

import (
	"fmt"
	"time"

	"github.com/reportbot/reportbot/db"
)

// progressEvery bounds how often the archive's progress message is edited:
// after this many units, or this much time, whichever comes first.
const (
	progressEveryUnits = 10
	progressEveryTime  = time.Second
)

// progress is a message that says how far long work has got and is edited
// as it goes. It goes out while the work runs, not with the update's
// replies, so each step is queued in its own transaction and the sender
// kicked. Only the latest count matters: a step supersedes the ones the
// sender has not made yet. Like the chat action it is a hint: a step that
// cannot be queued is only logged, and the work goes on.
type progress struct {
	b        *Bot
	r        *Request
	outboxID int64 // the progress message's outbox row; 0 if it could not be queued
	steps    int
	total    int
	shown    int
	lastAt   time.Time
}

// startProgress posts the progress message at 0 of total.
func (b *Bot) startProgress(r *Request, total int) *progress {
	p := &progress{b: b, r: r, total: total, lastAt: b.cfg.Pacer.Now()}
	m := db.OutMessage{Key: fmt.Sprintf("u%d-progress", r.Ev.UpdateID), ChatID: r.Ev.ChatID, ThreadID: r.Ev.ThreadID, Text: r.T("archive.progress", 0, total)}
	if r.Ev.Private() && r.Member != nil {
		m.MemberID = r.Member.ID
	}
	p.queue(func(tx *db.Tx) (err error) {
		p.outboxID, _, err = tx.Enqueue(m)
		return err
	})
	return p
}

// update shows done of total when enough units or time went by since the
// last edit.
func (p *progress) update(done int) {
	now := p.b.cfg.Pacer.Now()
	if done-p.shown < progressEveryUnits && now.Sub(p.lastAt) < progressEveryTime {
		return
	}
	p.edit(p.r.T("archive.progress", done, p.total))
	p.shown, p.lastAt = done, now
}

// finish replaces the progress with its last word.
func (p *progress) finish(text string) { p.edit(text) }

func (p *progress) edit(text string) {
	if p.outboxID == 0 {
		return
	}
	p.steps++
	m := db.OutMessage{Key: p.editKey() + fmt.Sprint(p.steps), Kind: db.KindEditText, ChatID: p.r.Ev.ChatID, TargetOutbox: p.outboxID, Text: text}
	p.queue(func(tx *db.Tx) error {
		if err := tx.Supersede(p.editKey()); err != nil {
			return err
		}
		_, _, err := tx.Enqueue(m)
		return err
	})
}

// editKey is the key prefix of the progress edits, numbered after it. Keys
// are named after the update, so handling it again queues nothing twice.
func (p *progress) editKey() string { return fmt.Sprintf("u%d-progress-edit-", p.r.Ev.UpdateID) }

func (p *progress) queue(write func(tx *db.Tx) error) {
	if err := p.b.store.Tx(p.r.ctx, write); err != nil {
		p.b.log.Warn("progress message", "err", err)
		return
	}
	p.b.sender.Kick()
}
