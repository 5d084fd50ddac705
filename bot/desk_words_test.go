package bot

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/desk"
	"github.com/reportbot/reportbot/reporting"
)

// rawKeys are what the audit table keeps for machines and a person must not
// read on the desk: period keys, record subjects, RFC 3339 times.
var rawKeys = regexp.MustCompile(`\b\d{4}-(H[12]|Q[1-4]|\d{2})\b|\b(submission|assignment|extension):\d|\d{4}-\d{2}-\d{2}T\d{2}`)

// A unit's page says in the reader's language what each audit entry did and
// was about, and a one-off report's deadline once, as dd/mm/yyyy.
func TestDeskUnitPageSpeaksWordsNotKeys(t *testing.T) {
	f := newDeskFixture(t)
	ctx := context.Background()
	sub := f.submitted("bao-cao.pdf", pdf("x"))
	office := "tma " + f.signed(f.staff)
	ret := "/app/api/submissions/" + strconv.FormatInt(sub.ID, 10) + "/return"
	if res, body := f.call("POST", ret, office, strings.NewReader(`{"reason":"Thiếu phụ lục số liệu"}`)); res.StatusCode != 200 {
		t.Fatalf("return: %d %s", res.StatusCode, body)
	}
	var ext db.Extension
	err := f.store.Tx(ctx, func(tx *db.Tx) error {
		m, err := tx.Reader().MemberByTelegramID(f.head.ID)
		if err != nil {
			return err
		}
		// The returned report cannot be extended, and the one-off's
		// deadline is checked as planned: another report can.
		var it db.Item
		for _, x := range f.openItems() {
			if x.ID != f.item.ID && x.Obligation.Code != "KHCT" {
				it = x
			}
		}
		ext, err = tx.AddExtension(db.Extension{AssignmentID: it.ID, RequestedBy: m.ID, Reason: "Chờ số liệu", ProposedAt: it.DeadlineAt.AddDate(0, 0, 10)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if res, body := f.call("POST", "/app/api/extensions/"+strconv.FormatInt(ext.ID, 10)+"/approve", office, nil); res.StatusCode != 200 || !strings.Contains(body, `"done":true`) {
		t.Fatalf("approve: %d %s", res.StatusCode, body)
	}
	proposed := formatDate(ext.ProposedAt, f.bot.loc)

	for _, tc := range []struct {
		lang, submitted, period, returned, approved, once, onceFilter string
	}{
		{"vi", "Nộp báo cáo", "kỳ 6 tháng đầu năm 2026", "Trả lại", "Đồng ý gia hạn", "một lần", "một lần, hạn ngày 15/03/2027"},
		{"en", "Submitted", "first half of 2026", "Returned", "Extension approved", "one-off", "one-off, due 15/03/2027"},
	} {
		page, err := f.bot.DeskCore().Unit(ctx, tc.lang, f.item.UnitID)
		if err != nil {
			t.Fatal(err)
		}
		lines := map[string]desk.AuditLine{}
		for _, a := range page.Audit {
			if rawKeys.MatchString(a.Action+" "+a.Detail) || strings.Contains(a.Action, "_") {
				t.Errorf("%s: audit line with raw keys: %+v", tc.lang, a)
			}
			lines[a.Action] = a
		}
		if got := lines[tc.submitted].Detail; !strings.Contains(got, "1/2026") || !strings.Contains(got, tc.period) {
			t.Errorf("%s: the submission's audit line says %q, want its receipt and %q", tc.lang, got, tc.period)
		}
		if got := lines[tc.returned].Detail; !strings.Contains(got, "Thiếu phụ lục số liệu") || !strings.Contains(got, tc.period) {
			t.Errorf("%s: the return's audit line says %q, want its reason", tc.lang, got)
		}
		if got := lines[tc.approved].Detail; !strings.Contains(got, proposed) {
			t.Errorf("%s: the approval's audit line says %q, want the date %s", tc.lang, got, proposed)
		}

		var once *desk.UnitItem
		for i, it := range page.Items {
			if it.Obligation == "KHCT" {
				once = &page.Items[i]
			}
		}
		if once == nil {
			t.Fatalf("%s: TCBC's page lacks the one-off KHCT", tc.lang)
		}
		if once.PeriodName != tc.once || once.Deadline != "15/03/2027" {
			t.Errorf("%s: one-off shown as %q, due %q; want %q, due 15/03/2027", tc.lang, once.PeriodName, once.Deadline, tc.once)
		}

		g, err := f.bot.DeskCore().Grid(ctx, tc.lang, "")
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]string{}
		for _, p := range g.Periods {
			names[p.Code] = p.Name
		}
		if names["2027-03-15"] != tc.onceFilter || !strings.Contains(names["2026-H1"], strings.TrimPrefix(tc.period, "kỳ ")) {
			t.Errorf("%s: the period filter names %v", tc.lang, names)
		}
	}
}

// Every transition of a report's life has a name on the desk's audit trail,
// in both languages.
func TestDeskAuditNamesEveryTransition(t *testing.T) {
	for _, tr := range reporting.Life {
		for _, lang := range []string{"vi", "en"} {
			if got := auditLabel(lang, tr.Name); got == auditLabel(lang, "no such action") {
				t.Errorf("%s: %s has no words on the desk", lang, tr.Name)
			}
		}
	}
	if got := auditLabel("vi", "no such action"); got != "Thao tác khác" {
		t.Errorf("an unknown action reads %q", got)
	}
}
