package bot

// One pass of the outbox sender over the due messages (see Sender).

import (
	"container/heap"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/reportbot/reportbot/db"
)

// sendBatch is how many due messages a pass reads at once. It reads more
// when fewer than half remain, so workers do not idle between batches.
const sendBatch = 512

// outboxLease is how long a sender's claim on a message lasts unless renewed.
const outboxLease = 10 * time.Minute

// pass sends the messages due when it reads them, with the configured
// number of workers, and returns when none is left that it may send.
func (s *Sender) pass(ctx context.Context) (int, error) {
	s.mu.Lock()
	s.limits.forget(s.pacer.Now())
	s.mu.Unlock()
	p := &sendPass{
		s:       s,
		ctx:     ctx,
		changed: make(chan struct{}),
		chats:   map[int64]*sendChat{},
		known:   map[int64]bool{},
		ready:   sendHeap{less: func(a, b *sendChat) bool { return a.queue[0].seq < b.queue[0].seq }},
		waiting: sendHeap{less: func(a, b *sendChat) bool { return a.readyAt.Before(b.readyAt) }},
	}
	marks := make(chan sendMark)
	committed := make(chan struct{})
	go func() {
		defer close(committed)
		// Records of accepted messages are written even while shutting down.
		s.commitMarks(context.WithoutCancel(ctx), marks)
	}()
	p.record = func(write func(tx *db.Tx) error) error {
		done := make(chan error, 1)
		marks <- sendMark{write: write, done: done}
		return <-done
	}
	var wg sync.WaitGroup
	for range s.cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := p.next(); c != nil; c = p.next() {
				p.deliverHead(c)
			}
		}()
	}
	wg.Wait()
	close(marks)
	<-committed
	if p.err == nil {
		p.err = ctx.Err()
	}
	return p.sent, p.err
}

// sendPass is one pass over the due messages: a queue per chat, and two
// heaps of the chats that are not busy, those free to send now (oldest
// message first) and those waiting for their per-chat interval (soonest
// first). A worker takes the best free chat and sends its first message, so
// a slow chat never holds up the others and a chat's messages stay in order.
type sendPass struct {
	s      *Sender
	ctx    context.Context
	record func(write func(tx *db.Tx) error) error // through commitMarks

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced when a chat frees up or a read ends
	chats    map[int64]*sendChat
	ready    sendHeap
	waiting  sendHeap
	known    map[int64]bool // outbox ids this pass has seen
	queued   int            // messages in chat queues, those in flight included
	parked   int            // due messages left for the next pass
	inflight int
	fetching bool
	drained  bool // the last read found every due message
	seq      int64
	sent     int
	err      error
}

// sendChat is one chat's queue within a pass.
type sendChat struct {
	queue   []sendItem
	busy    bool      // its first message is being sent
	parked  bool      // a message was put back: the rest waits for the next pass
	readyAt time.Time // earliest send, while in the waiting heap
	index   int       // position in a heap, -1 when in none
}

type sendItem struct {
	m   db.OutMessage
	seq int64 // order of reading, which is due time then id
}

// next blocks until a chat may be sent to and returns it busy, or returns
// nil when the pass is over.
func (p *sendPass) next() *sendChat {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		if p.err != nil || p.ctx.Err() != nil {
			return nil
		}
		if !p.drained && !p.fetching && p.queued-p.inflight < sendBatch/2 {
			p.refill()
			continue
		}
		now := p.s.pacer.Now()
		for p.waiting.Len() > 0 && !p.waiting.chats[0].readyAt.After(now) {
			heap.Push(&p.ready, heap.Pop(&p.waiting))
		}
		if p.ready.Len() > 0 {
			c := heap.Pop(&p.ready).(*sendChat)
			c.busy = true
			p.inflight++
			return c
		}
		if p.waiting.Len() > 0 {
			at := p.waiting.chats[0].readyAt
			p.mu.Unlock()
			err := paceUntil(p.ctx, p.s.pacer, at)
			p.mu.Lock()
			if err != nil {
				return nil
			}
			continue
		}
		if p.drained && p.inflight == 0 && !p.fetching {
			return nil
		}
		ch := p.changed
		p.mu.Unlock()
		select {
		case <-ch:
		case <-p.ctx.Done():
		}
		p.mu.Lock()
	}
}

