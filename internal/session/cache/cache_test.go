package cache

import (
	"bytes"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/creds"
)

func fixedKey(t *testing.T) func() ([]byte, error) {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return func() ([]byte, error) { return k, nil }
}

func sample(key string) Entry {
	return Entry{
		Header: Header{Key: key, Kind: KindRole, Profile: "prod-admin", Chain: []string{"prod-admin", "alice"}, MFA: true, Stored: time.Unix(1000, 0).UTC()},
		Creds: creds.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "SECRET-sss", SessionToken: "TOKEN-ttt",
			Expiration: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)},
	}
}

func TestRoundTripAndNoPlaintext(t *testing.T) {
	dir := t.TempDir()
	c := New(dir, fixedKey(t))
	e := sample("v1:role:abc")
	if err := c.Put(e); err != nil {
		t.Fatal(err)
	}
	got, err := c.Get("v1:role:abc")
	if err != nil {
		t.Fatal(err)
	}
	if got.Creds != e.Creds || got.Profile != "prod-admin" || !got.MFA || !got.Expires.Equal(e.Creds.Expiration) {
		t.Fatalf("got %+v", got)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if bytes.Contains(b, []byte("SECRET-sss")) || bytes.Contains(b, []byte("TOKEN-ttt")) || bytes.Contains(b, []byte("ASIAEXAMPLE")) {
			t.Fatalf("%s holds a credential in the clear", f)
		}
		// Modes only where files have them (not on Windows, where the
		// directory's ACL, the user's profile, is what protects them).
		if st, _ := os.Stat(f); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
			t.Fatalf("%s mode %v", f, st.Mode())
		}
	}
	if st, _ := os.Stat(dir); runtime.GOOS != "windows" && st.Mode().Perm() != 0o700 {
		t.Fatalf("cache dir mode %v", st.Mode())
	}
	if _, err := c.Get("v1:role:other"); !errors.Is(err, ErrMiss) {
		t.Fatalf("miss: %v", err)
	}
}

func TestCorruptionDetected(t *testing.T) {
	for name, damage := range map[string]func(path string, c *Cache){
		"garbage": func(p string, _ *Cache) { os.WriteFile(p, []byte("{not json"), 0o600) },
		"flipped byte": func(p string, _ *Cache) {
			b, _ := os.ReadFile(p)
			i := bytes.Index(b, []byte(`"sealed":"`)) + 12
			b[i] ^= 0x01
			os.WriteFile(p, b, 0o600)
		},
		"header edited": func(p string, _ *Cache) {
			b, _ := os.ReadFile(p)
			os.WriteFile(p, bytes.Replace(b, []byte(`prod-admin`), []byte(`prod-other`), 1), 0o600)
		},
		"truncated": func(p string, _ *Cache) {
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)/2], 0o600)
		},
		"entry swapped": func(p string, c *Cache) {
			other := sample("v1:role:zzz")
			c.Put(other)
			b, _ := os.ReadFile(c.path("v1:role:zzz"))
			os.WriteFile(p, b, 0o600)
		},
	} {
		t.Run(name, func(t *testing.T) {
			c := New(t.TempDir(), fixedKey(t))
			if err := c.Put(sample("v1:role:abc")); err != nil {
				t.Fatal(err)
			}
			damage(c.path("v1:role:abc"), c)
			_, err := c.Get("v1:role:abc")
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err = %v, want ErrCorrupt", err)
			}
			// Overwriting repairs it.
			if err := c.Put(sample("v1:role:abc")); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Get("v1:role:abc"); err != nil {
				t.Fatalf("after repair: %v", err)
			}
		})
	}
}

func TestWrongDataKeyIsCorrupt(t *testing.T) {
	dir := t.TempDir()
	if err := New(dir, fixedKey(t)).Put(sample("v1:role:abc")); err != nil {
		t.Fatal(err)
	}
	_, err := New(dir, fixedKey(t)).Get("v1:role:abc")
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v", err)
	}
}

func TestDataKeyErrorReported(t *testing.T) {
	c := New(t.TempDir(), func() ([]byte, error) { return nil, errors.New("keyring locked") })
	err := c.Put(sample("v1:role:abc"))
	if err == nil || !strings.Contains(err.Error(), "keyring locked") {
		t.Fatalf("err = %v", err)
	}
}

func TestListAndDeleteWhere(t *testing.T) {
	c := New(t.TempDir(), fixedKey(t))
	a := sample("v1:role:a")
	b := sample("v1:session:b")
	b.Kind, b.Profile, b.Chain = KindSession, "alice", []string{"alice"}
	d := sample("v1:session:d")
	d.Kind, d.Profile, d.Chain = KindSession, "bob", []string{"bob"}
	for _, e := range []Entry{a, b, d} {
		if err := c.Put(e); err != nil {
			t.Fatal(err)
		}
	}
	hs, err := c.List()
	if err != nil || len(hs) != 3 {
		t.Fatalf("List = %v, %v", hs, err)
	}
	n, err := c.DeleteWhere(func(h Header) bool { return h.Involves("alice") })
	if err != nil || n != 2 {
		t.Fatalf("DeleteWhere alice = %d, %v", n, err)
	}
	if _, err := c.Get("v1:session:d"); err != nil {
		t.Fatalf("bob's entry must survive: %v", err)
	}
}

func TestKeysStableAndSensitive(t *testing.T) {
	s1 := SessionKey("AKIA1", "arn:mfa/a", "")
	if s1 != SessionKey("AKIA1", "arn:mfa/a", "") || !strings.HasPrefix(s1, "v1:session:") {
		t.Fatal("session key not stable/versioned")
	}
	if s1 == SessionKey("AKIA2", "arn:mfa/a", "") || s1 == SessionKey("AKIA1", "", "") || s1 == SessionKey("AKIA1", "arn:mfa/a", "http://x") {
		t.Fatal("session key ignores an input")
	}
	base := RoleParams{RoleARN: "arn:role/A", SessionName: "s", Duration: time.Hour, Tags: map[string]string{"a": "1", "b": "2"}, TransitiveTags: []string{"a", "b"}}
	r := RoleKey(s1, base)
	same := base
	same.Tags = map[string]string{"b": "2", "a": "1"}
	same.TransitiveTags = []string{"b", "a"}
	if r != RoleKey(s1, same) || !strings.HasPrefix(r, "v1:role:") {
		t.Fatal("role key depends on map/list order")
	}
	for name, mut := range map[string]func(*RoleParams){
		"arn":      func(p *RoleParams) { p.RoleARN = "arn:role/B" },
		"session":  func(p *RoleParams) { p.SessionName = "t" },
		"external": func(p *RoleParams) { p.ExternalID = "x" },
		"duration": func(p *RoleParams) { p.Duration = 2 * time.Hour },
		"tag":      func(p *RoleParams) { p.Tags = map[string]string{"a": "1"} },
		"source":   func(p *RoleParams) { p.SourceIdentity = "me" },
		"endpoint": func(p *RoleParams) { p.Endpoint = "http://127.0.0.1" },
	} {
		p := base
		mut(&p)
		if RoleKey(s1, p) == r {
			t.Errorf("role key ignores %s", name)
		}
	}
	if RoleKey(SessionKey("AKIA2", "arn:mfa/a", ""), base) == r {
		t.Error("role key ignores its parent")
	}
	if KeyIDKey("alice") == KeyIDKey("bob") {
		t.Error("keyid key ignores profile")
	}
}
