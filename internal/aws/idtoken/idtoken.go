// Package idtoken gets the identity provider tokens that start a session
// without a stored key: a web identity JWT (from a file, a command, or the
// GitHub Actions token endpoint) and, with the SAML counterpart, a SAML
// assertion. A token is a credential: it is never shown, only its decoded
// claims (which are not secret) are.
package idtoken

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/sys/proc"
	"github.com/stscred/stscred/internal/sys/safefile"
)

// DefaultAudience is the audience stscred asks GitHub Actions for, the one
// AWS's documentation configures on the IAM OIDC provider.
const DefaultAudience = "sts.amazonaws.com"

// maxToken bounds what is read as a token.
const maxToken = 64 << 10

// maxAssertion is the most a SAML assertion may take (a base64
// SAMLResponse is some kilobytes).
const maxAssertion = 1 << 20

// Setup is what getting tokens uses.
type Setup struct {
	Getenv func(string) string
	HTTP   *http.Client
	Runner *proc.Runner // runs a token process
	Stderr io.Writer    // a token process's messages, its line's arguments blotted out
}

// Source is where a profile's web identity token comes from.
type Source struct {
	Kind     string // "file", "process", "github-actions"
	Path     string // the file
	Line     proc.Line
	Audience string // asked of GitHub Actions
	setup    Setup
}

// WebIdentity is the token source of a web identity profile, the first
// that applies: web_identity_token_file, web_identity_token_process, then
// GitHub Actions when its OIDC request variables are set.
func (s Setup) WebIdentity(p *awsconfig.Profile) (Source, error) {
	switch {
	case p.WebIdentityTokenFile != "":
		return Source{Kind: "file", Path: expandHome(p.WebIdentityTokenFile, s.Getenv), setup: s}, nil
	case p.WebIdentityTokenProcess != "":
		return Source{Kind: "process", Line: proc.Line{Text: p.WebIdentityTokenProcess, Profile: p.Name, Key: "web_identity_token_process"}, setup: s}, nil
	case awsconfig.AmbientOf(s.Getenv).GitHubOIDC:
		aud := p.WebIdentityAudience
		if aud == "" {
			aud = DefaultAudience
		}
		return Source{Kind: "github-actions", Audience: aud, setup: s}, nil
	}
	return Source{}, hint.With(fmt.Errorf("profile %s has no web identity token: no web_identity_token_file, no web_identity_token_process, and no GitHub Actions OIDC variables", p.Name),
		"set web_identity_token_file (or web_identity_token_process) in [profile "+p.Name+"]",
		"in GitHub Actions, give the job permissions: id-token: write, so that ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are set")
}

// ID names the source for the cache key: what it is, never a secret (a
// command line, which may hold one, only as a digest).
func (s Source) ID() string {
	switch s.Kind {
	case "file":
		return "file:" + s.Path
	case "process":
		return "process:" + digest(s.Line.Text)
	}
	return s.Kind + ":" + s.Audience
}

// What names the source for messages.
func (s Source) What() string {
	switch s.Kind {
	case "file":
		return "the token file " + s.Path
	case "process":
		return s.Line.What()
	}
	return "GitHub Actions' OIDC token endpoint (audience " + s.Audience + ")"
}

// Token gets the token now: a file is read again on every call (CI
// systems rotate it), a command is run, GitHub Actions is asked.
func (s Source) Token(ctx context.Context) (string, error) {
	var tok string
	var err error
	switch s.Kind {
	case "file":
		tok, err = s.fromFile(ctx)
	case "process":
		tok, err = s.fromProcess(ctx)
	default:
		tok, err = s.fromGitHub(ctx)
	}
	if err != nil {
		return "", err
	}
	if _, err := Decode(tok); err != nil {
		return "", hint.With(fmt.Errorf("%s does not hold a JWT: %w", s.What(), err),
			"it must hold the identity provider's token (three base64url parts separated by dots) and nothing else")
	}
	return tok, nil
}

