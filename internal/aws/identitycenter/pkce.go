package identitycenter

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/textsafe"
)

const callbackPath = "/oauth/callback"

// callback is what the browser brought back to the loopback listener.
type callback struct {
	code  string // the authorization code, never shown
	error string // the OAuth error, e.g. access_denied
}

// pkceFlow is the authorization code grant with PKCE (RFC 7636) on a
// loopback redirect (RFC 8252): the browser signs in at /authorize and is
// sent back to 127.0.0.1 with a code, exchanged with the verifier.
func (c *Client) pkceFlow(ctx context.Context, s Session, reg *registration) (*grant, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, hint.With(fmt.Errorf("listening on 127.0.0.1 for the browser's return: %w", err),
			"or sign in with a code instead: stscred sso login --device-code "+s.Label())
	}
	redirect := "http://" + ln.Addr().String() + callbackPath
	state, verifier := randomToken(32), randomToken(48) // 43 and 64 characters
	sum := sha256.Sum256([]byte(verifier))
	challenge := base64.RawURLEncoding.EncodeToString(sum[:])

	got := make(chan callback, 1)
	srv := &http.Server{
		Handler: callbackHandler(state, got), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: log.New(io.Discard, "", 0), // nothing of net/http's on the user's terminal
	}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if srv.Shutdown(sctx) != nil {
			_ = srv.Close()
		}
	}()

	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {reg.ClientID},
		"redirect_uri":          {redirect},
		"state":                 {state},
		"code_challenge":        {challenge},
		"code_challenge_method": {"S256"},
	}
	if sc := scopesFor(s, flowPKCE); len(sc) > 0 {
		q.Set("scopes", strings.Join(sc, " "))
	}
	// The URL holds the challenge, not the verifier: it may be shown.
	authorize := c.Endpoints.oidcURL(s.Region) + "/authorize?" + q.Encode()
	c.show(ctx, authorize,
		fmt.Sprintf("stscred: opening the browser to sign in to %s\n", textsafe.Escape(s.Label())),
		fmt.Sprintf("stscred: to sign in to %s, open this URL in a browser: %s\n", textsafe.Escape(s.Label()), textsafe.Escape(authorize)))

	var cb callback
	select {
	case cb = <-got:
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for the browser to sign in to %s: %w", s.Label(), ctx.Err())
	}
	switch {
	case cb.error == "access_denied":
		return nil, deniedErr(s)
	case cb.error != "":
		return nil, hint.With(fmt.Errorf("sign-in to %s failed in the browser: %s", s.Label(), cb.error),
			"run it again: "+s.LoginCommand(), "or sign in with a code instead: stscred sso login --device-code "+s.Label())
	}
	g, err := c.createToken(ctx, s, &createTokenInput{
		ClientID: reg.ClientID, ClientSecret: reg.ClientSecret,
		GrantType: "authorization_code", Code: cb.code,
		RedirectURI: redirect, CodeVerifier: verifier,
	})
	if err != nil {
		return nil, fmt.Errorf("signing in to %s: %w", s.Label(), err)
	}
	return g, nil
}

// callbackHandler serves the redirect back from /authorize: a request
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
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html>\n<html><head><title>stscred</title></head><body><p>%s</p></body></html>\n", text)
}

// show tells the user (opening) and opens url in the browser, which is
// handed a link to it, never the URL itself (see package browser); when
// there is no browser, or it did not take the link, manual gives the URL
// to open by hand.
func (c *Client) show(ctx context.Context, url, opening, manual string) {
	if c.Open == nil {
		fmt.Fprint(c.out(), manual)
		return
	}
	fmt.Fprint(c.out(), opening)
	if c.Open(ctx, url) != nil && ctx.Err() == nil {
		fmt.Fprint(c.out(), manual)
	}
}

// randomToken is n random bytes, base64url without padding: characters
// of the unreserved set PKCE verifiers and states must use.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}
