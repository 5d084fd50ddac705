// Package synthesis writes the Office's synthesis pack for a period: the
// draft of the department's own report as a Word document laid out per
// Decree 30/2020/NĐ-CP (Appendix I), from plain rows the caller gathers. It
// knows the document, not the database or Telegram.
package synthesis

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/gomutex/godocx"
	"github.com/gomutex/godocx/docx"
	"github.com/gomutex/godocx/wml/ctypes"
	"github.com/gomutex/godocx/wml/stypes"
	"golang.org/x/text/unicode/norm"
)

// Issuer is who issues the report: the body above it, the department, the
// short code in the ký hiệu and the place in "Quảng Ngãi, ngày …".
type Issuer struct {
	Parent string // "UBND TỈNH QUẢNG NGÃI"
	Name   string // "SỞ NỘI VỤ"
	Abbrev string // "SNV"
	Place  string // "Quảng Ngãi"
	Signer string // "GIÁM ĐỐC"
}

// IssuerOf reads the department's name as the plan writes it ("Sở Nội vụ
// tỉnh Quảng Ngãi") into the parts the header of a document needs.
func IssuerOf(department string) Issuer {
	department = strings.TrimSpace(department)
	name, place := department, ""
	for _, sep := range []string{" tỉnh ", " thành phố "} {
		if i := strings.LastIndex(strings.ToLower(department), sep); i > 0 {
			name, place = strings.TrimSpace(department[:i]), strings.TrimSpace(department[i+len(sep):])
			break
		}
	}
	is := Issuer{Name: strings.ToUpper(name), Abbrev: initials(name), Place: place, Signer: "GIÁM ĐỐC"}
	if place != "" {
		is.Parent = "UBND TỈNH " + strings.ToUpper(place)
	}
	return is
}

