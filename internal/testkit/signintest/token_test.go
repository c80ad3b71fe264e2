package signintest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/stscred/stscred/internal/testkit/demo"
	"github.com/stscred/stscred/internal/testkit/signintest"
)

// TestCodeExchange: the answer's members, the ID token, and credentials
// that STS takes as alice's temporary session with MFA context.
func TestCodeExchange(t *testing.T) {
	w := newWorld(t)
	key := newKey(t)
	a := w.signIn(t, key)
	wantOK(t, a)
	if a.ExpiresIn != 900 {
		t.Errorf("expiresIn %d", a.ExpiresIn)
	}
	var doc map[string]json.RawMessage
	_ = json.Unmarshal([]byte(a.raw), &doc)
	if len(doc) != 5 {
		t.Errorf("members %s", a.raw)
	}

	tok, err := jwt.ParseSigned(a.IDToken, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		t.Fatal(err)
	}
	var claims jwt.Claims
	if err := tok.Claims(w.srv.IDTokenKey(), &claims); err != nil {
		t.Fatal(err)
	}
	if claims.Subject != w.alice.ARN() || !slices.Equal([]string(claims.Audience), []string{signintest.ClientSameDevice}) || claims.Issuer != w.url ||
		claims.Expiry.Time().Sub(claims.IssuedAt.Time()) != 15*time.Minute {
		t.Errorf("ID token claims %+v", claims)
	}

	arn, userID := w.callerARN(t, a)
	if arn != w.alice.ARN() || userID != w.alice.ID() || !strings.HasPrefix(userID, "AIDA") {
		t.Errorf("caller %s %s", arn, userID)
	}
	// AssumeRole with it: not chaining, with MFA context (Admin requires MFA).
	out, err := w.stsClient(a).AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(demo.AdminRole), RoleSessionName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	all := w.sts.Sessions()
	if last := all[len(all)-1]; last.AccessKeyID != aws.ToString(out.Credentials.AccessKeyId) || last.Chained || !last.MFA {
		t.Errorf("role session %+v", last)
	}
	if first := all[0]; first.Action != "CreateOAuth2Token" || first.AccessKeyID != a.AccessToken.AccessKeyID || first.Expiration.Sub(first.Issued) > 15*time.Minute {
		t.Errorf("login session %+v", first)
	}

	s := w.srv.Sessions()
	if len(s) != 1 || s[0].ARN != w.alice.ARN() || s[0].ClientID != signintest.ClientSameDevice || !s[0].MFA || !s[0].Live ||
		s[0].Ends.Sub(s[0].Started) != 12*time.Hour || len(s[0].AccessKeyIDs) != 1 || s[0].KeyThumbprint != thumbprint(t, key) {
		t.Errorf("session %+v", s)
	}
	if w.srv.Successes(signintest.GrantOp(signintest.GrantAuthorizationCode)) != 1 || w.srv.Calls(signintest.OpCreateOAuth2Token) != 1 {
		t.Errorf("counts")
	}
	r := w.srv.Requests()
	last := r[len(r)-1]
	if last.Op != signintest.OpCreateOAuth2Token || last.GrantType != "authorization_code" || last.Identity != w.alice.ARN() ||
		last.Session != s[0].ID || last.KeyThumbprint != s[0].KeyThumbprint || last.Status != 200 {
		t.Errorf("logged %+v", last)
	}
}

