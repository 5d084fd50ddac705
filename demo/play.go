package demo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

// samplePDF is a small but real PDF, the report the heads send.
const samplePDF = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
	"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

// action is something a person does at a simulated moment.
type action struct {
	at time.Time
	do func(ctx context.Context) error
}

func (w *world) play(ctx context.Context) error {
	w.narrate("Văn phòng Sở nhập kế hoạch (examples/plan.yaml), tạo link mời và gửi cho từng người.",
		"The Office imports the plan (examples/plan.yaml), creates invite links and sends one to each person.")
	for _, p := range []person{w.admin, w.clerk, w.an, w.binh, w.cuong} {
		if err := w.joinWithInvite(ctx, p); err != nil {
			return err
		}
	}
	w.narrate("Quản trị viên gắn nhóm Văn phòng Sở và nhóm thông báo chung.",
		"The admin binds the Office group and the announcement group.")
	w.userSays(w.admin, w.officeChat, "/bind office")
	w.userSays(w.admin, w.groupChat, "/bind group")
	if err := w.flush(ctx); err != nil {
		return err
	}

	script := []action{
		{day(3, 6, 9), func(ctx context.Context) error {
			w.narrate("Anh An trả lời tin nhắc bằng tệp báo cáo PDF.", "An replies to the reminder with the PDF report.")
			return w.replyWithFile(w.an, "Bao cao 6 thang dau nam 2026 - TCBC.pdf", "Số 45/BC-TCBC", []byte(samplePDF))
		}},
		{day(3, 6, 10), func(ctx context.Context) error {
			w.narrate("Văn phòng Sở tiếp nhận báo cáo của phòng TCBC.", "The Office accepts TCBC's report.")
			return w.press(w.clerk, w.officeChat, "acc:")
		}},
		{day(5, 6, 9), func(ctx context.Context) error {
			w.narrate("Chị Bình gửi nhầm một tệp chương trình đặt tên .pdf; bot hướng dẫn gửi lại.",
				"Bình sends a program renamed to .pdf by mistake; the bot tells her what to do.")
			return w.replyWithFile(w.binh, "baocao.pdf", "", append([]byte("MZ\x90\x00"), make([]byte, 512)...))
		}},
		{day(5, 6, 10), func(ctx context.Context) error {
			return w.replyWithFile(w.binh, "BC 6 thang CCHC.pdf", "Số 12/BC-CCHC", []byte(samplePDF))
		}},
		{day(12, 6, 9), func(ctx context.Context) error {
			w.narrate("Văn phòng Sở xem tình hình nộp và xuất bản tổng hợp.", "The Office checks the status and exports the summary.")
			w.userSays(w.clerk, privateChat, "/status")
			if err := w.flush(ctx); err != nil {
				return err
			}
			w.userSays(w.clerk, privateChat, "/export")
			return nil
		}},
	}
	w.narrate("Thời gian trôi nhanh: mỗi giờ mô phỏng, bot xem việc gì đến hạn (nhắc 7/3/1 ngày trước hạn 10/06/2026, trễ hạn, tổng hợp).",
		"Time runs fast: every simulated hour the bot checks what is due (reminders 7/3/1 days before 10/06/2026, overdue notices, digests).")
	for t := seasonStart; !t.After(seasonEnd); t = t.Add(time.Hour) {
		w.setNow(t)
		if err := w.bot.Tick(ctx); err != nil {
			return fmt.Errorf("tick at %s: %w", t, err)
		}
		if err := w.flush(ctx); err != nil {
			return err
		}
		for _, a := range script {
			if a.at.Equal(t) {
				if err := a.do(ctx); err != nil {
					return err
				}
				if err := w.flush(ctx); err != nil {
					return err
				}
			}
		}
	}
	return w.saveFiles()
}

func day(d int, m time.Month, hour int) time.Time { return time.Date(2026, m, d, hour, 0, 0, 0, loc) }

// joinWithInvite creates an invite as "reportbot invite" does and has the
// person open it.
func (w *world) joinWithInvite(ctx context.Context, p person) error {
	var token string
	err := w.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		token, _, err = tx.CreateInviteByCode(p.unit, p.role, 7*24*time.Hour, "demo")
		return err
	})
	if err != nil {
		return err
	}
	w.userSays(p, privateChat, "/start "+token)
	return w.flush(ctx)
}

// lastReminder finds the latest bot message to a person that carries the
// reminder's snooze button.
func (w *world) lastReminder(p person) (int, bool) {
	sent := w.srv.SentMatching(telegramtest.ToChat(p.id))
	for i := len(sent) - 1; i >= 0; i-- {
		for _, row := range sent[i].Buttons {
			for _, b := range row {
				if strings.HasPrefix(b.CallbackData, "snooze:") {
					return sent[i].MessageID, true
				}
			}
		}
	}
	return 0, false
}

func (w *world) replyWithFile(p person, name, caption string, data []byte) error {
	id, ok := w.lastReminder(p)
	if !ok {
		return fmt.Errorf("demo: %s got no reminder to reply to", p.name)
	}
	w.line(p.name, "bot", fmt.Sprintf("↩ [%s %s] %s", w.say("tệp", "file"), name, caption))
	p.sends(telegramtest.Upload{Name: name, Data: data, Caption: caption}, telegramtest.ReplyTo(id))
	return nil
}

// press presses the newest button in a chat whose data starts with prefix.
func (w *world) press(p person, chatID int64, prefix string) error {
	sent := w.srv.SentMatching(telegramtest.ToChat(chatID))
	for i := len(sent) - 1; i >= 0; i-- {
		for _, row := range sent[i].Buttons {
			for _, b := range row {
				if strings.HasPrefix(b.CallbackData, prefix) {
					w.line(p.name, w.whereTo(chatID), "👆 ["+b.Text+"]")
					p.presses(chatID, sent[i].MessageID, b.CallbackData)
					return nil
				}
			}
		}
	}
	return fmt.Errorf("demo: no %q button in chat %d", prefix, chatID)
}

// saveFiles writes the pictures and workbooks the bot sent to the demo
// folder, so a newcomer can open them.
func (w *world) saveFiles() error {
	for _, s := range w.srv.Sent() {
		if s.File == nil || len(s.File.Data) == 0 {
			continue
		}
		name := s.File.Name
		switch {
		case s.Method == "sendPhoto":
			name = "status.png"
		case strings.HasSuffix(name, ".xlsx"), strings.HasSuffix(name, ".csv"), strings.HasSuffix(name, ".zip"):
		default:
			continue
		}
		if err := os.WriteFile(filepath.Join(w.opts.Dir, filepath.Base(name)), s.File.Data, 0o640); err != nil {
			return err
		}
	}
	return nil
}
