package accesskey

import (
	"fmt"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/keystore"
)

// State is what IAM and the keystore hold: IAM's list of the user's keys
// (read afresh) and the id of the key stored for the profile.
type State struct {
	User    string
	Profile string
	Where   string
	Keys    []awsapi.AccessKeyInfo
	ListErr error // IAM's list could not be read
	Stored  string
	// StoredErr: the keystore could not say which key it holds.
	StoredErr error
}

// Lines describes the state for humans, one key a line:
//
//	AKIA…WXYZ Active, created 2026-01-02T03:04:05Z, stored for alice
func (s *State) Lines() []string {
	var out []string
	switch {
	case s.ListErr != nil:
		out = append(out, fmt.Sprintf("IAM's list of access keys could not be read: %v", s.ListErr))
	default:
		user := s.User
		if user == "" {
			user = "of " + s.Profile
		}
		out = append(out, fmt.Sprintf("IAM lists %d access key%s for the user %s:", len(s.Keys), plural(len(s.Keys)), user))
		for _, k := range s.Keys {
			stored := "not stored"
			if s.StoredErr == nil && k.ID == s.Stored {
				stored = "stored for " + s.Profile + " in " + s.Where
			}
			out = append(out, fmt.Sprintf("  %s %s, created %s, %s", keystore.MaskID(k.ID), k.Status, k.Created.UTC().Format(time.RFC3339), stored))
		}
	}
	switch {
	case s.StoredErr != nil:
		out = append(out, fmt.Sprintf("which key %s holds for %s could not be read: %v", s.Where, s.Profile, s.StoredErr))
	case s.ListErr != nil || find(s.Keys, s.Stored) == nil:
		out = append(out, fmt.Sprintf("%s holds the key %s for %s", s.Where, keystore.MaskID(s.Stored), s.Profile))
	}
	return out
}

func (s *State) String() string { return strings.Join(s.Lines(), "\n") }

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Error is a failed rotation: the step, the cause, and the state it left.
type Error struct {
	Profile string
	Step    string
	Err     error
	State   *State
}

func (e *Error) Error() string {
	msg := "rotating the key of " + e.Profile + ": " + e.Err.Error()
	if e.State != nil {
		msg += "\n" + e.State.String()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }
