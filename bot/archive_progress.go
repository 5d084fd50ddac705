package bot

import (
	"time"

	tgbot "github.com/go-telegram/bot"
)

// progressEvery bounds how often the archive's progress message is edited:
// after this many units, or this much time, whichever comes first.
const (
	progressEveryUnits = 10
	progressEveryTime  = time.Second
)

// progress is a message that says how far long work has got and is edited
// as it goes. Like the chat action it is a hint, not outbox-bound: a failed
// send or edit is only logged, and the work goes on.
type progress struct {
	b         *Bot
	r         *Request
	messageID int // 0 when the message could not be sent
	total     int
	shown     int
	lastAt    time.Time
}

// startProgress posts the progress message at 0 of total.
func (b *Bot) startProgress(r *Request, total int) *progress {
	p := &progress{b: b, r: r, total: total, lastAt: b.cfg.Pacer.Now()}
	msg, err := b.tg.SendMessage(r.ctx, &tgbot.SendMessageParams{ChatID: r.Ev.ChatID, MessageThreadID: r.Ev.ThreadID,
		Text: r.T("archive.progress", 0, total)})
	if err != nil {
		b.log.Warn("progress message", "err", redact(err.Error(), b.cfg.Token))
		return p
	}
	p.messageID = msg.ID
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
	if p.messageID == 0 {
		return
	}
	_, err := p.b.tg.EditMessageText(p.r.ctx, &tgbot.EditMessageTextParams{ChatID: p.r.Ev.ChatID, MessageID: p.messageID, Text: text})
	if err != nil {
		p.b.log.Warn("edit progress message", "err", redact(err.Error(), p.b.cfg.Token))
	}
}
