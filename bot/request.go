package bot

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/reminders"
	"github.com/reportbot/reportbot/requests"
)

// /request turns an official letter into an ad-hoc request (báo cáo đột
// xuất): the letter (attached to the command, or sent next), the title and
// deadline as typed, the units (typed, or toggled in a paginated keyboard),
// a preview, then Send. Heads get the text and the letter; from then on it
// is an obligation like any other (reminders, receipts, review, status,
// exports, archive, synthesis). Until Send, the draft lives in the pending
// input of the Office's chat and nothing else is stored but the letter's
// file, which a cancel removes.

const (
	inputRequest = "request"
	lettersDir   = "letters"
	// unitsPerPage keeps the picker within one screen of a phone.
	unitsPerPage = 8
)

// Stages of a request draft.
const (
	stageLetter = "letter" // waiting for the letter's file
	stageText   = "text"   // waiting for the title and deadline
	stageUnits  = "units"  // picking units with buttons
)

// requestDraft is a request being written, kept as the pending input's data.
type requestDraft struct {
	Stage    string    `json:"stage"`
	Letter   db.Letter `json:"letter"`
	Title    string    `json:"title,omitempty"`
	Deadline int64     `json:"deadline,omitempty"` // unix seconds
	Units    []string  `json:"units,omitempty"`    // chosen unit codes
	Page     int       `json:"page,omitempty"`
	// Template is the workbook template (biểu mẫu) the units fill, if any.
	Template *db.Letter `json:"template,omitempty"`
	// ReportTo receives the department's report, due requests.UnitsLead
	// working days after the units' Deadline.
	ReportTo string `json:"report_to,omitempty"`
	Basis    string `json:"basis,omitempty"` // the letter as the draft cites it
}

// letterTypes are what an official letter comes as; templateTypes what a
// workbook template does.
var (
	letterTypes   = map[string]bool{".pdf": true, ".doc": true, ".docx": true, ".odt": true}
	templateTypes = map[string]bool{".xlsx": true}
)

func (b *Bot) cmdRequest(r *Request) error {
	if !r.Ev.Private() {
		r.Reply(r.T("error.private_only"))
		return nil
	}
	if old, ok, err := b.loadDraft(r); err != nil {
		return err
	} else if ok {
		b.dropDraftFiles(r, old) // a new /request replaces the draft
	}
	d := requestDraft{Stage: stageLetter}
	if len(r.Ev.Files) == 0 && r.Ev.ReplyFile != nil {
		// "/request" in reply to the letter the Office forwarded here.
		r.Ev.Files = []File{*r.Ev.ReplyFile}
	}
	if len(r.Ev.Files) > 0 {
		l, ok, err := b.takeDocument(r, lettersDir, letterTypes)
		if !ok {
			return err
		}
		d.Letter, d.Stage = l, stageText
	}
	if d.Stage == stageText && strings.TrimSpace(r.Ev.Args) != "" {
		return b.requestText(r, d, r.Ev.Args)
	}
	if err := b.saveDraft(r, d); err != nil {
		return err
	}
	if d.Stage == stageLetter {
		r.Reply(r.T("request.send_letter"))
	} else {
		r.Reply(r.T("request.ask_text", d.Letter.Name))
	}
	return nil
}

// takeDocument checks, downloads and stores in <data>/<dir> the document
// (a letter, a template, the report sent upward) attached to the event;
// types are the extensions it may have.
func (b *Bot) takeDocument(r *Request, dir string, types map[string]bool) (db.Letter, bool, error) {
	f := r.Ev.Files[0]
	if f.Photo || !types[strings.ToLower(filepath.Ext(f.Name))] {
		r.Reply(r.T("request.letter_type", f.displayName()))
		return db.Letter{}, false, nil
	}
	tooBig := func() (db.Letter, bool, error) {
		r.Reply(r.T("request.too_big", f.displayName(), humanSize(b.maxFileSize(), r.Lang)))
		return db.Letter{}, false, nil
	}
	if f.Size > b.maxFileSize() {
		return tooBig()
	}
	d, err := b.fetch(r.ctx, f)
	var pr *fileProblem
	if errors.As(err, &pr) && pr.code == "too_big" {
		return tooBig()
	}
	if errors.As(err, &pr) {
		b.refuse(r, pr)
		return db.Letter{}, false, nil
	}
	if err != nil {
		return db.Letter{}, false, err
	}
	defer d.discard()
	head := make([]byte, sniffLen)
	if fh, err := os.Open(d.tmp); err == nil {
		n, _ := fh.Read(head)
		head = head[:n]
		fh.Close()
	}
	if pr := checkContent(f, head); pr != nil {
		b.refuse(r, pr)
		return db.Letter{}, false, nil
	}
	l := db.Letter{Name: d.displayName(), Size: d.size, SHA256: d.sha256}
	if l.StoredPath, err = placeDocument(b.cfg.DataDir, dir, d.tmp, l); err != nil {
		return db.Letter{}, false, err
	}
	d.tmp = ""
	return l, true, nil
}

