package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

// countingTransport counts getFile calls and file downloads: the proof that
// a refused file was never fetched.
type countingTransport struct {
	getFile, downloads atomic.Int64
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	switch {
	case strings.HasSuffix(req.URL.Path, "/getFile"):
		c.getFile.Add(1)
	case strings.Contains(req.URL.Path, "/file/bot"):
		c.downloads.Add(1)
	}
	return http.DefaultTransport.RoundTrip(req)
}

// subFixture is a running bot with the example plan, a head of TCBC, an
// Office member and a bound Office chat.
type subFixture struct {
	*harness
	head, staff models.User
	office      models.Chat
	calls       *countingTransport
	item        db.Item // TCBC's first open assignment
	remID       int     // a reminder about item
}

func newSubFixture(t *testing.T, setup ...func(*Bot)) *subFixture {
	t.Helper()
	calls := &countingTransport{}
	// The API client and the downloads share b.http, so one transport sees both.
	setup = append(setup, func(b *Bot) { b.http.Transport = calls })
	h := newHarness(t, at(2026, 6, 3, 9, 0), setup...)
	h.importPlan()
	f := &subFixture{harness: h, calls: calls}
	f.head = h.srv.NewUser(1001, "Nguyễn Văn An", "an", "vi")
	f.staff = h.srv.NewUser(2001, "Trần Thị Bình", "binh", "vi")
	h.join(f.head, "TCBC", db.RoleHead)
	h.join(f.staff, "", db.RoleOffice)
	f.office = h.srv.NewGroup(-100, "Văn phòng Sở")
	err := h.store.Tx(context.Background(), func(tx *db.Tx) error {
		return tx.BindChat(db.BoundChat{Kind: db.ChatOffice, ChatID: f.office.ID, Title: "Văn phòng Sở"})
	})
	if err != nil {
		t.Fatal(err)
	}
	f.item = f.openItems()[0]
	f.remID = f.remind(f.item, "Nhắc nộp: "+f.item.Obligation.Title)
	return f
}

func (f *subFixture) openItems() []db.Item {
	f.t.Helper()
	unit, err := f.store.Read(context.Background()).UnitByCode("TCBC")
	if err != nil {
		f.t.Fatal(err)
	}
	items, err := f.store.Read(context.Background()).OpenUnitItems(unit.ID)
	if err != nil || len(items) == 0 {
		f.t.Fatalf("TCBC owes nothing: %v", err)
	}
	return items
}

