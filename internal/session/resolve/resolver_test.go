package resolve

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/aws/awsapi/awsapitest"
	"github.com/stscred/stscred/internal/sys/tty"
	"github.com/stscred/stscred/keystore/keystoretest"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/session/mfa"
	"github.com/stscred/stscred/keystore"
)

// fakeMFA hands out codes and counts asks.
type fakeMFA struct {
	codes       []string
	asked       int
	interactive bool
}

func (m *fakeMFA) Name() string      { return "fake" }
func (m *fakeMFA) Interactive() bool { return m.interactive }
func (m *fakeMFA) Code(context.Context, mfa.Request) (string, error) {
	m.asked++
	if len(m.codes) == 0 {
		return "", errors.New("no more codes")
	}
	c := m.codes[0]
	m.codes = m.codes[1:]
	return c, nil
}

const testConfig = `
[profile alice]
region = eu-west-1
mfa_serial = arn:aws:iam::111111111111:mfa/alice

[profile prod-admin]
source_profile = alice
role_arn = arn:aws:iam::222222222222:role/Admin

[profile prod-ro]
source_profile = alice
role_arn = arn:aws:iam::222222222222:role/ReadOnly

[profile chained]
source_profile = prod-admin
role_arn = arn:aws:iam::333333333333:role/Deep
duration_seconds = 7200

[profile bob]
region = us-east-1
`

type rig struct {
	t     *testing.T
	now   time.Time
	sts   *awsapitest.STS
	mfa   *fakeMFA
	keys  *keystoretest.Memory
	cache *cache.Cache
	cfg   *awsconfig.File
	warn  bytes.Buffer
}

