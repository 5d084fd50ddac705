package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/db"
)

// dispatchLoop handles stored updates until ctx ends. Updates stored before a
// crash are handled after the restart, because they are still pending.
func (b *Bot) dispatchLoop(ctx context.Context) {
	for {
		n, err := b.DispatchPending(ctx)
		if err != nil && ctx.Err() == nil {
			b.log.Error("dispatch", "err", err)
		}
		if n > 0 && err == nil {
			continue
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

// DispatchPending handles one round of stored updates and returns how many.
// Updates of one chat are handled in order, one at a time; different chats
// run in parallel on cfg.Workers goroutines. A round takes at most 16 updates
// of any chat, so a flooding chat delays others by one short round at most.
func (b *Bot) DispatchPending(ctx context.Context) (int, error) {
	ups, err := b.store.Read(ctx).FairPendingUpdates(16, 256)
	if err != nil || len(ups) == 0 {
		return 0, err
	}
	var chats []int64
	byChat := map[int64][]db.InboundUpdate{}
	for _, u := range ups {
		if _, ok := byChat[u.ChatID]; !ok {
			chats = append(chats, u.ChatID)
		}
		byChat[u.ChatID] = append(byChat[u.ChatID], u)
	}
	sem := make(chan struct{}, b.cfg.Workers)
	var wg sync.WaitGroup
	for _, chat := range chats {
		wg.Add(1)
		sem <- struct{}{}
		go func(list []db.InboundUpdate) {
			defer wg.Done()
			defer func() { <-sem }()
			for _, u := range list {
				if ctx.Err() != nil {
					return
				}
				b.handleStored(ctx, u)
			}
		}(byChat[chat])
	}
	wg.Wait()
	return len(ups), ctx.Err()
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
