package accesskey

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/keystore"
)

// fixture is alice with one working key, stored.
type fixture struct {
	t        *testing.T
	aws      *fakeAWS
	keys     *store
	clk      *clock
	old      keystore.Key
	progress bytes.Buffer
	onStored []string // OnStored calls
	mfa      bool     // sign IAM calls with an MFA session
	crashAt  string   // stop dead after this step
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	f := &fixture{t: t, aws: newFakeAWS(clk.Now), keys: newStore(), clk: clk}
	f.old = f.aws.addKey()
	if err := keystore.PutKey(f.keys, "alice", f.old); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) rotation() *Rotation {
	r := &Rotation{
		Profile: "alice", IAM: f.aws, STS: f.aws, Keys: f.keys, Where: "the test keystore",
		Now: f.clk.Now, Sleep: f.clk.Sleep, Progress: &f.progress,
		OnStored: func(k keystore.Key) { f.onStored = append(f.onStored, k.AccessKeyID) },
	}
	if f.mfa {
		r.Signer = func(ctx context.Context, k keystore.Key) (creds.Credentials, error) {
			return creds.Credentials{AccessKeyID: sessionID, SecretAccessKey: "session-secret", SessionToken: sessionToken}, nil
		}
	}
	if f.crashAt != "" {
		at := f.crashAt
		r.crash = func(step string) bool { return step == at }
	}
	return r
}

func (f *fixture) run(opts ...func(*Rotation)) (Result, error) {
	f.t.Helper()
	r := f.rotation()
	for _, o := range opts {
		o(r)
	}
	return r.Run(context.Background())
}

func keepOld(r *Rotation) { r.KeepOld = true }

// stored reads alice's key, bypassing injected failures.
func (f *fixture) stored() keystore.Key {
	f.t.Helper()
	k, err := keystore.GetKey(f.keys.Memory, "alice")
	if err != nil {
		f.t.Fatalf("no key stored for alice: %v", err)
	}
	return k
}

func (f *fixture) hasPending() bool {
	_, err := f.keys.Memory.Get(PendingName("alice"))
	return err == nil
}

// check asserts what must hold after any run: the stored key
// authenticates, the reported state is the fake's, and no secret was
// printed. It returns the stored key.
func (f *fixture) check(res Result, err error) keystore.Key {
	f.t.Helper()
	stored := f.stored()
	if !f.aws.works(stored) {
		f.t.Fatalf("the stored key %s does not authenticate; IAM has %v\nerr: %v", stored.AccessKeyID, f.aws.Keys(), err)
	}
	st := res.State
	var text string
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			f.t.Fatalf("the error is not an accesskey.Error with the state: %v", err)
		}
		st = e.State
		text = err.Error()
	} else if st != nil {
		text = st.String()
	}
	if st == nil {
		f.t.Fatalf("no state reported (err %v)", err)
	}
	want := f.aws.Keys()
	if st.ListErr != nil || len(st.Keys) != len(want) {
		f.t.Fatalf("reported keys %v (list error %v), IAM has %v", st.Keys, st.ListErr, want)
	}
	for i, k := range want {
		if st.Keys[i].ID != k.ID || st.Keys[i].Status != k.Status {
			f.t.Fatalf("reported keys %v, IAM has %v", st.Keys, want)
		}
		line := fmt.Sprintf("%s %s, created %s, ", keystore.MaskID(k.ID), k.Status, k.Created.Format(time.RFC3339))
		if k.ID == stored.AccessKeyID {
			line += "stored for alice"
		} else {
			line += "not stored"
		}
		if !strings.Contains(text, line) {
			f.t.Fatalf("the report lacks %q:\n%s", line, text)
		}
	}
	if st.StoredErr != nil || st.Stored != stored.AccessKeyID {
		f.t.Fatalf("reported stored key %s (%v), the keystore holds %s", st.Stored, st.StoredErr, stored.AccessKeyID)
	}
	f.noSecrets(text + f.progress.String() + strings.Join(hint.Of(err), "\n"))
	return stored
}

func (f *fixture) noSecrets(out string) {
	f.t.Helper()
	f.aws.mu.Lock()
	defer f.aws.mu.Unlock()
	for _, k := range f.aws.keys {
		if strings.Contains(out, k.secret) {
			f.t.Fatalf("a secret was printed:\n%s", out)
		}
	}
}

func stepOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Step
	}
	return ""
}

