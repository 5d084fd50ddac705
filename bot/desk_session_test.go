package bot

import (
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

// browserSession is a browser outside Telegram: it keeps the session cookie
// by hand (the cookie is Secure, and the test server speaks plain HTTP).
type browserSession struct {
	f      *deskFixture
	cookie string
	csrf   string
}

// webLogin asks for a link with /web in the private chat, as a member
// would, and opens it.
func (f *deskFixture) webLogin(u models.User) *browserSession {
	f.t.Helper()
	f.srv.InjectText(telegramtest.PrivateChat(u), u, "/web")
	msg := f.waitText(u.ID, deskURL+"login?t=")
	token := regexp.MustCompile(`login\?t=(\S+)`).FindStringSubmatch(msg.Text)[1]
	res := f.openLink(token)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/app/" {
		f.t.Fatalf("login: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	ck := res.Header.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "Secure", "SameSite=Strict", "Path=/app/"} {
		if !strings.Contains(ck, want) {
			f.t.Errorf("session cookie %q lacks %s", ck, want)
		}
	}
	s := &browserSession{f: f, cookie: strings.Split(ck, ";")[0]}
	res, body := s.do("GET", "/app/api/me", "", nil)
	var me struct{ CSRF string }
	json.Unmarshal([]byte(body), &me)
	if res.StatusCode != 200 || me.CSRF == "" {
		f.t.Fatalf("me over the session: %d %s", res.StatusCode, body)
	}
	s.csrf = me.CSRF
	return s
}

// openLink opens a sign-in link and presses its button. Opening it alone
// (as Telegram's link preview does) spends nothing.
func (f *deskFixture) openLink(token string) *http.Response {
	f.t.Helper()
	res, body := f.call("GET", "/app/login?t="+url.QueryEscape(token), "", nil)
	if res.StatusCode != 200 || !strings.Contains(body, `method="post"`) || res.Header.Get("Set-Cookie") != "" {
		f.t.Fatalf("the link's page: %d %q", res.StatusCode, body)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(f.web.URL+"/app/login", url.Values{"t": {token}})
	if err != nil {
		f.t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// submitted has the head send the fixture's first report in chat and waits
// for the receipt and the Office's card.
func (f *deskFixture) submitted(name string, data []byte) db.Submission {
	f.t.Helper()
	f.send(telegramtest.Upload{Name: name, Data: data})
	f.waitText(f.head.ID, "Mã tiếp nhận: 1/2026")
	sub := f.submissions(f.item)[0]
	f.waitCard(sub.ID)
	return sub
}

// upload posts a file to an assignment's upload route as auth.
func (f *deskFixture) upload(auth string, assignmentID int64, name string, data []byte) (int, string) {
	f.t.Helper()
	var buf strings.Builder
	mw := multipart.NewWriter(&buf)
	w, _ := mw.CreateFormFile("file", name)
	w.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", f.web.URL+"/app/api/assignments/"+strconv.FormatInt(assignmentID, 10)+"/upload", strings.NewReader(buf.String()))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", auth)
	res, body := f.do(req)
	return res.StatusCode, body
}

// waitCard waits until the Office card of a submission is sent and
// remembered (the sender notes it right after Telegram's answer).
func (f *deskFixture) waitCard(submissionID int64) {
	f.t.Helper()
	f.waitText(f.office.ID, "Báo cáo mới")
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := f.store.Read(context.Background()).LastMessageAbout(f.office.ID, "submission", submissionID); err == nil {
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatal("the Office card was never remembered")
		}
		runtime.Gosched()
	}
}

// waitCardClosed waits for the Office card's Accept/Return buttons to give
// way to the decision, as after a press in the Office chat.
func (f *deskFixture) waitCardClosed() {
	f.t.Helper()
	ctx, cancel := telegramtest.Within(5 * time.Second)
	defer cancel()
	if _, err := f.srv.WaitSent(ctx, func(m telegramtest.Sent) bool {
		return m.Method == "editMessageReplyMarkup" && m.ChatID == f.office.ID && len(m.Buttons) == 1 && strings.Contains(m.Buttons[0][0].Text, "Trần Thị Bình")
	}); err != nil {
		f.t.Fatalf("the Office card kept its buttons: %v", err)
	}
}

// do makes a request over the session; csrf "" sends none.
func (s *browserSession) do(method, path, csrf string, body io.Reader) (*http.Response, string) {
	s.f.t.Helper()
	req, _ := http.NewRequest(method, s.f.web.URL+path, body)
	req.Header.Set("Cookie", s.cookie)
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.f.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res, string(raw)
}

func TestDeskWebLoginSessionCSRFAndEnd(t *testing.T) {
	f := newDeskFixture(t)
	sub := f.submitted("bao-cao.pdf", pdf("x"))

	s := f.webLogin(f.staff)
	accept := "/app/api/submissions/" + strconv.FormatInt(sub.ID, 10) + "/accept"
	if res, body := s.do("POST", accept, "", nil); res.StatusCode != 403 || !strings.Contains(body, "csrf") {
		t.Errorf("accept without the CSRF token: %d %s", res.StatusCode, body)
	}
	if res, body := s.do("POST", accept, "forged", nil); res.StatusCode != 403 {
		t.Errorf("accept with a forged CSRF token: %d %s", res.StatusCode, body)
	}
	if got := f.submissions(f.item)[0].Status; got != db.SubReceived {
		t.Fatalf("refused requests changed the submission to %s", got)
	}
	res, body := s.do("POST", accept, s.csrf, nil)
	if res.StatusCode != 200 || !strings.Contains(body, `"done":true`) {
		t.Fatalf("accept: %d %s", res.StatusCode, body)
	}
	f.waitText(f.head.ID, "Văn phòng Sở đã tiếp nhận")
	f.waitCardClosed()
	if res, body := s.do("POST", accept, s.csrf, nil); res.StatusCode != 200 || !strings.Contains(body, `"done":false`) || !strings.Contains(body, "đã xử lý rồi") {
		t.Errorf("accepting twice: %d %s", res.StatusCode, body)
	}

	// A link works once.
	f.srv.InjectText(telegramtest.PrivateChat(f.staff), f.staff, "/web")
	var token string
	ctx, cancel := telegramtest.Within(5 * time.Second)
	defer cancel()
	msgs, err := f.srv.WaitCount(ctx, 2, func(m telegramtest.Sent) bool {
		return m.ChatID == f.staff.ID && strings.Contains(m.Text, "login?t=")
	})
	if err != nil {
		t.Fatal(err)
	}
	token = regexp.MustCompile(`login\?t=(\S+)`).FindStringSubmatch(msgs[1].Text)[1]
	if res := f.openLink(token); res.Header.Get("Set-Cookie") == "" {
		t.Fatal("a fresh link gave no session")
	}
	if res := f.openLink(token); res.Header.Get("Set-Cookie") != "" || !strings.Contains(res.Header.Get("Location"), "login-invalid") {
		t.Errorf("a used link: %d %q %q", res.StatusCode, res.Header.Get("Set-Cookie"), res.Header.Get("Location"))
	}

	// Sessions expire.
	f.setNow(f.clock().Add(13 * time.Hour))
	if res, _ := s.do("GET", "/app/api/me", "", nil); res.StatusCode != 401 {
		t.Errorf("a 13-hour-old session: %d, want 401", res.StatusCode)
	}
}

func TestDeskLinkExpires(t *testing.T) {
	f := newDeskFixture(t)
	f.srv.InjectText(telegramtest.PrivateChat(f.staff), f.staff, "/web")
	msg := f.waitText(f.staff.ID, "login?t=")
	token := regexp.MustCompile(`login\?t=(\S+)`).FindStringSubmatch(msg.Text)[1]
	f.setNow(f.clock().Add(11 * time.Minute))
	if res := f.openLink(token); res.Header.Get("Set-Cookie") != "" {
		t.Error("an 11-minute-old link still signs in")
	}
}

// Confirming /remove ends the member's desk at once: their browser session
// is refused on its next request, an unused sign-in link no longer signs
// in, and their menu button no longer opens the desk.
func TestDeskRemovalEndsSessionsLinksAndMenuButton(t *testing.T) {
	f := newDeskFixture(t)
	clerk := f.srv.NewUser(2002, "Lê Thị Văn", "van", "vi")
	f.join(clerk, "", db.RoleOffice)
	s := f.webLogin(f.staff)
	f.srv.InjectText(telegramtest.PrivateChat(f.staff), f.staff, "/web")
	ctx, cancel := telegramtest.Within(5 * time.Second)
	defer cancel()
	links, err := f.srv.WaitCount(ctx, 2, func(m telegramtest.Sent) bool {
		return m.ChatID == f.staff.ID && strings.Contains(m.Text, "login?t=")
	})
	if err != nil {
		t.Fatal(err)
	}
	unused := regexp.MustCompile(`login\?t=(\S+)`).FindStringSubmatch(links[1].Text)[1]
	if b, _ := f.srv.MenuButtonOf(f.staff.ID); b.Type != "web_app" {
		t.Fatalf("before removal the menu button is %+v", b)
	}

	f.srv.InjectText(telegramtest.PrivateChat(clerk), clerk, "/remove @binh")
	f.press(clerk, f.waitText(clerk.ID, "có chắc muốn xoá Trần Thị Bình"), "Xoá")
	f.waitText(f.staff.ID, "đã kết thúc quyền sử dụng bot")
	if res, body := s.do("GET", "/app/api/me", "", nil); res.StatusCode != 401 && res.StatusCode != 403 {
		t.Errorf("the removed member's session, right after removal: %d %s, want 401 or 403", res.StatusCode, body)
	}
	res := f.openLink(unused)
	if res.Header.Get("Set-Cookie") != "" || !strings.Contains(res.Header.Get("Location"), "login-invalid") {
		t.Errorf("the removed member's unused link: %d %q %q", res.StatusCode, res.Header.Get("Set-Cookie"), res.Header.Get("Location"))
	}
	// The button is reset inside the press's handler, before its edit goes out.
	ctx, cancel = telegramtest.Within(5 * time.Second)
	defer cancel()
	if _, err := f.srv.WaitSent(ctx, func(m telegramtest.Sent) bool {
		return m.Method == "editMessageText" && m.ChatID == clerk.ID && strings.Contains(m.Text, "Đã xoá Trần Thị Bình")
	}); err != nil {
		t.Fatal(err)
	}
	if b, ok := f.srv.MenuButtonOf(f.staff.ID); !ok || b.Type != "default" {
		t.Errorf("the removed member's menu button: %+v %v, want the default", b, ok)
	}
}

// A member an invite moves out of the Office gets the default menu button
// back, and the old role's browser session ends.
func TestDeskMoveAwayFromTheOfficeResetsTheMenuButton(t *testing.T) {
	f := newDeskFixture(t)
	s := f.webLogin(f.staff)
	f.srv.InjectText(telegramtest.PrivateChat(f.staff), f.staff, "/start "+f.invite("VP", db.RoleHead))
	f.waitText(f.staff.ID, "Đồng chí đã tham gia bot với vai trò Thủ trưởng đơn vị")
	if b, ok := f.srv.MenuButtonOf(f.staff.ID); !ok || b.Type != "default" {
		t.Errorf("menu button after moving to a unit: %+v %v, want the default", b, ok)
	}
	if res, body := s.do("GET", "/app/api/me", "", nil); res.StatusCode != 401 {
		t.Errorf("the Office session after the move: %d %s, want 401", res.StatusCode, body)
	}
}

func TestDeskReturnDownloadAndUploadRules(t *testing.T) {
	f := newDeskFixture(t)
	sub := f.submitted("Báo cáo quý.pdf", pdf("y"))
	office := "tma " + f.signed(f.staff)
	head := "tma " + f.signed(f.head)
	ret := "/app/api/submissions/" + strconv.FormatInt(sub.ID, 10) + "/return"

	if res, body := f.call("POST", ret, office, strings.NewReader(`{"reason":"  "}`)); res.StatusCode != 400 || !strings.Contains(body, "reason_empty") {
		t.Errorf("return without a reason: %d %s", res.StatusCode, body)
	}
	if res, body := f.call("POST", ret, office, strings.NewReader(`{"reason":"Thiếu phụ lục số liệu"}`)); res.StatusCode != 200 || !strings.Contains(body, `"done":true`) {
		t.Fatalf("return: %d %s", res.StatusCode, body)
	}
	told := f.waitText(f.head.ID, "Văn phòng Sở trả lại")
	if !strings.Contains(told.Text, "Thiếu phụ lục số liệu") {
		t.Errorf("the head was told %q", told.Text)
	}
	f.waitText(f.office.ID, "Lý do: Thiếu phụ lục số liệu")
	f.waitCardClosed()

	file := "/app/api/files/" + strconv.FormatInt(sub.Files[0].ID, 10)
	res, body := f.call("GET", file, head, nil)
	if res.StatusCode != 200 || body != string(pdf("y")) {
		t.Fatalf("download: %d %q", res.StatusCode, body)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, "filename*=utf-8''B%C3%A1o%20c%C3%A1o%20qu%C3%BD.pdf") {
		t.Errorf("Content-Disposition %q", cd)
	}
	for _, path := range []string{"/app/static/../../go.mod", "/app/static/%2e%2e/desk.go", "/app/api/files/..%2f..%2freportbot.db", "/app/static/", "/app/static/index.html"} {
		if res, body := f.call("GET", path, office, nil); res.StatusCode == 200 {
			t.Errorf("%s answered 200: %.80q", path, body)
		}
	}

	upload := func(name string, data []byte) (int, string) { return f.upload(head, f.item.ID, name, data) }
	vp, err := f.store.Read(context.Background()).UnitByCode("VP")
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := f.store.Read(context.Background()).OpenUnitItems(vp.ID)
	if err != nil || len(theirs) == 0 {
		t.Fatalf("VP owes nothing: %v", err)
	}
	if code, body := f.upload(head, theirs[0].ID, "bao-cao.pdf", pdf("q")); code != 404 {
		t.Errorf("an upload for another unit: %d %s, want 404", code, body)
	}
	if code, body := upload("virus.exe", []byte("MZ...")); code != 200 || !strings.Contains(body, `"done":false`) {
		t.Errorf("an .exe: %d %s", code, body)
	}
	if code, body := upload("bao-cao.pdf", []byte("not a pdf at all")); code != 200 || !strings.Contains(body, `"done":false`) {
		t.Errorf("a disguised PDF: %d %s", code, body)
	}
	if n := len(f.submissions(f.item)); n != 1 {
		t.Fatalf("refused uploads were stored: %d submissions", n)
	}
	if code, body := upload("Báo cáo quý (sửa).pdf", pdf("y2")); code != 200 || !strings.Contains(body, "2/2026") {
		t.Fatalf("the corrected report: %d %s", code, body)
	}
	f.waitText(f.head.ID, "Mã tiếp nhận: 2/2026")
}

func TestDeskMenuButtonAndStatusButton(t *testing.T) {
	f := newDeskFixture(t)
	if b, ok := f.srv.MenuButtonOf(f.staff.ID); !ok || b.Type != "web_app" || b.URL != deskURL || b.Text == "" {
		t.Errorf("Office member's menu button: %+v %v", b, ok)
	}
	if _, ok := f.srv.MenuButtonOf(f.head.ID); ok {
		t.Error("a head got the Office's menu button")
	}
	f.srv.InjectText(telegramtest.PrivateChat(f.staff), f.staff, "/status")
	msg := f.waitText(f.staff.ID, "đã tiếp nhận")
	if !strings.Contains(msg.ReplyMarkup, `"web_app":{"url":"`+deskURL+`"}`) {
		t.Errorf("/status in private has no desk button: %s", msg.ReplyMarkup)
	}
}

func TestDeskRateLimit(t *testing.T) {
	f := newDeskFixture(t)
	auth := "tma " + f.signed(f.head)
	limited := 0
	for i := 0; i < 130; i++ {
		if res, _ := f.call("GET", "/app/api/me", auth, nil); res.StatusCode == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited != 10 {
		t.Errorf("%d of 130 requests in a minute refused, want 10 (limit 120)", limited)
	}
	f.setNow(f.clock().Add(time.Minute))
	if res, _ := f.call("GET", "/app/api/me", auth, nil); res.StatusCode != 200 {
		t.Errorf("next minute: %d", res.StatusCode)
	}
}

func TestDeskExtensionRegisterAndExport(t *testing.T) {
	f := newDeskFixture(t)
	f.submitted("Báo cáo 45_BC-TCBC.pdf", pdf("z"))
	office := "tma " + f.signed(f.staff)

	var ext db.Extension
	err := f.store.Tx(context.Background(), func(tx *db.Tx) error {
		m, err := tx.Reader().MemberByTelegramID(f.head.ID)
		if err != nil {
			return err
		}
		items := f.openItems()
		ext, err = tx.AddExtension(db.Extension{AssignmentID: items[len(items)-1].ID, RequestedBy: m.ID, Reason: "Chờ số liệu",
			ProposedAt: items[len(items)-1].DeadlineAt.AddDate(0, 0, 10)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	approve := "/app/api/extensions/" + strconv.FormatInt(ext.ID, 10) + "/approve"
	if res, body := f.call("POST", approve, "tma "+f.signed(f.head), nil); res.StatusCode != 403 {
		t.Errorf("a head approving: %d %s", res.StatusCode, body)
	}
	if res, body := f.call("POST", approve, office, nil); res.StatusCode != 200 || !strings.Contains(body, `"done":true`) {
		t.Fatalf("approve: %d %s", res.StatusCode, body)
	}
	f.waitText(f.head.ID, "Văn phòng Sở đồng ý gia hạn")
	if res, body := f.call("POST", approve, office, nil); !strings.Contains(body, `"done":false`) {
		t.Errorf("approving twice: %d %s", res.StatusCode, body)
	}

	res, body := f.call("GET", "/app/api/register?q="+url.QueryEscape("45/bc"), office, nil)
	var rows []map[string]any
	json.Unmarshal([]byte(body), &rows)
	if res.StatusCode != 200 || len(rows) != 1 || rows[0]["receipt"] != "1/2026" || rows[0]["docNumber"] != "45/BC-TCBC" {
		t.Errorf("register search: %d %s", res.StatusCode, body)
	}
	if _, body := f.call("GET", "/app/api/register?q=khong-co", office, nil); strings.TrimSpace(body) != "[]" {
		t.Errorf("register search for nothing: %s", body)
	}
	res, body = f.call("GET", "/app/api/export", office, nil)
	// Named as /export names it, the periods in words.
	if res.StatusCode != 200 || !strings.HasPrefix(body, "PK") || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "6-thang-dau-nam-2026") {
		t.Errorf("export: %d %q", res.StatusCode, res.Header.Get("Content-Disposition"))
	}
	if res, _ := f.call("GET", "/app/api/export?obligation=NOPE", office, nil); res.StatusCode != 400 {
		t.Errorf("export of an unknown report: %d", res.StatusCode)
	}
}

func TestDeskDownloadLinks(t *testing.T) {
	f := newDeskFixture(t)
	sub := f.submitted("Báo cáo.pdf", pdf("w"))
	head := "tma " + f.signed(f.head)
	file := "/app/api/files/" + strconv.FormatInt(sub.Files[0].ID, 10)
	link := func(auth, target string) string {
		t.Helper()
		res, body := f.call("GET", "/app/api/link?for="+url.QueryEscape(target), auth, nil)
		var out struct{ URL string }
		json.Unmarshal([]byte(body), &out)
		if res.StatusCode != 200 || !strings.HasPrefix(out.URL, "/app/dl?") {
			t.Fatalf("link for %s: %d %s", target, res.StatusCode, body)
		}
		return out.URL
	}
	u := link(head, file)
	// Followed without init data or cookie, as Telegram's downloadFile does.
	if res, body := f.call("GET", u, "", nil); res.StatusCode != 200 || body != string(pdf("w")) || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("link: %d %q", res.StatusCode, body)
	}
	if res, _ := f.call("GET", strings.Replace(u, "%2Fapp%2Fapi%2Ffiles%2F", "%2Fapp%2Fapi%2Ffiles%2F9", 1), "", nil); res.StatusCode != 401 {
		t.Errorf("a link pointed elsewhere: %d, want 401", res.StatusCode)
	}
	if res, _ := f.call("GET", "/app/api/link?for="+url.QueryEscape("/app/api/me"), head, nil); res.StatusCode != 400 {
		t.Errorf("a link for a non-download route: %d, want 400", res.StatusCode)
	}
	if res, _ := f.call("GET", link(head, "/app/api/export"), "", nil); res.StatusCode != 403 {
		t.Errorf("a head's export link: %d, want 403", res.StatusCode)
	}
	if res, body := f.call("GET", link("tma "+f.signed(f.staff), "/app/api/export?obligation=BC6T"), "", nil); res.StatusCode != 200 || !strings.HasPrefix(body, "PK") {
		t.Errorf("the Office's export link: %d", res.StatusCode)
	}
	f.setNow(f.clock().Add(6 * time.Minute))
	if res, _ := f.call("GET", u, "", nil); res.StatusCode != 401 {
		t.Errorf("a 6-minute-old link: %d, want 401", res.StatusCode)
	}
}
