package bot

import (
	"errors"
	"slices"
	"strconv"
	"strings"
)

// Verb is what an inline button does; it leads the button's callback data.
type Verb string

// Every button verb. The wire spelling is short because Telegram allows 64
// bytes of callback data, and it must not change: buttons sent before an
// upgrade are still pressed after it.
const (
	VerbPick         Verb = "sp"     // these kept-aside files (ID) are for that assignment (Ref)
	VerbOther        Verb = "so"     // these kept-aside files are for another report than the accepted one
	VerbDecided      Verb = "done"   // the line left on a decided message: it only says what was decided
	VerbAccept       Verb = "acc"    // the Office accepts a submission
	VerbReturn       Verb = "ret"    // the Office returns a submission for correction
	VerbPaper        Verb = "paper"  // a head says the assignment went in on paper
	VerbPaperConfirm Verb = "pok"    // the Office confirms it holds that paper report
	VerbExtend       Verb = "ext"    // a unit asks to extend an assignment's deadline
	VerbExtendYes    Verb = "exy"    // the Office grants an extension request
	VerbExtendNo     Verb = "exn"    // the Office refuses an extension request
	VerbSnooze       Verb = "snooze" // remind me later about an assignment
	VerbStatus       Verb = "st"     // show the status of an obligation's period
	VerbNudge        Verb = "nudge"  // remind one unit of one overdue assignment now
	VerbAnnounce     Verb = "ann"    // send, cancel or pin an announcement draft
	VerbPlan         Verb = "plan"   // apply or drop a previewed plan file
	VerbRemove       Verb = "rm"     // confirm or cancel removing a member
	VerbBind         Verb = "bind"   // confirm or cancel moving the Office or the group to this chat
	VerbPage         Verb = "pg"     // show another page of a long keyboard
)

// Callback is a button's data decoded: what it does, the thing it acts on,
// and, for the few verbs that need them, a step and further values.
type Callback struct {
	Verb Verb
	// Step tells apart the buttons of one verb acting on the same thing:
	// an announcement's "send", "no" and "pin".
	Step string
	// ID is the thing acted on: a submission, an assignment, an extension
	// request, an announcement draft, an obligation…
	ID int64
	// Ref is a second id where the action needs one: the period of a status
	// page, the member who claimed a paper report.
	Ref int64
	// Tokens are opaque values the handler checks against stored state: the
	// hashes of a plan draft and of the plan it was compared with.
	Tokens []string
}

// layout is the shape of one verb's data after the verb, checked on decode
// so a handler never sees a forged or truncated button.
type layout struct {
	steps  []string // allowed steps; none means the verb has no step
	ids    int      // 0, 1 (ID) or 2 (ID and Ref)
	tokens int      // how many hex tokens follow the ids
	zero   bool     // ids may be 0 (the status overview is "st:0:0")
}

var layouts = map[Verb]layout{
	VerbPick:         {ids: 2},
	VerbOther:        {ids: 1},
	VerbDecided:      {},
	VerbAccept:       {ids: 1},
	VerbReturn:       {ids: 1},
	VerbPaper:        {ids: 1},
	VerbPaperConfirm: {ids: 2},
	VerbExtend:       {ids: 1},
	VerbExtendYes:    {ids: 1},
	VerbExtendNo:     {ids: 1},
	VerbSnooze:       {ids: 1},
	VerbStatus:       {ids: 2, zero: true},
	VerbNudge:        {ids: 1},
	VerbAnnounce:     {steps: []string{"send", "no", "pin"}, ids: 1},
	VerbPlan:         {steps: []string{"ok", "no"}, tokens: 2},
	VerbRemove:       {steps: []string{"yes", "no"}, ids: 1},
	VerbBind:         {steps: []string{"office", "group", "no"}, ids: 1},
	VerbPage:         {ids: 2, zero: true}, // the keyboard, then the page from 0
}

// maxCallbackData is Telegram's limit on a button's callback_data, in bytes.
const maxCallbackData = 64

// errBadCallback is any button data that is not one of ours: an old
// format, a forged press, a truncated string.
var errBadCallback = errors.New("bad callback data")

// Encode writes the callback data: "verb[:step][:id[:ref]][:token…]".
func (c Callback) Encode() string {
	parts := []string{string(c.Verb)}
	l := layouts[c.Verb]
	if len(l.steps) > 0 {
		parts = append(parts, c.Step)
	}
	if l.ids >= 1 {
		parts = append(parts, strconv.FormatInt(c.ID, 10))
	}
	if l.ids == 2 {
		parts = append(parts, strconv.FormatInt(c.Ref, 10))
	}
	return strings.Join(append(parts, c.Tokens...), ":")
}

// Button is one inline button carrying this callback.
func (c Callback) Button(label string) Button { return Button{Label: label, Data: c.Encode()} }

// DecodeCallback reads button data, refusing anything that does not fit
// its verb's layout exactly.
func DecodeCallback(data string) (Callback, error) {
	if len(data) > maxCallbackData {
		return Callback{}, errBadCallback
	}
	parts := strings.Split(data, ":")
	c := Callback{Verb: Verb(parts[0])}
	l, ok := layouts[c.Verb]
	if !ok {
		return Callback{}, errBadCallback
	}
	rest := parts[1:]
	want := l.ids + l.tokens
	if len(l.steps) > 0 {
		want++
	}
	if len(rest) != want {
		return Callback{}, errBadCallback
	}
	if len(l.steps) > 0 {
		if !slices.Contains(l.steps, rest[0]) {
			return Callback{}, errBadCallback
		}
		c.Step, rest = rest[0], rest[1:]
	}
	ids := []*int64{&c.ID, &c.Ref}[:l.ids]
	for i, dst := range ids {
		n, ok := parseCallbackID(rest[i], l.zero)
		if !ok {
			return Callback{}, errBadCallback
		}
		*dst = n
	}
	for _, tok := range rest[l.ids:] {
		if !isHex(tok) {
			return Callback{}, errBadCallback
		}
		c.Tokens = append(c.Tokens, tok)
	}
	return c, nil
}

// args is the data after the verb as strings, for handlers written before
// callbacks were typed (see withArgs in routes.go).
func (c Callback) args() []string {
	parts := strings.Split(c.Encode(), ":")
	return parts[1:]
}

// parseCallbackID accepts plain decimal digits only: no sign, no spaces,
// no leading zeros, nothing that would make two spellings of one button.
func parseCallbackID(s string, zero bool) (int64, bool) {
	if s == "" || len(s) > 1 && s[0] == '0' {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || (n == 0 && !zero) {
		return 0, false
	}
	return n, true
}

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}
