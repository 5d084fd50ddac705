package reporting

import (
	"errors"
	"fmt"
)

// Code says what kind of refusal an Error is, for a face that maps kinds
// to its own means (a toast, an HTTP status).
type Code string

// The codes of refusals. Anything that is not an *Error is internal: the
// face logs it and apologises, never shows it.
const (
	// CodeNotAllowed: the actor's role or unit does not let them do this.
	CodeNotAllowed Code = "not_allowed"
	// CodeConflict: the assignment or submission is no longer in a state
	// that allows it (already decided, already accepted, closed).
	CodeConflict Code = "conflict"
	// CodeInvalid: the input is wrong (a date that does not exist, an
	// empty reason); the user can correct it and try again.
	CodeInvalid Code = "invalid"
	// CodeNotFound: the thing acted on does not exist (a stale button).
	CodeNotFound Code = "not_found"
)

// Error is a refusal fit to show: a code, and a message key with its
// arguments that the face translates (miniflux's LocalizedError).
type Error struct {
	Code Code
	Key  string
	Args []any
}

func (e *Error) Error() string {
	if len(e.Args) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Key)
	}
	return fmt.Sprintf("%s: %s %v", e.Code, e.Key, e.Args)
}

// refuse makes an Error.
func refuse(code Code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// AsError finds the refusal in err, if it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
