package bot

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/db"
)

// SendAPI is the part of the Bot API the sender calls; *bot.Bot from
// go-telegram satisfies it, and tests may wrap one.
type SendAPI interface {
	SendMessage(ctx context.Context, params *tgbot.SendMessageParams) (*models.Message, error)
	SendDocument(ctx context.Context, params *tgbot.SendDocumentParams) (*models.Message, error)
	SendPhoto(ctx context.Context, params *tgbot.SendPhotoParams) (*models.Message, error)
	CopyMessage(ctx context.Context, params *tgbot.CopyMessageParams) (*models.MessageID, error)
	EditMessageText(ctx context.Context, params *tgbot.EditMessageTextParams) (*models.Message, error)
	EditMessageReplyMarkup(ctx context.Context, params *tgbot.EditMessageReplyMarkupParams) (*models.Message, error)
	PinChatMessage(ctx context.Context, params *tgbot.PinChatMessageParams) (bool, error)
	SetMyCommands(ctx context.Context, params *tgbot.SetMyCommandsParams) (bool, error)
	DeleteMyCommands(ctx context.Context, params *tgbot.DeleteMyCommandsParams) (bool, error)
}

// SenderConfig tunes the outbox sender. Zero fields take the defaults noted.
type SenderConfig struct {
	// GlobalPerSecond caps sends over all chats (default 25, under the
	// roughly 30 a second Telegram allows a bot).
	GlobalPerSecond float64
	// PerChatPerSecond caps sends to one chat (default 1).
	PerChatPerSecond float64
	// GroupPerMinute caps sends to one group or supergroup (default 20).
	GroupPerMinute float64
	// MaxAttempts, if set, is how many times a message is tried against
	// server or network errors before it is marked failed. The default, 0,
	// retries until Telegram takes it or it goes stale: an outage of six
	// hours must not lose a receipt, and a stale reminder is skipped anyway.
	MaxAttempts int
	// Workers is how many requests may be in flight at once (default 8).
	// Each holds at most one message Telegram may have accepted but the
	// outbox does not yet record, so it also bounds duplicates after a crash.
	Workers int
	// CallTimeout bounds one API call, uploads included (default 60s); a
	// call that times out is retried later like a network error.
	CallTimeout time.Duration
	// PollInterval is how often Run looks at the outbox without a Kick, for
	// messages written by another process (default 30s).
	PollInterval time.Duration
	// Pacer does every wait between calls (default RealPacer).
	Pacer Pacer
	// OnUnreachable, if set, is called once each time a chat refuses the
	// bot (see Refusal): a member's private chat (memberID set), or a bound
	// group the bot was removed from or whose topic was deleted (memberID 0).
	OnUnreachable func(memberID int64, chatID int64, why Refusal)
	// Stale, if set, tells whether a message is no longer worth sending for
	// reasons only the caller knows (the unit submitted meanwhile). A
	// message past its ExpiresAt is stale without asking.
	Stale func(m db.OutMessage) bool
	// OnSkipped, if set, is called for each message skipped as stale, after
	// it is marked.
	OnSkipped func(m db.OutMessage)
	// OnFailed, if set, is called for each message given up for good (not
	// one held for a chat that refused the bot), after it is marked.
	OnFailed func(m db.OutMessage)
}

func (c SenderConfig) withDefaults() SenderConfig {
	if c.GlobalPerSecond <= 0 {
		c.GlobalPerSecond = 25
	}
	if c.PerChatPerSecond <= 0 {
		c.PerChatPerSecond = 1
	}
	if c.GroupPerMinute <= 0 {
		c.GroupPerMinute = 20
	}
	if c.Workers <= 0 {
		c.Workers = 8
	}
	if c.CallTimeout <= 0 {
		c.CallTimeout = time.Minute
	}
	if c.PollInterval <= 0 {
		c.PollInterval = 30 * time.Second
	}
	if c.Pacer == nil {
		c.Pacer = RealPacer{}
	}
	return c
}

// SenderStats counts what the sender did since it was made.
type SenderStats struct {
	Sent            int64 // outbox messages Telegram accepted (a split text counts once)
	TooManyRequests int64 // 429 answers, each followed by a pause of all sending
	Retries         int64 // messages put back for a later attempt after a server or network error
	Failures        int64 // messages given up: refused for good, out of attempts, or held for a blocked chat
}

