package reminders

import (
	"fmt"
	"testing"
	"time"

	"github.com/reportbot/reportbot/db"
)

// BenchmarkPlannerTick measures the planner's own share of a tick (no
// database): deciding 10,000 units × 10 obligations at the minute one
// obligation's 7-day reminders fall due for every unit. The bot's
// BenchmarkTick measures the whole tick with SQLite.
func BenchmarkPlannerTick(b *testing.B) {
	for _, units := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("units=%d", units), func(b *testing.B) {
			p := NewPlanner(DefaultPolicy())
			loc := p.Location()
			now := time.Date(2026, 6, 3, 8, 0, 0, 0, loc)
			// One obligation per month from June; the first is due 10/06, so
			// its 7-day reminder is now.
			items := make([]db.Item, 0, units*10)
			for o := 0; o < 10; o++ {
				for u := 0; u < units; u++ {
					it := db.Item{}
					it.ID, it.UnitID, it.Status = int64(o*units+u+1), int64(u+1), db.StatusOpen
					it.DeadlineAt = time.Date(2026, time.June+time.Month(o), 10, 17, 0, 0, 0, loc)
					it.NextNoticeAt = p.Stages(it, it.DeadlineAt)[0].At // the first reminder: what a look after import schedules
					it.Obligation.Offsets = "7d,3d,1d,0d"
					items = append(items, it)
				}
			}
			b.ResetTimer()
			due := 0
			for i := 0; i < b.N; i++ {
				due = 0
				for _, it := range items {
					if it.NextNoticeAt.After(now) {
						continue // what the index keeps out of the tick
					}
					due += len(p.Decide(it, now).Due)
				}
			}
			b.ReportMetric(float64(due), "due")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/tick")
		})
	}
}