func newRig(t *testing.T) *rig {
	r := &rig{t: t, now: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC), keys: keystoretest.NewMemory()}
	r.sts = awsapitest.New(func() time.Time { return r.now })
	r.mfa = &fakeMFA{codes: []string{"111111", "222222", "333333", "444444"}}
	dk := make([]byte, 32)
	rand.Read(dk)
	r.cache = cache.New(t.TempDir(), func() ([]byte, error) { return dk, nil })
	cfg, err := awsconfig.Parse("config", []byte(testConfig))
	if err != nil {
		t.Fatal(err)
	}
	r.cfg = cfg
	for _, name := range []string{"alice", "bob"} {
		if err := keystore.PutKey(r.keys, name, keystore.Key{AccessKeyID: "AKIA" + strings.ToUpper(name) + "00000000000", SecretAccessKey: "secret-" + name}); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func (r *rig) resolver() *Resolver {
	return &Resolver{
		Keys: r.keys, Cache: r.cache, NewAPI: func(awsapi.Endpoint) awsapi.API { return r.sts },
		MFA:  func(mfa.Request, mfa.How) (mfa.Source, error) { return r.mfa, nil },
		Used: mfa.UsedCodes{Dir: r.cache.Dir(), Now: func() time.Time { return r.now }},
		Now:  func() time.Time { return r.now }, MinRemaining: 15 * time.Minute, SessionDuration: 12 * time.Hour,
		LockTimeout: time.Second, PID: os.Getpid(), Warn: &r.warn,
	}
}

func (r *rig) get(name string) (Result, error) {
	p, err := r.cfg.Resolve(name)
	if err != nil {
		r.t.Fatal(err)
	}
	return r.resolver().Credentials(context.Background(), p)
}

func (r *rig) must(name string) Result {
	r.t.Helper()
	res, err := r.get(name)
	if err != nil {
		r.t.Fatalf("%s: %v", name, err)
	}
	return res
}

func TestOneMFAPromptServesEveryRole(t *testing.T) {
	r := newRig(t)
	a := r.must("prod-admin")
	if a.Cached || !a.MFA {
		t.Fatalf("first call: %+v", a)
	}
	b := r.must("prod-ro")
	c := r.must("prod-admin")
	if !c.Cached || c.Creds != a.Creds {
		t.Fatal("second prod-admin call must come from the cache")
	}
	if b.Creds == a.Creds {
		t.Fatal("different roles share credentials")
	}
	if r.sts.Count("GetSessionToken") != 1 || r.sts.Count("AssumeRole") != 2 || r.mfa.asked != 1 {
		t.Fatalf("calls %v, mfa asked %d", r.sts.Calls, r.mfa.asked)
	}
	// AssumeRole was signed with the session, not the long-term key.
	if r.sts.Signers[1] != "ASIA0000000000000001" {
		t.Fatalf("AssumeRole signed by %s", r.sts.Signers[1])
	}
	in := r.sts.Inputs[0].(awsapi.SessionTokenInput)
	if in.MFASerial != "arn:aws:iam::111111111111:mfa/alice" || in.MFACode != "111111" || in.Duration != 12*time.Hour {
		t.Fatalf("GetSessionToken input %+v", in)
	}
	ar := r.sts.Inputs[1].(awsapi.AssumeRoleInput)
	if ar.SessionName != "stscred-alice" || ar.Duration != time.Hour {
		t.Fatalf("AssumeRole input %+v", ar)
	}
}

func TestExpiryWindow(t *testing.T) {
	r := newRig(t)
	first := r.must("prod-admin")
	// 44 minutes later the role (1h) has 16 minutes left: still served.
	r.now = r.now.Add(44 * time.Minute)
	if res := r.must("prod-admin"); !res.Cached {
		t.Fatal("16 minutes left must be served from the cache")
	}
	// At 46 minutes, 14 are left: below the 15-minute floor, refetched
	// with the still-valid MFA session (no new code).
	r.now = r.now.Add(2 * time.Minute)
	res := r.must("prod-admin")
	if res.Cached || res.Creds == first.Creds {
		t.Fatal("credentials with 14 minutes left were handed out")
	}
	if r.sts.Count("GetSessionToken") != 1 || r.mfa.asked != 1 {
		t.Fatal("the MFA session must be reused")
	}
	if res.Creds.Remaining(r.now) < 15*time.Minute {
		t.Fatal("fresh credentials too short")
	}
	// A configurable window: with 5 minutes, 14 left is fine.
	r.now = r.now.Add(46 * time.Minute)
	rs := r.resolver()
	rs.MinRemaining = 5 * time.Minute
	p, _ := r.cfg.Resolve("prod-admin")
	if again, _ := rs.Credentials(context.Background(), p); !again.Cached {
		t.Fatal("MinRemaining is not honoured")
	}
	// 12h later the session itself is gone: a new MFA code is needed.
	r.now = r.now.Add(12 * time.Hour)
	r.must("prod-admin")
	if r.sts.Count("GetSessionToken") != 2 || r.mfa.asked != 2 {
		t.Fatalf("expired session not renewed: %v", r.sts.Calls)
	}
}

func TestRoleChainingCapsDuration(t *testing.T) {
	r := newRig(t)
	r.must("chained")
	if got := r.sts.Calls; strings.Join(got, ",") != "GetSessionToken,AssumeRole,AssumeRole" {
		t.Fatalf("calls %v", got)
	}
	deep := r.sts.Inputs[2].(awsapi.AssumeRoleInput)
	if deep.RoleARN != "arn:aws:iam::333333333333:role/Deep" || deep.Duration != time.Hour {
		t.Fatalf("chained input %+v", deep)
	}
	if r.sts.Signers[2] != "ASIA0000000000000002" {
		t.Fatalf("chained role signed by %s, want the first role's key", r.sts.Signers[2])
	}
	// The intermediate role is cached for its own callers.
	if res := r.must("prod-admin"); !res.Cached {
		t.Fatal("intermediate role not cached")
	}
}

func TestNoMFAWithoutSerial(t *testing.T) {
	r := newRig(t)
	res := r.must("bob")
	if res.MFA || r.mfa.asked != 0 {
		t.Fatal("bob has no mfa_serial")
	}
	if in := r.sts.Inputs[0].(awsapi.SessionTokenInput); in.MFASerial != "" {
		t.Fatalf("input %+v", in)
	}
}

func TestRotatedKeyGetsNewSession(t *testing.T) {
	r := newRig(t)
	r.must("prod-admin")
	keystore.PutKey(r.keys, "alice", keystore.Key{AccessKeyID: "AKIAALICE11111111111", SecretAccessKey: "new"})
	if err := RememberKeyID(r.cache, "alice", "AKIAALICE11111111111", r.now); err != nil {
		t.Fatal(err)
	}
	r.must("prod-admin")
	if r.sts.Count("GetSessionToken") != 2 {
		t.Fatalf("a new key must not reuse the old key's session: %v", r.sts.Calls)
	}
	if r.sts.Signers[2] != "AKIAALICE11111111111" {
		t.Fatalf("session signed by %s", r.sts.Signers[2])
	}
}

func TestCacheHitReadsNoKeyring(t *testing.T) {
	r := newRig(t)
	r.must("prod-admin")
	r.keys.Err = errors.New("keyring locked")
	if res := r.must("prod-admin"); !res.Cached {
		t.Fatal("not cached")
	}
}

func TestCorruptEntryRefetched(t *testing.T) {
	r := newRig(t)
	r.must("prod-admin")
	hs, _ := r.cache.List()
	for _, h := range hs {
		if h.Kind == cache.KindRole {
			os.WriteFile(r.cache.Dir()+"/"+fileNameFor(t, r.cache, h.Key), []byte("garbage"), 0o600)
		}
	}
	res := r.must("prod-admin")
	if res.Cached || r.sts.Count("AssumeRole") != 2 || r.sts.Count("GetSessionToken") != 1 {
		t.Fatalf("corrupt role entry: %v", r.sts.Calls)
	}
	if strings.Count(r.warn.String(), "the cached entry for prod-admin cannot be read") != 1 {
		t.Fatalf("warning: %q", r.warn.String())
	}
}

// fileNameFor finds the file holding key by elimination.
func fileNameFor(t *testing.T, c *cache.Cache, key string) string {
	des, _ := os.ReadDir(c.Dir())
	for _, de := range des {
		b, _ := os.ReadFile(c.Dir() + "/" + de.Name())
		if bytes.Contains(b, []byte(key)) {
			return de.Name()
		}
	}
	t.Fatalf("no file for %s", key)
	return ""
}

func TestRevokedSessionRefetched(t *testing.T) {
	r := newRig(t)
	r.must("prod-admin")
	r.cache.DeleteWhere(func(h cache.Header) bool { return h.Kind == cache.KindRole })
	r.sts.Fail["AssumeRole"] = []error{&awsapi.APIError{Op: "AssumeRole", Code: "ExpiredToken", Message: "The security token included in the request is expired"}}
	r.must("prod-admin")
	if got := strings.Join(r.sts.Calls, ","); got != "GetSessionToken,AssumeRole,AssumeRole,GetSessionToken,AssumeRole" {
		t.Fatalf("calls %s", got)
	}
}

func TestMFARejected(t *testing.T) {
	rejected := &awsapi.APIError{Op: "GetSessionToken", Code: "AccessDenied", Message: "MultiFactorAuthentication failed with invalid MFA one time pass code."}
	t.Run("non-interactive fails at once", func(t *testing.T) {
		r := newRig(t)
		r.sts.Fail["GetSessionToken"] = []error{rejected}
		_, err := r.get("prod-admin")
		if err == nil || err.Error() != "MFA code rejected for arn:aws:iam::111111111111:mfa/alice" || len(hint.Of(err)) == 0 {
			t.Fatalf("err = %v", err)
		}
		if r.mfa.asked != 1 {
			t.Fatalf("asked %d", r.mfa.asked)
		}
		if hs, _ := r.cache.List(); len(hs) != 1 || hs[0].Kind != cache.KindKeyID {
			t.Fatalf("nothing but the key id may be cached: %v", hs)
		}
	})
	t.Run("interactive asks up to three times", func(t *testing.T) {
		r := newRig(t)
		r.mfa.interactive = true
		r.sts.Fail["GetSessionToken"] = []error{rejected, rejected}
		r.must("prod-admin")
		if r.mfa.asked != 3 {
			t.Fatalf("asked %d", r.mfa.asked)
		}
		r2 := newRig(t)
		r2.mfa.interactive = true
		r2.sts.Fail["GetSessionToken"] = []error{rejected, rejected, rejected}
		if _, err := r2.get("prod-admin"); err == nil || r2.mfa.asked != 3 {
			t.Fatalf("err %v asked %d", err, r2.mfa.asked)
		}
	})
}

func TestNoMFASourceFailsBeforeSTS(t *testing.T) {
	r := newRig(t)
	rs := r.resolver()
	rs.MFA = mfa.Chooser{OpenTTY: func() (tty.TTY, error) { return nil, errors.New("no tty") }}.For
	p, _ := r.cfg.Resolve("prod-admin")
	_, err := rs.Credentials(context.Background(), p)
	if !errors.Is(err, mfa.ErrNoSource) {
		t.Fatalf("err = %v", err)
	}
	if len(r.sts.Calls) != 0 {
		t.Fatalf("STS called: %v", r.sts.Calls)
	}
}

func TestMissingKey(t *testing.T) {
	r := newRig(t)
	keystore.DeleteKey(r.keys, "alice")
	_, err := r.get("prod-admin")
	if err == nil || !strings.Contains(err.Error(), "no access key is stored for profile alice") ||
		!strings.Contains(strings.Join(hint.Of(err), "\n"), "stscred add alice") {
		t.Fatalf("err = %v hints %q", err, hint.Of(err))
	}
}

// When auto took the file keystore (it exists) while the OS keyring holds
// keys, a missing key says so: for a key the OS keyring holds, the ways
// back to one keystore, not "stscred add"; for another, add first and the
// note after.
func TestMissingKeyStrandedInTheOSKeyring(t *testing.T) {
	r := newRig(t)
	keystore.DeleteKey(r.keys, "alice")
	keystore.DeleteKey(r.keys, "bob")
	st := &keystore.Stranded{FileDir: "/home/u/.local/share/stscred", Keyring: "secret-service", Profiles: []string{"alice"}}
	rs := r.resolver()
	rs.Keys = keystore.NewLazy(func() keystore.Choice { return keystore.Choice{Store: r.keys, Note: st.Note(), Stranded: st} })
	p, _ := r.cfg.Resolve("prod-admin")
	_, err := rs.Credentials(context.Background(), p)
	want := "no access key is stored for profile alice (memory backend): stscred uses the file keystore (/home/u/.local/share/stscred) because it exists, and the OS keyring (secret-service) holds the key of alice"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant    %s", err, want)
	}
	if hints := hint.Of(err); !slices.Equal(hints, st.WaysOut()) {
		t.Errorf("hints %q", hints)
	}
	bob, _ := r.cfg.Resolve("bob")
	rs = r.resolver()
	rs.Keys = keystore.NewLazy(func() keystore.Choice { return keystore.Choice{Store: r.keys, Note: st.Note(), Stranded: st} })
	_, err = rs.Credentials(context.Background(), bob)
	if hints := hint.Of(err); err == nil || len(hints) != 2 || hints[0] != "store the IAM user's access key: stscred add bob" || hints[1] != st.Note() {
		t.Errorf("bob: %v, hints %q", err, hints)
	}
	if len(r.sts.Calls) != 0 {
		t.Errorf("STS called: %v", r.sts.Calls)
	}
}