// maybeRequestLetter takes a staff member's file as the letter when a
// request waits for one in this chat.
func (b *Bot) maybeRequestLetter(r *Request) (bool, error) {
	if r.Member == nil || !r.Member.Role.Staff() || !r.Ev.Private() || len(r.Ev.Files) == 0 {
		return false, nil
	}
	d, ok, err := b.loadDraft(r)
	if err != nil || !ok || d.Stage == stageUnits {
		return false, err
	}
	if d.Stage == stageText {
		return true, b.requestTemplate(r, d)
	}
	l, ok, err := b.takeDocument(r, lettersDir, letterTypes)
	if !ok {
		return true, err
	}
	d.Letter, d.Stage = l, stageText
	if err := b.saveDraft(r, d); err != nil {
		return true, err
	}
	r.Reply(r.T("request.ask_text", l.Name))
	return true, nil
}

// requestTemplate takes a workbook sent after the letter as the request's
// template (biểu mẫu), once it is read as one.
func (b *Bot) requestTemplate(r *Request, d requestDraft) error {
	l, ok, err := b.takeDocument(r, templatesDir, templateTypes)
	if !ok {
		return err
	}
	path := filepath.Join(b.cfg.DataDir, filepath.FromSlash(l.StoredPath))
	tpl, err := readTemplateFile(path)
	if err != nil {
		os.Remove(path)
		r.Reply(r.T("request.not_template", l.Name))
		return nil
	}
	d.Template = &l
	if err := b.saveDraft(r, d); err != nil {
		return err
	}
	var labels []string
	for _, fd := range tpl.Fields {
		labels = append(labels, fmt.Sprintf("%s (%s)", fd.Label, fd.Cell))
	}
	r.Reply(r.T("request.template", tpl.Form, tpl.Version, len(tpl.Fields), strings.Join(labels, "; ")))
	return nil
}

// onRequestText is the Office's typed answer while a request is drafted.
func (b *Bot) onRequestText(r *Request, p db.PendingInput) error {
	var d requestDraft
	if err := json.Unmarshal([]byte(p.Data), &d); err != nil {
		return fmt.Errorf("request draft: %w", err)
	}
	switch d.Stage {
	case stageLetter:
		r.Reply(r.T("request.send_letter"))
		return nil
	case stageUnits:
		r.Reply(r.T("request.use_buttons"))
		return nil
	}
	return b.requestText(r, d, r.Ev.Text)
}

// requestText reads the title, the deadline and maybe the units, then
// shows the picker (or, with the units named, the preview).
func (b *Bot) requestText(r *Request, d requestDraft, text string) error {
	rd := b.store.Read(r.ctx)
	now := b.store.Now()
	spec, err := requests.Parse(text, now, b.loc, requests.DefaultDueHour, 0)
	var unitsDue time.Time
	if err == nil {
		pol, perr := reminders.LoadPolicy(rd)
		if perr != nil {
			return perr
		}
		unitsDue, err = requests.UnitsDeadline(spec, pol.Calendar(), now)
	}
	var pr *requests.Problem
	if errors.As(err, &pr) {
		r.Reply(r.T("request."+pr.Key, pr.Args...) + "\n" + r.T("request.text_example"))
		return b.saveDraft(r, d)
	}
	if err != nil {
		return err
	}
	units, err := rd.Units(false)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, u := range units {
		known[u.Code] = true
	}
	var unknown []string
	for _, c := range spec.Units {
		if !known[c] {
			unknown = append(unknown, c)
		}
	}
	if len(unknown) > 0 {
		r.Reply(r.T("request.unknown_units", strings.Join(unknown, ", "), unitCodes(units)))
		return b.saveDraft(r, d)
	}
	d.Title, d.Deadline, d.Units, d.ReportTo, d.Basis, d.Stage = spec.Title, unitsDue.Unix(), spec.Units, spec.ReportTo, spec.Basis, stageUnits
	if spec.AllUnits {
		d.Units = strings.Fields(unitCodes(units))
	}
	if err := b.saveDraft(r, d); err != nil {
		return err
	}
	if len(d.Units) > 0 {
		text, kb := b.requestPreview(r, d)
		r.ReplyWith(db.OutMessage{Text: text, Markup: Keyboard(kb...)})
		return nil
	}
	text, kb := b.requestPicker(r, d, units)
	r.ReplyWith(db.OutMessage{Text: text, Markup: Keyboard(kb...)})
	return nil
}

