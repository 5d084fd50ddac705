package bot

import (
	"slices"
	"testing"
)

func TestCallbackRoundTrip(t *testing.T) {
	for _, c := range []Callback{
		{Verb: VerbAccept, ID: 42},
		{Verb: VerbPaperConfirm, ID: 7, Ref: 3},
		{Verb: VerbStatus},
		{Verb: VerbStatus, ID: 9223372036854775807, Ref: 9223372036854775807},
		{Verb: VerbAnnounce, Step: "pin", ID: 12},
		{Verb: VerbPlan, Step: "ok", Tokens: []string{"0123456789abcdef", "fedcba9876543210"}},
	} {
		data := c.Encode()
		if len(data) > maxCallbackData {
			t.Errorf("%+v encodes to %d bytes, Telegram allows %d", c, len(data), maxCallbackData)
		}
		got, err := DecodeCallback(data)
		if err != nil {
			t.Errorf("DecodeCallback(%q): %v", data, err)
			continue
		}
		if got.Verb != c.Verb || got.Step != c.Step || got.ID != c.ID || got.Ref != c.Ref || !slices.Equal(got.Tokens, c.Tokens) {
			t.Errorf("DecodeCallback(%q) = %+v, want %+v", data, got, c)
		}
	}
}

// Buttons sent before callbacks were typed are still pressed afterwards:
// the wire format is the one the handlers always read.
func TestCallbackDecodesEarlierButtons(t *testing.T) {
	for data, want := range map[string]Callback{
		"acc:5":       {Verb: VerbAccept, ID: 5},
		"pok:8:2":     {Verb: VerbPaperConfirm, ID: 8, Ref: 2},
		"st:0:0":      {Verb: VerbStatus},
		"ann:send:77": {Verb: VerbAnnounce, Step: "send", ID: 77},
		"snooze:3":    {Verb: VerbSnooze, ID: 3},
	} {
		got, err := DecodeCallback(data)
		if err != nil || got.Encode() != data || got.Verb != want.Verb || got.ID != want.ID || got.Ref != want.Ref || got.Step != want.Step {
			t.Errorf("DecodeCallback(%q) = %+v, %v; want %+v", data, got, err, want)
		}
	}
}

func TestCallbackRefusesForgedData(t *testing.T) {
	for _, data := range []string{
		"", ":", "acc", "acc:", "acc:0", "acc:-1", "acc:+1", "acc: 1", "acc:01", "acc:1:2",
		"acc:99999999999999999999", "sp:١", "pok:1", "st:1", "ann:1", "ann:boom:1", "ann:send",
		"plan:ok:abc", "plan:ok:ABC:def", "plan:no:abc:def:0", "nope:1", "acc:1\x00",
		"plan:ok:" + string(make([]byte, 60)) + ":a",
	} {
		if c, err := DecodeCallback(data); err == nil {
			t.Errorf("DecodeCallback(%q) = %+v, want an error", data, c)
		}
	}
}
