package plan

import (
	"strings"
	"testing"

	"github.com/reportbot/reportbot/reminders"
)

// A worded deadline ends with its last day unless the obligation sets a
// closing time; the plan-wide due_time is for the plain form.
func TestWordedDeadlineClock(t *testing.T) {
	tests := []struct {
		recurrence, extra string
		wording           reminders.Wording
		want              ClockTime
	}{
		{"yearly 10/06", "", reminders.WordingNone, ClockTime{17, 0}},
		{"yearly before 10/06", "", reminders.WordingBefore, ClockTime{23, 59}},
		{"hằng năm trước ngày 10/6", "", reminders.WordingBefore, ClockTime{23, 59}},
		{"yearly by 10/06", "", reminders.WordingBy, ClockTime{23, 59}},
		{"yearly before 10/06", "    due_time: \"16:30\"\n", reminders.WordingBefore, ClockTime{16, 30}},
		{"yearly by 10/06 11:00", "", reminders.WordingBy, ClockTime{11, 0}},
	}
	for _, tt := range tests {
		data := strings.Replace(base, "recurrence: yearly 10/06\n", "recurrence: "+tt.recurrence+"\n"+tt.extra, 1)
		data = strings.Replace(data, "units:\n", "due_time: \"17:00\"\nunits:\n", 1)
		p := mustParse(t, data)
		o := p.Obligations[0]
		if o.Rule.Wording != tt.wording || (ClockTime{o.DueHour, o.DueMinute}) != tt.want {
			t.Errorf("%q %q: got %v %02d:%02d, want %v %s", tt.recurrence, tt.extra, o.Rule.Wording, o.DueHour, o.DueMinute, tt.wording, tt.want)
		}
		// Written back and read again, the plan means the same, and the
		// end of day is not spelled out as a due_time.
		out, err := p.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if tt.extra == "" && strings.Contains(string(out), "23:59") {
			t.Errorf("%q: marshalled plan spells out the end of day:\n%s", tt.recurrence, out)
		}
		again := mustParse(t, string(out))
		if g := again.Obligations[0]; g.Rule != o.Rule || g.DueHour != o.DueHour || g.DueMinute != o.DueMinute {
			t.Errorf("%q: round trip changed %+v to %+v", tt.recurrence, o, g)
		}
	}
}
