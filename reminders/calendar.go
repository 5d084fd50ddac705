package reminders

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// DayKind says why a date stands out in the working calendar.
type DayKind int

// The kinds of day. The zero value is deliberately not a kind, so an empty Day
// (as AdjustDeadline returns when nothing moved) is not mistaken for a day off.
const (
	// Weekend is a Saturday or Sunday: days off for state agencies.
	Weekend DayKind = iota + 1
	// PublicHoliday is a statutory holiday (Labour Code 2019 art. 112).
	PublicHoliday
	// CompensatoryDayOff (nghỉ bù) replaces a public holiday that fell on a
	// Saturday or Sunday (Labour Code 2019 art. 111(3)).
	CompensatoryDayOff
	// PlanDayOff is a day off the plan adds, such as a weekday swapped to
	// lengthen the Tết break.
	PlanDayOff
	// MakeUpWorkday is a Saturday worked to pay for a swapped day, as the
	// Government announces or the plan sets.
	MakeUpWorkday
	// SwappedDayOff is a working day the Government's announcement gives
	// off in exchange for a make-up Saturday (hoán đổi).
	SwappedDayOff
)

// String returns the kind's name in English, for logs and tests.
func (k DayKind) String() string {
	switch k {
	case Weekend:
		return "weekend"
	case PublicHoliday:
		return "public holiday"
	case CompensatoryDayOff:
		return "compensatory day off"
	case PlanDayOff:
		return "plan day off"
	case MakeUpWorkday:
		return "make-up workday"
	case SwappedDayOff:
		return "swapped day off"
	}
	return fmt.Sprintf("DayKind(%d)", int(k))
}

// Off reports whether a day of kind k is a day off.
func (k DayKind) Off() bool {
	switch k {
	case Weekend, PublicHoliday, CompensatoryDayOff, PlanDayOff, SwappedDayOff:
		return true
	}
	return false
}

// Day is a date the calendar has something to say about.
type Day struct {
	// Date is the civil date at 00:00 in the calendar's location.
	Date   time.Time
	Kind   DayKind
	NameVI string
	NameEN string
	// Source is the document the day comes from: the Government's notice,
	// the Labour Code, or the plan. Empty when Estimated.
	Source string
	// Estimated marks a day computed by the rule for a year the Government
	// has not announced yet ("dự kiến"): the Tết days, the day next to 2/9
	// and compensatory days may still change.
	Estimated bool
}

// Off reports whether d is a day off.
func (d Day) Off() bool { return d.Kind.Off() }

// Override is a day the department's plan sets by hand, normally copied from
// the Government's yearly announcement of the holiday schedule.
type Override struct {
	// Date is a civil date: its year, month and day are used as they are in
	// Date's own location, so a plan parsed as UTC midnights works too.
	Date time.Time
	// Off true makes the date a day off; false makes it a working day.
	Off bool
	// NameVI and NameEN are shown by `reportbot calendar`; when empty a
	// generic name is used.
	NameVI, NameEN string
}

// Calendar is the working calendar of a state agency in Vietnam: Saturdays,
// Sundays, public holidays and compensatory days off are days off, and the
// plan's overrides win over all of them. A Calendar is safe for concurrent
// use.
//
// For the years the Government has announced (see announcedYears) the
// announced days are used as they are. Any other year is computed by the rule
// and its Tết days, the day next to Quốc khánh (2/9) and its compensatory days
// are marked Estimated: Tết Nguyên đán is five days by law but which five the
// Prime Minister decides every year (art. 112(3)); the rule takes the last day
// of the lunar year and mùng 1–4, and for 2/9 the day nationalDayAdjacent
// picks.
type Calendar struct {
	loc       *time.Location
	overrides map[int]Day // by Julian day number

	mu    sync.Mutex
	years map[int]map[int]Day // statutory days off by year, then Julian day number
}

