package reminders

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// The Vietnamese lunar calendar (âm lịch) is computed here with the
// astronomical algorithm published by Hồ Ngọc Đức: Julian day numbers, mean
// new moons corrected by the main periodic terms (Meeus, "Astronomical
// Algorithms"), and the sun's apparent longitude. The calendar rules are:
//
//   - a month begins on the local civil day of a new moon;
//   - month 11 is the month that contains the winter solstice;
//   - a year from one month 11 to the next (a "sui") with 13 months has a
//     leap month: the first month after month 11 that contains no major
//     solar term (trung khí, a multiple of 30° of sun longitude) repeats the
//     month before it.
//
// Everything is evaluated for UTC+7. That is what makes the calendar
// Vietnamese rather than Chinese (UTC+8): when a new moon falls between
// 23:00 and 24:00 Hanoi time the two calendars start the month a day apart,
// and a month or leap month can even shift (Tết 1985 was 21/01 in Vietnam and
// 20/02 in China; Tết 2007 was 17/02 against 18/02).
//
// Dates are proleptic Gregorian throughout. The series are accurate to well
// within a day for roughly 1800–2199, which is far more than a deadline bot
// needs.

// ErrInvalidLunarDate is wrapped by LunarToSolar when the lunar date does not
// exist: a month outside 1–12, a leap month the year does not have, or day 30
// of a 29-day month.
var ErrInvalidLunarDate = errors.New("invalid lunar date")

// LunarDate is a date in the Vietnamese lunar calendar. Year is the Gregorian
// number of the year in which the lunar year begins, so Tết 2026 is
// LunarDate{Day: 1, Month: 1, Year: 2026}; Month 12 is tháng Chạp. Leap marks
// the intercalary month (tháng nhuận) that repeats Month.
type LunarDate struct {
	Day, Month, Year int
	Leap             bool
}

// String formats l the way Vietnamese calendars do: "10/3/2026", and
// "15/6 nhuận/2025" for a day of a leap month.
func (l LunarDate) String() string {
	if l.Leap {
		return fmt.Sprintf("%d/%d nhuận/%d", l.Day, l.Month, l.Year)
	}
	return fmt.Sprintf("%d/%d/%d", l.Day, l.Month, l.Year)
}

// SolarToLunar converts the civil date of d (its year, month and day in d's
// own location; the clock time is ignored) to the Vietnamese lunar calendar.
func SolarToLunar(d time.Time) LunarDate {
	y, m, day := d.Date()
	return lunarFromJDN(calJulianDay(y, m, day))
}

// LunarToSolar returns the Gregorian date of l at 00:00 in loc (nil means
// UTC, as a civil date carries no zone of its own). The error wraps
// ErrInvalidLunarDate when l does not exist.
func LunarToSolar(l LunarDate, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	jdn, err := lunarToJDN(l)
	if err != nil {
		return time.Time{}, err
	}
	y, m, d := calCivil(jdn)
	return time.Date(y, m, d, 0, 0, 0, 0, loc), nil
}

const (
	// lunarTimeZone is the meridian of the Vietnamese calendar in hours east
	// of UTC (in use since 1968).
	lunarTimeZone = 7.0
	// lunarSynodicMonth is the mean length of a lunation in days.
	lunarSynodicMonth = 29.530588853
	// lunarEpoch is the Julian date of new moon number 0 (near 1900-01-01);
	// new moons are counted from it.
	lunarEpoch = 2415021.076998695
	// calUnixJDN is the Julian day number of 1970-01-01.
	calUnixJDN = 2440588
)

// calJulianDay returns the Julian day number of a proleptic Gregorian date.
// time.Date normalises out-of-range days, so callers may pass day 0 or 32.
func calJulianDay(y int, m time.Month, d int) int {
	// The division is exact: the time is a UTC midnight.
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()/86400) + calUnixJDN
}

// calCivil is the inverse of calJulianDay.
func calCivil(jdn int) (int, time.Month, int) {
	return time.Unix(int64(jdn-calUnixJDN)*86400, 0).UTC().Date()
}

