// Package figures reads the figures a unit writes into a workbook template
// (biểu mẫu): the template's input cells are defined names, so the bot
// knows where each figure is whatever the layout. It validates a unit's
// workbook against the template (same form, same version, numbers where
// numbers are due, required cells filled) and writes the Office's synthesis
// sheet: one column per unit and the totals. It knows no Telegram and no
// database.
//
// A template names two cells besides its inputs: ma_bieu_mau (the form's
// code) and phien_ban (its version). Inputs whose name starts with ghi_chu
// are free text and optional; every other input is a required number. A
// figure's label is the text in the cell left of it.
package figures

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Names a template reserves for itself.
const (
	NameForm    = "ma_bieu_mau"
	NameVersion = "phien_ban"
	textPrefix  = "ghi_chu"
)

// Field is one input cell of a template.
type Field struct {
	Name  string // the defined name
	Sheet string
	Cell  string // "C5"
	Label string // the text left of the cell
	Text  bool   // free text (ghi_chu…), optional; else a required number
}

// Template is a workbook template's form, version and input cells, in
// the order of the sheet (row, then column).
type Template struct {
	Form, Version string
	Fields        []Field
}

// Value is one figure read from a unit's workbook.
type Value struct {
	Field
	Number float64
	Text   string
}

// Problem is a workbook the unit must fix: Key names the sentence
// ("figures.<Key>"), Args fill it (the cell, its label, what was found).
type Problem struct {
	Key  string
	Args []any
}

func (p *Problem) Error() string { return fmt.Sprintf("figures: %s %v", p.Key, p.Args) }

// ErrNoTemplate means a workbook offered as a template names no form code
// and version, or no input cell.
var ErrNoTemplate = errors.New("the workbook has no ma_bieu_mau and phien_ban defined names, or no input cells")

// ReadTemplate reads a template's form, version and input cells.
func ReadTemplate(r io.Reader) (Template, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return Template{}, fmt.Errorf("open template: %w", err)
	}
	defer f.Close()
	t := Template{}
	for _, dn := range f.GetDefinedName() {
		sheet, cell, ok := refersTo(dn.RefersTo)
		if !ok {
			continue
		}
		v, _ := f.GetCellValue(sheet, cell)
		switch strings.ToLower(dn.Name) {
		case NameForm:
			t.Form = strings.TrimSpace(v)
		case NameVersion:
			t.Version = strings.TrimSpace(v)
		default:
			fd := Field{Name: dn.Name, Sheet: sheet, Cell: cell, Text: strings.HasPrefix(strings.ToLower(dn.Name), textPrefix)}
			col, row, _ := excelize.CellNameToCoordinates(cell)
			if col > 1 {
				left, _ := excelize.CoordinatesToCellName(col-1, row)
				fd.Label, _ = f.GetCellValue(sheet, left)
				fd.Label = strings.TrimSpace(fd.Label)
			}
			if fd.Label == "" {
				fd.Label = dn.Name
			}
			t.Fields = append(t.Fields, fd)
		}
	}
	if t.Form == "" || t.Version == "" || len(t.Fields) == 0 {
		return Template{}, ErrNoTemplate
	}
	sort.SliceStable(t.Fields, func(i, j int) bool {
		ci, ri, _ := excelize.CellNameToCoordinates(t.Fields[i].Cell)
		cj, rj, _ := excelize.CellNameToCoordinates(t.Fields[j].Cell)
		if t.Fields[i].Sheet != t.Fields[j].Sheet {
			return t.Fields[i].Sheet < t.Fields[j].Sheet
		}
		return ri < rj || ri == rj && ci < cj
	})
	return t, nil
}

// refersTo reads "Sheet1!$C$5" (or "'Biểu 1'!$C$5") as a sheet and a cell.
func refersTo(ref string) (sheet, cell string, ok bool) {
	ref = strings.TrimPrefix(ref, "=")
	i := strings.LastIndex(ref, "!")
	if i < 0 {
		return "", "", false
	}
	sheet = strings.Trim(ref[:i], "'")
	cell = strings.ReplaceAll(ref[i+1:], "$", "")
	if strings.Contains(cell, ":") {
		return "", "", false // a range is not an input cell
	}
	if _, _, err := excelize.CellNameToCoordinates(cell); err != nil {
		return "", "", false
	}
	return sheet, cell, true
}

