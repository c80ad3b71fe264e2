//go:build linux && realworld

package e2e

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

// IAM Identity Center and the shell integration, on a real pty in bash,
// zsh and fish: `stscred use dev` typed at the prompt may sign in (the
// stand-in browser approves); the prompt hook never does, and says once
// what to run when the sign-in is gone.

// ssoShellLines are, per shell, the lines the tests type: show prints the
// exported key id and the prompt segment (the K is printed by printf, so
// the echo of the typed line never matches); window makes every prompt
// renew (the exported credentials are "near expiry" for a window this
// large); retry lets the next prompt renew again at once.
var ssoShellLines = map[string]struct{ show, window, retry string }{
	"bash": {`printf '\x4bEY=%s INFO=%s|\n' "${AWS_ACCESS_KEY_ID-}" "${STSCRED_PROMPT_INFO-}"`, `STSCRED_REFRESH_WINDOW=100000`, `__stscred_retry_at=0`},
	"zsh":  {`printf '\x4bEY=%s INFO=%s|\n' "${AWS_ACCESS_KEY_ID-}" "${STSCRED_PROMPT_INFO-}"`, `STSCRED_REFRESH_WINDOW=100000`, `__stscred_retry_at=0`},
	"fish": {`printf '\x4bEY=%s INFO=%s|\n' "$AWS_ACCESS_KEY_ID" "$STSCRED_PROMPT_INFO"`, `set -g STSCRED_REFRESH_WINDOW 100000`, `set -g __stscred_retry_at 0`},
}

var ssoShowLine = regexp.MustCompile(`KEY=([^ \r\n]*) INFO=([^|\r\n]*)\|`)

// ssoShell is an interactive shell of the world on a pty, the hook
// loaded, with stscred on PATH through the counting stand-in (log).
type ssoShell struct {
	t   *testing.T
	sh  *ptyRun
	sc  shellCase
	log string
}

func startSSOShell(t *testing.T, w *ssoWorld, sc shellCase) *ssoShell {
	t.Helper()
	requireTool(t, sc.argv[0], sc.argv[0])
	dir, log := standIn(t, w.world)
	env := w.senv("PS1=PROMPT> ", "PROMPT=PROMPT> ", "TERM=dumb")
	for i, kv := range env {
		if strings.HasPrefix(kv, "PATH=") {
			env[i] = "PATH=" + dir + ":" + strings.TrimPrefix(kv, "PATH=")
		}
	}
	s := &ssoShell{t: t, sh: startPTY(t, env, sc.argv[0], sc.argv[1:]...), sc: sc, log: log}
	// What the terminal showed is checked for secrets after the test,
	// as every command's output is (this cleanup runs before that check).
	t.Cleanup(func() {
		w.keep(result{stdout: s.sh.output()})
		// That check reads every file: a FIFO a shell left (fish's
		// TMPDIR/fish.USER/fish_universal_variables.notifier) would
		// block it.
		for _, dir := range []string{w.home, w.tmp} {
			filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				if err == nil && d.Type()&(fs.ModeNamedPipe|fs.ModeSocket) != 0 {
					os.Remove(path)
				}
				return nil
			})
		}
	})
	s.sh.expect("PROMPT> ", 1)
	s.sh.say(sc.init)
	return s
}

// show returns the exported key id and the prompt segment.
func (s *ssoShell) show() (key, info string) {
	s.t.Helper()
	s.sh.say(ssoShellLines[s.sc.name].show)
	all := ssoShowLine.FindAllStringSubmatch(s.sh.output(), -1)
	if len(all) == 0 {
		s.t.Fatalf("no key and prompt info shown:\n%s", s.sh.output())
	}
	return all[len(all)-1][1], all[len(all)-1][2]
}

