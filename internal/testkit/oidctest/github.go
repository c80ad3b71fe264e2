package oidctest

// A stand-in for the GitHub Actions ID-token endpoint. What it reproduces:
//   - The runner gives a job with "permissions: id-token: write" two
//     variables, ACTIONS_ID_TOKEN_REQUEST_URL (a URL that already has a query
//     string, "...?api-version=2.0") and ACTIONS_ID_TOKEN_REQUEST_TOKEN.
//     Clients (the toolkit's core.getIDToken, curl in GitHub's docs) request
//     GET "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=<url-encoded aud>" with
//     "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" and read the
//     JWT from the JSON response {"value": "<jwt>"}; on failure the toolkit
//     reports the status and the "message" of a JSON body.
//   - Without an audience parameter, aud is the repository owner's URL
//     (https://github.com/ORG).
//   - The token's claims (GitHub's OpenID Connect reference): iss, sub
//     ("repo:ORG/REPO:ref:refs/heads/main", "repo:ORG/REPO:environment:ENV"
//     for a job with an environment, "repo:ORG/REPO:pull_request" for
//     pull_request events), aud, jti, iat, nbf, exp, and the custom claims
//     actor, actor_id, base_ref, event_name, head_ref, job_workflow_ref,
//     job_workflow_sha, ref, ref_protected, ref_type, repository,
//     repository_id, repository_owner, repository_owner_id,
//     repository_visibility, run_attempt, run_id, run_number,
//     runner_environment, sha, workflow, workflow_ref, workflow_sha (ids and
//     numbers as strings, as GitHub sends them).
// The real issuer is https://token.actions.githubusercontent.com (JWKS at
// /.well-known/jwks); here the issuer is the stand-in's own URL so that a
// verifier fetches the keys over loopback. What the real service answers to
// a missing or wrong bearer token is not documented; this one answers 401
// (RFC 6750's invalid_token) with a JSON message, and 403 when the job's
// id-token permission is withdrawn (SetPermission(false)).

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// GitHubOptions configure a GitHubActions stand-in. The zero value is
// usable: a push to main of octo-org/octo-repo.
type GitHubOptions struct {
	// Now is the clock of the tokens. Default time.Now.
	Now func() time.Time
	// Repository is "ORG/REPO". Default "octo-org/octo-repo".
	Repository string
	// Ref is the git ref the job runs for. Default "refs/heads/main".
	Ref string
	// Environment, when set, is the job's deployment environment; the
	// subject then names it instead of the ref.
	Environment string
	// EventName is the workflow's trigger. Default "push"; with
	// "pull_request" the subject is "repo:ORG/REPO:pull_request".
	EventName string
	// Workflow is the workflow file's path. Default
	// ".github/workflows/deploy.yml".
	Workflow string
	// Actor is the account that started the run. Default "octocat".
	Actor string
	// TokenLifetime is how long tokens are valid. Default 5 minutes.
	TokenLifetime time.Duration
	// Claims are merged into every token last: they override the claims
	// above, and a nil value removes one.
	Claims map[string]any
}

// GitHubActions is a stand-in for the GitHub Actions ID-token endpoint and
// the OpenID provider behind it. All methods are safe for concurrent use.
type GitHubActions struct {
	p            *Provider
	opts         GitHubOptions
	path         string // of the token endpoint
	requestToken string
	sha          string

	mu        sync.Mutex
	requests  int
	audiences []string // of the tokens served, in order
	denied    bool
}

// NewGitHubActions returns a stand-in; serve it with Start.
func NewGitHubActions(opts GitHubOptions) *GitHubActions {
	if opts.Repository == "" {
		opts.Repository = "octo-org/octo-repo"
	}
	if owner, name, ok := strings.Cut(opts.Repository, "/"); !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		panic(fmt.Sprintf("oidctest: repository %q is not ORG/REPO", opts.Repository))
	}
	if opts.Ref == "" {
		opts.Ref = "refs/heads/main"
	}
	if opts.EventName == "" {
		opts.EventName = "push"
	}
	if opts.Workflow == "" {
		opts.Workflow = ".github/workflows/deploy.yml"
	}
	if opts.Actor == "" {
		opts.Actor = "octocat"
	}
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = 5 * time.Minute
	}
	return &GitHubActions{
		p:    New(Options{Now: opts.Now, TokenLifetime: opts.TokenLifetime, JWKSPath: "/.well-known/jwks"}),
		opts: opts,
		// The shape of the real URL's path (the runner service's job API).
		path:         fmt.Sprintf("/_apis/distributedtask/hubs/Actions/plans/%s/jobs/%s/idtoken", uuid(), uuid()),
		requestToken: b64(randomBytes(48)),
		sha:          fmt.Sprintf("%x", randomBytes(20)),
	}
}

