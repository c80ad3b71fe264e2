package doctor_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/ops/doctor"
	"github.com/stscred/stscred/internal/session/cache"
)

// Each cached session or role is a line: time left (by the Setup's
// clock), MFA, under the floor stscred hands out, expired; the key id
// entries are not sessions; a profile's entries latest first.
func TestCacheEntries(t *testing.T) {
	w := newWorld(t, baseConfig)
	w.storeAlice()
	w.cachePut("v1:session:alice", cache.KindSession, "alice", 11*time.Hour+5*time.Minute, true)
	w.cachePut("v1:session:alice-old", cache.KindSession, "alice", -time.Hour, true)
	w.cachePut("v1:role:prod-admin", cache.KindRole, "prod-admin", 10*time.Minute, true)
	w.cachePut("v1:role:prod-admin-2", cache.KindRole, "prod-admin", 42*time.Minute, false)
	w.cachePut(cache.KeyIDKey("alice"), cache.KindKeyID, "alice", 24*time.Hour, false)
	res := w.run("")
	got := of(res, doctor.IDCache, "*")
	wantLines := []struct {
		profile string
		status  doctor.Status
		msg     string
	}{
		{"alice", doctor.Pass, "cached session of alice (MFA): 11h05m left"},
		{"alice", doctor.Info, "cached session of alice (MFA): expired; the next call fetches new ones"},
		{"prod-admin", doctor.Pass, "cached role credentials of prod-admin: 42m left"},
		{"prod-admin", doctor.Info, "cached role credentials of prod-admin (MFA): 10m left, under the 15m stscred hands out; the next call fetches new ones"},
	}
	if len(got) != len(wantLines) {
		t.Fatalf("cache lines:\n%s", dump(got))
	}
	for i, wl := range wantLines {
		if got[i].Profile != wl.profile || got[i].Status != wl.status || got[i].Message != wl.msg {
			t.Errorf("line %d: %s [%s] %q\nwant %s [%s] %q", i, got[i].Status, got[i].Profile, got[i].Message, wl.status, wl.profile, wl.msg)
		}
	}
	if doctor.Failed(res) != 0 {
		t.Errorf("failures:\n%s", dump(res))
	}
}

// The floor is the Setup's MinRemaining.
func TestCacheFloorIsMinRemaining(t *testing.T) {
	w := newWorld(t, baseConfig)
	w.cachePut("v1:role:prod-admin", cache.KindRole, "prod-admin", 40*time.Minute, false)
	s := w.setup()
	s.MinRemaining = time.Hour
	res, _ := doctor.Run(context.Background(), s, "")
	want(t, one(t, res, doctor.IDCache, "prod-admin"), doctor.Info, "40m left, under the 1h00m stscred hands out", "")
}

func TestCacheEmptyAndMissing(t *testing.T) {
	w := newWorld(t, baseConfig)
	want(t, one(t, w.run(""), doctor.IDCache, ""), doctor.Info, "no cached sessions yet (~/.cache/stscred does not exist; the first call creates it)", "")

	// A directory with only key id entries has no sessions.
	w.cachePut(cache.KeyIDKey("alice"), cache.KindKeyID, "alice", time.Hour, false)
	want(t, one(t, w.run(""), doctor.IDCache, ""), doctor.Info, "no cached sessions (the next call fetches them from STS)", "")
}

// The directory must be the user's alone (but not on Windows), and a
// directory.
func TestCacheDirectoryProblems(t *testing.T) {
	w := newWorld(t, baseConfig)
	w.cachePut("v1:role:prod-admin", cache.KindRole, "prod-admin", time.Hour, false)
	if err := os.Chmod(w.cacheDir, 0o755); err != nil {
		t.Fatal(err)
	}
	res := w.run("")
	c := one(t, res, doctor.IDCache, "")
	want(t, c, doctor.Fail, "cache directory ~/.cache/stscred is open to other users (mode 0755)", "chmod 700 ~/.cache/stscred")
	if len(of(res, doctor.IDCache, "prod-admin")) != 0 {
		t.Error("entries listed from a directory open to others")
	}

	w.goos = "windows"
	want(t, one(t, w.run(""), doctor.IDCache, "prod-admin"), doctor.Pass, "cached role credentials of prod-admin: 1h00m left", "")

	w.goos = "linux"
	w.cacheDir = w.write("a-file", "x")
	want(t, one(t, w.run(""), doctor.IDCache, ""), doctor.Fail, "cache directory ~/a-file is not a directory", "remove it")
}

