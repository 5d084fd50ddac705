package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

// run runs one command line in-process with its own environment.
func run(t *testing.T, ctx context.Context, envs map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errw syncBuffer
	code = Main(ctx, args, &out, &errw, func(k string) string { return envs[k] })
	return code, out.String(), errw.String()
}

// syncBuffer is a bytes.Buffer safe for the logger and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

const examplePlan = "../../examples/plan.yaml"

func TestRunWithoutTokenExplainsAndExits2(t *testing.T) {
	code, _, stderr := run(t, context.Background(), map[string]string{"REPORTBOT_DATA": t.TempDir()}, "run")
	if code != exitUsage {
		t.Fatalf("exit %d, want %d", code, exitUsage)
	}
	for _, want := range []string{"TELEGRAM_BOT_TOKEN", "BotFather", "reportbot demo"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("message lacks %q:\n%s", want, stderr)
		}
	}
}

func TestPlanImportIsIdempotentAndAllOrNothing(t *testing.T) {
	env := map[string]string{"REPORTBOT_DATA": t.TempDir()}
	ctx := context.Background()
	code, out, stderr := run(t, ctx, env, "plan", "import", examplePlan)
	if code != exitOK {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "unit VP added") || !strings.Contains(out, "obligation BC6T added") {
		t.Errorf("import output:\n%s", out)
	}
	code, out, _ = run(t, ctx, env, "plan", "import", examplePlan)
	if code != exitOK || !strings.Contains(out, "không thay đổi") {
		t.Errorf("re-import: exit %d, output:\n%s", code, out)
	}

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	data, _ := os.ReadFile(examplePlan)
	broken := strings.Replace(string(data), "recurrence: yearly before 10/06", "recurrence: yearly before 31/02", 1)
	broken = strings.Replace(broken, "code: TTRA", "code: VP", 1)
	os.WriteFile(bad, []byte(broken), 0o600)
	code, _, stderr = run(t, ctx, env, "plan", "import", bad)
	if code != exitUsage {
		t.Fatalf("bad plan: exit %d, want %d", code, exitUsage)
	}
	if !regexp.MustCompile(`dòng \d+, obligations\[0\]\.recurrence`).MatchString(stderr) {
		t.Errorf("error does not name the line and field:\n%s", stderr)
	}
	if !strings.Contains(stderr, "chưa nhập gì") {
		t.Errorf("error does not say nothing was imported:\n%s", stderr)
	}
	// Nothing of the bad file landed: the exported plan still has TTRA.
	_, out, _ = run(t, ctx, env, "plan", "export")
	if !strings.Contains(out, "TTRA") || !strings.Contains(out, "yearly before 10/06") {
		t.Errorf("export after a refused import:\n%s", out)
	}
}

func TestInviteUnknownUnitAndBackup(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"REPORTBOT_DATA": dir}
	ctx := context.Background()
	run(t, ctx, env, "plan", "import", examplePlan)
	code, _, stderr := run(t, ctx, env, "invite", "NOPE")
	if code != exitUsage || !strings.Contains(stderr, "NOPE") {
		t.Fatalf("unknown unit: exit %d: %s", code, stderr)
	}
	code, out, stderr := run(t, ctx, env, "invite", "vp", "--role", "head")
	if code != exitOK {
		t.Fatalf("invite: exit %d: %s", code, stderr)
	}
	if !regexp.MustCompile(`start=[A-Za-z0-9_-]{20,}`).MatchString(out) {
		t.Errorf("no deep link token:\n%s", out)
	}
	// The Office may be invited with its own unit, or without one.
	for _, args := range [][]string{{"invite", "VP", "--role", "office"}, {"invite", "--role", "office"}} {
		if code, _, stderr := run(t, ctx, env, args...); code != exitOK {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
	if code, _, _ := run(t, ctx, env, "invite", "VP", "--role", "admin"); code != exitUsage {
		t.Errorf("an admin invite with a unit: exit %d, want %d", code, exitUsage)
	}
	backup := filepath.Join(t.TempDir(), "copy.db")
	if code, _, stderr := run(t, ctx, env, "backup", backup); code != exitOK {
		t.Fatalf("backup: exit %d: %s", code, stderr)
	}
	if err := db.CheckIntegrity(ctx, backup); err != nil {
		t.Fatal(err)
	}
}

func TestCalendarListsTet(t *testing.T) {
	env := map[string]string{"REPORTBOT_DATA": t.TempDir()}
	code, out, stderr := run(t, context.Background(), env, "calendar", "2027")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "06/02/2027") || !strings.Contains(out, "Tết") {
		t.Errorf("calendar 2027:\n%s", out)
	}
}