func hintsOf(err error) string { return strings.Join(hint.Of(err), "\n") }

// ids lists the key ids IAM has.
func (f *fixture) ids() []string {
	var out []string
	for _, k := range f.aws.Keys() {
		out = append(out, k.ID+":"+k.Status)
	}
	return out
}

// unchanged asserts a failure left everything as before the run.
func (f *fixture) unchanged() {
	f.t.Helper()
	if got := f.ids(); len(got) != 1 || got[0] != f.old.AccessKeyID+":Active" {
		f.t.Fatalf("IAM changed: %v", got)
	}
	if f.stored().AccessKeyID != f.old.AccessKeyID {
		f.t.Fatal("the stored key changed")
	}
	if f.hasPending() {
		t := f.t
		t.Fatal("a pending entry was left")
	}
}

// rotated asserts a completed rotation: one new active key (or the old
// one inactive with keepOld), stored, no pending entry.
func (f *fixture) rotated(keepOld bool) keystore.Key {
	f.t.Helper()
	k := f.stored()
	if k.AccessKeyID == f.old.AccessKeyID {
		f.t.Fatal("the stored key is still the old one")
	}
	want := []string{k.AccessKeyID + ":Active"}
	if keepOld {
		want = []string{f.old.AccessKeyID + ":Inactive", k.AccessKeyID + ":Active"}
	}
	if got := f.ids(); strings.Join(got, " ") != strings.Join(want, " ") {
		f.t.Fatalf("IAM has %v, want %v", got, want)
	}
	if f.hasPending() {
		f.t.Fatal("the pending entry was left behind")
	}
	if k.UserARN != userARN || !k.Added.Equal(f.clk.Now()) {
		f.t.Fatalf("stored key metadata: %+v", k)
	}
	if len(f.onStored) == 0 || f.onStored[len(f.onStored)-1] != k.AccessKeyID {
		f.t.Fatalf("OnStored was not told of the new key: %v", f.onStored)
	}
	return k
}

func TestRotateHappyPath(t *testing.T) {
	for _, mfa := range []bool{false, true} {
		t.Run(fmt.Sprintf("mfa=%v", mfa), func(t *testing.T) {
			f := newFixture(t)
			f.mfa = mfa
			f.aws.mfaOnly = mfa
			res, err := f.run()
			if err != nil {
				t.Fatal(err)
			}
			f.check(res, nil)
			k := f.rotated(false)
			if res.Old != f.old.AccessKeyID || res.New != k.AccessKeyID || !res.OldDeleted || res.Resumed {
				t.Fatalf("result %+v", res)
			}
			// With the long-term key, the new key signs once stored (the
			// old one is inactive by the time it is deleted); with MFA,
			// the session signs everything.
			wantSigner := k.AccessKeyID
			if mfa {
				wantSigner = sessionID
			}
			if s := f.aws.signers["DeleteAccessKey"]; len(s) != 1 || s[0] != wantSigner {
				t.Fatalf("DeleteAccessKey signed by %v, want %s", s, wantSigner)
			}
		})
	}
}

func TestRotateKeepOld(t *testing.T) {
	f := newFixture(t)
	res, err := f.run(keepOld)
	if err != nil {
		t.Fatal(err)
	}
	f.check(res, nil)
	f.rotated(true)
	if res.OldDeleted || f.aws.calls["DeleteAccessKey"] != 0 {
		t.Fatalf("--keep-old deleted the old key: %+v", res)
	}
}

func TestRotateMFAPolicyWithoutMFASerial(t *testing.T) {
	f := newFixture(t)
	f.aws.mfaOnly = true
	_, err := f.run()
	if stepOf(err) != StepList {
		t.Fatalf("want a failure at list, got %v", err)
	}
	f.unchanged()
	if !strings.Contains(hintsOf(err), "set mfa_serial in [profile alice]") {
		t.Fatalf("hints do not mention mfa_serial: %s", hintsOf(err))
	}
}

func TestRotateDryRun(t *testing.T) {
	f := newFixture(t)
	res, err := f.run(func(r *Rotation) { r.DryRun = true })
	if err != nil {
		t.Fatal(err)
	}
	f.unchanged()
	if len(res.Plan) == 0 || f.aws.calls["CreateAccessKey"] != 0 {
		t.Fatalf("dry run: %+v, calls %v", res, f.aws.calls)
	}
}

