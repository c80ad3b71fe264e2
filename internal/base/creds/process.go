package creds

// The credential_process document: credentials encoded in the format the
// AWS CLI and SDKs read, and decoded from what another credential_process
// printed.

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// ProcessOutput is the credential_process document. The field order is the one
// AWS documents; Expiration is RFC 3339 in UTC with a "Z".
type ProcessOutput struct {
	Version         int    `json:"Version"`
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	SessionToken    string `json:"SessionToken,omitempty"`
	Expiration      string `json:"Expiration,omitempty"`
	AccountID       string `json:"AccountId,omitempty"`
}

// NewProcessOutput converts credentials to the credential_process document.
func NewProcessOutput(c Credentials) ProcessOutput {
	o := ProcessOutput{Version: 1, AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, AccountID: c.AccountID}
	if !c.Expiration.IsZero() {
		o.Expiration = c.Expiration.UTC().Format(time.RFC3339)
	}
	return o
}

// Encode returns the credential_process JSON for c, one line with a newline.
func EncodeProcess(c Credentials) ([]byte, error) {
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		return nil, fmt.Errorf("refusing to print incomplete credentials")
	}
	b, err := json.Marshal(NewProcessOutput(c))
	if err != nil {
		return nil, fmt.Errorf("encoding credentials: %w", err)
	}
	return append(b, '\n'), nil
}

// Write encodes c and writes it to w in a single write, so that a caller
// reading stdout sees either the whole document or nothing.
func WriteProcess(w io.Writer, c Credentials) error {
	b, err := EncodeProcess(c)
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("writing credentials: %w", err)
	}
	return nil
}

// Decode parses a credential_process document.
func DecodeProcess(b []byte) (Credentials, error) {
	var o ProcessOutput
	if err := json.Unmarshal(b, &o); err != nil {
		return Credentials{}, fmt.Errorf("decoding credential_process output: %w", err)
	}
	if o.Version != 1 {
		return Credentials{}, fmt.Errorf("credential_process output has Version %d, want 1", o.Version)
	}
	c := Credentials{AccessKeyID: o.AccessKeyID, SecretAccessKey: o.SecretAccessKey, SessionToken: o.SessionToken, AccountID: o.AccountID}
	if o.Expiration != "" {
		t, err := time.Parse(time.RFC3339, o.Expiration)
		if err != nil {
			return Credentials{}, fmt.Errorf("credential_process Expiration: %w", err)
		}
		// What decodes must encode (in UTC, whole seconds) to a document
		// that decodes to the same instant: an offset can carry a time
		// of year 0000 or 9999 past what RFC 3339 holds in UTC, and a
		// fraction of a second is dropped (the expiry comes that much
		// sooner).
		if y := t.UTC().Year(); y < 0 || y > 9999 {
			return Credentials{}, fmt.Errorf("credential_process Expiration %q is in the year %d in UTC, outside the years 0000 to 9999 an RFC 3339 time holds", o.Expiration, y)
		}
		c.Expiration = t.Truncate(time.Second)
	}
	return c, nil
}
