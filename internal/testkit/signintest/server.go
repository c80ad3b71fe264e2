package signintest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/internal/testkit/testsrv"
)

// The two public clients of AWS Sign-In for local development.
const (
	// ClientSameDevice redirects the browser to the client's loopback
	// listener, http://127.0.0.1:PORT/oauth/callback.
	ClientSameDevice = "arn:aws:signin:::devtools/same-device"
	// ClientCrossDevice (`aws login --remote`) redirects the browser to
	// the service's confirmation page, <server>/v1/sessions/confirmation,
	// which shows the user a code to paste into the terminal.
	ClientCrossDevice = "arn:aws:signin:::devtools/cross-device"
)

// Grant types of CreateOAuth2Token.
const (
	GrantAuthorizationCode = "authorization_code"
	GrantRefreshToken      = "refresh_token"
)

// TokenType is the tokenType of every CreateOAuth2Token answer: what the
// real service sends (seen in the AWS CLI's cache files and in the AWS
// Common Runtime's tests; SDK documentation calls it "aws_sigv4").
const TokenType = "urn:aws:params:oauth:token-type:access_token_sigv4"

// ConfirmationPath is the cross-device client's redirect_uri on the
// server, the page that shows the code to paste.
const ConfirmationPath = "/v1/sessions/confirmation"

// Options configure a Server. STS is required; every other field has a
// default.
type Options struct {
	// STS issues the credentials of every sign-in
	// (ststest.Server.IssueUserSession, IssueLoginRoleSession), so that
	// they sign requests to it. Their expiry is by the STS server's
	// clock: give both servers the same one.
	STS *ststest.Server
	// Now is the server clock: the sign-in session's end, authorization
	// codes' expiry, the DPoP proofs' iat window. It must be safe for
	// concurrent use. Default time.Now. A client whose proofs carry the
	// wall clock (the Go SDK's logincreds) needs a clock near it
	// (testclock.Wall).
	Now func() time.Time
	// CredentialLifetime is how long the credentials of each
	// CreateOAuth2Token last (expiresIn), never beyond the session's end.
	// Default 15 minutes, the service's.
	CredentialLifetime time.Duration
	// SessionDuration is how long a sign-in can be renewed: refresh tokens
	// are refused with TOKEN_EXPIRED that long after the user signed in.
	// Default 12 hours, the service's.
	SessionDuration time.Duration
	// AuthCodeLifetime is how long an authorization code can be exchanged
	// before AUTHCODE_EXPIRED. Default 5 minutes.
	AuthCodeLifetime time.Duration
	// ProofWindow is how far a DPoP proof's iat may be from the server
	// clock, either way. Default 5 minutes. A proof outside it is refused
	// with AccessDeniedException TOKEN_EXPIRED "The refresh token has
	// expired.", as users of the real service with a skewed clock met it.
	ProofWindow time.Duration
	// StrictJWK refuses a DPoP proof whose jwk has an x or y shorter than
	// 32 bytes, as RFC 7518 section 6.2.1.2 requires and strict JOSE
	// libraries do. By default such a key is accepted (padded): the Go
	// SDK's own signer sends one for about one key in 128, and AWS is not
	// known to refuse it.
	StrictJWK bool
	// RefreshGrace, when positive, answers a rotated-out refresh token
	// presented again within RefreshGrace of its rotation (with the same
	// proof key) with the answer it got the first time, as API
	// documentation suggests the service does ("multiple calls with same
	// refresh_token return consistent results within validity window").
	// Default 0: a rotated-out refresh token is refused at once, the
	// strictest reading, which catches a client that renews twice.
	RefreshGrace time.Duration
	// WithoutMFA makes IAM users sign in without MFA: their credentials
	// carry no MFA context. Default: MFA-authenticated, as the console
	// sign-in enforces the account's MFA. (SetMFA changes one identity.)
	WithoutMFA bool
	// OnRequest, when set, is called after every request (the token API
	// and the browser pages), outside the server's lock. It must be safe
	// for concurrent use.
	OnRequest func(Request)
}

