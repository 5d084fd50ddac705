package bot

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// A caption often carries what Decree 30/2020 calls the document's "số, ký
// hiệu" and "ngày ban hành": "Báo cáo số 12/BC-CCHC ngày 05/6/2026". The
// receipt shows them once, in those terms, and does not repeat a caption that
// says nothing else.

// issuedRe matches "ngày 05/6/2026", "ngày 5-6-2026" and "ngày 05 tháng 6
// năm 2026".
var issuedRe = regexp.MustCompile(`(?i)ngày\s+(\d{1,2})\s*(?:[/.-]|\s+tháng\s+)\s*(\d{1,2})\s*(?:[/.-]|\s+năm\s+)\s*(\d{4})`)

// issuedDate is the issue date a caption gives, written "05/6/2026", or "".
func issuedDate(caption string) string {
	m := issuedRe.FindStringSubmatch(caption)
	if m == nil {
		return ""
	}
	d, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	y, _ := strconv.Atoi(m[3])
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != mo {
		return "" // 31/02 is no date
	}
	return fmt.Sprintf("%02d/%d/%d", d, mo, y)
}

// docRefLine says the document's number and symbol and its issue date, in
// lang, or "" when the report gave neither.
func docRefLine(lang, number, caption string) string {
	issued := issuedDate(caption)
	switch {
	case number != "" && issued != "":
		return tr(lang, "sub.receipt_docref", number, issued)
	case number != "":
		return tr(lang, "sub.receipt_docno", number)
	case issued != "":
		return tr(lang, "sub.receipt_issued", issued)
	}
	return ""
}

// fillers are the words around a number and a date in a caption.
var fillers = strings.NewReplacer("số", " ", "Số", " ", "SỐ", " ", "ký hiệu", " ", "Ký hiệu", " ", "ngày", " ", "Ngày", " ")

// captionAddsNothing reports whether a caption holds no more than the
// document's number and date, which docRefLine already shows.
func captionAddsNothing(caption string) bool {
	rest := docNumberRe.ReplaceAllString(caption, " ")
	rest = issuedRe.ReplaceAllString(rest, " ")
	rest = fillers.Replace(rest)
	return strings.IndexFunc(rest, unicode.IsLetter) < 0
}
