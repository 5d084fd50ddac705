package main

import (
	"context"
	"strings"
	"testing"
)

// TestRunChecksWebhookConfigAtStart: a webhook URL or secret Telegram would
// refuse stops "reportbot run" at once with a message naming the setting,
// never echoing the secret; a good one goes on (here, to the missing token).
func TestRunChecksWebhookConfigAtStart(t *testing.T) {
	const secret = "bí mật có dấu cách"
	cases := []struct {
		name, url, secret, want string
	}{
		{"plain HTTP", "http://bot.example.gov.vn/tg", "", "must start with https://"},
		{"not a URL", "bot.example.gov.vn/tg", "", "is not a full URL"},
		{"port", "https://bot.example.gov.vn:8080/tg", "", "ports 443, 80, 88 and 8443"},
		{"secret characters", "https://bot.example.gov.vn/tg", secret, "REPORTBOT_WEBHOOK_SECRET must be 1 to 256"},
		{"secret length", "https://bot.example.gov.vn/tg", strings.Repeat("a", 257), "REPORTBOT_WEBHOOK_SECRET must be 1 to 256"},
		{"good", "https://bot.example.gov.vn:8443/tg", "A-z_09", "TELEGRAM_BOT_TOKEN is not set"},
		{"polling", "", "", "TELEGRAM_BOT_TOKEN is not set"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := map[string]string{"REPORTBOT_DATA": t.TempDir(), "REPORTBOT_WEBHOOK_URL": c.url, "REPORTBOT_WEBHOOK_SECRET": c.secret}
			code, _, stderr := run(t, context.Background(), env, "run")
			if code != exitUsage || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, stderr, exitUsage, c.want)
			}
			if c.secret != "" && strings.Contains(stderr, c.secret) {
				t.Errorf("the secret is in the message:\n%s", stderr)
			}
		})
	}
}
