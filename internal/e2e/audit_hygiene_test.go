//go:build linux && realworld

package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/testkit/ststest"
)

// The second security audit's findings 3, 8, 9 and 11, as the attacks
// were done: what a person is shown holds no credential they typed, one
// remote string is one line, a file meant for a shell runs nothing it
// was not meant to, and odd values from another party fail cleanly.

// piecesOf is the first n-character piece of secret found in text, ""
// when none is: a secret shown masked (first and last four characters)
// or cut at a '/' is shown all the same.
func piecesOf(text, secret string, n int) string {
	for i := 0; i+n <= len(secret); i++ {
		if strings.Contains(text, secret[i:i+n]) {
			return secret[i : i+n]
		}
	}
	return ""
}

// keyWithSlash makes an IAM user whose key's secret holds a '/': sent
// as a key id, it breaks the signature's credential scope, and STS's
// error quotes the scope.
func keyWithSlash(t *testing.T, srv *ststest.Server) ststest.AccessKey {
	t.Helper()
	for i := 0; i < 64; i++ {
		k := srv.AddUser("111111111111", fmt.Sprintf("bob%d", i)).AddAccessKey()
		if strings.Contains(k.Secret, "/") {
			return k
		}
	}
	t.Fatal("no secret with a '/' in 64 keys")
	return ststest.AccessKey{}
}

// Finding 3: `stscred add bob` with the secret typed where the key id
// goes (the two swapped), on stdin and through --env, with and without
// --no-verify: refused before any call to STS, nothing stored, no piece
// of the secret on stderr, and no advice to store it unchecked.
func TestAuditAddSwappedKeyShowsNoSecret(t *testing.T) {
	w := newWorld(t)
	k := keyWithSlash(t, w.srv)
	w.writeConfig(w.standardConfig() + "\n[profile bob]\nregion = eu-west-1\n")
	for _, tc := range []struct {
		name  string
		stdin string
		env   []string
		args  []string
	}{
		{"stdin", k.Secret + "\n" + k.ID + "\n", nil, []string{"add", "bob"}},
		{"stdin --no-verify", k.Secret + "\n" + k.ID + "\n", nil, []string{"add", "--no-verify", "bob"}},
		{"--env", "", []string{"AWS_ACCESS_KEY_ID=" + k.Secret, "AWS_SECRET_ACCESS_KEY=" + k.ID}, []string{"add", "--env", "bob"}},
		{"secret twice", k.Secret + "\n" + k.Secret + "\n", nil, []string{"add", "bob"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.t = t
			gci := w.srv.Calls("GetCallerIdentity")
			res := w.run(tc.stdin, w.env(tc.env...), w.bin, tc.args...)
			if res.code == 0 {
				t.Fatalf("the swapped key was accepted: %s", res)
			}
			if res.stdout != "" || !strings.Contains(res.stderr, "stscred: error: ") || !strings.Contains(res.stderr, "stscred: hint: ") {
				t.Fatalf("not a clean failure: %s", res)
			}
			if p := piecesOf(res.stderr, k.Secret, 4); p != "" {
				t.Fatalf("stderr repeats %q of the secret access key:\n%s", p, res.stderr)
			}
			if strings.Contains(res.stderr, "--no-verify") {
				t.Fatalf("a malformed key is no reason to skip the check:\n%s", res.stderr)
			}
			if n := w.srv.Calls("GetCallerIdentity") - gci; n != 0 {
				t.Fatalf("the key went to STS %d times before being refused", n)
			}
			if w.storedKey("bob") != "" {
				t.Fatal("something was stored for bob")
			}
		})
	}
	// The right order still works, for the same key.
	w.t = t
	res := w.run(k.ID+"\n"+k.Secret+"\n", w.env(), w.bin, "add", "bob")
	if res.code != 0 || !strings.Contains(w.storedKey("bob"), k.Secret) {
		t.Fatalf("the key in the right order: %s", res)
	}
}
