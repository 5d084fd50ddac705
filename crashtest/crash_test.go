// Package crashtest kills the real reportbot binary with SIGKILL while it
// receives reports and while it sends a reminder fan-out, restarts it, and
// checks that nothing it acknowledged was lost and nothing was sent twice
// beyond what the outbox design allows (one message per kill).
//
// The CI run is short; for a longer one set REPORTBOT_CRASH_KILLS (or the
// -kills and -fanout-kills flags) to a few hundred.
package crashtest

import (
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
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

var (
	kills       = flag.Int("kills", 30, "how many times the submission crash test kills the bot (env REPORTBOT_CRASH_KILLS)")
	fanoutKills = flag.Int("fanout-kills", 25, "how many kills the fan-out crash test makes while reminders are being sent (at least 20; env REPORTBOT_CRASH_KILLS)")
)

// bin is the reportbot binary TestMain builds for every test.
var bin string

func TestMain(m *testing.M) {
	flag.Parse()
	if v, err := strconv.Atoi(os.Getenv("REPORTBOT_CRASH_KILLS")); err == nil && v > 0 {
		*kills, *fanoutKills = v, max(v, 20)
	}
	dir, err := os.MkdirTemp("", "reportbot-crash-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "reportbot")
	if !testing.Short() {
		if out, err := exec.Command("go", "build", "-o", bin, "../cmd/reportbot").CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// hcmc is the plan's zone: the plan file's dates and times are read in it.
var hcmc = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		panic(err)
	}
	return loc
}()

// folder is a data folder with a plan of units of one code prefix, each
// owing one one-off report, and members joined straight in the database
// (so no greeting is sent and every message the test sees is the bot's
// answer to the test's doing).
type folder struct {
	t    *testing.T
	data string
	srv  *telegramtest.Server
}

// newFolder imports a plan of units U001… owing BCT (recurrence, reminders
// and deadline as given) and makes perUnit members of each (the first the
// head), with Telegram ids 100000+unit*100+i.
func newFolder(t *testing.T, units, perUnit int, obligation string) *folder {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary and kills it many times")
	}
	f := &folder{t: t, data: filepath.Join(t.TempDir(), "data"), srv: telegramtest.New()}
	t.Cleanup(f.srv.Close)
	var plan strings.Builder
	plan.WriteString("department: Sở thử nghiệm\nunits:\n")
	for u := 1; u <= units; u++ {
		fmt.Fprintf(&plan, "  - {code: U%03d, name: Phòng %d}\n", u, u)
	}
	plan.WriteString("obligations:\n" + obligation)
	planFile := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(planFile, []byte(plan.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, bin, "plan", "import", "--data", f.data, planFile)
	store, err := db.Open(filepath.Join(f.data, "reportbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	err = store.Tx(context.Background(), func(tx *db.Tx) error {
		for u := 1; u <= units; u++ {
			for i := range perUnit {
				role := db.RoleMember
				if i == 0 {
					role = db.RoleHead
				}
				token, _, err := tx.CreateInviteByCode(fmt.Sprintf("U%03d", u), role, time.Hour, "crashtest")
				if err != nil {
					return err
				}
				name := fmt.Sprintf("Cán bộ %d-%d", u, i)
				if _, err := tx.RedeemInvite(token, db.Joiner{TelegramID: userID(u, i), Name: name, Lang: "vi"}); err != nil {
					return err
				}
				// Redeeming took a /start, so the bot may write to them.
				f.srv.NewUser(userID(u, i), name, "", "vi")
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func userID(unit, i int) int64 { return int64(100000 + unit*100 + i) }

// start runs "reportbot run" against the fake Bot API.
func (f *folder) start() *exec.Cmd {
	f.t.Helper()
	cmd := exec.Command(bin, "run", "--data", f.data, "--api-url", f.srv.URL(), "--log-level", "warn")
	cmd.Env = append(os.Environ(), "TELEGRAM_BOT_TOKEN="+f.srv.Token())
	// Its log is not read: the checks are on what it did, not what it said.
	if err := cmd.Start(); err != nil {
		f.t.Fatal(err)
	}
	return cmd
}

// kill ends a life the hard way.
func kill(cmd *exec.Cmd) {
	cmd.Process.Kill()
	cmd.Wait()
}

// stop ends the last life as systemd does.
func (f *folder) stop(cmd *exec.Cmd) {
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		f.t.Errorf("the last life did not stop cleanly: %v", err)
	}
}

// waitAll lets the last life run until n distinct keys of the messages
// match selects have arrived, then stops it.
func (f *folder) waitAll(proc *exec.Cmd, n int, match func(telegramtest.Sent) bool, key func(telegramtest.Sent) string) {
	f.t.Helper()
	distinct := func() int {
		seen := map[string]bool{}
		for _, s := range f.srv.SentMatching(match) {
			seen[key(s)] = true
		}
		return len(seen)
	}
	ctx, cancel := telegramtest.Within(90 * time.Second)
	defer cancel()
	for distinct() < n && ctx.Err() == nil {
		f.srv.WaitCount(ctx, len(f.srv.SentMatching(match))+1, match)
	}
	f.stop(proc)
	if got := distinct(); got < n {
		f.t.Fatalf("the last life ended with %d of %d", got, n)
	}
}

// receiptName finds the file a receipt names.
var receiptName = regexp.MustCompile(`bao-cao-\d{4}\.pdf`)

// duplicates counts messages a chat got more than once (same method and
// text), over the chats match selects.
func (f *folder) duplicates(match func(telegramtest.Sent) bool) int {
	seen := map[string]int{}
	dups := 0
	for _, s := range f.srv.SentMatching(match) {
		key := fmt.Sprint(s.ChatID, "\x00", s.Method, "\x00", s.Text, s.Caption)
		if seen[key]++; seen[key] > 1 {
			dups++
		}
	}
	return dups
}

// TestSIGKILLDuringSubmissions has heads send documents to the real binary
// and SIGKILLs it at random moments, restarting it each time. Every life
// submits: each submission comes from a head who has sent nothing before
// (so the per-user rate limit never bites and the file goes straight to the
// unit's one open report). In the end every submission must have a receipt,
// every receipted file must be stored intact, and no message may repeat more
// than once per kill.
func TestSIGKILLDuringSubmissions(t *testing.T) {
	heads := 2 * (*kills + 1)
	due := time.Now().In(hcmc).AddDate(0, 1, 0).Format("02/01/2006")
	f := newFolder(t, heads, 1, fmt.Sprintf(`  - code: BCT
    title: Báo cáo chuyên đề
    recurrence: once %s
    due_time: "17:00"
    units: all
`, due))
	want := map[string]string{} // file name -> SHA-256 of what was sent
	next := 0
	send := func() {
		next++
		u := f.srv.NewUser(userID(next, 0), fmt.Sprintf("Trưởng phòng %d", next), "", "vi")
		name := fmt.Sprintf("bao-cao-%04d.pdf", next)
		body := []byte(fmt.Sprintf("%%PDF-1.4 crash test %d %d", next, time.Now().UnixNano()))
		sum := sha256.Sum256(body)
		want[name] = hex.EncodeToString(sum[:])
		f.srv.InjectDocument(telegramtest.PrivateChat(u), u, telegramtest.Upload{Name: name, Data: body})
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	for k := 0; ; k++ {
		proc := f.start()
		for range 1 + rng.IntN(2) {
			send()
		}
		if k == *kills {
			// The last life runs until every submission has its receipt.
			f.waitAll(proc, len(want), isReceipt, func(s telegramtest.Sent) string { return receiptName.FindString(s.Text) })
			break
		}
		// Die at a random moment: before start-up finished, mid-download,
		// between the file's rename and the commit, mid-send.
		time.Sleep(time.Duration(rng.IntN(400)) * time.Millisecond)
		kill(proc)
	}

	receipted := map[string]bool{}
	for _, s := range f.srv.SentMatching(isReceipt) {
		receipted[receiptName.FindString(s.Text)] = true
	}
	dups := f.duplicates(func(telegramtest.Sent) bool { return true })
	t.Logf("%d submissions in %d lives, %d receipted, %d repeated messages over %d kills", len(want), *kills+1, len(receipted), dups, *kills)
	if dups > *kills {
		t.Errorf("%d messages delivered twice, more than one per kill (%d)", dups, *kills)
	}
	if len(receipted) != len(want) {
		t.Errorf("%d of %d submissions got a receipt", len(receipted), len(want))
	}
	f.checkStored(want, receipted)
}

// checkStored opens the database and checks that every receipted file is
// recorded and on disk with the bytes sent, and that the files folder holds
// nothing the database does not know (quarantine may).
func (f *folder) checkStored(want map[string]string, receipted map[string]bool) {
	t := f.t
	dbPath := filepath.Join(f.data, "reportbot.db")
	if err := db.CheckIntegrity(context.Background(), dbPath); err != nil {
		t.Errorf("integrity check: %v", err)
	}
	store, err := db.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	rd := store.Read(context.Background())
	stored := map[string]db.SubmissionFile{}
	receipts := map[string]string{}
	for u := 1; u <= len(want); u++ {
		unit, err := rd.UnitByCode(fmt.Sprintf("U%03d", u))
		if err != nil {
			t.Fatal(err)
		}
		subs, err := rd.UnitSubmissions(unit.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range subs {
			for _, file := range s.Files {
				stored[file.FileName] = file
				if other, ok := receipts[s.Receipt()]; ok {
					t.Errorf("receipt %s given to %s and %s", s.Receipt(), other, file.FileName)
				}
				receipts[s.Receipt()] = file.FileName
			}
		}
	}
	for name, sum := range want {
		file, ok := stored[name]
		if !ok {
			if receipted[name] {
				t.Errorf("%s got a receipt but is not in the database", name)
			}
			continue
		}
		if file.SHA256 != sum {
			t.Errorf("%s: database SHA-256 %s, sent %s", name, file.SHA256, sum)
		}
		got, err := os.ReadFile(filepath.Join(f.data, filepath.FromSlash(file.StoredPath)))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if h := sha256.Sum256(got); hex.EncodeToString(h[:]) != sum {
			t.Errorf("%s: file on disk differs from what was sent", name)
		}
	}
	known, err := rd.StoredPaths()
	if err != nil {
		t.Fatal(err)
	}
	filepath.WalkDir(filepath.Join(f.data, "files"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(f.data, p)
		if !known[filepath.ToSlash(rel)] && !strings.Contains(rel, ".incoming") {
			t.Errorf("file %s not in the database", rel)
		}
		return nil
	})
}

// TestSIGKILLDuringReminderFanOut makes 500 reminders due at once (50 units
// of 10 people, a one-off report due in a quarter of an hour with a reminder
// 30 minutes before, so it is due at the first tick) and SIGKILLs the binary
// again and again while it sends them. Every person must get the reminder,
// and no more repeats than kills.
func TestSIGKILLDuringReminderFanOut(t *testing.T) {
	const units, perUnit = 50, 10
	deadline := time.Now().In(hcmc).Add(15 * time.Minute)
	f := newFolder(t, units, perUnit, fmt.Sprintf(`  - code: BCT
    title: Báo cáo chuyên đề
    recurrence: once %s
    due_time: "%s"
    fixed_deadline: true
    reminders: [30m]
    units: all
`, deadline.Format("02/01/2006"), deadline.Format("15:04")))
	people := map[int64]bool{}
	for u := 1; u <= units; u++ {
		for i := range perUnit {
			people[userID(u, i)] = true
		}
	}
	toPeople := func(s telegramtest.Sent) bool { return people[s.ChatID] && s.Method == "sendMessage" }
	delivered := func() int {
		got := map[int64]bool{}
		for _, s := range f.srv.SentMatching(toPeople) {
			got[s.ChatID] = true
		}
		return len(got)
	}

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
	duringSend := 0
	for lives := 0; duringSend < *fanoutKills; lives++ {
		if lives > 4**fanoutKills {
			t.Fatalf("only %d of %d kills landed while sending in %d lives", duringSend, *fanoutKills, lives)
		}
		before := len(f.srv.SentMatching(toPeople))
		proc := f.start()
		// Wait for this life to send something, then die soon after.
		ctx, cancel := telegramtest.Within(30 * time.Second)
		_, err := f.srv.WaitCount(ctx, before+1, toPeople)
		cancel()
		if err != nil {
			kill(proc)
			t.Fatalf("life %d sent no reminder: %v (%d of %d delivered)", lives, err, delivered(), len(people))
		}
		time.Sleep(time.Duration(rng.IntN(200)) * time.Millisecond)
		kill(proc)
		if delivered() == len(people) {
			t.Fatalf("every reminder was out after only %d kills while sending; want %d", duringSend, *fanoutKills)
		}
		duringSend++
	}
	// The last life runs until everyone has the reminder.
	f.waitAll(f.start(), len(people), toPeople, func(s telegramtest.Sent) string { return fmt.Sprint(s.ChatID) })
	dups := f.duplicates(toPeople)
	t.Logf("%d reminders to %d people, %d kills while sending, %d repeats", len(f.srv.SentMatching(toPeople)), len(people), duringSend, dups)
	if got := delivered(); got != len(people) {
		t.Errorf("%d of %d people got their reminder", got, len(people))
	}
	if dups > duringSend {
		t.Errorf("%d reminders repeated, more than one per kill (%d)", dups, duringSend)
	}
}

// isReceipt matches a receipt.
func isReceipt(s telegramtest.Sent) bool { return strings.Contains(s.Text, "Mã tiếp nhận") }

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