func (s Source) fromFile(ctx context.Context) (string, error) {
	b, err := readFile(ctx, s.Path, maxToken, "web identity token file", "not a token",
		"check web_identity_token_file: the CI system writes the token there (and rotates it)",
		"web_identity_token_file must name the regular file the CI system writes the token to; stscred reads no pipe, device or directory")
	if err != nil {
		return "", err
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", hint.With(fmt.Errorf("the web identity token file %s is empty", s.Path), "the CI system has not written the token yet, or writes it elsewhere")
	}
	return tok, nil
}

// readFile reads a token or assertion file, which another party wrote:
// a regular file of at most max bytes, opened without blocking and read
// under a deadline (safefile.ReadRegular). what names the file in
// errors, notWhat says what a file over the cap is not; missing is the
// hint for a file that cannot be read, notRegular for one that is no
// regular file.
func readFile(ctx context.Context, path string, max int64, what, notWhat, missing, notRegular string) ([]byte, error) {
	b, err := safefile.ReadRegular(ctx, path, max)
	switch {
	case err == nil:
		return b, nil
	case errors.Is(err, safefile.ErrTooLarge):
		return nil, hint.With(fmt.Errorf("the %s %s is larger than %s: %s", what, path, safefile.SizeText(max), notWhat), notRegular)
	case errors.Is(err, safefile.ErrNotRegular):
		return nil, hint.With(fmt.Errorf("cannot read the %s %s: %w", what, path, err), notRegular)
	case errors.Is(err, safefile.ErrReadTimeout):
		return nil, hint.With(fmt.Errorf("cannot read the %s %s: %w", what, path, err), "check the file system it is on")
	}
	return nil, hint.With(fmt.Errorf("cannot read the %s %s: %w", what, path, err), missing)
}

func (s Source) fromProcess(ctx context.Context) (string, error) {
	var out bytes.Buffer
	err := s.setup.Runner.Line(ctx, s.Line, proc.LineOptions{Stdout: &out, MaxOutput: maxToken, Stderr: s.setup.Stderr})
	if err != nil {
		return "", err
	}
	tok := strings.TrimSpace(out.String())
	if tok == "" {
		return "", hint.With(fmt.Errorf("%s printed nothing", s.Line.What()), "it must print the identity provider's token (a JWT) on stdout")
	}
	return tok, nil
}

// fromGitHub asks the GitHub Actions token endpoint: GET the request URL
// with audience=..., the request token as a bearer token, {"value": JWT}.
func (s Source) fromGitHub(ctx context.Context) (string, error) {
	raw := s.setup.Getenv("ACTIONS_ID_TOKEN_REQUEST_URL")
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", errors.New("ACTIONS_ID_TOKEN_REQUEST_URL is not a URL")
	}
	q := u.Query()
	q.Set("audience", s.Audience)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+s.setup.Getenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN"))
	req.Header.Set("Accept", "application/json")
	client := s.setup.HTTP
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL carries no secret, but is long: its host is enough
		}
		return "", hint.With(fmt.Errorf("cannot reach GitHub Actions' OIDC token endpoint at %s: %v", u.Host, err), "check the runner's network")
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxToken))
	if err != nil {
		return "", fmt.Errorf("reading GitHub Actions' OIDC token: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", hint.With(fmt.Errorf("GitHub Actions' OIDC token endpoint answered HTTP %d", resp.StatusCode),
			"the job needs permissions: id-token: write; the request token lasts only as long as the job")
	}
	var v struct{ Value string }
	if err := json.Unmarshal(body, &v); err != nil || v.Value == "" {
		return "", errors.New("GitHub Actions' OIDC token endpoint answered without a token")
	}
	return v.Value, nil
}

func digest(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:12])
}

// expandHome expands a leading "~/" to the home directory: $HOME, and
// %USERPROFILE% on Windows (where HOME is usually not set), as the AWS
// config's own paths.
func expandHome(path string, getenv func(string) string) string {
	return awsconfig.ExpandHome(path, getenv)
}
