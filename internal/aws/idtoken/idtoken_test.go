package idtoken

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/sys/proc"
	"github.com/stscred/stscred/internal/testkit/oidctest"
	"github.com/stscred/stscred/internal/testkit/samltest"
)

func env(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }

func TestDecode(t *testing.T) {
	idp := oidctest.New(oidctest.Options{})
	idp.Start()
	defer idp.Close()
	exp := time.Now().Add(time.Hour).Truncate(time.Second).UTC()
	tok := idp.Token(oidctest.Claims{Subject: "repo:corp/app:ref:main", Audience: []string{"sts.amazonaws.com", "other"}, Expiry: exp})
	c, err := Decode(tok)
	if err != nil {
		t.Fatal(err)
	}
	if c.Issuer != idp.URL() || c.Subject != "repo:corp/app:ref:main" || !c.HasAudience("other") || !c.Expires.Equal(exp) || c.IssuedAt.IsZero() {
		t.Fatalf("%+v", c)
	}
	one, _ := Decode(idp.Token(oidctest.Claims{Audience: []string{"sts.amazonaws.com"}}))
	if len(one.Audience) != 1 || one.Audience[0] != "sts.amazonaws.com" {
		t.Fatalf("a string aud: %+v", one)
	}
	for _, bad := range []string{"", "a.b", "abc", "a.!!!.c", "a." + "bm90IGpzb24" + ".c"} {
		if _, err := Decode(bad); err == nil {
			t.Errorf("Decode(%q) accepted", bad)
		}
	}
}

// The first source that applies, and tokens from each.
func TestWebIdentitySources(t *testing.T) {
	gh := oidctest.NewGitHubActions(oidctest.GitHubOptions{})
	gh.Start()
	defer gh.Close()
	dir := t.TempDir()
	file := filepath.Join(dir, "token")
	fileTok := gh.Token("sts.amazonaws.com")
	os.WriteFile(file, []byte("  "+fileTok+"\n"), 0o600)
	vars := map[string]string{"ACTIONS_ID_TOKEN_REQUEST_URL": gh.RequestURL(), "ACTIONS_ID_TOKEN_REQUEST_TOKEN": gh.RequestToken(), homeVar(): dir}
	s := Setup{Getenv: env(vars), Runner: &proc.Runner{LookPath: func(p string) (string, error) { return "/bin/" + p, nil }}}
	ctx := context.Background()

	src, err := s.WebIdentity(&awsconfig.Profile{Name: "ci", WebIdentityTokenFile: "~/token", WebIdentityTokenProcess: "echo x"})
	if err != nil || src.Kind != "file" || src.Path != file {
		t.Fatalf("file first: %+v %v", src, err)
	}
	if tok, err := src.Token(ctx); err != nil || tok != fileTok {
		t.Fatalf("file token: %q %v", tok, err)
	}
	line, program := printLine(fileTok)
	src, _ = s.WebIdentity(&awsconfig.Profile{Name: "ci", WebIdentityTokenProcess: line})
	if tok, err := src.Token(ctx); src.Kind != "process" || err != nil || tok != fileTok {
		t.Fatalf("process token: %q %v", tok, err)
	}
	if strings.Contains(src.ID(), fileTok) || strings.Contains(src.ID(), program) {
		t.Fatalf("the ID shows the command line: %s", src.ID())
	}
	src, _ = s.WebIdentity(&awsconfig.Profile{Name: "ci", WebIdentityAudience: "custom-aud"})
	tok, err := src.Token(ctx)
	if src.Kind != "github-actions" || err != nil || gh.Requests() != 1 {
		t.Fatalf("GitHub token: %v, %d requests", err, gh.Requests())
	}
	if c, _ := Decode(tok); !c.HasAudience("custom-aud") || c.Subject != gh.Subject() {
		t.Fatalf("GitHub claims %+v", c)
	}
	src, _ = s.WebIdentity(&awsconfig.Profile{Name: "ci", RoleARN: "arn:aws:iam::1:role/x"})
	if tok, err := src.Token(ctx); err != nil || src.Audience != DefaultAudience {
		t.Fatalf("default audience: %v %+v", err, src)
	} else if c, _ := Decode(tok); !c.HasAudience(DefaultAudience) {
		t.Fatalf("claims %+v", c)
	}
	// Without the id-token permission: a clean error.
	gh.SetPermission(false)
	if _, err := src.Token(ctx); err == nil || !strings.Contains(err.Error(), "HTTP 403") || strings.Contains(err.Error(), gh.RequestToken()) {
		t.Fatalf("no permission: %v", err)
	}
	// Nothing applies.
	s.Getenv = env(nil)
	if _, err := s.WebIdentity(&awsconfig.Profile{Name: "ci"}); err == nil {
		t.Fatal("no source, no error")
	}
	// A process that prints something that is no JWT.
	src, _ = s.WebIdentity(&awsconfig.Profile{Name: "ci", WebIdentityTokenProcess: "echo hello"})
	if _, err := src.Token(ctx); err == nil || !strings.Contains(err.Error(), "does not hold a JWT") {
		t.Fatalf("not a JWT: %v", err)
	}
}

