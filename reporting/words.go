package reporting

import (
	"fmt"

	"github.com/reportbot/reportbot/db"
)

// The words of the files the Office keeps (the workbook, the calendar) and
// of the status marks, in each reader's language. They live with the data
// because every face shares them: the bot's picture and /export, the CLI's
// "reportbot export" and "reportbot ics", the desk. Vietnamese is the
// default; a language without its own words gets Vietnamese.

// paperWords are one language's words.
type paperWords struct {
	marks      [MarkCount]string
	review     map[db.SubmissionStatus]string
	title      string // the workbook's title, %s: the periods
	calName    string
	calSummary string // %s code, %s title, %s period
	calDesc    string // %s title, %s period, %s basis
	calMoved   string // %s the day it fell on, %s why it moved
	upwardSent string // the register's status of a report upward, %s its recipients
}

var words = map[string]paperWords{
	"vi": {
		marks: [MarkCount]string{
			MarkAccepted:  "đã tiếp nhận",
			MarkReceived:  "đã gửi, chờ tiếp nhận",
			MarkReturned:  "trả lại, chờ nộp lại",
			MarkExtension: "được gia hạn",
			MarkMissing:   "chưa nộp, còn hạn",
			MarkLate:      "quá hạn",
			MarkNone:      "không phải nộp",
		},
		review: map[db.SubmissionStatus]string{
			db.SubReceived: "Chờ tiếp nhận",
			db.SubAccepted: "Đã tiếp nhận",
			db.SubReturned: "Trả lại",
		},
		title:      "Tổng hợp tình hình nộp báo cáo — %s",
		calName:    "Hạn báo cáo",
		calSummary: "Hạn nộp %s: %s — %s",
		calDesc:    "%s\nKỳ: %s\nCăn cứ: %s\nNộp bằng cách gửi tệp báo cáo cho bot.",
		calMoved:   "Hạn được dời từ %s sang ngày làm việc kế tiếp vì %s.",
		upwardSent: "Đã gửi: %s",
	},
	"en": {
		marks: [MarkCount]string{
			MarkAccepted:  "accepted",
			MarkReceived:  "sent, awaiting receipt by the Office",
			MarkReturned:  "returned, awaiting a new version",
			MarkExtension: "extended",
			MarkMissing:   "not in yet, still on time",
			MarkLate:      "overdue",
			MarkNone:      "not owed",
		},
		review: map[db.SubmissionStatus]string{
			db.SubReceived: "Awaiting receipt",
			db.SubAccepted: "Accepted",
			db.SubReturned: "Returned",
		},
		title:      "Submission summary — %s",
		calName:    "Report deadlines",
		calSummary: "Due %s: %s — %s",
		calDesc:    "%s\nPeriod: %s\nBasis: %s\nSubmit by sending the report file to the bot.",
		calMoved:   "The deadline moved from %s to the next working day because of %s.",
		upwardSent: "Sent: %s",
	},
}

// wordsFor is lang's words, Vietnamese when lang has none.
func wordsFor(lang string) paperWords {
	if w, ok := words[lang]; ok {
		return w
	}
	return words["vi"]
}

// MarkName is a mark's name in lang, as the status text, the picture's
// legend and the workbook show it.
func MarkName(m Mark, lang string) string { return wordsFor(lang).marks[m] }

// ReviewName is a submission's review status in lang, as the workbook's
// register and the desk show it.
func ReviewName(s db.SubmissionStatus, lang string) string { return wordsFor(lang).review[s] }

// workbookTitle is the workbook's title for the periods' names.
func workbookTitle(lang, periods string) string { return fmt.Sprintf(wordsFor(lang).title, periods) }
