package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Cache keys are versioned ("v1:...") so that a later format can change
// what goes into a key without ever reading an entry it does not understand.
// Keys name what the credentials are, never secrets: they are hashes of
// the inputs that decide which credentials STS would hand out.

// SessionKey is the key of the GetSessionToken session of an IAM user's
// access key with (or without) an MFA device. Including the access key id
// means a rotated key never reuses the old key's session.
func SessionKey(accessKeyID, mfaSerial, endpoint string) string {
	return "v1:session:" + digest("session", accessKeyID, mfaSerial, endpoint)
}

// DirectKey stands for the parent of a role assumed straight from an IAM
// user's long-term key (with an MFA device or not), in RoleKey: such a role
// has no cached session behind it.
func DirectKey(accessKeyID, mfaSerial, endpoint string) string {
	return "v1:direct:" + digest("direct", accessKeyID, mfaSerial, endpoint)
}

// FederationKey is the key of the GetFederationToken credentials of an
// IAM user's access key for a federated user name, session policy and
// duration.
func FederationKey(accessKeyID, endpoint, name, policy string, duration time.Duration) string {
	return "v1:federation:" + digest("federation", accessKeyID, endpoint, name, policy, strconv.FormatInt(int64(duration/time.Second), 10))
}

// ProviderKey stands for the parent of a role assumed with an identity
// provider's token (web identity, SAML), in RoleKey: source names where
// the token comes from (a file, a command's digest, GitHub Actions),
// never the token, which changes on every fetch.
func ProviderKey(source, endpoint string) string {
	return "v1:provider:" + digest("provider", source, endpoint)
}

// SSOKey is the key of the GetRoleCredentials credentials of an IAM
// Identity Center session (its secret-free ID) for an account and role,
// from the portal at endpoint ("" for AWS's).
func SSOKey(session, accountID, roleName, endpoint string) string {
	return "v1:sso:" + digest("sso", session, accountID, roleName, endpoint)
}

// LoginKey keys an AWS Sign-In session's credentials: the session (its
// identity) and where it signs in (region and endpoint), never the
// refresh token.
func LoginKey(session, region, endpoint string) string {
	return "v1:login:" + digest("login", session, region, endpoint)
}

// RoleParams are the inputs of an AssumeRole call that shape its result.
type RoleParams struct {
	RoleARN        string
	SessionName    string
	ExternalID     string
	SourceIdentity string
	Duration       time.Duration
	Tags           map[string]string
	TransitiveTags []string
	Endpoint       string
}

// RoleKey is the key of role credentials obtained by signing AssumeRole
// with the credentials cached under parent (a session or another role).
func RoleKey(parent string, p RoleParams) string {
	parts := []string{"role", parent, p.RoleARN, p.SessionName, p.ExternalID, p.SourceIdentity,
		strconv.FormatInt(int64(p.Duration/time.Second), 10), p.Endpoint}
	tagKeys := make([]string, 0, len(p.Tags))
	for k := range p.Tags {
		tagKeys = append(tagKeys, k)
	}
	sort.Strings(tagKeys)
	for _, k := range tagKeys {
		parts = append(parts, "tag", k, p.Tags[k])
	}
	trans := append([]string(nil), p.TransitiveTags...)
	sort.Strings(trans)
	for _, k := range trans {
		parts = append(parts, "transitive", k)
	}
	return "v1:role:" + digest(parts...)
}

// KeyIDKey is the key of the entry remembering which access key id is
// stored for profile, so that a cache hit can derive SessionKey without
// reading the OS keyring.
func KeyIDKey(profile string) string { return "v1:keyid:" + digest("keyid", profile) }

// RefusedKey is the key of the entry remembering that STS refused role
// profile to a session without MFA (KindRefused).
func RefusedKey(profile string) string { return "v1:refused:" + digest("refused", profile) }

func digest(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:20])
}

// fileName maps a cache key to its file name: a hash, so no key can reach
// outside the cache directory.
func fileName(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:16])
}

// DeviceKey names the lock of an MFA device: held while a code for it is
// obtained and sent, so no two processes send the same code.
func DeviceKey(serial string) string { return "v1:mfa-device:" + digest("mfa-device", serial) }
