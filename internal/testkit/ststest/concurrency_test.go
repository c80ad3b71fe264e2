package ststest_test

import (
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stscred/stscred/internal/testkit/ststest"
)

// TestConcurrentClients has 48 clients run the whole GetSessionToken,
// AssumeRole, GetCallerIdentity flow at once (run with -race).
func TestConcurrentClients(t *testing.T) {
	w := newWorld(t)
	// A small delay keeps many requests in flight together.
	if err := w.srv.Delay(ststest.AnyAction, 10*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	const n = 48
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			key := w.key
			if i%2 == 1 {
				key = w.bobKey
			}
			c := w.client(key.ID, key.Secret, "")
			if _, err := c.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{}); err != nil {
				errs <- err
				return
			}
			gst, err := c.GetSessionToken(t.Context(), &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(900)})
			if err != nil {
				errs <- err
				return
			}
			ar, err := w.with(credsOf(t, gst)).AssumeRole(t.Context(), &sts.AssumeRoleInput{
				RoleArn: aws.String(readOnlyARN), RoleSessionName: aws.String("worker"),
			})
			if err != nil {
				errs <- err
				return
			}
			if _, err := w.with(credsOf(t, ar)).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{}); err != nil {
				errs <- err
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for action, want := range map[string]int{"GetCallerIdentity": 2 * n, "GetSessionToken": n, "AssumeRole": n} {
		if c, s := w.srv.Calls(action), w.srv.Successes(action); c != want || s != want {
			t.Errorf("%s: calls %d successes %d, want %d", action, c, s, want)
		}
	}
	seen := map[string]bool{}
	for _, s := range w.srv.Sessions() {
		if seen[s.AccessKeyID] {
			t.Errorf("access key id %s issued twice", s.AccessKeyID)
		}
		seen[s.AccessKeyID] = true
	}
	if len(seen) != 2*n {
		t.Errorf("%d sessions, want %d", len(seen), 2*n)
	}
}

// TestConcurrentSameCode: 32 clients send the same valid code at the same
// moment; exactly one wins.
func TestConcurrentSameCode(t *testing.T) {
	w := newWorld(t)
	code := w.code()
	const n = 32
	var wg sync.WaitGroup
	results := make(chan error, n)
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := w.aliceClient()
			<-start
			_, err := c.GetSessionToken(t.Context(), &sts.GetSessionTokenInput{
				SerialNumber: aws.String(w.dev.Serial), TokenCode: aws.String(code),
			})
			results <- err
		}()
	}
	close(start)
	wg.Wait()
	close(results)
	ok := 0
	for err := range results {
		if err == nil {
			ok++
			continue
		}
		wantAPIError(t, err, "AccessDenied", 403, msgMFACode)
	}
	if ok != 1 {
		t.Errorf("%d calls succeeded with the same code, want 1", ok)
	}
	if got := w.srv.AcceptedCodes(w.dev.Serial); len(got) != 1 || got[0] != code {
		t.Errorf("accepted codes %v, want [%s]", got, code)
	}
}
