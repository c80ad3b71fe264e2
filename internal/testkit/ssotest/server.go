package ssotest

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/internal/testkit/testsrv"
)

// Options configure a Server. STS is required; every other field has a
// default.
type Options struct {
	// STS issues the role credentials of GetRoleCredentials
	// (ststest.Server.IssueRoleSession), so that they sign requests to it.
	STS *ststest.Server
	// Region is the Identity Center instance's region: it is encoded in
	// client ids and names the role path of the AWSReservedSSO_ roles
	// (/aws-reserved/sso.amazonaws.com/<region>/, no region for us-east-1).
	// Default us-east-1.
	Region string
	// StartURL, when set, is the only start URL StartDeviceAuthorization
	// accepts (a trailing slash aside); otherwise any https URL is.
	StartURL string
	// Now is the server clock, for every expiry and the device polling
	// interval. It must be safe for concurrent use. Default time.Now. Role
	// credentials expire by the STS server's clock, not this one.
	Now func() time.Time
	// AccessTokenLifetime is the expiresIn of access tokens that come with
	// a refresh token. Default 1 hour. Access tokens without one (clients
	// registered without scopes: the AWS CLI's legacy sso_start_url
	// profiles) last the whole SessionDuration, as the service's do.
	AccessTokenLifetime time.Duration
	// SessionDuration is how long a sign-in lasts: refresh tokens stop
	// working that long after the user approved. Default 8 hours, Identity
	// Center's default.
	SessionDuration time.Duration
	// ClientLifetime is how long a client registration stays valid
	// (clientSecretExpiresAt). Default 90 days.
	ClientLifetime time.Duration
	// DeviceCodeLifetime is the expiresIn of StartDeviceAuthorization.
	// Default 10 minutes.
	DeviceCodeLifetime time.Duration
	// PollInterval is the interval StartDeviceAuthorization asks for.
	// Default 1 second (rounded to whole seconds on the wire).
	PollInterval time.Duration
	// AuthCodeLifetime is how long an authorization code from /authorize
	// can be exchanged. Default 5 minutes.
	AuthCodeLifetime time.Duration
	// KeepRefreshTokens makes the refresh_token grant return the refresh
	// token it was given, still valid, instead of rotating it (a new
	// refresh token, the old one refused from then on).
	KeepRefreshTokens bool
	// OnRequest, when set, is called after every request (API and browser
	// pages), outside the server's lock. It must be safe for concurrent use.
	OnRequest func(Request)
}

// Server is an IAM Identity Center stand-in: the SSO OIDC API
// (oidc.<region>.amazonaws.com), the browser pages a user signs in on, and
// the portal API (portal.sso.<region>.amazonaws.com), on one listener. All
// methods are safe for concurrent use.
type Server struct {
	opts Options
	mux  *http.ServeMux

	mu          sync.Mutex
	users       map[string]*userRecord // by name
	userOrder   []*userRecord
	accounts    map[string]*accountRecord // by id
	permSets    map[permKey]*permissionSet
	assignments map[assignKey]bool
	clients     map[string]*clientRecord // by client id
	devices     map[string]*deviceRecord // by device code
	userCodes   map[string]*deviceRecord // by user code
	pending     map[string]*authRequest  // /authorize requests waiting for a decision, by id
	codes       map[string]*authCode     // by code
	access      map[string]*accessRecord // by token
	refresh     map[string]*refreshRecord
	pages       map[string]*pageState // next_token values of the portal's lists
	roleCreds   []RoleCredentials
	seq         int
	browser     Browser
	change      chan struct{} // closed when a sign-in request starts (wait.go)
	faults      testsrv.Faults
	log         *testsrv.Log[Request] // calls, successes, the request log

	ln testsrv.Listener
}

