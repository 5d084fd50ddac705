package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
)

// The department's report upward: an obligation whose plan entry names
// report_to is the input of the department's own report to those
// recipients, due report_after working days after the units' deadline.
// /status shows where it stands, the Office and the Director are reminded
// of it, /sent records it, and the register lists it.

// upwardDir holds the documents sent upward under the data folder.
const upwardDir = "upward"

// upwardView is one period's report upward, worked out.
type upwardView struct {
	db.Upward
	db.UpwardPeriod
	Deadline       time.Time
	Received, Owed int
}

// loadUpward works out a period's report upward; ok is false when the
// obligation has none.
func (b *Bot) loadUpward(rd *db.Reader, v periodView) (upwardView, bool, error) {
	up, err := rd.Upward(v.Obligation.ID)
	if errors.Is(err, db.ErrNotFound) {
		return upwardView{}, false, nil
	}
	if err != nil {
		return upwardView{}, false, err
	}
	pol, err := reminders.LoadPolicy(rd)
	if err != nil {
		return upwardView{}, false, err
	}
	uv := upwardView{Upward: up, Owed: len(v.Items)}
	uv.Deadline = pol.Calendar().AddWorkingDays(v.Period.DeadlineAt, up.WorkingDaysAfter)
	for _, it := range v.Items {
		if !it.Open() {
			uv.Received++
		}
	}
	uv.UpwardPeriod, err = rd.UpwardPeriod(v.Period.ID)
	return uv, true, err
}

// upwardStatus is the /status line of a period's report upward, or "".
func (b *Bot) upwardStatus(r *Request, v periodView, now time.Time) (string, error) {
	uv, ok, err := b.loadUpward(b.store.Read(r.ctx), v)
	if !ok || err != nil {
		return "", err
	}
	lang := r.Lang
	drafted := tr(lang, "upward.not_drafted")
	if !uv.DraftedAt.IsZero() {
		drafted = tr(lang, "upward.drafted", formatDate(uv.DraftedAt, b.loc))
	}
	sent := tr(lang, "upward.not_sent")
	if uv.Sent() {
		sent = tr(lang, "upward.sent_state", uv.Number, formatDate(uv.DocDate, b.loc))
	}
	return "\n" + tr(lang, "upward.status", strings.Join(uv.RecipientList(), ", "), formatDate(uv.Deadline, b.loc),
		b.when(lang, uv.Deadline, now), uv.Received, uv.Owed, drafted, sent), nil
}

// sentNumberRe is the số and ký hiệu of the department's report; sentDateRe its date.
var (
	sentNumberRe = regexp.MustCompile(`^\d{1,5}/(?:\d{4}/)?[\p{Lu}Đ]{1,8}(?:-[\p{Lu}Đ0-9]{1,12})+$`)
	sentDateRe   = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)
)

// cmdSent records the report upward as sent: "/sent BC6T 2026-H1 45/BC-SNV
// 12/06/2026", optionally as the caption of the document sent.
func (b *Bot) cmdSent(r *Request) error {
	var number string
	var date time.Time
	var sel []string
	for _, w := range strings.Fields(r.Ev.Args) {
		switch m := sentDateRe.FindStringSubmatch(w); {
		case sentNumberRe.MatchString(strings.ToUpper(w)):
			number = strings.ToUpper(w)
		case m != nil:
			t, err := time.ParseInLocation("2/1/2006", w, b.loc)
			if err != nil {
				r.Reply(r.T("upward.bad_date", w))
				return nil
			}
			date = t
		default:
			sel = append(sel, w)
		}
	}
	if number == "" || date.IsZero() || len(sel) == 0 {
		r.Reply(r.T("upward.usage"))
		return nil
	}
	now := b.store.Now()
	if date.After(now) {
		r.Reply(r.T("upward.future_date", formatDate(date, b.loc)))
		return nil
	}
	rd := b.store.Read(r.ctx)
	views, err := selectPeriods(rd, now, strings.Join(sel, " "))
	if errors.Is(err, errUnknownSelection) {
		b.unknownSelection(r, strings.Join(sel, " "))
		return nil
	}
	if err != nil {
		return err
	}
	var withUp []periodView
	for _, v := range views {
		if _, ok, err := b.loadUpward(rd, v); err != nil {
			return err
		} else if ok {
			withUp = append(withUp, v)
		}
	}
	if len(withUp) != 1 {
		r.Reply(r.T("upward.which", strings.Join(sel, " ")))
		return nil
	}
	v := withUp[0]
	rec := db.UpwardPeriod{PeriodID: v.Period.ID, Number: number, DocDate: date, SentBy: r.Member.ID}
	if len(r.Ev.Files) > 0 {
		d, ok, err := b.takeDocument(r, upwardDir, letterTypes)
		if !ok {
			return err
		}
		rec.FileName, rec.FilePath = d.Name, d.StoredPath
	}
	err = r.Tx(func(tx *db.Tx) error {
		if err := tx.RecordSent(rec); err != nil {
			return err
		}
		return tx.Audit(r.Member.ID, r.Ev.From.ID, "upward_sent", v.Obligation.Code+" "+v.Period.Key, number+" "+formatDate(date, b.loc)+" "+rec.FilePath)
	})
	if err != nil {
		return err
	}
	r.Reply(r.T("upward.recorded", number, formatDate(date, b.loc), v.Obligation.Code, reminders.PeriodName(v.Period.Key, r.Lang)))
	return nil
}

