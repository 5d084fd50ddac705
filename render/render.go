// Package render draws the Office's status picture: a grid of units (rows)
// against obligations or periods (columns), each cell coloured by the unit's
// state, as a PNG legible on a phone. It is pure Go and carries its own font
// (DejaVu Sans Condensed, see fonts/LICENSE) because the Go fonts lack most
// Vietnamese letters (ơ, ư, ạ, ậ, …) and a server has no fonts to rely on.
package render

import (
	"bytes"
	_ "embed"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

var (
	//go:embed fonts/DejaVuSansCondensed.ttf
	regularTTF []byte
	//go:embed fonts/DejaVuSansCondensed-Bold.ttf
	boldTTF []byte
)

// Cell is one coloured box of the grid with a short mark in it.
type Cell struct {
	Text string
	Fill color.RGBA
}

// Row is one unit: its label and one cell per column.
type Row struct {
	Label string
	Cells []Cell
}

// LegendItem explains one colour.
type LegendItem struct {
	Cell  Cell
	Label string
}

// Grid is the whole picture.
type Grid struct {
	Title    string
	Subtitle string
	Columns  []string
	Rows     []Row
	Legend   []LegendItem
	// Blocks lays the rows out in this many side-by-side blocks, each with
	// its own header, so a long list makes a page rather than a strip
	// (0 means 1). Pages sets it.
	Blocks int
}

// Sizes in pixels. The picture is drawn large because Telegram scales a
// photo down to the phone's width; small text would blur.
const (
	fontSize   = 22
	titleSize  = 28
	pad        = 16
	rowHeight  = 40
	minColumn  = 96
	maxLabel   = 460
	cellMargin = 3
	blockGap   = 2 * pad // between side-by-side blocks
)

var (
	background = color.RGBA{0xff, 0xff, 0xff, 0xff}
	ink        = color.RGBA{0x1f, 0x29, 0x37, 0xff}
	muted      = color.RGBA{0x6b, 0x72, 0x80, 0xff}
	rule       = color.RGBA{0xe5, 0xe7, 0xeb, 0xff}
)

type faces struct {
	regular, bold, title font.Face
}

var (
	loadOnce   sync.Once
	loaded     faces
	errLoading error
)

// loadFaces parses the embedded fonts once; faces are safe to share for
// measuring and drawing from one goroutine at a time, so PNG serialises use.
func loadFaces() (faces, error) {
	loadOnce.Do(func() {
		reg, err := opentype.Parse(regularTTF)
		if err != nil {
			errLoading = fmt.Errorf("parse font: %w", err)
			return
		}
		bold, err := opentype.Parse(boldTTF)
		if err != nil {
			errLoading = fmt.Errorf("parse font: %w", err)
			return
		}
		face := func(f *opentype.Font, size float64) font.Face {
			fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
			if err != nil && errLoading == nil {
				errLoading = err
			}
			return fc
		}
		loaded = faces{regular: face(reg, fontSize), bold: face(bold, fontSize), title: face(bold, titleSize)}
	})
	return loaded, errLoading
}

// drawing guards the shared faces: opentype faces cache glyphs and are not
// safe for concurrent use.
var drawing sync.Mutex

// PNG draws g and writes it as a PNG.
func PNG(w io.Writer, g Grid) error {
	f, err := loadFaces()
	if err != nil {
		return err
	}
	drawing.Lock()
	defer drawing.Unlock()

	l := measure(f, g)
	blocks := max(g.Blocks, 1)
	perBlock := (len(g.Rows) + blocks - 1) / blocks
	gridW := blocks*l.blockW + (blocks-1)*blockGap
	// A long title widens the picture rather than being cut: it names the period.
	gridW = max(gridW, font.MeasureString(f.title, g.Title).Ceil(), font.MeasureString(f.regular, g.Subtitle).Ceil())
	legendLines := legendLayout(f, g.Legend, gridW)
	width := gridW + 2*pad
	titleH := titleSize + pad
	if g.Subtitle != "" {
		titleH += rowHeight
	}
	height := pad + titleH + rowHeight*(perBlock+1) + pad + len(legendLines)*rowHeight + pad

	img := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(img, img.Bounds(), &image.Uniform{background}, image.Point{}, draw.Src)

	y := pad + titleSize
	text(img, f.title, ink, pad, y, g.Title, width-2*pad)
	if g.Subtitle != "" {
		y += rowHeight
		text(img, f.regular, muted, pad, y, g.Subtitle, width-2*pad)
	}
	top := pad + titleH
	for b := range blocks {
		rows := g.Rows[min(b*perBlock, len(g.Rows)):min((b+1)*perBlock, len(g.Rows))]
		drawBlock(img, f, l, g.Columns, rows, pad+b*(l.blockW+blockGap), top)
	}
	y = top + rowHeight*(perBlock+1) + pad
	for _, line := range legendLines {
		x := pad
		for _, it := range line {
			fill(img, image.Rect(x, y+cellMargin, x+rowHeight, y+rowHeight-cellMargin), it.Cell.Fill)
			centred(img, f.bold, ink, x, y, rowHeight, it.Cell.Text)
			x += rowHeight + pad/2
			text(img, f.regular, ink, x, y+baseline(), it.Label, gridW)
			x += font.MeasureString(f.regular, it.Label).Ceil() + pad
		}
		y += rowHeight
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return fmt.Errorf("encode status picture: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// layout is the measured width of a block's parts.
type layout struct {
	labelW int   // the unit label column, padding included
	colW   []int // each state column
	blockW int   // a whole block
}

func measure(f faces, g Grid) layout {
	l := layout{colW: make([]int, len(g.Columns))}
	for _, r := range g.Rows {
		l.labelW = max(l.labelW, font.MeasureString(f.regular, r.Label).Ceil())
	}
	l.labelW = min(l.labelW, maxLabel) + pad
	l.blockW = l.labelW
	for i, c := range g.Columns {
		l.colW[i] = max(minColumn, font.MeasureString(f.bold, c).Ceil()+2*pad)
		l.blockW += l.colW[i]
	}
	return l
}

// drawBlock draws a header row and rows at (left, top).
func drawBlock(img *image.RGBA, f faces, l layout, columns []string, rows []Row, left, top int) {
	x := left + l.labelW
	for i, c := range columns {
		centred(img, f.bold, ink, x, top, l.colW[i], c)
		x += l.colW[i]
	}
	for ri, r := range rows {
		ry := top + rowHeight*(ri+1)
		fill(img, image.Rect(left, ry, left+l.blockW, ry+1), rule)
		text(img, f.regular, ink, left, ry+baseline(), r.Label, l.labelW-pad)
		x := left + l.labelW
		for ci := range columns {
			if ci < len(r.Cells) {
				c := r.Cells[ci]
				fill(img, image.Rect(x+cellMargin, ry+cellMargin, x+l.colW[ci]-cellMargin, ry+rowHeight-cellMargin), c.Fill)
				centred(img, f.bold, ink, x, ry, l.colW[ci], c.Text)
			}
			x += l.colW[ci]
		}
	}
}

// legendLayout wraps the legend into lines that fit the grid's width.
func legendLayout(f faces, items []LegendItem, width int) [][]LegendItem {
	var lines [][]LegendItem
	var line []LegendItem
	used := 0
	for _, it := range items {
		w := rowHeight + pad/2 + font.MeasureString(f.regular, it.Label).Ceil() + pad
		if used > 0 && used+w > width {
			lines = append(lines, line)
			line, used = nil, 0
		}
		line = append(line, it)
		used += w
	}
	if len(line) > 0 {
		lines = append(lines, line)
	}
	return lines
}

// baseline is where text sits inside a row.
func baseline() int { return rowHeight/2 + fontSize*2/5 }

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(img, r, &image.Uniform{c}, image.Point{}, draw.Src)
}

// text draws s at (x, baseline y), shortened with "…" to fit maxW.
func text(img *image.RGBA, face font.Face, c color.RGBA, x, y int, s string, maxW int) {
	s = fit(face, s, maxW)
	d := font.Drawer{Dst: img, Src: &image.Uniform{c}, Face: face, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// centred draws s centred in the box starting at (x, top) of width w.
func centred(img *image.RGBA, face font.Face, c color.RGBA, x, top, w int, s string) {
	s = fit(face, s, w-4)
	tw := font.MeasureString(face, s).Ceil()
	d := font.Drawer{Dst: img, Src: &image.Uniform{c}, Face: face, Dot: fixed.P(x+(w-tw)/2, top+baseline())}
	d.DrawString(s)
}

// fit shortens s rune by rune until it fits maxW, marking the cut with "…".
func fit(face font.Face, s string, maxW int) string {
	if font.MeasureString(face, s).Ceil() <= maxW {
		return s
	}
	r := []rune(s)
	for len(r) > 0 {
		r = r[:len(r)-1]
		if t := string(r) + "…"; font.MeasureString(face, t).Ceil() <= maxW {
			return t
		}
	}
	return ""
}

// Missing lists the runes of s that the embedded fonts cannot draw, so a
// test (or a caller choosing marks) can make sure nothing renders as a box.
func Missing(s string) ([]rune, error) {
	var out []rune
	for _, data := range [][]byte{regularTTF, boldTTF} {
		f, err := sfnt.Parse(data)
		if err != nil {
			return nil, err
		}
		var buf sfnt.Buffer
		for _, r := range s {
			if r == ' ' || r == '\n' {
				continue
			}
			if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
				out = append(out, r)
			}
		}
	}
	return out, nil
}