func TestKeyringErrorIsReported(t *testing.T) {
	r := newRig(t)
	r.keys.Err = errors.New("bus unreachable")
	_, err := r.get("prod-admin")
	if err == nil || !strings.Contains(err.Error(), "bus unreachable") {
		t.Fatalf("err = %v", err)
	}
}

func TestSTSErrorsExplained(t *testing.T) {
	for _, tc := range []struct {
		op, code string
		status   int
		want     string
	}{
		{"AssumeRole", "AccessDenied", 403, "not allowed to assume arn:aws:iam::222222222222:role/Admin"},
		{"AssumeRole", "Throttling", 400, "throttling"},
		{"AssumeRole", "InternalFailure", 500, "HTTP 500"},
		{"GetSessionToken", "InvalidClientTokenId", 403, "does not accept the access key AKIA…0000"},
		{"GetSessionToken", "SignatureDoesNotMatch", 403, "rejected the signature"},
	} {
		r := newRig(t)
		r.sts.Fail[tc.op] = []error{&awsapi.APIError{Op: tc.op, Code: tc.code, Status: tc.status, Message: "msg"}}
		_, err := r.get("prod-admin")
		if err == nil || !strings.Contains(err.Error(), tc.want) || len(hint.Of(err)) == 0 {
			t.Errorf("%s %s: err = %v", tc.op, tc.code, err)
		}
	}
	r := newRig(t)
	r.sts.Fail["GetSessionToken"] = []error{&awsapi.UnreachableError{Op: "GetSessionToken", Endpoint: "http://127.0.0.1:1", Err: errors.New("connection refused")}}
	_, err := r.get("prod-admin")
	if err == nil || !strings.Contains(err.Error(), "cannot reach STS at http://127.0.0.1:1") || len(hint.Of(err)) == 0 {
		t.Fatalf("unreachable: %v", err)
	}
}