func TestReadAssertion(t *testing.T) {
	idp := samltest.New(samltest.Options{})
	const admin, reader, prov = "arn:aws:iam::222222222222:role/Admin", "arn:aws:iam::222222222222:role/Reader", "arn:aws:iam::222222222222:saml-provider/Corp"
	until := time.Now().Add(5 * time.Minute).Truncate(time.Second)
	a, err := ReadAssertion(idp.Response(samltest.Assertion{
		Roles:           []samltest.Role{{RoleARN: admin, ProviderARN: prov}, {RoleARN: reader, ProviderARN: prov}},
		SessionDuration: 90 * time.Minute, NotOnOrAfter: until,
	}))
	if err != nil {
		t.Fatal(err)
	}
	if a.Issuer != idp.EntityID() || a.Subject != "alice@example.com" {
		t.Fatalf("issuer %q, subject %q", a.Issuer, a.Subject)
	}
	if len(a.Roles) != 2 || a.Roles[0] != (RolePair{admin, prov}) || a.Roles[1] != (RolePair{reader, prov}) || a.SessionDuration != 90*time.Minute || !a.NotOnOrAfter.Equal(until.UTC()) {
		t.Fatalf("%+v", a)
	}
	// Provider first in the value: the same pair.
	if p, ok := rolePair(prov + "," + admin); !ok || p != (RolePair{admin, prov}) {
		t.Fatalf("reversed pair: %+v %v", p, ok)
	}
	for _, bad := range []string{"!!!", "bm90IHhtbA==", "PGZvby8+"} { // not base64, "not xml", <foo/>
		if _, err := ReadAssertion(bad); err == nil {
			t.Errorf("ReadAssertion(%q) accepted", bad)
		}
	}
}

// A SessionDuration attribute outside what AWS takes (900 to 43200
// seconds) is refused when the assertion is read: 9223372037 seconds
// would wrap to a negative duration (audit finding 11).
func TestReadAssertionSessionDurationBounds(t *testing.T) {
	idp := samltest.New(samltest.Options{})
	role := []samltest.Role{{RoleARN: "arn:aws:iam::222222222222:role/Admin", ProviderARN: "arn:aws:iam::222222222222:saml-provider/Corp"}}
	read := func(v string) (Assertion, error) {
		return ReadAssertion(idp.Response(samltest.Assertion{Roles: role, Attributes: map[string][]string{SessionDurationAttribute: {v}}}))
	}
	for v, want := range map[string]time.Duration{"900": 15 * time.Minute, "43200": 12 * time.Hour, " 3600 ": time.Hour} {
		if a, err := read(v); err != nil || a.SessionDuration != want {
			t.Errorf("SessionDuration %q: %v, %v", v, a.SessionDuration, err)
		}
	}
	for _, v := range []string{"9223372037", "9223372036854775808", "43201", "899", "0", "-3600", "1h"} {
		a, err := read(v)
		var de *DurationError
		if !errors.As(err, &de) {
			t.Errorf("SessionDuration %q: read as %v, %v; want a DurationError", v, a.SessionDuration, err)
		}
	}
	// What the profile is then told.
	dir := t.TempDir()
	file := filepath.Join(dir, "assertion")
	os.WriteFile(file, []byte(idp.Response(samltest.Assertion{Roles: role, Attributes: map[string][]string{SessionDurationAttribute: {"9223372037"}}})), 0o600)
	src, err := Setup{Getenv: env(nil)}.SAML(&awsconfig.Profile{Name: "corp", SAMLAssertionFile: file})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = src.Assertion(context.Background())
	if err == nil || !strings.Contains(err.Error(), `SessionDuration attribute is "9223372037", not a number of seconds from 900 to 43200`) ||
		!strings.Contains(strings.Join(hint.Of(err), "\n"), "identity provider") {
		t.Errorf("err = %v (hints %q)", err, hint.Of(err))
	}
}

// A token's identity (for a cache key) is its issuer, subject and
// audiences: the same for a rotated token of the same holder, another
// for another subject, audience or issuer, never the token.
func TestClaimsIdentity(t *testing.T) {
	idp := oidctest.New(oidctest.Options{})
	base := oidctest.Claims{Subject: "repo:corp/app:ref:main", Audience: []string{"sts.amazonaws.com", "b"}}
	id := func(c oidctest.Claims) string {
		t.Helper()
		cl, err := Decode(idp.Token(c))
		if err != nil {
			t.Fatal(err)
		}
		return cl.Identity()
	}
	first := id(base)
	rotated := base
	rotated.Extra = map[string]any{"jti": "another"}
	rotated.Expiry = time.Now().Add(2 * time.Hour)
	reordered := base
	reordered.Audience = []string{"b", "sts.amazonaws.com"}
	if id(rotated) != first || id(reordered) != first {
		t.Fatal("a rotated token (or the same audiences in another order) has another identity")
	}
	for _, other := range []oidctest.Claims{
		{Subject: "repo:evil/app:ref:main", Audience: base.Audience},
		{Subject: base.Subject, Audience: []string{"sts.amazonaws.com"}},
		{Issuer: "https://other.example.com", Subject: base.Subject, Audience: base.Audience},
		{Subject: "", Audience: base.Audience},
	} {
		if id(other) == first {
			t.Errorf("%+v has the first token's identity", other)
		}
	}
	// Unambiguous: no claim can take another's place.
	a := Claims{Issuer: "i", Subject: "s\x00aud"}
	b := Claims{Issuer: "i", Subject: "s", Audience: []string{"aud"}}
	if a.Identity() == b.Identity() {
		t.Fatal("two identities share a key")
	}
	tok := idp.Token(base)
	if strings.Contains(first, strings.Split(tok, ".")[2]) || strings.Contains(first, tok) {
		t.Fatal("the identity holds the token")
	}
}

// homeVar names the home directory's variable: USERPROFILE on Windows,
// where HOME is usually not set, else HOME.
func homeVar() string {
	if runtime.GOOS == "windows" {
		return "USERPROFILE"
	}
	return "HOME"
}

// printLine is a web_identity_token_process line that prints s, and its
// program: printf under sh, cmd's echo on Windows (proc runs lines with
// cmd /C there).
func printLine(s string) (line, program string) {
	if runtime.GOOS == "windows" {
		return "echo " + s, "echo"
	}
	return "printf '%s' '" + s + "'", "printf"
}