func TestCacheDirUnknown(t *testing.T) {
	w := newWorld(t, baseConfig)
	s := w.setup()
	s.CacheDir = func() (string, error) {
		return "", hint.With(errors.New("cannot tell where the cache is"), "set STSCRED_CACHE_DIR")
	}
	res, _ := doctor.Run(context.Background(), s, "")
	want(t, one(t, res, doctor.IDCache, ""), doctor.Fail, "cannot tell where the cache is", "set STSCRED_CACHE_DIR")
}

func TestCacheCannotOpen(t *testing.T) {
	w := newWorld(t, baseConfig)
	w.cachePut("v1:role:prod-admin", cache.KindRole, "prod-admin", time.Hour, false)
	s := w.setup()
	s.Cache = func() (*cache.Cache, error) {
		return nil, hint.With(errors.New("the cache key cannot be read"), "unlock the keyring")
	}
	res, _ := doctor.Run(context.Background(), s, "")
	want(t, one(t, res, doctor.IDCache, ""), doctor.Fail, "the cache key cannot be read", "unlock the keyring")
}

// The clock check signs GetCallerIdentity with what it has (a cached
// session with time left first, else a stored key) and compares STS's
// Date with the Setup's clock: within a minute passes, past a minute
// warns, past five minutes fails.
func TestClockSkew(t *testing.T) {
	for _, tc := range []struct {
		off    time.Duration // STS's clock minus ours
		status doctor.Status
		msg    string
	}{
		{0, doctor.Pass, "clock: this machine agrees with STS at https://sts.test.example within 1s"},
		{20 * time.Second, doctor.Pass, "clock: this machine agrees with STS at https://sts.test.example within 21s"},
		{-3 * time.Minute, doctor.Warn, "clock: this machine is 3m00s ahead of STS at https://sts.test.example; STS refuses signatures more than 5 minutes off"},
		{3 * time.Minute, doctor.Warn, "clock: this machine is 3m01s behind STS at https://sts.test.example; STS refuses"},
		{7 * time.Minute, doctor.Fail, "clock: this machine is 7m01s behind STS at "},
		{-2 * time.Hour, doctor.Fail, "clock: this machine is 120m00s ahead of STS at "},
	} {
		w := newWorld(t, baseConfig)
		w.storeAlice()
		w.sts.ServerTime = t0.Add(tc.off)
		res := w.run("")
		c := one(t, res, doctor.IDClock, "")
		hintWant := ""
		if tc.status != doctor.Pass {
			hintWant = "timedatectl set-ntp true"
		}
		if c.Status != tc.status || !strings.HasPrefix(c.Message, tc.msg) || !strings.Contains(c.Hint, hintWant) {
			t.Errorf("STS %v off: %s %q (hint %q), want %s %q", tc.off, c.Status, c.Message, c.Hint, tc.status, tc.msg)
		}
		sts := one(t, res, doctor.IDSTS, "alice")
		want(t, sts, doctor.Pass, "STS at https://sts.test.example accepts the access key AKIA…0001 stored for alice ("+aliceARN+")", "")
		if len(w.sts.Creds) != 1 || w.sts.Creds[0].AccessKeyID != aliceKeyID || w.sts.Creds[0].SecretAccessKey != aliceSecret {
			t.Errorf("signed with %+v", w.sts.Creds)
		}
	}
}

// A cached session is preferred to the stored key; one with under two
// minutes left is not used; the endpoint is the signer's profile's (no
// AWS_ENDPOINT_URL_STS overrides it here).
func TestClockSigner(t *testing.T) {
	w := newWorld(t, strings.Replace(baseConfig, "[profile prod-admin]\n", "[profile prod-admin]\nendpoint_url = https://vpce.sts.example\n", 1))
	w.settings = awsapi.Settings{}
	w.storeAlice()
	w.sts.ServerTime = t0
	w.cachePut("v1:role:prod-admin", cache.KindRole, "prod-admin", time.Minute, true)
	res := w.run("")
	want(t, one(t, res, doctor.IDSTS, "alice"), doctor.Pass, "accepts the access key AKIA…0001 stored for alice", "")

	w.cachePut("v1:role:prod-admin-2", cache.KindRole, "prod-admin", time.Hour, true)
	w.sts.Creds = nil
	w.eps = nil
	res = w.run("")
	want(t, one(t, res, doctor.IDSTS, "prod-admin"), doctor.Pass, "STS at https://vpce.sts.example accepts the cached role credentials of prod-admin", "")
	if len(w.sts.Creds) != 1 || w.sts.Creds[0].SessionToken != sessionToken {
		t.Errorf("signed with %+v", w.sts.Creds)
	}
	if len(w.eps) != 1 || w.eps[0].URL != "https://vpce.sts.example" {
		t.Errorf("endpoints %+v", w.eps)
	}

	// A cached session of a user: "the cached session of".
	w2 := newWorld(t, baseConfig)
	w2.sts.ServerTime = t0
	w2.cachePut("v1:session:alice", cache.KindSession, "alice", time.Hour, true)
	want(t, one(t, w2.run(""), doctor.IDSTS, "alice"), doctor.Pass, "accepts the cached session of alice (", "")
}

