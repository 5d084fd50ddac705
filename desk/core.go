package desk

import (
	"context"
	"io"

	"github.com/reportbot/reportbot/db"
)

// Core is what the desk asks of the rules of a report's life. The desk never
// decides who may accept, when a report is late or what the current period
// is: the same code as the chat does. Texts come back in the caller's
// language, ready to show.
type Core interface {
	// Lang is the language to use with a member, given their own choice
	// and Telegram's language code.
	Lang(chosen, telegram string) string
	// RoleName is a role's name in lang, as the bot's messages say it.
	RoleName(role db.Role, lang string) string
	// Grid is the matrix of units × periods that /status shows, for a
	// selection as /status reads it ("" for the current periods, an
	// obligation code, a period key, or both).
	Grid(ctx context.Context, lang, selection string) (Grid, error)
	// Unit is one unit's page: what it owes, its submissions, extension
	// requests and audit trail.
	Unit(ctx context.Context, lang string, unitID int64) (UnitPage, error)
	// Register is the register of received reports, searched.
	Register(ctx context.Context, lang, query string) ([]RegisterRow, error)
	// Export writes the workbook of a selection (as Grid reads it) in lang
	// and names its file, as /export in chat does.
	Export(ctx context.Context, w io.Writer, lang, selection string) (name string, err error)

	// Accept, Return, Decide and Submit act as the member would in chat and
	// send the same messages; they answer, in lang, with what to tell the
	// member.
	Accept(ctx context.Context, actor db.Member, lang string, submissionID int64) (Outcome, error)
	Return(ctx context.Context, actor db.Member, lang string, submissionID int64, reason string) (Outcome, error)
	Decide(ctx context.Context, actor db.Member, lang string, extensionID int64, approve bool) (Outcome, error)
	Submit(ctx context.Context, actor db.Member, lang string, assignmentID int64, fileName string, body io.Reader) (Outcome, error)
}

// Outcome is the result of an action: whether it changed anything and the
// words for the member.
type Outcome struct {
	Done    bool   `json:"done"`
	Message string `json:"message"`
}

// State is where a unit stands on a period, as /status shows it.
type State struct {
	Key    string `json:"key"`    // accepted, received, returned, extension, missing, late, none
	Symbol string `json:"symbol"` // the mark /status uses
	Label  string `json:"label"`
	Fill   string `json:"fill"` // its colour in the status picture, "#rrggbb"
}

// Grid is units × periods.
type Grid struct {
	Columns     []Column `json:"columns"`
	Rows        []Row    `json:"rows"`
	Legend      []State  `json:"legend"`
	Obligations []Named  `json:"obligations"` // every open obligation, for the filter
	Periods     []Named  `json:"periods"`     // periods of the open obligations (key and name), newest first
}

// Column is one obligation's period.
type Column struct {
	Obligation string `json:"obligation"` // code
	Title      string `json:"title"`
	Period     string `json:"period"` // key, e.g. 2026-H1
	PeriodName string `json:"periodName"`
	Deadline   string `json:"deadline"` // dd/mm/yyyy
}

// Row is one unit's states, one per column.
type Row struct {
	UnitID int64   `json:"unitId"`
	Code   string  `json:"code"`
	Name   string  `json:"name"`
	Cells  []State `json:"cells"`
}

// Named is a code with its name.
type Named struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// UnitPage is everything the desk shows about one unit.
type UnitPage struct {
	UnitID int64       `json:"unitId"`
	Code   string      `json:"code"`
	Name   string      `json:"name"`
	Items  []UnitItem  `json:"items"`
	Audit  []AuditLine `json:"audit"`
}

// UnitItem is one assignment: an obligation's period the unit owes.
type UnitItem struct {
	AssignmentID int64            `json:"assignmentId"`
	Obligation   string           `json:"obligation"`
	Title        string           `json:"title"`
	PeriodName   string           `json:"periodName"`
	Deadline     string           `json:"deadline"`
	State        State            `json:"state"`
	Open         bool             `json:"open"` // a file may still be sent for it
	Submissions  []SubmissionView `json:"submissions"`
	Extensions   []ExtensionView  `json:"extensions"`
}

// SubmissionView is one version of a report.
type SubmissionView struct {
	ID         int64      `json:"id"`
	Version    int        `json:"version"`
	Receipt    string     `json:"receipt"`
	DocNumber  string     `json:"docNumber"` // số/ký hiệu
	ReceivedAt string     `json:"receivedAt"`
	SentBy     string     `json:"sentBy"`
	Source     string     `json:"source"`
	Timeliness string     `json:"timeliness"`
	Status     string     `json:"status"` // received, accepted, returned
	StatusText string     `json:"statusText"`
	ReviewedBy string     `json:"reviewedBy"`
	ReviewedAt string     `json:"reviewedAt"`
	Reason     string     `json:"reason"`
	Files      []FileView `json:"files"`
}

// FileView is one stored file, downloadable by its id.
type FileView struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Size string `json:"size"`
}

// ExtensionView is a unit's request for more time.
type ExtensionView struct {
	ID         int64  `json:"id"`
	Reason     string `json:"reason"`
	Proposed   string `json:"proposed"`
	Status     string `json:"status"` // pending, approved, refused
	StatusText string `json:"statusText"`
}

// AuditLine is one entry of the audit trail.
type AuditLine struct {
	At     string `json:"at"`
	Who    string `json:"who"`
	Action string `json:"action"`
	Detail string `json:"detail"`
}

// RegisterRow is one line of the register of received reports.
type RegisterRow struct {
	Receipt    string     `json:"receipt"`
	ReceivedAt string     `json:"receivedAt"`
	UnitID     int64      `json:"unitId"`
	Unit       string     `json:"unit"`
	Obligation string     `json:"obligation"`
	PeriodName string     `json:"periodName"`
	DocNumber  string     `json:"docNumber"`
	Status     string     `json:"statusText"`
	Files      []FileView `json:"files"`
}
