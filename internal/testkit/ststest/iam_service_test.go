package ststest_test

// IAM on the shared listener: dispatch by credential scope, signatures,
// injected faults, delays, counts, the request log and the admin API.

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/stscred/stscred/internal/testkit/ststest"
)

func TestIAMInjectedFaults(t *testing.T) {
	w := newWorld(t)
	creds := awsCreds(w.aliceCreds())
	for _, tc := range []struct {
		code, msg, typ string
		status         int
	}{
		{"AccessDenied", iamDenied(w.alice.ARN(), "ListAccessKeys", "nullalice"), "Sender", 403},
		{"ExpiredToken", msgExpiredToken, "Sender", 400},
		{"InvalidClientTokenId", msgIAMInvalidToken, "Sender", 403},
		{"SignatureDoesNotMatch", msgBadSignature, "Sender", 403},
		{"Throttling", "Rate exceeded", "Sender", 400},
		{"LimitExceeded", msgKeyQuota, "Sender", 409},
		{"NoSuchEntity", "The user with name alice cannot be found.", "Sender", 404},
		{"ServiceFailure", "The request processing has failed because of an unknown error, exception or failure.", "Receiver", 500},
		{"ServiceUnavailable", "The request has failed due to a temporary failure of the server.", "Receiver", 503},
	} {
		t.Run(tc.code, func(t *testing.T) {
			if err := w.srv.Fail("ListAccessKeys", tc.code, 2); err != nil {
				t.Fatal(err)
			}
			_, err := w.listKeyIDs(t, w.aliceCreds(), "")
			wantAPIError(t, err, tc.code, tc.status, tc.msg)
			resp, body := do(t, signedFor(t, w.url, "Action=ListAccessKeys&Version=2010-05-08", "iam", iamRegion, creds, time.Now()))
			if e := parseIAMError(t, body); resp.StatusCode != tc.status || e.Code != tc.code || e.Type != tc.typ || e.Message != tc.msg {
				t.Errorf("raw response %d %+v", resp.StatusCode, e)
			}
			if _, err := w.listKeyIDs(t, w.aliceCreds(), ""); err != nil {
				t.Fatalf("after the injected faults: %v", err)
			}
		})
	}
	if len(ststest.IAMFaultCodes()) != 9 {
		t.Errorf("IAMFaultCodes() = %v: update the table above", ststest.IAMFaultCodes())
	}
	// Messages name what the request names.
	if err := w.srv.Fail("DeleteAccessKey", "NoSuchEntity", 1); err != nil {
		t.Fatal(err)
	}
	_, err := w.iam(w.aliceCreds()).DeleteAccessKey(t.Context(), &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(w.key.ID)})
	wantAPIError(t, err, "NoSuchEntity", 404, "The Access Key with id "+w.key.ID+" cannot be found.")
	if err := w.srv.Fail("CreateAccessKey", "AccessDenied", 1); err != nil {
		t.Fatal(err)
	}
	_, err = w.iam(w.aliceCreds()).CreateAccessKey(t.Context(), &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	wantAPIError(t, err, "AccessDenied", 403, iamDenied(w.alice.ARN(), "CreateAccessKey", "alice"))
	if n := len(w.alice.AccessKeys()); n != 1 {
		t.Errorf("alice has %d keys after refused calls", n)
	}
}

