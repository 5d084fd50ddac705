package desk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/reportbot/reportbot/db"
)

// pathID reads a numeric id from the route.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errBadRequest
	}
	return id, nil
}

// grid is the matrix; a unit's people see only their own row.
func (s *Server) grid(w http.ResponseWriter, r *http.Request, c caller) error {
	sel := strings.TrimSpace(r.URL.Query().Get("obligation") + " " + r.URL.Query().Get("period"))
	g, err := s.core.Grid(r.Context(), c.Lang, sel)
	if errors.Is(err, ErrUnknownSelection) {
		return apiError{http.StatusBadRequest, "unknown_selection"}
	}
	if err != nil {
		return err
	}
	if c.Member.Role.NeedsUnit() {
		var own []Row
		for _, row := range g.Rows {
			if row.UnitID == c.Member.UnitID {
				own = append(own, row)
			}
		}
		g.Rows = own
	}
	return writeJSON(w, http.StatusOK, g)
}

// maySee reports whether the caller may look at a unit.
func maySee(c caller, unitID int64) bool {
	return !c.Member.Role.NeedsUnit() || c.Member.UnitID == unitID
}

// unit is one unit's page.
func (s *Server) unit(w http.ResponseWriter, r *http.Request, c caller) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if !maySee(c, id) {
		return errForbidden
	}
	page, err := s.core.Unit(r.Context(), c.Lang, id)
	if errors.Is(err, db.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, page)
}

// file sends a stored file under the name it was received with. The path
// on disk comes from the database; nothing of the request reaches it.
func (s *Server) file(w http.ResponseWriter, r *http.Request, c caller) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rd := s.store.Read(r.Context())
	f, assignmentID, err := rd.SubmissionFile(id)
	if errors.Is(err, db.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	it, err := rd.Item(assignmentID)
	if err != nil {
		return err
	}
	if !maySee(c, it.UnitID) {
		return errForbidden
	}
	fh, err := os.Open(filepath.Join(s.cfg.DataDir, filepath.FromSlash(f.StoredPath)))
	if err != nil {
		return fmt.Errorf("open stored file %d: %w", f.ID, err)
	}
	defer fh.Close()
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.FileName}))
	w.Header().Set("Content-Type", "application/octet-stream")
	http.ServeContent(w, r, "", s.store.Now(), fh)
	return nil
}

// register is the register of received reports, searched.
func (s *Server) register(w http.ResponseWriter, r *http.Request, c caller) error {
	rows, err := s.core.Register(r.Context(), c.Lang, strings.TrimSpace(r.URL.Query().Get("q")))
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []RegisterRow{}
	}
	return writeJSON(w, http.StatusOK, rows)
}

// export sends the workbook of a selection.
func (s *Server) export(w http.ResponseWriter, r *http.Request, c caller) error {
	sel := strings.TrimSpace(r.URL.Query().Get("obligation") + " " + r.URL.Query().Get("period"))
	// Built first, so a failure is an error answer, not a broken download.
	var buf bytes.Buffer
	name, err := s.core.Export(r.Context(), &buf, c.Lang, sel)
	if errors.Is(err, ErrUnknownSelection) {
		return apiError{http.StatusBadRequest, "unknown_selection"}
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	_, err = buf.WriteTo(w)
	return err
}

// accept accepts a submission, as the Accept button in the Office chat does.
func (s *Server) accept(w http.ResponseWriter, r *http.Request, c caller) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	out, err := s.core.Accept(r.Context(), c.Member, c.Lang, id)
	return s.answer(w, out, err)
}

// returnReport sends a submission back with the Office's reason.
func (s *Server) returnReport(w http.ResponseWriter, r *http.Request, c caller) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var body struct {
		Reason string `json:"reason"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 8<<10)).Decode(&body); err != nil {
		return errBadRequest
	}
	if strings.TrimSpace(body.Reason) == "" {
		return apiError{http.StatusBadRequest, "reason_empty"}
	}
	out, err := s.core.Return(r.Context(), c.Member, c.Lang, id, strings.TrimSpace(body.Reason))
	return s.answer(w, out, err)
}

// decide approves or refuses an extension request.
func (s *Server) decide(w http.ResponseWriter, r *http.Request, c caller) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var approve bool
	switch r.PathValue("decision") {
	case "approve":
		approve = true
	case "refuse":
	default:
		return errNotFound
	}
	out, err := s.core.Decide(r.Context(), c.Member, c.Lang, id, approve)
	return s.answer(w, out, err)
}

// upload takes a head's report file for one of their unit's assignments,
// under the same rules as a file sent in chat; the receipt goes to the chat.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, c caller) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return errBadRequest
	}
	for {
		part, err := mr.NextPart()
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return apiError{http.StatusRequestEntityTooLarge, "too_big"}
			}
			return errBadRequest
		}
		if part.FormName() != "file" || part.FileName() == "" {
			part.Close()
			continue
		}
		out, err := s.core.Submit(r.Context(), c.Member, c.Lang, id, part.FileName(), part)
		part.Close()
		return s.answer(w, out, err)
	}
}

// answer sends an action's outcome.
func (s *Server) answer(w http.ResponseWriter, out Outcome, err error) error {
	if errors.Is(err, db.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// ErrUnknownSelection means a selection names no obligation and no period.
var ErrUnknownSelection = errors.New("unknown obligation or period")
