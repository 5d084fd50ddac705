package db

import (
	"context"
	"errors"
	"testing"
)

// TestQuestionsGoWhenTheRoleChanges: a member given another role loses the
// questions and kept files waiting for them; a change of language does not.
func TestQuestionsGoWhenTheRoleChanges(t *testing.T) {
	s := openTest(t)
	_, memberID := seedAssignment(t, s)
	const tg = 1001
	ask := func() {
		t.Helper()
		err := s.Tx(context.Background(), func(tx *Tx) error {
			if err := tx.SetPendingInput(PendingInput{TelegramID: tg, ChatID: tg, Kind: "ext.request", RefID: 1}); err != nil {
				return err
			}
			_, err := tx.KeepFiles(KeptFiles{TelegramID: tg, ChatID: tg, Data: "{}"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	waiting := func() (question bool, kept int) {
		t.Helper()
		r := s.Read(context.Background())
		_, err := r.PeekPendingInput(tg, tg)
		files, ferr := r.MemberKeptFiles(tg, tg)
		if ferr != nil || (err != nil && !errors.Is(err, ErrNotFound)) {
			t.Fatal(err, ferr)
		}
		return err == nil, len(files)
	}
	update := func(q string) {
		t.Helper()
		if err := s.Tx(context.Background(), func(tx *Tx) error { _, err := tx.exec(q, memberID); return err }); err != nil {
			t.Fatal(err)
		}
	}
	ask()
	update(`UPDATE members SET lang = 'en' WHERE id = ?`)
	if q, k := waiting(); !q || k != 1 {
		t.Errorf("a language change dropped the questions: %v %d", q, k)
	}
	update(`UPDATE members SET role = 'director', unit_id = NULL WHERE id = ?`)
	if q, k := waiting(); q || k != 0 {
		t.Errorf("after a role change: question %v, kept files %d; want none", q, k)
	}
}

func TestPaperClaim(t *testing.T) {
	s := openTest(t)
	assignmentID, memberID := seedAssignment(t, s)
	if _, _, err := s.Read(context.Background()).PaperClaim(assignmentID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("claim before any: %v", err)
	}
	err := s.Tx(context.Background(), func(tx *Tx) error { return tx.ClaimPaper(assignmentID, memberID) })
	if err != nil {
		t.Fatal(err)
	}
	if by, at, err := s.Read(context.Background()).PaperClaim(assignmentID); err != nil || by != memberID || !at.Equal(day0) {
		t.Errorf("claim %d %v %v", by, at, err)
	}
	err = s.Tx(context.Background(), func(tx *Tx) error { return tx.DropPaperClaim(assignmentID) })
	if _, _, err2 := s.Read(context.Background()).PaperClaim(assignmentID); err != nil || !errors.Is(err2, ErrNotFound) {
		t.Errorf("after drop: %v %v", err, err2)
	}
}
