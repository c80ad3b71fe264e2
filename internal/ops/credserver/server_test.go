package credserver

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/creds"
)

func TestServesWithTokenOnly(t *testing.T) {
	var calls atomic.Int32
	exp := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	s, err := Start(func(context.Context) (creds.Credentials, error) {
		calls.Add(1)
		return creds.Credentials{AccessKeyID: "ASIAX", SecretAccessKey: "s", SessionToken: "t", Expiration: exp}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") || len(s.Token()) < 40 {
		t.Fatalf("url %s token %q", s.URL(), s.Token())
	}
	for _, tc := range []struct {
		token  string
		status int
	}{{"", 403}, {"wrong", 403}, {s.Token() + "x", 403}, {s.Token(), 200}} {
		req, _ := http.NewRequest("GET", s.URL(), nil)
		if tc.token != "" {
			req.Header.Set("Authorization", tc.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]string
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Fatalf("token %q: status %d", tc.token, resp.StatusCode)
		}
		if tc.status == 200 && (body["AccessKeyId"] != "ASIAX" || body["Token"] != "t" || body["Expiration"] != "2026-11-24T12:00:00Z") {
			t.Fatalf("body %v", body)
		}
		if tc.status == 403 && body["AccessKeyId"] != "" {
			t.Fatal("credentials leaked to an unauthorized request")
		}
	}
	if calls.Load() != 1 {
		t.Fatalf("source called %d times: unauthorized requests must not fetch", calls.Load())
	}
}

func TestSourceErrorIs500(t *testing.T) {
	s, _ := Start(func(context.Context) (creds.Credentials, error) {
		return creds.Credentials{}, errors.New("mfa needed")
	})
	defer s.Close()
	req, _ := http.NewRequest("GET", s.URL(), nil)
	req.Header.Set("Authorization", s.Token())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]string
	json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != 500 || !strings.Contains(body["message"], "mfa needed") {
		t.Fatalf("status %d body %v", resp.StatusCode, body)
	}
}

// A request naming another host (a browser page that resolves its own
// name to 127.0.0.1) is refused even with the right token.
func TestOtherHostRefused(t *testing.T) {
	s, err := Start(func(context.Context) (creds.Credentials, error) {
		return creds.Credentials{AccessKeyID: "ASIAX", SecretAccessKey: "s", SessionToken: "t"}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	port := strings.TrimSuffix(strings.TrimPrefix(s.URL(), "http://127.0.0.1:"), "/credentials")
	for host, want := range map[string]int{"evil.example:" + port: 403, "127.0.0.1:" + port: 200, "localhost:" + port: 200} {
		req, _ := http.NewRequest("GET", s.URL(), nil)
		req.Host = host
		req.Header.Set("Authorization", s.Token())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: %d, want %d", host, resp.StatusCode, want)
		}
	}
}