func TestSignInWithoutMFA(t *testing.T) {
	w := newWorld(t, func(o *signintest.Options) { o.WithoutMFA = true })
	keyA := newKey(t)
	a := w.signIn(t, keyA)
	assume := func(a answer, role string) error {
		_, err := w.stsClient(a).AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("alice")})
		return err
	}
	if err := assume(a, demo.AdminRole); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("Admin (MFA required) with a sign-in without MFA: %v", err)
	}
	if err := assume(a, demo.ReadOnlyRole); err != nil {
		t.Error(err)
	}
	// SetMFA: the next sign-in passes MFA; a session keeps its sign-in's.
	if err := w.srv.SetMFA(w.alice.ARN(), true); err != nil {
		t.Fatal(err)
	}
	if err := assume(w.signIn(t, newKey(t)), demo.AdminRole); err != nil {
		t.Error(err)
	}
	renewed := w.renew(t, a.RefreshToken, keyA)
	wantOK(t, renewed)
	if err := assume(renewed, demo.AdminRole); err == nil {
		t.Error("a session without MFA gained MFA context")
	}
	fed := w.srv.AddFederated("arn:aws:iam::222222222222:role/Fed", "alice")
	if err := w.srv.SetMFA(fed.ARN, true); err == nil {
		t.Error("SetMFA on a federated identity")
	}
	if err := w.srv.SetMFA("arn:aws:iam::111111111111:user/nobody", true); err == nil {
		t.Error("SetMFA on an unknown identity")
	}
}

// TestFederatedIdentity: a console-federated identity's credentials are an
// assumed-role session; AssumeRole with them is role chaining.
func TestFederatedIdentity(t *testing.T) {
	w := newWorld(t)
	fed := w.srv.AddFederated("arn:aws:iam::222222222222:role/path/Federated", "alice@example.com")
	if fed.ARN != "arn:aws:sts::222222222222:assumed-role/Federated/alice@example.com" || fed.Account != "222222222222" || !fed.Federated() || fed.MFA {
		t.Fatalf("identity %+v", fed)
	}
	if err := w.srv.SetBrowser(signintest.Browser{As: fed.ARN}); err != nil {
		t.Fatal(err)
	}
	a := w.signIn(t, newKey(t))
	arn, userID := w.callerARN(t, a)
	if arn != fed.ARN || !strings.HasPrefix(userID, "AROA") || !strings.HasSuffix(userID, ":alice@example.com") {
		t.Errorf("caller %s %s", arn, userID)
	}
	if _, err := w.stsClient(a).AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(demo.ReadOnlyRole), RoleSessionName: aws.String("chain")}); err != nil {
		t.Fatal(err)
	}
	all := w.sts.Sessions()
	if last := all[len(all)-1]; !last.Chained {
		t.Errorf("not chained: %+v", last)
	}
	for _, bad := range []func(){
		func() { w.srv.AddFederated("arn:aws:iam::222222222222:user/x", "alice") },
		func() { w.srv.AddFederated("arn:aws:iam::2222:role/x", "alice") },
		func() { w.srv.AddFederated("arn:aws:iam::222222222222:role/x", "a") },
		func() { w.srv.AddFederated("arn:aws:iam::222222222222:role/path/Federated", "alice@example.com") },
		func() { w.srv.AddUser(w.alice) },
		func() { w.srv.AddUser(nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("bad input accepted")
				}
			}()
			bad()
		}()
	}
	if ids := w.srv.Identities(); len(ids) != 2 || ids[0].ARN != w.alice.ARN() || ids[1].ARN != fed.ARN {
		t.Errorf("identities %+v", ids)
	}
}

