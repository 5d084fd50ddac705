package export

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode"
)

// ArchiveFile is one report file to put in the archive.
type ArchiveFile struct {
	Name string // the name inside the archive
	Path string // where the bytes are on disk
}

// ArchiveName is the name a unit's file gets in the archive:
// "<unit code> - <unit name> - <original name>", made safe for every
// operating system's file names.
func ArchiveName(unitCode, unitName, original string) string {
	return SafeName(unitCode + " - " + unitName + " - " + original)
}

// SafeName replaces what Windows, macOS or Linux refuse in a file name
// (path separators, reserved punctuation, control characters) with "_", so
// an archive unpacks the same everywhere and never writes outside its folder.
func SafeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if s == "" || s == "." || s == ".." {
		return "_"
	}
	return s
}

// Archive writes a ZIP holding the files and, first, a summary workbook
// (the same workbook /export gives) named summaryName. Names are stored as
// UTF-8, which the zip package flags so every unzip shows Vietnamese.
// modified stamps every entry, so the archive depends only on its inputs.
func Archive(w io.Writer, files []ArchiveFile, summaryName string, summary Report, modified time.Time) error {
	return ArchiveProgress(w, files, summaryName, summary, modified, nil)
}

// ArchiveProgress is Archive calling progress (when not nil) after each
// file is added, with how many files are in so far.
func ArchiveProgress(w io.Writer, files []ArchiveFile, summaryName string, summary Report, modified time.Time, progress func(done int)) error {
	zw := zip.NewWriter(w)
	sw, err := zw.CreateHeader(&zip.FileHeader{Name: SafeName(summaryName), Method: zip.Deflate, Modified: modified})
	if err != nil {
		return err
	}
	if err := XLSX(sw, summary); err != nil {
		return fmt.Errorf("archive summary: %w", err)
	}
	used := map[string]int{}
	for i, f := range files {
		name := uniqueName(used, f.Name)
		if err := addFile(zw, name, f.Path, modified); err != nil {
			return err
		}
		if progress != nil {
			progress(i + 1)
		}
	}
	return zw.Close()
}

// uniqueName keeps two files of one unit with the same original name apart:
// "a.pdf", "a (2).pdf".
func uniqueName(used map[string]int, name string) string {
	used[name]++
	n := used[name]
	if n == 1 {
		return name
	}
	ext := ""
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		name, ext = name[:i], name[i:]
	}
	return fmt.Sprintf("%s (%d)%s", name, n, ext)
}

func addFile(zw *zip.Writer, name, path string, modified time.Time) error {
	src, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("archive %s: %w", name, err)
	}
	defer src.Close()
	// Reports are mostly PDF and DOCX, already compressed: storing them is
	// as small and much faster.
	method := zip.Store
	if lower := strings.ToLower(name); strings.HasSuffix(lower, ".doc") || strings.HasSuffix(lower, ".xls") || strings.HasSuffix(lower, ".txt") {
		method = zip.Deflate
	}
	dst, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: modified})
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, src)
	return err
}
