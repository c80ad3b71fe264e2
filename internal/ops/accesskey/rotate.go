// Package accesskey keeps an IAM user's stored access key: adding it
// (verified with STS first) and removing it (stored.go), and rotating it
// (this file): replacing it without ever losing the only working one.
//
// The procedure, and what it does when a step fails:
//
//  1. Read the stored key and any pending entry (a new key an interrupted
//     rotation left behind), get the credentials that sign IAM calls (the
//     profile's MFA session, or the stored key), and list the user's keys.
//     Nothing has changed yet; a failure changes nothing.
//  2. A pending entry means an interrupted rotation: if IAM no longer has
//     that key, the entry is discarded and a new rotation starts; if the
//     pending key is already the stored one, the old key is retired (step
//     7); else the pending key is verified and promoted (steps 5 to 7).
//  3. Two keys already (IAM's quota) and no interrupted rotation: say
//     which keys exist and which to delete, and change nothing.
//  4. CreateAccessKey, then at once save the new key in the keystore as
//     the pending entry (the secret is shown once). If that save fails,
//     the new key is deleted from IAM again.
//  5. Verify the new key with GetCallerIdentity, retrying while IAM
//     propagates it (bounded). If it never works, it is deleted from IAM
//     and the pending entry dropped; the stored key is unchanged.
//  6. Store the new key as the profile's key. If that fails and the
//     keystore still holds the old key, the new key is deleted from IAM;
//     if the keystore cannot say which it holds, both keys stay active
//     and the pending entry stays, so that a rerun resumes.
//  7. Deactivate the old key, then delete it (KeepOld: leave it inactive),
//     then drop the pending entry. A failure here leaves the new key stored
//     and working; the pending entry stays so that a rerun finishes.
//
// Every failure reports the IAM user's keys as IAM lists them afterwards
// and which of them the keystore holds.
package accesskey

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/sys/sdkhttp"
	"github.com/stscred/stscred/keystore"
)

// DefaultVerifyTimeout bounds the wait for IAM to propagate a new key.
const DefaultVerifyTimeout = 60 * time.Second

// maxKeys is IAM's quota of access keys per user.
const maxKeys = 2

// Verifier checks credentials with STS GetCallerIdentity.
type Verifier interface {
	GetCallerIdentity(ctx context.Context, cr creds.Credentials) (awsapi.Identity, error)
}

// PendingName is the keystore entry holding the new key of an unfinished
// rotation of profile.
func PendingName(profile string) string { return "v1:pending-key:" + profile }

// pending is the pending entry: a keystore.Key (the same JSON) and the id
// of the key it replaces.
type pending struct {
	keystore.Key
	Replaces string `json:"Replaces,omitempty"`
}

// Rotation replaces the access key stored for one profile.
type Rotation struct {
	Profile string
	IAM     awsapi.IAM
	STS     Verifier
	Keys    keystore.Store
	// Where names the keystore in messages, e.g. "the OS keyring
	// (secret-service)"; "the keystore" when empty.
	Where string
	// Signer returns the credentials that sign IAM calls while key is the
	// profile's stored key: its MFA session, or (nil Signer) the key
	// itself. A session keeps working after its key is deactivated;
	// a long-term key does not, so once the new key is stored it signs.
	Signer func(ctx context.Context, key keystore.Key) (creds.Credentials, error)
	// OnStored is told when the profile's stored key is, or turns out to
	// be, the new key: the caller drops sessions of the old one.
	OnStored func(key keystore.Key)

	KeepOld bool // deactivate the old key, do not delete it
	DryRun  bool // list and say what would happen, change nothing
	// VerifyTimeout bounds the wait for the new key to work;
	// DefaultVerifyTimeout when zero.
	VerifyTimeout time.Duration
	Now           func() time.Time
	Sleep         func(ctx context.Context, d time.Duration) error
	// Progress receives what is being done (stderr).
	Progress io.Writer

	// crash, in tests, stops the run dead after a step, as a killed
	// process would: no rollback, no report.
	crash func(step string) bool

	signer   creds.Credentials
	longTerm bool   // signer is a long-term key
	user     string // the IAM user's name, for commands in hints
}