// TestCodeRules: single use, expiry, PKCE, redirect URI and client must
// match.
func TestCodeRules(t *testing.T) {
	w := newWorld(t)
	p := newPKCE()
	code := w.code(t, p)
	first := w.post(t, codeBody(code, p), w.proof(t, newKey(t)))
	wantOK(t, first)
	// Presented again: refused, and the session it gave ends.
	again := w.post(t, codeBody(code, p), w.proof(t, newKey(t)))
	wantError(t, again, 400, signintest.ValidationException, signintest.InvalidRequest, msgInvalidGrant)
	if s := w.srv.Sessions(); !s[0].Revoked || s[0].Live {
		t.Errorf("the session of a reused code lives on: %+v", s[0])
	}
	wantError(t, w.renew(t, first.RefreshToken, newKey(t)), 400, signintest.ValidationException, signintest.InvalidRequest, "")

	// Expired: AUTHCODE_EXPIRED, 401.
	p = newPKCE()
	code = w.code(t, p)
	w.later(5 * time.Minute)
	wantError(t, w.post(t, codeBody(code, p), w.proof(t, newKey(t))), 401, signintest.AccessDeniedException, signintest.AuthcodeExpired, "")
	w.later(-5 * time.Minute)

	for name, mod := range map[string]func(b map[string]string, p pkce){
		"wrong verifier":        func(b map[string]string, _ pkce) { b["codeVerifier"] = newPKCE().verifier },
		"short verifier":        func(b map[string]string, p pkce) { b["codeVerifier"] = p.verifier[:42] },
		"verifier with a space": func(b map[string]string, p pkce) { b["codeVerifier"] = p.verifier[:50] + " " + p.verifier[51:] },
		"other redirect":        func(b map[string]string, _ pkce) { b["redirectUri"] = "http://127.0.0.1:43211/oauth/callback" },
		"other client":          func(b map[string]string, _ pkce) { b["clientId"] = signintest.ClientCrossDevice },
		"unknown code":          func(b map[string]string, _ pkce) { b["code"] = "nope" },
	} {
		p := newPKCE()
		body := codeBody(w.code(t, p), p)
		mod(body, p)
		a := w.post(t, body, w.proof(t, newKey(t)))
		wantError(t, a, 400, signintest.ValidationException, signintest.InvalidRequest, "")
		if strings.Contains(name, "verifier") && name != "wrong verifier" && !strings.Contains(a.Message, "codeVerifier") {
			t.Errorf("%s: %s", name, a.Message)
		}
		// A failed exchange leaves the code usable.
		body = codeBody(body["code"], p)
		if name != "unknown code" {
			wantOK(t, w.post(t, body, w.proof(t, newKey(t))))
		}
	}
}

