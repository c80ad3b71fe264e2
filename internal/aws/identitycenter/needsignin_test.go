package identitycenter

import (
	"errors"
	"fmt"
	"testing"
)

func TestNeedsSignIn(t *testing.T) {
	s := Session{Name: "corp", StartURL: "https://corp.awsapps.com/start", Region: "eu-west-1"}
	err := fmt.Errorf("profile dev: %w", notSignedInErr(s, "not signed in to IAM Identity Center session %s", s.Label()))
	got, ok := NeedsSignIn(err)
	if !ok || got.Name != "corp" || got.LoginCommand() != "stscred sso login corp" || !errors.Is(err, ErrNotSignedIn) {
		t.Errorf("NeedsSignIn(%v) = %+v, %v", err, got, ok)
	}
	if _, ok := NeedsSignIn(errors.New("other")); ok {
		t.Error("NeedsSignIn of another error")
	}
	legacy := Session{StartURL: "https://old.awsapps.com/start", Region: "us-west-2"}
	if c := legacy.LoginCommand(); c != "stscred sso login https://old.awsapps.com/start" {
		t.Errorf("legacy LoginCommand = %q", c)
	}
}
