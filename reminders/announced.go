package reminders

import (
	"fmt"
	"time"
)

// The Government announces every year which days state agencies take off
// around Tết, 1/1, 30/4–1/5 and 2/9, and which Saturdays are worked in
// exchange. The law fixes only the holidays themselves (Labour Code 2019
// art. 112) and leaves the choice of the Tết days and of the day next to 2/9
// to the Prime Minister, so no rule can know a year for sure. The table below
// holds the announced decisions; a year in it is taken from it alone, a year
// outside it is computed by the rule and marked estimated ("dự kiến").
//
// Each span names the document it comes from. Fixed holidays that no notice
// needed to move (Giỗ Tổ on a weekday, 1/1 with no swap) cite the law.

// Sources of the table, as an office cites them.
const (
	srcLC2012 = "Bộ luật Lao động 2012, Điều 115"
	srcLC2019 = "Bộ luật Lao động 2019, Điều 112"
	srcComp   = "Bộ luật Lao động 2019, Điều 111 khoản 3 (nghỉ bù)"
	srcPlan   = "Kế hoạch của Sở (mục calendar)"

	src2020Tet = "Thông báo của Bộ Lao động - Thương binh và Xã hội về nghỉ Tết Âm lịch năm 2020 (số hiệu chưa đối chiếu)"
	src2021    = "Thông báo số 4875/TB-LĐTBXH năm 2020 của Bộ Lao động - Thương binh và Xã hội"
	src2022    = "Công văn số 245/VPCP-KGVX của Văn phòng Chính phủ"
	src2023    = "Công văn số 8056/VPCP-KGVX ngày 01/12/2022 của Văn phòng Chính phủ"
	src2024    = "Thông báo số 5015/TB-LĐTBXH ngày 22/11/2023 của Bộ Lao động - Thương binh và Xã hội"
	src2024Apr = "Công văn số 2450/VPCP-KGVX ngày 12/4/2024 của Văn phòng Chính phủ"
	src2025    = "Công văn số 8726/VPCP-KGVX ngày 26/11/2024 của Văn phòng Chính phủ"
	src2026Jan = "Văn bản của Văn phòng Chính phủ ngày 25/12/2025 về nghỉ Tết Dương lịch năm 2026"
	src2026    = "Thông báo số 9441/TB-BNV ngày 16/10/2025 của Bộ Nội vụ"
)

// announcedSpan is a run of days with one status, as an announcement words
// it ("từ thứ Bảy 14/02 đến hết Chủ nhật 22/02").
type announcedSpan struct {
	from, to [2]int // day, month; to == from for a single day
	kind     DayKind
	vi, en   string
	source   string
}

// Shorthands that keep the table readable.
func one(d, m int, k DayKind, vi, en, src string) announcedSpan {
	return announcedSpan{from: [2]int{d, m}, to: [2]int{d, m}, kind: k, vi: vi, en: en, source: src}
}

func span(d1, m1, d2, m2 int, k DayKind, vi, en, src string) announcedSpan {
	return announcedSpan{from: [2]int{d1, m1}, to: [2]int{d2, m2}, kind: k, vi: vi, en: en, source: src}
}

const (
	viNewYear, enNewYear     = "Tết Dương lịch", "New Year's Day"
	viTet, enTet             = "Nghỉ Tết Nguyên đán", "Lunar New Year break"
	viHung, enHung           = "Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"
	viVictory, enVictory     = "Ngày Chiến thắng", "Reunification Day"
	viLabour, enLabour       = "Ngày Quốc tế Lao động", "International Labour Day"
	viNational, enNational   = "Quốc khánh", "National Day"
	viNationalX, enNationalX = "Quốc khánh (ngày liền kề)", "National Day (adjacent day)"
	viSwap, enSwap           = "Nghỉ hoán đổi", "Swapped day off"
	viMakeUp, enMakeUp       = "Làm việc bù", "Make-up working day"
)

// announcedYears is the Government's decisions, by year.
var announcedYears = map[int][]announcedSpan{
	2020: {
		one(1, 1, PublicHoliday, viNewYear, enNewYear, srcLC2012),
		span(23, 1, 29, 1, PublicHoliday, viTet, enTet, src2020Tet),
		one(2, 4, PublicHoliday, viHung, enHung, srcLC2012),
		one(30, 4, PublicHoliday, viVictory, enVictory, srcLC2012),
		one(1, 5, PublicHoliday, viLabour, enLabour, srcLC2012),
		one(2, 9, PublicHoliday, viNational, enNational, srcLC2012),
	},
	2021: {
		one(1, 1, PublicHoliday, viNewYear, enNewYear, srcLC2019),
		span(10, 2, 16, 2, PublicHoliday, viTet, enTet, src2021),
		one(21, 4, PublicHoliday, viHung, enHung, srcLC2019),
		one(30, 4, PublicHoliday, viVictory, enVictory, srcLC2019),
		one(1, 5, PublicHoliday, viLabour, enLabour, srcLC2019),
		one(3, 5, CompensatoryDayOff, "Nghỉ bù Ngày Quốc tế Lao động", "In lieu of International Labour Day", srcComp),
		one(2, 9, PublicHoliday, viNational, enNational, src2021),
		one(3, 9, PublicHoliday, viNationalX, enNationalX, src2021),
	},
	2022: {
		one(1, 1, PublicHoliday, viNewYear, enNewYear, srcLC2019),
		one(3, 1, CompensatoryDayOff, "Nghỉ bù Tết Dương lịch", "In lieu of New Year's Day", srcComp),
		span(29, 1, 6, 2, PublicHoliday, viTet, enTet, src2022),
		one(10, 4, PublicHoliday, viHung, enHung, srcLC2019),
		one(11, 4, CompensatoryDayOff, "Nghỉ bù Giỗ Tổ Hùng Vương", "In lieu of Hung Kings' Commemoration Day", srcComp),
		one(30, 4, PublicHoliday, viVictory, enVictory, srcLC2019),
		one(1, 5, PublicHoliday, viLabour, enLabour, srcLC2019),
		one(2, 5, CompensatoryDayOff, "Nghỉ bù Ngày Chiến thắng", "In lieu of Reunification Day", srcComp),
		one(3, 5, CompensatoryDayOff, "Nghỉ bù Ngày Quốc tế Lao động", "In lieu of International Labour Day", srcComp),
		one(1, 9, PublicHoliday, viNationalX, enNationalX, src2022),
		one(2, 9, PublicHoliday, viNational, enNational, src2022),
	},
	2023: {
		one(1, 1, PublicHoliday, viNewYear, enNewYear, srcLC2019),
		one(2, 1, CompensatoryDayOff, "Nghỉ bù Tết Dương lịch", "In lieu of New Year's Day", srcComp),
		span(20, 1, 26, 1, PublicHoliday, viTet, enTet, src2023),
		one(29, 4, PublicHoliday, viHung, enHung, srcLC2019),
		one(30, 4, PublicHoliday, viVictory, enVictory, srcLC2019),
		one(1, 5, PublicHoliday, viLabour, enLabour, srcLC2019),
		one(2, 5, CompensatoryDayOff, "Nghỉ bù Giỗ Tổ Hùng Vương", "In lieu of Hung Kings' Commemoration Day", srcComp),
		one(3, 5, CompensatoryDayOff, "Nghỉ bù Ngày Chiến thắng", "In lieu of Reunification Day", srcComp),
		one(1, 9, PublicHoliday, viNationalX, enNationalX, src2023),
		one(2, 9, PublicHoliday, viNational, enNational, src2023),
		one(4, 9, CompensatoryDayOff, "Nghỉ bù Quốc khánh", "In lieu of National Day", src2023),
	},
	2024: {
		one(1, 1, PublicHoliday, viNewYear, enNewYear, srcLC2019),
		span(8, 2, 14, 2, PublicHoliday, viTet, enTet, src2024),
		one(18, 4, PublicHoliday, viHung, enHung, srcLC2019),
		one(29, 4, SwappedDayOff, viSwap, enSwap, src2024Apr),
		one(30, 4, PublicHoliday, viVictory, enVictory, srcLC2019),
		one(1, 5, PublicHoliday, viLabour, enLabour, srcLC2019),
		one(4, 5, MakeUpWorkday, viMakeUp+" (cho thứ Hai 29/4)", enMakeUp+" (for Monday 29/4)", src2024Apr),
		one(2, 9, PublicHoliday, viNational, enNational, src2024),
		one(3, 9, PublicHoliday, viNationalX, enNationalX, src2024),
	},
	2025: {
		one(1, 1, PublicHoliday, viNewYear, enNewYear, srcLC2019),
		span(25, 1, 2, 2, PublicHoliday, viTet, enTet, src2025),
		one(7, 4, PublicHoliday, viHung, enHung, srcLC2019),
		one(26, 4, MakeUpWorkday, viMakeUp+" (cho thứ Sáu 2/5)", enMakeUp+" (for Friday 2/5)", src2025),
		one(30, 4, PublicHoliday, viVictory, enVictory, srcLC2019),
		one(1, 5, PublicHoliday, viLabour, enLabour, srcLC2019),
		one(2, 5, SwappedDayOff, viSwap, enSwap, src2025),
		one(1, 9, PublicHoliday, viNationalX, enNationalX, src2025),
		one(2, 9, PublicHoliday, viNational, enNational, src2025),
	},
	2026: {
		one(1, 1, PublicHoliday, viNewYear, enNewYear, srcLC2019),
		one(2, 1, SwappedDayOff, viSwap, enSwap, src2026Jan),
		one(10, 1, MakeUpWorkday, viMakeUp+" (cho thứ Sáu 2/1)", enMakeUp+" (for Friday 2/1)", src2026Jan),
		span(14, 2, 22, 2, PublicHoliday, viTet, enTet, src2026),
		one(26, 4, PublicHoliday, viHung, enHung, srcLC2019),
		one(27, 4, CompensatoryDayOff, "Nghỉ bù Giỗ Tổ Hùng Vương", "In lieu of Hung Kings' Commemoration Day", srcComp),
		one(30, 4, PublicHoliday, viVictory, enVictory, srcLC2019),
		one(1, 5, PublicHoliday, viLabour, enLabour, srcLC2019),
		one(22, 8, MakeUpWorkday, viMakeUp+" (cho thứ Hai 31/8)", enMakeUp+" (for Monday 31/8)", src2026),
		one(31, 8, SwappedDayOff, viSwap, enSwap, src2026),
		one(1, 9, PublicHoliday, viNationalX, enNationalX, src2026),
		one(2, 9, PublicHoliday, viNational, enNational, src2026),
	},
}

// Announced reports whether the Government's decisions for year are in the
// embedded table; other years are computed by the rule and estimated.
func Announced(year int) bool {
	_, ok := announcedYears[year]
	return ok
}

// announcedDays expands year's spans into days keyed by Julian day number.
func (c *Calendar) announcedDays(year int) (map[int]Day, bool) {
	spans, ok := announcedYears[year]
	if !ok {
		return nil, false
	}
	m := make(map[int]Day, 32)
	for _, s := range spans {
		from := calJulianDay(year, time.Month(s.from[1]), s.from[0])
		to := calJulianDay(year, time.Month(s.to[1]), s.to[0])
		if to < from {
			panic(fmt.Sprintf("reminders: announced span %v–%v of %d runs backwards", s.from, s.to, year)) // a typo in the table
		}
		for n := from; n <= to; n++ {
			d := c.day(calHoliday{jdn: n, vi: s.vi, en: s.en}, s.kind)
			d.Source = s.source
			m[n] = d
		}
	}
	return m, true
}
