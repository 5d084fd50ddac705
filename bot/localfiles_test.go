package bot

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/reportbot/reportbot/bot/telegramtest"
)

// TestLocalServerPathsAreReadFromTheMount runs the fake Bot API in --local
// mode with its working directory mounted elsewhere here (a symlink stands
// for the mount): the report is read from the mount and receipted.
func TestLocalServerPathsAreReadFromTheMount(t *testing.T) {
	serverDir := t.TempDir()
	mount := filepath.Join(t.TempDir(), "tg-mount")
	if err := os.Symlink(serverDir, mount); err != nil {
		t.Fatal(err)
	}
	f := newSubFixture(t, func(b *Bot) { b.cfg.LocalFiles, b.cfg.LocalServerDir = mount, serverDir })
	f.srv.SetLocalMode(serverDir)
	f.send(telegramtest.Upload{Name: "bc.pdf", Data: pdf("qua máy chủ cục bộ")})
	f.waitText(f.head.ID, "Mã tiếp nhận: 1/2026")
	if n := f.calls.downloads.Load(); n != 0 {
		t.Errorf("%d HTTP downloads in local mode, want 0", n)
	}
	subs := f.submissions(f.item)
	if len(subs) != 1 || subs[0].Files[0].SHA256 != sha(pdf("qua máy chủ cục bộ")) {
		t.Fatalf("submissions %+v", subs)
	}
}

// TestLocalServerFileOf1GBStreamsWithFlatMemory submits a 1 GB (sparse)
// file through the local server and measures the process's peak resident
// memory while it is stored.
func TestLocalServerFileOf1GBStreamsWithFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 1 GB")
	}
	serverDir := t.TempDir()
	f := newSubFixture(t, func(b *Bot) { b.cfg.MaxFileSize = 2000 << 20 })
	f.srv.SetLocalMode(serverDir)
	big := filepath.Join(serverDir, "bao-cao-lon.pdf")
	fh, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	fh.Write(pdf("lớn"))
	if err := fh.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	fh.Close()

	runtime.GC()
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Skipf("cannot reset the peak resident memory here: %v", err)
	}
	base := procStatus(t, "VmRSS")
	if _, err := f.srv.InjectLocalDocument(telegramtest.PrivateChat(f.head), f.head, "bao-cao-lon.pdf", big, telegramtest.ReplyTo(f.remID)); err != nil {
		t.Fatal(err)
	}
	f.waitTextWithin(f.head.ID, "Mã tiếp nhận: 1/2026", 2*time.Minute)
	peak := procStatus(t, "VmHWM")
	t.Logf("resident memory %d MB before, peak %d MB while storing 1 GB", base>>20, peak>>20)
	if grew := peak - base; grew >= 16<<20 && !raceEnabled {
		t.Errorf("resident memory grew by %d MB storing a 1 GB file, want < 16 MB", grew>>20)
	}
	subs := f.submissions(f.item)
	if len(subs) != 1 || subs[0].Files[0].Size != 1<<30 {
		t.Fatalf("submissions %+v, want one of 1 GB", subs)
	}
}

// procStatus reads a size in bytes from /proc/self/status.
func procStatus(t *testing.T, field string) int64 {
	t.Helper()
	fh, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc/self/status", field)
	return 0
}
