package doctor_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/aws/awsapi/awsapitest"
	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/aws/idtoken"
	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/ops/doctor"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/testkit/testclock"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/keystore/keystoretest"
)

// t0 is the instant every world's clock stands at.
var t0 = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

const (
	aliceKeyID  = "AKIAEXAMPLEALICE0001"
	aliceSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYALICESECRET"
	aliceARN    = "arn:aws:iam::111111111111:user/alice"
	aliceSerial = "arn:aws:iam::111111111111:mfa/alice"
	// sessionSecret and sessionToken are the cached credentials' secrets.
	sessionSecret = "cachedSECRETcachedSECRETcachedSECRET0001"
	sessionToken  = "FwoGZXIvYXdzECACHEDSESSIONTOKEN0001"
)

// baseConfig is the README's setup: an IAM user, a role with it as
// source, and the tool profile that runs stscred for the role.
const baseConfig = `[profile alice]
region = eu-west-1
mfa_serial = ` + aliceSerial + `

[profile prod-admin]
source_profile = alice
role_arn = arn:aws:iam::222222222222:role/Admin

[profile prod]
credential_process = stscred role prod-admin
region = eu-west-1
`

// fakeSTS is awsapitest's STS (calls recorded, errors queued with Fail)
// whose GetCallerIdentity answers with an ARN and, when ServerTime is set,
// the Date a real STS sends.
type fakeSTS struct {
	*awsapitest.STS
	mu         sync.Mutex
	ServerTime time.Time
	ARN        string
	Creds      []creds.Credentials // the credentials each call was signed with
}

func (f *fakeSTS) GetCallerIdentity(ctx context.Context, c creds.Credentials) (awsapi.Identity, error) {
	f.mu.Lock()
	f.Creds = append(f.Creds, c)
	f.mu.Unlock()
	if _, err := f.STS.GetCallerIdentity(ctx, c); err != nil {
		return awsapi.Identity{}, err
	}
	return awsapi.Identity{UserID: "AIDAALICE", Account: "111111111111", ARN: f.ARN, ServerTime: f.ServerTime}, nil
}

// world is a doctor.Setup over fakes: a config file in a temp HOME, a
// memory keystore, a session cache under HOME with a fixed data key, a
// fake STS and a clock standing at t0.
type world struct {
	t        *testing.T
	home     string
	cfgPath  string
	vars     map[string]string
	keys     *keystoretest.Memory
	cacheDir string
	cache    *cache.Cache
	clock    *testclock.Clock
	sts      *fakeSTS
	eps      []awsapi.Endpoint // the endpoints NewAPI was asked for
	onPath   map[string]string // what LookPath finds
	keysNote string
	// stranded, when set, makes Keys the Lazy store auto chose over an OS
	// keyring holding these keys.
	stranded *keystore.Stranded
	settings awsapi.Settings
	goos     string
	// ssoStatus answers SSOStatus by session label; nil leaves SSOStatus
	// nil (the check only says what the profile is).
	ssoStatus map[string]identitycenter.Status
	ssoErr    error
	// loginStatus answers LoginStatus by profile; nil leaves LoginStatus
	// nil. loginAsked records the sessions it was asked about.
	loginStatus map[string]signin.Status
	loginErr    error
	loginAsked  []signin.Session
}

func newWorld(t *testing.T, config string) *world {
	t.Helper()
	home := t.TempDir()
	w := &world{
		t:        t,
		home:     home,
		cfgPath:  filepath.Join(home, ".aws", "config"),
		vars:     map[string]string{"HOME": home},
		keys:     keystoretest.NewMemory(),
		cacheDir: filepath.Join(home, ".cache", "stscred"),
		clock:    testclock.At(t0),
		onPath:   map[string]string{"stscred": "/opt/bin/stscred"},
		settings: awsapi.Settings{EndpointURLSTS: "https://sts.test.example"},
		goos:     "linux",
	}
	dataKey := bytes.Repeat([]byte{7}, 32)
	w.cache = cache.New(w.cacheDir, func() ([]byte, error) { return dataKey, nil })
	w.sts = &fakeSTS{STS: awsapitest.New(w.clock.Now), ARN: aliceARN}
	if config != "" {
		w.write(".aws/config", config)
	}
	return w
}

