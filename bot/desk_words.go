package bot

import (
	"fmt"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
)

// What the desk shows people in words: periods named as the chat names them
// but never with a deadline said twice, and an audit trail told from the
// records it is about rather than from the raw keys, times and hashes the
// audit table keeps for machines.

// oneOff tells an obligation due once, whose period is named by its date.
func oneOff(o db.Obligation) bool { return reminders.Cover(o.Cover) == reminders.CoverOnce }

// deskPeriodName names a period where its deadline stands beside it. A
// one-off period's own name carries its date ("một lần, hạn ngày
// 15/3/2027"), which would say the deadline twice and once not as
// dd/mm/yyyy, so beside a deadline it is only "một lần".
func deskPeriodName(o db.Obligation, key, lang string) string {
	if oneOff(o) {
		return tr(lang, "desk.once")
	}
	return reminders.PeriodName(key, lang)
}

// deskPeriodDated names a period where no deadline stands beside it (the
// register, the period filter): a one-off one with its deadline, dd/mm/yyyy.
func (b *Bot) deskPeriodDated(o db.Obligation, p db.Period, lang string) string {
	if oneOff(o) {
		return tr(lang, "desk.once_due", formatDate(p.DeadlineAt, b.loc))
	}
	return reminders.PeriodName(p.Key, lang)
}

// auditAbout says which report (by its code, as the page's headings show
// it) and period an assignment's audit entries are about.
func (b *Bot) auditAbout(it db.Item, lang string) string {
	if oneOff(it.Obligation) {
		return tr(lang, "desk.audit_about_once", it.Obligation.Code, formatDate(it.Period.DeadlineAt, b.loc))
	}
	return tr(lang, "desk.audit_about", it.Obligation.Code, reminders.PeriodName(it.Period.Key, lang))
}

// auditSubjects names the records a unit's audit trail is about, by the
// subject the audit table gives them ("submission:7").
type auditSubjects map[string]string

func (s auditSubjects) item(b *Bot, it db.Item, lang string) {
	s[fmt.Sprintf("assignment:%d", it.ID)] = b.auditAbout(it, lang)
}

func (s auditSubjects) submission(sub db.Submission, it db.Item, lang string) {
	s[fmt.Sprintf("submission:%d", sub.ID)] = tr(lang, "desk.audit_receipt", sub.Receipt(), sub.Version, s[fmt.Sprintf("assignment:%d", it.ID)])
}

func (s auditSubjects) extension(b *Bot, e db.Extension, lang string) {
	s[fmt.Sprintf("extension:%d", e.ID)] = tr(lang, "desk.audit_extension", s[fmt.Sprintf("assignment:%d", e.AssignmentID)], formatDate(e.ProposedAt, b.loc))
}

// keys lists the subjects, to look their audit entries up.
func (s auditSubjects) keys() []string {
	out := make([]string, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	return out
}

// detail is what an audit entry was about, in words; only a return's
// reason, written by a person for people, is taken from the entry itself.
func (s auditSubjects) detail(e db.AuditEntry, lang string) string {
	about := s[e.Subject]
	if e.Action == "return" && e.Detail != "" {
		return tr(lang, "desk.audit_reason", about, e.Detail)
	}
	return about
}

// auditLabel names an audit action in lang; an action the desk has no
// words for is "another action", never its key.
func auditLabel(lang, action string) string {
	if _, ok := textsVI["desk.audit_"+action]; !ok {
		return tr(lang, "desk.audit_other")
	}
	return tr(lang, "desk.audit_"+action)
}