// upwardNoticeDays are the working days before the upward deadline on which
// the Office and the Director hear of it.
var upwardNoticeDays = []int{3, 1, 0}

// sendUpwardNotices reminds the Office chat and every Director, on the
// working days in upwardNoticeDays before a report upward is due and
// while it is not recorded as sent. Keys make each notice once.
func (b *Bot) sendUpwardNotices(ctx context.Context, pl *reminders.Planner, now time.Time) (int, error) {
	rd := b.store.Read(ctx)
	obs, err := rd.Obligations(false)
	if err != nil {
		return 0, err
	}
	cal := pl.Policy().Calendar()
	lang := pl.Policy().ChatLang()
	var msgs []db.OutMessage
	var dms []db.OutMessage
	directors, err := rd.MembersByRole(db.RoleDirector)
	if err != nil {
		return 0, err
	}
	for _, o := range obs {
		p, err := currentPeriod(rd, o.ID, now)
		if errors.Is(err, db.ErrNotFound) {
			continue
		}
		if err != nil {
			return 0, err
		}
		v, err := loadView(rd, o, p)
		if err != nil {
			return 0, err
		}
		uv, ok, err := b.loadUpward(rd, v)
		if err != nil {
			return 0, err
		}
		if !ok || uv.Sent() {
			continue
		}
		left := cal.WorkingDaysBetween(now, uv.Deadline)
		if !slices.Contains(upwardNoticeDays, left) {
			continue
		}
		text := func(lang string) string {
			return tr(lang, "upward.notice", o.Code, reminders.PeriodName(p.Key, lang), strings.Join(uv.RecipientList(), ", "),
				formatDate(uv.Deadline, b.loc), b.when(lang, uv.Deadline, now), uv.Received, uv.Owed)
		}
		key := fmt.Sprintf("upward:%d:%d", p.ID, left)
		msgs = append(msgs, db.OutMessage{Key: key + ":office", Text: text(lang), Purpose: "upward"})
		for _, d := range directors {
			dms = append(dms, db.OutMessage{Key: fmt.Sprintf("%s:%d", key, d.ID), ChatID: d.TelegramID, MemberID: d.ID,
				Text: text(pickLang(d.Lang, "")), Purpose: "upward"})
		}
	}
	sent := 0
	if office, err := rd.Chat(db.ChatOffice); err == nil && len(msgs) > 0 {
		n, err := b.enqueueAll(ctx, office, msgs)
		if sent += n; err != nil {
			return sent, err
		}
	} else if err != nil && !errors.Is(err, db.ErrNotFound) {
		return sent, err
	}
	err = b.store.Tx(ctx, func(tx *db.Tx) error {
		for _, m := range dms {
			if _, created, err := tx.Enqueue(m); err != nil {
				return err
			} else if created {
				sent++
			}
		}
		return nil
	})
	return sent, err
}

// dailyNotices are what the Office hears once a working day: the digests
// (reminders.go) and the reports upward coming due.
func (b *Bot) dailyNotices(ctx context.Context, pl *reminders.Planner, now time.Time) (int, error) {
	n, err := b.sendDigests(ctx, pl, now)
	if err != nil {
		return n, err
	}
	m, err := b.sendUpwardNotices(ctx, pl, now)
	return n + m, err
}
