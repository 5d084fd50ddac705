package bot

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

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

// weekdaysVI are written as a sentence has them: "thứ Hai", "Chủ nhật".
var weekdaysVI = [...]string{"Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"}

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

// deadlineWording is an item's deadline as its document words it, with the
// last day computed ("trước ngày 10/6/2026 — hạn cuối: hết ngày 09/6/2026"),
// or "" when the obligation's rule has no wording.
func (b *Bot) deadlineWording(lang string, it db.Item) string {
	rule, err := reminders.ParseRule(it.Obligation.Rule)
	if err != nil {
		return ""
	}
	return rule.DeadlineWording(it.Period.DueAt, it.DeadlineAt, b.loc, lang)
}

// periodItem is a period as one assignment that keeps the period's own
// deadline: what the period-wide texts (the status header, the weekly
// digest) word and date.
func periodItem(o db.Obligation, p db.Period) db.Item {
	return db.Item{Assignment: db.Assignment{DeadlineAt: p.DeadlineAt}, Period: p, Obligation: o}
}

// asciiSlug writes a name for a file name in plain ASCII, as the bot's file
// names are: "quý III/2026" → "quy-III-2026". Vietnamese letters lose their
// marks, đ becomes d, and anything else becomes one dash.
func asciiSlug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = map[rune]rune{'đ': 'd', 'Đ': 'D'}[r]
		}
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}
