package ststest

// The AWS federation endpoint (https://signin.aws.amazon.com/federation,
// signin.amazonaws-us-gov.com and signin.amazonaws.cn for the other
// partitions), served on /federation: getSigninToken exchanges temporary
// credentials for a sign-in token, login exchanges the token for a console
// session and redirects the browser to the console. It takes no SigV4: the
// credentials travel in the Session parameter, and the sign-in URL is a
// bearer credential until its token expires.
//
// What the real endpoint does, and where that is from:
//
//   - getSigninToken answers {"SigninToken":"..."}; a sign-in URL made
//     with the token works for 15 minutes (IAM User Guide, "Enabling
//     custom identity broker access to the AWS console"). Nothing says a
//     token works only once, and STS-FACTS.md calls the URL a bearer
//     credential until the token expires: a token here can be used again
//     until then.
//   - SessionDuration (900-43200 s) is for sessions from AssumeRole*
//     only: "Do not use the SessionDuration HTTP parameter if you got the
//     temporary credentials with GetFederationToken. Doing so will cause
//     the operation to fail" (same guide). Without it the console session
//     lasts as long as the credentials.
//   - A console session beyond one hour needs a role assumed with
//     long-term credentials: "if you use the AssumeRole* API operations,
//     you must call them as an IAM user with long-term credentials.
//     Otherwise, the call to the federation endpoint fails" (same guide;
//     the AWS Knowledge Center article "invalid-credentials-parameter"
//     says so of a role assumed by a role). GetSessionToken credentials
//     count as temporary here too: AWS told aws-vault so, which then
//     stopped using a session for console sign-in (99designs/aws-vault#77
//     and #92). So SessionDuration above 3600 is refused for any role
//     session whose AssumeRole was signed with temporary credentials, not
//     only for what STS calls role chaining. One more report
//     (a project's notes found by code search) has 3600 fail and 3540
//     work for a freshly chained 1-hour session, so for those sessions a
//     SessionDuration that would outlast the credentials is refused too.
//   - Every getSigninToken refusal found is HTTP 400 with the same HTML
//     page, "HTTP Status 400 - Invalid credentials parameter", message
//     "Invalid credentials parameter", description "The request sent by
//     the client was syntactically incorrect." (the Knowledge Center
//     article; 99designs/aws-vault#77; Bridgewater/holochrome#8). Long-term
//     keys got "Bad Request" (99designs/aws-vault#104, #106). There is no
//     error code or JSON: clients check the status (aws-vault fails on any
//     status but 200 and logs the body; joshdk/aws-console reports
//     "request failed: 400 Bad Request"). ststest sends that page for
//     every refusal, with its reason in an HTML comment.
//   - GetSessionToken credentials get a token, and the login step shows
//     "Only federation tokens or assume role tokens may be used for
//     federated login. Please contact your administrator." (a browser
//     screenshot in 99designs/aws-vault#1191, 2023; its maintainer in
//     #1170: "the console only works with assume role or federation
//     tokens"). ststest does the same, so a client that uses such a
//     session learns it only by following the URL, as on AWS.
//   - Role credentials of IAM Identity Center (portal GetRoleCredentials,
//     an AWSReservedSSO_* role session) sign in like an AssumeRole
//     session: they are "assume role tokens"; aws-vault's login of an
//     SSO profile hands them to getSigninToken as it does any role's.
//   - login redirects to Destination with a 302 (the guide recommends
//     handing out the URL with one). How the real endpoint answers an
//     invalid or expired token or a bad Destination is not documented;
//     ststest answers 400 with a sign-in page in its own words. A client
//     must treat anything but a 302 to its Destination as failure.
//
// Destination must be an https URL of the console of the session's
// partition: console.aws.amazon.com, console.amazonaws-us-gov.com or
// console.amazonaws.cn, or a subdomain (eu-west-1.console.aws.amazon.com,
// s3.console.aws.amazon.com). Plain http is refused even in tests: the
// console is https only, and a test needs no console to assert the
// redirect, only the Location header.

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/testkit/testsrv"
)

const (
	federationPath       = "/federation"
	actionGetSigninToken = "getSigninToken"
	actionLogin          = "login"
	// signinTokenLifetime is how long a sign-in token works for login.
	signinTokenLifetime = 15 * time.Minute
	// The range of SessionDuration, and its limit for a role assumed with
	// temporary credentials.
	minConsoleSession        = 900
	maxConsoleSession        = 43200
	maxConsoleSessionViaTemp = 3600
)

func isFederationAction(action string) bool {
	return action == actionGetSigninToken || action == actionLogin
}

// consoleDomains are the console hosts of each partition.
var consoleDomains = []struct{ domain, partition string }{
	{"console.aws.amazon.com", "aws"},
	{"console.amazonaws-us-gov.com", "aws-us-gov"},
	{"console.amazonaws.cn", "aws-cn"},
}

