// Package hint attaches "what to do next" advice to errors.
//
// Packages return ordinary wrapped errors; where they know what the user
// should do about one, they wrap it with With. The command layer prints the
// error as "stscred: error: ..." and every hint found along the error chain
// as "stscred: hint: ...".
package hint

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/stscred/stscred/internal/base/textsafe"
)

// Error is an error carrying advice for the user.
type Error struct {
	Err   error
	Hints []string
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// With returns err with hints attached. A nil err stays nil.
func With(err error, hints ...string) error {
	if err == nil {
		return nil
	}
	return &Error{Err: err, Hints: hints}
}

// Of returns every hint attached anywhere along err's chain, outermost first,
// without duplicates.
func Of(err error) []string {
	var out []string
	seen := map[string]bool{}
	var walk func(error)
	walk = func(e error) {
		for e != nil {
			if h, ok := e.(*Error); ok {
				for _, s := range h.Hints {
					if !seen[s] {
						seen[s] = true
						out = append(out, s)
					}
				}
			}
			switch u := e.(type) {
			case interface{ Unwrap() []error }:
				for _, inner := range u.Unwrap() {
					walk(inner)
				}
				return
			default:
				e = errors.Unwrap(e)
			}
		}
	}
	walk(err)
	return out
}

// Print writes err and its hints in stscred's format:
//
//	stscred: error: ...
//	stscred: hint: ...
//
// without a trailing period, and with every control character escaped: a
// profile name holding a newline cannot forge a hint line, nor ESC a
// terminal sequence.
func Print(w io.Writer, err error) {
	msg := strings.TrimSuffix(strings.TrimSpace(err.Error()), ".")
	fmt.Fprintf(w, "stscred: error: %s\n", textsafe.Escape(msg))
	for _, h := range Of(err) {
		fmt.Fprintf(w, "stscred: hint: %s\n", textsafe.Escape(h))
	}
}
