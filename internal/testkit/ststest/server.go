package ststest

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/stscred/stscred/internal/testkit/testsrv"
)

// Options configure a Server. The zero value is usable.
type Options struct {
	// Now is the server clock, used for signature age, expirations and TOTP
	// steps. It must be safe for concurrent use. Default time.Now.
	Now func() time.Time
	// DateOffset is added to the Date header of every response and to
	// nothing else, so the server can look skewed to a client that measures
	// skew from that header while still checking signatures against Now.
	DateOffset time.Duration
	// Region, when set, is the only region accepted in the credential
	// scope of an STS request's signature; otherwise any region is. IAM
	// requests, IAM being global, must always be scoped to us-east-1.
	Region string
	// OnRequest, when set, is called after every STS or IAM API request
	// (not the admin API), outside the server's lock, e.g. to log it. It
	// must be safe for concurrent use.
	OnRequest func(Request)
	// KeyPropagation models IAM's eventual consistency: an access key made
	// by the IAM action CreateAccessKey is refused with InvalidClientTokenId
	// until this much server time (Now) has passed since its creation. Keys
	// added with User.AddAccessKey or ImportAccessKey work at once. Default
	// 0: new keys work at once.
	KeyPropagation time.Duration
	// MaxRoleCredentialLifetime, when set, caps how long AssumeRole (and
	// AssumeRoleWithWebIdentity and AssumeRoleWithSAML) credentials stay
	// valid, whatever duration was asked for: tests of renewal need role
	// credentials that expire in seconds (below STS's 15-minute minimum)
	// while the MFA session lasts.
	MaxRoleCredentialLifetime time.Duration
	// MaxFederationCredentialLifetime, when set, caps how long
	// GetFederationToken credentials stay valid, whatever DurationSeconds
	// asked for, like MaxRoleCredentialLifetime for roles: tests of a
	// console session that outlives its credentials, or of renewal, need
	// federated credentials that expire in seconds.
	MaxFederationCredentialLifetime time.Duration
	// OIDCHTTPClient fetches the discovery documents and JWKS of OIDC
	// providers (AddOIDCProvider), e.g. one trusting a test CA. Default a
	// client with a 5-second timeout.
	OIDCHTTPClient *http.Client
}

// Server is an STS and IAM test server. Create it with New, give it users
// and roles, then serve it with Start or as an http.Handler. All methods are
// safe for concurrent use.
type Server struct {
	opts  Options
	sts   *api
	iam   *api
	admin http.Handler

	mu         sync.Mutex
	users      map[string]*userRecord    // by ARN
	keys       map[string]*keyRecord     // long-term keys by id
	devices    map[string]*deviceRecord  // by serial
	roles      map[string]*roleRecord    // by ARN
	idps       identityProviders         // IAM OIDC and SAML providers
	sessions   map[string]*sessionRecord // by access key id
	sessionSeq int
	keySeq     int // creation order of long-term keys
	faults     testsrv.Faults
	delays     map[string]time.Duration
	log        *testsrv.Log[Request] // calls, successes, the request log
	// The federation endpoint's sign-in tokens, by value and in the order
	// issued, and the sign-ins it granted.
	signinTokens map[string]*signinTokenRecord
	signinLog    []*signinTokenRecord
	logins       []Login

	ln testsrv.Listener
}

// New returns a server with no users or roles.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		opts:     opts,
		users:    map[string]*userRecord{},
		keys:     map[string]*keyRecord{},
		devices:  map[string]*deviceRecord{},
		roles:    map[string]*roleRecord{},
		idps:     newIdentityProviders(),
		sessions: map[string]*sessionRecord{},
		delays:   map[string]time.Duration{},
		log:      testsrv.NewLog[Request](AnyAction, nil),

		signinTokens: map[string]*signinTokenRecord{},
	}
	s.sts = s.newSTSAPI()
	s.iam = s.newIAMAPI()
	s.admin = s.adminHandler()
	return s
}

func (s *Server) now() time.Time { return s.opts.Now() }

// Start serves on a random port of 127.0.0.1 and returns the endpoint URL,
// "http://127.0.0.1:PORT". Like httptest.NewServer it panics if it cannot
// listen, or if the server was already started.
func (s *Server) Start() string { return s.ln.Start("ststest", s) }

// URL is the endpoint Start returned, or "" before Start.
func (s *Server) URL() string { return s.ln.URL() }

// Close stops a server started with Start, dropping open connections. It
// does nothing otherwise, so it suits t.Cleanup.
func (s *Server) Close() { s.ln.Close() }