// NewCalendar returns the working calendar for loc with the plan's overrides;
// for two overrides of one date the later wins. A nil loc means
// Asia/Ho_Chi_Minh, or a fixed UTC+7 if the zone database is missing (Vietnam
// has kept UTC+7 without daylight saving since 1975).
func NewCalendar(loc *time.Location, overrides []Override) *Calendar {
	if loc == nil {
		var err error
		if loc, err = time.LoadLocation("Asia/Ho_Chi_Minh"); err != nil {
			loc = time.FixedZone("ICT", 7*60*60)
		}
	}
	c := &Calendar{loc: loc, overrides: make(map[int]Day, len(overrides)), years: make(map[int]map[int]Day)}
	for _, o := range overrides {
		y, m, d := o.Date.Date()
		day := Day{Date: time.Date(y, m, d, 0, 0, 0, 0, loc), Kind: MakeUpWorkday, NameVI: viMakeUp, NameEN: enMakeUp, Source: srcPlan}
		if o.Off {
			day.Kind, day.NameVI, day.NameEN = PlanDayOff, "Nghỉ theo kế hoạch", "Day off (plan)"
		}
		if o.NameVI != "" {
			day.NameVI = o.NameVI
		}
		if o.NameEN != "" {
			day.NameEN = o.NameEN
		}
		c.overrides[calJulianDay(y, m, d)] = day
	}
	return c
}

// Location returns the zone in which the calendar reads times.
func (c *Calendar) Location() *time.Location { return c.loc }

// IsWorkingDay reports whether t's date, read in c's location, is a working
// day.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	return c.working(c.jdn(t))
}

// DayInfo returns the holiday, compensatory day or override entry for t's
// date in c's location. An ordinary Saturday or Sunday has no entry.
func (c *Calendar) DayInfo(t time.Time) (Day, bool) {
	return c.entry(c.jdn(t))
}

// Year returns every public holiday, compensatory day off, plan day off and
// make-up working day of the year, in date order. It is what `reportbot
// calendar YEAR` prints for the Office to check against the Government's
// announcement.
func (c *Calendar) Year(year int) []Day {
	stat := c.statutory(year)
	days := make([]Day, 0, len(stat)+len(c.overrides))
	for n, d := range stat {
		if _, ok := c.overrides[n]; !ok {
			days = append(days, d)
		}
	}
	for _, d := range c.overrides {
		if d.Date.Year() == year {
			days = append(days, d)
		}
	}
	sort.Slice(days, func(i, j int) bool { return days[i].Date.Before(days[j].Date) })
	return days
}

// NextWorkingDay returns the first working day strictly after t's date, at
// t's clock time in c's location.
func (c *Calendar) NextWorkingDay(t time.Time) time.Time {
	t = t.In(c.loc)
	n := c.jdn(t) + 1
	for !c.working(n) {
		n++
	}
	return c.at(t, n)
}

// PrevWorkingDay returns the last working day strictly before t's date, at
// t's clock time in c's location.
func (c *Calendar) PrevWorkingDay(t time.Time) time.Time {
	t = t.In(c.loc)
	n := c.jdn(t) - 1
	for !c.working(n) {
		n--
	}
	return c.at(t, n)
}

// AddWorkingDays moves t by n working days (backwards for negative n),
// keeping its clock time: AddWorkingDays(friday, 1) is the next Monday when
// that is a working day. n == 0 returns t unchanged, even on a day off.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	for ; n > 0; n-- {
		t = c.NextWorkingDay(t)
	}
	for ; n < 0; n++ {
		t = c.PrevWorkingDay(t)
	}
	return t
}

// WorkingDaysBetween counts the working days after a's date up to and
// including b's date, so a report due on a Friday and received the next
// Monday is one working day late. When b's date is before a's the count is
// negative: -WorkingDaysBetween(b, a).
func (c *Calendar) WorkingDaysBetween(a, b time.Time) int {
	from, to, sign := c.jdn(a), c.jdn(b), 1
	if to < from {
		from, to, sign = to, from, -1
	}
	count := 0
	for n := from + 1; n <= to; n++ {
		if c.working(n) {
			count++
		}
	}
	return sign * count
}

