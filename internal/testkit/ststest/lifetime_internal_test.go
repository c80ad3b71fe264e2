package ststest

import (
	"testing"
	"time"
)

func TestMaxRoleCredentialLifetime(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	srv := New(Options{Now: func() time.Time { return now }, MaxRoleCredentialLifetime: 20 * time.Second})
	u := srv.AddUser("111111111111", "alice")
	role := srv.AddRole(Role{ARN: "arn:aws:iam::222222222222:role/R"})
	user := srv.users[u.ARN()]
	if rec := srv.issueSession(Session{Action: "AssumeRole"}, user, srv.roles[role.ARN], now, time.Hour, 10); !rec.Expiration.Equal(now.Add(20 * time.Second)) {
		t.Fatalf("role credentials expire %s, want capped at 20s", rec.Expiration)
	}
	if rec := srv.issueSession(Session{Action: "GetSessionToken"}, user, nil, now, time.Hour, 10); !rec.Expiration.Equal(now.Add(time.Hour)) {
		t.Fatalf("session expires %s: only role credentials are capped", rec.Expiration)
	}
}

// A delay injected for one action is that action's alone.
func TestDelaysArePerAction(t *testing.T) {
	s := New(Options{})
	if err := s.Delay("CreateAccessKey", 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.delayFor("CreateAccessKey"); d != 300*time.Millisecond {
		t.Errorf("CreateAccessKey delay %v", d)
	}
	if d := s.delayFor("ListAccessKeys"); d != 0 {
		t.Errorf("ListAccessKeys delayed %v too", d)
	}
}
