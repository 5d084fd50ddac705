package db

import "fmt"

// A receipt number told to a head must never be handed out again, even when
// an older backup of the database is restored and so forgets the receipts
// given since. The numbers handed out outside the rows at hand (read from
// the names of received files, or from the database a restore replaced) are
// kept as a floor per year in settings; NextReceiptNo starts above it.

func receiptFloorKey(year int) string { return fmt.Sprintf("receipt_floor:%d", year) }

// RaiseReceiptFloor records that receipt numbers up to no of year are used.
// A lower number than the floor already kept changes nothing.
func (tx *Tx) RaiseReceiptFloor(year, no int) error {
	_, err := tx.exec(`INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = MAX(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))`,
		receiptFloorKey(year), fmt.Sprint(no))
	if err != nil {
		return fmt.Errorf("raise receipt floor %d/%d: %w", no, year, err)
	}
	return nil
}

// ReceiptHighs maps each year to the highest receipt number used, by a
// submission or by a floor; a restore carries it over to the backup.
func (r *Reader) ReceiptHighs() (map[int]int, error) {
	rows, err := r.query(`SELECT receipt_year, MAX(receipt_no) FROM submissions GROUP BY receipt_year
		UNION ALL SELECT CAST(substr(key, 15) AS INTEGER), CAST(value AS INTEGER) FROM settings WHERE key LIKE 'receipt\_floor:%' ESCAPE '\'`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var year, no int
		if err := rows.Scan(&year, &no); err != nil {
			return nil, err
		}
		out[year] = max(out[year], no)
	}
	return out, rows.Err()
}
