package signin

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/aws/idtoken"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/textsafe"
)

// LoginOptions say how to sign in.
type LoginOptions struct {
	// Remote signs in with the cross-device client: the URL is printed
	// to open on any device, and the code its confirmation page shows is
	// read back (ReadCode).
	Remote bool
	// Wait bounds the whole sign-in (0: 10 minutes).
	Wait time.Duration
}

// Result is a sign-in's outcome.
type Result struct {
	Status
	// Creds are the first credentials of the session (15 minutes).
	Creds creds.Credentials
}

const callbackPath = "/oauth/callback"

// Login signs s in: the browser step (PKCE, S256), the code exchanged
// for the session's credentials and refresh token with a new proof key,
// and both stored. The identity signed in as is the ID token's sub; a
// session that names another identity (s.ARN) is refused, and nothing is
// stored then. A denied sign-in, a wrong state and an expired code store
// nothing either.
func (c *Client) Login(ctx context.Context, s Session, o LoginOptions) (Result, error) {
	if err := s.check(); err != nil {
		return Result{}, err
	}
	wait := o.Wait
	if wait <= 0 {
		wait = 10 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	state, verifier := randomToken(32), randomToken(48) // 43 and 64 characters
	sum := sha256.Sum256([]byte(verifier))
	challenge := base64.RawURLEncoding.EncodeToString(sum[:])
	var code, redirect, clientID string
	var err error
	if o.Remote {
		clientID, redirect = ClientCrossDevice, s.baseURL()+"/v1/sessions/confirmation"
		code, err = c.remote(s, authorizeURL(s, clientID, redirect, state, challenge), state)
	} else {
		clientID = ClientSameDevice
		code, redirect, err = c.sameDevice(ctx, s, state, challenge)
	}
	if err != nil {
		return Result{}, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Result{}, fmt.Errorf("making the session's proof key: %w", err)
	}
	pemKey, err := encodeKey(key)
	if err != nil {
		return Result{}, err
	}
	e := entry{Region: s.Region, Endpoint: s.Endpoint, ClientID: clientID, DPoPKey: pemKey}
	g, err := c.token(ctx, s, &e, &tokenInput{
		ClientID: clientID, GrantType: "authorization_code",
		Code: code, CodeVerifier: verifier, RedirectURI: redirect,
	})
	if err != nil {
		return Result{}, fmt.Errorf("signing in profile %s: %w", s.Profile, err)
	}
	claims, err := idtoken.Decode(g.idToken)
	if err != nil || claims.Subject == "" {
		return Result{}, fmt.Errorf("AWS Sign-In answered profile %s's sign-in without an ID token naming the identity", s.Profile)
	}
	arn := claims.Subject
	if s.ARN != "" && s.ARN != arn {
		return Result{}, hint.With(fmt.Errorf("signed in as %s, but profile %s is for %s (login_session); nothing was stored", textsafe.Escape(arn), s.Profile, s.ARN),
			"sign in as "+s.ARN+" in the browser, or remove login_session from [profile "+s.Profile+"] to sign it in as someone else")
	}
	s.ARN = arn
	now := c.now()
	e.ARN, e.RefreshToken, e.SignedIn, e.Ends = arn, g.refreshToken, now.UTC(), now.Add(SessionLength).UTC()
	unlock, err := c.lock(ctx, s, "storing a sign-in")
	if err != nil {
		return Result{}, err
	}
	defer unlock()
	if err := c.write(e); err != nil {
		return Result{}, err
	}
	g.creds.AccountID = accountOf(arn)
	return Result{Status: Status{SignedIn: true, ARN: arn, Since: e.SignedIn, Ends: e.Ends, Region: e.Region, Endpoint: e.Endpoint}, Creds: g.creds}, nil
}

// authorizeURL is the browser step's URL.
func authorizeURL(s Session, clientID, redirect, state, challenge string) string {
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {clientID},
		"redirect_uri":          {redirect},
		"scope":                 {"openid"},
		"state":                 {state},
		"code_challenge":        {challenge},
		"code_challenge_method": {"SHA-256"},
	}
	return s.baseURL() + "/v1/authorize?" + q.Encode()
}