func TestDefaultSessionName(t *testing.T) {
	if got := DefaultSessionName("alice smith/x"); got != "stscred-alice-smith-x" {
		t.Fatal(got)
	}
	if got := DefaultSessionName(strings.Repeat("a", 100)); len(got) != 64 {
		t.Fatal(len(got))
	}
}

func TestEndpointFor(t *testing.T) {
	p := &awsconfig.Profile{Region: "eu-west-1"}
	for _, tc := range []struct {
		s    awsapi.Settings
		p    *awsconfig.Profile
		want awsapi.Endpoint
	}{
		{awsapi.Settings{}, p, awsapi.Endpoint{Region: "eu-west-1"}},
		{awsapi.Settings{}, &awsconfig.Profile{}, awsapi.Endpoint{Region: "us-east-1"}},
		{awsapi.Settings{Region: "us-west-2"}, p, awsapi.Endpoint{Region: "us-west-2"}},
		{awsapi.Settings{EndpointURLSTS: "http://a", EndpointURL: "http://b"}, p, awsapi.Endpoint{URL: "http://a", Region: "eu-west-1"}},
		{awsapi.Settings{EndpointURL: "http://b"}, &awsconfig.Profile{EndpointURL: "http://c"}, awsapi.Endpoint{URL: "http://b", Region: "us-east-1"}},
		{awsapi.Settings{}, &awsconfig.Profile{EndpointURL: "http://c"}, awsapi.Endpoint{URL: "http://c", Region: "us-east-1"}},
		{awsapi.Settings{IgnoreConfiguredURL: true, EndpointURLSTS: "http://a"}, &awsconfig.Profile{EndpointURL: "http://c"}, awsapi.Endpoint{Region: "us-east-1"}},
		{awsapi.Settings{}, &awsconfig.Profile{Region: "eu-west-1", STSRegionalEndpoints: "legacy"}, awsapi.Endpoint{URL: "https://sts.amazonaws.com", Region: "us-east-1"}},
		{awsapi.Settings{RegionalEndpoints: "legacy"}, &awsconfig.Profile{Region: "af-south-1"}, awsapi.Endpoint{Region: "af-south-1"}},
	} {
		if got := tc.s.EndpointFor(tc.p); got != tc.want {
			t.Errorf("%+v %+v: got %+v want %+v", tc.s, tc.p, got, tc.want)
		}
	}
	if s := (awsapi.Endpoint{Region: "eu-west-1"}).String(); s != "https://sts.eu-west-1.amazonaws.com" {
		t.Errorf("endpoint string %q", s)
	}
}

