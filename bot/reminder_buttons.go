package bot

import (
	"strconv"
	"strings"
)

// buttonCache renders reminderButtons once per language and then only puts
// each assignment's id in: a busy tick gives thousands of reminders the same
// two buttons, and encoding the keyboard's JSON for each was a measurable
// part of it.
type buttonCache map[string][]string // language → the keyboard cut where the id goes

// buttonMark stands for the assignment id while the template is rendered:
// digits only, like an id, and found nowhere in a label.
const buttonMark = -7318046529

func (c buttonCache) get(lang string, assignmentID int64) string {
	parts, ok := c[lang]
	if !ok {
		parts = strings.Split(reminderButtons(lang, buttonMark), strconv.FormatInt(buttonMark, 10))
		if len(parts) != 3 { // the mark was not where the ids go: no shortcut
			parts = nil
		}
		c[lang] = parts
	}
	if parts == nil {
		return reminderButtons(lang, assignmentID)
	}
	id := strconv.FormatInt(assignmentID, 10)
	return parts[0] + id + parts[1] + id + parts[2]
}