// The calendar of an announced year cites each entry's document; a year not
// yet announced says it is estimated and how to confirm it.
func TestCalendarSourcesAndEstimates(t *testing.T) {
	env := map[string]string{"REPORTBOT_DATA": t.TempDir()}
	tests := []struct {
		args    []string
		want    []string
		notWant []string
	}{
		{[]string{"calendar", "2025"}, []string{"theo thông báo của Chính phủ",
			"27/01/2025 thứ Hai  [nghỉ] Nghỉ Tết Nguyên đán — Công văn số 8726/VPCP-KGVX ngày 26/11/2024",
			"26/04/2025 thứ Bảy  [làm]  Làm việc bù (cho thứ Sáu 2/5)"}, []string{"03/02/2025", "dự kiến"}},
		{[]string{"calendar", "2026"}, []string{"02/01/2026 thứ Sáu  [nghỉ] Nghỉ hoán đổi",
			"10/01/2026 thứ Bảy  [làm]  Làm việc bù", "Thông báo số 9441/TB-BNV ngày 16/10/2025"}, []string{"dự kiến"}},
		{[]string{"calendar", "2027"}, []string{"DỰ KIẾN", "06/02/2027", "Tết Nguyên đán (mùng 1) — dự kiến",
			"01/01/2027 thứ Sáu  [nghỉ] Tết Dương lịch — Bộ luật Lao động 2019, Điều 112", "Cách xác nhận"}, nil},
		{[]string{"calendar", "--lang", "en", "2027"}, []string{"ESTIMATED", "Lunar New Year (day 1) — estimated", "To confirm"}, []string{"dự kiến"}},
	}
	for _, tt := range tests {
		code, out, stderr := run(t, context.Background(), env, tt.args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d: %s", tt.args, code, stderr)
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v lacks %q:\n%s", tt.args, w, out)
			}
		}
		for _, w := range tt.notWant {
			if strings.Contains(out, w) {
				t.Errorf("%v has %q:\n%s", tt.args, w, out)
			}
		}
	}
}

func TestDataFileThatIsNotADatabase(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "reportbot.db"), bytes.Repeat([]byte("not sqlite "), 500), 0o600)
	code, _, stderr := run(t, context.Background(), map[string]string{"REPORTBOT_DATA": dir}, "plan", "export")
	if code != exitUsage || !strings.Contains(stderr, "not a SQLite database") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

// TestQuickStart follows the README's quick start against the fake Bot API:
// import the plan, invite a head, run, the head opens the link and sees what
// the unit owes; an admin binds the Office chat and the group.
func TestQuickStart(t *testing.T) {
	srv := telegramtest.New()
	defer srv.Close()
	dir := t.TempDir()
	env := map[string]string{"REPORTBOT_DATA": dir, "TELEGRAM_BOT_TOKEN": srv.Token()}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	run(t, ctx, env, "plan", "import", examplePlan)
	_, headInvite, _ := run(t, ctx, env, "invite", "TCBC")
	_, adminInvite, _ := run(t, ctx, env, "invite", "--role", "admin")
	token := func(out string) string {
		m := regexp.MustCompile(`start=(\S+)`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no token in %q", out)
		}
		return m[1]
	}

	done := make(chan int)
	var stderr string
	go func() {
		code, _, e := run(t, ctx, env, "run", "--api-url", srv.URL())
		stderr = e
		done <- code
	}()

	head := srv.NewUser(501, "Trần Thị Bình", "binh", "vi")
	srv.InjectText(telegramtest.PrivateChat(head), head, "/start "+token(headInvite))
	wait := func(chatID int64, want string) {
		t.Helper()
		wctx, wcancel := telegramtest.Within(60 * time.Second)
		defer wcancel()
		if _, err := srv.WaitSent(wctx, func(s telegramtest.Sent) bool {
			return s.ChatID == chatID && strings.Contains(s.Text, want)
		}); err != nil {
			t.Fatalf("no %q to %d: %v", want, chatID, err)
		}
	}
	wait(head.ID, "Kính chào đồng chí Trần Thị Bình")
	wait(head.ID, "Báo cáo")

	admin := srv.NewUser(502, "Lê Quản Trị", "qt", "vi")
	srv.InjectText(telegramtest.PrivateChat(admin), admin, "/start "+token(adminInvite))
	wait(admin.ID, "Kính chào đồng chí Lê Quản Trị")
	office := srv.NewGroup(-4001, "Văn phòng Sở")
	group := srv.NewSupergroup(-1004002, "Sở Nội vụ", false)
	srv.InjectText(office, admin, "/bind office")
	wait(office.ID, "Văn phòng Sở")
	srv.InjectText(group, admin, "/bind group")
	wait(group.ID, "thông báo chung")

	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("run exited %d:\n%s", code, stderr)
	}
	if strings.Contains(stderr, srv.Token()) {
		t.Fatal("the log contains the bot token")
	}
}

// TestReadOnlyDatabaseIsAClearError makes the data folder and database
// immutable (chattr +i stops even root, who ignores file modes) and expects a
// plain message, not a panic or a failure at the first receipt.
func TestReadOnlyDatabaseIsAClearError(t *testing.T) {
	chattr, err := exec.LookPath("chattr")
	if err != nil {
		t.Skip("chattr not available")
	}
	dir := t.TempDir()
	env := map[string]string{"REPORTBOT_DATA": dir}
	if code, _, stderr := run(t, context.Background(), env, "plan", "import", examplePlan); code != exitOK {
		t.Fatalf("import: %s", stderr)
	}
	dbPath := filepath.Join(dir, "reportbot.db")
	if out, err := exec.Command(chattr, "+i", dbPath, dir).CombinedOutput(); err != nil {
		t.Skipf("cannot make files immutable here: %v %s", err, out)
	}
	defer exec.Command(chattr, "-i", dbPath, dir).Run()
	code, _, stderr := run(t, context.Background(), env, "invite", "VP")
	if code != exitUsage || !strings.Contains(stderr, "cannot be written") {
		t.Fatalf("exit %d, want %d with a clear message; stderr:\n%s", code, exitUsage, stderr)
	}
}
