package bot

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/plan"
)

// FuzzCallbackData presses a button with arbitrary callback data, as anyone
// can forge with a modified client: a stranger, a head, a member, the
// Office, an admin and the Director. The decoder in routeCallback and every
// handler it reaches must neither panic nor fail with an internal error (a
// forged button gets a toast, not an apology), and a stranger gets nothing
// but the toast.
func FuzzCallbackData(f *testing.F) {
	for _, s := range []string{
		"", ":", "::", "sp", "sp:", "sp:1:2", "sp:-1", "sp:99999999999999999999", "acc:1", "ret:0",
		"paper:1", "pok:1:1", "ext:1", "exy:1:7", "exn:1", "snooze:1:1d", "snooze:abc",
		"acc:1:1:1:1", "sp:\x00", "sp:١", "acc:+1", "acc: 1", "ext:9223372036854775807", "exy:1:-5",
		"nope:1", strings.Repeat("a:", 32), "rm:yes:1", "rm:no:2001", "bind:office:1", "bind:no:1",
		"pg:1:0", "pg:0:99", "st:0:0", "ann:send:1", "plan:ok:00:00", "nudge:1",
	} {
		f.Add(s, uint8(0))
	}
	fb := newFuzzBot(f)
	var update atomic.Int64
	f.Fuzz(func(t *testing.T, data string, who uint8) {
		actor := fb.actors[int(who)%len(fb.actors)]
		ev := &Event{
			UpdateID: update.Add(1) + 1_000_000, ChatID: actor, ChatType: "private", MessageID: 1,
			From: User{ID: actor, Name: "Fuzz", Lang: "vi"}, CallbackID: "cb", CallbackData: data,
		}
		r, err := fb.b.newRequest(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		if failure := fb.b.runHandler(r); failure != "" {
			t.Fatalf("button %q from %s: %s", data, r.Role(), failure)
		}
		if r.Member == nil && len(r.replies) > 0 {
			t.Fatalf("button %q from a stranger produced %d messages", data, len(r.replies))
		}
	})
}

// fuzzBot is a bot that is connected to a fake Bot API but not running: the
// fuzz target calls its router directly, so an input costs no network
// round trip for the update itself.
type fuzzBot struct {
	b *Bot
	// actors are Telegram user ids: a stranger, then one member per role.
	actors []int64
}

func newFuzzBot(f *testing.F) *fuzzBot {
	f.Helper()
	srv := telegramtest.New()
	f.Cleanup(srv.Close)
	dir := f.TempDir()
	store, err := db.Open(filepath.Join(dir, "reportbot.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { store.Close() })
	now := at(2026, 6, 3, 9, 0)
	store.Now = func() time.Time { return now }
	ctx := context.Background()
	p, err := plan.Parse(readFileF(f, "../examples/plan.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	if _, err := plan.Apply(ctx, store, p); err != nil {
		f.Fatal(err)
	}
	b, err := New(ctx, Config{
		Token: srv.Token(), APIURL: srv.URL(), DataDir: dir, Store: store, Location: hcmc,
		Log: testLogger(), PollTimeout: time.Second, Pacer: NewFakePacer(now),
	})
	if err != nil {
		f.Fatal(err)
	}
	fb := &fuzzBot{b: b, actors: []int64{999}}
	roles := []db.Role{db.RoleHead, db.RoleMember, db.RoleOffice, db.RoleAdmin, db.RoleDirector}
	err = store.Tx(ctx, func(tx *db.Tx) error {
		unit, err := tx.Reader().UnitByCode("TCBC")
		if err != nil {
			return err
		}
		for i, role := range roles {
			var unitID int64
			if role.NeedsUnit() {
				unitID = unit.ID
			}
			token, _, err := tx.CreateInvite(unitID, role, time.Hour, "fuzz")
			if err != nil {
				return err
			}
			id := int64(2001 + i)
			if _, err := tx.RedeemInvite(token, db.Joiner{TelegramID: id, Name: fmt.Sprint(role), Lang: "vi"}); err != nil {
				return err
			}
			fb.actors = append(fb.actors, id)
		}
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
	return fb
}

// readFileF reads a seed or fixture for a fuzz target.
func readFileF(f *testing.F, name string) []byte {
	f.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		f.Fatal(err)
	}
	return data
}
