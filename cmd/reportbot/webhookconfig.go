package main

import (
	"fmt"
	"net/url"
	"regexp"
)

// webhookSecret is what Telegram takes as a webhook secret token: 1-256
// characters of A-Z, a-z, 0-9, _ and -.
var webhookSecret = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// checkWebhookConfig checks the webhook URL (--webhook-url or
// REPORTBOT_WEBHOOK_URL; empty means long polling) and the secret
// (REPORTBOT_WEBHOOK_SECRET; empty means a fresh one at every start) against
// the rules of Telegram's setWebhook, so a bad setting stops the bot at start
// with a message saying what to change, not later with Telegram's refusal.
// The secret itself never appears in the message.
func checkWebhookConfig(rawURL, secret string) error {
	if rawURL == "" {
		return nil
	}
	u, err := url.Parse(rawURL)
	switch {
	case err != nil || u.Host == "" || u.Scheme == "":
		return configError{fmt.Sprintf("REPORTBOT_WEBHOOK_URL %q is not a full URL; write it like https://bot.example.gov.vn/telegram\n(Địa chỉ webhook chưa đúng dạng https://ten-mien/duong-dan.)", rawURL)}
	case u.Scheme != "https":
		return configError{fmt.Sprintf("REPORTBOT_WEBHOOK_URL %q must start with https://: Telegram delivers updates over HTTPS only\n(Telegram chỉ gửi cập nhật qua HTTPS.)", rawURL)}
	}
	switch u.Port() {
	case "", "443", "80", "88", "8443":
	default:
		return configError{fmt.Sprintf("REPORTBOT_WEBHOOK_URL %q uses port %s; Telegram delivers only to ports 443, 80, 88 and 8443 (put a proxy in front, or listen on one of these)\n(Telegram chỉ gửi tới cổng 443, 80, 88 hoặc 8443.)", rawURL, u.Port())}
	}
	if secret != "" && !webhookSecret.MatchString(secret) {
		return configError{fmt.Sprintf("REPORTBOT_WEBHOOK_SECRET must be 1 to 256 characters of A-Z, a-z, 0-9, _ and - (it has %d characters, or others); leave it empty to have a fresh one made at every start\n(Mã bí mật webhook chỉ gồm chữ không dấu, số, _ và -, dài 1-256 ký tự.)", len(secret))}
	}
	return nil
}
