package ststest

import (
	"encoding/base32"
	"fmt"
	"slices"
	"strings"
	"time"
)

// AccessKey is an access key id and its secret access key.
type AccessKey struct {
	ID     string
	Secret string
}

// MFADevice is a virtual MFA device: its serial number (an ARN) and its
// base32 TOTP seed (SHA1, 6 digits, 30-second step).
type MFADevice struct {
	Serial string
	Secret string
}

// Role is an IAM role callers may assume.
type Role struct {
	// ARN is arn:aws:iam::<12-digit account>:role/[path/]<name>. Required.
	ARN string
	// ID is the role's unique id (AROA...); generated when empty.
	ID string
	// MaxSessionDuration is the longest session AssumeRole grants: 1 to 12
	// hours, 1 hour when zero.
	MaxSessionDuration time.Duration
	// RequireMFA means the trust policy demands aws:MultiFactorAuthPresent.
	RequireMFA bool
	// ExternalID, when set, must be sent as ExternalId.
	ExternalID string
	// TrustedAccounts are the accounts whose principals may assume the role.
	// Empty means any account the server knows, which is every caller's:
	// any user or role session of the server may assume the role; unless
	// the role was added trusting federated principals (WebIdentity or
	// SAML) only, as a trust policy naming no AWS principal does: then
	// AssumeRole is refused. (Server.TrustWebIdentity and TrustSAML add
	// statements and leave this as it was.)
	TrustedAccounts []string
	// WebIdentity lists the statements that let users of OpenID Connect
	// providers assume the role with AssumeRoleWithWebIdentity; SAML those
	// for SAML providers and AssumeRoleWithSAML. Empty: none may.
	WebIdentity []WebIdentityTrust
	SAML        []SAMLTrust
}

// User is a handle on an IAM user of a Server, returned by Server.AddUser.
// Its methods are safe for concurrent use.
type User struct {
	srv *Server
	rec *userRecord
}

type userRecord struct {
	account string
	name    string
	id      string // AIDA...
	created time.Time
	// mfaForIAM: IAM refuses the user's calls made without MFA context
	// (see User.RequireMFAForIAM).
	mfaForIAM bool
	// iamAdmin: the user may call the IAM key actions on any user of its
	// account (see User.SetIAMAdmin).
	iamAdmin bool
}

func (u *userRecord) arn() string { return "arn:aws:iam::" + u.account + ":user/" + u.name }

// keyRecord is a long-term access key.
type keyRecord struct {
	key    AccessKey
	user   *userRecord
	active bool
	seq    int // creation order
	// created is when the key was made (server clock); the key is refused
	// before usableAt (see Options.KeyPropagation).
	created  time.Time
	usableAt time.Time
}

// deviceRecord is an MFA device and what it has accepted.
type deviceRecord struct {
	serial   string
	secret   string
	user     *userRecord
	used     bool  // lastStep is meaningful
	lastStep int64 // newest TOTP step accepted
	accepted []string
	// ahead is how far AdvanceMFAClock moved the device's clock ahead of
	// the server clock: its codes and the steps the server accepts are
	// those of the server clock plus ahead.
	ahead time.Duration
}

type roleRecord struct {
	Role
	partition string
	account   string
	name      string
	// federatedOnly: the role was added with no AWS principal in its trust
	// policy (see Role.TrustedAccounts).
	federatedOnly bool
}

// Name is the user's name.
func (u *User) Name() string { return u.rec.name }

// Account is the user's 12-digit account id.
func (u *User) Account() string { return u.rec.account }

// ID is the user's unique id (AIDA...), which GetCallerIdentity reports.
func (u *User) ID() string { return u.rec.id }

// ARN is arn:aws:iam::<account>:user/<name>.
func (u *User) ARN() string { return u.rec.arn() }

// AddUser creates the IAM user name in account (12 digits). Like httptest,
// it panics on invalid or duplicate input: it is meant for test setup.
func (s *Server) AddUser(account, name string) *User {
	if !isAccountID(account) {
		panic(fmt.Sprintf("ststest: AddUser: account %q is not 12 digits", account))
	}
	if len(name) < 1 || len(name) > 64 || !allowedChars(name, "+=,.@-") {
		panic(fmt.Sprintf("ststest: AddUser: invalid user name %q", name))
	}
	rec := &userRecord{account: account, name: name}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.users[rec.arn()]; dup {
		panic(fmt.Sprintf("ststest: AddUser: %s already exists", rec.arn()))
	}
	rec.id = s.uniqueID("AIDA", 17)
	rec.created = s.now()
	s.users[rec.arn()] = rec
	return &User{srv: s, rec: rec}
}

