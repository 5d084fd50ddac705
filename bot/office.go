package bot

import "strings"

// The Office's own job beyond chasing: ad-hoc requests (request.go), the
// synthesis pack (synthesis.go), the report upward (upward.go), figures
// (figures.go) and the year's scorecard (scorecard.go). Runs after registerConsole, so a
// letter awaited by /request is looked at before plan files and reports.
func (b *Bot) registerOffice() {
	b.addCommand(&command{name: "request", roles: staff, handle: b.cmdRequest})
	b.addCommand(&command{name: "synthesis", roles: staff, inGroup: true, handle: b.cmdSynthesis})
	b.addCommand(&command{name: "sent", roles: staff, inGroup: true, handle: b.cmdSent})
	b.addCommand(&command{name: "scorecard", roles: viewers, inGroup: true, handle: b.cmdScorecard})
	b.addGuardedCallback("rq", staff, b.onRequestButton)
	b.addInput(inputRequest, b.onRequestText)
	b.registerApproval()

	next := b.onFiles
	b.onFiles = func(r *Request) error {
		// Telegram gives no command entity to a caption: the letter sent
		// with the caption "/request …" is the command.
		if r.Member != nil && r.Member.Role.Staff() {
			if args, ok := captionCommand(r.Ev.Text, "request"); ok {
				r.Ev.Args = args
				return b.cmdRequest(r)
			}
			if args, ok := captionCommand(r.Ev.Text, "sent"); ok {
				r.Ev.Args = args
				return b.cmdSent(r)
			}
		}
		if handled, err := b.maybeRequestLetter(r); handled || err != nil {
			return err
		}
		return next(r)
	}
}

// captionCommand reads "/name args" (or "/name@bot args") from a caption.
func captionCommand(text, name string) (args string, ok bool) {
	word, rest, _ := strings.Cut(text, " ")
	if i := strings.IndexAny(word, "\n\t"); i >= 0 {
		word, rest = word[:i], text[i+1:]
	}
	word, _, _ = strings.Cut(word, "@")
	if !strings.EqualFold(word, "/"+name) {
		return "", false
	}
	return strings.TrimSpace(rest), true
}
