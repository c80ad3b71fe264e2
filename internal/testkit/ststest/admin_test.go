package ststest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stscred/stscred/internal/testkit/ststest"
)

// admin calls the admin API and returns the status and body.
func admin(t *testing.T, w *world, method, path string, query url.Values) (int, string) {
	t.Helper()
	u := w.url + "/_ststest/" + path
	if query != nil {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestAdminAPI(t *testing.T) {
	w := newWorld(t)
	if st, body := admin(t, w, "GET", "", nil); st != 200 || !strings.Contains(body, "/_ststest/fail") {
		t.Errorf("index: %d %s", st, body)
	}

	// code: the current code, usable once.
	before := w.clock.Now()
	st, body := admin(t, w, "GET", "code", url.Values{"serial": {w.dev.Serial}})
	code := strings.TrimSpace(body)
	if st != 200 || !strings.HasSuffix(body, "\n") ||
		(code != w.srv.Code(w.dev.Serial, before) && code != w.srv.Code(w.dev.Serial, w.clock.Now())) {
		t.Fatalf("code: %d %q", st, body)
	}
	gst := func(code string) error {
		_, err := w.aliceClient().GetSessionToken(t.Context(), &sts.GetSessionTokenInput{SerialNumber: aws.String(w.dev.Serial), TokenCode: aws.String(code)})
		return err
	}
	if err := gst(code); err != nil {
		t.Fatal(err)
	}
	// unused=1 gives a code that has not been used yet.
	st, body = admin(t, w, "GET", "code", url.Values{"serial": {w.dev.Serial}, "unused": {"1"}})
	next := strings.TrimSpace(body)
	if st != 200 || next == code {
		t.Fatalf("unused code: %d %q (used: %s)", st, body, code)
	}
	if err := gst(next); err != nil {
		t.Fatalf("unused code refused: %v", err)
	}
	if st, body := admin(t, w, "GET", "code", url.Values{"serial": {w.dev.Serial}, "unused": {"1"}}); st != http.StatusConflict {
		t.Errorf("unused code with both steps used: %d %s", st, body)
	}
	if st, _ := admin(t, w, "GET", "code", url.Values{"serial": {"arn:aws:iam::111111111111:mfa/nobody"}}); st != 404 {
		t.Errorf("code of an unknown device: %d", st)
	}
	var accepted []string
	st, body = admin(t, w, "GET", "accepted-codes", url.Values{"serial": {w.dev.Serial}})
	if err := json.Unmarshal([]byte(body), &accepted); err != nil || st != 200 || !slices.Equal(accepted, []string{code, next}) {
		t.Errorf("accepted-codes: %d %s", st, body)
	}

	// fail.
	if st, body := admin(t, w, "POST", "fail", url.Values{"action": {"AssumeRole"}, "code": {"Throttling"}, "count": {"2"}}); st != 200 {
		t.Fatalf("fail: %d %s", st, body)
	}
	for range 2 {
		_, err := assume(t, w.aliceClient(), readOnlyARN, "admin")
		wantAPIError(t, err, "Throttling", 400, "Rate exceeded")
	}
	ar, err := assume(t, w.aliceClient(), readOnlyARN, "admin")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []url.Values{
		{"action": {"AssumeRole"}, "code": {"Nope"}},
		{"action": {"Nope"}, "code": {"Throttling"}},
		{"action": {"AssumeRole"}, "code": {"Throttling"}, "count": {"x"}},
	} {
		if st, _ := admin(t, w, "POST", "fail", bad); st != 400 {
			t.Errorf("fail %v: %d, want 400", bad, st)
		}
	}
	if st, _ := admin(t, w, "GET", "fail", url.Values{"action": {"AssumeRole"}, "code": {"Throttling"}}); st != http.StatusMethodNotAllowed {
		t.Errorf("GET fail: %d, want 405", st)
	}
	if st, _ := admin(t, w, "POST", "fail", url.Values{"action": {"*"}, "code": {"InternalFailure"}}); st != 200 {
		t.Error("fail *")
	}
	if st, _ := admin(t, w, "POST", "clear-faults", nil); st != 200 {
		t.Error("clear-faults")
	}

	// calls.
	var counts struct{ Calls, Successes map[string]int }
	st, body = admin(t, w, "GET", "calls", nil)
	if err := json.Unmarshal([]byte(body), &counts); err != nil || st != 200 ||
		counts.Calls["AssumeRole"] != 3 || counts.Successes["AssumeRole"] != 1 ||
		counts.Calls["GetSessionToken"] != 2 || counts.Successes["GetSessionToken"] != 2 {
		t.Errorf("calls: %d %s", st, body)
	}
	var reqs []ststest.Request
	st, body = admin(t, w, "GET", "requests", nil)
	if err := json.Unmarshal([]byte(body), &reqs); err != nil || len(reqs) != 5 || reqs[2].Code != "Throttling" || reqs[2].AccessKeyID != w.key.ID {
		t.Errorf("requests: %d %s", st, body)
	}
	var sessions []ststest.Session
	st, body = admin(t, w, "GET", "sessions", nil)
	if err := json.Unmarshal([]byte(body), &sessions); err != nil || len(sessions) != 3 || strings.Contains(body, credsOf(t, ar).secret) {
		t.Errorf("sessions: %d %s", st, body)
	}

	// expire.
	rc := credsOf(t, ar)
	if st, _ := admin(t, w, "POST", "expire", url.Values{"key": {rc.id}}); st != 200 {
		t.Fatal("expire")
	}
	_, err = gci(t, w.with(rc))
	wantAPIError(t, err, "ExpiredToken", 400, msgExpiredToken)
	if st, _ := admin(t, w, "POST", "expire", url.Values{"key": {"ASIANOSUCHSESSION000"}}); st != 404 {
		t.Error("expire of an unknown session")
	}

	// delay.
	if st, _ := admin(t, w, "POST", "delay", url.Values{"action": {"*"}, "duration": {"soon"}}); st != 400 {
		t.Error("delay with a bad duration accepted")
	}
	if st, _ := admin(t, w, "POST", "delay", url.Values{"action": {"GetCallerIdentity"}, "duration": {"200ms"}}); st != 200 {
		t.Fatal("delay")
	}
	start := time.Now()
	if _, err := gci(t, w.aliceClient()); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) < 200*time.Millisecond {
		t.Error("delay not applied")
	}

	// reset-counts.
	if st, _ := admin(t, w, "POST", "reset-counts", nil); st != 200 {
		t.Fatal("reset-counts")
	}
	if c := w.srv.Calls(ststest.AnyAction); c != 0 || len(w.srv.Requests()) != 0 || len(w.srv.AcceptedCodes(w.dev.Serial)) != 0 {
		t.Errorf("after reset: %d calls, %d requests, codes %v", c, len(w.srv.Requests()), w.srv.AcceptedCodes(w.dev.Serial))
	}
	// Used codes stay used.
	if err := gst(next); err == nil {
		t.Error("a used code was accepted after reset-counts")
	}
}
