package resolve

import (
	"context"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/aws/awsapi"
)

// GetFederationToken is signed with the long-term key, asks no MFA code,
// and is cached per name, policy and duration.
func TestFederationCached(t *testing.T) {
	r := newRig(t)
	p, err := r.cfg.Resolve("alice")
	if err != nil {
		t.Fatal(err)
	}
	in := awsapi.FederationTokenInput{Name: "alice", Policy: `{"Version":"2012-10-17"}`, Duration: 12 * time.Hour}
	first, err := r.resolver().Federation(context.Background(), p, in)
	if err != nil {
		t.Fatal(err)
	}
	if first.Cached || first.MFA || r.sts.Count("GetFederationToken") != 1 || r.mfa.asked != 0 {
		t.Fatalf("first: %+v, calls %v, mfa asked %d", first, r.sts.Calls, r.mfa.asked)
	}
	if r.sts.Signers[0] != "AKIAALICE00000000000" {
		t.Fatalf("signed by %s, not the long-term key", r.sts.Signers[0])
	}
	r.now = r.now.Add(time.Hour)
	again, err := r.resolver().Federation(context.Background(), p, in)
	if err != nil || !again.Cached || again.Creds != first.Creds || r.sts.Count("GetFederationToken") != 1 {
		t.Fatalf("second: %+v %v, calls %v", again, err, r.sts.Calls)
	}
	// Another duration is other credentials.
	in.Duration = time.Hour
	if other, err := r.resolver().Federation(context.Background(), p, in); err != nil || other.Cached || r.sts.Count("GetFederationToken") != 2 {
		t.Fatalf("other duration: %+v %v", other, err)
	}
	// Close to expiry: fetched anew.
	in.Duration = 12 * time.Hour
	r.now = r.now.Add(10*time.Hour + 50*time.Minute)
	if late, err := r.resolver().Federation(context.Background(), p, in); err != nil || late.Cached || r.sts.Count("GetFederationToken") != 3 {
		t.Fatalf("near expiry: %+v %v", late, err)
	}
}