// Start serves on a random port of 127.0.0.1 and returns its URL, which is
// also the tokens' issuer.
func (g *GitHubActions) Start() string { return g.p.startWith(g) }

// URL is the issuer URL, or "" before Start.
func (g *GitHubActions) URL() string { return g.p.URL() }

// Close stops the stand-in.
func (g *GitHubActions) Close() { g.p.Close() }

// Provider is the OpenID provider behind the endpoint, for key rotation,
// injected failures and bad tokens.
func (g *GitHubActions) Provider() *Provider { return g.p }

// RequestURL is the value for ACTIONS_ID_TOKEN_REQUEST_URL. Like the real
// one it already has a query string, so clients append "&audience=...".
func (g *GitHubActions) RequestURL() string { return g.p.URL() + g.path + "?api-version=2.0" }

// RequestToken is the value for ACTIONS_ID_TOKEN_REQUEST_TOKEN.
func (g *GitHubActions) RequestToken() string { return g.requestToken }

// Subject is the sub claim of the tokens, e.g.
// "repo:octo-org/octo-repo:ref:refs/heads/main".
func (g *GitHubActions) Subject() string {
	switch {
	case g.opts.Environment != "":
		return "repo:" + g.opts.Repository + ":environment:" + g.opts.Environment
	case g.opts.EventName == "pull_request":
		return "repo:" + g.opts.Repository + ":pull_request"
	}
	return "repo:" + g.opts.Repository + ":ref:" + g.opts.Ref
}

// DefaultAudience is the aud of a token requested without an audience:
// the repository owner's URL.
func (g *GitHubActions) DefaultAudience() string {
	owner, _, _ := strings.Cut(g.opts.Repository, "/")
	return "https://github.com/" + owner
}

// Requests is how many requests the token endpoint got, refused ones
// included.
func (g *GitHubActions) Requests() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.requests
}

// Audiences lists the aud of every token the endpoint served, in order.
func (g *GitHubActions) Audiences() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.audiences)
}

// SetPermission grants or withdraws the job's id-token permission: without
// it the endpoint answers 403.
func (g *GitHubActions) SetPermission(granted bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.denied = !granted
}

// Token returns a token for audience (DefaultAudience when empty) with the
// claims the endpoint would put in it, without a request.
func (g *GitHubActions) Token(audience string) string {
	if audience == "" {
		audience = g.DefaultAudience()
	}
	return g.p.Token(Claims{Subject: g.Subject(), Audience: []string{audience}, Extra: g.claims()})
}

// claims are GitHub's custom claims for the job, plus Options.Claims.
func (g *GitHubActions) claims() map[string]any {
	o := g.opts
	owner, _, _ := strings.Cut(o.Repository, "/")
	refType := "branch"
	if strings.HasPrefix(o.Ref, "refs/tags/") {
		refType = "tag"
	}
	workflowRef := o.Repository + "/" + o.Workflow + "@" + o.Ref
	m := map[string]any{
		"jti":                   uuid(),
		"actor":                 o.Actor,
		"actor_id":              "1",
		"base_ref":              "",
		"head_ref":              "",
		"event_name":            o.EventName,
		"job_workflow_ref":      workflowRef,
		"job_workflow_sha":      g.sha,
		"ref":                   o.Ref,
		"ref_protected":         "true",
		"ref_type":              refType,
		"repository":            o.Repository,
		"repository_id":         "74",
		"repository_owner":      owner,
		"repository_owner_id":   "65",
		"repository_visibility": "private",
		"run_attempt":           "1",
		"run_id":                "1000000001",
		"run_number":            "10",
		"runner_environment":    "github-hosted",
		"sha":                   g.sha,
		"workflow":              o.Workflow,
		"workflow_ref":          workflowRef,
		"workflow_sha":          g.sha,
	}
	if o.Environment != "" {
		m["environment"] = o.Environment
	}
	for k, v := range o.Claims {
		m[k] = v
	}
	return m
}

// ServeHTTP serves the token endpoint, and the provider's discovery
// document and JWKS.
func (g *GitHubActions) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != g.path {
		g.p.ServeHTTP(w, r)
		return
	}
	g.mu.Lock()
	g.requests++
	denied := g.denied
	g.mu.Unlock()
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "method not allowed"})
		return
	}
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "bearer") || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(g.requestToken)) != 1 {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "bearer token missing or invalid"})
		return
	}
	if denied {
		writeJSON(w, http.StatusForbidden, map[string]string{"message": "the job has no id-token: write permission"})
		return
	}
	audience := r.URL.Query().Get("audience")
	if audience == "" {
		audience = g.DefaultAudience()
	}
	jwt := g.Token(audience)
	g.mu.Lock()
	g.audiences = append(g.audiences, audience)
	g.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"value": jwt})
}

// uuid returns a random version-4 UUID.
func uuid() string {
	b := randomBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