// AddAccessKey gives the user a new random long-term access key.
func (u *User) AddAccessKey() AccessKey {
	u.srv.mu.Lock()
	defer u.srv.mu.Unlock()
	k := AccessKey{ID: u.srv.uniqueID("AKIA", 16), Secret: newSecret()}
	u.srv.addKey(k, u.rec, u.srv.now(), time.Time{})
	return k
}

// ImportAccessKey gives the user a fixed access key (for demos and
// reproducible tests). The id must be AKIA followed by 16 uppercase letters
// or digits and the secret 40 characters; it panics otherwise or if the id
// is taken.
func (u *User) ImportAccessKey(k AccessKey) AccessKey {
	if !validKeyID(k.ID, "AKIA") {
		panic(fmt.Sprintf("ststest: ImportAccessKey: %q is not AKIA followed by 16 uppercase letters or digits", k.ID))
	}
	if len(k.Secret) != 40 {
		panic(fmt.Sprintf("ststest: ImportAccessKey: secret of %s has %d characters, want 40", k.ID, len(k.Secret)))
	}
	u.srv.mu.Lock()
	defer u.srv.mu.Unlock()
	if u.srv.idTaken(k.ID) {
		panic(fmt.Sprintf("ststest: ImportAccessKey: %s already exists", k.ID))
	}
	u.srv.addKey(k, u.rec, u.srv.now(), time.Time{})
	return k
}

// AddMFADevice gives the user a virtual MFA device
// arn:aws:iam::<account>:mfa/<name> with a random seed.
func (u *User) AddMFADevice(name string) MFADevice {
	return u.ImportMFADevice(MFADevice{
		Serial: "arn:aws:iam::" + u.rec.account + ":mfa/" + name,
		Secret: newTOTPSecret(),
	})
}

// ImportMFADevice gives the user an MFA device with a fixed serial and seed.
// It panics if the serial is not 9-256 characters, the seed is not base32 or
// the serial is taken.
func (u *User) ImportMFADevice(d MFADevice) MFADevice {
	if len(d.Serial) < 9 || len(d.Serial) > 256 || !allowedChars(d.Serial, "+=/:,.@-") {
		panic(fmt.Sprintf("ststest: MFA device serial %q is not 9-256 characters of [\\w+=/:,.@-]", d.Serial))
	}
	d.Secret = strings.ToUpper(strings.TrimRight(d.Secret, "="))
	if _, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(d.Secret); err != nil || d.Secret == "" {
		panic(fmt.Sprintf("ststest: MFA device %s: seed is not base32: %v", d.Serial, err))
	}
	u.srv.mu.Lock()
	defer u.srv.mu.Unlock()
	if _, dup := u.srv.devices[d.Serial]; dup {
		panic(fmt.Sprintf("ststest: MFA device %s already exists", d.Serial))
	}
	u.srv.devices[d.Serial] = &deviceRecord{serial: d.Serial, secret: d.Secret, user: u.rec}
	return d
}

