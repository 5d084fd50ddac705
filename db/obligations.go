package db

import (
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Obligation is a report the plan says some units owe, on a recurrence.
type Obligation struct {
	ID            int64
	Code          string
	Title         string
	TitleEN       string
	Basis         string // the legal basis, e.g. "Kế hoạch số 38/KH-SNV ngày 04/3/2021"
	Rule          string // canonical recurrence, e.g. "yearly 10/06"
	Cover         string // what a period covers: year, first-half, quarter, …
	DueHour       int
	DueMinute     int
	Offsets       string // canonical reminder offsets, e.g. "7d,3d,1d,0d"
	FixedDeadline bool   // true: never moved off a day off
	Announce      bool
	Summary       bool
	NameLateUnits bool
	UnitCodes     []string
	UpdatedAt     time.Time
	ClosedAt      time.Time
}

// same reports whether two obligations say the same thing (ignoring ids and
// stamps), so re-importing an unchanged plan writes nothing.
func (o Obligation) same(p Obligation) bool {
	return o.Code == p.Code && o.Title == p.Title && o.TitleEN == p.TitleEN && o.Basis == p.Basis &&
		o.Rule == p.Rule && o.Cover == p.Cover && o.DueHour == p.DueHour && o.DueMinute == p.DueMinute &&
		o.Offsets == p.Offsets && o.FixedDeadline == p.FixedDeadline && o.Announce == p.Announce &&
		o.Summary == p.Summary && o.NameLateUnits == p.NameLateUnits &&
		strings.Join(o.UnitCodes, ",") == strings.Join(p.UnitCodes, ",") && o.ClosedAt.IsZero() == p.ClosedAt.IsZero()
}

// Change is one difference a plan import made (or would make).
type Change struct {
	What   string // "unit" or "obligation"
	Code   string
	Action string // "added", "changed", "closed", "reopened"
	Detail string
}

func (c Change) String() string {
	s := fmt.Sprintf("%s %s %s", c.What, c.Code, c.Action)
	if c.Detail != "" {
		s += ": " + c.Detail
	}
	return s
}

// SyncUnits makes the stored units match the plan's: new ones added, changed
// names updated, units no longer in the plan closed (never deleted: their
// history stays).
func (tx *Tx) SyncUnits(units []Unit) ([]Change, error) {
	existing, err := tx.Reader().Units(true)
	if err != nil {
		return nil, err
	}
	byCode := map[string]Unit{}
	for _, u := range existing {
		byCode[u.Code] = u
	}
	var changes []Change
	seen := map[string]bool{}
	for _, u := range units {
		seen[u.Code] = true
		old, ok := byCode[u.Code]
		switch {
		case !ok:
			if _, err := tx.exec(`INSERT INTO units (code, name, name_en) VALUES (?, ?, ?)`, u.Code, u.Name, u.NameEN); err != nil {
				return nil, fmt.Errorf("add unit %s: %w", u.Code, err)
			}
			changes = append(changes, Change{What: "unit", Code: u.Code, Action: "added", Detail: u.Name})
		case old.Name != u.Name || old.NameEN != u.NameEN || !old.ClosedAt.IsZero():
			if _, err := tx.exec(`UPDATE units SET name = ?, name_en = ?, closed_at = NULL WHERE id = ?`, u.Name, u.NameEN, old.ID); err != nil {
				return nil, err
			}
			action := "changed"
			if !old.ClosedAt.IsZero() {
				action = "reopened"
			}
			changes = append(changes, Change{What: "unit", Code: u.Code, Action: action, Detail: u.Name})
		}
	}
	for _, u := range existing {
		if !seen[u.Code] && u.ClosedAt.IsZero() {
			if _, err := tx.exec(`UPDATE units SET closed_at = ? WHERE id = ?`, tx.now.Unix(), u.ID); err != nil {
				return nil, err
			}
			changes = append(changes, Change{What: "unit", Code: u.Code, Action: "closed", Detail: u.Name})
		}
	}
	return changes, nil
}

// Units lists units by code; closed ones only when asked.
func (r *Reader) Units(withClosed bool) ([]Unit, error) {
	q := `SELECT id, code, name, name_en, closed_at FROM units`
	if !withClosed {
		q += ` WHERE closed_at IS NULL`
	}
	rows, err := r.query(q + ` ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		var u Unit
		var closed sql.NullInt64
		if err := rows.Scan(&u.ID, &u.Code, &u.Name, &u.NameEN, &closed); err != nil {
			return nil, err
		}
		u.ClosedAt = nullTime(closed)
		out = append(out, u)
	}
	return out, rows.Err()
}

// Unit finds a unit by id.
func (r *Reader) Unit(id int64) (Unit, error) {
	return r.unitWhere(`id = ?`, id)
}

// UnitByCode finds an open unit by its code, case-insensitively.
func (r *Reader) UnitByCode(code string) (Unit, error) {
	return r.unitWhere(`code = ? COLLATE NOCASE AND closed_at IS NULL`, code)
}

func (r *Reader) unitWhere(cond string, arg any) (Unit, error) {
	var u Unit
	var closed sql.NullInt64
	err := r.queryRow(`SELECT id, code, name, name_en, closed_at FROM units WHERE `+cond, arg).Scan(&u.ID, &u.Code, &u.Name, &u.NameEN, &closed)
	u.ClosedAt = nullTime(closed)
	return u, notFound(err)
}

const obligationCols = `id, code, title, title_en, basis, rule, cover, due_hour, due_minute, offsets, fixed_deadline, announce, summary, name_late_units, updated_at, closed_at`

func scanObligation(sc interface{ Scan(...any) error }) (Obligation, error) {
	var o Obligation
	var updated int64
	var closed sql.NullInt64
	err := sc.Scan(&o.ID, &o.Code, &o.Title, &o.TitleEN, &o.Basis, &o.Rule, &o.Cover, &o.DueHour, &o.DueMinute, &o.Offsets,
		&o.FixedDeadline, &o.Announce, &o.Summary, &o.NameLateUnits, &updated, &closed)
	o.UpdatedAt, o.ClosedAt = fromUnix(updated), nullTime(closed)
	return o, err
}

// Obligations lists obligations by code, with the codes of the units owing
// each; closed ones only when asked.
func (r *Reader) Obligations(withClosed bool) ([]Obligation, error) {
	out, err := r.ObligationsBare(withClosed)
	if err != nil {
		return nil, err
	}
	units, err := r.obligationUnitCodes(``)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].UnitCodes = units[out[i].ID]
	}
	return out, nil
}

// ObligationsBare lists obligations like Obligations but without the codes
// of the units owing each (UnitCodes is nil): the planner's daily upkeep
// reads each one's unit ids itself, and reading every obligation's unit
// codes, sorted, was most of that upkeep at 100,000 units.
func (r *Reader) ObligationsBare(withClosed bool) ([]Obligation, error) {
	q := `SELECT ` + obligationCols + ` FROM obligations`
	if !withClosed {
		q += ` WHERE closed_at IS NULL`
	}
	rows, err := r.query(q + ` ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Obligation
	for rows.Next() {
		o, err := scanObligation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Obligation finds an obligation by id.
func (r *Reader) Obligation(id int64) (Obligation, error) {
	o, err := scanObligation(r.queryRow(`SELECT `+obligationCols+` FROM obligations WHERE id = ?`, id))
	if err != nil {
		return o, notFound(err)
	}
	units, err := r.obligationUnitCodes(`WHERE ou.obligation_id = ?`, id)
	o.UnitCodes = units[o.ID]
	return o, err
}

// obligationUnitCodes lists, by obligation, the codes of the units owing
// it, in code order, for the obligations where picks (ou is obligation_units).
func (r *Reader) obligationUnitCodes(where string, args ...any) (map[int64][]string, error) {
	rows, err := r.query(`SELECT ou.obligation_id, u.code FROM obligation_units ou JOIN units u ON u.id = ou.unit_id `+where+` ORDER BY u.code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return nil, err
		}
		out[id] = append(out[id], code)
	}
	return out, rows.Err()
}

// SyncObligations makes the stored obligations match the plan's. Units must
// be synced first. Obligations no longer in the plan are closed; their
// periods and submissions stay. Periods are not touched here: the planner
// regenerates future periods from the changed obligation, and past periods
// keep the deadline they had.
func (tx *Tx) SyncObligations(obs []Obligation) ([]Change, error) {
	existing, err := tx.Reader().Obligations(true)
	if err != nil {
		return nil, err
	}
	byCode := map[string]Obligation{}
	for _, o := range existing {
		byCode[o.Code] = o
	}
	var changes []Change
	seen := map[string]bool{}
	for _, o := range obs {
		o.UnitCodes = append([]string(nil), o.UnitCodes...)
		sort.Strings(o.UnitCodes)
		seen[o.Code] = true
		old, ok := byCode[o.Code]
		if ok && old.same(o) {
			continue
		}
		var id int64
		if ok {
			id = old.ID
			_, err = tx.exec(`UPDATE obligations SET title = ?, title_en = ?, basis = ?, rule = ?, cover = ?, due_hour = ?, due_minute = ?, offsets = ?,
				fixed_deadline = ?, announce = ?, summary = ?, name_late_units = ?, updated_at = ?, closed_at = NULL WHERE id = ?`,
				o.Title, o.TitleEN, o.Basis, o.Rule, o.Cover, o.DueHour, o.DueMinute, o.Offsets,
				o.FixedDeadline, o.Announce, o.Summary, o.NameLateUnits, tx.now.Unix(), id)
			changes = append(changes, Change{What: "obligation", Code: o.Code, Action: "changed", Detail: describeObligationChange(old, o)})
		} else {
			var res sql.Result
			res, err = tx.exec(`INSERT INTO obligations (code, title, title_en, basis, rule, cover, due_hour, due_minute, offsets, fixed_deadline, announce, summary, name_late_units, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				o.Code, o.Title, o.TitleEN, o.Basis, o.Rule, o.Cover, o.DueHour, o.DueMinute, o.Offsets,
				o.FixedDeadline, o.Announce, o.Summary, o.NameLateUnits, tx.now.Unix())
			if err == nil {
				id, _ = res.LastInsertId()
			}
			changes = append(changes, Change{What: "obligation", Code: o.Code, Action: "added", Detail: o.Title})
		}
		if err != nil {
			return nil, fmt.Errorf("save obligation %s: %w", o.Code, err)
		}
		if err := tx.setObligationUnits(id, o.UnitCodes); err != nil {
			return nil, fmt.Errorf("obligation %s: %w", o.Code, err)
		}
	}
	for _, o := range existing {
		if !seen[o.Code] && o.ClosedAt.IsZero() && !tx.isRequest(o.ID) {
			if _, err := tx.exec(`UPDATE obligations SET closed_at = ?, updated_at = ? WHERE id = ?`, tx.now.Unix(), tx.now.Unix(), o.ID); err != nil {
				return nil, err
			}
			changes = append(changes, Change{What: "obligation", Code: o.Code, Action: "closed", Detail: o.Title})
		}
	}
	return changes, nil
}

func describeObligationChange(old, o Obligation) string {
	var parts []string
	diff := func(name, a, b string) {
		if a != b {
			parts = append(parts, fmt.Sprintf("%s: %q → %q", name, a, b))
		}
	}
	diff("title", old.Title, o.Title)
	diff("recurrence", old.Rule, o.Rule)
	diff("covers", old.Cover, o.Cover)
	diff("due_time", fmt.Sprintf("%02d:%02d", old.DueHour, old.DueMinute), fmt.Sprintf("%02d:%02d", o.DueHour, o.DueMinute))
	diff("reminders", old.Offsets, o.Offsets)
	diff("units", strings.Join(old.UnitCodes, ","), strings.Join(o.UnitCodes, ","))
	diff("basis", old.Basis, o.Basis)
	if len(parts) == 0 {
		return "settings"
	}
	return strings.Join(parts, "; ")
}

func (tx *Tx) setObligationUnits(obligationID int64, codes []string) error {
	if _, err := tx.exec(`DELETE FROM obligation_units WHERE obligation_id = ?`, obligationID); err != nil {
		return err
	}
	for _, code := range codes {
		res, err := tx.exec(`INSERT INTO obligation_units (obligation_id, unit_id) SELECT ?, id FROM units WHERE code = ?`, obligationID, code)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("unknown unit %s", code)
		}
	}
	return nil
}

// ObligationUnitIDs lists the open units that owe an obligation, by id. The
// daily upkeep asks for every obligation: the ids come in order straight
// from the obligation_units key, and the few closed units from their own
// index (units_closed), with no lookup of each unit and no sort.
func (r *Reader) ObligationUnitIDs(obligationID int64) ([]int64, error) {
	rows, err := r.query(`SELECT unit_id FROM obligation_units WHERE obligation_id = ?
		AND unit_id NOT IN (SELECT id FROM units WHERE closed_at IS NOT NULL) ORDER BY unit_id`, obligationID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