// AdjustDeadline applies the Civil Code rule for time limits (art. 148(5)):
// a time limit whose last day is a day off ends at the end of the next
// working day. The adjusted deadline keeps due's clock time on that day, so
// a 17:00 deadline stays at 17:00 and a date-only deadline (00:00, read by
// callers as "by the end of that day") stays date-only; either way the
// moved limit covers the whole next working day, as the Code requires.
//
// When due's date (in c's location) is a working day, due is returned as it
// is with moved false. Otherwise reason is the day off that caused the move:
// the holiday, compensatory or plan entry, or for a plain weekend a Day of
// kind Weekend named "thứ Bảy"/"Saturday" or "Chủ nhật"/"Sunday".
func (c *Calendar) AdjustDeadline(due time.Time) (adjusted time.Time, moved bool, reason Day) {
	n := c.jdn(due)
	if c.working(n) {
		return due, false, Day{}
	}
	reason, ok := c.entry(n)
	if !ok {
		reason = c.weekendDay(n)
	}
	return c.NextWorkingDay(due), true, reason
}

// jdn is the Julian day number of t's civil date in c's location.
func (c *Calendar) jdn(t time.Time) int {
	y, m, d := t.In(c.loc).Date()
	return calJulianDay(y, m, d)
}

// at returns day n at t's clock time.
func (c *Calendar) at(t time.Time, n int) time.Time {
	y, m, d := calCivil(n)
	return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), c.loc)
}

// working reports whether day n is a working day; overrides decide first.
func (c *Calendar) working(n int) bool {
	if d, ok := c.overrides[n]; ok {
		return !d.Off()
	}
	y, _, _ := calCivil(n)
	if d, ok := c.statutory(y)[n]; ok {
		return !d.Off()
	}
	return !calIsWeekend(n)
}

// entry returns the override or statutory entry for day n.
func (c *Calendar) entry(n int) (Day, bool) {
	if d, ok := c.overrides[n]; ok {
		return d, true
	}
	y, _, _ := calCivil(n)
	d, ok := c.statutory(y)[n]
	return d, ok
}

func (c *Calendar) weekendDay(n int) Day {
	y, m, d := calCivil(n)
	day := Day{Date: time.Date(y, m, d, 0, 0, 0, 0, c.loc), Kind: Weekend, NameVI: "thứ Bảy", NameEN: "Saturday"}
	if calWeekday(n) == time.Sunday {
		day.NameVI, day.NameEN = "Chủ nhật", "Sunday"
	}
	return day
}

// statutory returns the days off of year other than plain weekends (and, for
// an announced year, its make-up Saturdays), computed once per year. The
// returned map is never written again, so it is read without the lock.
func (c *Calendar) statutory(year int) map[int]Day {
	c.mu.Lock()
	defer c.mu.Unlock()
	if m, ok := c.years[year]; ok {
		return m
	}
	m, ok := c.announcedDays(year)
	if !ok {
		m = c.estimated(year)
	}
	c.years[year] = m
	return m
}

// estimated computes a year the Government has not announced: the holidays
// of the Labour Code in force, and a compensatory day for each that falls on
// a weekend.
func (c *Calendar) estimated(year int) map[int]Day {
	holidays := calPublicHolidays(year)
	m := make(map[int]Day, len(holidays)+4)
	for _, h := range holidays {
		m[h.jdn] = c.day(h, PublicHoliday)
	}
	// Each holiday on a Saturday or Sunday gives one compensatory day: the
	// first later day that is neither weekend, holiday nor already a
	// compensatory day. Going in date order keeps the days in the order of
	// the holidays they replace (30/4 Sat, 1/5 Sun → Mon for 30/4, Tue for
	// 1/5). No holiday is late enough in the year for this to cross into the
	// next one.
	for _, h := range holidays {
		if !calIsWeekend(h.jdn) {
			continue
		}
		n := h.jdn + 1
		for calIsWeekend(n) || m[n].Kind != 0 {
			n++
		}
		m[n] = c.day(calHoliday{jdn: n, vi: "Nghỉ bù " + h.vi, en: "In lieu of " + h.en, chosen: true}, CompensatoryDayOff)
	}
	return m
}

func (c *Calendar) day(h calHoliday, kind DayKind) Day {
	y, m, d := calCivil(h.jdn)
	day := Day{Date: time.Date(y, m, d, 0, 0, 0, 0, c.loc), Kind: kind, NameVI: h.vi, NameEN: h.en, Estimated: h.chosen}
	if !h.chosen {
		day.Source = h.source
	}
	return day
}

