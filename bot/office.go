package bot

// The Office's own job beyond chasing: the synthesis pack (synthesis.go).
func (b *Bot) registerOffice() {
	b.addCommand(&command{name: "synthesis", roles: staff, inGroup: true, handle: b.cmdSynthesis})
}
