package identitycenter_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/internal/testkit/testclock"
	"github.com/stscred/stscred/keystore/keystoretest"
)

const (
	region   = "eu-west-1"
	startURL = "https://d-1234567890.awsapps.com/start"
	prodID   = "222222222222"
	devID    = "333333333333"
	scope    = "sso:account:access"
)

var corp = identitycenter.Session{Name: "corp", StartURL: startURL, Region: region, Scopes: []string{scope}}

// legacy is a profile's own sso_start_url: no scopes, device code only.
var legacy = identitycenter.Session{StartURL: startURL, Region: region}

// world is an STS server, an Identity Center stand-in on an injected
// clock with alice assigned AdministratorAccess and ReadOnly in prod and
// ReadOnly in dev, and a Client on the same clock whose browser is the
// stand-in's (Open GETs the URL and follows the redirects).
type world struct {
	t      *testing.T
	sts    *ststest.Server
	stsURL string
	srv    *ssotest.Server
	url    string
	clock  *testclock.Clock
	store  *keystoretest.Memory
	out    *syncBuffer
	locks  *locks
	sleep  *sleeper
	opened []string
	openMu sync.Mutex
	c      *identitycenter.Client
}

func newWorld(t *testing.T, opts ...func(*ssotest.Options)) *world {
	t.Helper()
	w := &world{t: t, clock: testclock.At(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))}
	w.sts = ststest.New(ststest.Options{})
	w.stsURL = w.sts.Start()
	t.Cleanup(w.sts.Close)
	o := ssotest.Options{STS: w.sts, Region: region, StartURL: startURL, Now: w.clock.Now}
	for _, f := range opts {
		f(&o)
	}
	w.srv = ssotest.New(o)
	w.srv.AddUser("alice")
	w.srv.AddAccount(ssotest.Account{ID: prodID, Name: "prod", Email: "prod@example.com"})
	w.srv.AddAccount(ssotest.Account{ID: devID, Name: "dev", Email: "dev@example.com"})
	w.srv.Assign(ssotest.Assignment{User: "alice", AccountID: prodID, RoleName: "AdministratorAccess"})
	w.srv.Assign(ssotest.Assignment{User: "alice", AccountID: prodID, RoleName: "ReadOnly"})
	w.srv.Assign(ssotest.Assignment{User: "alice", AccountID: devID, RoleName: "ReadOnly"})
	w.url = w.srv.Start()
	t.Cleanup(w.srv.Close)
	w.store = keystoretest.NewMemory()
	w.out = &syncBuffer{}
	w.locks = newLocks()
	w.sleep = &sleeper{clock: w.clock}
	w.c = &identitycenter.Client{
		Store:     w.store,
		Endpoints: identitycenter.Endpoints{OIDC: w.url, Portal: w.url},
		Now:       w.clock.Now,
		Lock:      w.locks.Lock,
		Open:      w.open,
		Out:       w.out,
		Sleep:     w.sleep.Sleep,
	}
	return w
}

// open is the stand-in browser: it GETs the URL, following redirects (to
// the loopback callback), and fails on anything but 200.
func (w *world) open(ctx context.Context, url string) error {
	w.openMu.Lock()
	w.opened = append(w.opened, url)
	w.openMu.Unlock()
	return browse(ctx, url)
}

func browse(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return errors.New(resp.Status + ": " + string(body))
	}
	return nil
}

func (w *world) login(t *testing.T, s identitycenter.Session, o identitycenter.LoginOptions) identitycenter.Status {
	t.Helper()
	st, err := w.c.Login(context.Background(), s, o)
	if err != nil {
		t.Fatalf("login: %v\nout:\n%s", err, w.out)
	}
	return st
}

// callerARN is what STS says the credentials are.
func (w *world) callerARN(t *testing.T, c creds.Credentials) string {
	t.Helper()
	client := sts.New(sts.Options{
		Region: region, BaseEndpoint: aws.String(w.stsURL), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken),
	})
	out, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Arn)
}

// noSecrets fails when any secret the server issued appears in texts.
func (w *world) noSecrets(t *testing.T, texts ...string) {
	t.Helper()
	all := strings.Join(append(texts, w.out.String()), "\n")
	for _, sec := range w.srv.Secrets() {
		if sec != "" && strings.Contains(all, sec) {
			t.Fatalf("a secret the server issued (%.8s...) is in the output:\n%s", sec, all)
		}
	}
}

// wantNotSignedIn checks that err wraps ErrNotSignedIn with msg and the
// login hint.
func wantNotSignedIn(t *testing.T, err error, msg, label string) {
	t.Helper()
	if !errors.Is(err, identitycenter.ErrNotSignedIn) {
		t.Fatalf("error %v does not wrap ErrNotSignedIn", err)
	}
	if !strings.Contains(err.Error(), msg) {
		t.Errorf("error %q, want it to say %q", err, msg)
	}
	if h := hint.Of(err); len(h) == 0 || h[0] != "run: stscred sso login "+label {
		t.Errorf("hints %q, want run: stscred sso login %s", h, label)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	var b bytes.Buffer
	hint.Print(&b, err)
	return b.String()
}
