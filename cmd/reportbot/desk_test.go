package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/desk"
)

// TestRunServesTheDesk is the "done when": reportbot run --http
// serves /app/, and /app/api/me answers an Office member, refuses a
// stranger with 403 and a tampered or day-old signature with 401.
func TestRunServesTheDesk(t *testing.T) {
	srv := telegramtest.New()
	defer srv.Close()
	dir := t.TempDir()
	const deskURL = "https://bot.example.gov.vn/app/"
	env := map[string]string{"REPORTBOT_DATA": dir, "TELEGRAM_BOT_TOKEN": srv.Token(), "REPORTBOT_DESK_URL": deskURL}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	run(t, ctx, env, "plan", "import", examplePlan)
	_, invite, _ := run(t, ctx, env, "invite", "--role", "office")
	token := regexp.MustCompile(`start=(\S+)`).FindStringSubmatch(invite)[1]

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	done := make(chan int)
	var stderr string
	go func() {
		code, _, e := run(t, ctx, env, "run", "--api-url", srv.URL(), "--http", addr)
		stderr = e
		done <- code
	}()
	clerk := srv.NewUser(601, "Phạm Thị Thu", "thu", "vi")
	srv.InjectText(telegramtest.PrivateChat(clerk), clerk, "/start "+token)
	wctx, wcancel := telegramtest.Within(10 * time.Second)
	defer wcancel()
	// The listener is up before the bot handles anything, so once the
	// greeting is out the desk answers.
	if _, err := srv.WaitSent(wctx, func(s telegramtest.Sent) bool {
		return s.ChatID == clerk.ID && strings.Contains(s.Text, "Kính chào đồng chí")
	}); err != nil {
		t.Fatalf("no greeting: %v", err)
	}
	if b, ok := srv.MenuButtonOf(clerk.ID); !ok || b.Type != "web_app" || b.URL != deskURL {
		t.Errorf("the Office member's menu button: %+v, %v", b, ok)
	}

	get := func(path, auth string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res, string(body)
	}
	res, page := get("/app/", "")
	if res.StatusCode != 200 || !strings.Contains(page, "/app/static/app.js") || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("/app/: %d %v", res.StatusCode, res.Header)
	}
	if strings.Contains(page, srv.Token()) {
		t.Fatal("the page holds the bot token")
	}
	key := desk.WebAppKey(srv.Token())
	sign := func(id int64, at time.Time) string {
		return "tma " + desk.SignInitData(key, desk.WebAppUser{ID: id, FirstName: "x"}, at, map[string]string{"query_id": "q"})
	}
	res, body := get("/app/api/me", sign(clerk.ID, time.Now()))
	var me map[string]string
	json.Unmarshal([]byte(body), &me)
	if res.StatusCode != 200 || me["name"] != "Phạm Thị Thu" || me["role"] != "office" || me["lang"] != "vi" {
		t.Errorf("me: %d %s", res.StatusCode, body)
	}
	if res, body := get("/app/api/me", sign(999, time.Now())); res.StatusCode != 403 {
		t.Errorf("stranger: %d %s", res.StatusCode, body)
	}
	if res, body := get("/app/api/me", strings.Replace(sign(clerk.ID, time.Now()), "query_id=q", "query_id=r", 1)); res.StatusCode != 401 {
		t.Errorf("tampered: %d %s", res.StatusCode, body)
	}
	if res, body := get("/app/api/me", sign(clerk.ID, time.Now().Add(-25*time.Hour))); res.StatusCode != 401 {
		t.Errorf("a day old: %d %s", res.StatusCode, body)
	}

	_, out, errOut := run(t, ctx, env, "weblogin", "@thu")
	link := regexp.MustCompile(`https://\S+/app/login\?t=(\S+)`).FindStringSubmatch(out)
	if link == nil {
		t.Fatalf("weblogin printed no link: %q %q", out, errOut)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err = noRedirect.PostForm("http://"+addr+"/app/login", url.Values{"t": {link[1]}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if ck := res.Header.Get("Set-Cookie"); res.StatusCode != 303 || !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "Secure") || !strings.Contains(ck, "SameSite=Strict") {
		t.Errorf("login: %d, cookie %q", res.StatusCode, ck)
	}

	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("run exited %d:\n%s", code, stderr)
	}
	if strings.Contains(stderr, srv.Token()) {
		t.Fatal("the log contains the bot token")
	}
}

// A sign-in age that is not a duration is refused, not silently replaced
// by the default.
func TestDeskMaxAgeMustBeADuration(t *testing.T) {
	for _, tc := range []struct{ env, flag string }{{"1 day", ""}, {"", "-1h"}} {
		env := map[string]string{"REPORTBOT_DATA": t.TempDir(), "TELEGRAM_BOT_TOKEN": "1:x", "REPORTBOT_DESK_MAX_AGE": tc.env}
		args := []string{"run", "--api-url", "http://127.0.0.1:1"}
		if tc.flag != "" {
			args = append(args, "--desk-max-age", tc.flag)
		}
		code, _, stderr := run(t, context.Background(), env, args...)
		if code != exitUsage || !strings.Contains(stderr, "24h") {
			t.Errorf("env %q, flag %q: exit %d, want %d with how to write it:\n%s", tc.env, tc.flag, code, exitUsage, stderr)
		}
	}
}
