package db

import "path"

// Template is the workbook template an obligation carries.
type Template struct {
	ObligationID  int64
	FileName      string
	StoredPath    string // relative to the data folder
	Form, Version string
}

// Figure is one value read from a unit's workbook.
type Figure struct {
	Name   string
	Number float64
	Text   string
}

// SetTemplate attaches a template to an obligation, replacing any other.
func (tx *Tx) SetTemplate(t Template) error {
	_, err := tx.exec(`INSERT INTO templates (obligation_id, file_name, stored_path, form, version) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (obligation_id) DO UPDATE SET file_name = excluded.file_name, stored_path = excluded.stored_path, form = excluded.form, version = excluded.version`,
		t.ObligationID, t.FileName, t.StoredPath, t.Form, t.Version)
	return err
}

// KeepTemplate attaches, by the obligation's code, the template file a plan
// names (a path under the data folder; its form and version are read from
// the file when used); an empty path removes the obligation's template.
func (tx *Tx) KeepTemplate(code, storedPath string) error {
	if storedPath == "" {
		_, err := tx.exec(`DELETE FROM templates WHERE obligation_id = (SELECT id FROM obligations WHERE code = ?)`, code)
		return err
	}
	_, err := tx.exec(`INSERT INTO templates (obligation_id, file_name, stored_path, form, version) SELECT id, ?, ?, '', '' FROM obligations WHERE code = ?
		ON CONFLICT (obligation_id) DO UPDATE SET stored_path = excluded.stored_path, file_name = excluded.file_name`,
		path.Base(storedPath), storedPath, code)
	return err
}

// Template reads an obligation's template; ErrNotFound when it has none.
func (r *Reader) Template(obligationID int64) (Template, error) {
	t := Template{ObligationID: obligationID}
	err := r.queryRow(`SELECT file_name, stored_path, form, version FROM templates WHERE obligation_id = ?`, obligationID).
		Scan(&t.FileName, &t.StoredPath, &t.Form, &t.Version)
	return t, notFound(err)
}

// SaveFigures stores the figures read from a submission's workbook.
func (tx *Tx) SaveFigures(submissionID int64, figs []Figure) error {
	for _, f := range figs {
		if _, err := tx.exec(`INSERT INTO figures (submission_id, name, number, text) VALUES (?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET number = excluded.number, text = excluded.text`, submissionID, f.Name, f.Number, f.Text); err != nil {
			return err
		}
	}
	return nil
}

// Figures reads the figures of a submission, by name.
func (r *Reader) Figures(submissionID int64) (map[string]Figure, error) {
	rows, err := r.query(`SELECT name, number, text FROM figures WHERE submission_id = ?`, submissionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]Figure{}
	for rows.Next() {
		var f Figure
		if err := rows.Scan(&f.Name, &f.Number, &f.Text); err != nil {
			return nil, err
		}
		out[f.Name] = f
	}
	return out, rows.Err()
}
