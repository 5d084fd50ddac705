package bot

import (
	"fmt"
	"strings"
	"time"
)

// Every user-facing sentence lives in texts_vi.go or texts_en.go, one whole
// sentence per key, so no text is ever stitched from the other language's
// pieces. Vietnamese is the default.

// catalogs maps a language to its texts.
var catalogs = map[string]map[string]string{"vi": textsVI, "en": textsEN}

// pickLang chooses the language for a user: their explicit choice, else
// English only if Telegram says they use English, else Vietnamese.
func pickLang(chosen, telegram string) string {
	if chosen == "vi" || chosen == "en" {
		return chosen
	}
	if strings.HasPrefix(strings.ToLower(telegram), "en") {
		return "en"
	}
	return "vi"
}

// tr returns the text for key in lang, formatted with args.
func tr(lang, key string, args ...any) string {
	cat, ok := catalogs[lang]
	if !ok {
		cat = textsVI
	}
	s, ok := cat[key]
	if !ok {
		// A missing key is a bug caught by TestCatalogsMatch; never show the
		// user an empty message.
		s = textsVI[key]
		if s == "" {
			return key
		}
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

var weekdaysVI = [...]string{"Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}

// formatDate writes a date as dd/mm/yyyy in loc.
func formatDate(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("02/01/2006")
}

// formatDateTime writes "HH:MM dd/mm/yyyy" in loc.
func formatDateTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("15:04 02/01/2006")
}

// weekday names the day of the week in lang.
func weekday(t time.Time, loc *time.Location, lang string) string {
	d := t.In(loc).Weekday()
	if lang == "en" {
		return d.String()
	}
	return weekdaysVI[d]
}

// daysUntil counts calendar days from now's date to t's date in loc: 0 on
// the day itself, negative once it has passed.
func daysUntil(now, t time.Time, loc *time.Location) int {
	a := now.In(loc)
	b := t.In(loc)
	da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}
