package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/pquerna/otp/totp"
	"github.com/stscred/stscred/internal/testkit/demo"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// banner is what the command printed, by field.
type banner map[string]string

// parseBanner reads the "  name   value" lines of the banner.
func parseBanner(text string) banner {
	b := banner{}
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "  ") {
			continue
		}
		for _, name := range []string{"endpoint", "user", "access key id", "secret access key", "mfa serial", "mfa secret"} {
			if rest, ok := strings.CutPrefix(strings.TrimSpace(line), name+"  "); ok {
				b[name] = strings.Fields(rest)[0]
			}
		}
	}
	return b
}

// startRun runs the command in-process and waits for its banner.
func startRun(t *testing.T, args ...string) (banner, *syncBuffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, stdout, stderr) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stdout.String(), "Admin API:") {
		select {
		case err := <-done:
			cancel()
			t.Fatalf("run ended before printing its banner: %v\nstderr: %s", err, stderr)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no banner after 10s; stdout: %s", stdout)
		}
	}
	stop := sync.OnceValue(func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			return errors.New("run did not return 10s after cancellation")
		}
	})
	t.Cleanup(func() { _ = stop() })
	return parseBanner(stdout.String()), stderr, stop
}

func stsClient(url, id, secret, token string) *sts.Client {
	return sts.New(sts.Options{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, token),
		Retryer:      aws.NopRetryer{},
	})
}

// TestDemoCredentialsWork uses only what the banner printed: the key, the
// MFA secret (as oathtool would) and the admin code endpoint.
func TestDemoCredentialsWork(t *testing.T) {
	b, stderr, stop := startRun(t, "--listen", "127.0.0.1:0")
	for _, name := range []string{"endpoint", "access key id", "secret access key", "mfa serial", "mfa secret"} {
		if b[name] == "" {
			t.Fatalf("banner lacks %q: %v", name, b)
		}
	}
	if b["access key id"] != demo.FixedKeyID || b["secret access key"] != demo.FixedSecret || b["mfa serial"] != demo.MFASerial || b["mfa secret"] != demo.FixedMFASecret {
		t.Errorf("banner %v does not show the documented demo values", b)
	}
	url := b["endpoint"]
	alice := stsClient(url, b["access key id"], b["secret access key"], "")
	id, err := alice.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != "arn:aws:iam::111111111111:user/alice" {
		t.Errorf("caller %s", aws.ToString(id.Arn))
	}

	code, err := totp.GenerateCode(b["mfa secret"], time.Now())
	if err != nil {
		t.Fatal(err)
	}
	gst, err := alice.GetSessionToken(t.Context(), &sts.GetSessionTokenInput{SerialNumber: aws.String(b["mfa serial"]), TokenCode: aws.String(code)})
	if err != nil {
		t.Fatalf("GetSessionToken with a code from the printed secret: %v", err)
	}
	session := stsClient(url, aws.ToString(gst.Credentials.AccessKeyId), aws.ToString(gst.Credentials.SecretAccessKey), aws.ToString(gst.Credentials.SessionToken))
	for _, role := range []string{demo.AdminRole, demo.ReadOnlyRole} {
		if _, err := session.AssumeRole(t.Context(), &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("demo")}); err != nil {
			t.Errorf("assume %s: %v", role, err)
		}
	}
	// Admin requires MFA: the long-term key alone is refused.
	if _, err := alice.AssumeRole(t.Context(), &sts.AssumeRoleInput{RoleArn: aws.String(demo.AdminRole), RoleSessionName: aws.String("demo")}); err == nil {
		t.Error("Admin assumed without MFA")
	}

	// The code endpoint the banner advertises.
	resp, err := http.Get(url + "/_ststest/code?serial=" + b["mfa serial"] + "&unused=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(strings.TrimSpace(string(body))) != 6 {
		t.Fatalf("code endpoint: %d %q", resp.StatusCode, body)
	}

	if err := stop(); err != nil {
		t.Fatalf("run after cancellation: %v", err)
	}
	log := stderr.String()
	for _, want := range []string{
		" GetCallerIdentity " + demo.FixedKeyID + " 200 OK\n",
		" GetSessionToken " + demo.FixedKeyID + " 200 OK\n",
		" AssumeRole " + demo.FixedKeyID + " 403 AccessDenied\n",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("request log lacks %q:\n%s", want, log)
		}
	}
}

func TestQuietAndDateOffset(t *testing.T) {
	b, stderr, stop := startRun(t, "--listen", "127.0.0.1:0", "--quiet", "--date-offset", "-10m")
	out, err := stsClient(b["endpoint"], demo.FixedKeyID, demo.FixedSecret, "").GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	serverTime, ok := awsmiddleware.GetServerTime(out.ResultMetadata)
	if d := time.Until(serverTime); !ok || d > -10*time.Minute+3*time.Second || d < -10*time.Minute-3*time.Second {
		t.Errorf("Date header %v off (found %v), want -10m", d, ok)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if stderr.String() != "" {
		t.Errorf("--quiet logged %q", stderr.String())
	}
}

func TestBadArguments(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, args := range [][]string{
		{"--nope"},
		{"extra"},
		{"--date-offset", "ten"},
		{"--listen", busy.Addr().String()},
	} {
		var stdout, stderr bytes.Buffer
		if err := run(t.Context(), args, &stdout, &stderr); err == nil {
			t.Errorf("run %v: no error", args)
		}
		if stdout.Len() != 0 {
			t.Errorf("run %v printed %q on stdout", args, stdout.String())
		}
	}
	var stderr bytes.Buffer
	if err := run(t.Context(), []string{"--help"}, io.Discard, &stderr); !errors.Is(err, flag.ErrHelp) || !strings.Contains(stderr.String(), "-date-offset") {
		t.Errorf("--help: %v %q", err, stderr.String())
	}
}