// Server is an AWS Sign-In stand-in for `aws login`: the browser's
// authorize step and confirmation page, and the token API. All methods
// are safe for concurrent use.
type Server struct {
	opts Options
	mux  *http.ServeMux

	idKey   *ecdsa.PrivateKey // signs ID tokens
	idKeyID string

	mu         sync.Mutex
	identities map[string]*identityRecord // by ARN
	order      []*identityRecord
	browser    Browser
	pending    map[string]*authRequest // /v1/authorize requests waiting for a decision, by id
	codes      map[string]*authCode    // by code
	sessions   map[string]*session     // by id
	refresh    map[string]*refreshRecord
	jtis       map[string]time.Time // DPoP proofs seen (thumbprint + jti), until when they are kept
	issued     []issuedCredentials
	idTokens   []string
	seq        int
	change     chan struct{} // closed when an authorization starts waiting (wait.go)
	faults     testsrv.Faults
	log        *testsrv.Log[Request]

	ln testsrv.Listener
}

// New returns a server with no identities. It panics when opts.STS is nil.
func New(opts Options) *Server {
	if opts.STS == nil {
		panic("signintest: Options.STS is required")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&opts.CredentialLifetime, 15*time.Minute)
	def(&opts.SessionDuration, 12*time.Hour)
	def(&opts.AuthCodeLifetime, 5*time.Minute)
	def(&opts.ProofWindow, 5*time.Minute)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(fmt.Sprintf("signintest: generating the ID token key: %v", err))
	}
	s := &Server{
		opts:       opts,
		idKey:      key,
		idKeyID:    testsrv.UUID(),
		identities: map[string]*identityRecord{},
		pending:    map[string]*authRequest{},
		codes:      map[string]*authCode{},
		sessions:   map[string]*session{},
		refresh:    map[string]*refreshRecord{},
		jtis:       map[string]time.Time{},
		// AnyOp sums the operations, not their GrantOp counts.
		log: testsrv.NewLog[Request](AnyOp, func(name string) bool { return !strings.Contains(name, ":") }),
	}
	s.mux = s.routes()
	return s
}

func (s *Server) now() time.Time { return s.opts.Now() }

// nextSeq numbers records in creation order. Callers hold s.mu.
func (s *Server) nextSeq() int {
	s.seq++
	return s.seq
}

// Start serves on a random port of 127.0.0.1 and returns the endpoint URL,
// "http://127.0.0.1:PORT", for AWS_ENDPOINT_URL_SIGNIN (the token API and
// the authorize URL both). Like httptest.NewServer it panics if it cannot
// listen, or if the server was already started.
func (s *Server) Start() string { return s.ln.Start("signintest", s) }

// URL is the endpoint Start returned, or "" before Start.
func (s *Server) URL() string { return s.ln.URL() }

// Close stops a server started with Start, dropping open connections. It
// does nothing otherwise, so it suits t.Cleanup.
func (s *Server) Close() { s.ln.Close() }

// ServeHTTP serves the token API, the browser pages and the admin API
// under /_signintest/ (see GET /_signintest/).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/token", s.createToken)
	mux.HandleFunc("GET /v1/authorize", s.page(OpAuthorize, s.authorizePage))
	mux.HandleFunc("POST /v1/authorize", s.page(OpAuthorize, s.authorizeDecision))
	mux.HandleFunc("GET "+ConfirmationPath, s.page(OpConfirmation, s.confirmationPage))
	s.adminRoutes(mux)
	return mux
}

// pageFunc serves a browser page with s.mu held; it writes the response
// and returns the request's outcome for the log.
type pageFunc func(w http.ResponseWriter, r *http.Request, now time.Time) (status int, code string)

func (s *Server) page(op string, h pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, testsrv.MaxBodySize)
		now := s.now()
		s.mu.Lock()
		s.log.Called(op)
		status, code := h(w, r, now)
		s.mu.Unlock()
		s.finish(Request{Op: op, Time: now, Status: status, Error: code})
	}
}

// finish records a request and reports it.
func (s *Server) finish(req Request) {
	s.mu.Lock()
	s.record(req)
	s.mu.Unlock()
	if s.opts.OnRequest != nil {
		s.opts.OnRequest(req)
	}
}

// baseURL is the server's URL as the client reached it.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
