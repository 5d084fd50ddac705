package render

import (
	"bytes"
	"fmt"
	"image/color"
	"image/png"
	"testing"
)

// TestPagesOfABigDepartment: 250 and 1,000 units make pages that each pass
// sendPhoto's limits and keep every unit, in order, at full text size.
func TestPagesOfABigDepartment(t *testing.T) {
	green := color.RGBA{0xbb, 0xf7, 0xd0, 0xff}
	for _, units := range []int{40, 250, 1000} {
		g := Grid{Title: "Tình hình nộp báo cáo — Quý 2/2026", Subtitle: "Cập nhật lúc 08:00 03/06/2026", Columns: []string{"BCQ"}}
		for i := range units {
			g.Rows = append(g.Rows, Row{Label: fmt.Sprintf("X%04d — Ủy ban nhân dân xã số %d", i, i), Cells: []Cell{{"✓", green}}})
		}
		pages, err := Pages(g)
		if err != nil {
			t.Fatal(err)
		}
		if want := (units + 99) / 100; len(pages) != want {
			t.Errorf("%d units: %d pages, want %d", units, len(pages), want)
		}
		next := 0
		for i, p := range pages {
			for _, r := range p.Rows {
				if r.Label != g.Rows[next].Label {
					t.Fatalf("%d units, page %d: row %q, want %q", units, i+1, r.Label, g.Rows[next].Label)
				}
				next++
			}
			// Drawing is slow under the race detector; the first and last
			// pages stand for the rest, which are laid out the same way.
			if i > 0 && i < len(pages)-1 {
				continue
			}
			var buf bytes.Buffer
			if err := PNG(&buf, p); err != nil {
				t.Fatal(err)
			}
			cfg, err := png.DecodeConfig(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			w, h := cfg.Width, cfg.Height
			if w+h > 10000 || max(w, h) > 20*min(w, h) || buf.Len() > 10<<20 {
				t.Errorf("%d units, page %d: %d×%d, %d bytes: Telegram refuses it", units, i+1, w, h, buf.Len())
			}
			// Read on a phone at close to full size: no wider than two
			// blocks in 1,300 px, no taller than Telegram's 2,560 px.
			if w > 1300 || h > 2560 {
				t.Errorf("%d units, page %d: %d×%d is too big to read on a phone", units, i+1, w, h)
			}
		}
		if next != units {
			t.Errorf("%d units: pages hold %d", units, next)
		}
	}
}