func TestRotateNoStoredKey(t *testing.T) {
	f := newFixture(t)
	f.keys.Memory.Delete(keystore.KeyName("alice"))
	_, err := f.run()
	if err == nil || !strings.Contains(hintsOf(err), "stscred add alice") || f.aws.calls["ListAccessKeys"] != 0 {
		t.Fatalf("err %v, hints %s", err, hintsOf(err))
	}
}

// Each step failing in turn.
func TestRotateStepFails(t *testing.T) {
	cases := []struct {
		name  string
		setup func(f *fixture)
		step  string
		// after says what the run left: "unchanged", or "stored" (the new
		// key is stored, the old key in IAM with this status).
		after     string
		oldStatus string
		inHints   string
	}{
		{"ListAccessKeys", func(f *fixture) { f.aws.failNext("ListAccessKeys", apiErr("ListAccessKeys", "ServiceFailure")) },
			StepList, "unchanged", "", ""},
		{"CreateAccessKey", func(f *fixture) { f.aws.failNext("CreateAccessKey", apiErr("CreateAccessKey", "AccessDenied")) },
			StepCreate, "unchanged", "", "iam:CreateAccessKey"},
		{"CreateAccessKey unreachable", func(f *fixture) {
			f.aws.failNext("CreateAccessKey", &awsapi.IAMError{Err: &awsapi.UnreachableError{Op: "CreateAccessKey", Endpoint: "https://iam.amazonaws.com", Err: errors.New("connection refused")}})
		}, StepCreate, "unchanged", "", "AWS_ENDPOINT_URL_IAM"},
		{"verify never succeeds", func(f *fixture) { f.aws.propagation = 1000 },
			StepVerify, "unchanged", "", "run stscred rotate alice again"},
		{"verify fails otherwise", func(f *fixture) {
			f.aws.failNext("GetCallerIdentity", &awsapi.APIError{Op: "GetCallerIdentity", Code: "AccessDenied"})
		},
			StepVerify, "unchanged", "", ""},
		{"pending write", func(f *fixture) {
			f.keys.set(func(name string) (error, bool) {
				if name == PendingName("alice") {
					return errors.New("keyring locked"), false
				}
				return nil, false
			})
		}, StepPending, "unchanged", "", ""},
		{"key write, keystore still holds the old key", func(f *fixture) {
			f.keys.set(func(name string) (error, bool) {
				if name == keystore.KeyName("alice") {
					return errors.New("keyring locked"), false
				}
				return nil, false
			})
		}, StepStore, "unchanged", "", ""},
		{"UpdateAccessKey", func(f *fixture) { f.aws.failNext("UpdateAccessKey", apiErr("UpdateAccessKey", "ServiceFailure")) },
			StepDeactivate, "stored", "Active", "aws iam delete-access-key --access-key-id "},
		{"DeleteAccessKey", func(f *fixture) { f.aws.failNext("DeleteAccessKey", apiErr("DeleteAccessKey", "AccessDenied")) },
			StepDelete, "stored", "Inactive", "aws iam delete-access-key --access-key-id "},
	}
	for _, tc := range cases {
		for _, mfa := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/mfa=%v", tc.name, mfa), func(t *testing.T) {
				f := newFixture(t)
				f.mfa = mfa
				tc.setup(f)
				res, err := f.run()
				if err == nil || stepOf(err) != tc.step {
					t.Fatalf("want a failure at %s, got %v", tc.step, err)
				}
				f.check(res, err)
				if tc.inHints != "" && !strings.Contains(hintsOf(err), tc.inHints) {
					t.Fatalf("hints lack %q:\n%s", tc.inHints, hintsOf(err))
				}
				switch tc.after {
				case "unchanged":
					f.unchanged()
				case "stored":
					k := f.stored()
					if k.AccessKeyID == f.old.AccessKeyID {
						t.Fatal("the new key was not stored")
					}
					want := f.old.AccessKeyID + ":" + tc.oldStatus + " " + k.AccessKeyID + ":Active"
					if got := strings.Join(f.ids(), " "); got != want {
						t.Fatalf("IAM has %s, want %s", got, want)
					}
					if !strings.Contains(hintsOf(err), f.old.AccessKeyID+" --user-name alice") {
						t.Fatalf("hints lack the exact command for the old key:\n%s", hintsOf(err))
					}
					// Running again finishes the job.
					f.t = t
					res, err := f.run()
					if err != nil {
						t.Fatalf("second run: %v", err)
					}
					if !res.Resumed {
						t.Fatalf("the second run did not resume: %+v", res)
					}
					f.check(res, nil)
					f.rotated(false)
					if f.stored().AccessKeyID != k.AccessKeyID {
						t.Fatal("the second run made yet another key")
					}
				}
			})
		}
	}
}