// write writes a file under HOME, making its directories.
func (w *world) write(rel, content string) string {
	w.t.Helper()
	path := filepath.Join(w.home, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		w.t.Fatal(err)
	}
	return path
}

func (w *world) setup() doctor.Setup {
	s := doctor.Setup{
		ConfigPath: func() (string, error) { return w.cfgPath, nil },
		Keys:       w.keys,
		CacheDir:   func() (string, error) { return w.cacheDir, nil },
		Cache:      func() (*cache.Cache, error) { return w.cache, nil },
		NewAPI: func(ep awsapi.Endpoint) awsapi.API {
			w.eps = append(w.eps, ep)
			return w.sts
		},
		Settings:     w.settings,
		MinRemaining: 15 * time.Minute,
		Now:          w.clock.Now,
		LookPath: func(prog string) (string, error) {
			if p, ok := w.onPath[prog]; ok {
				return p, nil
			}
			return "", errors.New("executable file not found in $PATH")
		},
		Getenv: func(k string) string { return w.vars[k] },
		GOOS:   w.goos,
		Tokens: idtoken.Setup{Getenv: func(k string) string { return w.vars[k] }},
	}
	if w.keysNote != "" {
		s.KeysNote = func() string { return w.keysNote }
	}
	if w.stranded != nil {
		lazy := keystore.NewLazy(func() keystore.Choice {
			return keystore.Choice{Store: w.keys, Note: w.stranded.Note(), Stranded: w.stranded}
		})
		s.Keys, s.KeysNote = lazy, lazy.Note
	}
	if w.ssoStatus != nil || w.ssoErr != nil {
		s.SSOStatus = func(sess identitycenter.Session) (identitycenter.Status, error) {
			if w.ssoErr != nil {
				return identitycenter.Status{}, w.ssoErr
			}
			return w.ssoStatus[sess.Label()], nil
		}
	}
	if w.loginStatus != nil || w.loginErr != nil {
		s.LoginStatus = func(sess signin.Session) (signin.Status, error) {
			w.loginAsked = append(w.loginAsked, sess)
			if w.loginErr != nil {
				return signin.Status{}, w.loginErr
			}
			return w.loginStatus[sess.Profile], nil
		}
	}
	return s
}

// run runs the checks (of one profile's chain when only is set) and
// checks what every report must keep: OK agrees with the status, Hint is
// the hints joined, and nothing secret is in any message or hint.
func (w *world) run(only string) []doctor.Check {
	w.t.Helper()
	res, cfg := doctor.Run(context.Background(), w.setup(), only)
	if (cfg == nil) != (res[0].Status == doctor.Fail && res[0].ID == doctor.IDConfig) {
		w.t.Errorf("config returned %v, but the config check is %+v", cfg != nil, res[0])
	}
	for _, c := range res {
		if c.OK != (c.Status != doctor.Fail) {
			w.t.Errorf("ok and status disagree: %+v", c)
		}
		if c.Hint != strings.Join(c.Hints, "; ") {
			w.t.Errorf("Hint is not the hints joined: %+v", c)
		}
		if c.Message == "" {
			w.t.Errorf("a check without a message: %+v", c)
		}
	}
	noSecret(w.t, res, aliceSecret, sessionSecret, sessionToken)
	return res
}

// noSecret fails when any of secrets is in a message or hint of res, or
// in its JSON.
func noSecret(t *testing.T, res []doctor.Check, secrets ...string) {
	t.Helper()
	js, _ := json.Marshal(res)
	for _, c := range res {
		for _, s := range secrets {
			if strings.Contains(c.Message, s) || strings.Contains(c.Hint, s) || strings.Contains(strings.Join(c.Hints, "\n"), s) {
				t.Errorf("a secret (%.6s...) is in a check: %+v", s, c)
			}
		}
	}
	for _, s := range secrets {
		if bytes.Contains(js, []byte(s)) {
			t.Errorf("a secret (%.6s...) is in the JSON report", s)
		}
	}
}

