package app_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/sys/picker"
	"github.com/stscred/stscred/shell"
)

const pickConfig = `[profile alice]
mfa_serial = arn:aws:iam::111111111111:mfa/alice
[profile prod-admin]
source_profile = alice
role_arn = arn:aws:iam::222222222222:role/Admin
[profile prod]
credential_process = stscred role prod-admin
[profile dev-login]
login_session = arn:aws:iam::444444444444:user/dev
region = eu-west-1
`

// fakePicker stands in for the terminal: it records what it was shown
// and chooses the row with key choose ("" leaves with nothing).
type fakePicker struct {
	shown  []picker.Request
	choose string
	err    error
}

func (f *fakePicker) pick(_ context.Context, req picker.Request) (int, error) {
	f.shown = append(f.shown, req)
	if f.err != nil {
		return -1, f.err
	}
	for i, r := range req.Rows {
		if r.Key == f.choose {
			return i, nil
		}
	}
	return -1, picker.ErrCanceled
}

func (f *fakePicker) rows(i int) string {
	var out []string
	for _, r := range f.shown[i].Rows {
		out = append(out, r.Key+" "+strings.Join(r.Cells, " "))
	}
	return strings.Join(out, "\n")
}

func pickEnv(t *testing.T) (*env, *fakePicker) {
	e := newEnv(t, pickConfig)
	f := &fakePicker{}
	e.p.Pick = f.pick
	e.p.StdinTerminal = true
	e.vars["TERM"] = "xterm-256color"
	return e, f
}

// The picker's rows: every profile of the kind asked, what it is, and
// the time its cached credentials have left; the choice is remembered
// and comes first the next time.
func TestPickProfile(t *testing.T) {
	e, f := pickEnv(t)
	err := e.cache.Put(cache.Entry{Header: cache.Header{Key: "v1:role:x", Kind: cache.KindRole, Profile: "prod-admin"},
		Creds: creds.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "s", SessionToken: "t", Expiration: t0.Add(52 * time.Minute)}})
	if err != nil {
		t.Fatal(err)
	}
	f.choose = "prod"
	name, err := app.PickProfile(e.p, e.services(), "use", shell.AnyProfile)
	if err != nil || name != "prod" {
		t.Fatalf("chose %q, %v; want prod", name, err)
	}
	want := `alice user 111111111111 session -
prod-admin role 222222222222 Admin 52m left
prod tool 222222222222 Admin 52m left
dev-login login 444444444444 login -`
	if got := f.rows(0); got != want {
		t.Errorf("rows:\n%s\nwant:\n%s", got, want)
	}
	if req := f.shown[0]; req.Title != "stscred use: choose a profile" || len(req.Header) != 5 {
		t.Errorf("title %q, header %q", req.Title, req.Header)
	}
	// Remembered in the cache directory: a name, nothing secret.
	raw, err := os.ReadFile(filepath.Join(e.home, "cache", "last-chosen"))
	if err != nil || !strings.Contains(string(raw), `"prod"`) || strings.Contains(string(raw), "ASIA") {
		t.Fatalf("remembered: %q, %v", raw, err)
	}
	// Next time prod comes first; login's picker shows only what login
	// signs in (login profiles and IAM users').
	f.choose = "dev-login"
	name, err = app.PickProfile(e.p, e.services(), "login", shell.LoginProfile)
	if err != nil || name != "dev-login" {
		t.Fatalf("chose %q, %v; want dev-login", name, err)
	}
	if got := f.rows(1); !strings.HasPrefix(got, "alice ") || strings.Contains(got, "prod") {
		t.Errorf("login's rows:\n%s", got)
	}
	f.choose = "alice"
	if _, err := app.PickProfile(e.p, e.services(), "use", shell.AnyProfile); err != nil {
		t.Fatal(err)
	}
	if got := f.rows(2); !strings.HasPrefix(got, "dev-login ") {
		t.Errorf("the last choice does not come first:\n%s", got)
	}
	if e.stdout.String() != "" || e.stderr.String() != "" {
		t.Errorf("the picker printed: stdout %q, stderr %q", e.stdout, e.stderr)
	}
}

// Without a terminal to choose on, or nothing to choose from, the picker
// is not shown and the command goes on as it did without a profile.
func TestPickProfileNotShown(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(*env, *fakePicker)
		kind  shell.ProfileKind
	}{
		{"stdin is no terminal", func(e *env, _ *fakePicker) { e.p.StdinTerminal = false }, shell.AnyProfile},
		{"a dumb terminal", func(e *env, _ *fakePicker) { e.vars["TERM"] = "dumb" }, shell.AnyProfile},
		{"no picker", func(e *env, _ *fakePicker) { e.p.Pick = nil }, shell.AnyProfile},
		{"no controlling terminal", func(_ *env, f *fakePicker) {
			f.err = fmt.Errorf("%w: open /dev/tty: no such device or address", picker.ErrNoTerminal)
		}, shell.AnyProfile},
		{"no profile of the kind", func(e *env, _ *fakePicker) {
			e.write(".aws/config", "[profile prod-admin]\nsource_profile = x\nrole_arn = arn:aws:iam::222222222222:role/A\n")
		}, shell.SSOProfile},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, f := pickEnv(t)
			f.choose = "prod"
			tc.setup(e, f)
			name, err := app.PickProfile(e.p, e.services(), "whoami", tc.kind)
			if !errors.Is(err, app.ErrNotPicked) || name != "" {
				t.Fatalf("got %q, %v; want ErrNotPicked", name, err)
			}
			if _, err := os.Stat(filepath.Join(e.home, "cache", "last-chosen")); err == nil {
				t.Error("a choice was remembered")
			}
		})
	}
}

// Leaving the picker chooses nothing and remembers nothing.
func TestPickProfileLeft(t *testing.T) {
	e, f := pickEnv(t)
	s := app.NewServices(e.p)
	s.SessionCache = e.cache
	name, err := app.PickProfile(e.p, s, "use", shell.AnyProfile)
	if !errors.Is(err, picker.ErrCanceled) || name != "" {
		t.Fatalf("got %q, %v", name, err)
	}
	if len(f.shown) != 1 {
		t.Fatalf("shown %d times", len(f.shown))
	}
	if _, err := os.Stat(filepath.Join(e.home, "cache", "last-chosen")); err == nil {
		t.Error("a choice was remembered")
	}
	// The config and the cache's headers only: no keystore (a file
	// keystore would ask for its passphrase), no resolver.
	if got := strings.Join(s.Built(), ","); got != "config,profile model" {
		t.Errorf("the picker built %s", got)
	}
}
