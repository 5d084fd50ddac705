// Package crashtest kills the real reportbot binary with SIGKILL while it
// receives reports, restarts it, and checks that nothing it acknowledged was
// lost and nothing was sent twice beyond what the outbox design allows.
package crashtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

var kills = flag.Int("kills", 50, "how many times the crash test kills the bot")

// crashPlan has one unit and one one-off obligation due in a month (%s is
// its date), so every file a head sends has exactly one open report to go
// to and gets a receipt without a question in between.
const crashPlan = `department: Sở thử nghiệm
units:
  - {code: TCBC, name: Phòng Tổ chức}
obligations:
  - code: BCT
    title: Báo cáo chuyên đề
    recurrence: once %s 17:00
    units: all
`

// TestSIGKILLDuringSubmissions streams documents from a head to the real
// binary and SIGKILLs it at random moments (-kills times), restarting it
// each time, then checks the receipts against the database and the disk.
// It drives submissions only: the binary runs on the wall clock, with no
// way to set its business clock, so a reminder fan-out cannot be made due
// on demand here.
func TestSIGKILLDuringSubmissions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it many times")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "reportbot")
	run(t, "go", "build", "-o", bin, "../cmd/reportbot")
	data := filepath.Join(dir, "data")
	planFile := filepath.Join(dir, "plan.yaml")
	if err := os.WriteFile(planFile, []byte(fmt.Sprintf(crashPlan, time.Now().AddDate(0, 1, 0).Format("02/01/2006"))), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, bin, "plan", "import", "--data", data, planFile)
	token := ""
	sc := bufio.NewScanner(strings.NewReader(run(t, bin, "invite", "--data", data, "TCBC")))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Mã / Token: "); ok {
			token = strings.TrimSpace(v)
		}
	}
	if token == "" {
		t.Fatal("reportbot invite printed no token")
	}

	srv := telegramtest.New()
	defer srv.Close()
	head := srv.NewUser(7001, "Trưởng phòng", "head", "vi")
	chat := telegramtest.PrivateChat(head)
	srv.InjectText(chat, head, "/start "+token)

	// The first report goes to the one open obligation; later ones reply to
	// its receipt, which is how a head sends a new version.
	want := map[string]string{} // file name -> SHA-256 of what was sent
	next := 0
	send := func(opts ...telegramtest.MessageOption) {
		next++
		name := fmt.Sprintf("bao-cao-%04d.pdf", next)
		body := []byte(fmt.Sprintf("%%PDF-1.4 crash test %d %d", next, time.Now().UnixNano()))
		sum := sha256.Sum256(body)
		want[name] = hex.EncodeToString(sum[:])
		srv.InjectDocument(chat, head, telegramtest.Upload{Name: name, Data: body}, opts...)
	}
	proc := start(t, bin, data, srv)
	send()
	receipt := waitReceipts(t, srv, head.ID, 1)[0]
	proc.Process.Signal(syscall.SIGTERM)
	proc.Wait()

	began := time.Now()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	t.Logf("kills: %d", *kills)
	for k := 0; k <= *kills; k++ {
		proc = start(t, bin, data, srv)
		// A few submissions per life, sent at once or while it runs.
		// Reply to the newest receipt: a receipt repeated after a kill is
		// remembered under the message id of its last copy.
		receipts := srv.SentMatching(isReceipt(head.ID))
		receipt = receipts[len(receipts)-1]
		// The head keeps within the bot's per-user rate limit (a burst of
		// 20, then 20 a minute), or the bot would rightly drop the surplus.
		budget := 16 + int(time.Since(began).Minutes()*20) - next
		for i := min(rng.IntN(3), budget); i > 0; i-- {
			send(telegramtest.ReplyTo(receipt.MessageID))
		}
		if k == *kills {
			// The last life runs until everything sent was handled: one
			// chat is handled in order, so /help comes last.
			srv.InjectText(chat, head, "/help")
			ctx, cancel := telegramtest.Within(90 * time.Second)
			_, err := srv.WaitSent(ctx, func(s telegramtest.Sent) bool {
				return s.ChatID == head.ID && strings.Contains(s.Text, "Các lệnh đồng chí dùng được")
			})
			cancel()
			if err != nil {
				t.Fatalf("the bot did not catch up after the last kill: %v\n%s", err, dump(srv, head.ID))
			}
			proc.Process.Signal(syscall.SIGTERM)
			proc.Wait()
			break
		}
		// Die at a random moment: before start-up finished, mid-download,
		// between the file's rename and the commit, mid-send.
		timer := time.NewTimer(time.Duration(rng.IntN(400)) * time.Millisecond)
		<-timer.C
		proc.Process.Kill()
		proc.Wait()
	}

	// Receipts name the file; every file named in one must be stored intact.
	receipted := map[string]bool{}
	texts := map[string]int{}
	dups := 0
	for _, s := range srv.SentMatching(telegramtest.ToChat(head.ID)) {
		key := s.Method + "\x00" + s.Text + s.Caption
		if texts[key]++; texts[key] > 1 {
			dups++
		}
		for name := range want {
			if strings.Contains(s.Text, name) && strings.Contains(s.Text, "Mã tiếp nhận") {
				receipted[name] = true
			}
		}
	}
	if dups > *kills {
		t.Errorf("%d messages delivered twice, more than one per kill (%d)", dups, *kills)
	}
	t.Logf("%d submissions sent, %d receipted, %d repeated messages over %d kills", len(want), len(receipted), dups, *kills)

	dbPath := filepath.Join(data, "reportbot.db")
	if err := db.CheckIntegrity(context.Background(), dbPath); err != nil {
		t.Errorf("integrity check: %v", err)
	}
	store, err := db.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	rd := store.Read(context.Background())
	unit, err := rd.UnitByCode("TCBC")
	if err != nil {
		t.Fatal(err)
	}
	subs, err := rd.UnitSubmissions(unit.ID, 100000)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]db.SubmissionFile{}
	for _, s := range subs {
		for _, f := range s.Files {
			stored[f.FileName] = f
		}
	}
	for name, sum := range want {
		f, ok := stored[name]
		if !ok {
			if receipted[name] {
				t.Errorf("%s got a receipt but is not in the database", name)
			}
			continue
		}
		if f.SHA256 != sum {
			t.Errorf("%s: database SHA-256 %s, sent %s", name, f.SHA256, sum)
		}
		got, err := os.ReadFile(filepath.Join(data, filepath.FromSlash(f.StoredPath)))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if h := sha256.Sum256(got); hex.EncodeToString(h[:]) != sum {
			t.Errorf("%s: file on disk differs from what was sent", name)
		}
	}
	// A report sent in reply to a copy of a receipt that a kill made the
	// bot send again is asked about instead; that is an answer, not a loss.
	if len(receipted) < len(want)/2 {
		t.Errorf("only %d of %d submissions got a receipt by the end", len(receipted), len(want))
	}

	known, err := rd.StoredPaths()
	if err != nil {
		t.Fatal(err)
	}
	filepath.WalkDir(filepath.Join(data, "files"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(data, p)
		if !known[filepath.ToSlash(rel)] {
			t.Errorf("orphan file %s", rel)
		}
		return nil
	})
}

