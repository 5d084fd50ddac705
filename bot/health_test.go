package bot

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/ops"
)

func TestHealthAndMetricsAnswer(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	h.importPlan()
	head := h.srv.NewUser(1001, "An", "", "vi")
	h.join(head, "VP", db.RoleHead)
	h.srv.InjectText(telegramtest.PrivateChat(head), head, "/help")
	h.waitText(head.ID, "Các lệnh")

	srv := httptest.NewServer(ops.Handler(h.bot, ops.DefaultLimits))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var rep ops.Report
	json.NewDecoder(resp.Body).Decode(&rep)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !rep.OK {
		t.Fatalf("healthz %d %+v", resp.StatusCode, rep)
	}
	resp, err = http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"reportbot_updates_handled_total", "reportbot_messages_sent_total", "reportbot_telegram_429_total",
		"reportbot_outbox_depth", "reportbot_outbox_oldest_seconds", "reportbot_submissions_total", "reportbot_download_failures_total"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(string(body), "reportbot_updates_handled_total 0\n") {
		t.Error("updates handled still 0 after two updates")
	}
}

func TestHealthFailsWhenTheDatabaseIsGone(t *testing.T) {
	h := newHarness(t, at(2026, 5, 25, 9, 0))
	srv := httptest.NewServer(ops.Handler(h.bot, ops.DefaultLimits))
	defer srv.Close()
	h.store.Close()
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("healthz %d with a closed database, want 503", resp.StatusCode)
	}
}
