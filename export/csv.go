package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"
)

// utf8BOM makes Excel read the file as UTF-8: without it Excel guesses the
// ANSI code page and every Vietnamese letter turns into mojibake.
const utf8BOM = "\ufeff"

// CSV writes the register as UTF-8 CSV with a byte-order mark, times as
// dd/mm/yyyy HH:MM in the report's zone.
func CSV(w io.Writer, r Report) error {
	loc := r.Location
	if loc == nil {
		loc = time.UTC
	}
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	// CRLF: what Excel and RFC 4180 expect.
	cw.UseCRLF = true
	l := LabelsFor(r.Lang)
	if err := cw.Write(l.Register); err != nil {
		return err
	}
	for _, e := range r.Entries {
		row := registerRow(e, l)
		rec := make([]string, len(row))
		for i, v := range row {
			switch v := v.(type) {
			case time.Time:
				if !v.IsZero() {
					rec[i] = v.In(loc).Format(dateTimeLayout)
				}
			case string:
				rec[i] = cellText(v)
			default:
				rec[i] = fmt.Sprint(v)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// cellText keeps a spreadsheet from reading a text cell as a formula: a unit
// name or document number starting with = + - @, a tab or a carriage return
// gets a leading apostrophe, which Excel and LibreOffice show as text
// (OWASP's advice against CSV injection).
func cellText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
