package render

import (
	"bytes"
	"image/color"
	"image/png"
	"os"
	"strings"
	"testing"
	"unicode"
)

// vietnamese is every letter Vietnamese writes beyond ASCII, lower and upper.
const vietnamese = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"

func TestFontsDrawEveryVietnameseLetter(t *testing.T) {
	all := vietnamese + strings.ToUpper(vietnamese)
	if n := len([]rune(all)); n != 2*67 {
		t.Fatalf("test alphabet has %d letters, want %d", n, 2*67)
	}
	for _, r := range all {
		if !unicode.IsLetter(r) {
			t.Fatalf("%q is not a letter", r)
		}
	}
	missing, err := Missing(all + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/–—…✓✗↩↓!+·")
	if err != nil {
		t.Fatal(err)
	}
	if len(missing) > 0 {
		t.Errorf("the embedded fonts lack %q", string(missing))
	}
	// The check itself must be able to fail: an emoji is not in DejaVu.
	if m, _ := Missing("📥"); len(m) == 0 {
		t.Error("Missing finds nothing for an emoji the fonts do not have")
	}
}

func TestPNGDecodesWithTheGridsSize(t *testing.T) {
	green := color.RGBA{0xbb, 0xf7, 0xd0, 0xff}
	red := color.RGBA{0xfe, 0xca, 0xca, 0xff}
	g := Grid{
		Title:    "Tình hình nộp báo cáo — 6 tháng đầu năm 2026",
		Subtitle: "Cập nhật 08:00 03/06/2026",
		Columns:  []string{"BC6T", "KDQUY"},
		Rows: []Row{
			{Label: "VP — Văn phòng Sở", Cells: []Cell{{"✓", green}, {"✗", red}}},
			{Label: "TCBC — Phòng Tổ chức, biên chế và tổ chức phi chính phủ rất dài để bị cắt bớt", Cells: []Cell{{"✗", red}}},
		},
		Legend: []LegendItem{{Cell{"✓", green}, "đã duyệt"}, {Cell{"✗", red}, "chưa nộp"}},
	}
	var buf bytes.Buffer
	if err := PNG(&buf, g); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	b := img.Bounds()
	if b.Dx() < 400 || b.Dy() < 4*rowHeight {
		t.Errorf("picture is %dx%d, too small for a grid of 2 rows", b.Dx(), b.Dy())
	}
	if b.Dx() > 2000 {
		t.Errorf("picture is %d wide: the long label was not cut", b.Dx())
	}
	// The accepted cell of the first row is green somewhere in its box.
	found := false
	for y := b.Min.Y; y < b.Max.Y && !found; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, gg, bb, _ := img.At(x, y).RGBA(); uint8(r>>8) == green.R && uint8(gg>>8) == green.G && uint8(bb>>8) == green.B {
				found = true
				break
			}
		}
	}
	if !found {
		t.Error("no green cell in the picture")
	}
	if os.Getenv("RENDER_KEEP") != "" {
		os.WriteFile(os.Getenv("RENDER_KEEP"), buf.Bytes(), 0o644)
	}
}