// initials makes the ký hiệu of a body from its name: "Sở Nội vụ" → "SNV".
func initials(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		r := []rune(norm.NFD.String(w))[0]
		if r == 'đ' || r == 'Đ' {
			r = 'D'
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// Unit is one unit's line in the report: what it sent for the period, or
// that it sent nothing.
type Unit struct {
	Code, Name string
	Reported   bool
	DocNumber  string    // the report's số and ký hiệu, "45/BC-TCBC"; "" when not given
	DocDate    time.Time // the report's own date, when its sender gave it
	ReceivedAt time.Time // when the Office received it
	Receipt    string    // the receipt code, "1/2026"
	DaysLate   int       // 0: on time
	Accepted   bool      // the Office has accepted it (else it waits for review)
}

// Draft is the department's report on one period as the Office drafts it
// for the Director to sign.
type Draft struct {
	Issuer     Issuer
	Date       time.Time // the draft's date, in the plan's zone
	Title      string    // the obligation's title: "Báo cáo kết quả … 6 tháng đầu năm"
	Period     string    // "6 tháng đầu năm 2026"
	Basis      string    // "Kế hoạch số 38/KH-UBND ngày 04/3/2021 của UBND tỉnh"
	Deadline   time.Time // the units' deadline
	Units      []Unit
	Annexes    []string
	Recipients []string // Nơi nhận, before the "Lưu" line
}

// ErrNothingReceived means no unit has sent anything for the period: a
// draft would report nothing.
var ErrNothingReceived = errors.New("nothing received for the period")

// Subject is the trích yếu: what the report is about, in one line, with
// the period named once.
func (d Draft) Subject() string {
	t := strings.TrimSpace(d.Title)
	// "BÁO CÁO" heads the page, so the title's own "Báo cáo" goes, unless
	// it names the report's kind ("Báo cáo nhanh …", "Báo cáo đột xuất …").
	if rest, ok := cutFold(t, "báo cáo "); ok && !slices.Contains([]string{"nhanh", "đột"}, strings.ToLower(firstWord(rest))) {
		t = rest
	}
	t = withPeriod(t, d.Period)
	if t == "" {
		t = "tình hình thực hiện"
	}
	if d.Period != "" && strings.HasPrefix(t, d.Period) {
		// "6 tháng đầu năm 2026 về …" reads as a report's subject only
		// after a noun.
		t = "kết quả " + t
	}
	return upperFirst(t)
}

// withPeriod names the period once in a title: the plan's titles name the
// period's kind ("… 6 tháng đầu năm …", "Báo cáo năm …"), which the name
// ("6 tháng đầu năm 2026") completes; a title without it gets the name at
// its end.
func withPeriod(title, period string) string {
	if period == "" || strings.Contains(strings.ToLower(title), strings.ToLower(period)) {
		return title
	}
	tw, pw := strings.Fields(title), strings.Fields(period)
	for k := len(pw) - 1; k > 0; k-- {
		for i := 0; i+k <= len(tw); i++ {
			if strings.EqualFold(strings.Join(tw[i:i+k], " "), strings.Join(pw[:k], " ")) {
				out := append(append(append([]string{}, tw[:i]...), pw...), tw[i+k:]...)
				return strings.Join(out, " ")
			}
		}
	}
	return strings.Join(append(tw, pw...), " ")
}

// Counts says how many units reported, how many of them late, and how many
// did not report.
func (d Draft) Counts() (reported, late, missing int) {
	for _, u := range d.Units {
		switch {
		case !u.Reported:
			missing++
		case u.DaysLate > 0:
			reported++
			late++
		default:
			reported++
		}
	}
	return reported, late, missing
}

// Decree 30/2020, Appendix I: A4, top and bottom 20–25 mm, left 30–35 mm,
// right 15–20 mm; Times New Roman. Word measures in twentieths of a point.
const (
	font           = "Times New Roman"
	twipsPerMM     = 56.7
	a4Width        = 11906
	a4Height       = 16838
	marginTopMM    = 20
	marginBottomMM = 20
	marginLeftMM   = 30
	marginRightMM  = 15
)

func mm(v float64) int { return int(v*twipsPerMM + 0.5) }

// Write writes the draft as a DOCX document.
func Write(w io.Writer, d Draft, loc *time.Location) error {
	reported, _, _ := d.Counts()
	if reported == 0 {
		return ErrNothingReceived
	}
	doc, err := godocx.NewDocument()
	if err != nil {
		return fmt.Errorf("new document: %w", err)
	}
	pageSetup(doc)
	header(doc, d, loc)
	body(doc, d, loc, reported)
	signature(doc, d)
	return doc.Write(w)
}

func pageSetup(doc *docx.RootDoc) {
	w, h := uint64(a4Width), uint64(a4Height)
	top, bottom, left, right := mm(marginTopMM), mm(marginBottomMM), mm(marginLeftMM), mm(marginRightMM)
	hf, gutter := mm(10), 0
	doc.Document.Body.SectPr = &ctypes.SectionProp{
		PageSize:   &ctypes.PageSize{Width: &w, Height: &h},
		PageMargin: &ctypes.PageMargin{Top: &top, Bottom: &bottom, Left: &left, Right: &right, Header: &hf, Footer: &hf, Gutter: &gutter},
	}
}

// text adds a run in the document's font.
func text(p *docx.Paragraph, s string, size uint64, bold, italic bool) *docx.Run {
	r := p.AddText(s).Font(font).Size(size)
	if bold {
		r.Bold(true)
	}
	if italic {
		r.Italic(true)
	}
	return r
}

func centred(p *docx.Paragraph) *docx.Paragraph {
	p.Justification(stypes.JustificationCenter)
	p.Spacing(0, 0)
	return p
}

// layoutTable is an invisible two-column table, as the header and the
// signature block of an administrative document are laid out.
type layoutTable struct {
	t           *docx.Table
	left, right int // twips
}

func layout(doc *docx.RootDoc, leftMM, rightMM float64) layoutTable {
	lt := layoutTable{t: doc.AddTable(), left: mm(leftMM), right: mm(rightMM)}
	none := ctypes.Border{Val: stypes.BorderStyleNone}
	lt.t.GetCT().TableProp.Borders = &ctypes.TableBorders{Top: &none, Left: &none, Bottom: &none, Right: &none, InsideH: &none, InsideV: &none}
	lt.t.Grid(uint64(lt.left), uint64(lt.right))
	return lt
}

// row adds a row and returns its two cells.
func (lt layoutTable) row() (left, right *docx.Cell) {
	row := lt.t.AddRow()
	return row.AddCell().Width(lt.left, stypes.TableWidthDxa), row.AddCell().Width(lt.right, stypes.TableWidthDxa)
}

// header writes the two-column block of Appendix I: the issuing body, số and
// ký hiệu on the left; Quốc hiệu, Tiêu ngữ, place and date on the right.
func header(doc *docx.RootDoc, d Draft, loc *time.Location) {
	t := layout(doc, 70, 95)
	l, r := t.row()
	if d.Issuer.Parent != "" {
		text(centred(l.AddEmptyPara()), d.Issuer.Parent, 13, false, false)
	}
	text(centred(l.AddEmptyPara()), d.Issuer.Name, 13, true, false)
	text(centred(l.AddEmptyPara()), "———", 13, false, false)
	text(centred(r.AddEmptyPara()), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, true, false)
	text(centred(r.AddEmptyPara()), "Độc lập - Tự do - Hạnh phúc", 13, true, false)
	text(centred(r.AddEmptyPara()), "—————————————", 13, false, false)

	// The Văn thư fills the number when the Director has signed.
	l, r = t.row()
	text(centred(l.AddEmptyPara()), fmt.Sprintf("Số:       /BC-%s", d.Issuer.Abbrev), 13, false, false)
	place := d.Issuer.Place
	if place != "" {
		place += ", "
	}
	text(centred(r.AddEmptyPara()), place+dateLine(d.Date.In(loc)), 13, false, true)

	doc.AddEmptyParagraph()
	text(centred(doc.AddEmptyParagraph()), "BÁO CÁO", 14, true, false)
	text(centred(doc.AddEmptyParagraph()), d.Subject(), 14, true, false)
	text(centred(doc.AddEmptyParagraph()), "—————", 14, false, false)
	doc.AddEmptyParagraph()
}

// dateLine writes a date as Decree 30/2020 asks: "ngày 05 tháng 02 năm
// 2026", a zero before days under 10 and the months 1 and 2 only.
func dateLine(t time.Time) string {
	month := fmt.Sprint(int(t.Month()))
	if t.Month() <= time.February {
		month = "0" + month
	}
	return fmt.Sprintf("ngày %02d tháng %s năm %d", t.Day(), month, t.Year())
}

// para writes a body paragraph: justified, first line indented, 14 pt.
func para(doc *docx.RootDoc, s string) *docx.Paragraph {
	p := doc.AddEmptyParagraph()
	p.Justification(stypes.JustificationBoth)
	p.Spacing(0, 120)
	first := mm(10)
	p.Indent(&ctypes.Indent{FirstLine: ptr(uint64(first))})
	text(p, s, 14, false, false)
	return p
}

func heading(doc *docx.RootDoc, s string) {
	p := doc.AddEmptyParagraph()
	p.Justification(stypes.JustificationBoth)
	p.Spacing(120, 120)
	p.Indent(&ctypes.Indent{FirstLine: ptr(uint64(mm(10)))})
	text(p, s, 14, true, false)
}

func ptr[T any](v T) *T { return &v }

func day(t time.Time, loc *time.Location) string { return t.In(loc).Format("02/01/2006") }

// unitLine says what one unit sent: its number, when it came, the receipt.
func unitLine(u Unit, loc *time.Location) string {
	var b strings.Builder
	b.WriteString("- " + u.Name + ": ")
	switch {
	case u.DocNumber != "" && !u.DocDate.IsZero():
		b.WriteString("Báo cáo số " + u.DocNumber + " ngày " + day(u.DocDate, loc) + ", ")
	case u.DocNumber != "":
		b.WriteString("Báo cáo số " + u.DocNumber + ", ")
	default:
		b.WriteString("báo cáo (không ghi số, ký hiệu), ")
	}
	fmt.Fprintf(&b, "nhận ngày %s, mã tiếp nhận %s", day(u.ReceivedAt, loc), u.Receipt)
	if u.DaysLate > 0 {
		fmt.Fprintf(&b, ", chậm nộp %d ngày", u.DaysLate)
	}
	if !u.Accepted {
		b.WriteString(" (đang xem xét)")
	}
	b.WriteString(".")
	return b.String()
}

func body(doc *docx.RootDoc, d Draft, loc *time.Location, reported int) {
	dept := titleCase(d.Issuer.Name)
	// "báo cáo kết quả …", but "báo cáo nhanh …" only once.
	report := lowerFirst(d.Subject())
	if !strings.HasPrefix(report, "báo cáo ") {
		report = "báo cáo " + report
	}
	if d.Basis != "" {
		para(doc, fmt.Sprintf("Thực hiện %s, %s %s như sau:", d.Basis, dept, report))
	} else {
		para(doc, fmt.Sprintf("%s %s như sau:", dept, report))
	}
	heading(doc, "I. TÌNH HÌNH BÁO CÁO CỦA CÁC PHÒNG, ĐƠN VỊ THUỘC SỞ")
	para(doc, fmt.Sprintf("Tính đến ngày %s, Văn phòng Sở đã tiếp nhận báo cáo của %d/%d phòng, đơn vị (hạn nộp ngày %s), cụ thể:",
		day(d.Date, loc), reported, len(d.Units), day(d.Deadline, loc)))

	var onTime, late, missing []Unit
	for _, u := range d.Units {
		switch {
		case !u.Reported:
			missing = append(missing, u)
		case u.DaysLate > 0:
			late = append(late, u)
		default:
			onTime = append(onTime, u)
		}
	}
	group := func(title string, units []Unit, line func(Unit) string) {
		para(doc, fmt.Sprintf("%s: %d đơn vị.", title, len(units)))
		for _, u := range units {
			para(doc, line(u))
		}
	}
	withLine := func(u Unit) string { return unitLine(u, loc) }
	group("1. Đơn vị báo cáo đúng hạn", onTime, withLine)
	group("2. Đơn vị chậm nộp báo cáo", late, withLine)
	group("3. Đơn vị chưa báo cáo", missing, func(u Unit) string { return "- " + u.Name + "." })

	heading(doc, "II. KẾT QUẢ THỰC HIỆN")
	para(doc, "(Văn phòng Sở tổng hợp nội dung chính từ báo cáo của các phòng, đơn vị nêu trên.)")
	if len(d.Annexes) > 0 {
		heading(doc, "III. PHỤ LỤC KÈM THEO")
		for i, a := range d.Annexes {
			para(doc, fmt.Sprintf("%d. %s.", i+1, a))
		}
	}
	para(doc, fmt.Sprintf("Trên đây là %s của %s./.", report, dept))
	doc.AddEmptyParagraph()
}

// signature writes Nơi nhận on the left and the signer on the right.
func signature(doc *docx.RootDoc, d Draft) {
	l, r := layout(doc, 80, 85).row()
	p := l.AddEmptyPara()
	p.Spacing(0, 0)
	text(p, "Nơi nhận:", 12, true, true)
	for _, rcp := range append(append([]string{}, d.Recipients...), "Lưu: VT, VP.") {
		if !strings.HasSuffix(rcp, ".") {
			rcp += ";"
		}
		p := l.AddEmptyPara()
		p.Spacing(0, 0)
		text(p, "- "+rcp, 11, false, false)
	}
	text(centred(r.AddEmptyPara()), d.Issuer.Signer, 14, true, false)
}

// titleCase writes an upper-case body name as a sentence would: "SỞ NỘI VỤ"
// → "Sở Nội vụ".
func titleCase(s string) string {
	words := strings.Fields(strings.ToLower(s))
	for i, w := range words {
		if i < 2 {
			rs := []rune(w)
			rs[0] = unicode.ToUpper(rs[0])
			words[i] = string(rs)
		}
	}
	return strings.Join(words, " ")
}

// cutFold cuts prefix from s, ignoring case.
func cutFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

func firstWord(s string) string {
	w, _, _ := strings.Cut(s, " ")
	return w
}

func lowerFirst(s string) string { return mapFirst(s, unicode.ToLower) }

func upperFirst(s string) string { return mapFirst(s, unicode.ToUpper) }

func mapFirst(s string, f func(rune) rune) string {
	rs := []rune(s)
	if len(rs) == 0 {
		return s
	}
	rs[0] = f(rs[0])
	return string(rs)
}