// lunarNewMoon returns the Julian date (UT) of new moon number k, counted
// from lunarEpoch.
func lunarNewMoon(k int) float64 {
	const dr = math.Pi / 180
	kf := float64(k)
	t := kf / 1236.85 // Julian centuries since 1900
	t2 := t * t
	t3 := t2 * t
	jd := 2415020.75933 + 29.53058868*kf + 0.0001178*t2 - 0.000000155*t3
	jd += 0.00033 * math.Sin((166.56+132.87*t-0.009173*t2)*dr)
	m := 359.2242 + 29.10535608*kf - 0.0000333*t2 - 0.00000347*t3    // sun's mean anomaly
	mpr := 306.0253 + 385.81691806*kf + 0.0107306*t2 + 0.00001236*t3 // moon's mean anomaly
	f := 21.2964 + 390.67050646*kf - 0.0016528*t2 - 0.00000239*t3    // moon's argument of latitude
	c1 := (0.1734-0.000393*t)*math.Sin(m*dr) + 0.0021*math.Sin(2*dr*m)
	c1 += -0.4068*math.Sin(mpr*dr) + 0.0161*math.Sin(dr*2*mpr)
	c1 -= 0.0004 * math.Sin(dr*3*mpr)
	c1 += 0.0104*math.Sin(dr*2*f) - 0.0051*math.Sin(dr*(m+mpr))
	c1 += -0.0074*math.Sin(dr*(m-mpr)) + 0.0004*math.Sin(dr*(2*f+m))
	c1 += -0.0004*math.Sin(dr*(2*f-m)) - 0.0006*math.Sin(dr*(2*f+mpr))
	c1 += 0.0010*math.Sin(dr*(2*f-mpr)) + 0.0005*math.Sin(dr*(2*mpr+m))
	// ΔT, the difference between dynamical and universal time, in days.
	var deltaT float64
	if t < -11 {
		deltaT = 0.001 + 0.000839*t + 0.0002261*t2 - 0.00000845*t3 - 0.000000081*t*t3
	} else {
		deltaT = -0.000278 + 0.000265*t + 0.000262*t2
	}
	return jd + c1 - deltaT
}

// lunarNewMoonDay returns the Julian day number of the local (UTC+7) civil
// day on which new moon k falls. A Julian date starts at noon, hence +0.5.
func lunarNewMoonDay(k int) int {
	return int(math.Floor(lunarNewMoon(k) + 0.5 + lunarTimeZone/24))
}

// lunarSunSector returns which 30° sector (0–11, 0 from the March equinox) of
// apparent longitude the sun is in at the start of local day jdn. A month
// contains a major solar term exactly when the sector changes during it.
func lunarSunSector(jdn int) int {
	const dr = math.Pi / 180
	// Julian date of local midnight, in centuries since J2000.0.
	t := (float64(jdn) - 0.5 - lunarTimeZone/24 - 2451545.0) / 36525
	t2 := t * t
	m := 357.52910 + 35999.05030*t - 0.0001559*t2 - 0.00000048*t*t2 // mean anomaly
	l0 := 280.46645 + 36000.76983*t + 0.0003032*t2                  // mean longitude
	dl := (1.914600 - 0.004817*t - 0.000014*t2) * math.Sin(dr*m)
	dl += (0.019993-0.000101*t)*math.Sin(dr*2*m) + 0.000290*math.Sin(dr*3*m)
	l := (l0 + dl) * dr
	l -= 2 * math.Pi * math.Floor(l/(2*math.Pi))
	return int(math.Floor(l / math.Pi * 6))
}

// lunarMonth11 returns the Julian day number of the first day of the lunar
// month that contains the winter solstice of Gregorian year y.
func lunarMonth11(y int) int {
	off := calJulianDay(y, time.December, 31) - 2415021
	k := int(math.Floor(float64(off) / lunarSynodicMonth))
	nm := lunarNewMoonDay(k)
	// Sector 9 starts at 270°, the solstice: a new moon already past it
	// begins month 12, so month 11 is the one before.
	if lunarSunSector(nm) >= 9 {
		nm = lunarNewMoonDay(k - 1)
	}
	return nm
}

