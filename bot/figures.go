package bot

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/figures"
)

// Figures, not only files: an obligation with a workbook template (biểu
// mẫu) has the figures of each unit's workbook read, validated and kept;
// the synthesis sums them (synthesis.go).

// templatesDir holds the templates under the data folder.
const templatesDir = "templates"

// loadTemplate reads an obligation's template from its file; ok is false
// when the obligation has none.
func loadTemplate(rd *db.Reader, dataDir string, obligationID int64) (figures.Template, bool, error) {
	t, err := rd.Template(obligationID)
	if errors.Is(err, db.ErrNotFound) {
		return figures.Template{}, false, nil
	}
	if err != nil {
		return figures.Template{}, false, err
	}
	tpl, err := readTemplateFile(filepath.Join(dataDir, filepath.FromSlash(t.StoredPath)))
	if err != nil {
		return figures.Template{}, false, fmt.Errorf("template of obligation %d: %w", obligationID, err)
	}
	return tpl, true, nil
}

// readFigures reads the figures of the workbook among a submission's files
// when the obligation has a template. A workbook that does not fit is
// refused with the cell to fix (ok false, nothing stored); a submission
// without a workbook has no figures.
func (b *Bot) readFigures(r *Request, it db.Item, got []*download) (vals []figures.Value, ok bool, err error) {
	tpl, has, err := loadTemplate(b.store.Read(r.ctx), b.cfg.DataDir, it.Obligation.ID)
	if err != nil || !has {
		return nil, err == nil, err
	}
	for _, d := range got {
		if strings.ToLower(filepath.Ext(d.Name)) != ".xlsx" {
			continue
		}
		f, err := os.Open(d.tmp)
		if err != nil {
			return nil, false, err
		}
		vals, err = figures.Read(f, tpl)
		f.Close()
		var p *figures.Problem
		if errors.As(err, &p) {
			r.Reply(r.T("figures."+p.Key, p.Args...) + "\n" + r.T("figures.refused"))
			return nil, false, nil
		}
		return vals, err == nil, err
	}
	return nil, true, nil
}

// keepFigures stores the figures with the submission and tells the head
// what was read, in the submission's transaction.
func (b *Bot) keepFigures(r *Request, tx *db.Tx, sub db.Submission, vals []figures.Value) error {
	if len(vals) == 0 {
		return nil
	}
	figs := make([]db.Figure, len(vals))
	var lines []string
	for i, v := range vals {
		figs[i] = db.Figure{Name: v.Name, Number: v.Number, Text: v.Text}
		if !v.Field.Text || v.Text != "" {
			lines = append(lines, fmt.Sprintf("• %s (%s): %s", v.Label, v.Cell, figures.Format(v)))
		}
	}
	if err := tx.SaveFigures(sub.ID, figs); err != nil {
		return err
	}
	r.Reply(r.T("figures.read", sub.Receipt(), strings.Join(lines, "\n")))
	return nil
}

// unitFigures are the figures of each unit's latest report in force, for
// the synthesis sheet.
func unitFigures(rd *db.Reader, tpl figures.Template, items []db.Item, latest map[int64]db.Submission) ([]figures.UnitFigures, error) {
	var out []figures.UnitFigures
	for _, it := range items {
		u := figures.UnitFigures{Code: it.Unit.Code, Name: it.Unit.Name}
		if s, ok := latest[it.ID]; ok && s.Status != db.SubReturned {
			got, err := rd.Figures(s.ID)
			if err != nil {
				return nil, err
			}
			for _, fd := range tpl.Fields {
				if f, ok := got[fd.Name]; ok {
					u.Values = append(u.Values, figures.Value{Field: fd, Number: f.Number, Text: f.Text})
				}
			}
		}
		out = append(out, u)
	}
	return out, nil
}