// A role session longer than an hour cannot be signed with the MFA
// session (STS caps any AssumeRole signed with temporary credentials at an
// hour): it is assumed with the long-term key and an MFA code of its own,
// and cached like any role.
func TestLongRoleAssumedWithTheKey(t *testing.T) {
	r := newRig(t)
	cfg, err := awsconfig.Parse("config", []byte(testConfig+`
[profile long]
source_profile = alice
role_arn = arn:aws:iam::222222222222:role/Admin
duration_seconds = 43200
`))
	if err != nil {
		t.Fatal(err)
	}
	r.cfg = cfg
	r.mfa.codes = []string{"111111", "222222"}
	res, err := r.get("long")
	if err != nil {
		t.Fatal(err)
	}
	if n := r.sts.Count("GetSessionToken"); n != 0 {
		t.Fatalf("%d GetSessionToken calls for a 12h role", n)
	}
	in, ok := r.sts.Inputs[len(r.sts.Inputs)-1].(awsapi.AssumeRoleInput)
	if !ok || in.Duration != 12*time.Hour || in.MFASerial != "arn:aws:iam::111111111111:mfa/alice" || in.MFACode != "111111" {
		t.Fatalf("AssumeRole input %+v", r.sts.Inputs[len(r.sts.Inputs)-1])
	}
	if signer := r.sts.Signers[len(r.sts.Signers)-1]; !strings.HasPrefix(signer, "AKIA") {
		t.Fatalf("signed with %s, want the long-term key", signer)
	}
	if !res.MFA || res.Creds.AccountID != "222222222222" {
		t.Fatalf("result %+v", res)
	}
	again, err := r.get("long")
	if err != nil || !again.Cached || r.sts.Count("AssumeRole") != 1 {
		t.Fatalf("second call: %+v %v (%d AssumeRole)", again, err, r.sts.Count("AssumeRole"))
	}
	// An hour-long role still goes through the MFA session.
	if _, err := r.get("prod-admin"); err != nil {
		t.Fatal(err)
	}
	if r.sts.Count("GetSessionToken") != 1 || r.mfa.asked != 2 {
		t.Fatalf("%d GetSessionToken, %d codes asked", r.sts.Count("GetSessionToken"), r.mfa.asked)
	}
}