// lunarMonthSpan is one lunar month: its first day and length, and its name.
type lunarMonthSpan struct {
	start, length int // Julian day number of day 1; 29 or 30 days
	month, year   int
	leap          bool
}

// lunarSui returns the months from month 11 of lunar year y-1 up to, not
// including, month 11 of lunar year y: months 11 and 12 of y-1, then 1–10 of
// y, with the leap month in its place when the sui has one.
func lunarSui(y int) []lunarMonthSpan {
	a11 := lunarMonth11(y - 1)
	b11 := lunarMonth11(y)
	k := int(math.Floor((float64(a11)-lunarEpoch)/lunarSynodicMonth + 0.5))
	n := 12
	leapOffset := -1
	if b11-a11 > 365 { // 13 lunations: a leap sui
		n = 13
		leapOffset = lunarLeapOffset(k)
	}
	months := make([]lunarMonthSpan, 0, n)
	month, year := 11, y-1
	start := a11
	for i := 0; i < n; i++ {
		leap := i == leapOffset
		if i > 0 && !leap {
			month++
			if month > 12 {
				month, year = 1, year+1
			}
		}
		next := b11
		if i < n-1 {
			next = lunarNewMoonDay(k + i + 1)
		}
		months = append(months, lunarMonthSpan{start: start, length: next - start, month: month, year: year, leap: leap})
		start = next
	}
	return months
}

// lunarLeapOffset returns the position, counted from month 11 (new moon k),
// of the leap month of a 13-month sui: the first month after month 11 during
// which the sun enters no new sector. By the pigeonhole principle (13 months,
// 12 major terms, month 11 holding the solstice) one of offsets 1–12 is it.
func lunarLeapOffset(k int) int {
	prev := lunarSunSector(lunarNewMoonDay(k + 1))
	for i := 1; i < 12; i++ {
		next := lunarSunSector(lunarNewMoonDay(k + i + 1))
		if next == prev {
			return i
		}
		prev = next
	}
	return 12
}

// lunarFromJDN converts a Julian day number to a lunar date.
func lunarFromJDN(jdn int) LunarDate {
	y, _, _ := calCivil(jdn)
	// Month 11 of year y begins in November or December of y: days from it
	// on belong to the sui of lunar year y+1.
	sui := y
	if jdn >= lunarMonth11(y) {
		sui = y + 1
	}
	months := lunarSui(sui)
	for i := len(months) - 1; i > 0; i-- {
		if jdn >= months[i].start {
			return lunarDateIn(months[i], jdn)
		}
	}
	return lunarDateIn(months[0], jdn)
}

func lunarDateIn(m lunarMonthSpan, jdn int) LunarDate {
	return LunarDate{Day: jdn - m.start + 1, Month: m.month, Year: m.year, Leap: m.leap}
}

// lunarToJDN converts a lunar date to a Julian day number.
func lunarToJDN(l LunarDate) (int, error) {
	if l.Month < 1 || l.Month > 12 || l.Day < 1 || l.Day > 30 {
		return 0, fmt.Errorf("lunar date %s: %w", l, ErrInvalidLunarDate)
	}
	sui := l.Year
	if l.Month >= 11 {
		sui = l.Year + 1
	}
	for _, m := range lunarSui(sui) {
		if m.month != l.Month || m.leap != l.Leap || m.year != l.Year {
			continue
		}
		if l.Day > m.length {
			return 0, fmt.Errorf("lunar date %s: the month has %d days: %w", l, m.length, ErrInvalidLunarDate)
		}
		return m.start + l.Day - 1, nil
	}
	return 0, fmt.Errorf("lunar date %s: lunar year %d has no leap month %d: %w", l, l.Year, l.Month, ErrInvalidLunarDate)
}
