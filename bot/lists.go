package bot

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/reportbot/reportbot/db"
)

// Long answers: a list longer than one message is split between its lines,
// never inside a unit's or a person's name, and a keyboard of more than
// maxButtons buttons is shown a page at a time.

// maxButtons is the most buttons one keyboard shows; past it the keyboard
// is paged, the page buttons included in the count.
const maxButtons = 20

// chunkLines packs lines into texts of at most limit UTF-16 code units
// (Telegram's measure), breaking only between lines. A single line longer
// than a message, which no list line is, is left for the sender to cut.
func chunkLines(lines []string, limit int) []string {
	var out []string
	var cur strings.Builder
	size := 0
	for _, line := range lines {
		n := sendUTF16Len(line)
		if size > 0 && size+1+n > limit {
			out = append(out, cur.String())
			cur.Reset()
			size = 0
		}
		if size > 0 {
			cur.WriteByte('\n')
			size++
		}
		cur.WriteString(line)
		size += n
	}
	if size > 0 || len(out) == 0 {
		out = append(out, cur.String())
	}
	return out
}

// ReplyList answers with a text that may be longer than one message: it is
// split between lines, and the keyboard (paged when large) goes under the
// last part.
func (r *Request) ReplyList(text string, rows [][]Button) error {
	parts := chunkLines(strings.Split(text, "\n"), maxMessageRunes)
	for _, p := range parts[:len(parts)-1] {
		r.Reply(p)
	}
	first, err := r.firstPage(rows)
	if err != nil {
		return err
	}
	var markup string
	if len(first) > 0 {
		markup = Keyboard(first...)
	}
	r.ReplyWith(db.OutMessage{Text: parts[len(parts)-1], Markup: markup})
	return nil
}

// firstPage is the keyboard to show for rows: all of them, or past
// maxButtons the first page, every row being kept under a key named after
// this update for the page buttons to find.
func (r *Request) firstPage(rows [][]Button) ([][]Button, error) {
	pages := paginate(rows)
	if len(pages) == 1 {
		return rows, nil
	}
	raw, err := json.Marshal(rows)
	if err != nil {
		return nil, err
	}
	id := r.Ev.UpdateID
	if err := r.Tx(func(tx *db.Tx) error { return tx.SetSetting(pagesKey(id), string(raw)) }); err != nil {
		return nil, err
	}
	return pageRows(r.Lang, id, pages, 0), nil
}

func pagesKey(id int64) string { return fmt.Sprintf("keyboard_pages:%d", id) }

// paginate cuts rows into pages of at most maxButtons buttons, leaving room
// for the page buttons when there is more than one page; rows are kept
// whole.
func paginate(rows [][]Button) [][][]Button {
	total := 0
	for _, row := range rows {
		total += len(row)
	}
	if total <= maxButtons {
		return [][][]Button{rows}
	}
	var pages [][][]Button
	var page [][]Button
	n := 0
	for _, row := range rows {
		if n > 0 && n+len(row) > maxButtons-2 {
			pages, page, n = append(pages, page), nil, 0
		}
		page = append(page, row)
		n += len(row)
	}
	return append(pages, page)
}

// pageRows is one page of a paged keyboard with its page buttons.
func pageRows(lang string, id int64, pages [][][]Button, i int) [][]Button {
	rows := append([][]Button(nil), pages[i]...)
	var nav []Button
	if i > 0 {
		nav = append(nav, Callback{Verb: VerbPage, ID: id, Ref: int64(i - 1)}.Button(tr(lang, "page.prev", i, len(pages))))
	}
	if i+1 < len(pages) {
		nav = append(nav, Callback{Verb: VerbPage, ID: id, Ref: int64(i + 1)}.Button(tr(lang, "page.next", i+2, len(pages))))
	}
	return append(rows, nav)
}

// onPageButton shows another page of a paged keyboard, editing only the
// buttons of the message.
func (b *Bot) onPageButton(r *Request, c Callback) error {
	raw, err := b.store.Read(r.ctx).Setting(pagesKey(c.ID))
	if err != nil {
		return err
	}
	var rows [][]Button
	if raw == "" || json.Unmarshal([]byte(raw), &rows) != nil {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	pages := paginate(rows)
	if c.Ref >= int64(len(pages)) {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	r.EditButtons(r.Ev.ChatID, r.Ev.MessageID, pageRows(r.Lang, c.ID, pages, int(c.Ref)))
	return nil
}
