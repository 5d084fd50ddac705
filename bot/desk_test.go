package bot

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/desk"
)

// deskFixture is the submission fixture with the desk served on loopback,
// and Telegram's Web App script replaced by a stub that hands the page the
// init data the test chose.
type deskFixture struct {
	*subFixture
	web *httptest.Server
	key []byte

	mu       sync.Mutex
	initData string
}

// deskURL is the desk's public address in tests.
const deskURL = "https://bot.example.gov.vn/app/"

func newDeskFixture(t *testing.T) *deskFixture {
	t.Helper()
	f := &deskFixture{subFixture: newSubFixture(t, func(b *Bot) { b.cfg.DeskURL = deskURL })}
	f.key = desk.WebAppKey(f.srv.Token())
	d, err := desk.New(desk.Config{Store: f.store, Core: f.bot.DeskCore(), DataDir: f.bot.cfg.DataDir, WebAppKey: f.key,
		Script: "/stub/telegram-web-app.js", Log: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/app/", d.Handler())
	mux.HandleFunc("/stub/telegram-web-app.js", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		data, _ := json.Marshal(f.initData)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "text/javascript")
		io.WriteString(w, "window.Telegram = {WebApp: {initData: "+string(data)+", ready() {}, expand() {}}};\n")
	})
	f.web = httptest.NewServer(mux)
	t.Cleanup(f.web.Close)
	return f
}

// signed is init data Telegram would give user now.
func (f *deskFixture) signed(u models.User) string {
	return desk.SignInitData(f.key, desk.WebAppUser{ID: u.ID, FirstName: u.FirstName, LanguageCode: u.LanguageCode}, f.clock(), nil)
}

// as makes the stub hand the page user's init data.
func (f *deskFixture) as(initData string) {
	f.mu.Lock()
	f.initData = initData
	f.mu.Unlock()
}

// removeMember removes a member as /remove does.
func (f *deskFixture) removeMember(u models.User) {
	f.t.Helper()
	err := f.store.Tx(context.Background(), func(tx *db.Tx) error {
		m, err := tx.Reader().MemberByTelegramID(u.ID)
		if err != nil {
			return err
		}
		return tx.RemoveMember(m.ID)
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// call makes an API request with an Authorization header (none if auth is "").
func (f *deskFixture) call(method, path, auth string, body io.Reader) (*http.Response, string) {
	f.t.Helper()
	req, err := http.NewRequest(method, f.web.URL+path, body)
	if err != nil {
		f.t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return f.do(req)
}

// do sends a request to the desk and reads the whole answer.
func (f *deskFixture) do(req *http.Request) (*http.Response, string) {
	f.t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res, string(raw)
}

func TestDeskMeContract(t *testing.T) {
	f := newDeskFixture(t)
	stranger := f.srv.NewUser(9009, "Người Lạ", "la", "vi")

	res, body := f.call("GET", "/app/api/me", "tma "+f.signed(f.staff), nil)
	if res.StatusCode != 200 {
		t.Fatalf("office member: %d %s", res.StatusCode, body)
	}
	var me map[string]any
	if err := json.Unmarshal([]byte(body), &me); err != nil {
		t.Fatal(err)
	}
	if me["name"] != "Trần Thị Bình" || me["role"] != "office" || me["unit"] != "" || me["lang"] != "vi" {
		t.Errorf("office member's me: %v", me)
	}
	res, body = f.call("GET", "/app/api/me", "tma "+f.signed(f.head), nil)
	if res.StatusCode != 200 || !strings.Contains(body, `"unit":"TCBC"`) || !strings.Contains(body, `"role":"head"`) ||
		!strings.Contains(body, `"roleName":"Thủ trưởng đơn vị"`) {
		t.Errorf("head: %d %s", res.StatusCode, body)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options"} {
		if res.Header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	if csp := res.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors https://web.telegram.org") {
		t.Errorf("CSP %q", csp)
	}

	if res, body := f.call("GET", "/app/api/me", "tma "+f.signed(stranger), nil); res.StatusCode != 403 {
		t.Errorf("stranger: %d %s, want 403", res.StatusCode, body)
	}
	tampered := strings.Replace(f.signed(f.staff), "2001", "1001", 1)
	dayOld := desk.SignInitData(f.key, desk.WebAppUser{ID: f.staff.ID}, f.clock().Add(-25*time.Hour), nil)
	otherBot := desk.SignInitData(desk.WebAppKey("1:other"), desk.WebAppUser{ID: f.staff.ID}, f.clock(), nil)
	for name, auth := range map[string]string{"none": "", "tampered": "tma " + tampered, "day old": "tma " + dayOld,
		"other bot": "tma " + otherBot, "wrong scheme": "Bearer " + f.signed(f.staff)} {
		if res, body := f.call("GET", "/app/api/me", auth, nil); res.StatusCode != 401 {
			t.Errorf("%s: %d %s, want 401", name, res.StatusCode, body)
		}
	}

	// Removed from the department: the same valid signature is now refused.
	f.removeMember(f.staff)
	if res, body := f.call("GET", "/app/api/me", "tma "+f.signed(f.staff), nil); res.StatusCode != 403 {
		t.Errorf("removed member: %d %s, want 403", res.StatusCode, body)
	}
}

func TestDeskHeadSeesOnlyTheirUnit(t *testing.T) {
	f := newDeskFixture(t)
	auth := "tma " + f.signed(f.head)
	res, body := f.call("GET", "/app/api/grid", auth, nil)
	if res.StatusCode != 200 {
		t.Fatalf("grid: %d %s", res.StatusCode, body)
	}
	var g desk.Grid
	json.Unmarshal([]byte(body), &g)
	if len(g.Rows) != 1 || g.Rows[0].Code != "TCBC" {
		t.Errorf("head's grid rows: %+v", g.Rows)
	}
	other, err := f.store.Read(context.Background()).UnitByCode("VP")
	if err != nil {
		t.Fatal(err)
	}
	if res, _ := f.call("GET", "/app/api/units/"+strconv.FormatInt(other.ID, 10), auth, nil); res.StatusCode != 403 {
		t.Errorf("another unit's page: %d, want 403", res.StatusCode)
	}
	if res, _ := f.call("GET", "/app/api/register", auth, nil); res.StatusCode != 403 {
		t.Errorf("register for a head: %d, want 403", res.StatusCode)
	}
	if res, _ := f.call("POST", "/app/api/submissions/1/accept", auth, nil); res.StatusCode != 403 {
		t.Errorf("head accepting: %d, want 403", res.StatusCode)
	}
}

func TestDeskSpeaksTheMembersLanguage(t *testing.T) {
	f := newDeskFixture(t)
	clerk := f.srv.NewUser(2002, "Lan Pham", "lan", "en")
	f.join(clerk, "", db.RoleOffice)
	res, body := f.call("GET", "/app/api/me", "tma "+f.signed(clerk), nil)
	if res.StatusCode != 200 || !strings.Contains(body, `"lang":"en"`) {
		t.Fatalf("me: %d %s", res.StatusCode, body)
	}
	_, body = f.call("GET", "/app/api/grid", "tma "+f.signed(clerk), nil)
	var g desk.Grid
	json.Unmarshal([]byte(body), &g)
	if len(g.Legend) == 0 || len(g.Columns) == 0 {
		t.Fatalf("grid: %.300s", body)
	}
	for _, text := range []string{g.Legend[0].Label, g.Columns[0].PeriodName} {
		if text == "" || strings.ContainsAny(text, "đãăơư") {
			t.Errorf("%q is not English", text)
		}
	}
}
