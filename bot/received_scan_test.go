package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/reportbot/reportbot/bot/telegramtest"
)

func TestReceivedOnPaperWithAScan(t *testing.T) {
	c := newConsole(t, at(2026, 6, 3, 8, 0))
	office := telegramtest.PrivateChat(c.office)
	c.srv.InjectText(office, c.office, "/received TCBC BC6T giấy 45/BC-TCBC")
	c.waitMethod("", c.office.ID, "gửi ngay tệp (PDF hoặc ảnh chụp) để đính kèm vào mã tiếp nhận 1/2026")

	scan := []byte("%PDF-1.4 bản quét báo cáo TCBC")
	c.srv.InjectDocument(office, c.office, telegramtest.Upload{Name: "bản quét.pdf", Data: scan})
	ok := c.waitMethod("", c.office.ID, "Đã đính kèm bản quét «bản quét.pdf»")
	sum := sha256.Sum256(scan)
	want := hex.EncodeToString(sum[:])
	if !strings.Contains(ok.Text, want[:12]) || !strings.Contains(ok.Text, "1/2026 của TCBC") {
		t.Errorf("confirmation:\n%s", ok.Text)
	}

	rd := c.store.Read(context.Background())
	subs, err := rd.UnitSubmissions(mustUnitID(t, c, "TCBC"), 10)
	if err != nil || len(subs) != 1 {
		t.Fatalf("submissions %+v, %v", subs, err)
	}
	s := subs[0]
	if s.Source != "paper" || s.Reference != "45/BC-TCBC" || len(s.Files) != 1 {
		t.Fatalf("submission %+v", s)
	}
	f := s.Files[0]
	if f.SHA256 != want || f.Size != int64(len(scan)) || !strings.HasPrefix(f.StoredPath, "files/TCBC/2026-H1/2026-0001-") {
		t.Errorf("file row %+v", f)
	}
	data, err := os.ReadFile(filepath.Join(c.bot.cfg.DataDir, filepath.FromSlash(f.StoredPath)))
	if err != nil {
		t.Fatal(err)
	}
	if got := sha256.Sum256(data); hex.EncodeToString(got[:]) != want {
		t.Errorf("file on disk has SHA-256 %x, want %s", got, want)
	}
	audit, err := rd.AuditLog("received_scan")
	if err != nil || len(audit) != 1 || audit[0].Subject != "submission:"+itoa(s.ID) {
		t.Errorf("audit %+v, %v", audit, err)
	}

	// The question was answered: another file is no scan.
	c.srv.InjectDocument(office, c.office, telegramtest.Upload{Name: "khác.pdf", Data: []byte("%PDF-1.4 khác")})
	c.waitMethod("", c.office.ID, "Đồng chí không thuộc đơn vị nào")
	if s2, _ := rd.Submission(s.ID); len(s2.Files) != 1 {
		t.Errorf("a second file was attached: %+v", s2.Files)
	}

	// A disguised scan is refused and the question stays; text then skips it.
	c.srv.InjectText(office, c.office, "/received VP BC6T email 12/BC-VP")
	c.waitMethod("", c.office.ID, "mã tiếp nhận 2/2026;")
	c.srv.InjectDocument(office, c.office, telegramtest.Upload{Name: "scan.pdf", Data: []byte("MZ\x90\x00 not a pdf")})
	c.waitMethod("", c.office.ID, "không khớp với phần mở rộng")
	c.srv.InjectText(office, c.office, "không có bản quét")
	c.waitMethod("", c.office.ID, "không đính kèm bản quét vào mã tiếp nhận 2/2026")
	if p, err := rd.PeekPendingInput(c.office.ID, c.office.ID); err == nil {
		t.Errorf("still waiting: %+v", p)
	}
}

func mustUnitID(t *testing.T, c *console, code string) int64 {
	t.Helper()
	u, err := c.store.Read(context.Background()).UnitByCode(code)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