// Read reads a unit's workbook made from the template. The first thing
// wrong is a Problem naming the cell; nothing is read half.
func Read(r io.Reader, t Template) ([]Value, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, &Problem{Key: "not_workbook"}
	}
	defer f.Close()
	names := map[string]string{}
	for _, dn := range f.GetDefinedName() {
		names[strings.ToLower(dn.Name)] = dn.RefersTo
	}
	value := func(name string) (string, bool) {
		sheet, cell, ok := refersTo(names[strings.ToLower(name)])
		if !ok {
			return "", false
		}
		v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		return strings.TrimSpace(v), err == nil
	}
	form, _ := value(NameForm)
	if form != t.Form {
		return nil, &Problem{Key: "other_template", Args: []any{t.Form}}
	}
	if version, _ := value(NameVersion); version != t.Version {
		return nil, &Problem{Key: "other_version", Args: []any{version, t.Version}}
	}
	var out []Value
	for _, fd := range t.Fields {
		v, ok := value(fd.Name)
		if !ok {
			return nil, &Problem{Key: "missing_cell", Args: []any{fd.Label, fd.Cell}}
		}
		val := Value{Field: fd, Text: v}
		if !fd.Text {
			if v == "" {
				return nil, &Problem{Key: "empty_cell", Args: []any{fd.Label, fd.Cell}}
			}
			n, err := strconv.ParseFloat(strings.ReplaceAll(v, " ", ""), 64)
			if err != nil {
				return nil, &Problem{Key: "not_number", Args: []any{fd.Label, fd.Cell, v}}
			}
			val.Number = n
		}
		out = append(out, val)
	}
	return out, nil
}

// Format writes a figure as people read it: "12", "3,5".
func Format(v Value) string {
	if v.Text != "" && v.Field.Text {
		return v.Text
	}
	return strings.Replace(strconv.FormatFloat(v.Number, 'f', -1, 64), ".", ",", 1)
}

// UnitFigures are one unit's figures for the synthesis sheet.
type UnitFigures struct {
	Code, Name string
	Values     []Value // nil: the unit sent none
}

// SynthesisSheet is the synthesis sheet's name in the workbook.
const SynthesisSheet = "Tổng hợp số liệu"

// AddSynthesis adds the synthesis sheet to a workbook: a row per numeric
// figure, a column per unit, and the total (a SUM formula with its value
// cached, so readers that do not calculate see it too).
func AddSynthesis(f *excelize.File, t Template, units []UnitFigures) error {
	if _, err := f.NewSheet(SynthesisSheet); err != nil {
		return err
	}
	header := []any{"Chỉ tiêu", "Ô"}
	for _, u := range units {
		header = append(header, u.Code)
	}
	header = append(header, "Tổng cộng")
	if err := f.SetSheetRow(SynthesisSheet, "A1", &header); err != nil {
		return err
	}
	row := 2
	for _, fd := range t.Fields {
		if fd.Text {
			continue
		}
		cells := []any{fd.Label, fd.Cell}
		total := 0.0
		for _, u := range units {
			var cell any = ""
			for _, v := range u.Values {
				if v.Name == fd.Name {
					cell, total = v.Number, total+v.Number
				}
			}
			cells = append(cells, cell)
		}
		start, _ := excelize.CoordinatesToCellName(1, row)
		if err := f.SetSheetRow(SynthesisSheet, start, &cells); err != nil {
			return err
		}
		first, _ := excelize.CoordinatesToCellName(3, row)
		last, _ := excelize.CoordinatesToCellName(2+len(units), row)
		sum, _ := excelize.CoordinatesToCellName(3+len(units), row)
		if err := f.SetCellValue(SynthesisSheet, sum, total); err != nil {
			return err
		}
		if len(units) > 0 {
			if err := f.SetCellFormula(SynthesisSheet, sum, fmt.Sprintf("SUM(%s:%s)", first, last)); err != nil {
				return err
			}
		}
		row++
	}
	if err := f.SetColWidth(SynthesisSheet, "A", "A", 48); err != nil {
		return err
	}
	return nil
}
