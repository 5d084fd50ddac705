package synthesis

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/reportbot/reportbot/export"
	"github.com/reportbot/reportbot/figures"
)

// Pack is everything the Office gets for a period: the draft, the register
// workbook and the accepted files.
type Pack struct {
	Key      string // the period's key in file names, ASCII: "BC6T-2026-H1"
	PeriodID int64  // the period it is for, so the caller can record the draft
	Draft    Draft
	Register export.Report        // the workbook /export gives, for this period
	Files    []export.ArchiveFile // the accepted files, named for the archive
	// Figures, when the obligation has a workbook template: the workbook
	// gets the synthesis sheet (one column per unit, the totals).
	Figures *Figures
}

// Figures are the template and every unit's figures.
type Figures struct {
	Template figures.Template
	Units    []figures.UnitFigures
}

// Paths are the files a written pack consists of.
type Paths struct {
	Draft, Workbook, Archive string
}

// File names of a pack, Vietnamese without diacritics so every mail client
// and file system keeps them.
func (p Pack) names() Paths {
	return Paths{
		Draft:    "du-thao-bao-cao-" + p.Key + ".docx",
		Workbook: "tong-hop-" + p.Key + ".xlsx",
		Archive:  "ho-so-" + p.Key + ".zip",
	}
}

// Write writes the pack's three files into dir. Either all three are
// written or none is: a draft refused (nothing received) or a failure
// half-way removes what was already written.
func (p Pack) Write(dir string, loc *time.Location, modified time.Time) (Paths, error) {
	names := p.names()
	out := Paths{Draft: filepath.Join(dir, names.Draft), Workbook: filepath.Join(dir, names.Workbook), Archive: filepath.Join(dir, names.Archive)}
	var draft bytes.Buffer
	if err := Write(&draft, p.Draft, loc); err != nil {
		return Paths{}, err
	}
	var written []string
	fail := func(err error) (Paths, error) {
		for _, w := range written {
			os.Remove(w)
		}
		return Paths{}, err
	}
	steps := []struct {
		path  string
		write func(w io.Writer) error
	}{
		{out.Draft, func(w io.Writer) error { _, err := w.Write(draft.Bytes()); return err }},
		{out.Workbook, p.workbook},
		{out.Archive, func(w io.Writer) error {
			return export.Archive(w, p.Files, names.Workbook, p.Register, modified)
		}},
	}
	for _, s := range steps {
		written = append(written, s.path)
		if err := writeFile(s.path, s.write); err != nil {
			return fail(fmt.Errorf("write %s: %w", filepath.Base(s.path), err))
		}
	}
	return out, nil
}

// workbook is the register workbook, with the figures' synthesis sheet when
// the pack has figures.
func (p Pack) workbook(w io.Writer) error {
	if p.Figures == nil {
		return export.XLSX(w, p.Register)
	}
	var base bytes.Buffer
	if err := export.XLSX(&base, p.Register); err != nil {
		return err
	}
	f, err := excelize.OpenReader(&base)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := figures.AddSynthesis(f, p.Figures.Template, p.Figures.Units); err != nil {
		return fmt.Errorf("figures sheet: %w", err)
	}
	return f.Write(w)
}

func writeFile(path string, fn func(w io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	return errors.Join(fn(f), f.Close())
}