func TestIAMFaultScope(t *testing.T) {
	w := newWorld(t)
	// Codes are checked per service.
	for _, bad := range []struct{ action, code string }{
		{"ListAccessKeys", "InternalFailure"},
		{"ListAccessKeys", "RegionDisabledException"},
		{"GetCallerIdentity", "LimitExceeded"},
		{"GetCallerIdentity", "ServiceFailure"},
		{"ListUsers", "Throttling"},
	} {
		if err := w.srv.Fail(bad.action, bad.code, 1); err == nil {
			t.Errorf("Fail(%s, %s) accepted", bad.action, bad.code)
		}
	}
	// A fault for an IAM action waits for that action: STS calls pass.
	if err := w.srv.Fail("CreateAccessKey", "ServiceFailure", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := w.stsCallerARN(t, w.aliceCreds()); err != nil {
		t.Fatalf("STS call with an IAM fault pending: %v", err)
	}
	if _, err := w.listKeyIDs(t, w.aliceCreds(), ""); err != nil {
		t.Fatalf("other IAM action with a fault pending: %v", err)
	}
	// Even a request naming the action, if it goes to STS, leaves the
	// fault alone: STS does not know the action.
	resp, out := do(t, signedFor(t, w.url, "Action=CreateAccessKey&Version=2010-05-08", "sts", region, awsCreds(w.aliceCreds()), time.Now()))
	if e := parseError(t, out); resp.StatusCode != 400 || e.Code != "InvalidAction" {
		t.Errorf("CreateAccessKey sent to STS with a fault pending: %d %+v", resp.StatusCode, e)
	}
	_, err := w.iam(w.aliceCreds()).CreateAccessKey(t.Context(), &iam.CreateAccessKeyInput{})
	wantAPIError(t, err, "ServiceFailure", 500, "")
	// An AnyAction fault takes codes of both services and goes to the next
	// request of either.
	if err := w.srv.Fail(ststest.AnyAction, "LimitExceeded", 1); err != nil {
		t.Fatal(err)
	}
	if err := w.srv.Fail(ststest.AnyAction, "InternalFailure", 1); err != nil {
		t.Fatal(err)
	}
	_, err = w.stsCallerARN(t, w.aliceCreds())
	wantAPIError(t, err, "LimitExceeded", 409, msgKeyQuota)
	_, err = w.listKeyIDs(t, w.aliceCreds(), "")
	wantAPIError(t, err, "InternalFailure", 500, "")
	// Through the admin API too.
	if st, body := admin(t, w, "POST", "fail", url.Values{"action": {"GetUser"}, "code": {"Throttling"}}); st != 200 {
		t.Fatalf("admin fail: %d %s", st, body)
	}
	_, err = w.iam(w.aliceCreds()).GetUser(t.Context(), &iam.GetUserInput{})
	wantAPIError(t, err, "Throttling", 400, "Rate exceeded")
	if st, _ := admin(t, w, "POST", "fail", url.Values{"action": {"GetUser"}, "code": {"InternalFailure"}}); st != 400 {
		t.Errorf("admin fail with an STS-only code for an IAM action: %d", st)
	}
}

func TestIAMSignatures(t *testing.T) {
	w := newWorld(t)
	body := "Action=ListAccessKeys&Version=2010-05-08"
	good := awsCreds(w.aliceCreds())
	for _, tc := range []struct {
		name, service, region string
		creds                 aws.Credentials
		status                int
		code, msg             string // msg: prefix
	}{
		{"good", "iam", iamRegion, good, 200, "", ""},
		{"wrong secret", "iam", iamRegion, awsCreds(stsCreds{w.key.ID, w.bobKey.Secret, ""}), 403, "SignatureDoesNotMatch", msgBadSignature},
		{"regional scope", "iam", "eu-west-1", good, 403, "SignatureDoesNotMatch", "Credential should be scoped to a valid region."},
		{"unknown key", "iam", iamRegion, awsCreds(stsCreds{"AKIAUNKNOWNKEY000000", w.key.Secret, ""}), 403, "InvalidClientTokenId", msgIAMInvalidToken},
		{"long-term key with a token", "iam", iamRegion, awsCreds(stsCreds{w.key.ID, w.key.Secret, "token"}), 403, "InvalidClientTokenId", msgIAMInvalidToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, out := do(t, signedFor(t, w.url, body, tc.service, tc.region, tc.creds, time.Now()))
			if tc.status == 200 {
				if resp.StatusCode != 200 || !strings.Contains(out, "<ListAccessKeysResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">") {
					t.Fatalf("got %d\n%s", resp.StatusCode, out)
				}
				return
			}
			e := parseIAMError(t, out)
			if resp.StatusCode != tc.status || e.Code != tc.code || !strings.HasPrefix(e.Message, tc.msg) {
				t.Errorf("got %d %s %q, want %d %s %q...", resp.StatusCode, e.Code, e.Message, tc.status, tc.code, tc.msg)
			}
		})
	}
	// The SDK with a regional signing region is refused the same way.
	_, err := w.iam(w.aliceCreds(), func(o *iam.Options) { o.Region = "eu-west-1" }).ListAccessKeys(t.Context(), &iam.ListAccessKeysInput{})
	wantMessagePrefix(t, err, "SignatureDoesNotMatch", "Credential should be scoped to a valid region.")
	// An old signature is refused by IAM as by STS.
	resp, out := do(t, signedFor(t, w.url, body, "iam", iamRegion, good, time.Now().Add(-6*time.Minute)))
	if e := parseIAMError(t, out); resp.StatusCode != 403 || !strings.HasPrefix(e.Message, "Signature expired: ") {
		t.Errorf("old signature: %d %+v", resp.StatusCode, e)
	}
}

