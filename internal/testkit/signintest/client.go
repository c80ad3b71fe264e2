package signintest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/stscred/stscred/internal/testkit/testsrv"
)

// Login is a sign-in as a client holds it after the code exchange: what
// the AWS CLI keeps in ~/.aws/login/cache (see CacheFile).
type Login struct {
	// LoginSession is the ID token's sub, the identity's ARN.
	LoginSession    string
	ClientID        string
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	AccountID       string
	// Expires is when the credentials expire, by the server clock.
	Expires      time.Time
	TokenType    string
	RefreshToken string
	IDToken      string
	// Key is the session's DPoP key: every renewal must be signed with it.
	Key *ecdsa.PrivateKey
}

// cacheFile is the AWS CLI's file: ~/.aws/login/cache/<sha256 of the
// login_session>.json.
type cacheFile struct {
	AccessToken struct {
		AccessKeyID     string `json:"accessKeyId"`
		SecretAccessKey string `json:"secretAccessKey"`
		SessionToken    string `json:"sessionToken"`
		AccountID       string `json:"accountId"`
		ExpiresAt       string `json:"expiresAt"`
	} `json:"accessToken"`
	TokenType    string `json:"tokenType"`
	ClientID     string `json:"clientId"`
	RefreshToken string `json:"refreshToken"`
	IDToken      string `json:"idToken"`
	DPoPKey      string `json:"dpopKey"`
}

// CacheFile returns the session in the AWS CLI's format: accessToken
// {accessKeyId, secretAccessKey, sessionToken, accountId, expiresAt
// (RFC 3339, UTC, seconds)}, tokenType, clientId, refreshToken, idToken,
// and dpopKey, the private key as a SEC 1 PEM ("EC PRIVATE KEY").
func (l Login) CacheFile() ([]byte, error) {
	der, err := x509.MarshalECPrivateKey(l.Key)
	if err != nil {
		return nil, fmt.Errorf("signintest: encoding the DPoP key: %v", err)
	}
	var f cacheFile
	f.AccessToken.AccessKeyID = l.AccessKeyID
	f.AccessToken.SecretAccessKey = l.SecretAccessKey
	f.AccessToken.SessionToken = l.SessionToken
	f.AccessToken.AccountID = l.AccountID
	f.AccessToken.ExpiresAt = l.Expires.UTC().Format("2006-01-02T15:04:05Z")
	f.TokenType, f.ClientID, f.RefreshToken, f.IDToken = l.TokenType, l.ClientID, l.RefreshToken, l.IDToken
	f.DPoPKey = string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))
	return json.MarshalIndent(f, "", "  ")
}

// CachePath is where the AWS CLI keeps the session of loginSession under
// dir (~/.aws/login/cache, or AWS_LOGIN_CACHE_DIRECTORY): the lower-case
// hex SHA-256 of the login_session value, trimmed, with ".json".
func CachePath(dir, loginSession string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(loginSession)))
	return filepath.Join(dir, hex.EncodeToString(sum[:])+".json")
}

// SignIn signs in through the started server as a client would, with the
// same-device client: a fresh PKCE verifier and state, GET /v1/authorize
// (the browser approving as its identity: BrowserApprove), the code from
// the redirect to a loopback callback nobody listens on, and the code
// exchanged with a DPoP proof of a fresh P-256 key, dated by the server
// clock. Tests that need a session without going through the client under
// test use it, e.g. to write an AWS CLI cache file (CacheFile).
func (s *Server) SignIn(ctx context.Context) (Login, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Login{}, err
	}
	return s.signIn(ctx, key)
}

// signIn is SignIn with a given DPoP key.
func (s *Server) signIn(ctx context.Context, key *ecdsa.PrivateKey) (Login, error) {
	base := s.URL()
	if base == "" {
		return Login{}, errorf("sign in: the server is not started")
	}
	verifier := testsrv.RandomString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~", 64)
	sum := sha256.Sum256([]byte(verifier))
	state := testsrv.UUID()
	const redirect = "http://127.0.0.1:9/oauth/callback" // never contacted
	q := url.Values{
		"response_type": {"code"}, "client_id": {ClientSameDevice}, "redirect_uri": {redirect}, "scope": {"openid"},
		"state": {state}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"SHA-256"},
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/authorize?"+q.Encode(), nil)
	if err != nil {
		return Login{}, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return Login{}, errorf("sign in: %v", err)
	}
	_ = resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil {
		return Login{}, errorf("sign in: /v1/authorize answered %s, not a redirect (is the browser set to approve?)", resp.Status)
	}
	back := loc.Query()
	if back.Get("state") != state || back.Get("code") == "" {
		return Login{}, errorf("sign in: the browser came back with %q", loc.RawQuery)
	}
	body, err := json.Marshal(tokenRequest{
		ClientID: ClientSameDevice, GrantType: GrantAuthorizationCode, Code: back.Get("code"), RedirectURI: redirect, CodeVerifier: verifier,
	})
	if err != nil {
		return Login{}, err
	}
	out, err := s.postToken(ctx, key, body)
	if err != nil {
		return Login{}, err
	}
	l := Login{
		ClientID: ClientSameDevice, AccessKeyID: out.AccessToken.AccessKeyID, SecretAccessKey: out.AccessToken.SecretAccessKey,
		SessionToken: out.AccessToken.SessionToken, Expires: s.now().Add(time.Duration(out.ExpiresIn) * time.Second),
		TokenType: out.TokenType, RefreshToken: out.RefreshToken, IDToken: out.IDToken, Key: key,
	}
	tok, err := jwt.ParseSigned(out.IDToken, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		return Login{}, errorf("sign in: the ID token: %v", err)
	}
	var claims jwt.Claims
	if err := tok.Claims(s.IDTokenKey(), &claims); err != nil {
		return Login{}, errorf("sign in: the ID token: %v", err)
	}
	l.LoginSession = claims.Subject
	if parts := strings.Split(claims.Subject, ":"); len(parts) > 4 {
		l.AccountID = parts[4]
	}
	return l, nil
}

// postToken sends a CreateOAuth2Token body with a DPoP proof of key and
// decodes a 200 answer.
func (s *Server) postToken(ctx context.Context, key *ecdsa.PrivateKey, body []byte) (*tokenResponse, error) {
	htu := s.URL() + "/v1/token"
	proof, err := NewProof(key, http.MethodPost, htu, s.now())
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, htu, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("DPoP", proof)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, errorf("CreateOAuth2Token: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, errorf("CreateOAuth2Token: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, errorf("CreateOAuth2Token: %s %s", resp.Status, b)
	}
	var out tokenResponse
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, errorf("CreateOAuth2Token: %v", err)
	}
	return &out, nil
}
