package signin

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/keystore"
)

// entry is what the keystore holds for a session: the refresh token and
// the proof key it is bound to, and what is known of the sign-in. It is
// never printed: String says nothing of the secrets.
type entry struct {
	Version      int       `json:"version"`
	ARN          string    `json:"arn"`
	Region       string    `json:"region"`
	Endpoint     string    `json:"endpoint,omitempty"`
	ClientID     string    `json:"clientId"`
	RefreshToken string    `json:"refreshToken"`
	DPoPKey      string    `json:"dpopKey"` // SEC 1 PEM, as the AWS CLI keeps it
	SignedIn     time.Time `json:"signedIn"`
	// Ends is when the session ends at the latest: 12 hours after the
	// sign-in (AWS ends it then; it may end it sooner).
	Ends time.Time `json:"ends"`
}

func (e entry) String() string                   { return "signin.entry{" + e.ARN + "}" }
func (e entry) GoString() string                 { return e.String() }
func (e *entry) key() (*ecdsa.PrivateKey, error) { return parseKey(e.DPoPKey) }

// SessionLength is how long a sign-in lasts at most.
const SessionLength = 12 * time.Hour

// read returns the session's entry; found is false when there is none.
func (c *Client) read(s Session) (e entry, found bool, err error) {
	raw, err := c.Store.Get(StoreName(s.ARN))
	if errors.Is(err, keystore.ErrNotFound) {
		return entry{}, false, nil
	}
	if err != nil {
		return entry{}, false, hint.With(fmt.Errorf("reading the sign-in of profile %s from the %s keystore: %w", s.Profile, c.Store.Backend(), err),
			"check that the keystore is unlocked and reachable")
	}
	if err := json.Unmarshal([]byte(raw), &e); err != nil || e.RefreshToken == "" || e.DPoPKey == "" {
		// Never the value in the message: it holds the refresh token.
		return entry{}, false, hint.With(fmt.Errorf("the stored sign-in of profile %s is unreadable", s.Profile),
			"sign in again (it replaces the entry): "+s.LoginCommand())
	}
	return e, true, nil
}

// write stores the session's entry.
func (c *Client) write(e entry) error {
	e.Version = 1
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if err := c.Store.Set(StoreName(e.ARN), string(b)); err != nil {
		return fmt.Errorf("storing the sign-in in the %s keystore: %w", c.Store.Backend(), err)
	}
	return nil
}

// Status is what is known of a session without a call.
type Status struct {
	SignedIn bool
	ARN      string
	Since    time.Time // the sign-in
	Ends     time.Time // at the latest
	// Region and Endpoint are where it signed in (Endpoint "" for AWS's):
	// a profile that now names another cannot renew it.
	Region, Endpoint string
}

// Status says whether the session has a sign-in that has not ended.
func (c *Client) Status(s Session) (Status, error) {
	if s.ARN == "" {
		return Status{}, nil
	}
	e, found, err := c.read(s)
	if err != nil || !found {
		return Status{}, err
	}
	return Status{SignedIn: c.now().Before(e.Ends), ARN: e.ARN, Since: e.SignedIn, Ends: e.Ends, Region: e.Region, Endpoint: e.Endpoint}, nil
}

// Logout forgets the session's sign-in (the refresh token and the proof
// key); removed is false when there was none.
func (c *Client) Logout(s Session) (removed bool, err error) {
	if s.ARN == "" {
		return false, nil
	}
	err = c.Store.Delete(StoreName(s.ARN))
	if errors.Is(err, keystore.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("removing the sign-in of profile %s from the %s keystore: %w", s.Profile, c.Store.Backend(), err)
	}
	return true, nil
}

// encodeKey is key as a SEC 1 PEM block.
func encodeKey(key *ecdsa.PrivateKey) (string, error) {
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})), nil
}

// parseKey reads a SEC 1 (or PKCS 8) PEM P-256 private key.
func parseKey(s string) (*ecdsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("the proof key is not PEM")
	}
	if k, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
		return checkCurve(k)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New("the proof key is not an EC private key")
	}
	ek, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, errors.New("the proof key is not an EC private key")
	}
	return checkCurve(ek)
}

func checkCurve(k *ecdsa.PrivateKey) (*ecdsa.PrivateKey, error) {
	if k.Curve.Params().Name != "P-256" {
		return nil, errors.New("the proof key is not on P-256")
	}
	return k, nil
}