// isReceipt matches a receipt sent to chat.
func isReceipt(chat int64) func(telegramtest.Sent) bool {
	return func(s telegramtest.Sent) bool {
		return s.ChatID == chat && strings.Contains(s.Text, "Mã tiếp nhận")
	}
}

// dump lists what chat got, for a failure message.
func dump(srv *telegramtest.Server, chat int64) string {
	var texts []string
	for _, s := range srv.SentMatching(telegramtest.ToChat(chat)) {
		text := []rune(s.Text)
		texts = append(texts, s.Method+": "+string(text[:min(len(text), 100)]))
	}
	return strings.Join(texts, "\n")
}

// start runs "reportbot run" against the fake Bot API.
func start(t *testing.T, bin, data string, srv *telegramtest.Server) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "run", "--data", data, "--api-url", srv.URL(), "--log-level", "warn")
	cmd.Env = append(os.Environ(), "TELEGRAM_BOT_TOKEN="+srv.Token())
	// Its log is not read: the checks are on what it did, not what it said.
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// waitReceipts waits until chat got n receipts.
func waitReceipts(t *testing.T, srv *telegramtest.Server, chat int64, n int) []telegramtest.Sent {
	t.Helper()
	ctx, cancel := telegramtest.Within(60 * time.Second)
	defer cancel()
	got, err := srv.WaitCount(ctx, n, func(s telegramtest.Sent) bool {
		return s.ChatID == chat && strings.Contains(s.Text, "Mã tiếp nhận")
	})
	if err != nil {
		t.Fatalf("waiting for %d receipts: %v; chat got:\n%s", n, err, dump(srv, chat))
	}
	return got
}

// run runs a command and returns its standard output, failing the test if
// it fails.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String()
}