// ServeHTTP serves the STS and IAM query APIs, the federation endpoint on
// /federation (see federation.go), and the admin API under /_ststest/. A
// request signed for service "iam" (its credential scope ending
// /iam/aws4_request) goes to IAM; every other one to STS.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, adminPrefix) {
		s.admin.ServeHTTP(w, r)
		return
	}
	if r.URL.Path == federationPath {
		s.serveFederation(w, r)
		return
	}
	s.serveAPI(w, r, s.apiFor(r))
}

// apiFor picks the service a request is for from the service named in its
// Authorization header's credential scope, without checking anything.
func (s *Server) apiFor(r *http.Request) *api {
	_, after, ok := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	if !ok {
		return s.sts
	}
	cred, _, _ := strings.Cut(after, ",")
	if parts := strings.Split(strings.TrimSpace(cred), "/"); len(parts) == 5 && parts[3] == s.iam.service {
		return s.iam
	}
	return s.sts
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, api *api) {
	requestID := testsrv.UUID()
	req := Request{Service: api.service, AccessKeyID: credentialKeyID(r), Time: s.now()}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, testsrv.MaxBodySize))
	var params url.Values
	if err == nil {
		params, err = requestParams(r, body)
	}
	if err != nil {
		aerr := newError(codeValidationError, "Could not read the request: %v", err)
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			aerr = newError(codeRequestTooLarge, "Request body is larger than %d bytes", testsrv.MaxBodySize)
		}
		s.finish(w, api, requestID, req, "", nil, aerr)
		return
	}
	req.Action = params.Get("Action")

	s.mu.Lock()
	s.log.Called(req.Action)
	delay := s.delayFor(req.Action)
	s.mu.Unlock()
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			s.finish(w, api, requestID, req, "", nil, newError(codeInternalFailure, "client went away during the injected delay"))
			return
		}
	}
	result, aerr := s.process(r, body, api, params, req.AccessKeyID)
	s.finish(w, api, requestID, req, req.Action, result, aerr)
}

// process runs a request after it was read: injected fault, signature,
// action dispatch.
func (s *Server) process(r *http.Request, body []byte, api *api, params url.Values, keyID string) (any, *apiError) {
	action := params.Get("Action")
	s.mu.Lock()
	var injected *apiError
	if code := s.takeFault(api, action); code != "" {
		injected = s.faultError(api, code, action, keyID, params)
	}
	s.mu.Unlock()
	if injected != nil {
		return nil, injected
	}
	now := s.now()
	c, err := s.callerOf(r, body, api, action, now)
	if err != nil {
		return nil, err
	}
	if api.admit != nil {
		if err := api.admit(c); err != nil {
			return nil, err
		}
	}
	handler, ok := api.actions[action]
	if !ok || params.Get("Version") != api.version {
		return nil, newError(codeInvalidAction, "Could not find operation %s for version %s", action, params.Get("Version"))
	}
	cl := &call{action: action, params: params, caller: c, now: now, ctx: r.Context()}
	if api.selfLocking[action] {
		return handler(cl)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return handler(cl)
}

// finish writes the response, records the request and reports it.
func (s *Server) finish(w http.ResponseWriter, api *api, requestID string, req Request, action string, result any, aerr *apiError) {
	if aerr != nil {
		aerr = api.reword(aerr)
		req.Status, req.Code, req.Message = aerr.status, aerr.code, aerr.message
		s.writeError(w, api, requestID, aerr)
	} else {
		req.Status = http.StatusOK
		s.writeResult(w, api, action, requestID, result)
	}
	s.mu.Lock()
	s.record(req)
	s.mu.Unlock()
	if s.opts.OnRequest != nil {
		s.opts.OnRequest(req)
	}
}

// requestParams merges the query string and a form-encoded body.
func requestParams(r *http.Request, body []byte) (url.Values, error) {
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("parsing query string: %w", err)
	}
	if len(body) == 0 {
		return params, nil
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/x-www-form-urlencoded" {
			return params, nil
		}
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, fmt.Errorf("parsing form body: %w", err)
	}
	for k, v := range form {
		params[k] = append(params[k], v...)
	}
	return params, nil
}

// credentialKeyID is the access key id named in the Authorization header,
// for the request log, without checking anything.
func credentialKeyID(r *http.Request) string {
	_, after, ok := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(after, "/")
	if len(id) > 128 {
		id = id[:128]
	}
	return id
}
