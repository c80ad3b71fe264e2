package signin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/aws/idtoken"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/textsafe"
	"github.com/stscred/stscred/keystore"
)

// The AWS CLI's own file of a sign-in (`aws login`): plaintext JSON under
// ~/.aws/login/cache (AWS_LOGIN_CACHE_DIRECTORY moves it), named for the
// login_session, holding the refresh token and the proof key side by
// side. stscred never writes one; `stscred import` moves them into the
// keystore (ReadCLIFile, Held, Import).

// MaxCLIFile caps the read of one such file (they are a few KiB).
const MaxCLIFile = 64 << 10

// CLICacheDir is where the AWS CLI keeps its sign-ins:
// AWS_LOGIN_CACHE_DIRECTORY, else ~/.aws/login/cache; "" when neither
// that variable nor HOME is set.
func CLICacheDir(getenv func(string) string) string {
	if d := getenv("AWS_LOGIN_CACHE_DIRECTORY"); d != "" {
		return d
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".aws", "login", "cache")
	}
	return ""
}

// CLIFileName is the name of the file of the sign-in as arn (the
// login_session value): the lower-case hex SHA-256 of the trimmed value,
// then ".json", as the AWS CLI and the SDKs name it.
func CLIFileName(arn string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(arn)))
	return hex.EncodeToString(sum[:]) + ".json"
}

// cliFile is the AWS CLI's JSON. The ID token is idToken as the CLI
// writes it; the Go SDK's logincreds names it identityToken.
type cliFile struct {
	AccessToken *struct {
		AccessKeyID     string `json:"accessKeyId"`
		SecretAccessKey string `json:"secretAccessKey"`
		SessionToken    string `json:"sessionToken"`
		AccountID       string `json:"accountId"`
		ExpiresAt       string `json:"expiresAt"`
	} `json:"accessToken"`
	TokenType     string `json:"tokenType"`
	ClientID      string `json:"clientId"`
	RefreshToken  string `json:"refreshToken"`
	IDToken       string `json:"idToken"`
	IdentityToken string `json:"identityToken"`
	DPoPKey       string `json:"dpopKey"`
}

func (f *cliFile) idToken() string {
	if f.IDToken != "" {
		return f.IDToken
	}
	return f.IdentityToken
}

// CLISession is a sign-in read from the AWS CLI's file, checked and ready
// to store for its session. It holds the refresh token and the proof
// key: String names only the identity.
type CLISession struct {
	s Session
	e entry
	// Creds are the file's credentials (its access token), zero when the
	// file has none complete; they may have expired.
	Creds creds.Credentials
	// SignedInKnown says the sign-in's time is the ID token's iat; else
	// it is the file's modification time (or the time it was read).
	SignedInKnown bool
}

func (c CLISession) String() string   { return "signin.CLISession{" + c.e.ARN + "}" }
func (c CLISession) GoString() string { return c.String() }

// Session is the session it is for.
func (c CLISession) Session() Session { return c.s }

// Status is what is known of the sign-in: SignedIn until Ends (12 hours
// after the sign-in) as of now.
func (c CLISession) Status(now time.Time) Status {
	return Status{SignedIn: now.Before(c.e.Ends), ARN: c.e.ARN, Since: c.e.SignedIn, Ends: c.e.Ends,
		Region: c.e.Region, Endpoint: c.e.Endpoint}
}

