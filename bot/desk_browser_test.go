package bot

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/reportbot/reportbot/bot/telegramtest"

	"github.com/reportbot/reportbot/db"
)

// browser starts headless Chromium (installed by .ci/install-chromium) with
// an empty profile; the test skips where there is none.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-headless-shell", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Skip("no Chromium: run .ci/install-chromium")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true), chromedp.Flag("no-default-browser-check", true),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first run starts the browser, which lives as long as ctx: no
	// deadline on it, only on the steps after.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// stepTime bounds a group of browser steps. Generous: a busy 2-core machine
// is slow. Every step waits on the page, never on a clock.
const stepTime = 20 * time.Second

// pageText is what the page shows, for a failure message.
func pageText(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	return body
}

// run runs browser steps, failing the test with what the page shows.
func run(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTime)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		t.Fatalf("browser: %v; page says:\n%s", err, pageText(ctx))
	}
}

// value runs one browser action that gives a value.
func value[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTime)
	defer cancel()
	v, err := chromedp.Run(sctx, a)
	if err != nil {
		t.Fatalf("browser: %v; page says:\n%s", err, pageText(ctx))
	}
	return v
}

// screenshot keeps a picture of the page for the README when
// REPORTBOT_DESK_SHOTS names a folder (docs/ when refreshing them);
// quality 100 makes a PNG.
func screenshot(t *testing.T, ctx context.Context, name string, width, height int64) {
	t.Helper()
	dir := os.Getenv("REPORTBOT_DESK_SHOTS")
	if dir == "" {
		return
	}
	var opts []chromedp.EmulateViewportOption
	if width < 600 {
		opts = append(opts, chromedp.EmulateMobile) // overlay scrollbars, as on a phone
	}
	run(t, ctx, chromedp.EmulateViewport(width, height, opts...))
	png := value(t, ctx, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.EmulateViewport(1280, 900))
}

