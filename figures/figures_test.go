package figures

import (
	"bytes"
	"errors"
	"testing"

	"github.com/xuri/excelize/v2"
)

var inputs = []Input{{"so_cuoc_hop", "Số cuộc họp"}, {"so_nguoi", "Số người tham dự"}, {"ghi_chu", "Ghi chú"}}

// workbook builds a workbook from the test template with the given form,
// version and values; inputs whose value is absent are left out.
func workbook(t *testing.T, form, version string, values map[string]any) []byte {
	t.Helper()
	var in []Input
	vals := map[string]any{}
	for _, x := range inputs {
		if v, ok := values[x.Name]; ok {
			in = append(in, x)
			if v != nil {
				vals[x.Name] = v
			}
		}
	}
	var buf bytes.Buffer
	if err := Build(&buf, form, version, in, vals); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func template(t *testing.T) Template {
	t.Helper()
	tpl, err := ReadTemplate(bytes.NewReader(workbook(t, "BM01", "v2", map[string]any{"so_cuoc_hop": nil, "so_nguoi": nil, "ghi_chu": nil})))
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

func TestReadTemplate(t *testing.T) {
	tpl := template(t)
	if tpl.Form != "BM01" || tpl.Version != "v2" || len(tpl.Fields) != 3 {
		t.Fatalf("template %+v", tpl)
	}
	if f := tpl.Fields[0]; f.Name != "so_cuoc_hop" || f.Cell != "C4" || f.Label != "Số cuộc họp" || f.Text {
		t.Errorf("first field %+v", f)
	}
	if !tpl.Fields[2].Text {
		t.Errorf("ghi_chu is free text: %+v", tpl.Fields[2])
	}
	if _, err := ReadTemplate(bytes.NewReader(workbook(t, "", "", map[string]any{"so_nguoi": nil}))); !errors.Is(err, ErrNoTemplate) {
		t.Errorf("a workbook without form and version: %v", err)
	}
}

func TestReadValidates(t *testing.T) {
	tpl := template(t)
	good := workbook(t, "BM01", "v2", map[string]any{"so_cuoc_hop": 12, "so_nguoi": 340.5, "ghi_chu": ""})
	vals, err := Read(bytes.NewReader(good), tpl)
	if err != nil {
		t.Fatal(err)
	}
	if vals[0].Number != 12 || vals[1].Number != 340.5 || Format(vals[1]) != "340,5" {
		t.Errorf("values %+v", vals)
	}
	for name, c := range map[string]struct {
		data []byte
		key  string
		args []any
	}{
		"another form":  {workbook(t, "BM07", "v2", map[string]any{"so_cuoc_hop": 1, "so_nguoi": 1}), "other_template", []any{"BM01"}},
		"older version": {workbook(t, "BM01", "v1", map[string]any{"so_cuoc_hop": 1, "so_nguoi": 1}), "other_version", []any{"v1", "v2"}},
		"text":          {workbook(t, "BM01", "v2", map[string]any{"so_cuoc_hop": "mười hai", "so_nguoi": 1}), "not_number", []any{"Số cuộc họp", "C4", "mười hai"}},
		"empty":         {workbook(t, "BM01", "v2", map[string]any{"so_cuoc_hop": 1, "so_nguoi": nil}), "empty_cell", []any{"Số người tham dự", "C5"}},
		"name removed":  {workbook(t, "BM01", "v2", map[string]any{"so_cuoc_hop": 1}), "missing_cell", []any{"Số người tham dự", "C5"}},
		"not xlsx":      {[]byte("%PDF-1.4"), "not_workbook", nil},
	} {
		_, err := Read(bytes.NewReader(c.data), tpl)
		var p *Problem
		if !errors.As(err, &p) || p.Key != c.key || len(p.Args) != len(c.args) {
			t.Errorf("%s: got %v, want %s %v", name, err, c.key, c.args)
			continue
		}
		for i := range c.args {
			if p.Args[i] != c.args[i] {
				t.Errorf("%s: args %v, want %v", name, p.Args, c.args)
			}
		}
	}
}

func TestSynthesisTotals(t *testing.T) {
	tpl := template(t)
	a, _ := Read(bytes.NewReader(workbook(t, "BM01", "v2", map[string]any{"so_cuoc_hop": 12, "so_nguoi": 300, "ghi_chu": "x"})), tpl)
	b, _ := Read(bytes.NewReader(workbook(t, "BM01", "v2", map[string]any{"so_cuoc_hop": 5, "so_nguoi": 40.5, "ghi_chu": ""})), tpl)
	f := excelize.NewFile()
	defer f.Close()
	if err := AddSynthesis(f, tpl, []UnitFigures{{Code: "TCBC", Values: a}, {Code: "VP", Values: b}, {Code: "TTRA"}}); err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(SynthesisSheet)
	if len(rows) != 3 {
		t.Fatalf("rows %v", rows)
	}
	if got := rows[0]; len(got) != 6 || got[2] != "TCBC" || got[5] != "Tổng cộng" {
		t.Errorf("header %v", got)
	}
	if got := rows[1]; got[0] != "Số cuộc họp" || got[2] != "12" || got[3] != "5" || got[5] != "17" {
		t.Errorf("row %v", got)
	}
	if got := rows[2]; got[5] != "340.5" {
		t.Errorf("row %v", got)
	}
	if formula, _ := f.GetCellFormula(SynthesisSheet, "F2"); formula != "SUM(C2:E2)" {
		t.Errorf("formula %q", formula)
	}
}
