package plan

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
)

// TestChatLanguage: chat_language is vi unless the plan says en, survives
// Marshal and Parse, and a wrong value is a problem naming its line and
// field.
func TestChatLanguage(t *testing.T) {
	if got := mustParse(t, base).ChatLanguage; got != "vi" {
		t.Errorf("default ChatLanguage = %q, want vi", got)
	}
	if got := mustParse(t, string(readExample(t))).ChatLanguage; got != "vi" {
		t.Errorf("example's ChatLanguage = %q, want vi", got)
	}
	withLang := func(v string) string {
		return strings.Replace(base, "units:\n", "chat_language: "+v+"\nunits:\n", 1)
	}
	for v, want := range map[string]string{"en": "en", "EN": "en", "Tiếng Anh": "en", "english": "en", "vi": "vi", "tiếng Việt": "vi", `""`: "vi"} {
		if got := mustParse(t, withLang(v)).ChatLanguage; got != want {
			t.Errorf("chat_language: %s → %q, want %q", v, got, want)
		}
	}

	p := mustParse(t, withLang("en"))
	out, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "\nchat_language: en\n") {
		t.Errorf("Marshal does not write chat_language: en:\n%s", out)
	}
	q, err := Parse(out)
	if err != nil {
		t.Fatalf("Parse(Marshal(p)): %v\n%s", err, out)
	}
	if got, want := withoutLines(q), withoutLines(p); !reflect.DeepEqual(got, want) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", got, want)
	}
	if got := p.Policy().ChatLanguage; got != "en" {
		t.Errorf("Policy().ChatLanguage = %q, want en", got)
	}

	for _, tt := range []struct{ value, vi, en string }{
		{"fr", "phải là vi (tiếng Việt) hoặc en (tiếng Anh)", "chat_language must be vi (Vietnamese) or en (English)"},
		{"[vi, en]", "phải là vi", "must be vi"},
	} {
		_, err := Parse([]byte(withLang(tt.value)))
		var errs *Errors
		if !errors.As(err, &errs) {
			t.Fatalf("chat_language: %s: error = %v, want *Errors", tt.value, err)
		}
		found := false
		for _, pr := range *errs {
			if pr.Line == 2 && pr.Field == "chat_language" && strings.Contains(pr.VI, tt.vi) && strings.Contains(pr.EN, tt.en) {
				found = true
			}
		}
		if !found {
			t.Errorf("chat_language: %s: no problem at line 2, field chat_language; got:\n%s", tt.value, errs.Error())
		}
	}
	// A misspelt key gets the usual suggestion.
	_, err = Parse([]byte(strings.Replace(withLang("en"), "chat_language", "chat_langauge", 1)))
	if err == nil || !strings.Contains(err.Error(), "có phải 'chat_language'?") {
		t.Errorf("misspelt chat_language: %v", err)
	}
}

// TestChatLanguageStored: Apply stores the language in the policy (a change
// of it alone is a policy change), FromStore gives it back, and a policy
// stored before the field existed reads as Vietnamese.
func TestChatLanguageStored(t *testing.T) {
	ctx := context.Background()
	store, err := db.Open(filepath.Join(t.TempDir(), "reportbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()

	// A policy as stored by earlier versions, without ChatLanguage.
	err = store.Tx(ctx, func(tx *db.Tx) error {
		return tx.SetSetting("policy", `{"Timezone":"Asia/Ho_Chi_Minh","WorkingHour":8,"WorkingMinute":0,"OverdueEvery":2,"EscalateAfter":5,"WeeklyDigest":true,"Summary":true,"NameLateUnits":true,"Overrides":null}`)
	})
	if err != nil {
		t.Fatal(err)
	}
	pol, err := reminders.LoadPolicy(store.Read(ctx))
	if err != nil {
		t.Fatal(err)
	}
	if pol.ChatLanguage != "vi" || pol.ChatLang() != "vi" {
		t.Errorf("old policy: ChatLanguage %q, ChatLang %q; want vi", pol.ChatLanguage, pol.ChatLang())
	}
	if (reminders.Policy{}).ChatLang() != "vi" {
		t.Error("an empty ChatLanguage must mean vi")
	}

	src := strings.Replace(base, "units:\n", "chat_language: en\nunits:\n", 1)
	if _, err := Apply(ctx, store, mustParse(t, src)); err != nil {
		t.Fatal(err)
	}
	if pol, err = reminders.LoadPolicy(store.Read(ctx)); err != nil || pol.ChatLang() != "en" {
		t.Errorf("after applying chat_language: en, policy says %q (%v)", pol.ChatLanguage, err)
	}
	back, err := FromStore(store.Read(ctx))
	if err != nil {
		t.Fatal(err)
	}
	if back.ChatLanguage != "en" {
		t.Errorf("FromStore ChatLanguage = %q, want en", back.ChatLanguage)
	}
	if changes, err := Apply(ctx, store, mustParse(t, src)); err != nil || len(changes) != 0 {
		t.Errorf("applying the same plan again: %v, %v", changes, err)
	}
	changes, err := Apply(ctx, store, mustParse(t, base))
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].What != "policy" {
		t.Errorf("switching back to vi changed %+v, want the policy only", changes)
	}
}
