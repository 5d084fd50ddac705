package bot

import "testing"

// The cached keyboard is byte for byte what reminderButtons renders.
func TestButtonCacheMatchesReminderButtons(t *testing.T) {
	c := buttonCache{}
	for _, lang := range []string{"vi", "en", "vi"} {
		for _, id := range []int64{1, 7, 42, 1234567, 9_007_199_254_740_993} {
			if got, want := c.get(lang, id), reminderButtons(lang, id); got != want {
				t.Errorf("%s %d:\n got %s\nwant %s", lang, id, got, want)
			}
		}
	}
	// The shortcut really ran: a template was cut for each language,
	// rather than every call falling back to rendering from scratch.
	if len(c["vi"]) < 2 || len(c["en"]) < 2 {
		t.Errorf("no cached template: %q", c)
	}
}
