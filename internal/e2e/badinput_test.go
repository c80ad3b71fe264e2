//go:build linux && realworld

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// wrongCode returns a 6-digit code that is not valid in any window STS
// accepts now.
func wrongCode(w *world) string {
	now := time.Now()
	valid := map[string]bool{}
	for _, d := range []time.Duration{-60 * time.Second, -30 * time.Second, 0, 30 * time.Second, 60 * time.Second} {
		valid[w.srv.Code(w.mfa.Serial, now.Add(d))] = true
	}
	for _, c := range []string{"000000", "111111", "222222", "333333"} {
		if !valid[c] {
			return c
		}
	}
	panic("unreachable")
}

// backendOnly names the bad-input cases that exist in one backend only.
var backendOnly = map[string]string{
	"no keyring, backend auto: the empty file keystore, said so": "secret-service",
	"wrong file keystore passphrase":                             "file",
}

// Every bad input: a clear error with a hint, non-zero exit, empty
// stdout, no secret printed, and the stored key untouched.
func TestBadInput(t *testing.T) {
	cases := []struct {
		name  string
		setup func(w *world) []string // returns extra env
		args  []string
		want  string
	}{
		{"unknown profile", nil, []string{"role", "nosuch"}, `profile "nosuch" not found`},
		{"source_profile cycle", func(w *world) []string {
			w.writeConfig(w.standardConfig() + "\n[profile a]\nrole_arn = " + adminRole + "\nsource_profile = b\n[profile b]\nrole_arn = " + roRole + "\nsource_profile = a\n")
			return nil
		}, []string{"role", "a"}, "source_profile cycle"},
		{"role without source", func(w *world) []string {
			w.writeConfig(w.standardConfig() + "\n[profile lonely]\nrole_arn = " + adminRole + "\n")
			return nil
		}, []string{"role", "lonely"}, "has role_arn but no source_profile"},
		{"source with no stored key", func(w *world) []string {
			w.writeConfig(w.standardConfig() + "\n[profile bob]\nregion = eu-west-1\n[profile bobrole]\nsource_profile = bob\nrole_arn = " + roRole + "\n")
			return nil
		}, []string{"role", "bobrole"}, "no access key is stored for profile bob"},
		{"malformed config", func(w *world) []string {
			w.writeConfig(w.standardConfig() + "\nthis line is garbage\n")
			return nil
		}, []string{"role", "prod-admin"}, "line 14"},
		{"tool profile named instead of role", nil, []string{"role", "prod"}, "profile prod has no role_arn"},
		{"wrong MFA code", func(w *world) []string {
			return []string{"STSCRED_MFA_TOKEN=" + wrongCode(w)}
		}, []string{"role", "prod-admin"}, "MFA code rejected for arn:aws:iam::111111111111:mfa/alice"},
		{"MFA code not 6 digits", func(w *world) []string {
			return []string{"STSCRED_MFA_TOKEN=12ab56"}
		}, []string{"role", "prod-admin"}, "not 6 digits"},
		{"no terminal and no MFA source", nil, []string{"role", "prod-admin"}, "no way to ask for an MFA code"},
		{"STS AccessDenied", func(w *world) []string {
			w.srv.Fail("AssumeRole", "AccessDenied", 1)
			return []string{"STSCRED_MFA_TOKEN=" + w.code()}
		}, []string{"role", "prod-admin"}, "not allowed to assume " + adminRole},
		{"STS throttling", func(w *world) []string {
			w.srv.Fail("GetSessionToken", "Throttling", 10)
			return []string{"STSCRED_MFA_TOKEN=" + w.code()}
		}, []string{"role", "prod-admin"}, "STS is throttling requests"},
		{"STS 500", func(w *world) []string {
			w.srv.Fail("GetSessionToken", "InternalFailure", 10)
			return []string{"STSCRED_MFA_TOKEN=" + w.code()}
		}, []string{"session", "alice"}, "HTTP 500"},
		{"STS unreachable", func(w *world) []string {
			return []string{"STSCRED_MFA_TOKEN=" + w.code(), "AWS_ENDPOINT_URL_STS=http://127.0.0.1:1"}
		}, []string{"role", "prod-admin"}, "cannot reach STS at http://127.0.0.1:1"},
		{"keyring unreachable, backend keyring", func(w *world) []string {
			return []string{"STSCRED_MFA_TOKEN=" + w.code(), "DBUS_SESSION_BUS_ADDRESS=disabled:", "STSCRED_BACKEND=keyring"}
		}, []string{"role", "prod-admin"}, "reading from the secret-service"},
		{"no keyring, backend auto: the empty file keystore, said so", func(w *world) []string {
			return []string{"STSCRED_MFA_TOKEN=" + w.code(), "DBUS_SESSION_BUS_ADDRESS=disabled:"}
		}, []string{"role", "prod-admin"}, "there is no OS keyring here"},
		{"wrong file keystore passphrase", func(w *world) []string {
			w.fileStore().Forget() // no session copy: the passphrase is needed
			return []string{"STSCRED_MFA_TOKEN=" + w.code(), "STSCRED_FILE_PASSPHRASE=not the passphrase"}
		}, []string{"role", "prod-admin"}, "wrong passphrase for the file keystore"},
		{"role flags conflict", nil, []string{"role", "prod-admin", "--role-arn", roRole}, "not both"},
		{"inline role without source", nil, []string{"role", "--role-arn", roRole}, "--role-arn needs --source"},
		{"session on a role profile", nil, []string{"session", "prod-admin"}, "is a role"},
		{"unknown command", nil, []string{"frobnicate"}, "unexpected argument"},
		// Last: it deletes alice's key at the server.
		{"deleted key", func(w *world) []string {
			w.srv.DeleteAccessKey(w.key.ID)
			return []string{"STSCRED_MFA_TOKEN=" + w.code()}
		}, []string{"session", "alice"}, "STS does not accept the access key"},
	}
	forBackends(t, func(t *testing.T, w *world) {
		w.addAlice()
		before := w.storedKey("alice")
		for _, tc := range cases {
			if only, ok := backendOnly[tc.name]; ok && only != w.backend {
				continue
			}
			t.Run(tc.name, func(t *testing.T) {
				w.t = t
				w.writeConfig(w.standardConfig())
				w.srv.ClearFaults()
				// Each case starts with an empty cache, so it reaches STS.
				if err := os.RemoveAll(w.cacheDir()); err != nil {
					t.Fatal(err)
				}
				var env []string
				if tc.setup != nil {
					env = tc.setup(w)
				}
				gst := w.srv.Calls("GetSessionToken")
				res := w.stscredEnv(env, tc.args...)
				w.assertCleanFailure(res, tc.want)
				if tc.name == "no terminal and no MFA source" && w.srv.Calls("GetSessionToken") != gst {
					t.Error("with no way to get a code, stscred must fail before calling STS")
				}
				if w.storedKey("alice") != before {
					t.Fatal("the stored key changed")
				}
			})
		}
	})
}

