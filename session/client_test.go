package session

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stscred/stscred/credproc"
	"github.com/stscred/stscred/ststest"
)

// GetCallerIdentity reports the Date of STS's answer, on success and on
// an error document alike: doctor measures clock skew with it.
func TestServerTime(t *testing.T) {
	const offset = 10 * time.Minute
	srv := ststest.New(ststest.Options{DateOffset: offset})
	url := srv.Start()
	t.Cleanup(srv.Close)
	key := srv.AddUser("111111111111", "alice").AddAccessKey()
	api := NewSDK(Endpoint{URL: url, Region: "eu-west-1"}, 0)
	near := func(what string, got time.Time) {
		t.Helper()
		if d := got.Sub(time.Now()); d < offset-3*time.Second || d > offset+3*time.Second {
			t.Errorf("%s: server time %v is %v from now, want about %v", what, got, d, offset)
		}
	}

	id, err := api.GetCallerIdentity(context.Background(), credproc.Credentials{AccessKeyID: key.ID, SecretAccessKey: key.Secret})
	if err != nil {
		t.Fatal(err)
	}
	if id.ARN != "arn:aws:iam::111111111111:user/alice" {
		t.Errorf("identity %+v", id)
	}
	near("success", id.ServerTime)

	// A new client: the SDK now corrects its clock by the skew it saw,
	// and would sign 10 minutes ahead of the server's true clock.
	api = NewSDK(Endpoint{URL: url, Region: "eu-west-1"}, 0)
	_, err = api.GetCallerIdentity(context.Background(), credproc.Credentials{AccessKeyID: "AKIAUNKNOWNKEY000000", SecretAccessKey: "x"})
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != "InvalidClientTokenId" {
		t.Fatalf("unknown key: %v", err)
	}
	near("error", ae.ServerTime)
}