// LetterBasis is what the draft cites as the request's basis: the letter
// as the Office typed it, else the letter's file. Stored, so Vietnamese.
func LetterBasis(typed, letterName string) string {
	if typed != "" {
		return typed
	}
	return fmt.Sprintf("yêu cầu tại công văn «%s»", letterName)
}

// RequestProblem says in both languages what is wrong with a request's
// text, for the command line.
func RequestProblem(p *requests.Problem) string {
	return tr("vi", "request."+p.Key, p.Args...) + " / " + tr("en", "request."+p.Key, p.Args...)
}

func unitCodes(units []db.Unit) string {
	codes := make([]string, len(units))
	for i, u := range units {
		codes[i] = u.Code
	}
	return strings.Join(codes, " ")
}

// requestPicker is the unit keyboard: a page of toggles, paging, all/none,
// preview and cancel.
func (b *Bot) requestPicker(r *Request, d requestDraft, units []db.Unit) (string, [][]Button) {
	pages := (len(units) + unitsPerPage - 1) / unitsPerPage
	d.Page = min(max(d.Page, 0), max(pages-1, 0))
	var kb [][]Button
	from := d.Page * unitsPerPage
	for i := from; i < min(from+unitsPerPage, len(units)); i++ {
		u := units[i]
		mark := "▫️"
		if slices.Contains(d.Units, u.Code) {
			mark = "✅"
		}
		kb = append(kb, []Button{Callback{Verb: VerbRequest, Step: "t", ID: u.ID, Ref: int64(d.Page)}.Button(mark + " " + u.Code + " — " + clip(u.Name, 40))})
	}
	var nav []Button
	if d.Page > 0 {
		nav = append(nav, Callback{Verb: VerbRequest, Step: "p", Ref: int64(d.Page - 1)}.Button("◀️"))
	}
	nav = append(nav, requestButton("a", r.T("request.all")), requestButton("n", r.T("request.none")))
	if d.Page < pages-1 {
		nav = append(nav, Callback{Verb: VerbRequest, Step: "p", Ref: int64(d.Page + 1)}.Button("▶️"))
	}
	kb = append(kb, nav, []Button{requestButton("v", r.T("request.preview")), requestButton("x", r.T("request.cancel"))})
	text := r.T("request.pick", d.Title, formatDateTime(time.Unix(d.Deadline, 0), b.loc), len(d.Units), len(units), d.Page+1, max(pages, 1))
	return text, kb
}

// requestPreview shows what the heads will get, with Send and Back.
func (b *Bot) requestPreview(r *Request, d requestDraft) (string, [][]Button) {
	due := time.Unix(d.Deadline, 0)
	text := r.T("request.preview_text", d.Title, formatDateTime(due, b.loc), weekday(due, b.loc, r.Lang),
		len(d.Units), strings.Join(d.Units, ", "), d.Letter.Name, humanSize(d.Letter.Size, r.Lang))
	if d.Template != nil {
		text += "\n" + r.T("request.preview_template", d.Template.Name)
	}
	if d.ReportTo != "" {
		text += "\n" + r.T("request.preview_upward", d.ReportTo, requests.UnitsLead)
	}
	return text, [][]Button{{requestButton("ok", r.T("request.send")), requestButton("b", r.T("request.back"))}, {requestButton("x", r.T("request.cancel"))}}
}

// requestButton is one of the draft's buttons that acts on no unit or page.
func requestButton(step, label string) Button {
	return Callback{Verb: VerbRequest, Step: step}.Button(label)
}

