package bot

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/plan"
	"github.com/reportbot/reportbot/reminders"
	"github.com/reportbot/reportbot/reporting"
)

// Managing from chat: units, members, invites, deadlines and the plan, for
// admins and the Office.

// cmdUnits lists the open units with their head and how many joined.
func (b *Bot) cmdUnits(r *Request) error {
	rd := b.store.Read(r.ctx)
	units, err := rd.Units(false)
	if err != nil {
		return err
	}
	if len(units) == 0 {
		r.Reply(r.T("manage.no_units"))
		return nil
	}
	members, err := rd.Members(0)
	if err != nil {
		return err
	}
	heads := map[int64][]string{}
	count := map[int64]int{}
	for _, m := range members {
		count[m.UnitID]++
		if m.Role == db.RoleHead {
			heads[m.UnitID] = append(heads[m.UnitID], m.Name)
		}
	}
	lines := []string{r.T("manage.units_title", len(units))}
	for _, u := range units {
		head := strings.Join(heads[u.ID], ", ")
		if head == "" {
			head = r.T("manage.no_head")
		}
		lines = append(lines, r.T("manage.unit_line", u.Code, unitName(u, r.Lang), head, count[u.ID]))
	}
	return r.ReplyList(strings.Join(lines, "\n"), nil)
}

// cmdDeadline moves the current period's deadline of an obligation for
// every unit without an extension of its own, and tells each affected
// head: "/deadline BC6T 20/06/2026".
func (b *Bot) cmdDeadline(r *Request) error {
	words := strings.Fields(r.Ev.Args)
	if len(words) != 2 {
		r.Reply(r.T("manage.deadline_usage"))
		return nil
	}
	rd := b.store.Read(r.ctx)
	o, err := rd.ObligationByCode(words[0])
	if errors.Is(err, db.ErrNotFound) {
		b.unknownSelection(r, words[0])
		return nil
	}
	if err != nil {
		return err
	}
	day, err := time.ParseInLocation("2/1/2006", words[1], b.loc)
	if err != nil {
		r.Reply(r.T("manage.deadline_bad_date", words[1]))
		return nil
	}
	deadline := time.Date(day.Year(), day.Month(), day.Day(), o.DueHour, o.DueMinute, 0, 0, b.loc)
	now := b.store.Now()
	if !deadline.After(now) {
		r.Reply(r.T("manage.deadline_past", formatDateTime(deadline, b.loc)))
		return nil
	}
	p, err := currentPeriod(rd, o.ID, now)
	if errors.Is(err, db.ErrNotFound) {
		r.Reply(r.T("console.no_periods"))
		return nil
	}
	if err != nil {
		return err
	}
	old := p.DeadlineAt
	reason := tr("vi", "manage.deadline_reason", r.Member.Name)
	err = r.Tx(func(tx *db.Tx) error {
		ids, err := tx.MovePeriodDeadline(p.ID, deadline, reason)
		if err != nil {
			return err
		}
		for _, id := range ids {
			it, err := tx.Reader().Item(id)
			if err != nil {
				return err
			}
			if !it.Open() {
				continue // already in: nothing changes for them
			}
			members, err := tx.Reader().Members(it.UnitID)
			if err != nil {
				return err
			}
			for _, m := range members {
				if m.Role != db.RoleHead {
					continue
				}
				lang := pickLang(m.Lang, "")
				r.Send(db.OutMessage{
					Key:    fmt.Sprintf("deadline:%d:%d:%d", p.ID, m.ID, deadline.Unix()),
					ChatID: m.TelegramID, MemberID: m.ID,
					Text: tr(lang, "manage.deadline_head", obligationTitle(o, lang), reminders.PeriodName(p.Key, lang),
						formatDate(old, b.loc), formatDateTime(deadline, b.loc), weekday(deadline, b.loc, lang)),
				})
			}
		}
		return tx.Audit(r.Member.ID, r.Ev.From.ID, "deadline", o.Code+" "+p.Key, fmt.Sprintf("%s → %s", formatDateTime(old, b.loc), formatDateTime(deadline, b.loc)))
	})
	if err != nil {
		return err
	}
	r.Reply(r.T("manage.deadline_moved", o.Code, reminders.PeriodName(p.Key, r.Lang), formatDateTime(old, b.loc), formatDateTime(deadline, b.loc)))
	return nil
}

// cmdPlan sends the plan in force as YAML, to edit and send back.
func (b *Bot) cmdPlan(r *Request) error {
	data, err := b.currentPlanYAML(r)
	if err != nil {
		return err
	}
	path, err := b.writeOut(r, "plan.yaml", func(f *os.File) error { _, err := f.Write(data); return err })
	if err != nil {
		return err
	}
	r.replyFile(db.KindDocument, path, "plan.yaml", r.T("manage.plan_caption"))
	return nil
}

