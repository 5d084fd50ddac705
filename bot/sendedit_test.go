package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/reportbot/reportbot/bot/telegramtest"
	"github.com/reportbot/reportbot/db"
)

// An edit and a pin queued while Telegram answers 5xx wait with the sender's
// backoff and are made once it answers again; an edit naming its message by
// the outbox row that sent it finds the Telegram id then.
func TestSenderEditsAfterOutage(t *testing.T) {
	f := newSendFixture(t, SenderConfig{})
	card := f.enqueue(db.OutMessage{ChatID: -100, Text: "Báo cáo 6 tháng: chờ tiếp nhận", Markup: Keyboard([]Button{{Label: "Tiếp nhận", Data: "x"}})})[0]
	if got := f.mustDrain(); got != 1 {
		t.Fatalf("sent %d, want the card", got)
	}
	msgID := f.row(card).MessageID

	f.srv.AddFault(telegramtest.Fault{Times: 1000, Status: 503})
	ids := f.enqueue(
		db.OutMessage{ChatID: -100, Kind: db.KindEditText, TargetOutbox: card, Text: "Báo cáo 6 tháng: đã tiếp nhận"},
		db.OutMessage{ChatID: -100, Kind: db.KindPin, ReplyTo: msgID},
	)
	if got := f.mustDrain(); got != 0 {
		t.Fatalf("made %d calls while Telegram was down, want 0", got)
	}
	if m := f.row(ids[0]); m.Status != db.OutPending || m.Attempts != 1 || !strings.Contains(m.Error, "503") {
		t.Fatalf("edit during the outage: got %s after %d attempts (%q), want pending after 1", m.Status, m.Attempts, m.Error)
	}
	if n := len(f.srv.SentMatching(telegramtest.ByMethod("editMessageText"))); n != 0 {
		t.Fatalf("%d edits accepted while down", n)
	}

	f.srv.ClearFaults()
	f.advance(10 * time.Second)
	if got := f.mustDrain(); got != 2 {
		t.Fatalf("made %d calls after recovery, want the edit and the pin", got)
	}
	edits := f.srv.SentMatching(telegramtest.All(telegramtest.ByMethod("editMessageText"), telegramtest.ToChat(-100)))
	if len(edits) != 1 || edits[0].MessageID != msgID || edits[0].Text != "Báo cáo 6 tháng: đã tiếp nhận" || len(edits[0].Buttons) != 0 {
		t.Fatalf("edits after recovery: %+v, want one of message %d without buttons", edits, msgID)
	}
	if got := f.srv.PinnedMessageID(-100); got != msgID {
		t.Errorf("pinned %d, want %d", got, msgID)
	}
	for _, id := range ids {
		if m := f.row(id); m.Status != db.OutSent || m.MessageID != msgID {
			t.Errorf("outbox %d: got %s on message %d, want sent on %d", id, m.Status, m.MessageID, msgID)
		}
	}
}

// An edit Telegram refuses because there is nothing left to do is done, not
// failed and not retried: the message already reads so, or it is gone.
func TestSenderEditNothingToDoIsDone(t *testing.T) {
	f := newSendFixture(t, SenderConfig{})
	card := f.enqueue(db.OutMessage{ChatID: 9, Text: "Đã tiếp nhận"})[0]
	failed := f.enqueue(db.OutMessage{ChatID: 9, Text: "Hạn <nop", ParseMode: "HTML"})[0]
	f.mustDrain()
	msgID := f.row(card).MessageID
	if f.row(failed).Status != db.OutFailed {
		t.Fatal("the malformed message was not refused")
	}

	ids := f.enqueue(
		db.OutMessage{ChatID: 9, Kind: db.KindEditText, ReplyTo: msgID, Text: "Đã tiếp nhận"},
		db.OutMessage{ChatID: 9, Kind: db.KindEditMarkup, ReplyTo: msgID + 1000},
		db.OutMessage{ChatID: 9, Kind: db.KindEditText, TargetOutbox: failed, Text: "Đã sửa"},
		db.OutMessage{ChatID: 9, Text: "Tin sau vẫn đi"},
	)
	if got := f.mustDrain(); got != 4 {
		t.Fatalf("delivered %d, want 4", got)
	}
	for i, want := range []string{"message is not modified", "message to edit not found", "was not sent (failed)"} {
		if m := f.row(ids[i]); m.Status != db.OutSent || m.Attempts != 1 || !strings.Contains(m.Error, want) {
			t.Errorf("edit %d: got %s after %d attempts, note %q; want done once, noting %q", i, m.Status, m.Attempts, m.Error, want)
		}
	}
	if m := f.row(ids[3]); m.Status != db.OutSent {
		t.Errorf("the message after the edits: got %s, want sent", m.Status)
	}
	if st := f.sender.Stats(); st.Failures != 1 || st.Retries != 0 {
		t.Errorf("stats: %+v, want only the malformed message failed and no retry", st)
	}
}