// storeAlice stores alice's long-term key, added three days ago.
func (w *world) storeAlice() {
	w.t.Helper()
	if err := keystore.PutKey(w.keys, "alice", keystore.Key{AccessKeyID: aliceKeyID, SecretAccessKey: aliceSecret, Added: t0.Add(-72 * time.Hour), UserARN: aliceARN}); err != nil {
		w.t.Fatal(err)
	}
}

// cachePut stores an entry of kind for profile expiring in left.
func (w *world) cachePut(key, kind, profile string, left time.Duration, mfa bool) creds.Credentials {
	w.t.Helper()
	c := creds.Credentials{AccessKeyID: "ASIA" + strings.ToUpper(strings.ReplaceAll(key, ":", "")), SecretAccessKey: sessionSecret, SessionToken: sessionToken, Expiration: t0.Add(left)}
	err := w.cache.Put(cache.Entry{Header: cache.Header{Key: key, Kind: kind, Profile: profile, MFA: mfa, Stored: t0.Add(-time.Minute)}, Creds: c})
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// of returns the checks with id (and profile, when not "*").
func of(res []doctor.Check, id, profile string) []doctor.Check {
	var out []doctor.Check
	for _, c := range res {
		if c.ID == id && (profile == "*" || c.Profile == profile) {
			out = append(out, c)
		}
	}
	return out
}

// one is the only check with id and profile; the test fails otherwise.
func one(t *testing.T, res []doctor.Check, id, profile string) doctor.Check {
	t.Helper()
	got := of(res, id, profile)
	if len(got) != 1 {
		t.Fatalf("%d %s checks of profile %q, want 1:\n%s", len(got), id, profile, dump(res))
	}
	return got[0]
}

// want checks a check's status, that its message contains msg and, when
// hint is not "", that its hint contains hint.
func want(t *testing.T, c doctor.Check, status doctor.Status, msg, hint string) {
	t.Helper()
	if c.Status != status || !strings.Contains(c.Message, msg) || !strings.Contains(c.Hint, hint) {
		t.Errorf("got %s %q (hint %q)\nwant %s %q (hint with %q)", c.Status, c.Message, c.Hint, status, msg, hint)
	}
}

func dump(res []doctor.Check) string {
	var b strings.Builder
	for _, c := range res {
		b.WriteString(string(c.Status) + " " + c.ID + " [" + c.Profile + "] " + c.Message)
		if c.Hint != "" {
			b.WriteString(" -- hint: " + c.Hint)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// jwt is an unsigned token with the claims given (doctor decodes, never
// verifies).
func jwt(claims map[string]any) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(map[string]string{"alg": "RS256", "typ": "JWT"}) + "." + enc(claims) + ".c2lnbmF0dXJlU0VDUkVUc2lnbmF0dXJl"
}

// samlResponse is a base64 SAMLResponse with the role pairs given and,
// when notOnOrAfter is not zero, that expiry.
func samlResponse(notOnOrAfter time.Time, roles ...string) string {
	var b strings.Builder
	b.WriteString(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><saml:Assertion>`)
	if !notOnOrAfter.IsZero() {
		b.WriteString(`<saml:Conditions NotOnOrAfter="` + notOnOrAfter.Format(time.RFC3339) + `"/>`)
	}
	b.WriteString(`<saml:AttributeStatement><saml:Attribute Name="` + idtoken.RoleAttribute + `">`)
	for _, r := range roles {
		b.WriteString(`<saml:AttributeValue>` + r + `,arn:aws:iam::222222222222:saml-provider/Corp</saml:AttributeValue>`)
	}
	b.WriteString(`</saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>`)
	return base64.StdEncoding.EncodeToString([]byte(b.String()))
}