func TestRotateVerifyBound(t *testing.T) {
	f := newFixture(t)
	f.aws.propagation = 1000
	start := f.clk.Now()
	_, err := f.run(func(r *Rotation) { r.VerifyTimeout = 20 * time.Second })
	if stepOf(err) != StepVerify {
		t.Fatalf("want a verify failure, got %v", err)
	}
	waited := f.clk.Now().Sub(start)
	if waited != 20*time.Second {
		t.Fatalf("waited %s, want the bound of 20s", waited)
	}
	// Backoff: 1s, 2s, 4s, 8s, then what is left of the bound.
	if got := fmt.Sprint(f.clk.slept); got != "[1s 2s 4s 8s 5s]" {
		t.Fatalf("slept %s", got)
	}
	if !strings.Contains(err.Error(), "still refused after 6 attempts in 20s") {
		t.Fatalf("error: %v", err)
	}
}

func TestRotatePropagationRetry(t *testing.T) {
	f := newFixture(t)
	f.aws.propagation = 2
	res, err := f.run()
	if err != nil {
		t.Fatal(err)
	}
	f.check(res, nil)
	f.rotated(false)
	if got := fmt.Sprint(f.clk.slept); got != "[1s 2s]" || f.aws.calls["GetCallerIdentity"] != 3 {
		t.Fatalf("slept %s, %d GetCallerIdentity calls", got, f.aws.calls["GetCallerIdentity"])
	}
	if !strings.Contains(f.progress.String(), "waiting for IAM") {
		t.Fatalf("progress does not say it waits: %s", f.progress.String())
	}
}

func TestRotateLimitExceeded(t *testing.T) {
	f := newFixture(t)
	// Someone made a second key between the list and the create.
	var other keystore.Key
	f.aws.after["ListAccessKeys"] = func() {
		f.aws.after["ListAccessKeys"] = nil
		k := f.aws.newKey(0)
		other = keystore.Key{AccessKeyID: k.id}
	}
	res, err := f.run()
	if stepOf(err) != StepFull {
		t.Fatalf("want a full failure, got %v", err)
	}
	f.check(res, err)
	if f.stored().AccessKeyID != f.old.AccessKeyID || len(f.aws.Keys()) != 2 || f.hasPending() {
		t.Fatal("something changed")
	}
	if !strings.Contains(hintsOf(err), "aws iam delete-access-key --access-key-id "+other.AccessKeyID+" --user-name alice") {
		t.Fatalf("hints:\n%s", hintsOf(err))
	}
}

func TestRotateFull(t *testing.T) {
	for _, status := range []string{awsapi.KeyActive, awsapi.KeyInactive} {
		t.Run(status, func(t *testing.T) {
			f := newFixture(t)
			other := f.aws.addKey()
			f.aws.keys[other.AccessKeyID].active = status == awsapi.KeyActive
			res, err := f.run()
			if stepOf(err) != StepFull {
				t.Fatalf("want a full failure, got %v", err)
			}
			f.check(res, err)
			if f.aws.calls["CreateAccessKey"]+f.aws.calls["UpdateAccessKey"]+f.aws.calls["DeleteAccessKey"] != 0 {
				t.Fatalf("IAM was changed: %v", f.aws.calls)
			}
			h := hintsOf(err)
			if !strings.Contains(h, "aws iam delete-access-key --access-key-id "+other.AccessKeyID+" --user-name alice") || strings.Contains(h, f.old.AccessKeyID) {
				t.Fatalf("the hint must name the key that is not stored:\n%s", h)
			}
			if active := strings.Contains(h, "get-access-key-last-used"); active != (status == awsapi.KeyActive) {
				t.Fatalf("last-used hint for a %s key: %s", status, h)
			}
		})
	}
}

