package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stscred/stscred/internal/base/creds"
)

// Limits of the federation endpoint's SessionDuration.
const (
	MinSession = 15 * time.Minute
	MaxSession = 12 * time.Hour
)

// RefusedError is a refusal of the federation endpoint: AWS answers every
// one with the same HTML page and status, no error code.
type RefusedError struct {
	Endpoint string
	Status   int
	Title    string // the page's title, e.g. "HTTP Status 400 - Invalid credentials parameter"
}

func (e *RefusedError) Error() string {
	what := "HTTP " + strconv.Itoa(e.Status)
	if e.Title != "" {
		what += " (" + e.Title + ")"
	}
	return "the federation endpoint " + e.Endpoint + " refused the credentials: " + what
}

// ErrUnreachable wraps a failure to reach the federation endpoint.
var ErrUnreachable = errors.New("cannot reach the federation endpoint")

// SigninToken exchanges temporary credentials for a sign-in token at the
// federation endpoint. duration is SessionDuration, 0 to send none (the
// console session then lasts as long as the credentials). The credentials
// travel in a POST body, never in a URL.
func SigninToken(ctx context.Context, client *http.Client, endpoint string, c creds.Credentials, duration time.Duration) (string, error) {
	session, err := json.Marshal(struct {
		ID    string `json:"sessionId"`
		Key   string `json:"sessionKey"`
		Token string `json:"sessionToken"`
	}{c.AccessKeyID, c.SecretAccessKey, c.SessionToken})
	if err != nil {
		return "", err
	}
	form := url.Values{"Action": {"getSigninToken"}, "Session": {string(session)}}
	if duration > 0 {
		form.Set("SessionDuration", strconv.Itoa(int(duration/time.Second)))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("the federation endpoint %q is not a URL: %w", endpoint, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("%w %s: %v", ErrUnreachable, endpoint, unwrapURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return "", fmt.Errorf("%w %s: reading its answer: %v", ErrUnreachable, endpoint, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", &RefusedError{Endpoint: endpoint, Status: resp.StatusCode, Title: pageTitle(body)}
	}
	var out struct{ SigninToken string }
	if err := json.Unmarshal(body, &out); err != nil || out.SigninToken == "" {
		return "", fmt.Errorf("the federation endpoint %s answered without a sign-in token", endpoint)
	}
	return out.SigninToken, nil
}

// titleRE is compiled on first use: every stscred start pays for what is
// compiled at init.
var titleRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?is)<title>\s*(.*?)\s*</title>`) })

// pageTitle is an error page's title, printable and short; it holds no
// secret (the page is AWS's, the same for every refusal).
func pageTitle(body []byte) string {
	m := titleRE().FindSubmatch(body)
	if m == nil {
		return ""
	}
	t := strings.Join(strings.Fields(string(m[1])), " ")
	t = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, t)
	if len(t) > 120 {
		t = t[:120] + "…"
	}
	return t
}

// unwrapURLError drops net/url's "Post URL:" prefix, the URL being named
// already.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