// The resolver remembers a code that may have reached STS, so it is never
// sent again, and says why.
func TestResolverRemembersPossiblyUsedCode(t *testing.T) {
	r := newRig(t)
	r.sts.Fail["GetSessionToken"] = []error{&awsapi.UnreachableError{Op: "GetSessionToken", Endpoint: "http://x", Err: errors.New("no answer within 15s")}}
	_, err := r.get("prod-admin")
	if err == nil || !strings.Contains(err.Error(), "STS may have used the MFA code") {
		t.Fatalf("err = %v", err)
	}
	if used, _ := r.resolver().Used.Used("arn:aws:iam::111111111111:mfa/alice", "111111"); !used {
		t.Fatal("the possibly used code was not remembered")
	}
}

// Fresh credentials below the floor are refused and not cached; a floor
// the session length can never meet, or a negative one, is refused before
// any call.
func TestFloor(t *testing.T) {
	r := newRig(t)
	res := r.resolver()
	res.MinRemaining = 2 * time.Hour
	p, _ := r.cfg.Resolve("prod-admin")
	if _, err := res.Credentials(context.Background(), p); err == nil || !strings.Contains(err.Error(), "can never have the 2h left") {
		t.Fatalf("a 1h role under a 2h floor: %v", err)
	}
	if len(r.sts.Calls) != 0 {
		t.Fatalf("STS was called: %v", r.sts.Calls)
	}
	res.MinRemaining = -time.Minute
	if _, err := res.Credentials(context.Background(), p); err == nil || !strings.Contains(err.Error(), "negative") {
		t.Fatalf("a negative floor: %v", err)
	}
	// STS hands out credentials that expired already by this clock (the
	// machine is an hour ahead): refused, not cached.
	skewed := newRig(t)
	skewed.sts.Now = func() time.Time { return skewed.now.Add(-time.Hour) }
	_, err := skewed.get("prod-admin")
	if err == nil || !strings.Contains(err.Error(), "already past by this machine's clock") || !strings.Contains(err.Error(), "they were not cached") {
		t.Fatalf("expired on arrival: %v", err)
	}
	// The 12-hour session behind it is fine (11 hours left) and cached;
	// the role is not.
	hs, _ := skewed.cache.List()
	for _, h := range hs {
		if h.Kind == cache.KindRole {
			t.Fatalf("credentials below the floor were cached: %+v", h)
		}
	}
}