// TestTokenRequestValidation: what the service refuses before any grant.
func TestTokenRequestValidation(t *testing.T) {
	w := newWorld(t)
	p := newPKCE()
	code := w.code(t, p)
	for name, body := range map[string]any{
		"not JSON":          "{",
		"empty":             "",
		"no clientId":       map[string]string{"grantType": "refresh_token", "refreshToken": "x"},
		"no grantType":      map[string]string{"clientId": signintest.ClientSameDevice},
		"unknown client":    map[string]string{"clientId": "arn:aws:signin:::devtools/x", "grantType": "refresh_token", "refreshToken": "x"},
		"unknown grant":     map[string]string{"clientId": signintest.ClientSameDevice, "grantType": "client_credentials"},
		"no code":           map[string]string{"clientId": signintest.ClientSameDevice, "grantType": "authorization_code", "codeVerifier": p.verifier, "redirectUri": callback},
		"no verifier":       map[string]string{"clientId": signintest.ClientSameDevice, "grantType": "authorization_code", "code": code, "redirectUri": callback},
		"no redirect":       map[string]string{"clientId": signintest.ClientSameDevice, "grantType": "authorization_code", "code": code, "codeVerifier": p.verifier},
		"no refresh token":  map[string]string{"clientId": signintest.ClientSameDevice, "grantType": "refresh_token"},
		"snake_case (JSON)": map[string]string{"client_id": signintest.ClientSameDevice, "grant_type": "refresh_token", "refresh_token": "x"},
	} {
		a := w.post(t, body, w.proof(t, newKey(t)))
		if a.status != 400 || a.Type != signintest.ValidationException || a.Error != signintest.InvalidRequest || a.Message == "" {
			t.Errorf("%s: %d %s", name, a.status, a.raw)
		}
	}
	// The code survived all that.
	wantOK(t, w.post(t, codeBody(code, p), w.proof(t, newKey(t))))

	// A form with the OAuth 2.0 names is taken too.
	p = newPKCE()
	form := url.Values{"client_id": {signintest.ClientSameDevice}, "grant_type": {"authorization_code"}, "code": {w.code(t, p)},
		"code_verifier": {p.verifier}, "redirect_uri": {callback}}
	req, _ := http.NewRequest(http.MethodPost, w.url+"/v1/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("DPoP", w.proof(t, newKey(t)))
	wantOK(t, do(t, req))
}

// TestRefreshRotates: every renewal answers new credentials and a new
// refresh token; the old one is refused; no ID token.
func TestRefreshRotates(t *testing.T) {
	w := newWorld(t)
	key := newKey(t)
	a := w.signIn(t, key)
	w.later(14 * time.Minute)
	b := w.renew(t, a.RefreshToken, key)
	wantOK(t, b)
	if b.IDToken != "" || b.RefreshToken == a.RefreshToken || b.AccessToken.AccessKeyID == a.AccessToken.AccessKeyID || b.ExpiresIn != 900 {
		t.Errorf("renewal %s", b.raw)
	}
	w.later(-14 * time.Minute) // back within STS's signature window
	if arn, _ := w.callerARN(t, b); arn != w.alice.ARN() {
		t.Errorf("renewed credentials are %s's", arn)
	}
	wantError(t, w.renew(t, a.RefreshToken, key), 400, signintest.ValidationException, signintest.InvalidRequest, msgInvalidGrant)
	c := w.renew(t, b.RefreshToken, key)
	wantOK(t, c)

	s := w.srv.Sessions()[0]
	if s.Renewals != 2 || len(s.AccessKeyIDs) != 3 {
		t.Errorf("session %+v", s)
	}
	rts := w.srv.RefreshTokens()
	if len(rts) != 3 || rts[0].Token != a.RefreshToken || rts[0].Presented != 2 || rts[0].Uses != 1 || !rts[0].Replaced || rts[0].ReplacedBy != b.RefreshToken ||
		rts[0].Live || !rts[2].Live || rts[2].Presented != 0 {
		t.Errorf("refresh tokens %+v", rts)
	}
	if w.srv.Calls(signintest.GrantOp(signintest.GrantRefreshToken)) != 3 || w.srv.Successes(signintest.GrantOp(signintest.GrantRefreshToken)) != 2 {
		t.Errorf("refresh counts %d %d", w.srv.Calls(signintest.GrantOp(signintest.GrantRefreshToken)), w.srv.Successes(signintest.GrantOp(signintest.GrantRefreshToken)))
	}
	// Unknown, or presented by the other client.
	wantError(t, w.renew(t, "nope", key), 400, signintest.ValidationException, signintest.InvalidRequest, msgInvalidGrant)
	other := refreshBody(c.RefreshToken)
	other["clientId"] = signintest.ClientCrossDevice
	wantError(t, w.post(t, other, w.proof(t, key)), 400, signintest.ValidationException, signintest.InvalidRequest, msgInvalidGrant)
}

// TestRefreshBoundToKey: a renewal signed by any key but the code
// exchange's is refused, and leaves the token usable by its own.
func TestRefreshBoundToKey(t *testing.T) {
	w := newWorld(t)
	key := newKey(t)
	a := w.signIn(t, key)
	thief := w.renew(t, a.RefreshToken, newKey(t))
	wantError(t, thief, 400, signintest.ValidationException, signintest.InvalidRequest, "")
	if !strings.Contains(thief.Message, "bound to another key") {
		t.Errorf("message %q", thief.Message)
	}
	wantOK(t, w.renew(t, a.RefreshToken, key))
}

// TestSessionLasts12Hours: renewals work until 12 hours after the sign-in
// (the last credentials not outliving it), then TOKEN_EXPIRED.
func TestSessionLasts12Hours(t *testing.T) {
	w := newWorld(t)
	key := newKey(t)
	a := w.signIn(t, key)
	w.later(12*time.Hour - 10*time.Minute)
	b := w.renew(t, a.RefreshToken, key)
	wantOK(t, b)
	if b.ExpiresIn != 600 {
		t.Errorf("expiresIn %d 10 minutes before the end", b.ExpiresIn)
	}
	w.later(10 * time.Minute)
	wantError(t, w.renew(t, b.RefreshToken, key), 401, signintest.AccessDeniedException, signintest.TokenExpired, msgTokenExpired)
	if s := w.srv.Sessions()[0]; s.Live {
		t.Errorf("session over but live: %+v", s)
	}
}

// TestSessionLengthOptions: CredentialLifetime and SessionDuration.
func TestSessionLengthOptions(t *testing.T) {
	w := newWorld(t, func(o *signintest.Options) { o.CredentialLifetime = time.Minute; o.SessionDuration = 90 * time.Second })
	key := newKey(t)
	a := w.signIn(t, key)
	if a.ExpiresIn != 60 {
		t.Errorf("expiresIn %d", a.ExpiresIn)
	}
	w.later(time.Minute)
	if b := w.renew(t, a.RefreshToken, key); b.ExpiresIn != 30 {
		t.Errorf("expiresIn %d", b.ExpiresIn)
	}
}

// TestPasswordChanged: a session begun before the password changed is
// refused with USER_CREDENTIALS_CHANGED (403), and so is a code not yet
// exchanged; a new sign-in works.
func TestPasswordChanged(t *testing.T) {
	w := newWorld(t)
	key := newKey(t)
	a := w.signIn(t, key)
	p := newPKCE()
	code := w.code(t, p)
	if err := w.srv.ChangePassword(w.alice.ARN()); err != nil {
		t.Fatal(err)
	}
	wantError(t, w.renew(t, a.RefreshToken, key), 403, signintest.AccessDeniedException, signintest.UserCredentialsChanged, "")
	wantError(t, w.post(t, codeBody(code, p), w.proof(t, newKey(t))), 403, signintest.AccessDeniedException, signintest.UserCredentialsChanged, "")
	key2 := newKey(t)
	b := w.signIn(t, key2)
	wantOK(t, w.renew(t, b.RefreshToken, key2))
	if id := w.srv.Identities()[0]; id.PasswordChanged.IsZero() {
		t.Errorf("identity %+v", id)
	}
	if err := w.srv.ChangePassword("arn:aws:iam::111111111111:user/nobody"); err == nil {
		t.Error("ChangePassword of an unknown identity")
	}
}

// TestPermission: without signin:CreateOAuth2Token the code exchange and
// renewals are refused with INSUFFICIENT_PERMISSIONS (403); the browser
// step is not.
func TestPermission(t *testing.T) {
	w := newWorld(t)
	key := newKey(t)
	a := w.signIn(t, key)
	if err := w.srv.SetPermission(w.alice.ARN(), false); err != nil {
		t.Fatal(err)
	}
	wantError(t, w.renew(t, a.RefreshToken, key), 403, signintest.AccessDeniedException, signintest.InsufficientPermissions, "")
	p := newPKCE()
	wantError(t, w.post(t, codeBody(w.code(t, p), p), w.proof(t, newKey(t))), 403, signintest.AccessDeniedException, signintest.InsufficientPermissions, "")
	if err := w.srv.SetPermission(w.alice.ARN(), true); err != nil {
		t.Fatal(err)
	}
	wantOK(t, w.renew(t, a.RefreshToken, key))
	if err := w.srv.SetPermission("nobody", true); err == nil {
		t.Error("SetPermission of an unknown identity")
	}
}

// TestRevokeAndEnd: a revoked session's refresh token is refused as a bad
// grant; an ended one with TOKEN_EXPIRED. Issued credentials stay valid.
func TestRevokeAndEnd(t *testing.T) {
	w := newWorld(t)
	k1, k2, k3 := newKey(t), newKey(t), newKey(t)
	a, b, c := w.signIn(t, k1), w.signIn(t, k2), w.signIn(t, k3)
	s := w.srv.Sessions()
	if err := w.srv.RevokeSession(s[0].ID); err != nil {
		t.Fatal(err)
	}
	wantError(t, w.renew(t, a.RefreshToken, k1), 400, signintest.ValidationException, signintest.InvalidRequest, msgInvalidGrant)
	if arn, _ := w.callerARN(t, a); arn != w.alice.ARN() {
		t.Error("the credentials of a revoked session stopped working")
	}
	if err := w.srv.EndSession(s[1].ID); err != nil {
		t.Fatal(err)
	}
	wantError(t, w.renew(t, b.RefreshToken, k2), 401, signintest.AccessDeniedException, signintest.TokenExpired, msgTokenExpired)
	if n := w.srv.RevokeSessions(w.alice.ARN()); n != 2 { // the ended one and the third
		t.Errorf("revoked %d", n)
	}
	wantError(t, w.renew(t, c.RefreshToken, k3), 400, signintest.ValidationException, signintest.InvalidRequest, msgInvalidGrant)
	if w.srv.RevokeSession("nope") == nil || w.srv.EndSession("nope") == nil {
		t.Error("an unknown session revoked or ended")
	}
	d := w.signIn(t, k1)
	w.srv.EndSessions()
	wantError(t, w.renew(t, d.RefreshToken, k1), 401, signintest.AccessDeniedException, signintest.TokenExpired, "")
}

// TestRefreshGrace: with RefreshGrace, the rotated-out token presented
// again soon gets the same answer; later it is refused.
func TestRefreshGrace(t *testing.T) {
	w := newWorld(t, func(o *signintest.Options) { o.RefreshGrace = 30 * time.Second })
	key := newKey(t)
	a := w.signIn(t, key)
	b := w.renew(t, a.RefreshToken, key)
	again := w.renew(t, a.RefreshToken, key)
	wantOK(t, again)
	if again.RefreshToken != b.RefreshToken || again.AccessToken != b.AccessToken {
		t.Errorf("a second answer differs: %s vs %s", again.raw, b.raw)
	}
	wantError(t, w.renew(t, a.RefreshToken, newKey(t)), 400, signintest.ValidationException, signintest.InvalidRequest, "")
	w.later(30 * time.Second)
	wantError(t, w.renew(t, a.RefreshToken, key), 400, signintest.ValidationException, signintest.InvalidRequest, msgInvalidGrant)
	wantOK(t, w.renew(t, b.RefreshToken, key))
}

// TestSignInHelper: SignIn makes a session as a client would; its cache
// file is the AWS CLI's.
func TestSignInHelper(t *testing.T) {
	w := newWorld(t)
	l, err := w.srv.SignIn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if l.LoginSession != w.alice.ARN() || l.AccountID != demo.UserAccount || l.ClientID != signintest.ClientSameDevice || l.Key == nil ||
		l.TokenType != signintest.TokenType || !l.Expires.After(w.clock.Now()) {
		t.Errorf("login %+v", l)
	}
	wantOK(t, w.renew(t, l.RefreshToken, l.Key))

	if err := w.srv.SetBrowser(signintest.Browser{Mode: signintest.BrowserDeny}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.srv.SignIn(context.Background()); err == nil {
		t.Error("SignIn with a browser that denies")
	}
	unstarted := signintest.New(signintest.Options{STS: w.sts})
	if _, err := unstarted.SignIn(context.Background()); err == nil {
		t.Error("SignIn on a server not started")
	}
}

// TestConcurrentRenewals: 32 callers renewing with the same refresh token
// at once: exactly one gets credentials, the others are refused (the
// token rotated under them).
func TestConcurrentRenewals(t *testing.T) {
	w := newWorld(t)
	key := newKey(t)
	a := w.signIn(t, key)
	const n = 32
	results := make(chan answer, n)
	errs := make(chan error, n)
	for range n {
		body, _ := json.Marshal(refreshBody(a.RefreshToken))
		req, _ := http.NewRequest(http.MethodPost, w.url+"/v1/token", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("DPoP", w.proof(t, key))
		go func() {
			r, err := send(req)
			errs <- err
			results <- r
		}()
	}
	ok := 0
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		r := <-results
		switch {
		case r.status == http.StatusOK:
			ok++
		case r.Type != signintest.ValidationException || r.Message != msgInvalidGrant:
			t.Errorf("%d %s", r.status, r.raw)
		}
	}
	if ok != 1 || w.srv.Sessions()[0].Renewals != 1 {
		t.Errorf("%d renewals succeeded", ok)
	}
}
