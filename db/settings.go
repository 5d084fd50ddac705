package db

// DeleteSetting forgets a setting; it reports whether there was one, so a
// draft is used once.
func (tx *Tx) DeleteSetting(key string) (bool, error) {
	res, err := tx.exec(`DELETE FROM settings WHERE key = ?`, key)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}
