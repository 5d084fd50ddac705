package export

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// parseICS is a strict reader for the subset ICS writes: it checks the
// physical format (CRLF, 75-octet lines, balanced BEGIN/END) and returns the
// components as property maps with unfolded, unescaped values.
func parseICS(t *testing.T, data []byte) []map[string][]string {
	t.Helper()
	s := string(data)
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatal("does not end with CRLF")
	}
	phys := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	var logical []string
	for _, l := range phys {
		if strings.Contains(l, "\n") {
			t.Fatalf("bare LF in %q", l)
		}
		if len(l) > 75 {
			t.Fatalf("line of %d octets: %q", len(l), l)
		}
		if strings.HasPrefix(l, " ") {
			logical[len(logical)-1] += l[1:]
			continue
		}
		logical = append(logical, l)
	}
	unescape := strings.NewReplacer(`\n`, "\n", `\,`, ",", `\;`, ";", `\\`, `\`)
	var stack []string
	var comps []map[string][]string
	var cur []map[string][]string
	for _, l := range logical {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("no colon in %q", l)
		}
		switch name {
		case "BEGIN":
			stack = append(stack, value)
			cur = append(cur, map[string][]string{"@": {value}})
		case "END":
			if len(stack) == 0 || stack[len(stack)-1] != value {
				t.Fatalf("END:%s does not close %v", value, stack)
			}
			comps = append(comps, cur[len(cur)-1])
			stack, cur = stack[:len(stack)-1], cur[:len(cur)-1]
		default:
			if len(cur) == 0 {
				t.Fatalf("property outside a component: %q", l)
			}
			cur[len(cur)-1][name] = append(cur[len(cur)-1][name], unescape.Replace(value))
		}
	}
	if len(stack) != 0 {
		t.Fatalf("unclosed %v", stack)
	}
	return comps
}

func TestICSParsesBack(t *testing.T) {
	start := time.Date(2026, 6, 10, 17, 0, 0, 0, hcmc)
	long := strings.Repeat("Báo cáo 6 tháng đầu năm về thực hiện Quy chế dân chủ; ", 4)
	cal := Calendar{Name: "Hạn báo cáo, Sở Nội vụ", Events: []Event{{
		UID: "BC6T-2026-H1@reportbot", Summary: long, Description: "Căn cứ: KH 38\nGửi qua Văn phòng Sở",
		Start: start, Alarms: []time.Duration{7 * 24 * time.Hour, 2 * time.Hour}, Updated: start.AddDate(0, 0, -30),
	}}}
	var buf bytes.Buffer
	if err := ICS(&buf, cal); err != nil {
		t.Fatal(err)
	}
	comps := parseICS(t, buf.Bytes())
	var ev, cal0 map[string][]string
	var alarms []map[string][]string
	for _, c := range comps {
		switch c["@"][0] {
		case "VEVENT":
			ev = c
		case "VCALENDAR":
			cal0 = c
		case "VALARM":
			alarms = append(alarms, c)
		}
	}
	if cal0["VERSION"][0] != "2.0" || cal0["PRODID"] == nil || cal0["X-WR-CALNAME"][0] != "Hạn báo cáo, Sở Nội vụ" {
		t.Errorf("calendar %v", cal0)
	}
	if ev["DTSTART"][0] != "20260610T100000Z" || ev["SUMMARY"][0] != long || ev["DESCRIPTION"][0] != "Căn cứ: KH 38\nGửi qua Văn phòng Sở" {
		t.Errorf("event %v", ev)
	}
	if ev["UID"][0] != "BC6T-2026-H1@reportbot" || ev["DTSTAMP"] == nil {
		t.Errorf("event ids %v", ev)
	}
	if len(alarms) != 2 || alarms[0]["TRIGGER"][0] != "-P7D" || alarms[1]["TRIGGER"][0] != "-PT2H" || alarms[0]["ACTION"][0] != "DISPLAY" {
		t.Errorf("alarms %v", alarms)
	}
}

func TestICSDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{24 * time.Hour: "P1D", 90 * time.Minute: "PT1H30M", 0: "PT0M", 30 * time.Minute: "PT30M"} {
		if got := icsDuration(d); got != want {
			t.Errorf("icsDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
