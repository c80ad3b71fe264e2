package ststest

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// Access key statuses, as IAM spells them.
const (
	keyStatusActive   = "Active"
	keyStatusInactive = "Inactive"
)

// maxKeysPerUser is IAM's quota of access keys per user.
const maxKeysPerUser = 2

// AccessKeyInfo describes a long-term access key of a user, without its
// secret (see User.AccessKeys).
type AccessKeyInfo struct {
	ID string `json:"accessKeyId"`
	// Status is "Active" or "Inactive".
	Status string `json:"status"`
	// Created is when the key was made, by the server clock.
	Created time.Time `json:"created"`
}

// AccessKeys lists the user's long-term access keys, oldest first, with
// their status and creation time: those added with AddAccessKey or
// ImportAccessKey and those made by the IAM action CreateAccessKey, until
// deleted.
func (u *User) AccessKeys() []AccessKeyInfo {
	u.srv.mu.Lock()
	defer u.srv.mu.Unlock()
	recs := u.srv.keysOf(u.rec)
	out := make([]AccessKeyInfo, len(recs))
	for i, k := range recs {
		out[i] = AccessKeyInfo{ID: k.key.ID, Status: k.status(), Created: k.created}
	}
	return out
}

// AccessKey returns the long-term access key with this id, secret included,
// whoever made it (e.g. the IAM action CreateAccessKey), so a test can check
// that a key a client stored is the one the server issued and that it
// authenticates. It reports false for an unknown or deleted key.
func (s *Server) AccessKey(id string) (AccessKey, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[id]
	if !ok {
		return AccessKey{}, false
	}
	return k.key, true
}

// RequireMFAForIAM models the common "deny everything without MFA" policy
// (AWS's example statement DenyAllExceptListedIfNoMFA, whose NotAction list
// keeps iam:GetUser allowed): when on, IAM refuses the user's calls that
// carry no MFA context, that is those signed with the user's long-term
// access key, with AccessDenied "... with an explicit deny in an
// identity-based policy". GetUser stays allowed. Calls signed with
// credentials from GetSessionToken with an MFA code pass. STS is not
// affected.
func (u *User) RequireMFAForIAM(on bool) {
	u.srv.mu.Lock()
	defer u.srv.mu.Unlock()
	u.rec.mfaForIAM = on
}

// SetIAMAdmin lets the user call the IAM access-key actions (GetUser,
// ListAccessKeys, CreateAccessKey, UpdateAccessKey, DeleteAccessKey) on any
// user of its account, as a policy granting them on user/* would. By default
// a user may act on itself only.
func (u *User) SetIAMAdmin(on bool) {
	u.srv.mu.Lock()
	defer u.srv.mu.Unlock()
	u.rec.iamAdmin = on
}

func (k *keyRecord) status() string {
	if k.active {
		return keyStatusActive
	}
	return keyStatusInactive
}

// addKey stores a new active long-term key of user, made at created and
// usable from usableAt (the zero time: at once, whatever the clock does).
// Callers hold s.mu.
func (s *Server) addKey(k AccessKey, user *userRecord, created, usableAt time.Time) *keyRecord {
	s.keySeq++
	rec := &keyRecord{key: k, user: user, active: true, seq: s.keySeq, created: created, usableAt: usableAt}
	s.keys[k.ID] = rec
	return rec
}

// keysOf returns the long-term keys of user, oldest first. Callers hold s.mu.
func (s *Server) keysOf(user *userRecord) []*keyRecord {
	var out []*keyRecord
	for _, k := range s.keys {
		if k.user == user {
			out = append(out, k)
		}
	}
	slices.SortFunc(out, func(a, b *keyRecord) int { return a.seq - b.seq })
	return out
}

// userNamed returns the user name of account, or nil. Callers hold s.mu.
func (s *Server) userNamed(account, name string) *userRecord {
	return s.users[(&userRecord{account: account, name: name}).arn()]
}

// usersNamed returns the users called name, in any account, for the admin
// API. Callers hold s.mu.
func (s *Server) usersNamed(name string) []*userRecord {
	var out []*userRecord
	for _, u := range s.users {
		if u.name == name {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(a, b *userRecord) int { return cmp.Compare(a.account, b.account) })
	return out
}

// adminKeys answers the admin API's keys endpoint: the keys of the user
// called name, in account when given (needed when several accounts have a
// user of that name). On failure it returns the HTTP status to send.
func (s *Server) adminKeys(name, account string) ([]AccessKeyInfo, int, error) {
	s.mu.Lock()
	var users []*userRecord
	if account != "" {
		if u := s.userNamed(account, name); u != nil {
			users = append(users, u)
		}
	} else {
		users = s.usersNamed(name)
	}
	s.mu.Unlock()
	switch len(users) {
	case 0:
		return nil, http.StatusNotFound, fmt.Errorf("no user %q", name)
	case 1:
		return (&User{srv: s, rec: users[0]}).AccessKeys(), http.StatusOK, nil
	}
	return nil, http.StatusBadRequest, fmt.Errorf("several accounts have a user %q; add account=", name)
}
