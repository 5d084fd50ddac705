package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/reportbot/reportbot/bot/telegramtest"
)

// buildBinary builds reportbot once per test into a temporary folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "reportbot")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// freeAddr is a loopback address nothing listens on right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestSIGTERMStopsEveryModeWithin10s runs the real binary as the systemd
// unit does (polling with --http) and in webhook mode, and expects a clean
// exit within 10 s of SIGTERM.
func TestSIGTERMStopsEveryModeWithin10s(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	srv := telegramtest.New()
	defer srv.Close()
	modes := map[string][]string{
		"polling with --http": {"--http", freeAddr(t)},
		"webhook with --http": {"--http", freeAddr(t), "--webhook-url", "https://bot.example.gov.vn:8443/tg", "--listen", "127.0.0.1:0"},
	}
	for name, extra := range modes {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			args := append([]string{"run", "--api-url", srv.URL(), "--data", dir}, extra...)
			cmd := exec.Command(bin, args...)
			cmd.Env = append(os.Environ(), "TELEGRAM_BOT_TOKEN="+srv.Token())
			var stderr syncBuffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			// Up once the ops server is serving.
			ctx, cancel := telegramtest.Within(20 * time.Second)
			defer cancel()
			for !strings.Contains(stderr.String(), "health and metrics") {
				select {
				case err := <-done:
					t.Fatalf("exited before serving: %v\n%s", err, stderr.String())
				case <-ctx.Done():
					cmd.Process.Kill()
					t.Fatalf("not up:\n%s", stderr.String())
				case <-time.After(20 * time.Millisecond):
				}
			}
			sent := time.Now()
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
				}
				t.Logf("stopped %v after SIGTERM", time.Since(sent).Round(time.Millisecond))
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("still running 10 s after SIGTERM:\n%s", stderr.String())
			}
		})
	}
}

// TestSecondRunOnOneFolderIsRefused holds the data folder's lock as a running
// bot does and expects a second "run" to stop with a clear message.
func TestSecondRunOnOneFolderIsRefused(t *testing.T) {
	dir := t.TempDir()
	held, err := lockDataDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"REPORTBOT_DATA": dir, "TELEGRAM_BOT_TOKEN": "1:x"}
	code, _, stderr := run(t, context.Background(), env, "run", "--api-url", "http://127.0.0.1:1")
	if code != exitUsage || !strings.Contains(stderr, "in use by another reportbot process") || !strings.Contains(stderr, "đang được một tiến trình reportbot khác dùng") {
		t.Fatalf("exit %d, want %d with a clear message:\n%s", code, exitUsage, stderr)
	}
	if !strings.Contains(stderr, "PID "+strconv.Itoa(os.Getpid())) {
		t.Errorf("the message does not name the holder's PID:\n%s", stderr)
	}
	held.release()
	again, err := lockDataDir(dir)
	if err != nil {
		t.Fatalf("lock not free after release: %v", err)
	}
	again.release()
}
