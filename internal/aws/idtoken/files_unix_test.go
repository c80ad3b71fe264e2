//go:build !windows

package idtoken

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/testkit/oidctest"
	"github.com/stscred/stscred/internal/testkit/samltest"
)

// returns runs f and fails the test if it has not returned after a
// minute: a hang shows as f not returning at all.
func returns(t *testing.T, what string, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Minute):
		t.Fatalf("%s has not returned after a minute", what)
		return nil
	}
}

// A FIFO or a device as the token or assertion file is refused at once
// with an error that says what it is and a hint, never read: a FIFO
// without a writer used to block the open for ever (audit finding 6),
// and /dev/zero as saml_assertion_file to grow memory without limit
// (finding 7).
func TestTokenFilesMustBeRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	s := Setup{Getenv: env(nil)}
	ctx := context.Background()
	for _, tc := range []struct{ path, want string }{
		{fifo, "is a named pipe (FIFO), not a regular file"},
		{"/dev/zero", "is a character device, not a regular file"},
		{dir, "is a directory, not a regular file"},
	} {
		web, _ := s.WebIdentity(&awsconfig.Profile{Name: "ci", WebIdentityTokenFile: tc.path})
		err := returns(t, "reading the token file "+tc.path, func() error { _, err := web.Token(ctx); return err })
		if err == nil || !strings.Contains(err.Error(), "cannot read the web identity token file "+tc.path+": it "+tc.want) || !strings.Contains(strings.Join(hint.Of(err), "\n"), "regular file") {
			t.Errorf("web_identity_token_file = %s: %v %q", tc.path, err, hint.Of(err))
		}
		saml, _ := s.SAML(&awsconfig.Profile{Name: "corp", SAMLAssertionFile: tc.path})
		err = returns(t, "reading the assertion file "+tc.path, func() error { _, _, err := saml.Assertion(ctx); return err })
		if err == nil || !strings.Contains(err.Error(), "cannot read the SAML assertion file "+tc.path+": it "+tc.want) || !strings.Contains(strings.Join(hint.Of(err), "\n"), "regular file") {
			t.Errorf("saml_assertion_file = %s: %v %q", tc.path, err, hint.Of(err))
		}
	}
}

// Files over the cap are refused by their size, never read whole: a
// token over 64 KiB, an assertion over 1 MiB (a real one is some
// kilobytes); one just under the cap is read.
func TestTokenFilesAreCapped(t *testing.T) {
	dir := t.TempDir()
	s := Setup{Getenv: env(nil)}
	ctx := context.Background()
	big := filepath.Join(dir, "big")
	os.WriteFile(big, nil, 0o600)
	if err := os.Truncate(big, 1<<40); err != nil {
		t.Fatal(err)
	}
	web, _ := s.WebIdentity(&awsconfig.Profile{Name: "ci", WebIdentityTokenFile: big})
	if _, err := web.Token(ctx); err == nil || !strings.Contains(err.Error(), "the web identity token file "+big+" is larger than 64 KiB: not a token") {
		t.Errorf("a 1 TiB token file: %v", err)
	}
	saml, _ := s.SAML(&awsconfig.Profile{Name: "corp", SAMLAssertionFile: big})
	if _, _, err := saml.Assertion(ctx); err == nil || !strings.Contains(err.Error(), "the SAML assertion file "+big+" is larger than 1 MiB: not an assertion") {
		t.Errorf("a 1 TiB assertion file: %v", err)
	}

	// At the caps: read (padded with the white space a file may end in).
	idp := oidctest.New(oidctest.Options{})
	tok := idp.Token(oidctest.Claims{Subject: "repo:corp/app:ref:main", Audience: []string{DefaultAudience}})
	tokFile := filepath.Join(dir, "token")
	os.WriteFile(tokFile, []byte(tok+strings.Repeat("\n", maxToken-len(tok))), 0o600)
	web, _ = s.WebIdentity(&awsconfig.Profile{Name: "ci", WebIdentityTokenFile: tokFile})
	if got, err := web.Token(ctx); err != nil || got != tok {
		t.Errorf("a token file of exactly 64 KiB: %v", err)
	}
	sidp := samltest.New(samltest.Options{})
	resp := sidp.Response(samltest.Assertion{Roles: []samltest.Role{{RoleARN: "arn:aws:iam::222222222222:role/Admin", ProviderARN: "arn:aws:iam::222222222222:saml-provider/Corp"}}})
	aFile := filepath.Join(dir, "assertion")
	os.WriteFile(aFile, []byte(resp+strings.Repeat("\n", maxAssertion-len(resp))), 0o600)
	saml, _ = s.SAML(&awsconfig.Profile{Name: "corp", SAMLAssertionFile: aFile})
	if got, a, err := saml.Assertion(ctx); err != nil || got != resp || len(a.Roles) != 1 {
		t.Errorf("an assertion file of exactly 1 MiB: %v", err)
	}
}