// Sender drains the outbox to Telegram within Telegram's rate limits.
//
// Delivery is at least once, and in practice once: a message is marked sent
// in the same moment Telegram's acceptance comes back, so a crash between the
// two repeats at most the messages then in flight (one per worker).
//
// A chat's messages go in order (by due time, then by when they were queued);
// a message put back after an error holds its chat's later messages until it
// is sent or given up. Different chats do not wait for each other.
//
// When a chat refuses the bot (a user blocked it or never opened it, the
// bot was removed from a group), the message and every pending message to
// that chat are held (marked failed with the reason) and the member is
// marked unreachable or the group's removal recorded; a message to a deleted
// forum topic goes to the chat itself instead (see Refusal). When a member
// writes again and is marked reachable, the held messages are NOT sent: by
// then they are stale (a reminder for a deadline already past); whatever is
// due from then on is queued afresh.
type Sender struct {
	store *db.Store
	api   SendAPI
	cfg   SenderConfig
	log   *slog.Logger
	pacer Pacer
	kick  chan struct{}

	// drain lets one pass run at a time, whether from Run or Drain.
	drain sync.Mutex

	// mu guards limits, shared by the workers of a pass and kept between
	// passes so pacing holds across them.
	mu     sync.Mutex
	limits paceLimits

	sent, tooMany, retries, failures atomic.Int64

	// owner names this sender's claims on outbox messages (ClaimOutbox).
	owner string

	// crashAfterAccept, set by tests, runs when Telegram has accepted a
	// message; true makes the sender stop before recording it, as a crash
	// would.
	crashAfterAccept func(m db.OutMessage) bool
}

// NewSender makes a sender; Run or Drain start it working.
func NewSender(store *db.Store, api SendAPI, cfg SenderConfig, log *slog.Logger) *Sender {
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.Default()
	}
	return &Sender{
		store:  store,
		api:    api,
		cfg:    cfg,
		log:    log,
		pacer:  cfg.Pacer,
		kick:   make(chan struct{}, 1),
		limits: newPaceLimits(cfg.GlobalPerSecond, cfg.PerChatPerSecond, cfg.GroupPerMinute),
		owner:  rand.Text(),
	}
}

// Kick tells Run that something was enqueued. It never blocks.
func (s *Sender) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Stats returns the counters so far.
func (s *Sender) Stats() SenderStats {
	return SenderStats{
		Sent:            s.sent.Load(),
		TooManyRequests: s.tooMany.Load(),
		Retries:         s.retries.Load(),
		Failures:        s.failures.Load(),
	}
}

// sendIdleFloor is the shortest idle wait of Run, so a due message that has
// to wait behind a retried one is looked at again without a busy loop.
const sendIdleFloor = time.Second

// Run sends whatever is due until ctx ends, then waits for a Kick, the next
// message's due time or the poll interval, whichever comes first.
func (s *Sender) Run(ctx context.Context) {
	for ctx.Err() == nil {
		if _, err := s.Drain(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("send outbox", "err", sendRedact(err.Error()))
		}
		wait := s.cfg.PollInterval
		if next, err := s.store.Read(ctx).NextOutboxAt(); err == nil && !next.IsZero() {
			wait = min(wait, max(next.Sub(s.store.Now()), sendIdleFloor))
		}
		s.idle(ctx, wait)
	}
}

