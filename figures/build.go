package figures

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Input is one input cell of a template to build.
type Input struct {
	Name, Label string
}

// Build writes a template (values nil) or a unit's filled-in workbook: the
// form and version on top, then one row per input with its label in B and
// its cell in C, each input a defined name. The demo and the tests make
// their workbooks with it; a department makes its own in Excel.
func Build(w io.Writer, form, version string, inputs []Input, values map[string]any) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Biểu mẫu"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	cells := [][2]any{{"A1", "Mã biểu mẫu"}, {"B1", form}, {"A2", "Phiên bản"}, {"B2", version}}
	names := [][2]string{{NameForm, "$B$1"}, {NameVersion, "$B$2"}}
	for i, in := range inputs {
		row := 4 + i
		cells = append(cells, [2]any{fmt.Sprintf("B%d", row), in.Label})
		if v, ok := values[in.Name]; ok {
			cells = append(cells, [2]any{fmt.Sprintf("C%d", row), v})
		}
		names = append(names, [2]string{in.Name, fmt.Sprintf("$C$%d", row)})
	}
	for _, c := range cells {
		if err := f.SetCellValue(sheet, c[0].(string), c[1]); err != nil {
			return err
		}
	}
	for _, n := range names {
		if err := f.SetDefinedName(&excelize.DefinedName{Name: n[0], RefersTo: "'" + sheet + "'!" + n[1]}); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(sheet, "B", "B", 48); err != nil {
		return err
	}
	return f.Write(w)
}

// CitizenReception is a small template's inputs — citizen reception
// figures, as a quick report to the province asks — for the demo and tests.
var CitizenReception = []Input{
	{Name: "so_luot_tiep", Label: "Số lượt tiếp công dân"},
	{Name: "so_don_thu", Label: "Số đơn thư nhận được"},
	{Name: "ghi_chu", Label: "Ghi chú"},
}
