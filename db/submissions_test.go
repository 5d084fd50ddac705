package db

import (
	"context"
	"errors"
	"testing"
	"time"
)

// seedAssignment makes one unit owing one obligation for one period due a
// week after day0, and returns the assignment id and a member of the unit.
func seedAssignment(t *testing.T, s *Store) (assignmentID, memberID int64) {
	t.Helper()
	err := s.Tx(context.Background(), func(tx *Tx) error {
		if _, err := tx.SyncUnits([]Unit{{Code: "TCBC", Name: "Phòng Tổ chức"}}); err != nil {
			return err
		}
		if _, err := tx.SyncObligations([]Obligation{{Code: "QCDC", Title: "Báo cáo", Rule: "yearly 10/06", Cover: "first-half",
			DueHour: 17, Offsets: "7d", UnitCodes: []string{"TCBC"}}}); err != nil {
			return err
		}
		r := tx.Reader()
		u, err := r.UnitByCode("TCBC")
		if err != nil {
			return err
		}
		obs, err := r.Obligations(false)
		if err != nil {
			return err
		}
		deadline := day0.Add(7 * 24 * time.Hour)
		p, err := tx.SavePeriod(Period{ObligationID: obs[0].ID, Key: "2026-H1", DueAt: deadline, DeadlineAt: deadline}, []int64{u.ID})
		if err != nil {
			return err
		}
		items, err := r.PeriodItems(p.ID)
		if err != nil {
			return err
		}
		assignmentID = items[0].ID
		token, _, err := tx.CreateInvite(u.ID, RoleHead, time.Hour, "test")
		if err != nil {
			return err
		}
		m, err := tx.RedeemInvite(token, Joiner{TelegramID: 1001, Name: "An"})
		memberID = m.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return assignmentID, memberID
}

func addTestSubmission(t *testing.T, s *Store, sub Submission) Submission {
	t.Helper()
	var got Submission
	err := s.Tx(context.Background(), func(tx *Tx) error {
		var err error
		got, err = tx.AddSubmission(sub)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestAddSubmissionNumbersVersionsAndReceipts(t *testing.T) {
	s := openTest(t)
	aid, mid := seedAssignment(t, s)
	file := SubmissionFile{FileName: "bc.pdf", StoredPath: "files/TCBC/2026-H1/2026-1-bc.pdf", Size: 10, SHA256: "abc"}
	first := addTestSubmission(t, s, Submission{AssignmentID: aid, MemberID: mid, ReceiptYear: 2026, DocNumber: "45/BC-SNV", Files: []SubmissionFile{file}})
	file.SHA256, file.StoredPath = "def", "files/TCBC/2026-H1/2026-2-bc.pdf"
	second := addTestSubmission(t, s, Submission{AssignmentID: aid, MemberID: mid, ReceiptYear: 2026, Files: []SubmissionFile{file}})
	next := addTestSubmission(t, s, Submission{AssignmentID: aid, Source: SourcePaper, ReceiptYear: 2027})

	if first.Version != 1 || second.Version != 2 || next.Version != 3 {
		t.Errorf("versions %d %d %d, want 1 2 3", first.Version, second.Version, next.Version)
	}
	if first.ReceiptNo != 1 || second.ReceiptNo != 2 || next.ReceiptNo != 1 {
		t.Errorf("receipts %s %s %s, want 1/2026 2/2026 1/2027", first.Receipt(), second.Receipt(), next.Receipt())
	}
	r := s.Read(context.Background())
	it, err := r.Item(aid)
	if err != nil {
		t.Fatal(err)
	}
	if it.Status != StatusSubmitted || !it.NextNoticeAt.IsZero() {
		t.Errorf("assignment %s next notice %v, want submitted with reminders stopped", it.Status, it.NextNoticeAt)
	}
	got, err := r.Submission(first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.DocNumber != "45/BC-SNV" || len(got.Files) != 1 || got.Files[0].SHA256 != "abc" || got.Source != SourceTelegram || !got.ReceivedAt.Equal(day0) {
		t.Errorf("stored submission %+v", got)
	}
	dup, err := r.SubmissionWithFile(aid, "abc")
	if err != nil || dup.ID != first.ID {
		t.Errorf("SubmissionWithFile = %+v, %v; want the first", dup, err)
	}
	if _, err := r.SubmissionWithFile(aid, "zzz"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown bytes: %v, want ErrNotFound", err)
	}
	all, err := r.Submissions(aid)
	if err != nil || len(all) != 3 {
		t.Fatalf("Submissions = %d, %v", len(all), err)
	}
	paths, err := r.StoredPaths()
	if err != nil || len(paths) != 2 || !paths["files/TCBC/2026-H1/2026-2-bc.pdf"] {
		t.Errorf("StoredPaths = %v, %v", paths, err)
	}
}

func TestReviewSubmissionActsOnce(t *testing.T) {
	s := openTest(t)
	aid, mid := seedAssignment(t, s)
	sub := addTestSubmission(t, s, Submission{AssignmentID: aid, MemberID: mid})
	review := func(id int64, status SubmissionStatus) bool {
		t.Helper()
		var changed bool
		err := s.Tx(context.Background(), func(tx *Tx) error {
			var err error
			changed, err = tx.ReviewSubmission(id, status, mid, "ok")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return changed
	}
	if !review(sub.ID, SubAccepted) {
		t.Fatal("first review did not change anything")
	}
	if review(sub.ID, SubReturned) {
		t.Fatal("second review changed a reviewed submission")
	}
	r := s.Read(context.Background())
	it, _ := r.Item(aid)
	if it.Status != StatusAccepted || it.ClosedAt.IsZero() {
		t.Errorf("assignment %s closed %v, want accepted and closed", it.Status, it.ClosedAt)
	}
	got, _ := r.Submission(sub.ID)
	if got.Status != SubAccepted || got.ReviewedBy != mid || got.ReviewNote != "ok" {
		t.Errorf("reviewed submission %+v", got)
	}
	err := s.Tx(context.Background(), func(tx *Tx) error { _, err := tx.ReviewSubmission(999, SubAccepted, mid, ""); return err })
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("review of a missing submission: %v, want ErrNotFound", err)
	}

	// A verdict on an older version leaves a newer version's assignment alone.
	v2 := addTestSubmission(t, s, Submission{AssignmentID: aid, MemberID: mid})
	v3 := addTestSubmission(t, s, Submission{AssignmentID: aid, MemberID: mid})
	review(v2.ID, SubReturned)
	if it, _ := r.Item(aid); it.Status != StatusSubmitted {
		t.Errorf("returning v2 while v3 waits made the assignment %s", it.Status)
	}
	review(v3.ID, SubReturned)
	if it, _ := r.Item(aid); it.Status != StatusReturned || it.NextNoticeAt.IsZero() {
		t.Errorf("returning the latest made the assignment %s (next notice %v), want returned with reminders", it.Status, it.NextNoticeAt)
	}
}

func TestDecideExtensionMovesOnlyThatAssignment(t *testing.T) {
	s := openTest(t)
	aid, mid := seedAssignment(t, s)
	proposed := day0.Add(20 * 24 * time.Hour)
	var ext Extension
	err := s.Tx(context.Background(), func(tx *Tx) error {
		var err error
		ext, err = tx.AddExtension(Extension{AssignmentID: aid, RequestedBy: mid, Reason: "thiếu số liệu", ProposedAt: proposed})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	decide := func(approve bool) bool {
		var changed bool
		if err := s.Tx(context.Background(), func(tx *Tx) error {
			var err error
			changed, err = tx.DecideExtension(ext.ID, approve, mid)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return changed
	}
	if !decide(true) {
		t.Fatal("approval did not change anything")
	}
	if decide(false) {
		t.Fatal("a decided extension was decided again")
	}
	r := s.Read(context.Background())
	it, _ := r.Item(aid)
	if !it.DeadlineAt.Equal(proposed) || !it.Period.DeadlineAt.Equal(day0.Add(7*24*time.Hour)) {
		t.Errorf("deadline %v (period %v), want the unit's moved to %v and the period's kept", it.DeadlineAt, it.Period.DeadlineAt, proposed)
	}
	if got, _ := r.Extension(ext.ID); got.Status != ExtApproved || got.DecidedBy != mid {
		t.Errorf("extension %+v", got)
	}
}

func TestAlbumRowsAddFilesAndExpire(t *testing.T) {
	s := openTest(t)
	aid, mid := seedAssignment(t, s)
	sub := addTestSubmission(t, s, Submission{AssignmentID: aid, MemberID: mid, ReceiptYear: 2026,
		Files: []SubmissionFile{{FileName: "p1.jpg", StoredPath: "files/a/2026-0001-p1.jpg", SHA256: "aa"}}})
	ctx := context.Background()
	err := s.Tx(ctx, func(tx *Tx) error {
		if err := tx.RememberAlbum(1001, "g1", sub.ID); err != nil {
			return err
		}
		files, err := tx.AddSubmissionFiles(sub.ID, []SubmissionFile{{FileName: "p2.jpg", StoredPath: "files/a/2026-0001-2-p2.jpg", SHA256: "bb"}})
		if err == nil && (files[0].ID == 0 || files[0].SubmissionID != sub.ID) {
			t.Errorf("added file %+v", files[0])
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r := s.Read(ctx)
	id, at, err := r.AlbumSubmission(1001, "g1")
	if err != nil || id != sub.ID || !at.Equal(day0) {
		t.Errorf("AlbumSubmission = %d, %v, %v; want %d at %v", id, at, err, sub.ID, day0)
	}
	if _, _, err := r.AlbumSubmission(1001, "other"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown album: %v, want ErrNotFound", err)
	}
	got, err := r.Submission(sub.ID)
	if err != nil || len(got.Files) != 2 || got.Files[1].SHA256 != "bb" || got.Version != 1 {
		t.Errorf("submission after adding: %+v, %v", got, err)
	}
	// A day later, remembering another album drops the old row.
	s.Now = func() time.Time { return day0.Add(25 * time.Hour) }
	if err := s.Tx(ctx, func(tx *Tx) error { return tx.RememberAlbum(1001, "g2", sub.ID) }); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.AlbumSubmission(1001, "g1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("old album row kept: %v", err)
	}
	if _, _, err := r.AlbumSubmission(1001, "g2"); err != nil {
		t.Errorf("new album row: %v", err)
	}
}
