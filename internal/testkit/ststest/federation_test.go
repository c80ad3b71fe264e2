package ststest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stscred/stscred/internal/testkit/ststest"
)

const (
	consoleHome  = "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"
	issuer       = "https://stscred.example/console"
	pageRefused  = "HTTP Status 400 - Invalid credentials parameter"
	pageSyntax   = "The request sent by the client was syntactically incorrect."
	pageFedOnly  = "Only federation tokens or assume role tokens may be used for federated login. Please contact your administrator."
	pageBadToken = "The sign-in token is invalid or has expired."
	pageBadDest  = "The Destination parameter is not a URL of the AWS Management Console."
)

// noRedirects is a client that hands back redirects instead of following
// them, as a test of a sign-in URL must: the console is not there.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// sessionJSON is getSigninToken's Session parameter for c.
func sessionJSON(t *testing.T, c stsCreds) string {
	t.Helper()
	b, err := json.Marshal(map[string]string{"sessionId": c.id, "sessionKey": c.secret, "sessionToken": c.token})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// federation sends a GET to the federation endpoint.
func (w *world) federation(t *testing.T, q url.Values) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, w.url+"/federation?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// getSigninToken asks for a sign-in token for c; duration is the
// SessionDuration parameter, none when empty.
func (w *world) getSigninToken(t *testing.T, c stsCreds, duration string) (*http.Response, string) {
	t.Helper()
	q := url.Values{"Action": {"getSigninToken"}, "Session": {sessionJSON(t, c)}}
	if duration != "" {
		q.Set("SessionDuration", duration)
	}
	return w.federation(t, q)
}

// signinToken gets a sign-in token for c or fails the test.
func (w *world) signinToken(t *testing.T, c stsCreds, duration string) string {
	t.Helper()
	resp, body := w.getSigninToken(t, c, duration)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("getSigninToken: %d %s\nreason: %s", resp.StatusCode, body, w.lastReason())
	}
	var doc map[string]string
	if err := json.Unmarshal([]byte(body), &doc); err != nil || len(doc) != 1 || doc["SigninToken"] == "" {
		t.Fatalf("getSigninToken answered %q, want {\"SigninToken\":...}", body)
	}
	return doc["SigninToken"]
}

func (w *world) login(t *testing.T, token, destination string) (*http.Response, string) {
	t.Helper()
	return w.federation(t, url.Values{"Action": {"login"}, "Issuer": {issuer}, "Destination": {destination}, "SigninToken": {token}})
}

// wantRedirect checks that a login answered a redirect to destination.
func (w *world) wantRedirect(t *testing.T, resp *http.Response, body, destination string) {
	t.Helper()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != destination {
		t.Fatalf("login: %d Location %q, want 302 to %s\n%s\nreason: %s", resp.StatusCode, resp.Header.Get("Location"), destination, body, w.lastReason())
	}
}

// lastReason is why the server refused the last request, from its log.
func (w *world) lastReason() string {
	r := w.srv.Requests()
	if len(r) == 0 {
		return ""
	}
	return r[len(r)-1].Message
}

// wantRefused checks for the real getSigninToken refusal: 400 and its
// HTML page; and that the server refused it for the reason expected.
func (w *world) wantRefused(t *testing.T, resp *http.Response, body, reason string) {
	t.Helper()
	if resp.StatusCode == http.StatusOK {
		t.Fatalf("got a sign-in token, want the 400 Invalid credentials parameter page")
	}
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, pageRefused) || !strings.Contains(body, pageSyntax) ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("got %d %s %q, want the 400 Invalid credentials parameter page", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if got := w.lastReason(); !strings.Contains(got, reason) {
		t.Fatalf("refused because %q, want %q", got, reason)
	}
}

// wantLoginRefused checks that a login was refused with a page showing
// message, for the reason expected.
func (w *world) wantLoginRefused(t *testing.T, resp *http.Response, body, message, reason string) {
	t.Helper()
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" || !strings.Contains(body, message) {
		t.Fatalf("login: %d Location %q %q, want 400 with %q", resp.StatusCode, resp.Header.Get("Location"), body, message)
	}
	if got := w.lastReason(); !strings.Contains(got, reason) {
		t.Fatalf("login refused because %q, want %q", got, reason)
	}
}