func (b *Bot) currentPlanYAML(r *Request) ([]byte, error) {
	p, err := plan.FromStore(b.store.Read(r.ctx))
	if err != nil {
		return nil, err
	}
	return p.Marshal()
}

// shortHash is the first 16 hex digits of SHA-256: enough to tell plan
// versions apart, short enough for a button's 64 bytes.
func shortHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

// maxPlanFile bounds a plan file sent in chat; a real plan is a few KB.
const maxPlanFile = 256 << 10

func planDraftKey(hash string) string { return "plan_draft:" + hash }

// maybePlanFile takes a YAML document sent by an admin or the Office as a
// new plan: it validates it, shows what would change and waits for
// Confirm. It reports whether the document was a plan file, so the caller
// hands anything else to the submissions flow.
func (b *Bot) maybePlanFile(r *Request) (handled bool, err error) {
	if r.Member == nil || !r.Member.Role.Staff() || !r.Ev.Private() || len(r.Ev.Files) != 1 {
		return false, nil
	}
	f := r.Ev.Files[0]
	name := strings.ToLower(f.Name)
	if !strings.HasSuffix(name, ".yaml") && !strings.HasSuffix(name, ".yml") {
		return false, nil
	}
	if f.Size > maxPlanFile {
		r.Reply(r.T("manage.plan_too_big"))
		return true, nil
	}
	data, err := b.downloadSmall(r, f.ID)
	if err != nil {
		return true, err
	}
	p, err := plan.Parse(data)
	var perr *plan.Errors
	if errors.As(err, &perr) {
		r.Reply(r.T("manage.plan_errors", perr.Format(r.Lang)))
		return true, nil
	}
	if err != nil {
		return true, err
	}
	changes, err := plan.Preview(r.ctx, b.store, p)
	if err != nil {
		return true, err
	}
	if len(changes) == 0 {
		r.Reply(r.T("manage.plan_same"))
		return true, nil
	}
	current, err := b.currentPlanYAML(r)
	if err != nil {
		return true, err
	}
	draft := shortHash(data)
	lines := []string{r.T("manage.plan_diff", p.Department, len(changes))}
	for _, c := range changes {
		lines = append(lines, "• "+c.String())
	}
	r.ReplyWith(db.OutMessage{Text: strings.Join(lines, "\n"), Markup: Keyboard([]Button{
		// The button carries both the new file's hash and the hash of the
		// plan it was compared with: a Confirm pressed after someone else
		// changed the plan is refused instead of undoing their change.
		Callback{Verb: VerbPlan, Step: "ok", Tokens: []string{draft, shortHash(current)}}.Button(r.T("manage.plan_confirm")),
		Callback{Verb: VerbPlan, Step: "no", Tokens: []string{draft, shortHash(current)}}.Button(r.T("announce.cancel")),
	})})
	return true, r.Tx(func(tx *db.Tx) error { return tx.SetSetting(planDraftKey(draft), string(data)) })
}

// downloadSmall fetches a small file sent to the bot into memory.
func (b *Bot) downloadSmall(r *Request, fileID string) ([]byte, error) {
	tf, err := b.tg.GetFile(r.ctx, &tgbot.GetFileParams{FileID: fileID})
	if err != nil {
		return nil, fmt.Errorf("get file: %s", redact(err.Error(), b.cfg.Token))
	}
	// The link carries the token: it goes to the request and nowhere else.
	req, err := http.NewRequestWithContext(r.ctx, http.MethodGet, b.tg.FileDownloadLink(tf), nil)
	if err != nil {
		return nil, errors.New("bad download link")
	}
	resp, err := b.http.Do(req)
	if err != nil {
		return nil, errors.New("download plan file: " + redact(err.Error(), b.cfg.Token))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download plan file: status %d", resp.StatusCode)
	}
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(resp.Body, maxPlanFile+1)); err != nil {
		return nil, errors.New("download plan file: " + redact(err.Error(), b.cfg.Token))
	}
	return buf.Bytes(), nil
}

