package bot

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/figures"
	"github.com/reportbot/reportbot/reminders"
	"github.com/reportbot/reportbot/requests"
)

// NewRequest is an ad-hoc request ready to be made, from chat or the
// command line.
type NewRequest struct {
	Title     string
	Deadline  time.Time
	Units     []string // unit codes
	Letter    db.Letter
	Template  *db.Letter // the workbook template, if any
	ReportTo  string     // who gets the department's report, due requests.UnitsLead working days after Deadline
	Basis     string
	CreatedBy int64 // the member; 0 from the command line
}

// RequestResult is what making a request did.
type RequestResult struct {
	Obligation db.Obligation
	Units      int      // units that owe it
	Heads      int      // heads told
	Headless   []string // units with no head in the bot
}

// CreateRequest stores the request as a one-off obligation with its letter,
// makes its period and queues, for every head of a unit that owes it, the
// request and the letter (in the head's language). Both messages are about
// the unit's assignment, so a head who replies to either with a file
// submits the report. The running bot's sender delivers them.
func CreateRequest(tx *db.Tx, loc *time.Location, dataDir string, in NewRequest) (RequestResult, error) {
	rd := tx.Reader()
	code, err := rd.NextRequestCode()
	if err != nil {
		return RequestResult{}, err
	}
	pol, err := reminders.LoadPolicy(rd)
	if err != nil {
		return RequestResult{}, err
	}
	local := in.Deadline.In(loc)
	var offs []string
	for _, off := range requests.Offsets(in.Deadline, tx.Now()) {
		offs = append(offs, off.String())
	}
	o, err := tx.AddRequest(db.Obligation{
		Code: code, Title: in.Title, Basis: in.Basis, Rule: "once " + local.Format("02/01/2006 15:04"), Cover: "once",
		DueHour: local.Hour(), DueMinute: local.Minute(), Offsets: strings.Join(offs, ","),
		FixedDeadline: true, Announce: true, Summary: true, NameLateUnits: true, UnitCodes: in.Units,
	}, in.Letter, in.CreatedBy)
	if err != nil {
		return RequestResult{}, err
	}
	if in.ReportTo != "" {
		if err := tx.SetUpward(code, in.ReportTo, requests.UnitsLead); err != nil {
			return RequestResult{}, err
		}
	}
	if in.Template != nil {
		tpl, err := readTemplateFile(filepath.Join(dataDir, filepath.FromSlash(in.Template.StoredPath)))
		if err != nil {
			return RequestResult{}, err
		}
		if err := tx.SetTemplate(db.Template{ObligationID: o.ID, FileName: in.Template.Name, StoredPath: in.Template.StoredPath,
			Form: tpl.Form, Version: tpl.Version}); err != nil {
			return RequestResult{}, err
		}
	}
	if err := reminders.EnsurePeriods(tx, pol); err != nil {
		return RequestResult{}, err
	}
	periods, err := rd.Periods(o.ID)
	if err != nil {
		return RequestResult{}, err
	}
	if len(periods) == 0 {
		return RequestResult{}, fmt.Errorf("request %s: no period made", code)
	}
	items, err := rd.PeriodItems(periods[0].ID)
	if err != nil {
		return RequestResult{}, err
	}
	res := RequestResult{Obligation: o, Units: len(items)}
	letter := filepath.Join(dataDir, filepath.FromSlash(in.Letter.StoredPath))
	for _, it := range items {
		members, err := rd.Members(it.UnitID)
		if err != nil {
			return RequestResult{}, err
		}
		told := false
		for _, m := range members {
			if m.Role != db.RoleHead {
				continue
			}
			told = true
			res.Heads++
			lang := pickLang(m.Lang, "")
			key := fmt.Sprintf("request:%d:%d", o.ID, m.ID)
			msgs := []db.OutMessage{
				{Key: key + ":text", Text: tr(lang, "request.head", in.Title, formatDateTime(it.DeadlineAt, loc), weekday(it.DeadlineAt, loc, lang), code)},
				{Key: key + ":letter", Kind: db.KindDocument, FilePath: letter, FileName: in.Letter.Name, Text: tr(lang, "request.head_letter", code)},
			}
			if in.Template != nil {
				msgs = append(msgs, db.OutMessage{Key: key + ":template", Kind: db.KindDocument, FileName: in.Template.Name,
					FilePath: filepath.Join(dataDir, filepath.FromSlash(in.Template.StoredPath)), Text: tr(lang, "request.head_template", code)})
			}
			for _, msg := range msgs {
				msg.ChatID, msg.MemberID, msg.Purpose, msg.RefID = m.TelegramID, m.ID, "reminder", it.ID
				if _, _, err := tx.Enqueue(msg); err != nil {
					return RequestResult{}, err
				}
			}
		}
		if !told {
			res.Headless = append(res.Headless, it.Unit.Code)
		}
	}
	return res, nil
}

// readTemplateFile reads a workbook template from disk.
func readTemplateFile(path string) (figures.Template, error) {
	f, err := os.Open(path)
	if err != nil {
		return figures.Template{}, err
	}
	defer f.Close()
	return figures.ReadTemplate(f)
}

// placeDocument moves a document's file (already hashed into l) from src
// to <data>/<dir>, named by its content so the same document sent twice is
// one file, and returns its path relative to the data folder.
func placeDocument(dataDir, dir, src string, l db.Letter) (string, error) {
	rel := path.Join(dir, l.SHA256[:16]+"-"+safeName(l.Name))
	dest := filepath.Join(dataDir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(dest), 0o750); err != nil {
		return "", fmt.Errorf("store document: %w", err)
	}
	if _, err := os.Stat(dest); err == nil {
		os.Remove(src)
		return rel, nil
	}
	if err := os.Rename(src, dest); err != nil {
		return "", fmt.Errorf("store document: %w", err)
	}
	return rel, nil
}

// StoreLetter copies a letter from disk into the data folder, as the
// command line's "reportbot request --letter FILE" needs.
func StoreLetter(dataDir, file string) (db.Letter, error) {
	if !letterTypes[strings.ToLower(filepath.Ext(file))] {
		return db.Letter{}, fmt.Errorf("%s: a letter is a PDF or Word file (.pdf, .doc, .docx, .odt)", file)
	}
	return storeDocument(dataDir, lettersDir, file)
}

// StoreTemplate copies a workbook template from disk into the data folder,
// once it reads as a template.
func StoreTemplate(dataDir, file string) (db.Letter, error) {
	if _, err := readTemplateFile(file); err != nil {
		return db.Letter{}, fmt.Errorf("%s: %w", file, err)
	}
	return storeDocument(dataDir, templatesDir, file)
}

// storeDocument copies a file into <data>/<dir>, hashing it on the way.
func storeDocument(dataDir, dir, file string) (db.Letter, error) {
	src, err := os.Open(file)
	if err != nil {
		return db.Letter{}, err
	}
	defer src.Close()
	if err := os.MkdirAll(filepath.Join(dataDir, dir), 0o750); err != nil {
		return db.Letter{}, err
	}
	tmp, err := os.CreateTemp(filepath.Join(dataDir, dir), "in-*")
	if err != nil {
		return db.Letter{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), src)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return db.Letter{}, fmt.Errorf("copy letter: %w", err)
	}
	l := db.Letter{Name: filepath.Base(file), Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}
	if l.StoredPath, err = placeDocument(dataDir, dir, tmp.Name(), l); err != nil {
		os.Remove(tmp.Name())
		return db.Letter{}, err
	}
	return l, nil
}