// ReadCLIFile checks data, the AWS CLI's file of s's sign-in (s.ARN is
// the login_session the file is named for), and returns the sign-in as
// s would store it: its region and endpoint are s's, the proof key is
// the file's. written is the file's modification time (zero when
// unknown): when the file's ID token does not say when the user signed
// in, the sign-in is taken to be then (or now), and to end 12 hours
// later. The refresh token, the proof key (a P-256 private key, SEC 1 or
// PKCS 8 PEM) and the client id are required; a file whose ID token names
// another identity, or whose credentials are of another account, is
// refused. Errors never quote the file.
func ReadCLIFile(s Session, data []byte, written, now time.Time) (CLISession, error) {
	if strings.TrimSpace(s.ARN) == "" {
		return CLISession{}, fmt.Errorf("profile %s has no login_session", s.Profile)
	}
	if err := s.check(); err != nil {
		return CLISession{}, err
	}
	var f cliFile
	if err := json.Unmarshal(data, &f); err != nil {
		return CLISession{}, fmt.Errorf("it is not the JSON the AWS CLI writes (%s)", jsonProblem(err))
	}
	switch {
	case f.RefreshToken == "":
		return CLISession{}, errors.New("it holds no refresh token (refreshToken)")
	case f.DPoPKey == "":
		return CLISession{}, errors.New("it holds no proof key (dpopKey)")
	case strings.TrimSpace(f.ClientID) == "":
		return CLISession{}, errors.New("it names no client (clientId)")
	}
	key, err := parseKey(f.DPoPKey)
	if err != nil {
		return CLISession{}, fmt.Errorf("its dpopKey cannot be used: %v", err)
	}
	pemKey, err := encodeKey(key)
	if err != nil {
		return CLISession{}, fmt.Errorf("its dpopKey cannot be used: %v", err)
	}
	arn := strings.TrimSpace(s.ARN)
	var signedIn time.Time
	known := false
	if tok := f.idToken(); tok != "" {
		if c, err := idtoken.Decode(tok); err == nil {
			if c.Subject != "" && strings.TrimSpace(c.Subject) != arn {
				return CLISession{}, hint.With(fmt.Errorf("its ID token is for %s, not for %s (the login_session it is named for)", textsafe.Escape(c.Subject), arn),
					"a file of another identity under this name was put there by hand: sign in with stscred login "+s.Profile+" instead")
			}
			if !c.IssuedAt.IsZero() && !c.IssuedAt.After(now.Add(time.Minute)) {
				signedIn, known = c.IssuedAt, true
			}
		}
	}
	var cr creds.Credentials
	if at := f.AccessToken; at != nil && at.AccessKeyID != "" && at.SecretAccessKey != "" && at.SessionToken != "" {
		exp, err := time.Parse(time.RFC3339, at.ExpiresAt)
		if err == nil {
			cr = creds.Credentials{AccessKeyID: at.AccessKeyID, SecretAccessKey: at.SecretAccessKey, SessionToken: at.SessionToken,
				Expiration: exp.UTC(), AccountID: accountOf(arn)}
		}
		if at.AccountID != "" && cr.AccountID != "" && at.AccountID != cr.AccountID {
			return CLISession{}, fmt.Errorf("its credentials are of account %s, not of %s (the login_session it is named for)", textsafe.Escape(at.AccountID), arn)
		}
	}
	if !known {
		signedIn = now
		if !written.IsZero() && written.Before(now) {
			signedIn = written
		}
	}
	signedIn = signedIn.UTC().Truncate(time.Second)
	return CLISession{
		s: s,
		e: entry{
			ARN: arn, Region: s.Region, Endpoint: s.Endpoint, ClientID: strings.TrimSpace(f.ClientID),
			RefreshToken: f.RefreshToken, DPoPKey: pemKey, SignedIn: signedIn, Ends: signedIn.Add(SessionLength),
		},
		Creds:         cr,
		SignedInKnown: known,
	}, nil
}

// jsonProblem says where JSON did not parse, never what it held.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("a syntax error at byte %d", se.Offset)
	case errors.As(err, &te):
		if te.Field != "" {
			return fmt.Sprintf("%s is a JSON %s", te.Field, te.Value)
		}
		return "not a JSON object"
	}
	return "it does not parse"
}

// CLIFileIdentity is the identity a file of the AWS CLI's says it holds
// (its ID token's subject, unverified), "" when it says none; for naming
// a file no profile claims.
func CLIFileIdentity(data []byte) string {
	var f cliFile
	if json.Unmarshal(data, &f) != nil || f.idToken() == "" {
		return ""
	}
	c, err := idtoken.Decode(f.idToken())
	if err != nil {
		return ""
	}
	return strings.TrimSpace(c.Subject)
}

// Held is what the keystore holds for the identity of a file's sign-in.
type Held int

const (
	// HeldNothing: no sign-in, or one that has ended or cannot be read;
	// the file's may take its place.
	HeldNothing Held = iota
	// HeldSame: the file's very sign-in (the same refresh token and proof
	// key), stored before.
	HeldSame
	// HeldRenewed: the file's sign-in (the same proof key) with another
	// refresh token: one copy was renewed after the other was made, and
	// only that one's token still works.
	HeldRenewed
	// HeldOther: another sign-in of the identity that has not ended.
	HeldOther
)

// Held compares f with what the keystore holds for its identity, and says
// what is known of that (zero when nothing usable is stored). Only a
// keystore that cannot be read is an error.
func (c *Client) Held(f CLISession) (Held, Status, error) {
	raw, err := c.Store.Get(StoreName(f.e.ARN))
	if errors.Is(err, keystore.ErrNotFound) {
		return HeldNothing, Status{}, nil
	}
	if err != nil {
		return 0, Status{}, fmt.Errorf("reading the sign-in of profile %s from the %s keystore: %w", f.s.Profile, c.Store.Backend(), err)
	}
	var e entry
	if json.Unmarshal([]byte(raw), &e) != nil || e.RefreshToken == "" || e.DPoPKey == "" {
		return HeldNothing, Status{}, nil
	}
	st := Status{SignedIn: c.now().Before(e.Ends), ARN: e.ARN, Since: e.SignedIn, Ends: e.Ends, Region: e.Region, Endpoint: e.Endpoint}
	stored, kerr := e.key()
	file, _ := f.e.key()
	sameKey := kerr == nil && file != nil && stored.Equal(file)
	switch {
	case sameKey && e.RefreshToken == f.e.RefreshToken:
		return HeldSame, st, nil
	case sameKey:
		return HeldRenewed, st, nil
	case st.SignedIn:
		return HeldOther, st, nil
	}
	return HeldNothing, st, nil
}

// Import stores f as its identity's sign-in, under the session's lock
// (a renewal of what it replaces is not cut in two). The caller decided,
// with Held, that it may.
func (c *Client) Import(ctx context.Context, f CLISession) error {
	unlock, err := c.lock(ctx, f.s, "importing a sign-in")
	if err != nil {
		return err
	}
	defer unlock()
	return c.write(f.e)
}
