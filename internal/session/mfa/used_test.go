package mfa

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

type seqSource struct {
	codes       []string
	interactive bool
	name        string
	asked       int
}

func (s *seqSource) Name() string      { return s.name }
func (s *seqSource) Interactive() bool { return s.interactive }
func (s *seqSource) Code(context.Context, Request) (string, error) {
	c := s.codes[min(s.asked, len(s.codes)-1)]
	s.asked++
	return c, nil
}

func TestUsedCodesWindow(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 10, 0, time.UTC)
	u := UsedCodes{Dir: t.TempDir(), Now: func() time.Time { return now }}
	if used, _ := u.Used("dev", "123456"); used {
		t.Fatal("nothing used yet")
	}
	if err := u.Remember("dev", "123456"); err != nil {
		t.Fatal(err)
	}
	used, until := u.Used("dev", "123456")
	if !used || !until.Equal(time.Date(2026, 11, 24, 10, 1, 0, 0, time.UTC)) {
		t.Fatalf("used %v until %s", used, until)
	}
	if used, _ := u.Used("dev", "654321"); used {
		t.Fatal("another code is not used")
	}
	if used, _ := u.Used("other-dev", "123456"); used {
		t.Fatal("per device")
	}
	now = until
	if used, _ := u.Used("dev", "123456"); used {
		t.Fatal("expired record still blocks")
	}
	// Only a hash is stored.
	des, _ := os.ReadDir(u.Dir)
	for _, de := range des {
		b, _ := os.ReadFile(u.Dir + "/" + de.Name())
		if strings.Contains(string(b), "123456") {
			t.Fatal("code stored in the clear")
		}
	}
}

func TestFresh(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 10, 0, time.UTC)
	u := UsedCodes{Dir: t.TempDir(), Now: func() time.Time { return now }}
	u.Remember(req.Serial, "111111")
	var said []string
	say := func(s string) { said = append(said, s) }

	// Interactive: told, asked again.
	tty := &seqSource{codes: []string{"111111", "222222"}, interactive: true, name: "terminal"}
	code, err := Fresh(context.Background(), tty, req, u, say)
	if err != nil || code != "222222" || tty.asked != 2 || len(said) != 1 || !strings.Contains(said[0], "enter the next one") {
		t.Fatalf("code %q err %v asked %d said %q", code, err, tty.asked, said)
	}
	// Given up front: an error, with a hint.
	given := &seqSource{codes: []string{"111111"}, name: Static{}.Name()}
	if _, err := Fresh(context.Background(), given, req, u, say); !errors.Is(err, ErrCodeUsed) {
		t.Fatalf("err = %v", err)
	}
	// Unused code passes straight through.
	if code, err := Fresh(context.Background(), &seqSource{codes: []string{"333333"}, name: "x"}, req, u, say); err != nil || code != "333333" {
		t.Fatal(code, err)
	}
}

// mfa_process giving the used code is run again once the next step starts.
// The clock is a fake that moves when Fresh sleeps.
func TestFreshWaitsForProcess(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 20, 0, time.UTC) // 10s before a step ends
	var slept time.Duration
	u := UsedCodes{Dir: t.TempDir(), Now: func() time.Time { return now },
		Sleep: func(_ context.Context, d time.Duration) error { slept += d; now = now.Add(d); return nil }}
	if err := u.Remember(req.Serial, "111111"); err != nil {
		t.Fatal(err)
	}
	proc := &seqSource{codes: []string{"111111", "444444"}, name: Process{}.Name()}
	var said string
	code, err := Fresh(context.Background(), proc, req, u, func(s string) { said = s })
	if err != nil || code != "444444" || proc.asked != 2 || !strings.Contains(said, "waiting") {
		t.Fatalf("code %q err %v asked %d said %q", code, err, proc.asked, said)
	}
	// It waited for the next step to start (and a second more), no less.
	if next := time.Date(2026, 11, 24, 10, 0, 30, 0, time.UTC); now.Before(next) || slept > 12*time.Second {
		t.Fatalf("asked again at %s after sleeping %s; the next step starts at %s", now, slept, next)
	}
}