func TestDeskBrowserOfficeFiltersOpensUnitAndAccepts(t *testing.T) {
	f := newDeskFixture(t)
	ctx := browser(t)
	f.submitted("Bao cao 45_BC-TCBC.pdf", pdf("Báo cáo"))

	f.as(f.signed(f.staff))
	run(t, ctx,
		chromedp.Navigate(f.web.URL+"/app/"),
		chromedp.WaitVisible(chromedp.CSS(`#grid tbody tr[data-unit="TCBC"] td[data-state="received"]`)),
	)
	units := value(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#grid tbody tr").length`))
	if units < 5 {
		t.Fatalf("the matrix shows %d units, want every unit of the plan", units)
	}
	// The cell is /status's: its mark, its words and its fill, from one
	// table (stateStyles), the colour applied despite the CSP.
	cell := value(t, ctx, chromedp.Evaluate[string](`(c => c.textContent + " " + getComputedStyle(c).backgroundColor)(document.querySelector('#grid tbody tr[data-unit="TCBC"] td[data-state="received"]'))`))
	st := stReceived.style()
	if want := fmt.Sprintf("%s%s rgb(%d, %d, %d)", st.mark, stReceived.label("vi"), st.fill.R, st.fill.G, st.fill.B); cell != want {
		t.Errorf("the received cell shows %q, want %q", cell, want)
	}
	screenshot(t, ctx, "desk-desktop.png", 1280, 900)
	screenshot(t, ctx, "desk-phone.png", 390, 844)
	// The period filter names periods in words; its values stay the keys.
	if opt := value(t, ctx, chromedp.Evaluate[string](`document.querySelector('#f-period option[value="2026-H1"]').textContent`)); opt != "6 tháng đầu năm 2026" {
		t.Errorf("the period filter shows 2026-H1 as %q", opt)
	}
	run(t, ctx, chromedp.SetValue(chromedp.CSS(`#f-state`), "received"))
	value(t, ctx, chromedp.Evaluate[bool](`document.getElementById("f-state").dispatchEvent(new Event("change"))`))
	shown := value(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#grid tbody tr").length`))
	if shown != 1 {
		t.Fatalf("filtered by 'received', the matrix shows %d units, want 1", shown)
	}
	run(t, ctx,
		chromedp.Click(chromedp.CSS(`#grid tbody tr[data-unit="TCBC"] th button`)),
		chromedp.WaitVisible(chromedp.CSS(`.sub[data-status="received"] button.accept`)),
	)
	title := value(t, ctx, chromedp.Text(chromedp.CSS(`#unit-h`)))
	if !strings.HasPrefix(title, "TCBC") {
		t.Errorf("unit page title %q", title)
	}
	docNo := value(t, ctx, chromedp.Text(chromedp.CSS(`.sub[data-status="received"] dl`)))
	for _, want := range []string{"1/2026", "45/BC-TCBC", "Nguyễn Văn An", "Bao cao 45_BC-TCBC.pdf"} {
		if !strings.Contains(docNo, want) {
			t.Errorf("submission shows no %q:\n%s", want, docNo)
		}
	}
	screenshot(t, ctx, "desk-unit-phone.png", 390, 844)
	run(t, ctx,
		chromedp.Click(chromedp.CSS(`.sub[data-status="received"] button.accept`)),
		chromedp.WaitVisible(chromedp.CSS(`.sub[data-status="accepted"]`)),
	)
	f.waitText(f.head.ID, "Văn phòng Sở đã tiếp nhận")
	f.waitText(f.office.ID, "Trần Thị Bình đã tiếp nhận báo cáo mã 1/2026")
	audit := value(t, ctx, chromedp.Text(chromedp.CSS(`#unit-audit`)))
	if !strings.Contains(audit, "Tiếp nhận — Mã tiếp nhận 1/2026 (phiên bản 1) — BC6T, kỳ 6 tháng đầu năm 2026") || rawKeys.MatchString(audit) {
		t.Errorf("the audit trail reads:\n%s", audit)
	}

	// The register finds the report by its số/ký hiệu.
	run(t, ctx,
		chromedp.Click(chromedp.CSS(`#tabs button[data-view="register"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#register tbody tr[data-receipt="1/2026"]`)),
		chromedp.SetValue(chromedp.CSS(`#register-q`), "không có"),
		chromedp.Click(chromedp.CSS(`#register-search button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#register tbody tr`)),
		chromedp.SetValue(chromedp.CSS(`#register-q`), "45/BC"),
		chromedp.Click(chromedp.CSS(`#register-search button`)),
		chromedp.WaitVisible(chromedp.CSS(`#register tbody tr[data-receipt="1/2026"]`)),
	)
	// One read in the page: the table is redrawn whole on every search.
	row := value(t, ctx, chromedp.Evaluate[string](`document.querySelector('#register tbody tr[data-receipt="1/2026"]').innerText`))
	for _, want := range []string{"1/2026", "45/BC-TCBC", "TCBC", "Đã tiếp nhận"} {
		if !strings.Contains(row, want) {
			t.Errorf("register row lacks %q: %s", want, row)
		}
	}
}

func TestDeskBrowserHeadUploadsAndGetsTheReceiptInChat(t *testing.T) {
	f := newDeskFixture(t)
	ctx := browser(t)
	file := filepath.Join(t.TempDir(), "Bao cao 7_BC-TCBC.pdf")
	if err := os.WriteFile(file, pdf("Báo cáo tải lên"), 0o600); err != nil {
		t.Fatal(err)
	}
	f.as(f.signed(f.head))
	input := `#file-` + strconv.FormatInt(f.item.ID, 10)
	run(t, ctx,
		chromedp.Navigate(f.web.URL+"/app/"),
		chromedp.WaitVisible(chromedp.CSS(input)),
		chromedp.SetUploadFiles(chromedp.CSS(input), []string{file}),
		chromedp.Click(chromedp.CSS(`article[data-assignment="`+strconv.FormatInt(f.item.ID, 10)+`"] form.upload button`)),
		chromedp.WaitVisible(chromedp.CSS(`.sub[data-status="received"]`)),
	)
	notice := value(t, ctx, chromedp.Text(chromedp.CSS(`#notice`)))
	if !strings.Contains(notice, "1/2026") {
		t.Errorf("notice %q names no receipt", notice)
	}
	receipt := f.waitText(f.head.ID, "Mã tiếp nhận: 1/2026")
	if !strings.Contains(receipt.Text, "Bao cao 7_BC-TCBC.pdf") || !strings.Contains(receipt.Text, "7/BC-TCBC") {
		t.Errorf("receipt in chat:\n%s", receipt.Text)
	}
	copy := f.waitText(f.office.ID, "Báo cáo mới — mã tiếp nhận 1/2026")
	if copy.Method != "sendDocument" || len(copy.Buttons) == 0 {
		t.Errorf("Office got %s with %d button rows, want the document with Accept/Return", copy.Method, len(copy.Buttons))
	}
	subs := f.submissions(f.item)
	if len(subs) != 1 || subs[0].Source != db.SourceTelegram || subs[0].Files[0].SHA256 != sha(pdf("Báo cáo tải lên")) {
		t.Fatalf("stored submissions %+v", subs)
	}
}

func TestDeskBrowserStrangerIsRefused(t *testing.T) {
	f := newDeskFixture(t)
	ctx := browser(t)
	stranger := f.srv.NewUser(9009, "Người Lạ", "la", "vi")
	f.as(f.signed(stranger))
	run(t, ctx,
		chromedp.Navigate(f.web.URL+"/app/"),
		chromedp.WaitVisible(chromedp.CSS(`#refusal[data-code="forbidden"]`)),
	)
	text := value(t, ctx, chromedp.Text(chromedp.CSS(`#refusal`)))
	if !strings.Contains(text, "không có quyền") {
		t.Errorf("refusal reads %q", text)
	}
	if !value(t, ctx, chromedp.Evaluate[bool](`document.getElementById("tabs").hidden`)) {
		t.Error("a stranger sees the desk's tabs")
	}
	screenshot(t, ctx, "desk-stranger-phone.png", 390, 844)
}

func TestDeskBrowserSignInOutsideTelegram(t *testing.T) {
	f := newDeskFixture(t)
	ctx := browser(t)
	f.as("") // an ordinary browser: no init data
	f.srv.InjectText(telegramtest.PrivateChat(f.staff), f.staff, "/web")
	msg := f.waitText(f.staff.ID, "login?t=")
	token := regexp.MustCompile(`login\?t=(\S+)`).FindStringSubmatch(msg.Text)[1]
	run(t, ctx,
		chromedp.Navigate(f.web.URL+"/app/login?t="+token),
		chromedp.Click(chromedp.CSS(`form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#grid tbody tr[data-unit="TCBC"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#logout`)),
		chromedp.Click(chromedp.CSS(`#logout`)),
		chromedp.WaitNotVisible(chromedp.CSS(`#view-grid`)),
	)
	if got := value(t, ctx, chromedp.Text(chromedp.CSS(`#notice`))); !strings.Contains(got, "đã đăng xuất") {
		t.Errorf("after signing out the page says %q", got)
	}
	// The session is gone: the page now refuses.
	run(t, ctx,
		chromedp.Navigate(f.web.URL+"/app/"),
		chromedp.WaitVisible(chromedp.CSS(`#refusal[data-code="unauthorized"]`)),
	)
}