// AddRole adds a role and returns it with its defaults filled in. It panics
// on a malformed ARN, a duplicate, or a MaxSessionDuration outside 1-12 hours.
func (s *Server) AddRole(r Role) Role {
	partition, account, name, err := parseRoleARN(r.ARN)
	if err != nil {
		panic(fmt.Sprintf("ststest: AddRole: %v", err))
	}
	if r.MaxSessionDuration == 0 {
		r.MaxSessionDuration = time.Hour
	}
	if r.MaxSessionDuration < time.Hour || r.MaxSessionDuration > 12*time.Hour {
		panic(fmt.Sprintf("ststest: AddRole %s: MaxSessionDuration %v is outside 1h-12h", r.ARN, r.MaxSessionDuration))
	}
	for _, a := range r.TrustedAccounts {
		if !isAccountID(a) {
			panic(fmt.Sprintf("ststest: AddRole %s: trusted account %q is not 12 digits", r.ARN, a))
		}
	}
	for _, t := range r.WebIdentity {
		if t.Provider == "" {
			panic(fmt.Sprintf("ststest: AddRole %s: a web-identity statement names no provider", r.ARN))
		}
	}
	for _, t := range r.SAML {
		if t.Provider == "" {
			panic(fmt.Sprintf("ststest: AddRole %s: a SAML statement names no provider", r.ARN))
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.roles[r.ARN]; dup {
		panic(fmt.Sprintf("ststest: AddRole: %s already exists", r.ARN))
	}
	if r.ID == "" {
		r.ID = s.uniqueID("AROA", 17)
	}
	stored := r
	stored.TrustedAccounts = slices.Clone(r.TrustedAccounts) // the caller keeps its slices
	stored.WebIdentity = nil
	for _, t := range r.WebIdentity {
		stored.WebIdentity = append(stored.WebIdentity, cloneWebIdentityTrust(t))
	}
	stored.SAML = nil
	for _, t := range r.SAML {
		stored.SAML = append(stored.SAML, SAMLTrust{Provider: t.Provider, Subjects: slices.Clone(t.Subjects)})
	}
	s.roles[r.ARN] = &roleRecord{Role: stored, partition: partition, account: account, name: name,
		federatedOnly: len(r.TrustedAccounts) == 0 && (len(r.WebIdentity) > 0 || len(r.SAML) > 0)}
	return r
}

// SetAccessKeyActive activates or deactivates a long-term access key. An
// inactive key is refused with InvalidClientTokenId.
func (s *Server) SetAccessKeyActive(id string, active bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[id]
	if !ok {
		return fmt.Errorf("ststest: set access key %s active: no such long-term key", id)
	}
	k.active = active
	return nil
}

// DeleteAccessKey deletes a long-term access key. Sessions obtained with it
// stay valid, as they do on AWS.
func (s *Server) DeleteAccessKey(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.keys[id]; !ok {
		return fmt.Errorf("ststest: delete access key %s: no such long-term key", id)
	}
	delete(s.keys, id)
	return nil
}

// trusts reports whether principals of account may assume role.
func trusts(role *roleRecord, account string) bool {
	if len(role.TrustedAccounts) == 0 {
		return !role.federatedOnly
	}
	return slices.Contains(role.TrustedAccounts, account)
}

// uniqueID returns a new id with prefix not used by any key, session, user
// or role. Callers hold s.mu.
func (s *Server) uniqueID(prefix string, n int) string {
	for {
		id := newID(prefix, n)
		if !s.idTaken(id) {
			return id
		}
	}
}

// idTaken reports whether id names a key, session, user or role. Callers
// hold s.mu. Users and roles are few, so a scan is fine.
func (s *Server) idTaken(id string) bool {
	if _, ok := s.keys[id]; ok {
		return true
	}
	if _, ok := s.sessions[id]; ok {
		return true
	}
	for _, u := range s.users {
		if u.id == id {
			return true
		}
	}
	for _, r := range s.roles {
		if r.ID == id {
			return true
		}
	}
	return false
}

// parseRoleARN splits arn:<partition>:iam::<account>:role/[path/]<name>.
func parseRoleARN(arn string) (partition, account, name string, err error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] != "iam" || parts[3] != "" {
		return "", "", "", fmt.Errorf("role ARN %q is not arn:<partition>:iam::<account>:role/<name>", arn)
	}
	if !isAccountID(parts[4]) {
		return "", "", "", fmt.Errorf("role ARN %q: account %q is not 12 digits", arn, parts[4])
	}
	resource, ok := strings.CutPrefix(parts[5], "role/")
	if !ok || resource == "" || strings.HasSuffix(resource, "/") {
		return "", "", "", fmt.Errorf("role ARN %q: resource is not role/<name>", arn)
	}
	name = resource[strings.LastIndex(resource, "/")+1:]
	if len(name) > 64 || !allowedChars(name, "+=,.@-") {
		return "", "", "", fmt.Errorf("role ARN %q: invalid role name %q", arn, name)
	}
	return parts[1], parts[4], name, nil
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// validKeyID reports whether id is prefix followed by 16 uppercase letters
// or digits.
func validKeyID(id, prefix string) bool {
	rest, ok := strings.CutPrefix(id, prefix)
	if !ok || len(rest) != 16 {
		return false
	}
	for _, c := range rest {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// allowedChars reports whether every character of s is a word character
// ([A-Za-z0-9_], as \w in the service's patterns) or one of extra.
func allowedChars(s, extra string) bool {
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_':
		case strings.ContainsRune(extra, c):
		default:
			return false
		}
	}
	return true
}
