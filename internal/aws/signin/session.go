package signin

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/stscred/stscred/internal/aws/restjson"
	"github.com/stscred/stscred/internal/base/hint"
)

// Session is a login session as a profile names it.
type Session struct {
	// Profile is the profile it is for (for messages and the command
	// that signs in).
	Profile string
	// ARN is the identity the session signs in as (login_session), "" for
	// a profile not signed in yet.
	ARN string
	// Region is the Sign-In region (the profile's, --region or
	// AWS_REGION).
	Region string
	// Endpoint overrides AWS's Sign-In endpoint for the region ("" for
	// AWS's): AWS_ENDPOINT_URL_SIGNIN, AWS_ENDPOINT_URL, the profile's
	// services or endpoint_url.
	Endpoint string
}

// LoginCommand is what the user runs to sign in.
func (s Session) LoginCommand() string { return "stscred login " + s.Profile }

// ID names the session in the keystore and in lock names: its ARN, as a
// digest (an ARN is no secret, but its characters are not all safe in a
// file name).
func (s Session) ID() string {
	h := sha256.Sum256([]byte(strings.TrimSpace(s.ARN)))
	return hex.EncodeToString(h[:16])
}

// StoreName is the keystore entry of the session signed in as arn.
func StoreName(arn string) string { return storePrefix + Session{ARN: arn}.ID() }

const storePrefix = "v1:login:"

// IsStoreName reports whether a keystore entry's name is a session's.
func IsStoreName(name string) bool { return strings.HasPrefix(name, storePrefix) }

// baseURL is the Sign-In endpoint, without a trailing slash: AWS's for
// the region as the SDK resolves it in the region's partition, unless
// Endpoint overrides it.
func (s Session) baseURL() string {
	if s.Endpoint != "" {
		return strings.TrimSuffix(s.Endpoint, "/")
	}
	return restjson.SignIn(s.Region)
}

// check refuses what no call can use.
func (s Session) check() error {
	if s.Region == "" {
		return hint.With(fmt.Errorf("profile %s names no region to sign in to", s.Profile),
			"add region to [profile "+s.Profile+"], or pass --region (or set AWS_REGION)")
	}
	for _, c := range s.Region {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return hint.With(fmt.Errorf("profile %s: %q is not a region", s.Profile, s.Region), "give a region like eu-west-1")
		}
	}
	if s.Endpoint != "" {
		u, err := url.Parse(s.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return hint.With(fmt.Errorf("the AWS Sign-In endpoint %q is not an http or https URL", s.Endpoint),
				"it comes from AWS_ENDPOINT_URL_SIGNIN, AWS_ENDPOINT_URL or the profile's endpoint_url: give a URL like https://eu-west-1.signin.aws.amazon.com, or unset it")
		}
	}
	return nil
}

// ErrNotSignedIn is wrapped by the errors of a session that has no valid
// sign-in: never signed in, over (12 hours), revoked, or the password
// changed. NeedsSignIn tells them apart from other errors.
var ErrNotSignedIn = errors.New("not signed in")

type notSignedIn struct {
	s   Session
	msg string
}

func (e *notSignedIn) Error() string        { return e.msg }
func (e *notSignedIn) Is(target error) bool { return target == ErrNotSignedIn }

// needSignIn is a not-signed-in error with the hint to sign in.
func needSignIn(s Session, format string, args ...any) error {
	return hint.With(&notSignedIn{s: s, msg: fmt.Sprintf(format, args...)}, "run: "+s.LoginCommand())
}

// NeedsSignIn reports whether err says the session must be signed in to
// again, and which.
func NeedsSignIn(err error) (Session, bool) {
	var e *notSignedIn
	if errors.As(err, &e) {
		return e.s, true
	}
	return Session{}, false
}