// hookRenewals counts the renewals the prompt hook started.
func (s *ssoShell) hookRenewals() int {
	n := 0
	for _, l := range strings.Split(readFile(s.t, s.log), "\n") {
		if strings.HasPrefix(l, "export --hook ") {
			n++
		}
	}
	return n
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

var minutesInfo = regexp.MustCompile(`^dev ([0-9]+h[0-9]{2}|[0-9]+)m$`)

// Signed out while a shell uses dev: the prompt hook's renewal (forced by
// a refresh window larger than the credentials' life) neither prompts nor
// opens the browser nor calls Identity Center; it says once to run
// `stscred sso login corp`, the prompt segment reads "dev sso login?",
// and a command typed meanwhile runs. export --hook ends with status 6.
// Signing in again from outside lets the next renewal succeed.
func TestSSOHookNeedsSignIn(t *testing.T) {
	backends := map[string]string{"bash": "secret-service", "zsh": "file", "fish": "secret-service"}
	for _, sc := range interactiveShells {
		t.Run(sc.name, func(t *testing.T) {
			w := newSSOWorld(t, backends[sc.name], ssotest.Options{}, ststest.Options{})
			lines := ssoShellLines[sc.name]
			w.login()
			s := startSSOShell(t, w, sc)
			s.sh.say("stscred use dev")
			key, info := s.show()
			rc := w.roleCreds()
			if len(rc) != 1 || key != rc[0].AccessKeyID || !minutesInfo.MatchString(info) {
				t.Fatalf("after use dev: key %q info %q; issued %d role credentials\n%s", key, info, len(rc), s.sh.output())
			}
			if res := w.sc("sso", "logout", "corp"); res.code != 0 {
				t.Fatalf("sso logout corp: %s", res)
			}
			calls, opened, renewals := w.sso.Calls(ssotest.AnyOp), len(w.opened()), s.hookRenewals()

			s.sh.say(lines.window) // the next prompt's hook renews, and cannot
			s.sh.typeLine(`printf 'typed-%s\n' ok`)
			s.sh.expectAfter("typed-ok", "PROMPT> ")
			key2, info := s.show()
			if info != "dev sso login?" {
				t.Fatalf("prompt segment %q, want %q\n%s", info, "dev sso login?", s.sh.output())
			}
			if key2 != key {
				t.Fatalf("a failed renewal changed the exported key from %s to %s", key, key2)
			}
			s.sh.say(lines.retry) // renew again at the next prompt: still silent
			s.sh.say("true")
			if n := s.hookRenewals() - renewals; n < 2 {
				t.Fatalf("the prompt hook tried %d renewals, want at least 2", n)
			}
			out := s.sh.output()
			if c := strings.Count(out, ssoLoginHint); c != 1 {
				t.Fatalf("%q was printed %d times, want once:\n%s", ssoLoginHint, c, out)
			}
			const advice = "dev needs a sign-in to IAM Identity Center to renew its credentials: run " + ssoLoginHint
			if !strings.Contains(out, advice) {
				t.Fatalf("the hook's line is not %q:\n%s", advice, out)
			}
			if strings.Contains(out, "opening the browser") || strings.Contains(out, "/authorize?") {
				t.Fatalf("the prompt hook started a sign-in:\n%s", out)
			}
			if n := len(w.opened()); n != opened {
				t.Fatalf("the prompt hook opened the browser %d times: %q", n-opened, w.opened())
			}
			if n := w.sso.Calls(ssotest.AnyOp) - calls; n != 0 {
				t.Fatalf("renewals without a sign-in made %d Identity Center calls", n)
			}
			if _, info := s.show(); info != "dev sso login?" {
				t.Fatalf("prompt segment %q after the retries", info)
			}

			// The hook's export, run by hand: status 6, nothing on stdout.
			res := w.sc("export", "--hook", "--format", "sh", "dev")
			if res.code != 6 || res.stdout != "" || strings.Count(res.stderr, ssoLoginHint) != 1 {
				t.Fatalf("stscred export --hook dev while signed out: want exit 6, empty stdout, the hint once: %s", res)
			}

			// Signed in again (outside the shell): the next renewal works.
			w.login()
			s.sh.say(lines.retry)
			key3, info := s.show()
			rc = w.roleCreds()
			if !minutesInfo.MatchString(info) || key3 != rc[len(rc)-1].AccessKeyID || key3 == key {
				t.Fatalf("after signing in again: key %q info %q; issued %d role credentials\n%s", key3, info, len(rc), s.sh.output())
			}
			if n := len(w.opened()); n != opened+1 {
				t.Fatalf("the browser was opened %d times after the logout, want the one login", n-opened)
			}
		})
	}
}

// `stscred use dev` typed at the prompt while not signed in starts the
// sign-in (the stand-in browser approves) and then the shell has dev's
// credentials; `stscred export dev` with stdin not a terminal fails at
// once with the login hint, opening no browser.
func TestSSOUseSignsInAtTerminal(t *testing.T) {
	backends := map[string]string{"bash": "file", "zsh": "secret-service", "fish": "file"}
	for _, sc := range interactiveShells {
		t.Run(sc.name, func(t *testing.T) {
			w := newSSOWorld(t, backends[sc.name], ssotest.Options{}, ststest.Options{})
			res := w.sc("export", "dev")
			w.assertNotSignedIn(res, 0)
			if n := w.sso.Calls(ssotest.AnyOp); n != 0 {
				t.Fatalf("export dev without a terminal made %d Identity Center calls", n)
			}

			s := startSSOShell(t, w, sc)
			s.sh.say("stscred use dev")
			if n := len(w.opened()); n != 1 {
				t.Fatalf("use dev at a terminal opened the browser %d times\n%s", n, s.sh.output())
			}
			checkAuthorizeURL(t, w, w.opened()[0])
			if !strings.Contains(s.sh.output(), "opening the browser to sign in to corp") {
				t.Fatalf("use dev does not say it signs in to corp:\n%s", s.sh.output())
			}
			key, info := s.show()
			rc := w.roleCreds()
			if len(rc) != 1 || key != rc[0].AccessKeyID || !minutesInfo.MatchString(info) {
				t.Fatalf("after use dev: key %q info %q; issued %d role credentials\n%s", key, info, len(rc), s.sh.output())
			}
			if n := w.sso.Successes(ssotest.GrantOp(ssotest.GrantAuthorizationCode)); n != 1 {
				t.Fatalf("%d code exchanges for one use", n)
			}
			// The sign-in is the user's now: tools get dev's credentials
			// from the cache, and nothing opens the browser again.
			if c := w.decode(w.sc("role", "dev")); c.AccessKeyID != key || w.grc() != 1 {
				t.Fatalf("role dev after use: key %s, %d GetRoleCredentials", c.AccessKeyID, w.grc())
			}
			if res := w.sc("export", "dev"); res.code != 0 || !strings.Contains(res.stdout, key) || len(w.opened()) != 1 {
				t.Fatalf("export dev (no terminal) after use signed in: %s", res)
			}
		})
	}
}
