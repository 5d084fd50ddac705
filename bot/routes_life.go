package bot

// registerLife wires the buttons the report's life added: "another report"
// on the correction question, and the line a decided message keeps.
func (b *Bot) registerLife() {
	b.addCallback("so", b.cbOther)
	b.addCallback(verbDecided, b.cbDecided)
}
