// Package mfa gets one-time MFA codes from wherever the user can give them:
// a code passed on the command line or in the environment, an mfa_process
// command, the controlling terminal, or a desktop dialog.
package mfa

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
)

// Request describes the code wanted.
type Request struct {
	Profile string // profile whose session needs the code
	Serial  string // the MFA device's ARN
	Attempt int    // 1 for the first ask; more after STS rejected a code
}

// Source produces MFA codes.
type Source interface {
	// Code returns a 6-digit code for req.
	Code(ctx context.Context, req Request) (string, error)
	// Name says where codes come from, for messages: "--mfa-token", "mfa_process", "terminal", "desktop".
	Name() string
	// Interactive sources can ask again after a rejected code.
	Interactive() bool
}

// ErrNoSource means no way to get a code exists in this context.
var ErrNoSource = errors.New("no way to ask for an MFA code")

// ValidCode reports whether s is a 6-digit TOTP code.
func ValidCode(s string) bool {
	if len(s) != 6 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func normalize(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), " ", "")
}

// Static is a code given up front (--mfa-token / STSCRED_MFA_TOKEN).
type Static struct {
	Token string
	// Given is when it was given (the process's start), zero if unknown.
	Given time.Time
}

// Stale reports whether the code, given at Given, can no longer be valid
// at now: its 30-second window and the next one (STS's tolerance for
// drift) are over.
func (s Static) Stale(now time.Time) bool {
	if s.Given.IsZero() {
		return false
	}
	return now.Truncate(Step).Sub(s.Given.Truncate(Step)) >= 2*Step
}

func (s Static) Name() string      { return "--mfa-token/STSCRED_MFA_TOKEN" }
func (s Static) Interactive() bool { return false }
func (s Static) Code(_ context.Context, req Request) (string, error) {
	code := normalize(s.Token)
	if !ValidCode(code) {
		return "", hint.With(fmt.Errorf("the MFA code given with --mfa-token/STSCRED_MFA_TOKEN is not 6 digits"),
			"pass the 6-digit code your MFA device shows now")
	}
	return code, nil
}