// adminRole is alice's Admin session, assumed with her long-term key and
// an MFA code.
func (w *world) adminRole(t *testing.T, duration int32) (stsCreds, *sts.AssumeRoleOutput) {
	t.Helper()
	out, err := assume(t, w.aliceClient(), adminARN, "console", func(in *sts.AssumeRoleInput) {
		in.SerialNumber, in.TokenCode = aws.String(w.dev.Serial), aws.String(w.srv.UnusedCode(w.dev.Serial))
		in.DurationSeconds = aws.Int32(duration)
	})
	if err != nil {
		t.Fatal(err)
	}
	return credsOf(t, out), out
}

func TestConsoleSignInWithRole(t *testing.T) {
	w := newWorld(t)
	role, out := w.adminRole(t, 3600)

	// A role assumed with a long-term key may have a 12-hour console
	// session, longer than its credentials.
	resp, body := w.getSigninToken(t, role, "43200")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get("Date") == "" {
		t.Fatalf("getSigninToken: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	token := w.signinToken(t, role, "43200")
	if len(token) < 700 || strings.ContainsAny(token, "+/= ") {
		t.Errorf("sign-in token of %d characters %q..., want a long URL-safe one", len(token), token[:min(len(token), 16)])
	}
	resp, body = w.login(t, token, consoleHome)
	w.wantRedirect(t, resp, body, consoleHome)

	logins := w.srv.Logins()
	if len(logins) != 1 {
		t.Fatalf("logins %+v, want one", logins)
	}
	l := logins[0]
	if l.AccessKeyID != role.id || l.Action != "AssumeRole" || l.ARN != "arn:aws:sts::222222222222:assumed-role/Admin/console" ||
		l.RoleARN != adminARN || l.UserARN != w.alice.ARN() || l.Destination != consoleHome || l.Issuer != issuer || l.SessionDuration != 43200 {
		t.Errorf("login %+v", l)
	}
	if d := l.ConsoleSessionDuration(); d != 12*time.Hour {
		t.Errorf("console session of %v, want 12h", d)
	}
	tokens := w.srv.SigninTokens()
	if len(tokens) != 2 || tokens[1].Token != token || tokens[1].AccessKeyID != role.id || tokens[1].SessionDuration != 43200 ||
		tokens[1].Expires.Sub(tokens[1].Issued) != 15*time.Minute {
		t.Errorf("sign-in tokens %+v", tokens)
	}

	// The URL is a bearer credential until the token expires: it works
	// again.
	resp, body = w.login(t, token, "https://console.aws.amazon.com/s3/home")
	w.wantRedirect(t, resp, body, "https://console.aws.amazon.com/s3/home")

	// Without SessionDuration the console session lasts as long as the
	// credentials.
	resp, body = w.login(t, w.signinToken(t, role, ""), consoleHome)
	w.wantRedirect(t, resp, body, consoleHome)
	logins = w.srv.Logins()
	if len(logins) != 3 || logins[2].SessionDuration != 0 || !logins[2].ConsoleExpiration.Equal(aws.ToTime(out.Credentials.Expiration)) {
		t.Errorf("login without SessionDuration %+v, want its console session to end at %v", logins[len(logins)-1], aws.ToTime(out.Credentials.Expiration))
	}

	if c, s := w.srv.Calls("getSigninToken"), w.srv.Successes("getSigninToken"); c != 3 || s != 3 {
		t.Errorf("getSigninToken calls %d successes %d, want 3 and 3", c, s)
	}
	if c, s := w.srv.Calls("login"), w.srv.Successes("login"); c != 3 || s != 3 {
		t.Errorf("login calls %d successes %d, want 3 and 3", c, s)
	}
	reqs := w.srv.Requests()
	last := reqs[len(reqs)-1]
	if last.Service != "signin" || last.Action != "login" || last.AccessKeyID != role.id || last.Status != http.StatusFound || last.Code != "" {
		t.Errorf("last request %+v", last)
	}
}

func TestConsoleSignInWithFederationToken(t *testing.T) {
	w := newWorld(t)
	out, err := federate(t, w.aliceClient(), "alice", withPolicy(readOnlyPolicy), func(in *sts.GetFederationTokenInput) { in.DurationSeconds = aws.Int32(7200) })
	if err != nil {
		t.Fatal(err)
	}
	fed := credsOf(t, out)
	resp, body := w.login(t, w.signinToken(t, fed, ""), "https://console.aws.amazon.com/")
	w.wantRedirect(t, resp, body, "https://console.aws.amazon.com/")
	logins := w.srv.Logins()
	if len(logins) != 1 || logins[0].ARN != "arn:aws:sts::111111111111:federated-user/alice" || logins[0].Action != "GetFederationToken" ||
		logins[0].RoleARN != "" || !logins[0].ConsoleExpiration.Equal(aws.ToTime(out.Credentials.Expiration)) {
		t.Errorf("logins %+v, want the federated user's, ending with its credentials", logins)
	}

	// SessionDuration is not for GetFederationToken sessions.
	resp, body = w.getSigninToken(t, fed, "3600")
	w.wantRefused(t, resp, body, "SessionDuration is allowed only for sessions from AssumeRole*")
}

func TestGetSigninTokenRefusals(t *testing.T) {
	w := newWorld(t)
	role, _ := w.adminRole(t, 3600)
	gst, err := w.aliceClient().GetSessionToken(t.Context(), &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	session := credsOf(t, gst)
	for _, tc := range []struct {
		name     string
		creds    stsCreds
		duration string
		reason   string
	}{
		{"long-term key", stsCreds{w.key.ID, w.key.Secret, ""}, "", "is a long-term access key"},
		{"long-term key with a token", stsCreds{w.key.ID, w.key.Secret, role.token}, "", "is a long-term access key"},
		{"unknown key", stsCreds{"ASIAUNKNOWNSESSION00", role.secret, role.token}, "", "no temporary credentials ASIAUNKNOWNSESSION00"},
		{"wrong sessionKey", stsCreds{role.id, w.key.Secret, role.token}, "", "sessionKey or sessionToken is not that of"},
		{"wrong sessionToken", stsCreds{role.id, role.secret, session.token}, "", "sessionKey or sessionToken is not that of"},
		{"no sessionToken", stsCreds{role.id, role.secret, ""}, "", "sessionKey or sessionToken is not that of"},
		{"another session's key", stsCreds{session.id, role.secret, role.token}, "", "sessionKey or sessionToken is not that of"},
		{"SessionDuration for GetSessionToken", session, "900", "SessionDuration is allowed only for sessions from AssumeRole*; "},
		{"SessionDuration 899", role, "899", `SessionDuration "899" is not a number of seconds from 900 to 43200`},
		{"SessionDuration 43201", role, "43201", `SessionDuration "43201"`},
		{"SessionDuration 1h", role, "1h", `SessionDuration "1h"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := w.getSigninToken(t, tc.creds, tc.duration)
			w.wantRefused(t, resp, body, tc.reason)
		})
	}
	for name, q := range map[string]url.Values{
		"no Session":                 {"Action": {"getSigninToken"}},
		"Session not JSON":           {"Action": {"getSigninToken"}, "Session": {"sessionId=" + role.id}},
		"Session without sessionKey": {"Action": {"getSigninToken"}, "Session": {`{"sessionId":"` + role.id + `","sessionToken":"` + role.token + `"}`}},
	} {
		t.Run(name, func(t *testing.T) {
			resp, body := w.federation(t, q)
			w.wantRefused(t, resp, body, "not a JSON object with sessionId, sessionKey and sessionToken")
		})
	}
	if n := len(w.srv.SigninTokens()); n != 0 {
		t.Fatalf("%d sign-in tokens issued by refused requests", n)
	}
	if c, s := w.srv.Calls("getSigninToken"), w.srv.Successes("getSigninToken"); c != 14 || s != 0 {
		t.Errorf("getSigninToken calls %d successes %d, want 14 and 0", c, s)
	}
	if r := w.srv.Requests(); r[len(r)-1].Code != "Bad Request" || r[len(r)-1].Status != 400 || r[len(r)-1].Service != "signin" {
		t.Errorf("request log %+v", r[len(r)-1])
	}

	// The limits themselves are accepted.
	for _, d := range []string{"900", "43200"} {
		w.signinToken(t, role, d)
	}

	// Neither an unknown Action nor another method.
	resp, body := w.federation(t, url.Values{"Action": {"getSignInToken"}, "Session": {sessionJSON(t, role)}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Invalid Action parameter") {
		t.Errorf("unknown action: %d %s", resp.StatusCode, body)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPut, w.url+"/federation?Action=getSigninToken", nil)
	if err != nil {
		t.Fatal(err)
	}
	put, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	put.Body.Close()
	if put.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("PUT: %d, want 405", put.StatusCode)
	}
}

// TestGetSigninTokenPOST: some clients POST the form.
func TestGetSigninTokenPOST(t *testing.T) {
	w := newWorld(t)
	role, _ := w.adminRole(t, 3600)
	form := url.Values{"Action": {"getSigninToken"}, "SessionDuration": {"3600"}, "Session": {sessionJSON(t, role)}}
	resp, err := http.PostForm(w.url+"/federation", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct{ SigninToken string }
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || resp.StatusCode != http.StatusOK || doc.SigninToken == "" {
		t.Fatalf("POST getSigninToken: %d %v", resp.StatusCode, err)
	}
	r, body := w.login(t, doc.SigninToken, consoleHome)
	w.wantRedirect(t, r, body, consoleHome)
}

// TestConsoleSessionViaTemporaryCredentials: a console session beyond one
// hour needs a role assumed with a long-term key. A role assumed with role
// credentials (chained) or with a GetSessionToken session, stscred's usual
// path, gets at most one hour, and no more than its credentials last.
func TestConsoleSessionViaTemporaryCredentials(t *testing.T) {
	w := newWorld(t)
	admin, _ := w.adminRole(t, 3600)
	chainedOut, err := assume(t, w.with(admin), readOnlyARN, "chained")
	if err != nil {
		t.Fatal(err)
	}
	chained := credsOf(t, chainedOut)
	if s := w.srv.Sessions(); !s[len(s)-1].Chained {
		t.Fatal("the second role session is not chained")
	}
	resp, body := w.getSigninToken(t, chained, "7200")
	w.wantRefused(t, resp, body, "SessionDuration 7200 exceeds 3600 for a role assumed with temporary credentials")
	// One hour would outlast the chained credentials, issued a moment ago
	// for one hour.
	resp, body = w.getSigninToken(t, chained, "3600")
	w.wantRefused(t, resp, body, "SessionDuration 3600 outlasts the credentials")
	w.signinToken(t, chained, "3000")
	resp, body = w.login(t, w.signinToken(t, chained, ""), consoleHome)
	w.wantRedirect(t, resp, body, consoleHome)

	// GetSessionToken, then a role (STS caps it at an hour, as chaining):
	// the console caps the session at one hour too.
	gst, err := w.aliceClient().GetSessionToken(t.Context(), &sts.GetSessionTokenInput{
		SerialNumber: aws.String(w.dev.Serial), TokenCode: aws.String(w.srv.UnusedCode(w.dev.Serial)),
	})
	if err != nil {
		t.Fatal(err)
	}
	viaGST, err := assume(t, w.with(credsOf(t, gst)), adminARN, "via-gst", func(in *sts.AssumeRoleInput) { in.DurationSeconds = aws.Int32(3600) })
	if err != nil {
		t.Fatal(err)
	}
	resp, body = w.getSigninToken(t, credsOf(t, viaGST), "7200")
	w.wantRefused(t, resp, body, "SessionDuration 7200 exceeds 3600 for a role assumed with temporary credentials")
	resp, body = w.login(t, w.signinToken(t, credsOf(t, viaGST), "3000"), consoleHome)
	w.wantRedirect(t, resp, body, consoleHome)
	if l := w.srv.Logins(); len(l) != 2 || l[1].ConsoleSessionDuration() != 3000*time.Second || l[1].RoleARN != adminARN {
		t.Errorf("logins %+v", l)
	}

	// A role assumed directly with the long-term key has no such limit.
	w.signinToken(t, admin, "7200")
}

// TestGetSessionTokenSessionCannotSignIn: as on AWS, getSigninToken gives
// a GetSessionToken session a token, and the login step refuses it.
func TestGetSessionTokenSessionCannotSignIn(t *testing.T) {
	w := newWorld(t)
	gst, err := w.aliceClient().GetSessionToken(t.Context(), &sts.GetSessionTokenInput{
		SerialNumber: aws.String(w.dev.Serial), TokenCode: aws.String(w.code()),
	})
	if err != nil {
		t.Fatal(err)
	}
	token := w.signinToken(t, credsOf(t, gst), "")
	resp, body := w.login(t, token, consoleHome)
	w.wantLoginRefused(t, resp, body, pageFedOnly, "came from GetSessionToken")
	if l := w.srv.Logins(); len(l) != 0 {
		t.Errorf("logins %+v, want none", l)
	}
	if c, s := w.srv.Calls("login"), w.srv.Successes("login"); c != 1 || s != 0 {
		t.Errorf("login calls %d successes %d, want 1 and 0", c, s)
	}
}

func TestLoginRefusals(t *testing.T) {
	w := newWorld(t)
	role, _ := w.adminRole(t, 3600)
	token := w.signinToken(t, role, "3600")

	resp, body := w.login(t, "AAAA"+token[4:], consoleHome)
	w.wantLoginRefused(t, resp, body, pageBadToken, "unknown sign-in token")
	resp, body = w.login(t, "", consoleHome)
	w.wantLoginRefused(t, resp, body, pageBadToken, "unknown sign-in token")

	for _, dest := range []string{
		"",
		"http://console.aws.amazon.com/",
		"https://console.aws.amazon.com.evil.example/",
		"https://evil.example/?next=https://console.aws.amazon.com/",
		"https://aws.amazon.com/",
		"/console/home",
		"console.aws.amazon.com",
		"https://user@console.aws.amazon.com/",
		"https://console.aws.amazon.com:8443/",
		"https://console.amazonaws.cn/",         // another partition's console
		"https://console.amazonaws-us-gov.com/", // another partition's console
		"javascript:alert(1)",
	} {
		resp, body := w.login(t, token, dest)
		w.wantLoginRefused(t, resp, body, pageBadDest, "estination")
	}
	for _, dest := range []string{
		"https://console.aws.amazon.com/",
		"https://s3.console.aws.amazon.com/s3/buckets?region=eu-west-1",
		"https://us-east-1.console.aws.amazon.com/cloudshell/home#",
	} {
		resp, body := w.login(t, token, dest)
		w.wantRedirect(t, resp, body, dest)
	}
	if n := len(w.srv.Logins()); n != 3 {
		t.Errorf("%d logins, want the 3 with a console destination", n)
	}

	// A revoked session's token no longer signs in.
	other, _ := w.adminRole(t, 3600)
	revoked := w.signinToken(t, other, "")
	if err := w.srv.RevokeSession(other.id); err != nil {
		t.Fatal(err)
	}
	resp, body = w.login(t, revoked, consoleHome)
	w.wantLoginRefused(t, resp, body, pageBadToken, "were revoked")

	// Fifteen minutes after it was issued, the token is dead (the
	// server's clock moves; the federation endpoint checks no signature).
	w.clock.Advance(15 * time.Minute)
	resp, body = w.login(t, token, consoleHome)
	w.wantLoginRefused(t, resp, body, pageBadToken, "the sign-in token expired at")
	if c, s := w.srv.Calls("login"), w.srv.Successes("login"); c != 19 || s != 3 {
		t.Errorf("login calls %d successes %d, want 19 and 3", c, s)
	}
}

// TestConsoleSignInExpiredCredentials moves the server clock past the
// credentials' end instead of sleeping.
func TestConsoleSignInExpiredCredentials(t *testing.T) {
	w := newWorld(t, func(o *ststest.Options) { o.MaxRoleCredentialLifetime = 30 * time.Second })
	role, _ := w.adminRole(t, 3600)
	withDuration := w.signinToken(t, role, "900")
	withoutDuration := w.signinToken(t, role, "")
	w.clock.Advance(31 * time.Second)

	resp, body := w.getSigninToken(t, role, "")
	w.wantRefused(t, resp, body, "expired at")
	// A token without SessionDuration gave a console session as long as
	// the credentials: over.
	resp, body = w.login(t, withoutDuration, consoleHome)
	w.wantLoginRefused(t, resp, body, "Your session has expired.", "and with them the console session")
	// With SessionDuration the console session is its own.
	resp, body = w.login(t, withDuration, consoleHome)
	w.wantRedirect(t, resp, body, consoleHome)

	// ExpireSession is an expiry too.
	fresh, _ := w.adminRole(t, 3600)
	if err := w.srv.ExpireSession(fresh.id); err != nil {
		t.Fatal(err)
	}
	resp, body = w.getSigninToken(t, fresh, "")
	w.wantRefused(t, resp, body, "expired at")
}

// TestConsoleSignInPartitions: the destination must be the console of the
// role's partition.
func TestConsoleSignInPartitions(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct{ role, console, other string }{
		{"arn:aws-us-gov:iam::333333333333:role/Gov", "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1", "https://console.aws.amazon.com/"},
		{"arn:aws-cn:iam::444444444444:role/China", "https://cn-north-1.console.amazonaws.cn/console/home", "https://console.amazonaws-us-gov.com/"},
	} {
		w.srv.AddRole(ststest.Role{ARN: tc.role})
		out, err := assume(t, w.aliceClient(), tc.role, "partition")
		if err != nil {
			t.Fatal(err)
		}
		token := w.signinToken(t, credsOf(t, out), "43200")
		resp, body := w.login(t, token, tc.other)
		w.wantLoginRefused(t, resp, body, pageBadDest, "the session's partition is "+strings.Split(tc.role, ":")[1])
		resp, body = w.login(t, token, tc.console)
		w.wantRedirect(t, resp, body, tc.console)
	}
}

func TestFederationFaultsAndDelay(t *testing.T) {
	w := newWorld(t)
	role, _ := w.adminRole(t, 3600)
	if err := w.srv.Fail("getSigninToken", "ServiceUnavailable", 1); err != nil {
		t.Fatal(err)
	}
	if err := w.srv.Fail("login", "InternalFailure", 1); err != nil {
		t.Fatal(err)
	}
	if err := w.srv.Fail("getSigninToken", "Throttling", 1); err == nil {
		t.Error("Fail accepted an STS code for the federation endpoint")
	}
	// A fault for any action is for the APIs, not the federation endpoint.
	if err := w.srv.Fail(ststest.AnyAction, "Throttling", 1); err != nil {
		t.Fatal(err)
	}
	resp, body := w.getSigninToken(t, role, "")
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "HTTP Status 503") {
		t.Fatalf("injected fault: %d %s", resp.StatusCode, body)
	}
	token := w.signinToken(t, role, "")
	resp, body = w.login(t, token, consoleHome)
	if resp.StatusCode != http.StatusInternalServerError || resp.Header.Get("Location") != "" {
		t.Fatalf("injected login fault: %d %s", resp.StatusCode, body)
	}
	resp, body = w.login(t, token, consoleHome)
	w.wantRedirect(t, resp, body, consoleHome)
	_, err := gci(t, w.aliceClient())
	wantAPIError(t, err, "Throttling", http.StatusBadRequest, "Rate exceeded")
	reqs := w.srv.Requests()
	var codes []string
	for _, r := range reqs {
		if r.Service == "signin" {
			codes = append(codes, r.Code)
		}
	}
	if strings.Join(codes, ",") != "ServiceUnavailable,,InternalFailure," {
		t.Errorf("federation request codes %q", codes)
	}

	if err := w.srv.Delay("getSigninToken", 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	w.signinToken(t, role, "")
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("delayed getSigninToken took %v, want at least 200ms", d)
	}
}

func TestFederationAdminAPI(t *testing.T) {
	w := newWorld(t)
	role, _ := w.adminRole(t, 3600)
	token := w.signinToken(t, role, "3600")
	resp, body := w.login(t, token, consoleHome)
	w.wantRedirect(t, resp, body, consoleHome)

	if st, body := admin(t, w, "GET", "", nil); st != 200 || !strings.Contains(body, "/_ststest/logins") || !strings.Contains(body, "/federation?Action=getSigninToken") {
		t.Errorf("index: %d %s", st, body)
	}
	st, body := admin(t, w, "GET", "logins", nil)
	var logins []ststest.Login
	if err := json.Unmarshal([]byte(body), &logins); err != nil || st != 200 || len(logins) != 1 ||
		logins[0].AccessKeyID != role.id || logins[0].Destination != consoleHome || logins[0].SessionDuration != 3600 {
		t.Errorf("logins: %d %s", st, body)
	}
	st, body = admin(t, w, "GET", "signin-tokens", nil)
	var tokens []ststest.SigninToken
	if err := json.Unmarshal([]byte(body), &tokens); err != nil || st != 200 || len(tokens) != 1 || tokens[0].AccessKeyID != role.id ||
		strings.Contains(body, token) || strings.Contains(body, role.secret) || strings.Contains(body, role.token) {
		t.Errorf("signin-tokens: %d %s", st, body)
	}
	if st, _ := admin(t, w, "POST", "expire-signin-tokens", nil); st != 200 {
		t.Fatal("expire-signin-tokens")
	}
	resp, body = w.login(t, token, consoleHome)
	w.wantLoginRefused(t, resp, body, pageBadToken, "the sign-in token expired at")

	// reset-counts empties the logins, not the tokens.
	if st, _ := admin(t, w, "POST", "reset-counts", nil); st != 200 {
		t.Fatal("reset-counts")
	}
	if st, body := admin(t, w, "GET", "logins", nil); st != 200 || strings.TrimSpace(body) != "[]" {
		t.Errorf("logins after reset: %d %s", st, body)
	}
	if n := len(w.srv.SigninTokens()); n != 1 {
		t.Errorf("%d sign-in tokens after reset, want 1", n)
	}
}

// TestConcurrentSignIns (run with -race).
func TestConcurrentSignIns(t *testing.T) {
	w := newWorld(t)
	role, _ := w.adminRole(t, 3600)
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for range n {
		wg.Go(func() {
			q := url.Values{"Action": {"getSigninToken"}, "Session": {sessionJSON(t, role)}}
			resp, err := http.Get(w.url + "/federation?" + q.Encode())
			if err != nil {
				errs <- err.Error()
				return
			}
			var doc struct{ SigninToken string }
			err = json.NewDecoder(resp.Body).Decode(&doc)
			resp.Body.Close()
			if err != nil || doc.SigninToken == "" {
				errs <- "getSigninToken: " + resp.Status
				return
			}
			q = url.Values{"Action": {"login"}, "Destination": {consoleHome}, "SigninToken": {doc.SigninToken}}
			resp, err = noRedirects.Get(w.url + "/federation?" + q.Encode())
			if err != nil {
				errs <- err.Error()
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusFound {
				errs <- "login: " + resp.Status
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if l, tk := len(w.srv.Logins()), len(w.srv.SigninTokens()); l != n || tk != n {
		t.Errorf("%d logins and %d tokens, want %d of each", l, tk, n)
	}
}
