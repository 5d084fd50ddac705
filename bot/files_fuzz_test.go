package bot

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzSafeName checks the sanitiser that turns a file name chosen by a
// member into the name stored on disk. Whatever the name, the result is one
// plain, non-empty file name: no path separator, no control or format
// character, never "." or "..", valid UTF-8 of bounded length, and joined to
// a folder it stays inside that folder.
func FuzzSafeName(f *testing.F) {
	for _, s := range []string{
		"Báo cáo 6 tháng.pdf", "../../etc/passwd.pdf", `..\..\boot.ini`, "CON.pdf", "con .docx", "LPT9",
		"a\x00b.pdf", ".", "..", "...", " . ", ".hidden.pdf", "name.", "\u202Efdp.exe", "a\u200Bb.pdf",
		"Ba\u0301o ca\u0301o.pdf", "\u200Fتقرير.pdf", "📄.pdf", strings.Repeat("ạ", 200) + ".pdf",
		"\xff\xfe.pdf", "a:b|c?.pdf", "/", "\\", "",
	} {
		f.Add(s)
	}
	folder := filepath.Join("data", "files", "TCBC")
	f.Fuzz(func(t *testing.T, name string) {
		got := safeName(name)
		switch {
		case got == "", got == ".", got == "..":
			t.Fatalf("safeName(%q) = %q", name, got)
		case strings.ContainsAny(got, `/\`):
			t.Fatalf("safeName(%q) = %q holds a path separator", name, got)
		case !utf8.ValidString(got):
			t.Fatalf("safeName(%q) = %q is not valid UTF-8", name, got)
		case len(got) > maxNameBytes:
			t.Fatalf("safeName(%q) = %q is %d bytes, limit %d", name, got, len(got), maxNameBytes)
		case strings.HasPrefix(got, "."):
			t.Fatalf("safeName(%q) = %q is hidden", name, got)
		}
		for _, r := range got {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("safeName(%q) = %q holds %U", name, got, r)
			}
		}
		if base, _, _ := strings.Cut(got, "."); windowsReserved[strings.ToUpper(strings.TrimSpace(base))] {
			t.Fatalf("safeName(%q) = %q is a reserved device name", name, got)
		}
		joined := filepath.Join(folder, got)
		if filepath.Dir(joined) != folder {
			t.Fatalf("safeName(%q) = %q leaves its folder: %s", name, got, joined)
		}
		if again := safeName(got); again != got {
			t.Fatalf("safeName is not idempotent: %q -> %q -> %q", name, got, again)
		}
	})
}

// FuzzDocNumber checks the recogniser of a report's document number
// ("45/BC-SNV") in captions and file names: it never panics, and what it
// finds is a number, a slash and an issuer code, all taken from the input.
func FuzzDocNumber(f *testing.F) {
	for _, s := range [][2]string{
		{"Báo cáo số 45/BC-SNV ngày 10/6", ""}, {"", "12_KH-UBND.pdf"}, {"38/2021/QĐ-UBND", "x.pdf"},
		{"1/A-B", ""}, {"123456/BC-SNV", ""}, {"ab45/BC-SNV", ""}, {"45/bc-snv", ""},
		{"45/BC-" + strings.Repeat("X", 40), ""}, {"\u200B45/BC-SNV", "45_2024_BC-SNV.docx"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, caption, fileName string) {
		got := docNumber(incoming{Caption: caption, Files: []File{{Name: fileName}}})
		if got == "" {
			return
		}
		num, code, ok := strings.Cut(got, "/")
		if !ok || num == "" || code == "" || len(num) > 5 {
			t.Fatalf("docNumber(%q, %q) = %q: not number/code", caption, fileName, got)
		}
		for _, r := range num {
			if r < '0' || r > '9' {
				t.Fatalf("docNumber(%q, %q) = %q: number has %q", caption, fileName, got, r)
			}
		}
		if strings.ContainsAny(got, "_ \n") {
			t.Fatalf("docNumber(%q, %q) = %q holds a separator it should have rewritten", caption, fileName, got)
		}
	})
}
