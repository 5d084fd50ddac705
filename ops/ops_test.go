package ops

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// fakeSource is a healthy bot whose planner record the test sets.
type fakeSource struct{ ticks Ticks }

func (fakeSource) Ping(context.Context) error { return nil }
func (fakeSource) LastTelegramOK() time.Time  { return time.Now() }
func (fakeSource) Outbox(context.Context) (int, time.Duration, error) {
	return 0, 0, nil
}
func (fakeSource) Counters() Counters    { return Counters{} }
func (f fakeSource) PlannerTicks() Ticks { return f.ticks }

func health(t *testing.T, src Source) (int, Report) {
	t.Helper()
	srv := httptest.NewServer(Handler(src, DefaultLimits))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rep Report
	if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, rep
}

func TestHealthReportsThePlannersTicks(t *testing.T) {
	last := time.Date(2026, 6, 3, 2, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		ticks  Ticks
		status int
		want   string
	}{
		{"starting", Ticks{}, http.StatusOK, "no tick yet"},
		{"ticking", Ticks{LastOK: time.Now()}, http.StatusOK, "last successful tick"},
		{"failing", Ticks{LastOK: last, Failures: 3, LastError: errors.New("database is locked").Error()}, http.StatusServiceUnavailable,
			"3 planner ticks failed in a row (last success 2026-06-03T02:00:00Z): database is locked"},
		{"silent", Ticks{LastOK: time.Now().Add(-time.Hour)}, http.StatusServiceUnavailable, "no successful planner tick since"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, rep := health(t, fakeSource{ticks: tt.ticks})
			if status != tt.status || rep.OK != (tt.status == http.StatusOK) || !strings.Contains(rep.Planner, tt.want) {
				t.Errorf("got %d %+v, want %d with planner %q", status, rep, tt.status, tt.want)
			}
		})
	}
}