// serveFederation serves the federation endpoint, with the request log,
// counts, faults and delays of the API.
func (s *Server) serveFederation(w http.ResponseWriter, r *http.Request) {
	req := Request{Service: "signin", Time: s.now()}
	var reply fedReply
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		reply = statusPage(http.StatusMethodNotAllowed, "Method Not Allowed", "The specified HTTP method is not allowed for the requested resource.", r.Method+" is not GET or POST")
		s.finishFederation(w, req, reply)
		return
	}
	// GET as browsers and most clients send it; POST with a form body as
	// some clients do.
	r.Body = http.MaxBytesReader(w, r.Body, testsrv.MaxBodySize)
	if err := r.ParseForm(); err != nil {
		s.finishFederation(w, req, credentialsRefused("cannot read the request: %v", err))
		return
	}
	req.Action = r.Form.Get("Action")

	s.mu.Lock()
	s.log.Called(req.Action)
	delay := s.delayFor(req.Action)
	var fault string
	if isFederationAction(req.Action) {
		fault = s.faults.Take(nil, req.Action)
	}
	s.mu.Unlock()
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			s.finishFederation(w, req, faultPage(codeInternalFailure))
			return
		}
	}
	switch {
	case fault != "":
		reply = faultPage(fault)
	case req.Action == actionGetSigninToken:
		reply = s.getSigninToken(r.Form, s.now())
	case req.Action == actionLogin:
		reply = s.federationLogin(r.Form, s.now())
	default:
		reply = statusPage(http.StatusBadRequest, msgInvalidAction, msgSyntacticallyIncorrect, fmt.Sprintf("Action %q is neither getSigninToken nor login", req.Action))
	}
	s.finishFederation(w, req, reply)
}

// finishFederation writes the reply, records the request and reports it.
// A refusal is logged with the status text as its Code (the endpoint sends
// no error codes) and ststest's reason as its Message.
func (s *Server) finishFederation(w http.ResponseWriter, req Request, reply fedReply) {
	s.writeFedReply(w, reply)
	req.Status = reply.status
	req.AccessKeyID = reply.keyID
	if reply.status >= 400 {
		req.Code, req.Message = reply.code, reply.reason
		if req.Code == "" {
			req.Code = http.StatusText(reply.status)
		}
	}
	s.mu.Lock()
	s.record(req)
	s.mu.Unlock()
	if s.opts.OnRequest != nil {
		s.opts.OnRequest(req)
	}
}

// sessionParam is the Session parameter of getSigninToken.
type sessionParam struct {
	SessionID    string `json:"sessionId"`
	SessionKey   string `json:"sessionKey"`
	SessionToken string `json:"sessionToken"`
}

