package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/reportbot/reportbot/db"
)

// cmdIncoming records the Office register's "số đến" against a receipt code
// the bot gave: "/soden 12/2026 245". The receipt code is the bot's own;
// the register's number is what the Office files the document under, and
// it shows in the workbook beside the code.
func (b *Bot) cmdIncoming(r *Request) error {
	words := strings.Fields(r.Ev.Args)
	if len(words) != 2 {
		r.Reply(r.T("manage.incoming_usage"))
		return nil
	}
	no, year, ok := parseReceipt(words[0])
	if !ok {
		r.Reply(r.T("manage.incoming_usage"))
		return nil
	}
	err := r.Tx(func(tx *db.Tx) error {
		if err := tx.SetIncomingNumber(year, no, words[1]); err != nil {
			return err
		}
		return tx.Audit(r.Member.ID, r.Ev.From.ID, "incoming", words[0], words[1])
	})
	if errors.Is(err, db.ErrNotFound) {
		r.Reply(r.T("manage.incoming_unknown", words[0]))
		return nil
	}
	if err != nil {
		return fmt.Errorf("record incoming number: %w", err)
	}
	r.Reply(r.T("manage.incoming_ok", words[1], words[0]))
	return nil
}

// parseReceipt reads a receipt code "12/2026".
func parseReceipt(s string) (no, year int, ok bool) {
	a, b, found := strings.Cut(s, "/")
	no, err1 := strconv.Atoi(a)
	year, err2 := strconv.Atoi(b)
	return no, year, found && err1 == nil && err2 == nil && no > 0 && len(b) == 4
}