// TestIAMDispatch: the credential scope picks the service; an action of the
// other one is unknown there.
func TestIAMDispatch(t *testing.T) {
	w := newWorld(t)
	creds := awsCreds(w.aliceCreds())
	// An STS action signed for IAM: IAM does not know it.
	resp, out := do(t, signedFor(t, w.url, "Action=GetCallerIdentity&Version=2011-06-15", "iam", iamRegion, creds, time.Now()))
	if e := parseIAMError(t, out); resp.StatusCode != 400 || e.Code != "InvalidAction" ||
		e.Message != "Could not find operation GetCallerIdentity for version 2011-06-15" {
		t.Errorf("STS action to IAM: %d %+v", resp.StatusCode, e)
	}
	resp, out = do(t, signedFor(t, w.url, "Action=GetCallerIdentity&Version=2010-05-08", "iam", iamRegion, creds, time.Now()))
	if e := parseIAMError(t, out); resp.StatusCode != 400 || e.Code != "InvalidAction" {
		t.Errorf("STS action with IAM's version to IAM: %d %+v", resp.StatusCode, e)
	}
	// An IAM action signed for STS: STS does not know it.
	resp, out = do(t, signedFor(t, w.url, "Action=ListAccessKeys&Version=2010-05-08", "sts", region, creds, time.Now()))
	if e := parseError(t, out); resp.StatusCode != 400 || e.Code != "InvalidAction" ||
		e.Message != "Could not find operation ListAccessKeys for version 2010-05-08" {
		t.Errorf("IAM action to STS: %d %+v", resp.StatusCode, e)
	}
	// IAM's version is checked.
	resp, out = do(t, signedFor(t, w.url, "Action=ListAccessKeys&Version=2011-06-15", "iam", iamRegion, creds, time.Now()))
	if e := parseIAMError(t, out); resp.StatusCode != 400 || e.Code != "InvalidAction" {
		t.Errorf("IAM action with STS's version: %d %+v", resp.StatusCode, e)
	}
	// IAM ignores Options.Region, which is about STS: it is global.
	w2 := newWorld(t, func(o *ststest.Options) { o.Region = region })
	if _, err := w2.listKeyIDs(t, w2.aliceCreds(), ""); err != nil {
		t.Errorf("IAM on a server limited to %s: %v", region, err)
	}
	if _, err := w2.stsCallerARN(t, w2.aliceCreds()); err != nil {
		t.Errorf("STS on a server limited to %s: %v", region, err)
	}
	reqs := w.srv.Requests()
	want := []string{"iam", "iam", "sts", "iam"}
	var got []string
	for _, r := range reqs {
		got = append(got, r.Service)
	}
	if !slices.Equal(got, want) {
		t.Errorf("logged services %v, want %v", got, want)
	}
}