// STS's answer without a Date: the clock is not checked.
func TestClockNoServerTime(t *testing.T) {
	w := newWorld(t, baseConfig)
	w.storeAlice()
	res := w.run("")
	want(t, one(t, res, doctor.IDClock, ""), doctor.Info, "clock: not checked: no answer from STS to compare with", "")
	want(t, one(t, res, doctor.IDSTS, "alice"), doctor.Pass, "accepts the access key", "")
}

// STS unreachable: the sts line fails with where to look, and the clock
// is not checked.
func TestClockUnreachable(t *testing.T) {
	w := newWorld(t, baseConfig)
	w.storeAlice()
	w.sts.Fail["GetCallerIdentity"] = []error{&awsapi.UnreachableError{Op: "GetCallerIdentity", Endpoint: "https://sts.test.example", Err: errors.New("connection refused"), NotSent: true}}
	res := w.run("")
	sts := one(t, res, doctor.IDSTS, "alice")
	if sts.Status != doctor.Fail || len(sts.Hints) != 2 || !strings.Contains(sts.Hints[0], "check the network connection") || !strings.Contains(sts.Hints[1], "AWS_ENDPOINT_URL_STS") {
		t.Errorf("%+v", sts)
	}
	want(t, one(t, res, doctor.IDClock, ""), doctor.Info, "clock: not checked", "")
}

// STS's refusals, each with the hint that fits the signer and the cause;
// the Date of the error answer still serves the clock check.
func TestSTSRefusals(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cached bool // sign with a cached role instead of the stored key
		code   string
		off    time.Duration
		hint   string
		clock  doctor.Status
	}{
		{"skewed signature", false, "SignatureDoesNotMatch", 10 * time.Minute, "this machine's clock is off (see the clock line)", doctor.Fail},
		{"wrong secret", false, "SignatureDoesNotMatch", 0, "the stored secret is wrong: store the key again: stscred add alice", doctor.Pass},
		{"deleted key", false, "InvalidClientTokenId", 0, "the key was deleted or deactivated in IAM: store a current one: stscred add alice", doctor.Pass},
		{"revoked session", true, "InvalidClientTokenId", 0, "drop the cached sessions and fetch new ones: stscred clear prod-admin", doctor.Pass},
		{"expired session", true, "ExpiredToken", 0, "stscred clear prod-admin", doctor.Pass},
		{"bad session signature", true, "SignatureDoesNotMatch", 0, "stscred clear prod-admin", doctor.Pass},
		{"throttled", false, "Throttling", 2 * time.Minute, "try again shortly; stscred whoami PROFILE", doctor.Warn},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, baseConfig)
			w.storeAlice()
			who := "alice"
			if tc.cached {
				who = "prod-admin"
				w.cachePut("v1:role:prod-admin", cache.KindRole, "prod-admin", time.Hour, true)
			}
			w.sts.Fail["GetCallerIdentity"] = []error{&awsapi.APIError{Op: "GetCallerIdentity", Code: tc.code, Message: "Refused.", Status: 403, Endpoint: "https://sts.test.example", ServerTime: t0.Add(tc.off)}}
			res := w.run("")
			sts := one(t, res, doctor.IDSTS, who)
			want(t, sts, doctor.Fail, "STS at https://sts.test.example refused the ", tc.hint)
			if !strings.HasSuffix(sts.Message, ": "+tc.code+": Refused") {
				t.Errorf("message %q", sts.Message)
			}
			if len(sts.Hints) != 1 {
				t.Errorf("hints %q", sts.Hints)
			}
			if c := one(t, res, doctor.IDClock, ""); c.Status != tc.clock {
				t.Errorf("clock %+v", c)
			}
		})
	}
}

// Without a stored key or a cached session there is nothing to sign
// with, and STS is not called.
func TestClockNothingToSignWith(t *testing.T) {
	w := newWorld(t, baseConfig)
	w.cachePut("v1:role:prod-admin", cache.KindRole, "prod-admin", -time.Minute, true)
	res := w.run("")
	want(t, one(t, res, doctor.IDClock, ""), doctor.Info, "clock: not checked against STS: no cached session or stored key to sign a request with", "stscred add PROFILE")
	if len(of(res, doctor.IDSTS, "*")) != 0 || len(w.sts.Calls) != 0 {
		t.Errorf("STS was asked: %v\n%s", w.sts.Calls, dump(res))
	}
}