// remind sends the head a reminder about an assignment as the planner
// would, and returns its message id for a reply.
func (f *subFixture) remind(it db.Item, text string) int {
	f.t.Helper()
	m, err := f.store.Read(context.Background()).MemberByTelegramID(f.head.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	err = f.store.Tx(context.Background(), func(tx *db.Tx) error {
		_, _, err := tx.Enqueue(db.OutMessage{Key: fmt.Sprintf("test-rem:%d:%s", it.ID, text), ChatID: f.head.ID, MemberID: m.ID,
			Text: text, Purpose: purposeReminder, RefID: it.ID,
			Markup: Keyboard([]Button{{Label: "Đã nộp bản giấy", Data: fmt.Sprintf("paper:%d", it.ID)}})})
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	f.bot.Kick()
	s := f.waitText(f.head.ID, text)
	// What the sender records once the message is marked sent; written here
	// too so the test need not wait for that moment.
	err = f.store.Tx(context.Background(), func(tx *db.Tx) error {
		return tx.RememberMessage(f.head.ID, s.MessageID, purposeReminder, it.ID)
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return s.MessageID
}

// send sends the head's file as a reply to the fixture's reminder, so it
// is for f.item whatever else the unit owes.
func (f *subFixture) send(up telegramtest.Upload) {
	f.srv.InjectDocument(telegramtest.PrivateChat(f.head), f.head, up, telegramtest.ReplyTo(f.remID))
}

// press presses a button as user on the message s and returns the message.
func (f *subFixture) press(user models.User, s telegramtest.Sent, label string) {
	f.t.Helper()
	for _, row := range s.Buttons {
		for _, btn := range row {
			if strings.Contains(btn.Text, label) {
				f.srv.InjectCallback(user, s.ChatID, s.MessageID, btn.CallbackData)
				return
			}
		}
	}
	f.t.Fatalf("no button %q on %q: %+v", label, s.Text+s.Caption, s.Buttons)
}

// waitToast waits for the answer to a button press containing want.
func (f *subFixture) waitToast(want string) {
	f.t.Helper()
	ctx, cancel := telegramtest.Within(5 * time.Second)
	defer cancel()
	if _, err := f.srv.WaitSent(ctx, func(s telegramtest.Sent) bool {
		return s.Method == "answerCallbackQuery" && strings.Contains(s.Text, want)
	}); err != nil {
		var toasts []string
		for _, s := range f.srv.SentMatching(telegramtest.ByMethod("answerCallbackQuery")) {
			toasts = append(toasts, s.Text)
		}
		f.t.Fatalf("no toast %q: %v; toasts: %q", want, err, toasts)
	}
}

func (f *subFixture) submissions(it db.Item) []db.Submission {
	f.t.Helper()
	subs, err := f.store.Read(context.Background()).Submissions(it.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return subs
}

func (f *subFixture) storedFiles() []string {
	var out []string
	filepath.WalkDir(filepath.Join(f.bot.cfg.DataDir, filesDir), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func pdf(body string) []byte { return []byte("%PDF-1.7\n" + body + "\n%%EOF\n") }

func sha(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func TestHeadRepliesToReminderWithPDFAndOfficeAccepts(t *testing.T) {
	f := newSubFixture(t)
	it := f.openItems()[len(f.openItems())-1] // not the only choice: the reply decides
	remID := f.remind(it, "Nhắc nộp báo cáo")
	data := pdf("Báo cáo 6 tháng")
	f.srv.InjectDocument(telegramtest.PrivateChat(f.head), f.head,
		telegramtest.Upload{Name: "Báo cáo 45_BC-TCBC.pdf", Data: data, Caption: "Kính gửi Văn phòng báo cáo số 45/BC-TCBC"},
		telegramtest.ReplyTo(remID))

	receipt := f.waitText(f.head.ID, "Số tiếp nhận: 1/2026")
	for _, want := range []string{"đúng hạn", "Báo cáo 45_BC-TCBC.pdf", sha(data)[:12], "45/BC-TCBC", "Phiên bản: 1", "09:00 03/06/2026"} {
		if !strings.Contains(receipt.Text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, receipt.Text)
		}
	}
	subs := f.submissions(it)
	if len(subs) != 1 || len(subs[0].Files) != 1 {
		t.Fatalf("submissions %+v", subs)
	}
	stored := filepath.Join(f.bot.cfg.DataDir, subs[0].Files[0].StoredPath)
	onDisk, err := os.ReadFile(stored)
	if err != nil || sha(onDisk) != sha(data) || subs[0].Files[0].SHA256 != sha(data) {
		t.Fatalf("stored file %s: %v, sha %s, want %s", stored, err, sha(onDisk), sha(data))
	}
	if want := "files/TCBC/" + it.Period.Key + "/2026-0001-Báo cáo 45_BC-TCBC.pdf"; subs[0].Files[0].StoredPath != want {
		t.Errorf("stored at %s, want %s", subs[0].Files[0].StoredPath, want)
	}

	copied := f.waitText(f.office.ID, "Báo cáo mới — số tiếp nhận 1/2026")
	if copied.Method != "copyMessage" || copied.File == nil || sha(copied.File.Data) != sha(data) {
		t.Fatalf("Office got %s with file %v, want a copy of the PDF", copied.Method, copied.File != nil)
	}
	for _, want := range []string{"Phòng Tổ chức", it.Obligation.Title, "Phiên bản: 1", "đúng hạn", "Nguyễn Văn An"} {
		if !strings.Contains(copied.Caption, want) {
			t.Errorf("Office caption lacks %q:\n%s", want, copied.Caption)
		}
	}
	f.press(f.staff, copied, "Tiếp nhận")
	f.waitText(f.head.ID, "đã tiếp nhận báo cáo")
	f.waitText(f.office.ID, "Trần Thị Bình đã tiếp nhận báo cáo số 1/2026")
	got, _ := f.store.Read(context.Background()).Item(it.ID)
	if got.Status != db.StatusAccepted || got.ClosedAt.IsZero() {
		t.Errorf("assignment %s, want accepted and closed", got.Status)
	}
	audit, _ := f.store.Read(context.Background()).AuditLog("")
	var actions []string
	for _, e := range audit {
		actions = append(actions, e.Action)
	}
	if s := strings.Join(actions, ","); !strings.Contains(s, "submit") || !strings.Contains(s, "accept") {
		t.Errorf("audit %s lacks submit and accept", s)
	}

	// A second click, by anyone, acts once.
	f.press(f.staff, copied, "Tiếp nhận")
	f.waitToast("đã xử lý")
	if n := len(f.srv.SentMatching(telegramtest.All(telegramtest.ToChat(f.head.ID), func(s telegramtest.Sent) bool {
		return strings.Contains(s.Text, "đã tiếp nhận báo cáo")
	}))); n != 1 {
		t.Errorf("head told %d times, want once", n)
	}

	// A later file for the accepted period never silently reopens it: the
	// head is asked, and a correction is a new version, flagged.
	f.srv.InjectDocument(telegramtest.PrivateChat(f.head), f.head, telegramtest.Upload{Name: "bc-sua.pdf", Data: pdf("bản sửa")}, telegramtest.ReplyTo(remID))
	ask := f.waitText(f.head.ID, "bản sửa thay thế bản đã tiếp nhận")
	if subs := f.submissions(it); len(subs) != 1 {
		t.Errorf("before the answer: %d versions, want 1", len(subs))
	}
	f.press(f.head, ask, "Bản sửa thay thế")
	f.waitText(f.head.ID, "Phiên bản: 2")
	f.waitText(f.office.ID, "đã được tiếp nhận trước đó")
}

func TestFilesRefusedBeforeAnyDownload(t *testing.T) {
	f := newSubFixture(t, func(b *Bot) { b.cfg.MaxFileSize = 1 << 20 })
	cases := []struct {
		name string
		up   telegramtest.Upload
		want string
	}{
		{"over the limit", telegramtest.Upload{Name: "bc.pdf", Data: pdf(strings.Repeat("x", 2<<20))}, "nén tệp"},
		{"program", telegramtest.Upload{Name: "setup.exe", Data: []byte("MZ\x90\x00")}, "chỉ nhận tệp PDF"},
		{"text file", telegramtest.Upload{Name: "ghi chu.txt", Data: []byte("hello")}, "chỉ nhận tệp PDF"},
	}
	for _, c := range cases {
		f.send(c.up)
		got := f.waitText(f.head.ID, "«"+c.up.Name+"»")
		if !strings.Contains(got.Text, c.want) {
			t.Errorf("%s: answer lacks %q:\n%s", c.name, c.want, got.Text)
		}
	}
	if n := f.calls.getFile.Load(); n != 0 {
		t.Errorf("%d getFile calls for refused files", n)
	}
	if got := f.storedFiles(); len(got) != 0 {
		t.Errorf("files stored: %v", got)
	}
}

func TestDisguisedAndEmptyFilesAreNotStored(t *testing.T) {
	f := newSubFixture(t)
	f.send(telegramtest.Upload{Name: "bao-cao.pdf", MIMEType: "application/pdf", Data: []byte("MZ\x90\x00\x03 this program cannot run")})
	f.waitText(f.head.ID, "không khớp với phần mở rộng")
	f.send(telegramtest.Upload{Name: "bang.xlsx", Data: []byte("just text")})
	f.waitText(f.head.ID, "«bang.xlsx» không khớp")
	f.send(telegramtest.Upload{Name: "rong.docx", Data: nil})
	f.waitText(f.head.ID, "rỗng")
	if got := f.storedFiles(); len(got) != 0 {
		t.Errorf("files left on disk: %v", got)
	}
	if subs := f.submissions(f.item); len(subs) != 0 {
		t.Errorf("submissions recorded: %+v", subs)
	}
}

func TestStrangerAndRemovedMemberFilesAreNotDownloaded(t *testing.T) {
	f := newSubFixture(t)
	stranger := f.srv.NewUser(666, "Người Lạ", "", "vi")
	f.srv.InjectDocument(telegramtest.PrivateChat(stranger), stranger, telegramtest.Upload{Name: "bc.pdf", Data: pdf("x")})
	f.waitText(stranger.ID, "link mời")

	m, _ := f.store.Read(context.Background()).MemberByTelegramID(f.head.ID)
	if err := f.store.Tx(context.Background(), func(tx *db.Tx) error { return tx.RemoveMember(m.ID) }); err != nil {
		t.Fatal(err)
	}
	f.srv.InjectDocument(telegramtest.PrivateChat(f.head), f.head, telegramtest.Upload{Name: "bc.pdf", Data: pdf("y")})
	f.waitText(f.head.ID, "link mời")
	if n, d := f.calls.getFile.Load(), f.calls.downloads.Load(); n != 0 || d != 0 {
		t.Errorf("getFile %d, downloads %d; want none", n, d)
	}
	if got := f.storedFiles(); len(got) != 0 {
		t.Errorf("files stored: %v", got)
	}
}

func TestFileInGroupGetsPointerToPrivateChat(t *testing.T) {
	f := newSubFixture(t)
	group := f.srv.NewGroup(-200, "Nhóm chung")
	f.srv.InjectDocument(group, f.head, telegramtest.Upload{Name: "bc.pdf", Data: pdf("x")})
	got := f.waitText(group.ID, "tin nhắn riêng với bot")
	if !strings.Contains(got.Text, "https://t.me/"+f.bot.Username()) {
		t.Errorf("pointer lacks the bot link:\n%s", got.Text)
	}
	if n := f.calls.getFile.Load(); n != 0 || len(f.storedFiles()) != 0 {
		t.Errorf("a file sent in a group was fetched (%d getFile) or stored", n)
	}
}

func TestLongCaptionIsCutAndTheHeadIsTold(t *testing.T) {
	f := newSubFixture(t)
	long := strings.Repeat("Nội dung báo cáo rất dài. ", 80)
	f.send(telegramtest.Upload{Name: "bc.pdf", Data: pdf("x"), Caption: long})
	f.waitText(f.head.ID, "chỉ lưu phần đầu")
	subs := f.submissions(f.item)
	if len(subs) != 1 || sendUTF16Len(subs[0].Caption) > captionLimit || subs[0].Caption == "" {
		t.Fatalf("stored caption of %d units, want 1..%d", sendUTF16Len(subs[0].Caption), captionLimit)
	}
}

func TestTextWhenAFileIsExpected(t *testing.T) {
	f := newSubFixture(t)
	chat := telegramtest.PrivateChat(f.head)
	f.send(telegramtest.Upload{Name: "bc.pdf", Data: pdf("v1")})
	copied := f.waitText(f.office.ID, "Báo cáo mới")
	f.press(f.staff, copied, "Trả lại")
	f.waitText(f.staff.ID, "Nhập lý do trả lại báo cáo số 1/2026")
	f.srv.InjectText(telegramtest.PrivateChat(f.staff), f.staff, "Thiếu phụ lục số liệu")
	f.waitText(f.head.ID, "Lý do: Thiếu phụ lục số liệu")
	f.waitText(f.office.ID, "đã trả lại báo cáo số 1/2026")

	f.srv.InjectText(chat, f.head, "Dạ em gửi lại ngay ạ")
	f.waitText(f.head.ID, "không phải tin nhắn chữ")

	f.send(telegramtest.Upload{Name: "bc.pdf", Data: pdf("v2")})
	f.waitText(f.head.ID, "Phiên bản: 2")
	subs := f.submissions(f.item)
	if len(subs) != 2 || subs[0].Status != db.SubReturned || subs[0].ReviewNote != "Thiếu phụ lục số liệu" {
		t.Fatalf("submissions %+v", subs)
	}
	// Both versions are kept on disk.
	if got := f.storedFiles(); len(got) != 2 {
		t.Errorf("files on disk %v, want both versions", got)
	}
	// The wait for a file ended with the file.
	if _, err := f.store.Read(context.Background()).PeekPendingInput(f.head.ID, f.head.ID); err == nil {
		t.Error("the bot still waits for a file")
	}
}

func TestSameBytesAgainIsTheFirstReceipt(t *testing.T) {
	f := newSubFixture(t)
	data := pdf("một lần")
	f.send(telegramtest.Upload{Name: "bc.pdf", Data: data})
	f.waitText(f.head.ID, "Số tiếp nhận: 1/2026")
	f.send(telegramtest.Upload{Name: "bc (1).pdf", Data: data})
	f.waitText(f.head.ID, "đã nhận đúng tệp này rồi (số tiếp nhận 1/2026")
	if subs := f.submissions(f.item); len(subs) != 1 {
		t.Errorf("%d submissions, want 1", len(subs))
	}
	if got := f.storedFiles(); len(got) != 1 {
		t.Errorf("files on disk %v, want 1", got)
	}
}

func TestAlbumIsOneSubmission(t *testing.T) {
	f := newSubFixture(t)
	chat := telegramtest.PrivateChat(f.head)
	f.srv.InjectAlbum(chat, f.head, []telegramtest.Upload{
		{Name: "trang1.jpg", Data: []byte("\xFF\xD8\xFF\xE0 page 1"), Photo: true, Caption: "Báo cáo 12/BC-TCBC bản ký"},
		{Name: "trang2.jpg", Data: []byte("\xFF\xD8\xFF\xE0 page 2"), Photo: true},
		{Name: "phu-luc.pdf", Data: pdf("phụ lục")},
	}, telegramtest.ReplyTo(f.remID))
	receipt := f.waitText(f.head.ID, "Số tiếp nhận: 1/2026")
	if strings.Count(receipt.Text, "SHA-256") != 3 || !strings.Contains(receipt.Text, "12/BC-TCBC") {
		t.Errorf("receipt should list 3 files and the number:\n%s", receipt.Text)
	}
	f.waitText(f.office.ID, "Báo cáo mới — số tiếp nhận 1/2026")
	if n := len(f.srv.SentMatching(telegramtest.All(telegramtest.ToChat(f.office.ID), telegramtest.ByMethod("copyMessage")))); n != 3 {
		t.Errorf("Office got %d copies, want 3", n)
	}
	subs := f.submissions(f.item)
	if len(subs) != 1 || len(subs[0].Files) != 3 {
		t.Fatalf("submissions %+v", subs)
	}
	// No second receipt for the album's other messages.
	if n := len(f.srv.SentMatching(telegramtest.All(telegramtest.ToChat(f.head.ID), func(s telegramtest.Sent) bool {
		return strings.Contains(s.Text, "Số tiếp nhận")
	}))); n != 1 {
		t.Errorf("%d receipts, want 1", n)
	}
}

// An album whose parts reach the bot in separate getUpdates batches is
// still one submission: the later part joins the first part's receipt.
func TestAlbumPartInLaterBatchJoinsTheSubmission(t *testing.T) {
	f := newSubFixture(t)
	chat := telegramtest.PrivateChat(f.head)
	page1, page2 := []byte("\xFF\xD8\xFF\xE0 page 1"), pdf("phụ lục")
	f.srv.InjectPhoto(chat, f.head, telegramtest.Upload{Name: "trang1.jpg", Data: page1, Caption: "Báo cáo bản ký"},
		telegramtest.ReplyTo(f.remID), telegramtest.InMediaGroup("g-split"))
	f.waitText(f.head.ID, "Số tiếp nhận: 1/2026")
	f.waitText(f.office.ID, "Báo cáo mới — số tiếp nhận 1/2026")

	f.setNow(f.clock().Add(time.Minute)) // well within the album's window
	f.srv.InjectDocument(chat, f.head, telegramtest.Upload{Name: "phu-luc.pdf", Data: page2}, telegramtest.InMediaGroup("g-split"))
	note := f.waitText(f.head.ID, "Đã thêm vào hồ sơ có số tiếp nhận 1/2026")
	if !strings.Contains(note.Text, "phu-luc.pdf") || !strings.Contains(note.Text, sha(page2)[:12]) {
		t.Errorf("note should name the added file:\n%s", note.Text)
	}
	f.waitText(f.office.ID, "Tệp bổ sung 2/2 — số tiếp nhận 1/2026")

	subs := f.submissions(f.item)
	if len(subs) != 1 || len(subs[0].Files) != 2 {
		t.Fatalf("submissions %+v, want one with 2 files", subs)
	}
	for i, want := range [][]byte{page1, page2} {
		file := subs[0].Files[i]
		onDisk, err := os.ReadFile(filepath.Join(f.bot.cfg.DataDir, file.StoredPath))
		if err != nil || sha(onDisk) != sha(want) || file.SHA256 != sha(want) {
			t.Errorf("file %d %s: %v, stored sha %s, want %s", i+1, file.StoredPath, err, file.SHA256, sha(want))
		}
	}
	if got := f.storedFiles(); len(got) != 2 {
		t.Errorf("files on disk %v, want 2", got)
	}
	if n := len(f.srv.SentMatching(telegramtest.All(telegramtest.ToChat(f.head.ID), func(s telegramtest.Sent) bool {
		return strings.Contains(s.Text, "Số tiếp nhận")
	}))); n != 1 {
		t.Errorf("%d receipts, want 1", n)
	}
	if n := len(f.srv.SentMatching(telegramtest.All(telegramtest.ToChat(f.office.ID), telegramtest.ByMethod("copyMessage")))); n != 2 {
		t.Errorf("Office got %d copies, want 2", n)
	}
	// The mapping is in the database, so a restart between parts loses nothing.
	if id, _, err := f.store.Read(context.Background()).AlbumSubmission(f.head.ID, "g-split"); err != nil || id != subs[0].ID {
		t.Errorf("album row = %d, %v; want %d", id, err, subs[0].ID)
	}
}

// A part of the album that comes long after the first is a new version.
func TestAlbumPartAfterTheWindowIsANewVersion(t *testing.T) {
	f := newSubFixture(t)
	chat := telegramtest.PrivateChat(f.head)
	f.srv.InjectPhoto(chat, f.head, telegramtest.Upload{Name: "trang1.jpg", Data: []byte("\xFF\xD8\xFF\xE0 page 1")},
		telegramtest.ReplyTo(f.remID), telegramtest.InMediaGroup("g-late"))
	f.waitText(f.head.ID, "Số tiếp nhận: 1/2026")

	f.setNow(f.clock().Add(albumWindow + time.Minute))
	f.srv.InjectPhoto(chat, f.head, telegramtest.Upload{Name: "trang2.jpg", Data: []byte("\xFF\xD8\xFF\xE0 page 2")},
		telegramtest.ReplyTo(f.remID), telegramtest.InMediaGroup("g-late"))
	f.waitText(f.head.ID, "Số tiếp nhận: 2/2026")
	if subs := f.submissions(f.item); len(subs) != 2 || len(subs[0].Files) != 1 || len(subs[1].Files) != 1 {
		t.Errorf("submissions %+v, want two of one file each", subs)
	}
}

// A later part of an album kept aside while the head chooses what it is
// for joins the kept files, so the choice takes the whole album.
func TestAlbumPartWhileChoosingJoinsTheKeptFiles(t *testing.T) {
	f := newSubFixture(t)
	open := f.openItems()
	if len(open) < 2 {
		t.Skipf("the example plan leaves TCBC %d open reports", len(open))
	}
	chat := telegramtest.PrivateChat(f.head)
	f.srv.InjectDocument(chat, f.head, telegramtest.Upload{Name: "bc.pdf", Data: pdf("x")}, telegramtest.InMediaGroup("g-pick"))
	ask := f.waitText(f.head.ID, "Tệp này là báo cáo nào?")
	f.srv.InjectDocument(chat, f.head, telegramtest.Upload{Name: "phu-luc.pdf", Data: pdf("y")}, telegramtest.InMediaGroup("g-pick"))
	// One chat is handled in order: the answer to this text comes after the part.
	f.srv.InjectText(chat, f.head, "cái đầu tiên")
	f.waitText(f.head.ID, "bấm một nút")
	if n := len(f.srv.SentMatching(telegramtest.All(telegramtest.ToChat(f.head.ID), func(s telegramtest.Sent) bool {
		return strings.Contains(s.Text, "Tệp này là báo cáo nào?")
	}))); n != 1 {
		t.Errorf("asked %d times, want once", n)
	}
	f.press(f.head, ask, open[1].Obligation.Title)
	receipt := f.waitText(f.head.ID, "Số tiếp nhận: 1/2026")
	if !strings.Contains(receipt.Text, "bc.pdf") || !strings.Contains(receipt.Text, "phu-luc.pdf") {
		t.Errorf("receipt should list both files:\n%s", receipt.Text)
	}
	if subs := f.submissions(open[1]); len(subs) != 1 || len(subs[0].Files) != 2 {
		t.Errorf("submissions %+v, want one with 2 files", subs)
	}
}

func TestSeveralOpenReportsAskWhich(t *testing.T) {
	f := newSubFixture(t)
	open := f.openItems()
	if len(open) < 2 {
		t.Skipf("the example plan leaves TCBC %d open reports", len(open))
	}
	// Replying to nothing, with several reports open: the bot asks.
	f.srv.InjectDocument(telegramtest.PrivateChat(f.head), f.head, telegramtest.Upload{Name: "bc.pdf", Data: pdf("x")})
	ask := f.waitText(f.head.ID, "Tệp này là báo cáo nào?")
	for _, row := range ask.Buttons {
		if len(row[0].CallbackData) > 64 {
			t.Errorf("callback data %q over 64 bytes", row[0].CallbackData)
		}
	}
	f.srv.InjectText(telegramtest.PrivateChat(f.head), f.head, "cái đầu tiên")
	f.waitText(f.head.ID, "bấm một nút")
	f.press(f.head, ask, open[1].Obligation.Title)
	f.waitText(f.head.ID, "Số tiếp nhận: 1/2026")
	if subs := f.submissions(open[1]); len(subs) != 1 {
		t.Errorf("chosen report has %d submissions, want 1", len(subs))
	}
	// The choice is used once.
	f.press(f.head, ask, open[0].Obligation.Title)
	f.waitToast("không còn hiệu lực")
}

func TestDownloadIsRetriedThenGivenUp(t *testing.T) {
	f := newSubFixture(t, func(b *Bot) { b.cfg.DownloadStall = 200 * time.Millisecond })
	f.srv.AddDownloadFault(telegramtest.DownloadFault{Times: 1, Status: 502})
	f.srv.AddDownloadFault(telegramtest.DownloadFault{Times: 1, TruncateAfter: 5})
	f.send(telegramtest.Upload{Name: "bc.pdf", Data: pdf("lần ba mới được")})
	f.waitText(f.head.ID, "Số tiếp nhận: 1/2026")
	if n := f.calls.downloads.Load(); n != 3 {
		t.Errorf("%d download attempts, want 3", n)
	}

	// A download that stalls every time is finally given up, nothing stored.
	f.srv.AddDownloadFault(telegramtest.DownloadFault{ChunkSize: 4, ChunkDelay: time.Hour})
	f.send(telegramtest.Upload{Name: "bc2.pdf", Data: pdf("treo")})
	f.waitText(f.head.ID, "chưa tải được tệp «bc2.pdf»")
	if got := f.storedFiles(); len(got) != 1 {
		t.Errorf("files on disk %v, want only the first", got)
	}
	if subs := f.submissions(f.item); len(subs) != 1 {
		t.Errorf("%d submissions, want 1", len(subs))
	}
	if f.pacer.Slept() == 0 {
		t.Error("retries did not back off through the pacer")
	}
}

func TestFullDiskTellsTheHeadAndTheOffice(t *testing.T) {
	f := newSubFixture(t)
	// A file where the incoming folder should be: every write fails, as
	// on a full disk, whoever runs the test (root ignores permissions).
	files := filepath.Join(f.bot.cfg.DataDir, filesDir)
	os.MkdirAll(files, 0o750)
	if err := os.WriteFile(filepath.Join(files, incomingDir), []byte("in the way"), 0o600); err != nil {
		t.Fatal(err)
	}
	f.send(telegramtest.Upload{Name: "bc.pdf", Data: pdf("x")})
	f.waitText(f.head.ID, "CHƯA được ghi nhận")
	f.waitText(f.office.ID, "không lưu được tệp")
	if subs := f.submissions(f.item); len(subs) != 0 {
		t.Errorf("submissions recorded: %+v", subs)
	}
}

func TestForgedAndStaleButtons(t *testing.T) {
	f := newSubFixture(t)
	f.send(telegramtest.Upload{Name: "bc.pdf", Data: pdf("x")})
	copied := f.waitText(f.office.ID, "Báo cáo mới")
	cases := []struct {
		who  models.User
		data string
		want string
	}{
		{f.staff, "acc:abc", "không còn hiệu lực"},
		{f.staff, "acc:99999", "không còn hiệu lực"},
		{f.staff, "ret:1:2", "không còn hiệu lực"},
		{f.head, "acc:1", "Chỉ Văn phòng Sở"},
		{f.head, "sp:99999", "không còn hiệu lực"},
		{f.head, "exy:1", "Chỉ Văn phòng Sở"},
		{f.staff, "nosuchverb:1", "không còn hiệu lực"},
	}
	for _, c := range cases {
		f.srv.InjectCallback(c.who, copied.ChatID, copied.MessageID, c.data)
		f.waitToast(c.want)
	}
	if subs := f.submissions(f.item); subs[0].Status != db.SubReceived {
		t.Errorf("a forged button changed the submission: %s", subs[0].Status)
	}
}

func TestPaperSubmissionConfirmedByOffice(t *testing.T) {
	f := newSubFixture(t)
	remID := f.remind(f.item, "Nhắc nộp bản giấy")
	msg, _ := f.srv.Message(f.head.ID, remID)
	f.srv.InjectCallback(f.head, f.head.ID, msg.ID, fmt.Sprintf("paper:%d", f.item.ID))
	f.waitText(f.head.ID, "Đã báo Văn phòng Sở")
	ask := f.waitText(f.office.ID, "báo đã nộp bản giấy")
	// Until the Office confirms, the unit sees the report as announced.
	f.srv.InjectText(telegramtest.PrivateChat(f.head), f.head, "/pending")
	f.waitText(f.head.ID, "đã báo nộp bản giấy, chờ Văn phòng xác nhận")
	f.press(f.staff, ask, "Xác nhận")
	f.waitText(f.head.ID, "xác nhận đã nhận bản giấy")
	f.press(f.staff, ask, "Xác nhận")
	f.waitToast("đã xử lý")
	subs := f.submissions(f.item)
	if len(subs) != 1 || subs[0].Source != db.SourcePaper {
		t.Fatalf("submissions %+v, want one paper submission", subs)
	}
}

func TestExtensionApprovedMovesOnlyThatUnit(t *testing.T) {
	f := newSubFixture(t)
	chat := telegramtest.PrivateChat(f.head)
	f.srv.InjectText(chat, f.head, "/extend")
	f.press(f.head, f.waitText(f.head.ID, "Xin gia hạn cho báo cáo nào?"), f.item.Obligation.Title)
	f.waitText(f.head.ID, "Nhập lý do và ngày đề nghị")
	f.srv.InjectText(chat, f.head, "đến 31/02/2026")
	f.waitText(f.head.ID, "chưa đọc được ngày")
	f.srv.InjectText(chat, f.head, "Chờ số liệu của các xã, 01/01/2020")
	f.waitText(f.head.ID, "phải sau hạn hiện tại")
	proposed := f.item.DeadlineAt.In(hcmc).AddDate(0, 0, 10)
	f.srv.InjectText(chat, f.head, "Chờ số liệu của các xã, "+formatDate(proposed, hcmc))
	f.waitText(f.head.ID, "Đã gửi đề nghị gia hạn")
	ask := f.waitText(f.office.ID, "Lý do: Chờ số liệu của các xã")
	f.press(f.staff, ask, "Đồng ý")
	f.waitText(f.head.ID, "Hạn mới của đơn vị: "+formatDate(proposed, hcmc))
	f.press(f.staff, ask, "Không đồng ý")
	f.waitToast("đã xử lý")

	r := f.store.Read(context.Background())
	it, _ := r.Item(f.item.ID)
	if !it.DeadlineAt.Equal(proposed) || it.NextNoticeAt.IsZero() {
		t.Errorf("deadline %v next notice %v, want %v with reminders rescheduled", it.DeadlineAt, it.NextNoticeAt, proposed)
	}
	others, _ := r.PeriodItems(f.item.PeriodID)
	for _, o := range others {
		if o.ID != it.ID && !o.DeadlineAt.Equal(f.item.DeadlineAt) {
			t.Errorf("unit %s's deadline moved too", o.Unit.Code)
		}
	}
}

func TestPendingAndHistoryShowOwnUnit(t *testing.T) {
	f := newSubFixture(t)
	chat := telegramtest.PrivateChat(f.head)
	f.srv.InjectText(chat, f.head, "/history")
	f.waitText(f.head.ID, "chưa nộp báo cáo nào")
	f.send(telegramtest.Upload{Name: "bc.pdf", Data: pdf("x")})
	f.waitText(f.head.ID, "Số tiếp nhận: 1/2026")
	f.srv.InjectText(chat, f.head, "/pending")
	got := f.waitText(f.head.ID, "Báo cáo của Phòng Tổ chức")
	if !strings.Contains(got.Text, "đã nộp, chờ Văn phòng xem") {
		t.Errorf("/pending:\n%s", got.Text)
	}
	f.srv.InjectText(chat, f.head, "/history")
	got = f.waitText(f.head.ID, "Số 1/2026")
	if !strings.Contains(got.Text, "phiên bản 1") || !strings.Contains(got.Text, "chờ Văn phòng xem") {
		t.Errorf("/history:\n%s", got.Text)
	}
	other := f.srv.NewUser(1002, "Lê Văn C", "", "vi")
	f.join(other, "CCHC", db.RoleHead)
	f.srv.InjectText(telegramtest.PrivateChat(other), other, "/history")
	f.waitText(other.ID, "chưa nộp báo cáo nào")
}

func TestSweepOrphansRemovesFilesWithoutARow(t *testing.T) {
	f := newSubFixture(t)
	f.send(telegramtest.Upload{Name: "bc.pdf", Data: pdf("x")})
	f.waitText(f.head.ID, "Số tiếp nhận: 1/2026")
	orphan := filepath.Join(f.bot.cfg.DataDir, filesDir, "TCBC", "2026-H1", "2026-0099-mo-coi.pdf")
	half := filepath.Join(f.bot.cfg.DataDir, filesDir, incomingDir, "dl-123")
	for _, p := range []string{orphan, half} {
		os.MkdirAll(filepath.Dir(p), 0o750)
		os.WriteFile(p, []byte("x"), 0o600)
	}
	n, err := f.bot.SweepOrphans(context.Background())
	if err != nil || n != 2 {
		t.Fatalf("swept %d, %v; want 2", n, err)
	}
	if got := f.storedFiles(); len(got) != 1 {
		t.Errorf("left %v, want the recorded file only", got)
	}
}

func TestSafeName(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Báo cáo 6 tháng.pdf", "Báo cáo 6 tháng.pdf"},
		{"../../etc/passwd", "passwd"},
		{`..\..\win.ini`, "win.ini"},
		{".hidden.pdf", "hidden.pdf"},
		{"CON.pdf", "_CON.pdf"},
		{"nul", "_nul"},
		{"a\x00b\nc.pdf", "a_b_c.pdf"},
		{"what?*.pdf", "what__.pdf"},
		{"..", "tep"},
		{"", "tep"},
		{"ba\u0301o.pdf", "báo.pdf"}, // NFD becomes NFC
		{"trailing. ", "trailing"},
	}
	for _, c := range cases {
		if got := safeName(c.in); got != c.want {
			t.Errorf("safeName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	long := safeName(strings.Repeat("Đ", 200) + ".pdf")
	if len(long) > maxNameBytes || !strings.HasSuffix(long, ".pdf") || !strings.HasPrefix(long, "Đ") {
		t.Errorf("long name cut to %d bytes: %q", len(long), long)
	}
	if p := storedPath("TCBC", "../x", 2026, 12, 0, "../a.pdf"); p != "files/TCBC/x/2026-0012-a.pdf" {
		t.Errorf("storedPath = %q", p)
	}
}

func TestCheckContent(t *testing.T) {
	cases := []struct {
		name string
		head string
		ok   bool
	}{
		{"a.pdf", "%PDF-1.4", true},
		{"a.docx", "PK\x03\x04", true},
		{"a.doc", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", true},
		{"a.xls", "PK\x03\x04", true},
		{"a.ods", "PK\x03\x04", true},
		{"a.rar", "Rar!\x1A\x07\x00", true},
		{"a.7z", "7z\xBC\xAF\x27\x1C", true},
		{"a.png", "\x89PNG\r\n\x1A\n", true},
		{"a.pdf", "MZ\x90\x00", false},
		{"a.docx", "%PDF-1.4", false},
		{"a.odt", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", false},
		{"a.zip", "MZ", false},
	}
	for _, c := range cases {
		if p := checkContent(File{Name: c.name}, []byte(c.head)); (p == nil) != c.ok {
			t.Errorf("checkContent(%s, %q) = %v, want ok=%v", c.name, c.head, p, c.ok)
		}
	}
	if p := checkContent(File{Photo: true, UniqueID: "x"}, []byte("GIF89a")); p == nil {
		t.Error("a GIF passed as a photo")
	}
}

func TestDocNumber(t *testing.T) {
	cases := []struct {
		caption, file, want string
	}{
		{"Báo cáo số 45/BC-SNV ngày 5/6", "", "45/BC-SNV"},
		{"", "12_KH-UBND.pdf", "12/KH-UBND"},
		{"theo 38/2021/QĐ-UBND", "", "38/2021/QĐ-UBND"},
		{"hạn 10/06/2026", "bao cao.pdf", ""},
	}
	for _, c := range cases {
		if got := docNumber(incoming{Caption: c.caption, Files: []File{{Name: c.file}}}); got != c.want {
			t.Errorf("docNumber(%q, %q) = %q, want %q", c.caption, c.file, got, c.want)
		}
	}
}