func TestIAMCountsLogAndDelay(t *testing.T) {
	var mu sync.Mutex
	var seen []ststest.Request
	w := newWorld(t, func(o *ststest.Options) {
		o.OnRequest = func(r ststest.Request) {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, r)
		}
	})
	if _, err := w.listKeyIDs(t, w.aliceCreds(), ""); err != nil {
		t.Fatal(err)
	}
	_, err := w.iam(w.aliceCreds()).GetUser(t.Context(), &iam.GetUserInput{UserName: aws.String("bob")})
	wantAPIError(t, err, "AccessDenied", 403, "")
	if _, err := w.stsCallerARN(t, w.aliceCreds()); err != nil {
		t.Fatal(err)
	}
	if err := w.srv.Delay("CreateAccessKey", 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := w.iam(w.aliceCreds()).CreateAccessKey(t.Context(), &iam.CreateAccessKeyInput{}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("CreateAccessKey answered in %v despite a 300ms delay", d)
	}
	// The delay is CreateAccessKey's alone (delaysArePerAction checks
	// that without a clock); ListAccessKeys still answers.
	if _, err := w.listKeyIDs(t, w.aliceCreds(), ""); err != nil {
		t.Errorf("ListAccessKeys failed: %v", err)
	}

	calls, successes := w.srv.Counts()
	wantCalls := map[string]int{"ListAccessKeys": 2, "GetUser": 1, "GetCallerIdentity": 1, "CreateAccessKey": 1}
	wantSuccesses := map[string]int{"ListAccessKeys": 2, "GetCallerIdentity": 1, "CreateAccessKey": 1}
	for a, n := range wantCalls {
		if calls[a] != n || successes[a] != wantSuccesses[a] {
			t.Errorf("%s: %d calls %d successes, want %d and %d", a, calls[a], successes[a], n, wantSuccesses[a])
		}
	}
	if w.srv.Calls(ststest.AnyAction) != 5 || w.srv.Successes(ststest.AnyAction) != 4 {
		t.Errorf("all: %d calls %d successes", w.srv.Calls(ststest.AnyAction), w.srv.Successes(ststest.AnyAction))
	}
	reqs := w.srv.Requests()
	if len(reqs) != 5 {
		t.Fatalf("requests %+v", reqs)
	}
	r := reqs[1]
	if r.Service != "iam" || r.Action != "GetUser" || r.AccessKeyID != w.key.ID || r.Status != 403 || r.Code != "AccessDenied" ||
		r.Message != iamDenied(w.alice.ARN(), "GetUser", "bob") || r.Time.IsZero() {
		t.Errorf("logged GetUser %+v", r)
	}
	if reqs[0].Service != "iam" || reqs[0].Status != 200 || reqs[2].Service != "sts" || reqs[3].Action != "CreateAccessKey" {
		t.Errorf("requests %+v", reqs)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(seen, reqs) {
		t.Errorf("OnRequest saw %+v\nlog has %+v", seen, reqs)
	}
	// The admin API serves the same.
	_, body := admin(t, w, "GET", "calls", nil)
	var c struct{ Calls, Successes map[string]int }
	decodeJSON(t, body, &c)
	if c.Calls["GetUser"] != 1 || c.Successes["CreateAccessKey"] != 1 {
		t.Errorf("admin calls %s", body)
	}
	_, body = admin(t, w, "GET", "requests", nil)
	if !strings.Contains(body, `"service": "iam"`) || !strings.Contains(body, `"action": "CreateAccessKey"`) {
		t.Errorf("admin requests %s", body)
	}
}

func TestIAMAdminKeys(t *testing.T) {
	w := newWorld(t)
	out, err := w.iam(w.aliceCreds()).CreateAccessKey(t.Context(), &iam.CreateAccessKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.iam(w.aliceCreds()).UpdateAccessKey(t.Context(), &iam.UpdateAccessKeyInput{AccessKeyId: out.AccessKey.AccessKeyId, Status: "Inactive"}); err != nil {
		t.Fatal(err)
	}
	st, body := admin(t, w, "GET", "keys", url.Values{"user": {"alice"}})
	if st != 200 {
		t.Fatalf("keys: %d %s", st, body)
	}
	var keys []ststest.AccessKeyInfo
	decodeJSON(t, body, &keys)
	if len(keys) != 2 || keys[0].ID != w.key.ID || keys[0].Status != "Active" || keys[1].ID != aws.ToString(out.AccessKey.AccessKeyId) ||
		keys[1].Status != "Inactive" || !near(keys[1].Created, w.clock.Now()) {
		t.Errorf("keys %s", body)
	}
	if strings.Contains(body, w.key.Secret) || strings.Contains(body, aws.ToString(out.AccessKey.SecretAccessKey)) || strings.Contains(strings.ToLower(body), "secret") {
		t.Errorf("the keys endpoint shows secrets: %s", body)
	}
	var raw []map[string]any
	if err := json.Unmarshal([]byte(body), &raw); err != nil || len(raw[0]) != 3 {
		t.Errorf("key fields %v %v", raw, err)
	}
	// A user with no key, unknown users, names in several accounts.
	w.srv.AddUser(userAccount, "dave")
	if st, body := admin(t, w, "GET", "keys", url.Values{"user": {"dave"}}); st != 200 || strings.TrimSpace(body) != "[]" {
		t.Errorf("dave: %d %s", st, body)
	}
	if st, _ := admin(t, w, "GET", "keys", url.Values{"user": {"ghost"}}); st != 404 {
		t.Errorf("ghost: %d", st)
	}
	w.srv.AddUser(roleAccount, "alice").AddAccessKey()
	if st, body := admin(t, w, "GET", "keys", url.Values{"user": {"alice"}}); st != 400 || !strings.Contains(body, "account=") {
		t.Errorf("ambiguous alice: %d %s", st, body)
	}
	st, body = admin(t, w, "GET", "keys", url.Values{"user": {"alice"}, "account": {roleAccount}})
	decodeJSON(t, body, &keys)
	if st != 200 || len(keys) != 1 {
		t.Errorf("alice of %s: %d %s", roleAccount, st, body)
	}
	if st, body := admin(t, w, "GET", "", nil); st != 200 || !strings.Contains(body, "/_ststest/keys?user=") {
		t.Errorf("index does not list the keys endpoint: %s", body)
	}
}
