package bot

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/figures"
	"github.com/reportbot/reportbot/synthesis/docxtest"
)

func citizenWorkbook(t *testing.T, values map[string]any) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := figures.Build(&buf, "BM-TCD", "v1", figures.CitizenReception, values); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestOfficeSeasonOfAnAdHocRequest is the "done when": the Office
// sends /request with a letter and a template, three heads receive it, two
// reply with the workbook (one with a wrong cell, refused, then fixed; one
// late), the third does not; /synthesis returns the draft (its PDF names the
// three units and their status), a workbook whose totals are the sum of the
// two units' figures, and the ZIP; /sent is recorded and /status shows it.
func TestOfficeSeasonOfAnAdHocRequest(t *testing.T) {
	o := newOffice(t)
	o.remBindChats()

	o.srv.InjectDocument(o.dm, o.office, telegramtest.Upload{Name: "CV 123-UBND-NC.pdf", Data: letterPDF, Caption: "/request"})
	o.waitText(o.office.ID, "Đã nhận công văn")
	o.srv.InjectDocument(o.dm, o.office, telegramtest.Upload{Name: "Bieu mau TCD.xlsx", Data: citizenWorkbook(t, nil)})
	o.waitText(o.office.ID, "Đã nhận biểu mẫu BM-TCD, phiên bản v1, 3 chỉ tiêu")
	o.srv.InjectText(o.dm, o.office, "Báo cáo nhanh kết quả tiếp công dân\nNơi nhận: UBND tỉnh\ntrước ngày 12/06/2026\nĐơn vị: TCBC, VP, TTRA")
	preview := o.waitText(o.office.ID, "Xem trước yêu cầu báo cáo đột xuất")
	// The department's deadline is Friday 12/06; the units' two working days earlier.
	for _, want := range []string{"Hạn nộp: 17:00 10/06/2026", "Biểu mẫu số liệu: Bieu mau TCD.xlsx", "Báo cáo của Sở gửi UBND tỉnh"} {
		if !strings.Contains(preview.Text, want) {
			t.Errorf("preview lacks %q:\n%s", want, preview.Text)
		}
	}
	o.press(o.office, preview, "Gửi yêu cầu")
	o.waitMethod("editMessageText", o.office.ID, "Đã gửi yêu cầu báo cáo DX1")

	// Three heads get the request, the letter and the template.
	heads := []int64{o.head.ID, o.vp.ID, o.ttra.ID}
	var requestMsg = map[int64]telegramtest.Sent{}
	for _, id := range heads {
		requestMsg[id] = o.waitText(id, "DX1")
		o.waitMethod("sendDocument", id, "DX1")
	}
	tpl := o.waitMethod("sendDocument", o.head.ID, "Biểu mẫu số liệu của báo cáo DX1")
	if tpl.File.Name != "Bieu mau TCD.xlsx" {
		t.Errorf("template sent as %q", tpl.File.Name)
	}

	// TCBC: a word in a number cell is refused, naming the cell; then fixed.
	tcbc := telegramtest.PrivateChat(o.head)
	o.srv.InjectDocument(tcbc, o.head, telegramtest.Upload{Name: "TCD-TCBC.xlsx", Data: citizenWorkbook(t, map[string]any{"so_luot_tiep": "mười hai", "so_don_thu": 3})},
		telegramtest.ReplyTo(requestMsg[o.head.ID].MessageID))
	o.waitText(o.head.ID, "Ô «Số lượt tiếp công dân» (C4) phải là số, nhưng đang ghi «mười hai»")
	o.srv.InjectDocument(tcbc, o.head, telegramtest.Upload{Name: "TCD-TCBC.xlsx", Data: citizenWorkbook(t, map[string]any{"so_luot_tiep": 12, "so_don_thu": 3}),
		Caption: "Số 7/BC-TCBC ngày 02/6/2026"},
		telegramtest.ReplyTo(requestMsg[o.head.ID].MessageID))
	read := o.waitText(o.head.ID, "Số liệu bot đọc được")
	if !strings.Contains(read.Text, "Số lượt tiếp công dân (C4): 12") {
		t.Errorf("figures read: %q", read.Text)
	}
	o.waitText(o.head.ID, "Tình trạng: đúng hạn")
	o.press(o.office, o.waitText(remOfficeChat, "Báo cáo mới — mã tiếp nhận 1/2026"), "Tiếp nhận")
	o.waitText(o.head.ID, "Văn phòng Sở đã tiếp nhận Báo cáo nhanh kết quả tiếp công dân")

	// VP: a day late.
	o.setNow(at(2026, 6, 11, 9, 0))
	o.srv.InjectDocument(telegramtest.PrivateChat(o.vp), o.vp, telegramtest.Upload{Name: "TCD-VP.xlsx", Data: citizenWorkbook(t, map[string]any{"so_luot_tiep": 30, "so_don_thu": 4.5})},
		telegramtest.ReplyTo(requestMsg[o.vp.ID].MessageID))
	o.waitText(o.vp.ID, "Số liệu bot đọc được")
	o.press(o.office, o.waitText(remOfficeChat, "Báo cáo mới — mã tiếp nhận 2/2026"), "Tiếp nhận")
	o.waitText(o.vp.ID, "Văn phòng Sở đã tiếp nhận Báo cáo nhanh kết quả tiếp công dân")

	// The synthesis.
	o.setNow(at(2026, 6, 11, 14, 0))
	o.srv.InjectText(o.dm, o.office, "/synthesis DX1")
	draft := o.waitMethod("sendDocument", o.office.ID, "Dự thảo báo cáo")
	book := o.waitMethod("sendDocument", o.office.ID, "Sổ tiếp nhận")
	archive := o.waitMethod("sendDocument", o.office.ID, "Hồ sơ báo cáo đã tiếp nhận: 2 tệp")

	doc, err := docxtest.Read(draft.File.Data)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"- UBND tỉnh", "Bảng tổng hợp số liệu theo biểu mẫu BM-TCD", "Báo cáo số 7/BC-TCBC ngày 02/06/2026, nhận ngày 03/06/2026, mã tiếp nhận"} {
		if !strings.Contains(doc.Text, want) {
			t.Errorf("draft lacks %q", want)
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(book.File.Data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(figures.SynthesisSheet)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Chỉ tiêu", "Ô", "TCBC", "TTRA", "VP", "Tổng cộng"},
		{"Số lượt tiếp công dân", "C4", "12", "", "30", "42"},
		{"Số đơn thư nhận được", "C5", "3", "", "4.5", "7.5"},
	}
	if len(rows) != len(want) {
		t.Fatalf("synthesis sheet rows %v", rows)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("synthesis row %d: %v, want %v", i, rows[i], want[i])
		}
	}
	zr, err := zip.NewReader(bytes.NewReader(archive.File.Data), int64(len(archive.File.Data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, zf := range zr.File {
		names = append(names, zf.Name)
	}
	if got := strings.Join(names, "|"); !strings.Contains(got, "TCBC - ") || !strings.Contains(got, "VP - ") {
		t.Errorf("archive: %s", got)
	}

	text := renderedText(t, draft.File.Data)
	for _, want := range []string{
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Báo cáo nhanh kết quả tiếp công dân",
		"Phòng Tổ chức, biên chế và tổ chức phi chính phủ", "Văn phòng Sở", "chậm nộp 1 ngày",
		"3. Đơn vị chưa báo cáo: 1 đơn vị. - Thanh tra Sở.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("rendered draft lacks %q:\n%s", want, text)
		}
	}

	// The Office records the sending; /status shows it.
	o.setNow(at(2026, 6, 12, 10, 0))
	o.srv.InjectText(o.dm, o.office, "/sent DX1 52/BC-SNV 12/06/2026")
	o.waitText(o.office.ID, "Đã ghi nhận: báo cáo số 52/BC-SNV ngày 12/06/2026")
	o.srv.InjectText(o.dm, o.office, "/status DX1")
	o.waitText(o.office.ID, "⬆️ Báo cáo của Sở gửi UBND tỉnh: hạn 12/06/2026")
	o.waitText(o.office.ID, "đã nhận 2/3 đơn vị; đã tổng hợp ngày 11/06/2026; đã gửi, số 52/BC-SNV ngày 12/06/2026.")
}
