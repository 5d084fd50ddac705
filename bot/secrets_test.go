package bot

import (
	"context"
	"database/sql"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

// TestSecretsDoNotLinger: an invite token used in /start is gone from the
// stored update once handled, an invite link the bot sent is gone from the
// outbox once Telegram accepted it, and after the retention period the
// handled updates and sent messages themselves are pruned.
func TestSecretsDoNotLinger(t *testing.T) {
	f := newSubFixture(t)
	ctx := context.Background()
	token := f.invite("CCHC", db.RoleHead)
	other := f.srv.NewUser(1003, "Phạm Văn D", "d", "vi")
	f.srv.InjectText(telegramtest.PrivateChat(other), other, "/start "+token)
	f.waitText(other.ID, "Kính chào đồng chí")
	f.waitUntil("the /start update is handled", func() bool {
		n, _ := f.store.Read(ctx).PendingUpdates(10)
		return len(n) == 0
	})
	for _, p := range storedPayloads(t, f) {
		if strings.Contains(p, token) {
			t.Fatalf("a stored update still holds the invite token: %s", p)
		}
	}

	f.srv.InjectText(telegramtest.PrivateChat(f.staff), f.staff, "/invite CCHC")
	sent := f.waitText(f.staff.ID, "start=")
	link := regexp.MustCompile(`start=([A-Za-z0-9_-]+)`).FindStringSubmatch(sent.Text)
	if link == nil {
		t.Fatalf("no invite link in %q", sent.Text)
	}
	f.waitUntil("the invite reply is marked sent", func() bool {
		for _, m := range outboxRows(t, f.store) {
			if m.ChatID == f.staff.ID && m.Status == "sent" && m.MessageID == sent.MessageID {
				return true
			}
		}
		return false
	})
	for _, m := range outboxRows(t, f.store) {
		if strings.Contains(m.Text, link[1]) {
			t.Fatalf("the outbox still holds the sent invite link: %+v", m)
		}
	}

	sentBefore := map[string]bool{}
	for _, m := range outboxRows(t, f.store) {
		if m.Status == "sent" {
			sentBefore[m.Key] = true
		}
	}
	f.setNow(f.clock().Add(91 * 24 * time.Hour))
	f.bot.tickAndLog(ctx)
	if n := len(storedPayloads(t, f)); n != 1 {
		t.Errorf("%d stored updates after the retention period, want only the newest", n)
	}
	for _, m := range outboxRows(t, f.store) {
		if sentBefore[m.Key] {
			t.Errorf("a message sent before the retention period is still kept: %s", m.Key)
		}
	}
	if len(sentBefore) == 0 {
		t.Fatal("nothing was sent before the prune: the test proves nothing")
	}
}

// storedPayloads reads every update in the inbox, straight from the file.
func storedPayloads(t *testing.T, f *subFixture) []string {
	t.Helper()
	conn, err := sql.Open("sqlite", f.store.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(`SELECT payload FROM updates`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p []byte
		if err := rows.Scan(&p); err != nil {
			t.Fatal(err)
		}
		out = append(out, string(p))
	}
	return out
}