// The pending write fails and so does the rollback: the new key exists in
// IAM but nowhere else, and the error says how to delete it.
func TestRotatePendingWriteAndRollbackFail(t *testing.T) {
	f := newFixture(t)
	f.keys.set(func(name string) (error, bool) { return errors.New("keyring locked"), false })
	f.aws.failNext("DeleteAccessKey", apiErr("DeleteAccessKey", "ServiceFailure"))
	res, err := f.run()
	if stepOf(err) != StepPending {
		t.Fatalf("want a pending failure, got %v", err)
	}
	f.check(res, err)
	keys := f.aws.Keys()
	if len(keys) != 2 || f.stored().AccessKeyID != f.old.AccessKeyID {
		t.Fatalf("IAM has %v", keys)
	}
	if !strings.Contains(hintsOf(err), "aws iam delete-access-key --access-key-id "+keys[1].ID+" --user-name alice") {
		t.Fatalf("hints:\n%s", hintsOf(err))
	}
}

// The verify fails and so does the rollback: the pending entry stays, and
// the next run resumes with it.
func TestRotateVerifyAndRollbackFail(t *testing.T) {
	f := newFixture(t)
	f.aws.failNext("GetCallerIdentity", &awsapi.APIError{Op: "GetCallerIdentity", Code: "AccessDenied"})
	f.aws.failNext("DeleteAccessKey", apiErr("DeleteAccessKey", "ServiceFailure"))
	res, err := f.run()
	if stepOf(err) != StepVerify {
		t.Fatalf("want a verify failure, got %v", err)
	}
	f.check(res, err)
	if !f.hasPending() || !strings.Contains(hintsOf(err), "run stscred rotate alice again to resume") {
		t.Fatalf("pending %v, hints:\n%s", f.hasPending(), hintsOf(err))
	}
	res, err = f.run()
	if err != nil || !res.Resumed {
		t.Fatalf("second run: %+v %v", res, err)
	}
	f.check(res, nil)
	f.rotated(false)
	if f.aws.calls["CreateAccessKey"] != 1 {
		t.Fatal("the second run made another key instead of resuming")
	}
}

// The key write fails and the keystore cannot be read either: stscred
// cannot tell which key is stored, so it keeps both active and the
// pending entry; once the keystore is back, a rerun finishes.
func TestRotateStoreUnknown(t *testing.T) {
	f := newFixture(t)
	broken := errors.New("the keyring stopped answering")
	f.keys.set(func(name string) (error, bool) {
		if name == keystore.KeyName("alice") {
			f.keys.get(func(string) error { return broken })
			return broken, false
		}
		return nil, false
	})
	_, err := f.run()
	if stepOf(err) != StepStore {
		t.Fatalf("want a store failure, got %v", err)
	}
	var e *Error
	errors.As(err, &e)
	if !errors.Is(e.State.StoredErr, broken) || !strings.Contains(err.Error(), "could not be read") {
		t.Fatalf("the report must say the stored key is unknown: %v", err)
	}
	if got := f.ids(); len(got) != 2 || !strings.HasSuffix(got[0], ":Active") || !strings.HasSuffix(got[1], ":Active") {
		t.Fatalf("both keys must stay active: %v", got)
	}
	if !f.aws.works(f.stored()) || !f.hasPending() {
		t.Fatal("the stored key must work and the pending entry stay")
	}
	f.keys.set(nil)
	f.keys.get(nil)
	res, err := f.run()
	if err != nil || !res.Resumed {
		t.Fatalf("second run: %+v %v", res, err)
	}
	f.check(res, nil)
	f.rotated(false)
}

// The key write reports an error but happened: the new key is stored, so
// the old one can go.
func TestRotateStoreErrorButWritten(t *testing.T) {
	f := newFixture(t)
	f.keys.set(func(name string) (error, bool) {
		if name == keystore.KeyName("alice") {
			return errors.New("timed out"), true
		}
		return nil, false
	})
	res, err := f.run()
	if err != nil {
		t.Fatal(err)
	}
	f.check(res, nil)
	f.rotated(false)
}

// A killed process: the run stops dead after a step; the next run resumes.
func TestRotateKilled(t *testing.T) {
	for _, step := range []string{"pending", "stored", "deactivated"} {
		for _, mfa := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/mfa=%v", step, mfa), func(t *testing.T) {
				f := newFixture(t)
				f.mfa = mfa
				f.crashAt = step
				if _, err := f.run(); !errors.Is(err, errCrashed) {
					t.Fatalf("the hook did not stop the run: %v", err)
				}
				if !f.hasPending() {
					t.Fatal("no pending entry after the crash")
				}
				if !f.aws.works(f.stored()) {
					t.Fatal("the stored key does not work after the crash")
				}
				f.crashAt = ""
				res, err := f.run()
				if err != nil {
					t.Fatalf("rerun: %v", err)
				}
				if !res.Resumed {
					t.Fatalf("rerun did not resume: %+v", res)
				}
				f.check(res, nil)
				f.rotated(false)
				if f.aws.calls["CreateAccessKey"] != 1 {
					t.Fatalf("the rerun made a second key: %v", f.aws.calls)
				}
			})
		}
	}
}