// refusedHeaders are the cache's records of roles STS refused without MFA.
func (r *rig) refusedHeaders() []cache.Header {
	r.t.Helper()
	hs, err := r.cache.List()
	if err != nil {
		r.t.Fatal(err)
	}
	var out []cache.Header
	for _, h := range hs {
		if h.Kind == cache.KindRefused {
			out = append(out, h)
		}
	}
	return out
}

// A role STS refuses (AccessDenied) to a session without MFA is
// remembered for doctor, a day at most, with no credentials; the next
// success forgets it. A refusal of a session with MFA is not remembered:
// MFA is not what the role lacks.
func TestRefusalWithoutMFARemembered(t *testing.T) {
	r := newRig(t)
	cfg, err := awsconfig.Parse("config", []byte(strings.Replace(testConfig, "mfa_serial = arn:aws:iam::111111111111:mfa/alice\n", "", 1)))
	if err != nil {
		t.Fatal(err)
	}
	r.cfg = cfg
	denied := &awsapi.APIError{Op: "AssumeRole", Code: "AccessDenied", Status: 403, Message: "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:AssumeRole"}
	r.sts.Fail["AssumeRole"] = []error{denied}
	_, err = r.get("prod-admin")
	if err == nil || !strings.Contains(strings.Join(hint.Of(err), "\n"), "if the role requires MFA, set mfa_serial in [profile alice]") {
		t.Fatalf("err = %v %q", err, hint.Of(err))
	}
	hs := r.refusedHeaders()
	if len(hs) != 1 || hs[0].Profile != "prod-admin" || hs[0].Key != cache.RefusedKey("prod-admin") || hs[0].MFA ||
		!hs[0].Expires.Equal(r.now.Add(24*time.Hour)) || !slices.Equal(hs[0].Chain, []string{"prod-admin", "alice"}) || hs[0].HoldsCredentials() {
		t.Fatalf("refusals %+v", hs)
	}
	r.must("prod-admin")
	if hs := r.refusedHeaders(); len(hs) != 0 {
		t.Errorf("a success left %+v", hs)
	}
	// With MFA, a refusal says nothing about MFA.
	r = newRig(t)
	r.sts.Fail["AssumeRole"] = []error{denied}
	if _, err := r.get("prod-admin"); err == nil {
		t.Fatal("no error")
	}
	if hs := r.refusedHeaders(); len(hs) != 0 {
		t.Errorf("a refusal with MFA was remembered: %+v", hs)
	}
}