// Result is what a run did.
type Result struct {
	Old, New string // access key ids; New is empty in a dry run
	// Resumed is set when the run finished an interrupted rotation.
	Resumed bool
	// OldDeleted is set when the old key was deleted (else it is inactive).
	OldDeleted bool
	// Plan says what a dry run would do.
	Plan []string
	// State is IAM's list of keys at the end, when it could be read.
	State *State
}

// Steps, as named in Error.Step.
const (
	StepRead       = "read"       // reading the stored key or signing credentials
	StepList       = "list"       // ListAccessKeys
	StepFull       = "full"       // two keys already
	StepCreate     = "create"     // CreateAccessKey
	StepPending    = "pending"    // saving the new key as pending
	StepVerify     = "verify"     // GetCallerIdentity with the new key
	StepStore      = "store"      // storing the new key as the profile's
	StepDeactivate = "deactivate" // UpdateAccessKey Inactive on the old key
	StepDelete     = "delete"     // DeleteAccessKey on the old key
)

// errCrashed is what a run stopped by the crash hook returns.
var errCrashed = errors.New("crashed (test hook)")

func (r *Rotation) defaults() {
	if r.VerifyTimeout <= 0 {
		r.VerifyTimeout = DefaultVerifyTimeout
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.Sleep == nil {
		r.Sleep = sdkhttp.Sleep
	}
	if r.Progress == nil {
		r.Progress = io.Discard
	}
	if r.Where == "" {
		r.Where = "the keystore"
	}
}

// Run rotates the key. On failure the error is an *Error (with hints)
// that says what IAM and the keystore hold afterwards.
func (r *Rotation) Run(ctx context.Context) (Result, error) {
	r.defaults()
	old, err := keystore.GetKey(r.Keys, r.Profile)
	if errors.Is(err, keystore.ErrNotFound) {
		return Result{}, hint.With(fmt.Errorf("no access key is stored for profile %s, so there is none to rotate", r.Profile),
			"store the IAM user's key first: stscred add "+r.Profile)
	}
	if err != nil {
		return Result{}, fmt.Errorf("reading the stored key of %s, nothing was changed: %w", r.Profile, err)
	}
	res := Result{Old: old.AccessKeyID}
	pend, hasPending, err := r.readPending()
	if err != nil {
		return res, fmt.Errorf("nothing was changed: %w", err)
	}
	r.user = userOf(old.UserARN)
	if hasPending && pend.AccessKeyID == old.AccessKeyID && r.OnStored != nil && !r.DryRun {
		// Killed after storing the new key: make sure the caller has
		// dropped the old key's sessions before any are fetched.
		r.OnStored(old)
	}
	if r.Signer != nil {
		r.signer, err = r.Signer(ctx, old)
		if err != nil {
			return res, fmt.Errorf("getting credentials to sign IAM calls, nothing was changed: %w", err)
		}
	} else {
		r.signer = credsOf(old)
	}
	r.longTerm = r.signer.SessionToken == ""

	keys, err := r.IAM.ListAccessKeys(ctx, r.signer)
	if err != nil {
		return res, r.fail(ctx, StepList, fmt.Errorf("could not list the IAM user's access keys, nothing was changed: %w", err),
			r.causeHints(err)...)
	}
	r.learnUser(keys)
	if find(keys, old.AccessKeyID) == nil {
		return res, r.fail(ctx, StepList, fmt.Errorf("IAM does not list the key %s stored for %s among the user's keys, nothing was changed", keystore.MaskID(old.AccessKeyID), r.Profile),
			"store a current key of this IAM user: stscred add "+r.Profile)
	}

	if hasPending {
		switch p := find(keys, pend.AccessKeyID); {
		case pend.AccessKeyID == old.AccessKeyID:
			// Killed after the new key was stored: retire the old one.
			if k := find(keys, pend.Replaces); k != nil {
				res.Resumed = true
				res.New, res.Old = old.AccessKeyID, k.ID
				if r.DryRun {
					res.Plan = append(res.Plan, fmt.Sprintf("finish the interrupted rotation: %s is stored; %s the old key %s", keystore.MaskID(old.AccessKeyID), r.retireVerb(), keystore.MaskID(k.ID)))
					return res, nil
				}
				r.progressf("finishing an interrupted rotation: %s is stored, retiring the old key %s", keystore.MaskID(old.AccessKeyID), keystore.MaskID(k.ID))
				return r.retire(ctx, res, *k)
			}
			// The old key is gone: a leftover of a finished rotation.
			if !r.DryRun {
				r.dropPending()
			}
		case p == nil:
			if r.DryRun {
				res.Plan = append(res.Plan, fmt.Sprintf("discard the pending key %s of an interrupted rotation (IAM no longer has it)", keystore.MaskID(pend.AccessKeyID)))
				break
			}
			r.progressf("discarding the pending key %s of an interrupted rotation: IAM no longer has it", keystore.MaskID(pend.AccessKeyID))
			if err := r.Keys.Delete(PendingName(r.Profile)); err != nil && !errors.Is(err, keystore.ErrNotFound) {
				return res, fmt.Errorf("could not discard the pending key of an interrupted rotation, nothing else was changed: %w", err)
			}
		default:
			// Killed between CreateAccessKey and storing the new key.
			res.Resumed = true
			if r.DryRun {
				res.Plan = append(res.Plan,
					fmt.Sprintf("resume the interrupted rotation: verify the pending key %s and store it for %s", keystore.MaskID(p.ID), r.Profile),
					fmt.Sprintf("%s the old key %s", r.retireVerb(), keystore.MaskID(old.AccessKeyID)))
				return res, nil
			}
			r.progressf("resuming an interrupted rotation: the new key %s was made but not stored yet", keystore.MaskID(p.ID))
			return r.finish(ctx, res, old, pend.Key, *find(keys, old.AccessKeyID))
		}
	}

	if len(keys) >= maxKeys {
		return res, r.full(keys, old.AccessKeyID, "")
	}
	if r.DryRun {
		res.Plan = append(res.Plan,
			"create a new access key in IAM and check it with STS",
			fmt.Sprintf("store it for %s in %s in place of %s", r.Profile, r.Where, keystore.MaskID(old.AccessKeyID)),
			fmt.Sprintf("%s the old key %s", r.retireVerb(), keystore.MaskID(old.AccessKeyID)))
		return res, nil
	}

	r.progressf("creating a new access key in IAM")
	created, err := r.IAM.CreateAccessKey(ctx, r.signer)
	if err != nil {
		if awsapi.Code(err) == "LimitExceeded" {
			// Another key was made since the list?
			if now, lerr := r.IAM.ListAccessKeys(ctx, r.signer); lerr == nil && len(now) >= maxKeys {
				return res, r.full(now, old.AccessKeyID, "IAM refused a new key: ")
			}
		}
		return res, r.fail(ctx, StepCreate, fmt.Errorf("IAM did not create a new access key, nothing was changed: %w", err), r.causeHints(err)...)
	}
	if created.UserName != "" {
		r.user = created.UserName
	}
	res.New = created.ID
	nk := keystore.Key{AccessKeyID: created.ID, SecretAccessKey: created.Secret, Added: r.Now().UTC(), UserARN: old.UserARN}
	// The secret exists nowhere else: keep it before anything else.
	if err := r.writePending(nk, old.AccessKeyID); err != nil {
		return res, r.rollback(ctx, StepPending, fmt.Errorf("could not keep the new key %s in %s: %w", keystore.MaskID(nk.AccessKeyID), r.Where, err), nk.AccessKeyID, false,
			"make "+r.Where+" writable")
	}
	if r.crashed("pending") {
		return res, errCrashed
	}
	return r.finish(ctx, res, old, nk, *find(keys, old.AccessKeyID))
}

// finish verifies the new key (saved as pending), stores it, and retires
// the old one.
func (r *Rotation) finish(ctx context.Context, res Result, old, nk keystore.Key, oldInfo awsapi.AccessKeyInfo) (Result, error) {
	res.New = nk.AccessKeyID
	ident, err := r.verify(ctx, nk)
	if err != nil {
		hints := r.explain(err)
		if awsapi.Code(err) == "InvalidClientTokenId" {
			hints = []string{"IAM had not made the new key usable in time; wait a little, or allow longer (--verify-timeout)"}
		}
		return res, r.rollback(ctx, StepVerify, fmt.Errorf("STS did not accept the new key %s: %w", keystore.MaskID(nk.AccessKeyID), err), nk.AccessKeyID, true, hints...)
	}
	if ident.ARN != "" {
		nk.UserARN = ident.ARN
		if u := userOf(ident.ARN); u != "" {
			r.user = u
		}
	}
	nk.Added = r.Now().UTC()
	if err := keystore.PutKey(r.Keys, r.Profile, nk); err != nil {
		// Did the write happen after all? Only the answer decides which
		// key may go.
		stored, rerr := keystore.GetKey(r.Keys, r.Profile)
		switch {
		case rerr == nil && stored.AccessKeyID == nk.AccessKeyID:
			// Stored despite the error.
		case rerr == nil && stored.AccessKeyID == old.AccessKeyID:
			return res, r.rollback(ctx, StepStore, fmt.Errorf("could not store the new key %s for %s in %s: %w", keystore.MaskID(nk.AccessKeyID), r.Profile, r.Where, err), nk.AccessKeyID, true,
				"make "+r.Where+" writable")
		default:
			return res, r.fail(ctx, StepStore,
				fmt.Errorf("could not store the new key %s for %s in %s (%w), and cannot tell which key it now holds; both keys were left active", keystore.MaskID(nk.AccessKeyID), r.Profile, r.Where, err),
				"both keys work, and the new one is also kept as a pending entry: when "+r.Where+" works again, run stscred rotate "+r.Profile+" to finish")
		}
	}
	if r.crashed("stored") {
		return res, errCrashed
	}
	r.progressf("stored the new key %s for %s in %s", keystore.MaskID(nk.AccessKeyID), r.Profile, r.Where)
	if r.OnStored != nil {
		r.OnStored(nk)
	}
	if r.longTerm {
		// The old key cannot sign once it is inactive.
		r.signer = credsOf(nk)
	}
	return r.retire(ctx, res, oldInfo)
}

// retire deactivates the old key, deletes it unless KeepOld, and drops the
// pending entry. The new key is stored and works.
func (r *Rotation) retire(ctx context.Context, res Result, old awsapi.AccessKeyInfo) (Result, error) {
	id := keystore.MaskID(old.ID)
	if old.Status != awsapi.KeyInactive {
		r.progressf("deactivating the old key %s", id)
		err := r.iamCall(ctx, func() error { return r.IAM.UpdateAccessKey(ctx, r.signer, old.ID, awsapi.KeyInactive) })
		if err != nil {
			return res, r.fail(ctx, StepDeactivate,
				fmt.Errorf("the new key %s is stored and works, but deactivating the old key %s failed: %w", keystore.MaskID(res.New), id, err),
				append(r.explain(err), r.finishHints(old.ID)...)...)
		}
		if r.crashed("deactivated") {
			return res, errCrashed
		}
	}
	if !r.KeepOld {
		r.progressf("deleting the old key %s", id)
		err := r.iamCall(ctx, func() error { return r.IAM.DeleteAccessKey(ctx, r.signer, old.ID) })
		if err != nil {
			return res, r.fail(ctx, StepDelete,
				fmt.Errorf("the new key %s is stored and works, and the old key %s is inactive, but deleting it failed: %w", keystore.MaskID(res.New), id, err),
				append(r.explain(err), r.finishHints(old.ID)...)...)
		}
		res.OldDeleted = true
	}
	r.dropPending()
	res.State = r.state(ctx)
	return res, nil
}

// rollback deletes the new key from IAM after a failure before it was
// stored, and drops the pending entry (when written).
func (r *Rotation) rollback(ctx context.Context, step string, cause error, newID string, pendingWritten bool, hints ...string) error {
	r.progressf("rolling back: deleting the new key %s from IAM", keystore.MaskID(newID))
	if err := r.IAM.DeleteAccessKey(ctx, r.signer, newID); err != nil {
		cause = fmt.Errorf("%w; deleting the new key %s again failed too: %v", cause, keystore.MaskID(newID), err)
		if pendingWritten {
			return r.fail(ctx, step, cause,
				"the stored key still works; the new key is kept in "+r.Where+" as a pending entry",
				"run stscred rotate "+r.Profile+" again to resume: it verifies the new key and stores it",
				"or delete the new key: "+deleteCommand(newID, r.user))
		}
		return r.fail(ctx, step, cause,
			"the stored key still works; the new key could not be kept anywhere, so it is of no use: delete it: "+deleteCommand(newID, r.user))
	}
	if pendingWritten {
		if err := r.Keys.Delete(PendingName(r.Profile)); err != nil && !errors.Is(err, keystore.ErrNotFound) {
			r.progressf("warning: could not drop the pending entry of the deleted key (%v); the next stscred rotate discards it", err)
		}
	}
	hints = append(hints, "then run stscred rotate "+r.Profile+" again")
	return r.fail(ctx, step, fmt.Errorf("%w; the new key was deleted again and the stored key is unchanged", cause), hints...)
}

// verify checks the new key with STS, retrying while IAM has not
// propagated it yet (InvalidClientTokenId), with backoff, up to
// VerifyTimeout.
func (r *Rotation) verify(ctx context.Context, k keystore.Key) (awsapi.Identity, error) {
	r.progressf("checking the new key %s with STS", keystore.MaskID(k.AccessKeyID))
	var ident awsapi.Identity
	err := r.untilPropagated(ctx, "waiting for IAM to make the new key usable", func() (err error) {
		ident, err = r.STS.GetCallerIdentity(ctx, credsOf(k))
		return err
	})
	return ident, err
}

// iamCall runs an IAM call; signed by the new key, it is retried while IAM
// has not propagated that key.
func (r *Rotation) iamCall(ctx context.Context, call func() error) error {
	if !r.longTerm {
		return call()
	}
	return r.untilPropagated(ctx, "waiting for IAM to accept the new key as signer", call)
}

// untilPropagated runs call until it succeeds, fails for another reason
// than an unknown key, or VerifyTimeout has passed.
func (r *Rotation) untilPropagated(ctx context.Context, waiting string, call func() error) error {
	deadline := r.Now().Add(r.VerifyTimeout)
	delay := time.Second
	for attempt := 1; ; attempt++ {
		err := call()
		if err == nil || awsapi.Code(err) != "InvalidClientTokenId" {
			return err
		}
		left := deadline.Sub(r.Now())
		if left <= 0 {
			return fmt.Errorf("%w (still refused after %d attempts in %s)", err, attempt, seconds(r.VerifyTimeout))
		}
		if attempt == 1 {
			r.progressf("%s (up to %s)", waiting, seconds(r.VerifyTimeout))
		}
		if err := r.Sleep(ctx, min(delay, left)); err != nil {
			return err
		}
		delay = min(2*delay, 8*time.Second)
	}
}

// full explains that the user has the most keys IAM allows.
func (r *Rotation) full(keys []awsapi.AccessKeyInfo, storedID, prefix string) error {
	var other *awsapi.AccessKeyInfo
	for i := range keys {
		if keys[i].ID != storedID {
			other = &keys[i]
			break
		}
	}
	st := &State{User: r.user, Keys: keys, Stored: storedID, Profile: r.Profile, Where: r.Where}
	e := &Error{Profile: r.Profile, Step: StepFull, State: st, Err: fmt.Errorf("%sthe IAM user %s already has %d access keys, the most IAM allows; nothing was changed", prefix, r.userOr("of "+r.Profile), len(keys))}
	var hints []string
	if other != nil {
		if other.Status == awsapi.KeyActive {
			hints = append(hints, fmt.Sprintf("%s is active: make sure nothing uses it any more (aws iam get-access-key-last-used --access-key-id %s)", keystore.MaskID(other.ID), other.ID))
		}
		hints = append(hints, fmt.Sprintf("delete the key that is not stored (%s), then run stscred rotate %s again: %s", keystore.MaskID(other.ID), r.Profile, deleteCommand(other.ID, r.user)))
	}
	return hint.With(e, hints...)
}

// finishHints say how to finish retiring the old key.
func (r *Rotation) finishHints(oldID string) []string {
	verb := "delete"
	if r.KeepOld {
		verb = "deactivate"
	}
	h := []string{"to finish, run stscred rotate " + r.Profile + " again (it " + verb + "s the old key " + keystore.MaskID(oldID) + ")"}
	if r.KeepOld {
		return append(h, fmt.Sprintf("or: aws iam update-access-key --access-key-id %s --status Inactive%s", oldID, userFlag(r.user)))
	}
	return append(h, "or: "+deleteCommand(oldID, r.user))
}

// causeHints are hints about an IAM or STS failure that changed nothing,
// ending with what to do then.
func (r *Rotation) causeHints(err error) []string {
	return append(r.explain(err), "then run stscred rotate "+r.Profile+" again")
}

// explain gives the hints specific to an IAM or STS failure.
func (r *Rotation) explain(err error) []string {
	var ue *awsapi.UnreachableError
	if errors.As(err, &ue) {
		return []string{"check the network connection; IAM's endpoint comes from AWS_ENDPOINT_URL_IAM or AWS_ENDPOINT_URL when set, else it is IAM's global endpoint"}
	}
	var ae *awsapi.APIError
	if errors.As(err, &ae) && (ae.Status >= 500 || strings.Contains(ae.Code, "Throttl") || ae.Code == "ServiceFailure" || ae.Code == "ServiceUnavailable") {
		if !awsapi.Retried(err) {
			if ae.Op == "CreateAccessKey" {
				return []string{"IAM failed or throttled the call, which is never retried (a retry after a lost answer could make a second key); wait a little"}
			}
			return []string{"AWS failed or throttled the call, which carried an MFA code and so was not retried; wait a little"}
		}
		return []string{"AWS failed or throttled the call even after retries; wait a little"}
	}
	switch awsapi.Code(err) {
	case "LimitExceeded":
		return []string{"IAM allows two access keys per user: delete the one that is not stored (aws iam list-access-keys" + userFlag(r.user) + ")"}
	case "AccessDenied":
		if r.longTerm {
			return []string{
				"if the IAM user's policies require MFA for IAM calls, set mfa_serial in [profile " + r.Profile + "]: stscred then signs them with an MFA session",
				"the IAM user needs iam:ListAccessKeys, iam:CreateAccessKey, iam:UpdateAccessKey and iam:DeleteAccessKey on itself",
			}
		}
		return []string{"the IAM user needs iam:ListAccessKeys, iam:CreateAccessKey, iam:UpdateAccessKey and iam:DeleteAccessKey on itself"}
	case "InvalidClientTokenId", "ExpiredToken":
		if !r.longTerm {
			return []string{"the MFA session that signs IAM calls was refused: drop it and try again: stscred clear " + r.Profile}
		}
	}
	return nil
}

// fail builds the Error of a failed step, with IAM's state read afresh.
func (r *Rotation) fail(ctx context.Context, step string, err error, hints ...string) error {
	return hint.With(&Error{Profile: r.Profile, Step: step, Err: err, State: r.state(ctx)}, hints...)
}

// state reads what IAM lists and which key the keystore holds.
func (r *Rotation) state(ctx context.Context) *State {
	st := &State{User: r.user, Profile: r.Profile, Where: r.Where}
	st.Keys, st.ListErr = r.IAM.ListAccessKeys(ctx, r.signer)
	if st.ListErr == nil {
		r.learnUser(st.Keys)
		st.User = r.user
	}
	k, err := keystore.GetKey(r.Keys, r.Profile)
	if err != nil {
		st.StoredErr = err
	} else {
		st.Stored = k.AccessKeyID
	}
	return st
}

func (r *Rotation) readPending() (pending, bool, error) {
	raw, err := r.Keys.Get(PendingName(r.Profile))
	if errors.Is(err, keystore.ErrNotFound) {
		return pending{}, false, nil
	}
	if err != nil {
		return pending{}, false, fmt.Errorf("reading the pending key of %s: %w", r.Profile, err)
	}
	var p pending
	if json.Unmarshal([]byte(raw), &p) != nil || p.AccessKeyID == "" || p.SecretAccessKey == "" {
		// Never include raw: it holds a secret.
		return pending{}, false, hint.With(fmt.Errorf("the pending-key entry of %s in %s is damaged", r.Profile, r.Where),
			"check in the IAM console which keys the user has, then delete the entry "+PendingName(r.Profile))
	}
	return p, true, nil
}

func (r *Rotation) writePending(k keystore.Key, replaces string) error {
	b, err := json.Marshal(pending{Key: k, Replaces: replaces})
	if err != nil {
		return err
	}
	return r.Keys.Set(PendingName(r.Profile), string(b))
}

// dropPending deletes the pending entry, warning when it cannot: a leftover
// entry for the stored key is harmless and dropped by the next rotation.
func (r *Rotation) dropPending() {
	if err := r.Keys.Delete(PendingName(r.Profile)); err != nil && !errors.Is(err, keystore.ErrNotFound) {
		r.progressf("warning: could not drop the pending-key entry (%v); the next stscred rotate drops it", err)
	}
}

func (r *Rotation) retireVerb() string {
	if r.KeepOld {
		return "deactivate (and keep)"
	}
	return "deactivate and delete"
}

func (r *Rotation) learnUser(keys []awsapi.AccessKeyInfo) {
	for _, k := range keys {
		if k.UserName != "" {
			r.user = k.UserName
			return
		}
	}
}

func (r *Rotation) userOr(alt string) string {
	if r.user != "" {
		return r.user
	}
	return alt
}

func (r *Rotation) progressf(format string, args ...any) {
	fmt.Fprintf(r.Progress, "stscred: "+format+"\n", args...)
}

func (r *Rotation) crashed(step string) bool { return r.crash != nil && r.crash(step) }

// seconds formats d as 90s rather than 1m30s.
func seconds(d time.Duration) string { return fmt.Sprintf("%gs", d.Round(time.Second).Seconds()) }

func credsOf(k keystore.Key) creds.Credentials {
	return creds.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey}
}

func find(keys []awsapi.AccessKeyInfo, id string) *awsapi.AccessKeyInfo {
	for i := range keys {
		if keys[i].ID == id {
			return &keys[i]
		}
	}
	return nil
}

// userOf is the user name in an IAM user ARN
// (arn:aws:iam::111111111111:user/path/alice), or "".
func userOf(arn string) string {
	_, rest, ok := strings.Cut(arn, ":user/")
	if !ok {
		return ""
	}
	return rest[strings.LastIndex(rest, "/")+1:]
}

func userFlag(user string) string {
	if user == "" {
		return ""
	}
	return " --user-name " + user
}

func deleteCommand(id, user string) string {
	return "aws iam delete-access-key --access-key-id " + id + userFlag(user)
}
