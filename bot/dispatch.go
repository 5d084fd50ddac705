package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/db"
)

// dispatchLoop handles stored updates until ctx ends, and returns once the
// handlers it started have finished. Updates stored before a crash are
// handled after the restart, because they are still pending.
func (b *Bot) dispatchLoop(ctx context.Context) {
	d := &dispatcher{b: b, sem: make(chan struct{}, b.cfg.Workers), queues: map[int64]*chatQueue{}, taken: map[int64]bool{}}
	defer d.wg.Wait()
	for {
		if err := d.take(ctx); err != nil && ctx.Err() == nil {
			b.log.Error("dispatch", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-b.wake:
		case <-time.After(5 * time.Second):
			// A safety net: a wake-up lost to a race costs at most this.
		}
	}
}

// dispatcher gives each chat its own queue: one chat's updates are handled
// in order, one at a time, while other chats go on at once, so a head whose
// upload trickles in holds up nobody else. At most cfg.Workers handlers run
// together.
type dispatcher struct {
	b   *Bot
	sem chan struct{}
	wg  sync.WaitGroup

	mu     sync.Mutex
	queues map[int64]*chatQueue // chats with a running queue
	taken  map[int64]bool       // update ids queued and not yet handled
}

// chatQueue is one chat's updates waiting for its goroutine.
type chatQueue struct{ ups []db.InboundUpdate }

// take reads pending updates and queues those not queued yet. It reads with
// d.mu held, so an update a queue finishes meanwhile cannot be read as
// pending after it has left taken, and so is never handled twice.
func (d *dispatcher) take(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	// At most 16 of any chat: a flooding chat cannot fill the read and keep
	// the others waiting; its queue asks for more when it runs dry. The
	// updates already queued come back too, so read past them.
	ups, err := d.b.store.Read(ctx).FairPendingUpdates(16, 256+len(d.taken))
	if err != nil {
		return err
	}
	for _, u := range ups {
		if d.taken[u.ID] {
			continue
		}
		d.taken[u.ID] = true
		q := d.queues[u.ChatID]
		if q == nil {
			q = &chatQueue{}
			d.queues[u.ChatID] = q
			d.wg.Add(1)
			go d.run(ctx, u.ChatID, q)
		}
		q.ups = append(q.ups, u)
	}
	return nil
}

// run handles a chat's queue until it is empty or ctx ends.
func (d *dispatcher) run(ctx context.Context, chat int64, q *chatQueue) {
	defer d.wg.Done()
	for {
		d.mu.Lock()
		if len(q.ups) == 0 || ctx.Err() != nil {
			delete(d.queues, chat)
			d.mu.Unlock()
			// The chat may have more pending than the last read took.
			d.b.wakeDispatcher()
			return
		}
		u := q.ups[0]
		q.ups = q.ups[1:]
		d.mu.Unlock()
		select {
		case d.sem <- struct{}{}:
		case <-ctx.Done():
			continue
		}
		d.b.handleStored(ctx, u)
		<-d.sem
		d.mu.Lock()
		delete(d.taken, u.ID)
		d.mu.Unlock()
	}
}

// handleStored handles one update and marks it done together with the
// replies it produced, in one transaction: a crash before that commit
// handles the update again, and the replies' dedupe keys keep the user from
// hearing the same thing twice.
func (b *Bot) handleStored(ctx context.Context, u db.InboundUpdate) {
	var upd models.Update
	if err := json.Unmarshal(u.Payload, &upd); err != nil {
		b.finish(ctx, u.ID, nil, "undecodable update: "+err.Error())
		return
	}
	ev := transform(&upd, b.username)
	if ev == nil {
		b.finish(ctx, u.ID, nil, "")
		return
	}
	r, err := b.newRequest(ctx, ev)
	if err != nil {
		// The database is not answering: leave the update pending and let the
		// next round retry it.
		b.log.Error("load member", "update_id", u.ID, "err", err)
		return
	}
	failure := b.runHandler(r)
	if failure != "" && ctx.Err() != nil {
		// A stop interrupted the handler (a download, a transaction): its
		// replies are dropped and the update stays pending, so the restart
		// handles it in full and no report is lost.
		b.log.Info("update left pending for the restart", "update_id", u.ID)
		return
	}
	b.finish(ctx, u.ID, r, failure)
	if r.answerCallback && ev.CallbackID != "" {
		b.answerCallback(ctx, ev.CallbackID, r.callbackText)
	}
}

// runHandler routes a request, turning a panic or an error into a logged
// failure and an apology to the user; the bot keeps running either way.
func (b *Bot) runHandler(r *Request) (failure string) {
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("handler panic", "update_id", r.Ev.UpdateID, "panic", p, "stack", string(debug.Stack()))
			failure = fmt.Sprint("panic: ", p)
			r.apologise()
		}
	}()
	if err := b.route(r); err != nil {
		if errors.Is(err, context.Canceled) {
			return "canceled"
		}
		b.log.Error("handler", "update_id", r.Ev.UpdateID, "err", err)
		r.apologise()
		return err.Error()
	}
	return ""
}

// finish stores the request's replies and marks the update handled.
func (b *Bot) finish(ctx context.Context, updateID int64, r *Request, failure string) {
	err := b.store.Tx(context.WithoutCancel(ctx), func(tx *db.Tx) error {
		if r != nil {
			if err := r.flush(tx); err != nil {
				return err
			}
			// An invite token is used up now; it stays in no stored update.
			if r.Ev.Command == "start" {
				if err := tx.ForgetSecret(updateID, strings.TrimSpace(r.Ev.Args)); err != nil {
					return err
				}
			}
		}
		return tx.FinishUpdate(updateID, failure)
	})
	if err != nil {
		b.log.Error("finish update", "update_id", updateID, "err", err)
		return
	}
	b.updatesHandled.Add(1)
	if r != nil && r.sent > 0 {
		b.sender.Kick()
	}
}

func (b *Bot) answerCallback(ctx context.Context, id, text string) {
	_, err := b.tg.AnswerCallbackQuery(ctx, &answerCallbackParams{CallbackQueryID: id, Text: text})
	if err != nil {
		b.log.Warn("answer callback", "err", redact(err.Error(), b.cfg.Token))
	}
}