// idle waits d or until a Kick. A kick that arrives just as the wait ends is
// put back, so it is never lost.
func (s *Sender) idle(ctx context.Context, d time.Duration) {
	select {
	case <-s.kick:
		return
	default:
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	kicked := make(chan bool, 1)
	go func() {
		select {
		case <-s.kick:
			cancel()
			kicked <- true
		case <-done:
			kicked <- false
		}
	}()
	var err error
	if ip, ok := s.pacer.(paceIdler); ok {
		err = ip.paceIdle(wctx, d)
	} else {
		err = s.pacer.Sleep(wctx, d)
	}
	close(done)
	// The helper may take a kick after the wait ended by itself; the pass
	// that follows may have read the outbox before that message was in it.
	if <-kicked && err == nil {
		s.Kick()
	}
}

// Drain sends everything due now and returns how many outbox messages were
// sent. Messages put back for later (after an error) are not waited for.
func (s *Sender) Drain(ctx context.Context) (sent int, err error) {
	s.drain.Lock()
	defer s.drain.Unlock()
	for {
		n, err := s.pass(ctx)
		sent += n
		// A pass that sent nothing leaves only messages waiting behind a
		// retry; another pass would find the same.
		if err != nil || n == 0 {
			return sent, err
		}
	}
}

// sendOutcome is how one outbox message ended within a pass.
type sendOutcome int

const (
	sendDelivered sendOutcome = iota // Telegram accepted it and it is marked sent
	sendGaveUp                       // marked failed; the chat's next message may go
	sendDeferred                     // put back for a later attempt; the chat waits
	sendHeld                         // the chat refused the bot; its pending messages are held
)

// sendMaxMoves bounds how often one message follows a group migration, in
// case Telegram's answers point in a circle.
const sendMaxMoves = 3

// errSendCrashed is what a simulated crash (crashAfterAccept) returns.
var errSendCrashed = errors.New("sender stopped after Telegram accepted a message (simulated crash)")

// sendMark is a worker's record that Telegram accepted a message, handed to
// commitMarks; done carries the commit's result.
type sendMark struct {
	write func(tx *db.Tx) error
	done  chan error
}

// commitMarks writes the records workers hand in, as many to a transaction
// as are waiting. A worker waits for its own record before it sends again,
// so batching costs no safety (still at most one unrecorded message per
// worker), while one commit, and one fsync, serves every worker that
// finished meanwhile: at broadcast rates the single SQLite writer would
// otherwise be what limits the sender.
func (s *Sender) commitMarks(ctx context.Context, in <-chan sendMark) {
	for first := range in {
		batch := []sendMark{first}
	gather:
		for len(batch) < s.cfg.Workers {
			select {
			case m, ok := <-in:
				if !ok {
					break gather
				}
				batch = append(batch, m)
			default:
				break gather
			}
		}
		err := s.store.Tx(ctx, func(tx *db.Tx) error {
			for _, m := range batch {
				if err := m.write(tx); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil && len(batch) > 1 {
			// One bad record must not undo the others.
			for _, m := range batch {
				m.done <- s.store.Tx(ctx, m.write)
			}
			continue
		}
		for _, m := range batch {
			m.done <- err
		}
	}
}

// deliver sends one outbox message, in several parts if it is too long, and
// records the result, the acceptance through record. An error means the pass
// must stop (shutdown or the database failing); the message is then still
// pending.
func (s *Sender) deliver(ctx context.Context, m db.OutMessage, record func(write func(tx *db.Tx) error) error) (sendOutcome, db.OutMessage, error) {
	if s.stale(m) {
		// Held back (an outage, a long backoff) until it no longer helps:
		// skip it rather than tell someone about a stage that has passed.
		if err := s.store.Tx(ctx, func(tx *db.Tx) error { return tx.MarkSkipped(m.ID, "stale") }); err != nil {
			return 0, m, fmt.Errorf("skip stale, outbox %d: %w", m.ID, err)
		}
		s.log.Info("outbox message skipped as stale", "outbox_id", m.ID, "chat", m.ChatID)
		if s.cfg.OnSkipped != nil {
			s.cfg.OnSkipped(m)
		}
		return sendGaveUp, m, nil
	}
	moves := 0
	for {
		req, rest, err := s.request(ctx, m)
		var msgID int
		if err == nil {
			msgID, err = s.call(ctx, m.ChatID, req)
		}
		if err == nil {
			if s.crashAfterAccept != nil && s.crashAfterAccept(m) {
				return 0, m, errSendCrashed
			}
			if rest != "" {
				if err := record(func(tx *db.Tx) error { return tx.MarkPartSent(m, msgID, rest) }); err != nil {
					return 0, m, fmt.Errorf("record part sent, outbox %d: %w", m.ID, err)
				}
				m = sendRemainder(m, rest)
				continue
			}
			if err := record(func(tx *db.Tx) error { return tx.MarkSent(m, msgID) }); err != nil {
				return 0, m, fmt.Errorf("record sent, outbox %d: %w", m.ID, err)
			}
			s.sent.Add(1)
			return sendDelivered, m, nil
		}
		if note, ok := actDone(m, err); ok {
			if err := record(func(tx *db.Tx) error { return tx.MarkDone(m.ID, note) }); err != nil {
				return 0, m, fmt.Errorf("record done, outbox %d: %w", m.ID, err)
			}
			return sendDelivered, m, nil
		}
		if ctx.Err() != nil {
			// Shutting down mid-call: whether Telegram got it is unknown;
			// the message stays pending as it was.
			return 0, m, ctx.Err()
		}
		var mig *tgbot.MigrateError
		if errors.As(err, &mig) && moves < sendMaxMoves {
			moves++
			to := int64(mig.MigrateToChatID)
			if err := s.store.Tx(ctx, func(tx *db.Tx) error { return tx.MigrateChat(m.ChatID, to) }); err != nil {
				return 0, m, fmt.Errorf("follow group %d to %d: %w", m.ChatID, to, err)
			}
			s.log.Info("group became a supergroup; following it", "chat", m.ChatID, "new_chat", to, "outbox_id", m.ID)
			m.ChatID = to
			continue
		}
		if refusalOf(err, m) == RefusedTopicGone && moves < sendMaxMoves {
			moves++
			if err := s.leaveTopic(ctx, m); err != nil {
				return 0, m, err
			}
			m.ThreadID = 0
			continue
		}
		outcome, err := s.settle(ctx, m, err)
		return outcome, m, err
	}
}

// stale tells whether m is past its use.
func (s *Sender) stale(m db.OutMessage) bool {
	if !m.ExpiresAt.IsZero() && !s.store.Now().Before(m.ExpiresAt) {
		return true
	}
	return s.cfg.Stale != nil && s.cfg.Stale(m)
}

// sendRemainder is m after a first part went out: the rest, as text, with no
// reply and no file (the same change MarkPartSent makes to the row).
func sendRemainder(m db.OutMessage, rest string) db.OutMessage {
	m.Kind, m.Text, m.ReplyTo = db.KindText, rest, 0
	m.FilePath, m.FileName, m.CopyChatID, m.CopyMessageID = "", "", 0, 0
	return m
}

// Backoff after server and network errors: 10s, 20s, 40s… up to 30 minutes.
const (
	sendRetryBase = 10 * time.Second
	sendRetryCap  = 30 * time.Minute
)

func sendBackoff(attempts int) time.Duration {
	d := sendRetryBase
	for range attempts {
		if d *= 2; d >= sendRetryCap {
			return sendRetryCap
		}
	}
	return d
}

// settle records a failed send: held for a chat that refused the bot, failed
// for an error that will not get better or after the last attempt, and put
// back with a backoff otherwise.
func (s *Sender) settle(ctx context.Context, m db.OutMessage, err error) (sendOutcome, error) {
	reason := sendRedact(err.Error())
	switch {
	case errors.Is(err, tgbot.ErrorForbidden):
		return sendHeld, s.hold(ctx, m, reason, refusalOf(err, m))
	case sendPermanent(err), s.cfg.MaxAttempts > 0 && m.Attempts+1 >= s.cfg.MaxAttempts:
		if err := s.store.Tx(ctx, func(tx *db.Tx) error { return tx.MarkFailed(m.ID, reason) }); err != nil {
			return 0, fmt.Errorf("record failure, outbox %d: %w", m.ID, err)
		}
		s.failures.Add(1)
		s.log.Error("outbox message failed", "outbox_id", m.ID, "chat", m.ChatID, "attempts", m.Attempts+1, "err", reason)
		if s.cfg.OnFailed != nil {
			s.cfg.OnFailed(m)
		}
		return sendGaveUp, nil
	default:
		delay := sendBackoff(m.Attempts)
		at := s.store.Now().Add(delay)
		if err := s.store.Tx(ctx, func(tx *db.Tx) error { return tx.RetryLater(m.ID, at, reason) }); err != nil {
			return 0, fmt.Errorf("put back, outbox %d: %w", m.ID, err)
		}
		s.retries.Add(1)
		s.log.Warn("outbox message put back", "outbox_id", m.ID, "chat", m.ChatID, "attempts", m.Attempts+1, "retry_in", delay, "err", reason)
		return sendDeferred, nil
	}
}

// hold handles a 403: the chat's pending messages are held so they are not
// retried in a loop; a private chat's member is marked unreachable and a
// group's removal recorded, with OnUnreachable told once per change.
func (s *Sender) hold(ctx context.Context, m db.OutMessage, reason string, why Refusal) error {
	memberID, changed := m.MemberID, false
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.MarkFailed(m.ID, reason); err != nil {
			return err
		}
		if err := tx.HoldChat(m.ChatID, reason); err != nil {
			return err
		}
		if m.ChatID <= 0 {
			var err error
			changed, err = tx.RecordBotRemoved(m.ChatID, fmt.Sprint(m.ChatID), reason)
			return err
		}
		var err error
		if changed, err = tx.SetUnreachable(m.ChatID, why.reachability()); err != nil || !changed || memberID != 0 {
			return err
		}
		if mem, err := tx.Reader().MemberByTelegramID(m.ChatID); err == nil {
			memberID = mem.ID
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("hold chat %d: %w", m.ChatID, err)
	}
	s.failures.Add(1)
	s.log.Warn("chat refused the bot; its pending messages are held", "chat", m.ChatID, "outbox_id", m.ID, "err", reason)
	if changed && (memberID != 0 || m.ChatID < 0) && s.cfg.OnUnreachable != nil {
		s.cfg.OnUnreachable(memberID, m.ChatID, why)
	}
	return nil
}

// sendLocalError is a message that cannot be sent as it stands (a missing
// file, a broken keyboard): trying again will not help.
type sendLocalError struct{ err error }

func (e *sendLocalError) Error() string { return e.err.Error() }
func (e *sendLocalError) Unwrap() error { return e.err }

// sendOtherCode reads the status of an API error go-telegram does not name.
var sendOtherCode = regexp.MustCompile(`^error response from telegram for method \w+, (\d{3}) `)

// sendPermanent tells errors that will not get better by waiting: a bad
// request, a local problem, or any other 4xx Telegram answer (413: file too
// large). Unauthorized and not-found (a revoked or mistyped token) and 5xx
// are worth retrying: they are fixed outside the message.
func sendPermanent(err error) bool {
	var local *sendLocalError
	var mig *tgbot.MigrateError
	if errors.Is(err, tgbot.ErrorBadRequest) || errors.As(err, &local) || errors.As(err, &mig) {
		return true
	}
	if sub := sendOtherCode.FindStringSubmatch(err.Error()); sub != nil {
		code, _ := strconv.Atoi(sub[1])
		return code >= 400 && code < 500
	}
	return false
}

// sendToken matches a bot token as it appears in an API or file URL.
var sendToken = regexp.MustCompile(`bot\d+:[\w-]+`)

// sendRedact removes any bot token from an error text before it is logged
// or stored. go-telegram masks the token in request errors already; this
// guards against any other path.
func sendRedact(s string) string { return sendToken.ReplaceAllString(s, "bot***") }

// call paces and makes one API call, pausing all sending and trying again
// for as long as Telegram answers 429.
func (s *Sender) call(ctx context.Context, chatID int64, req sendRequest) (int, error) {
	for {
		if err := s.paceSend(ctx, chatID); err != nil {
			return 0, err
		}
		cctx, cancel := context.WithTimeout(ctx, s.cfg.CallTimeout)
		id, err := req(cctx)
		cancel()
		var tooMany *tgbot.TooManyRequestsError
		isTooMany := errors.As(err, &tooMany)
		s.mu.Lock()
		now := s.pacer.Now()
		s.limits.done(chatID, now)
		var wait time.Duration
		if isTooMany {
			wait = time.Duration(max(tooMany.RetryAfter, 1)) * time.Second
			s.limits.pause(now.Add(wait))
		}
		s.mu.Unlock()
		if !isTooMany {
			return id, err
		}
		s.tooMany.Add(1)
		s.log.Warn("Telegram asked to slow down; pausing all sending", "chat", chatID, "retry_after", wait)
	}
}

// paceSend waits for a send slot to chatID under every limit and any pause.
func (s *Sender) paceSend(ctx context.Context, chatID int64) error {
	for {
		s.mu.Lock()
		at, booked := s.limits.reserve(chatID, s.pacer.Now())
		s.mu.Unlock()
		if err := paceUntil(ctx, s.pacer, at); err != nil {
			return err
		}
		if !booked {
			continue
		}
		// A 429 seen by another worker while this one waited for its slot
		// comes first.
		s.mu.Lock()
		paused := s.pacer.Now().Before(s.limits.pauseUntil)
		s.mu.Unlock()
		if !paused {
			return nil
		}
	}
}