// refill reads due messages not yet seen into the chat queues. It is called
// and returns with p.mu held, releasing it while the database is read.
func (p *sendPass) refill() {
	p.fetching = true
	// Every due message the pass already holds comes back too; read enough
	// past them for a full batch of new ones.
	limit := p.queued + p.parked + sendBatch
	p.mu.Unlock()
	// Claimed, so a second sender on the database cannot send them too; the
	// rows the pass holds are read again, which renews their claims.
	rows, err := p.s.store.ClaimOutbox(p.ctx, p.s.owner, p.s.store.Now(), limit, outboxLease)
	var retrying map[int64]int64
	if err == nil {
		retrying, err = p.s.store.Read(p.ctx).RetryingChats()
	}
	p.mu.Lock()
	p.fetching = false
	defer p.broadcast()
	if err != nil {
		p.fail(fmt.Errorf("read outbox: %w", err))
		return
	}
	fresh := 0
	for _, m := range rows {
		if p.known[m.ID] {
			continue
		}
		p.known[m.ID] = true
		fresh++
		c := p.chats[m.ChatID]
		if c == nil {
			c = &sendChat{index: -1}
			p.chats[m.ChatID] = c
		}
		if first, ok := retrying[m.ChatID]; c.parked || (ok && first < m.ID) {
			p.parked++
			continue
		}
		c.queue = append(c.queue, sendItem{m: m, seq: p.seq})
		p.seq++
		p.queued++
		if !c.busy && c.index < 0 {
			p.schedule(c)
		}
	}
	if fresh == 0 || len(rows) < limit {
		p.drained = true
	}
}

// schedule puts a free chat with messages in the waiting heap, from which
// next moves it to the ready heap once its per-chat interval has passed.
func (p *sendPass) schedule(c *sendChat) {
	p.s.mu.Lock()
	c.readyAt = p.s.limits.chatReady(c.queue[0].m.ChatID)
	p.s.mu.Unlock()
	heap.Push(&p.waiting, c)
}

// deliverHead sends c's first message and settles the queue by the outcome.
func (p *sendPass) deliverHead(c *sendChat) {
	p.mu.Lock()
	m := c.queue[0].m
	p.mu.Unlock()
	outcome, final, err := p.s.deliver(p.ctx, m, p.record)

	p.mu.Lock()
	defer p.mu.Unlock()
	defer p.broadcast()
	c.busy = false
	p.inflight--
	if err != nil {
		p.fail(err)
		return
	}
	c.queue = c.queue[1:]
	p.queued--
	if final.ChatID != m.ChatID {
		// The group moved; the database already points the rest there.
		for i := range c.queue {
			c.queue[i].m.ChatID = final.ChatID
		}
	}
	switch outcome {
	case sendDelivered:
		p.sent++
	case sendDeferred:
		p.parked += len(c.queue)
		fallthrough
	case sendHeld:
		// Deferred: the rest stays pending behind the retried message.
		// Held: the rest is already marked failed in the database.
		p.queued -= len(c.queue)
		c.queue = nil
		c.parked = true
	}
	if len(c.queue) > 0 {
		p.schedule(c)
	}
}

func (p *sendPass) fail(err error) {
	if p.err == nil {
		p.err = err
	}
}

func (p *sendPass) broadcast() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// sendHeap is a container/heap of chats ordered by less.
type sendHeap struct {
	chats []*sendChat
	less  func(a, b *sendChat) bool
}

func (h *sendHeap) Len() int           { return len(h.chats) }
func (h *sendHeap) Less(i, j int) bool { return h.less(h.chats[i], h.chats[j]) }
func (h *sendHeap) Swap(i, j int) {
	h.chats[i], h.chats[j] = h.chats[j], h.chats[i]
	h.chats[i].index, h.chats[j].index = i, j
}
func (h *sendHeap) Push(x any) {
	c := x.(*sendChat)
	c.index = len(h.chats)
	h.chats = append(h.chats, c)
}
func (h *sendHeap) Pop() any {
	c := h.chats[len(h.chats)-1]
	h.chats = h.chats[:len(h.chats)-1]
	c.index = -1
	return c
}