// calHoliday is a public holiday before it becomes a Day in some location.
type calHoliday struct {
	jdn    int
	vi, en string
	// chosen marks a day the Government picks each year (the Tết days, the
	// day next to 2/9, how compensatory days fall): an estimate until
	// announced. The others are fixed by law, cited by source.
	chosen bool
	source string
}

// labourCode2019 is the day the Labour Code 2019 took effect (01/01/2021),
// adding the day next to Quốc khánh to the Labour Code 2012's holidays.
var labourCode2019 = calJulianDay(2021, time.January, 1)

// calPublicHolidays returns the public holidays of year under the Labour Code
// in force on each date, in date order (Labour Code 2012 art. 115; Labour Code
// 2019 art. 112(1) from 01/01/2021; Decree 145/2020). A holiday a later law
// adds counts from the day that law takes effect, as the adjacent 2/9 day
// does here.
func calPublicHolidays(year int) []calHoliday {
	law := srcLC2012
	if calJulianDay(year, time.January, 1) >= labourCode2019 {
		law = srcLC2019
	}
	fixed := func(n int, vi, en string) calHoliday { return calHoliday{jdn: n, vi: vi, en: en, source: law} }
	hs := []calHoliday{
		fixed(calJulianDay(year, time.January, 1), viNewYear, enNewYear),
		fixed(calJulianDay(year, time.April, 30), viVictory, enVictory),
		fixed(calJulianDay(year, time.May, 1), viLabour, enLabour),
		fixed(calJulianDay(year, time.September, 2), viNational, enNational),
		fixed(calMustLunar(LunarDate{Day: 10, Month: 3, Year: year}), viHung, enHung),
	}
	if n := nationalDayAdjacent(year); n >= labourCode2019 {
		hs = append(hs, calHoliday{jdn: n, vi: viNationalX, en: enNationalX, chosen: true})
	}
	tet := calMustLunar(LunarDate{Day: 1, Month: 1, Year: year})
	// The eve is day 29 or 30 of tháng Chạp, whichever ends the year.
	eve := lunarFromJDN(tet - 1)
	hs = append(hs, calHoliday{jdn: tet - 1, vi: fmt.Sprintf("Tết Nguyên đán (%d tháng Chạp)", eve.Day), en: "Lunar New Year's Eve", chosen: true})
	for i := 0; i < 4; i++ {
		hs = append(hs, calHoliday{jdn: tet + i, vi: fmt.Sprintf("Tết Nguyên đán (mùng %d)", i+1),
			en: fmt.Sprintf("Lunar New Year (day %d)", i+1), chosen: true})
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i].jdn < hs[j].jdn })
	return hs
}

// nationalDayAdjacent returns the day off next to Quốc khánh. The law lets
// the Prime Minister choose 1/9 or 3/9 each year. The default follows what
// it has announced since the second day was added: 1/9 when 2/9 is a
// Tuesday (2025), a Friday (2022) or a Saturday (2023), which joins the
// break to the weekend; 3/9 otherwise (Thursday 2021, Monday 2024). That
// never puts the adjacent day on a weekend, where it would need a
// compensatory day of its own. The plan's overrides correct any other choice.
func nationalDayAdjacent(year int) int {
	n := calJulianDay(year, time.September, 2)
	switch calWeekday(n) {
	case time.Tuesday, time.Friday, time.Saturday:
		return n - 1
	}
	return n + 1
}

// calMustLunar converts a lunar date that exists in every year (1/1, 10/3).
func calMustLunar(l LunarDate) int {
	n, err := lunarToJDN(l)
	if err != nil {
		panic(fmt.Sprintf("reminders: %v", err)) // unreachable: every lunar year has these days
	}
	return n
}

// calWeekday returns the weekday of Julian day number n.
func calWeekday(n int) time.Weekday {
	// JDN 0 was a Monday; Go counts from Sunday.
	return time.Weekday((n%7 + 7 + 1) % 7)
}

func calIsWeekend(n int) bool {
	wd := calWeekday(n)
	return wd == time.Saturday || wd == time.Sunday
}