// sameDevice is the browser step through a loopback redirect: the
// listener on 127.0.0.1 takes one callback with this sign-in's state
// (others are refused, and it goes on waiting) and closes.
func (c *Client) sameDevice(ctx context.Context, s Session, state, challenge string) (code, redirect string, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", "", hint.With(fmt.Errorf("listening on 127.0.0.1 for the browser's return: %w", err),
			"or sign in on another device: stscred login --remote "+s.Profile)
	}
	redirect = "http://" + ln.Addr().String() + callbackPath
	got := make(chan callback, 1)
	srv := &http.Server{Handler: callbackHandler(state, got), ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if srv.Shutdown(sctx) != nil {
			_ = srv.Close()
		}
	}()
	authorize := authorizeURL(s, ClientSameDevice, redirect, state, challenge)
	manual := fmt.Sprintf("stscred: to sign in profile %s, open this URL in a browser: %s\n", s.Profile, textsafe.Escape(authorize))
	if c.Open == nil {
		fmt.Fprint(c.out(), manual)
	} else {
		fmt.Fprintf(c.out(), "stscred: opening the browser to sign in profile %s\n", s.Profile)
		if c.Open(ctx, authorize) != nil && ctx.Err() == nil {
			fmt.Fprint(c.out(), manual)
		}
	}
	var cb callback
	select {
	case cb = <-got:
	case <-ctx.Done():
		return "", "", hint.With(fmt.Errorf("waiting for the browser to sign in profile %s: %w", s.Profile, ctx.Err()),
			"run it again: "+s.LoginCommand(), "on a machine without a browser: stscred login --remote "+s.Profile)
	}
	switch {
	case cb.error == "access_denied":
		return "", "", hint.With(fmt.Errorf("the sign-in of profile %s was denied in the browser; nothing was stored", s.Profile), "run it again to sign in: "+s.LoginCommand())
	case cb.error != "":
		return "", "", hint.With(fmt.Errorf("the sign-in of profile %s failed in the browser: %s; nothing was stored", s.Profile, oneLine(cb.error)), "run it again: "+s.LoginCommand())
	}
	return cb.code, redirect, nil
}

// callback is what the browser brought back.
type callback struct{ code, error string }

// callbackHandler serves the redirect back from /v1/authorize: a request
// with this sign-in's state settles it (once); any other is refused.
func callbackHandler(state string, got chan<- callback) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.URL.Path != callbackPath || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
			page(w, http.StatusBadRequest, "This is not the sign-in stscred is waiting for.")
			return
		}
		cb := callback{code: q.Get("code"), error: q.Get("error")}
		if cb.code == "" && cb.error == "" {
			cb.error = "no code"
		}
		switch {
		case cb.error == "access_denied":
			page(w, http.StatusOK, "Sign-in denied. You can close this window.")
		case cb.error != "":
			page(w, http.StatusOK, "Sign-in failed. You can close this window.")
		default:
			page(w, http.StatusOK, "Signed in to stscred. You can close this window.")
		}
		select {
		case got <- cb:
		default: // settled already
		}
	})
}

func page(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html>\n<html><head><title>stscred</title></head><body><p>%s</p></body></html>\n", text)
}

// remote is the cross-device browser step: the URL is printed, to open on
// any device; its confirmation page shows a code (base64 of
// state=...&code=...) that the user pastes here.
func (c *Client) remote(s Session, authorize, state string) (string, error) {
	if c.ReadCode == nil {
		return "", errors.New("no way to read the code of the confirmation page here")
	}
	fmt.Fprintf(c.out(), "stscred: to sign in profile %s, open this URL in a browser on any device, sign in, and paste the code the page shows:\n%s\n",
		s.Profile, textsafe.Escape(authorize))
	pasted, err := c.ReadCode("Code: ")
	if err != nil {
		return "", fmt.Errorf("reading the code for profile %s: %w", s.Profile, err)
	}
	code, gotState, ok := decodePasted(pasted)
	if !ok {
		return "", hint.With(fmt.Errorf("that is not the code the confirmation page shows; nothing was stored"), "run it again and paste the whole code: stscred login --remote "+s.Profile)
	}
	if subtle.ConstantTimeCompare([]byte(gotState), []byte(state)) != 1 {
		return "", hint.With(fmt.Errorf("that code is from another sign-in (its state does not match); nothing was stored"),
			"paste the code of the page this sign-in opened: stscred login --remote "+s.Profile)
	}
	return code, nil
}

// decodePasted reads the confirmation page's code: base64 of
// state=...&code=... (padded or not, standard or URL alphabet).
func decodePasted(s string) (code, state string, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 8192 {
		return "", "", false
	}
	var raw []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err = enc.DecodeString(s); err == nil {
			break
		}
	}
	if err != nil {
		return "", "", false
	}
	q, err := url.ParseQuery(string(raw))
	if err != nil || q.Get("code") == "" || q.Get("state") == "" {
		return "", "", false
	}
	return q.Get("code"), q.Get("state"), true
}

// randomToken is n random bytes, base64url without padding: characters
// of the unreserved set PKCE verifiers and states must use.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// accountOf is the account id of an ARN, "" when there is none.
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || len(parts[4]) != 12 {
		return ""
	}
	return parts[4]
}
