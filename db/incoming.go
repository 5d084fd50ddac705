package db

// SetIncomingNumber records the Office register's "số đến" against the
// submission with receipt code receiptNo/receiptYear (every version sharing
// it). It returns ErrNotFound when no submission has that code.
func (tx *Tx) SetIncomingNumber(receiptYear, receiptNo int, incoming string) error {
	res, err := tx.exec(`UPDATE submissions SET incoming_no = ? WHERE receipt_year = ? AND receipt_no = ?`, incoming, receiptYear, receiptNo)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// IncomingNumbers returns the "số đến" recorded for the submissions of a
// period, by submission id; submissions without one are left out.
func (r *Reader) IncomingNumbers(periodID int64) (map[int64]string, error) {
	rows, err := r.query(`SELECT s.id, s.incoming_no FROM submissions s JOIN assignments a ON a.id = s.assignment_id
		WHERE a.period_id = ? AND s.incoming_no != ''`, periodID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var no string
		if err := rows.Scan(&id, &no); err != nil {
			return nil, err
		}
		out[id] = no
	}
	return out, rows.Err()
}