// onRequestButton handles the picker's and the preview's buttons.
func (b *Bot) onRequestButton(r *Request, c Callback) error {
	d, ok, err := b.loadDraft(r)
	if err != nil {
		return err
	}
	if !ok || d.Stage != stageUnits {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	units, err := b.store.Read(r.ctx).Units(false)
	if err != nil {
		return err
	}
	switch c.Step {
	case "t": // toggle a unit
		for _, u := range units {
			if u.ID != c.ID {
				continue
			}
			if i := slices.Index(d.Units, u.Code); i >= 0 {
				d.Units = slices.Delete(d.Units, i, i+1)
			} else {
				d.Units = append(d.Units, u.Code)
			}
		}
		d.Page = int(c.Ref)
	case "p":
		d.Page = int(c.Ref)
	case "a":
		d.Units = strings.Fields(unitCodes(units))
	case "n":
		d.Units = nil
	case "v":
		if len(d.Units) == 0 {
			r.Toast(r.T("request.no_units"))
			return nil
		}
		if err := b.saveDraft(r, d); err != nil {
			return err
		}
		text, kb := b.requestPreview(r, d)
		b.editMessage(r, text, kb)
		return nil
	case "b": // back from the preview to the picker
	case "x":
		return b.cancelRequest(r, d)
	case "ok":
		return b.sendRequest(r, d)
	}
	// Keep the draft's units in the plan's order.
	slices.SortFunc(d.Units, func(a, c string) int {
		return slices.IndexFunc(units, func(u db.Unit) bool { return u.Code == a }) - slices.IndexFunc(units, func(u db.Unit) bool { return u.Code == c })
	})
	if err := b.saveDraft(r, d); err != nil {
		return err
	}
	text, kb := b.requestPicker(r, d, units)
	b.editMessage(r, text, kb)
	return nil
}

// cancelRequest drops the draft and its letter's and template's files,
// unless another request keeps the same file.
func (b *Bot) cancelRequest(r *Request, d requestDraft) error {
	if err := r.Tx(func(tx *db.Tx) error {
		_, err := tx.TakePendingInput(r.Ev.From.ID, r.Ev.ChatID)
		return err
	}); err != nil && !errors.Is(err, db.ErrNotFound) {
		return err
	}
	b.dropDraftFiles(r, d)
	b.editMessage(r, r.T("request.cancelled"), nil)
	return nil
}

// dropDraftFiles removes a dropped draft's letter and template, unless a
// request keeps the same file.
func (b *Bot) dropDraftFiles(r *Request, d requestDraft) {
	docs := []db.Letter{d.Letter}
	if d.Template != nil {
		docs = append(docs, *d.Template)
	}
	for _, doc := range docs {
		if used, err := b.store.Read(r.ctx).DocumentInUse(doc.StoredPath); err == nil && !used && doc.StoredPath != "" {
			os.Remove(filepath.Join(b.cfg.DataDir, filepath.FromSlash(doc.StoredPath)))
		}
	}
}

// sendRequest makes the request (CreateRequest) from the draft, once.
func (b *Bot) sendRequest(r *Request, d requestDraft) error {
	now := b.store.Now()
	due := time.Unix(d.Deadline, 0)
	if !due.After(now) {
		r.Toast(r.T("request.past_deadline", formatDateTime(due, b.loc)))
		return nil
	}
	var res RequestResult
	err := r.Tx(func(tx *db.Tx) error {
		// Taking the draft makes a second press (or a redelivered update) a no-op.
		if _, err := tx.TakePendingInput(r.Ev.From.ID, r.Ev.ChatID); err != nil {
			return err
		}
		var err error
		res, err = CreateRequest(tx, b.loc, b.cfg.DataDir, NewRequest{
			Title: d.Title, Deadline: due, Units: d.Units, Letter: d.Letter, Template: d.Template, ReportTo: d.ReportTo,
			Basis: LetterBasis(d.Basis, d.Letter.Name), CreatedBy: r.Member.ID,
		})
		if err != nil {
			return err
		}
		return tx.Audit(r.Member.ID, r.Ev.From.ID, "request", res.Obligation.Code, fmt.Sprintf("%s; %d units; letter %s", d.Title, res.Units, d.Letter.SHA256))
	})
	if errors.Is(err, db.ErrNotFound) {
		r.Toast(r.T("callback.stale"))
		return nil
	}
	if err != nil {
		return err
	}
	text := r.T("request.sent", res.Obligation.Code, d.Title, res.Units, res.Heads, res.Obligation.Code)
	if len(res.Headless) > 0 {
		text += "\n" + r.T("request.headless", strings.Join(res.Headless, ", "))
	}
	b.editMessage(r, text, nil)
	return nil
}

func (b *Bot) loadDraft(r *Request) (requestDraft, bool, error) {
	p, err := b.store.Read(r.ctx).PeekPendingInput(r.Ev.From.ID, r.Ev.ChatID)
	if errors.Is(err, db.ErrNotFound) || (err == nil && p.Kind != inputRequest) {
		return requestDraft{}, false, nil
	}
	if err != nil {
		return requestDraft{}, false, err
	}
	var d requestDraft
	if err := json.Unmarshal([]byte(p.Data), &d); err != nil {
		return requestDraft{}, false, fmt.Errorf("request draft: %w", err)
	}
	return d, true, nil
}

func (b *Bot) saveDraft(r *Request, d requestDraft) error {
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return r.Tx(func(tx *db.Tx) error {
		return tx.SetPendingInput(db.PendingInput{TelegramID: r.Ev.From.ID, ChatID: r.Ev.ChatID, Kind: inputRequest, Data: string(data)})
	})
}
