package db

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Ending a membership ends its desk access in the same transaction: the
// sessions at once, the unused sign-in links too; another member's stay.
func TestEndingAMembershipEndsItsDeskAccess(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	type access struct{ session, link string }
	open := func(m Member) access {
		t.Helper()
		var a access
		err := s.Tx(ctx, func(tx *Tx) error {
			token, err := tx.CreateDeskLogin(m.ID, 10*time.Minute)
			if err != nil {
				return err
			}
			if a.session, _, err = tx.RedeemDeskLogin(token, 12*time.Hour); err != nil {
				return err
			}
			a.link, err = tx.CreateDeskLogin(m.ID, 10*time.Minute)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	join := func(role Role, tg int64, name string) Member {
		t.Helper()
		var m Member
		err := s.Tx(ctx, func(tx *Tx) error {
			token, _, err := tx.CreateInvite(0, role, time.Hour, "test")
			if err != nil {
				return err
			}
			m, err = tx.RedeemInvite(token, Joiner{TelegramID: tg, Name: name})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	alive := func(a access) (session, link bool) {
		t.Helper()
		_, err := s.Read(ctx).DeskSession(a.session, day0)
		if err != nil && !errors.Is(err, ErrNotFound) {
			t.Fatal(err)
		}
		session = err == nil
		// Spending the link tells whether it was still there; roll it back.
		errUsable := errors.New("usable")
		err = s.Tx(ctx, func(tx *Tx) error {
			if _, _, err := tx.RedeemDeskLogin(a.link, time.Hour); err != nil {
				return err
			}
			return errUsable
		})
		if err != nil && !errors.Is(err, errUsable) && !errors.Is(err, ErrLoginInvalid) {
			t.Fatal(err)
		}
		return session, errors.Is(err, errUsable)
	}

	staff := join(RoleOffice, 101, "Bình")
	other := join(RoleOffice, 102, "Cúc")
	gone, stays := open(staff), open(other)
	if err := s.Tx(ctx, func(tx *Tx) error { return tx.RemoveMember(staff.ID) }); err != nil {
		t.Fatal(err)
	}
	if session, link := alive(gone); session || link {
		t.Errorf("after removal: session alive %v, link usable %v; want neither", session, link)
	}
	if session, link := alive(stays); !session || !link {
		t.Errorf("another member's access: session alive %v, link usable %v; want both", session, link)
	}
	if err := s.Tx(ctx, func(tx *Tx) error { return tx.RemoveMember(staff.ID) }); !errors.Is(err, ErrNotFound) {
		t.Errorf("removing twice: %v, want ErrNotFound", err)
	}

	// Moved by a new invite (here from the Office to the Director): the old
	// role's sessions end with the old membership.
	moved := join(RoleDirector, 102, "Cúc")
	if session, link := alive(stays); session || link {
		t.Errorf("after a move: session alive %v, link usable %v; want neither", session, link)
	}
	if fresh := open(moved); !func() bool { s, l := alive(fresh); return s && l }() {
		t.Error("the new membership cannot sign in to the desk")
	}
}