// onPlanButton applies ("ok") or drops ("no") a previewed plan file; the
// tokens are the hashes of the file and of the plan it was compared with.
func (b *Bot) onPlanButton(r *Request, c Callback) error {
	draft, base := c.Tokens[0], c.Tokens[1]
	key := planDraftKey(draft)
	if c.Step == "no" {
		if err := r.Tx(func(tx *db.Tx) error { _, err := tx.DeleteSetting(key); return err }); err != nil {
			return err
		}
		r.Toast(r.T("announce.cancelled"))
		r.Reply(r.T("manage.plan_cancelled"))
		return nil
	}
	data, err := b.store.Read(r.ctx).Setting(key)
	if err != nil {
		return err
	}
	if data == "" || shortHash([]byte(data)) != draft {
		r.Toast(r.T("callback.stale"))
		r.Reply(r.T("manage.plan_stale"))
		return nil
	}
	current, err := b.currentPlanYAML(r)
	if err != nil {
		return err
	}
	if shortHash(current) != base {
		r.Toast(r.T("callback.stale"))
		r.Reply(r.T("manage.plan_stale"))
		return nil
	}
	p, err := plan.Parse([]byte(data))
	if err != nil {
		// It parsed at preview time; only a bug gets here.
		return fmt.Errorf("parse stored plan draft: %w", err)
	}
	changes, err := plan.Apply(r.ctx, b.store, p)
	if err != nil {
		return err
	}
	if err := r.Tx(func(tx *db.Tx) error {
		if _, err := tx.DeleteSetting(key); err != nil {
			return err
		}
		return tx.Audit(r.Member.ID, r.Ev.From.ID, "plan", p.Department, fmt.Sprintf("%d changes", len(changes)))
	}); err != nil {
		return err
	}
	r.Toast(r.T("manage.plan_applied_toast"))
	r.Reply(r.T("manage.plan_applied", len(changes)))
	return nil
}

// cmdReceived records a report that reached the Office outside Telegram:
// "/received UNIT [OBLIGATION] <reference>", where the reference may start
// with how it came (giấy/paper, email, eoffice).
func (b *Bot) cmdReceived(r *Request) error {
	words := strings.Fields(r.Ev.Args)
	if len(words) < 2 {
		r.Reply(r.T("manage.received_usage"))
		return nil
	}
	rd := b.store.Read(r.ctx)
	u, err := rd.UnitByCode(words[0])
	if errors.Is(err, db.ErrNotFound) {
		r.Reply(r.T("console.unknown_unit", words[0]))
		return nil
	}
	if err != nil {
		return err
	}
	open, err := rd.OpenUnitItems(u.ID)
	if err != nil {
		return err
	}
	words = words[1:]
	var target *db.Item
	if o, err := rd.ObligationByCode(words[0]); err == nil {
		// Named: the obligation's current period, even if the unit already
		// submitted it (a paper copy is then a new version, or a duplicate).
		words = words[1:]
		it, err := reporting.UnitCurrent(rd, u.ID, o.ID, b.store.Now())
		if err != nil && !errors.Is(err, db.ErrNotFound) {
			return err
		}
		if err == nil {
			target = &it
		}
		if target == nil {
			r.Reply(r.T("manage.received_nothing_owed", u.Code))
			return nil
		}
	} else if !errors.Is(err, db.ErrNotFound) {
		return err
	}
	if target == nil {
		if len(open) != 1 {
			var codes []string
			for _, it := range open {
				codes = append(codes, it.Obligation.Code)
			}
			if len(codes) == 0 {
				r.Reply(r.T("manage.received_nothing_owed", u.Code))
			} else {
				r.Reply(r.T("manage.received_which", u.Code, strings.Join(codes, ", ")))
			}
			return nil
		}
		target = &open[0]
	}
	source := db.SourcePaper
	if len(words) > 0 {
		switch strings.ToLower(strings.TrimSuffix(words[0], ":")) {
		case "giấy", "giay", "paper":
			words = words[1:]
		case "email", "e-mail", "thư":
			source, words = db.SourceEmail, words[1:]
		case "eoffice", "e-office", "vbđt", "vbdt":
			source, words = db.SourceEOffice, words[1:]
		}
	}
	reference := strings.Join(words, " ")
	if reference == "" {
		r.Reply(r.T("manage.received_usage"))
		return nil
	}
	if prev, err := rd.SubmissionByReference(target.ID, reference); err == nil {
		r.Reply(r.T("manage.received_dup", reference, prev.Receipt()))
		return nil
	} else if !errors.Is(err, db.ErrNotFound) {
		return err
	}
	var s db.Submission
	err = act(r, func(tx *db.Tx) error {
		var err error
		s, err = reporting.Record(tx, reporting.RecordReceived, actor(r), *target, reporting.NewSubmission{Source: source, Reference: reference}, b.loc, 0)
		if err != nil {
			return err
		}
		b.queueReceivedCard(r, tx, *target, s)
		// The next file in this chat is the scan (received_scan.go).
		return tx.SetPendingInput(db.PendingInput{TelegramID: r.Ev.From.ID, ChatID: r.Ev.ChatID, Kind: inputReceivedScan, RefID: s.ID})
	})
	if err != nil || s.ID == 0 {
		return err
	}
	r.Reply(r.T("manage.received_ok", s.Receipt(), u.Code, obligationTitle(target.Obligation, r.Lang),
		reminders.PeriodName(target.Period.Key, r.Lang), r.T("manage.source_"+string(source)), reference) + "\n\n" + r.T("manage.received_scan_offer", s.Receipt()))
	return nil
}