// A corrupted cache entry is ignored and replaced: the call succeeds.
func TestCorruptedCacheEntry(t *testing.T) {
	forBackends(t, func(t *testing.T, w *world) {
		w.addAlice()
		w.decode(w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "role", "prod-admin"))
		files, _ := filepath.Glob(filepath.Join(w.cacheDir(), "*.json"))
		if len(files) < 3 {
			t.Fatalf("expected key id, session and role entries, found %d files", len(files))
		}
		for _, f := range files {
			b, _ := os.ReadFile(f)
			if strings.Contains(string(b), `"kind":"role"`) {
				os.WriteFile(f, append(b[:len(b)/2], "garbage"...), 0o600)
			}
		}
		ar := w.srv.Calls("AssumeRole")
		res := w.stscred("role", "prod-admin")
		w.decode(res)
		if strings.Count(res.stderr, "the cached entry for prod-admin cannot be read") != 1 {
			t.Fatalf("no warning: %s", res.stderr)
		}
		if w.srv.Calls("AssumeRole") != ar+1 || w.srv.Calls("GetSessionToken") != 1 {
			t.Fatal("the role was not refetched with the cached session")
		}
		// And the repaired entry serves the next call.
		res = w.stscred("role", "prod-admin")
		w.decode(res)
		if res.stderr != "" || w.srv.Calls("AssumeRole") != ar+1 {
			t.Fatalf("repaired entry not used: %s", res)
		}
	})
}

// add refuses keys STS rejects and never stores them.
func TestAddRejectsBadKeys(t *testing.T) {
	forBackends(t, func(t *testing.T, w *world) {
		w.addAlice()
		before := w.storedKey("alice")
		other := w.alice.AddAccessKey()
		cases := []struct{ name, stdin, want string }{
			{"unknown key", "AKIAUNKNOWNUNKNOWN00\n" + w.key.Secret + "\n", "STS does not know the access key"},
			{"wrong secret", other.ID + "\nwrongwrongwrongwrongwrongwrongwrongwrong\n", "rejected the secret"},
			{"temporary key", "ASIAAAAAAAAAAAAAAAAA\nsecret\n", "temporary (ASIA) key id"},
			{"one line only", other.ID + "\n", "stdin ended"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				w.t = t
				res := w.run(tc.stdin, w.env(), w.bin, "add", "alice")
				w.assertCleanFailure(res, tc.want)
				if strings.Contains(res.stderr, "wrongwrong") {
					t.Fatal("echoed the secret")
				}
				if w.storedKey("alice") != before {
					t.Fatal("a rejected key replaced the stored one")
				}
			})
		}
		// --env path and --no-verify.
		res := w.run("", w.env("AWS_ACCESS_KEY_ID="+other.ID, "AWS_SECRET_ACCESS_KEY="+other.Secret), w.bin, "add", "--env", "bob")
		if res.code != 0 || !strings.Contains(w.storedKey("bob"), other.Secret) {
			t.Fatalf("add --env: %s", res)
		}
		gci := w.srv.Calls("GetCallerIdentity")
		res = w.run("AKIAUNVERIFIED000000\nsecretsecret\n", w.env(), w.bin, "add", "--no-verify", "carol")
		if res.code != 0 || w.srv.Calls("GetCallerIdentity") != gci {
			t.Fatalf("add --no-verify: %s", res)
		}
	})
}