// New returns a server with no users, accounts or clients. It panics when
// opts.STS is nil.
func New(opts Options) *Server {
	if opts.STS == nil {
		panic("ssotest: Options.STS is required")
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&opts.AccessTokenLifetime, time.Hour)
	def(&opts.SessionDuration, 8*time.Hour)
	def(&opts.ClientLifetime, 90*24*time.Hour)
	def(&opts.DeviceCodeLifetime, 10*time.Minute)
	def(&opts.PollInterval, time.Second)
	def(&opts.AuthCodeLifetime, 5*time.Minute)
	s := &Server{
		opts:        opts,
		users:       map[string]*userRecord{},
		accounts:    map[string]*accountRecord{},
		permSets:    map[permKey]*permissionSet{},
		assignments: map[assignKey]bool{},
		clients:     map[string]*clientRecord{},
		devices:     map[string]*deviceRecord{},
		userCodes:   map[string]*deviceRecord{},
		pending:     map[string]*authRequest{},
		codes:       map[string]*authCode{},
		access:      map[string]*accessRecord{},
		refresh:     map[string]*refreshRecord{},
		pages:       map[string]*pageState{},
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
// "http://127.0.0.1:PORT", for both AWS_ENDPOINT_URL_SSO_OIDC and
// AWS_ENDPOINT_URL_SSO. Like httptest.NewServer it panics if it cannot
// listen, or if the server was already started.
func (s *Server) Start() string { return s.ln.Start("ssotest", s) }

// URL is the endpoint Start returned, or "" before Start.
func (s *Server) URL() string { return s.ln.URL() }

// Close stops a server started with Start, dropping open connections. It
// does nothing otherwise, so it suits t.Cleanup.
func (s *Server) Close() { s.ln.Close() }

// ServeHTTP serves the OIDC API, the browser pages, the portal API and the
// admin API under /_ssotest/ (see GET /_ssotest/).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	// SSO OIDC (REST-JSON, unsigned).
	mux.HandleFunc("POST /client/register", s.api(OpRegisterClient, false, s.registerClient))
	mux.HandleFunc("POST /device_authorization", s.api(OpStartDeviceAuthorization, false, s.startDeviceAuthorization))
	mux.HandleFunc("POST /token", s.api(OpCreateToken, false, s.createToken))
	// The browser.
	mux.HandleFunc("GET /authorize", s.page(OpAuthorize, s.authorizePage))
	mux.HandleFunc("POST /authorize", s.page(OpAuthorize, s.authorizeDecision))
	mux.HandleFunc("GET /device", s.page(OpVerifyDevice, s.devicePage))
	mux.HandleFunc("POST /device", s.page(OpVerifyDevice, s.deviceDecision))
	// The portal (REST-JSON, bearer token in x-amz-sso_bearer_token).
	mux.HandleFunc("GET /federation/credentials", s.api(OpGetRoleCredentials, true, s.getRoleCredentials))
	mux.HandleFunc("GET /assignment/accounts", s.api(OpListAccounts, true, s.listAccounts))
	mux.HandleFunc("GET /assignment/roles", s.api(OpListAccountRoles, true, s.listAccountRoles))
	mux.HandleFunc("POST /logout", s.api(OpLogout, true, s.logout))
	s.adminRoutes(mux)
	return mux
}

// call is one API request, read and decoded.
type call struct {
	op    string
	grant string // CreateToken's grantType
	r     *http.Request
	body  []byte
	now   time.Time
}

// decode reads the JSON request body into v; an empty body is {}.
func (c *call) decode(v any) *apiError {
	if len(c.body) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return newError(InvalidRequestException, "Invalid request body: %v", err)
	}
	return nil
}

// handlerFunc runs an API operation with s.mu held and returns the JSON
// response document or an exception.
type handlerFunc func(c *call) (any, *apiError)

// api wraps an operation: read the body, count, injected faults, run,
// answer, record.
func (s *Server) api(op string, portal bool, h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-amzn-RequestId", testsrv.UUID())
		c := &call{op: op, r: r, now: s.now()}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, testsrv.MaxBodySize))
		c.body = body
		var result any
		var aerr *apiError
		if err != nil {
			aerr = newError(InvalidRequestException, "Could not read the request: %v", err)
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				aerr.message = "Request body is too large"
			}
		} else if op == OpCreateToken {
			var g struct {
				GrantType string `json:"grantType"`
			}
			_ = json.Unmarshal(body, &g)
			c.grant = g.GrantType
		}
		s.mu.Lock()
		s.log.Called(op)
		if c.grant != "" {
			s.log.Called(GrantOp(c.grant))
		}
		if aerr == nil {
			if code := s.takeFault(op, c.grant); code != "" {
				aerr = newError(code, "%s", defaultMessage(code))
			}
		}
		if aerr == nil {
			result, aerr = h(c)
		}
		s.mu.Unlock()
		switch {
		case aerr != nil:
			writeError(w, portal, aerr)
		case result == nil: // Logout: 200 and no body
			w.WriteHeader(http.StatusOK)
		default:
			writeJSON(w, http.StatusOK, result)
		}
		req := Request{Op: op, GrantType: c.grant, Time: c.now, Status: http.StatusOK}
		if aerr != nil {
			req.Status, req.Code, req.Message = aerr.status, aerr.code, aerr.message
		}
		s.finish(req)
	}
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
		s.finish(Request{Op: op, Time: now, Status: status, Code: code})
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

// trimSlash drops one trailing slash, for comparing start URLs.
func trimSlash(u string) string { return strings.TrimSuffix(u, "/") }
