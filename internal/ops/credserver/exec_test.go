package credserver

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/sys/proc"
)

// childVar makes the test binary the child of TestExecServesTheChild
// (see TestMain).
const childVar = "CREDSERVER_TEST_CHILD"

// TestMain lets the test binary be the command exec runs: it asks the
// endpoint in its environment for credentials, as an SDK does, and exits
// 7 when it got the ones the test serves (3 when it got others, 4 when it
// got none).
func TestMain(m *testing.M) {
	if want := os.Getenv(childVar); want != "" {
		os.Exit(askEndpoint(want))
	}
	os.Exit(m.Run())
}

func askEndpoint(wantKey string) int {
	url, token := os.Getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI"), os.Getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN")
	if url == "" || token == "" {
		os.Stderr.WriteString("child: no credentials endpoint in the environment\n")
		return 4
	}
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return 4
	}
	req.Header.Set("Authorization", token)
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		os.Stderr.WriteString("child: " + err.Error() + "\n")
		return 4
	}
	defer resp.Body.Close()
	var body struct{ AccessKeyId string }
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&body); err != nil || resp.StatusCode != 200 {
		os.Stderr.WriteString("child: the endpoint answered " + resp.Status + "\n")
		return 4
	}
	if body.AccessKeyId != wantKey {
		return 3
	}
	return 7
}

// exec serves the command its credentials on the loopback endpoint and
// ends with the command's exit status. On Windows this failed before the
// command started ("file tcp 127.0.0.1:N: Invalid function" under Wine:
// the endpoint's listener was duplicated for the child with
// TCPListener.File).
func TestExecServesTheChild(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	const key = "ASIAEXECCHILDTEST"
	environ := append(os.Environ(), childVar+"="+key)
	var stderr strings.Builder
	x := Exec{
		Profile: "dev",
		Command: []string{exe},
		Environ: environ,
		Getenv:  func(string) string { return "" },
		Fetch: func(context.Context) (creds.Credentials, string, error) {
			return creds.Credentials{AccessKeyID: key, SecretAccessKey: "s", SessionToken: "t", Expiration: time.Now().Add(time.Hour)}, "eu-west-1", nil
		},
		Stderr: &stderr,
		Runner: &proc.Runner{Environ: environ},
	}
	err = x.Run(context.Background())
	var ee proc.ExitError
	if !errors.As(err, &ee) || ee.Code != 7 {
		t.Fatalf("exec = %v (stderr %q), want the command's exit status 7: it got the served credentials", err, stderr.String())
	}
}
