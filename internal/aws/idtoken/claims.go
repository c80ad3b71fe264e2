package idtoken

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"time"
)

// Claims are what a JWT says of itself, decoded but not verified (STS
// verifies it): for whoami and doctor, never a reason to trust it.
type Claims struct {
	Issuer              string
	Subject             string
	Audience            []string
	Expires             time.Time // zero when absent
	NotBefore, IssuedAt time.Time
}

// Decode reads a JWT's claims without verifying its signature.
func Decode(token string) (Claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return Claims{}, errors.New("not three dot-separated parts")
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return Claims{}, errors.New("its payload is not base64url")
	}
	var raw struct {
		Iss string          `json:"iss"`
		Sub string          `json:"sub"`
		Aud json.RawMessage `json:"aud"`
		Exp json.Number     `json:"exp"`
		Nbf json.Number     `json:"nbf"`
		Iat json.Number     `json:"iat"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return Claims{}, errors.New("its payload is not a JSON object of claims")
	}
	c := Claims{Issuer: raw.Iss, Subject: raw.Sub, Expires: unix(raw.Exp), NotBefore: unix(raw.Nbf), IssuedAt: unix(raw.Iat)}
	var one string
	if json.Unmarshal(raw.Aud, &one) == nil {
		c.Audience = []string{one}
	} else {
		_ = json.Unmarshal(raw.Aud, &c.Audience)
	}
	return c, nil
}

func unix(n json.Number) time.Time {
	f, err := n.Float64()
	// Past year 9999 a claim is no time a message can show (and past
	// int64 the conversion wraps): as good as absent.
	if err != nil || f <= 0 || f >= maxUnix {
		return time.Time{}
	}
	return time.Unix(int64(f), 0).UTC()
}

// maxUnix is 10000-01-01T00:00:00Z in seconds since the epoch.
const maxUnix = 253402300800

// HasAudience reports whether aud is among the token's audiences.
func (c Claims) HasAudience(aud string) bool {
	for _, a := range c.Audience {
		if a == aud {
			return true
		}
	}
	return false
}

// Identity is whom the token is for — its issuer, subject and audiences —
// in one unambiguous string for a cache key: never the token itself, and
// the same for every token the provider issues to the same holder (a
// rotated token keeps it; one for another subject does not).
func (c Claims) Identity() string {
	aud := append([]string(nil), c.Audience...)
	sort.Strings(aud)
	b, _ := json.Marshal(struct {
		Iss string   `json:"iss"`
		Sub string   `json:"sub"`
		Aud []string `json:"aud"`
	}{c.Issuer, c.Subject, aud})
	return string(b)
}
