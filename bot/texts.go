package bot

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
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

// chatLang is the language of what the bot writes to the Office chat and
// the announcement group (and to the Office in the Director's stead): the
// plan's chat_language, Vietnamese by default. Messages to a person use
// that person's language instead. r may be a transaction's reader; a
// policy that cannot be read means Vietnamese.
func (b *Bot) chatLang(r *db.Reader) string {
	pol, err := reminders.LoadPolicy(r)
	if err != nil {
		b.log.Warn("chat language: policy unreadable, writing Vietnamese", "err", err)
		return "vi"
	}
	return pol.ChatLang()
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
	s = fmt.Sprintf(s, args...)
	if lang == "en" {
		// English counts "1 day", "2 days"; Vietnamese has no plural, so the
		// catalog says "%d days" once and the singular is fixed here.
		s = oneDays.ReplaceAllString(s, "${1}1 day")
	}
	return s
}

var oneDays = regexp.MustCompile(`(^|[^0-9.,])1 days\b`)

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
