package demo

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/figures"
)

// The Office's own job in the season: an ad-hoc request with the
// province's letter and a figures template, two units answering with the
// workbook (one first refused for a word in a number cell, one late), one
// not at all; then the synthesis pack and the sending upward.

func citizenWorkbook(values map[string]any) ([]byte, error) {
	var buf bytes.Buffer
	err := figures.Build(&buf, "BM-TCD", "v1", figures.CitizenReception, values)
	return buf.Bytes(), err
}

// officeSeason is the Office's part of the script.
func (w *world) officeSeason() []action {
	return []action{
		{day(3, 6, 11), func(ctx context.Context) error {
			w.narrate("UBND tỉnh gửi công văn yêu cầu báo cáo nhanh; Văn phòng Sở gửi /request kèm công văn và biểu mẫu số liệu.",
				"The province asks for a quick report by letter; the Office sends /request with the letter and a figures template.")
			w.sendFile(w.clerk, "CV 123-UBND-NC.pdf", "/request", []byte(samplePDF))
			if err := w.flush(ctx); err != nil {
				return err
			}
			tpl, err := citizenWorkbook(nil)
			if err != nil {
				return err
			}
			w.sendFile(w.clerk, "Bieu mau TCD.xlsx", "", tpl)
			if err := w.flush(ctx); err != nil {
				return err
			}
			w.userSays(w.clerk, privateChat, "Báo cáo nhanh kết quả tiếp công dân\nCăn cứ: Công văn số 123/UBND-NC ngày 01/6/2026 của UBND tỉnh\nNơi nhận: UBND tỉnh\ntrước ngày 15/06/2026\nĐơn vị: TCBC, CCHC, BTG")
			if err := w.flush(ctx); err != nil {
				return err
			}
			return w.press(w.clerk, w.clerk.id, "rq:ok")
		}},
		{day(8, 6, 9), func(ctx context.Context) error {
			w.narrate("Anh An gửi biểu mẫu có chữ trong ô số liệu; bot chỉ rõ ô cần sửa, anh gửi lại.",
				"An sends the workbook with a word in a number cell; the bot names the cell, he sends it again.")
			bad, err := citizenWorkbook(map[string]any{"so_luot_tiep": "mười hai", "so_don_thu": 3})
			if err != nil {
				return err
			}
			if err := w.replyToRequest(w.an, "TCD-TCBC.xlsx", bad); err != nil {
				return err
			}
			if err := w.flush(ctx); err != nil {
				return err
			}
			good, err := citizenWorkbook(map[string]any{"so_luot_tiep": 12, "so_don_thu": 3})
			if err != nil {
				return err
			}
			return w.replyToRequest(w.an, "TCD-TCBC.xlsx", good)
		}},
		{day(8, 6, 10), func(ctx context.Context) error { return w.press(w.clerk, w.officeChat, "acc:") }},
		{day(12, 6, 9), func(ctx context.Context) error {
			w.narrate("Chị Bình gửi biểu mẫu trễ một ngày.", "Bình sends her workbook a day late.")
			wb, err := citizenWorkbook(map[string]any{"so_luot_tiep": 30, "so_don_thu": 4.5})
			if err != nil {
				return err
			}
			return w.replyToRequest(w.binh, "TCD-CCHC.xlsx", wb)
		}},
		{day(12, 6, 10), func(ctx context.Context) error { return w.press(w.clerk, w.officeChat, "acc:") }},
		{day(15, 6, 9), func(ctx context.Context) error {
			w.narrate("Văn phòng Sở tổng hợp: bot gửi dự thảo báo cáo (Word, theo Nghị định 30/2020), bảng số liệu và hồ sơ.",
				"The Office synthesises: the bot sends the draft report (Word, per Decree 30/2020), the figures workbook and the files.")
			w.userSays(w.clerk, privateChat, "/synthesis DX1")
			if err := w.flush(ctx); err != nil {
				return err
			}
			return w.saveDraft()
		}},
		{day(15, 6, 15), func(ctx context.Context) error {
			w.narrate("Giám đốc ký, Văn thư vào số; Văn phòng Sở ghi nhận đã gửi và xem tình hình.",
				"The Director signs, the clerk numbers it; the Office records the sending and checks the status.")
			w.userSays(w.clerk, privateChat, "/sent DX1 52/BC-SNV 15/06/2026")
			if err := w.flush(ctx); err != nil {
				return err
			}
			w.userSays(w.clerk, privateChat, "/status DX1")
			return nil
		}},
	}
}

// sendFile has a person send a file (with a caption) in their private chat.
func (w *world) sendFile(p person, name, caption string, data []byte) {
	w.line(p.name, w.whereTo(p.id), fmt.Sprintf("[%s %s] %s", w.say("tệp", "file"), name, caption))
	p.sends(telegramtest.Upload{Name: name, Data: data, Caption: caption})
}

// replyToRequest has a head reply to the request message with a file.
func (w *world) replyToRequest(p person, name string, data []byte) error {
	sent := w.srv.SentMatching(telegramtest.All(telegramtest.ToChat(p.id), telegramtest.ByMethod("sendMessage")))
	for i := len(sent) - 1; i >= 0; i-- {
		if strings.Contains(sent[i].Text, "DX1") {
			w.line(p.name, "bot", fmt.Sprintf("↩ [%s %s]", w.say("tệp", "file"), name))
			p.sends(telegramtest.Upload{Name: name, Data: data}, telegramtest.ReplyTo(sent[i].MessageID))
			return nil
		}
	}
	return fmt.Errorf("demo: %s got no request to reply to", p.name)
}

// saveDraft keeps the draft report the bot sent in the demo folder.
func (w *world) saveDraft() error {
	for _, s := range w.srv.Sent() {
		if s.File != nil && strings.HasSuffix(s.File.Name, ".docx") {
			return os.WriteFile(filepath.Join(w.opts.Dir, s.File.Name), s.File.Data, 0o640)
		}
	}
	return fmt.Errorf("demo: no draft report was sent")
}