// Killed after the pending entry was written, then the new key was deleted
// in IAM by hand: the rerun discards the entry and rotates afresh.
func TestRotateKilledPendingGone(t *testing.T) {
	f := newFixture(t)
	f.crashAt = "pending"
	if _, err := f.run(); !errors.Is(err, errCrashed) {
		t.Fatal(err)
	}
	raw, _ := f.keys.Memory.Get(PendingName("alice"))
	var p pending
	if err := json.Unmarshal([]byte(raw), &p); err != nil || p.Replaces != f.old.AccessKeyID {
		t.Fatalf("pending entry: %v %+v", err, p.Replaces)
	}
	delete(f.aws.keys, p.AccessKeyID)
	f.crashAt = ""
	// A rerun that fails to create a key still discards the stale entry.
	f.aws.failNext("CreateAccessKey", apiErr("CreateAccessKey", "AccessDenied"))
	if _, err := f.run(); stepOf(err) != StepCreate {
		t.Fatalf("want a create failure, got %v", err)
	}
	f.unchanged()
	res, err := f.run()
	if err != nil || res.Resumed {
		t.Fatalf("rerun: %+v %v", res, err)
	}
	f.check(res, nil)
	k := f.rotated(false)
	if k.AccessKeyID == p.AccessKeyID || !strings.Contains(f.progress.String(), "discarding the pending key") {
		t.Fatalf("the discarded key was used, or not reported: %s", f.progress.String())
	}
}

// Killed after the pending entry was written, with a full user: the
// pending key is one of the two, so the rerun resumes instead of refusing.
func TestRotateKilledResumesWhenFull(t *testing.T) {
	f := newFixture(t)
	f.crashAt = "pending"
	f.run()
	if len(f.aws.Keys()) != 2 {
		t.Fatal("want two keys after the crash")
	}
	f.crashAt = ""
	res, err := f.run()
	if err != nil || !res.Resumed {
		t.Fatalf("rerun: %+v %v", res, err)
	}
	f.check(res, nil)
	f.rotated(false)
}

// A pending entry left over from a finished rotation is dropped, and the
// run rotates.
func TestRotateLeftoverPending(t *testing.T) {
	f := newFixture(t)
	f.keys.del(func(name string) error {
		if name == PendingName("alice") {
			return errors.New("keyring locked")
		}
		return nil
	})
	res, err := f.run()
	if err != nil {
		t.Fatal(err)
	}
	if !f.hasPending() || !strings.Contains(f.progress.String(), "could not drop the pending-key entry") {
		t.Fatal("want a leftover pending entry and a warning")
	}
	f.keys.del(nil)
	f.old = f.stored()
	f.onStored = nil
	res, err = f.run()
	if err != nil || res.Resumed {
		t.Fatalf("rerun: %+v %v", res, err)
	}
	f.check(res, nil)
	f.rotated(false)
}

func TestUserOf(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:iam::111111111111:user/alice":           "alice",
		"arn:aws:iam::111111111111:user/ops/team/bob":    "bob",
		"arn:aws:sts::111111111111:assumed-role/Admin/x": "",
		"": "",
	} {
		if got := userOf(arn); got != want {
			t.Errorf("userOf(%q) = %q, want %q", arn, got, want)
		}
	}
}

// A rotation whose delete failed, finished with --keep-old: the old key
// stays inactive, and the run reports success without a new rotation.
func TestRotateResumeKeepOld(t *testing.T) {
	f := newFixture(t)
	f.aws.failNext("DeleteAccessKey", apiErr("DeleteAccessKey", "ServiceFailure"))
	if _, err := f.run(); stepOf(err) != StepDelete {
		t.Fatalf("want a delete failure, got %v", err)
	}
	res, err := f.run(keepOld)
	if err != nil || !res.Resumed || res.OldDeleted {
		t.Fatalf("rerun: %+v %v", res, err)
	}
	f.check(res, nil)
	f.rotated(true)
	if f.aws.calls["CreateAccessKey"] != 1 {
		t.Fatal("the rerun started a new rotation")
	}
}
