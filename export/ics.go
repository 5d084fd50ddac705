package export

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Calendar is an iCalendar file of deadlines.
type Calendar struct {
	Name   string // X-WR-CALNAME, what Google Calendar and Outlook call it
	Events []Event
}

// Event is one deadline.
type Event struct {
	UID         string // stable, so re-importing updates instead of duplicating
	Summary     string
	Description string
	Start       time.Time
	Duration    time.Duration   // 0: a point in time (DTEND = DTSTART)
	Alarms      []time.Duration // before Start: 7*24h means a week before
	Updated     time.Time       // DTSTAMP
}

// ICS writes cal as iCalendar (RFC 5545): CRLF line ends, lines folded at
// 75 octets without splitting a UTF-8 character, text escaped, times in UTC
// so no VTIMEZONE is needed, and a DISPLAY alarm per reminder.
func ICS(w io.Writer, cal Calendar) error {
	bw := bufio.NewWriter(w)
	line := func(name, value string) { writeFolded(bw, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//reportbot//reportbot//VI")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	if cal.Name != "" {
		line("X-WR-CALNAME", escapeText(cal.Name))
	}
	for _, e := range cal.Events {
		line("BEGIN", "VEVENT")
		line("UID", escapeText(e.UID))
		line("DTSTAMP", icsTime(e.Updated))
		line("DTSTART", icsTime(e.Start))
		line("DTEND", icsTime(e.Start.Add(e.Duration)))
		line("SUMMARY", escapeText(e.Summary))
		if e.Description != "" {
			line("DESCRIPTION", escapeText(e.Description))
		}
		line("TRANSP", "TRANSPARENT")
		for _, a := range e.Alarms {
			line("BEGIN", "VALARM")
			line("ACTION", "DISPLAY")
			line("DESCRIPTION", escapeText(e.Summary))
			line("TRIGGER", "-"+icsDuration(a))
			line("END", "VALARM")
		}
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return bw.Flush()
}

// icsTime is a UTC DATE-TIME, "20260610T100000Z".
func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// icsDuration writes a non-negative duration as RFC 5545 dur-value:
// whole days as "P7D", otherwise "PT2H30M".
func icsDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	if d%(24*time.Hour) == 0 && d > 0 {
		return fmt.Sprintf("P%dD", d/(24*time.Hour))
	}
	var b strings.Builder
	b.WriteString("PT")
	h, m := d/time.Hour, (d%time.Hour)/time.Minute
	if h > 0 {
		fmt.Fprintf(&b, "%dH", h)
	}
	if m > 0 || h == 0 {
		fmt.Fprintf(&b, "%dM", m)
	}
	return b.String()
}

// escapeText escapes a TEXT value (RFC 5545 3.3.11).
func escapeText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}

// writeFolded writes one content line, folded so no physical line exceeds
// 75 octets; continuation lines start with a space (RFC 5545 3.1).
func writeFolded(w *bufio.Writer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.WriteString(s[:cut])
		w.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	w.WriteString(s)
	w.WriteString("\r\n")
}
