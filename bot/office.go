package bot

import "strings"

// The Office's own job beyond chasing: ad-hoc requests (request.go), the
// synthesis pack (synthesis.go), the report upward (upward.go), figures
// (figures.go), the approver's say (approval.go) and the year's scorecard
// (scorecard.go). Their routes are in routes.go.

// officeCaptions are the commands that may come as a file's caption: the
// letter sent with "/request …", the signed report with "/sent …".
var officeCaptions = []string{"request", "sent"}

// maybeOfficeCaption runs a file's caption "/request …" or "/sent …" as
// that command, with the route table's checks of role and chat. Telegram
// gives no command to a caption, so the bot reads it; a caption that is
// not one of these, or from someone the command is not for, leaves the
// file to the next handler (a head's report captioned oddly stays a report).
func (b *Bot) maybeOfficeCaption(r *Request) (bool, error) {
	if r.Member == nil {
		return false, nil
	}
	for _, name := range officeCaptions {
		args, ok := captionCommand(r.Ev.Text, name)
		if !ok || !b.routes.commands[name].allows(r.Member.Role) {
			continue
		}
		r.Ev.Command, r.Ev.Args = name, args
		return true, b.routeCommand(r)
	}
	return false, nil
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