func (s *Server) getSigninToken(params url.Values, now time.Time) fedReply {
	var cred sessionParam
	if err := json.Unmarshal([]byte(params.Get("Session")), &cred); err != nil || cred.SessionID == "" || cred.SessionKey == "" {
		return credentialsRefused("the Session parameter is not a JSON object with sessionId, sessionKey and sessionToken")
	}
	keyID := cred.SessionID
	if len(keyID) > 128 {
		keyID = keyID[:128]
	}
	refuse := func(format string, args ...any) fedReply {
		r := credentialsRefused(format, args...)
		r.keyID = keyID
		return r
	}
	var duration time.Duration
	if v, ok := params["SessionDuration"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < minConsoleSession || n > maxConsoleSession {
			return refuse("SessionDuration %q is not a number of seconds from %d to %d", v[0], minConsoleSession, maxConsoleSession)
		}
		duration = time.Duration(n) * time.Second
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.keys[cred.SessionID]; ok {
		return refuse("%s is a long-term access key; console sign-in takes temporary credentials from AssumeRole* or GetFederationToken", keyID)
	}
	rec, ok := s.sessions[cred.SessionID]
	if !ok {
		return refuse("no temporary credentials %s", keyID)
	}
	if subtle.ConstantTimeCompare([]byte(cred.SessionKey), []byte(rec.secret)) != 1 ||
		subtle.ConstantTimeCompare([]byte(cred.SessionToken), []byte(rec.token)) != 1 {
		return refuse("the sessionKey or sessionToken is not that of %s", keyID)
	}
	if !now.Before(rec.Expiration) {
		return refuse("the credentials %s expired at %s", keyID, formatExpiration(rec.Expiration))
	}
	if duration > 0 {
		switch {
		case !isAssumeRoleAction(rec.Action):
			return refuse("SessionDuration is allowed only for sessions from AssumeRole*; %s came from %s", keyID, rec.Action)
		case rec.viaSession && duration > maxConsoleSessionViaTemp*time.Second:
			return refuse("SessionDuration %d exceeds %d for a role assumed with temporary credentials", duration/time.Second, maxConsoleSessionViaTemp)
		case rec.viaSession && now.Add(duration).After(rec.Expiration):
			return refuse("SessionDuration %d outlasts the credentials of a role assumed with temporary credentials (they expire at %s)",
				duration/time.Second, formatExpiration(rec.Expiration))
		}
	}
	tok := &signinTokenRecord{value: newSigninToken(), session: rec, issued: now, expires: now.Add(signinTokenLifetime), duration: duration}
	s.addSigninToken(tok)
	body, err := json.Marshal(struct {
		SigninToken string
	}{tok.value})
	if err != nil {
		panic(fmt.Sprintf("ststest: encoding a sign-in token: %v", err)) // a string cannot fail to encode
	}
	return fedReply{status: http.StatusOK, ctype: "application/json", body: body, keyID: keyID}
}

// isAssumeRoleAction reports whether sessions of action are role sessions
// the console takes with SessionDuration: AssumeRole and
// AssumeRoleWithWebIdentity/AssumeRoleWithSAML alike.
func isAssumeRoleAction(action string) bool { return strings.HasPrefix(action, "AssumeRole") }

// actionGetRoleCredentials is the Action of the role sessions IAM Identity
// Center hands out (IssueRoleSession). They are role sessions of an
// AWSReservedSSO_* role, and the console takes them as it takes any role
// session's (AWS's "federation tokens or assume role tokens"): tools such
// as aws-vault sign in to the console with them. So does it take the role
// sessions of a console-federated identity's `aws login`
// (IssueLoginRoleSession); an IAM user's login session (IssueUserSession)
// it refuses like GetSessionToken credentials.
const actionGetRoleCredentials = "GetRoleCredentials"

func (s *Server) federationLogin(params url.Values, now time.Time) fedReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	tok, ok := s.signinTokens[params.Get("SigninToken")]
	if !ok {
		return signinPage(msgInvalidSigninToken, "unknown sign-in token")
	}
	rec := tok.session
	refuse := func(message, format string, args ...any) fedReply {
		r := signinPage(message, fmt.Sprintf(format, args...))
		r.keyID = rec.AccessKeyID
		return r
	}
	if !now.Before(tok.expires) {
		return refuse(msgInvalidSigninToken, "the sign-in token expired at %s", formatExpiration(tok.expires))
	}
	if s.sessions[rec.AccessKeyID] != rec {
		return refuse(msgInvalidSigninToken, "the credentials %s behind the sign-in token were revoked", rec.AccessKeyID)
	}
	if !isAssumeRoleAction(rec.Action) && rec.Action != actionGetRoleCredentials && !rec.federated() &&
		!(rec.Action == actionCreateOAuth2Token && rec.roleSession()) {
		return refuse(msgFederatedLoginOnly, "the credentials %s came from %s", rec.AccessKeyID, rec.Action)
	}
	dest := params.Get("Destination")
	if err := checkDestination(dest, sessionPartition(rec)); err != nil {
		return refuse(msgInvalidDestination, "%v", err)
	}
	end := rec.Expiration
	if tok.duration > 0 {
		end = now.Add(tok.duration)
	}
	if !now.Before(end) {
		return refuse(msgSessionOver, "the credentials %s expired at %s, and with them the console session", rec.AccessKeyID, formatExpiration(end))
	}
	s.recordLogin(Login{
		AccessKeyID:       rec.AccessKeyID,
		Action:            rec.Action,
		ARN:               rec.ARN,
		RoleARN:           rec.RoleARN,
		UserARN:           rec.UserARN,
		Destination:       dest,
		Issuer:            params.Get("Issuer"),
		SessionDuration:   int(tok.duration / time.Second),
		Time:              now,
		ConsoleExpiration: end,
	})
	return fedReply{status: http.StatusFound, location: dest, keyID: rec.AccessKeyID}
}

// sessionPartition is the partition of the session's principal: its role's,
// or aws for sessions of IAM users (the server's users are all in aws).
func sessionPartition(rec *sessionRecord) string {
	if rec.role != nil {
		return rec.role.partition
	}
	return "aws"
}

// checkDestination checks that dest is an https URL of the console of
// partition.
func checkDestination(dest, partition string) error {
	if dest == "" {
		return fmt.Errorf("no Destination")
	}
	u, err := url.Parse(dest)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.Port() != "" {
		return fmt.Errorf("destination %q is not an https URL without user or port", dest)
	}
	host := strings.ToLower(u.Hostname())
	for _, d := range consoleDomains {
		if host != d.domain && !strings.HasSuffix(host, "."+d.domain) {
			continue
		}
		if d.partition != partition {
			return fmt.Errorf("destination %q is a console of partition %s, the session's partition is %s", dest, d.partition, partition)
		}
		return nil
	}
	return fmt.Errorf("destination %q is not on a console host (%s)", dest, consoleHostList())
}

func consoleHostList() string {
	names := make([]string, len(consoleDomains))
	for i, d := range consoleDomains {
		names[i] = d.domain
	}
	return strings.Join(names, ", ")
}
