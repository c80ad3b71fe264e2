//go:build linux && realworld

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

// doctorLine is one entry of stscred doctor --output json.
type doctorLine struct {
	Check   string `json:"check"`
	Profile string `json:"profile"`
	OK      bool   `json:"ok"`
	Status  string `json:"status"`
	Message string `json:"message"`
	Hint    string `json:"hint"`
}

// The secret in the healthy config's mfa_process line: doctor must never
// print it.
const mfaProcessSecret = "JBSWY3DPEHPK3PXPDOCTORSECRET"

// healthyConfig is the standard config plus an mfa_process whose line
// holds a secret, as an oathtool line does.
func healthyConfig(w *world) string {
	return strings.Replace(w.standardConfig(), "mfa_serial = "+w.mfa.Serial+"\n",
		"mfa_serial = "+w.mfa.Serial+"\nmfa_process = oathtool --totp -b "+mfaProcessSecret+"\n", 1)
}

// hookBlock is what install.sh --shell-hook writes for bash or zsh.
func hookBlock(sh string) string {
	return "# >>> stscred shell hook >>>\n" +
		`case ":$PATH:" in *:'/home/u/.local/bin':*) ;; *) export PATH='/home/u/.local/bin':"$PATH" ;; esac` + "\n" +
		`eval "$(stscred shell-init ` + sh + `)"` + "\n" +
		"[ -r '/home/u/.local/share/bash-completion/completions/stscred' ] && . '/home/u/.local/share/bash-completion/completions/stscred'\n" +
		"# <<< stscred shell hook <<<\n"
}

func (w *world) writeHome(rel, content string) {
	w.t.Helper()
	path := filepath.Join(w.home, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// healthy sets w up the way doctor finds nothing wrong: alice's key
// stored, a role's credentials cached, the bash hook installed. It returns
// the environment doctor runs in.
func healthy(w *world) []string {
	w.t.Helper()
	env, _ := healthyAdded(w)
	return env
}

// healthyAdded is healthy, and the span of wall time in which alice's key
// was added.
func healthyAdded(w *world) ([]string, span) {
	w.t.Helper()
	w.writeConfig(healthyConfig(w))
	added := during(w.addAlice)
	w.decode(w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "role", "prod-admin"))
	w.writeHome(".bashrc", "# my bashrc\nalias ll='ls -l'\n"+hookBlock("bash"))
	return []string{"SHELL=/bin/bash"}, added
}

// span is a stretch of wall time in which something happened, such as a
// command that read the clock.
type span struct{ from, to time.Time }

// during runs f and returns the span it ran in.
func during(f func()) span {
	from := time.Now()
	f()
	return span{from, time.Now()}
}

// ages is every age (human.Short) that a command running in now can have
// shown for something made in made: the tests do not depend on how fast
// the machine runs them.
func ages(made, now span) []string {
	return shown(now.from.Sub(made.to), now.to.Sub(made.from), human.Short)
}

// lefts is every time left (human.Left) that a command running in now can
// have shown for something expiring at exp, as STS gives it (to the
// second).
func lefts(exp time.Time, now span) []string {
	return shown(exp.Truncate(time.Second).Sub(now.to), exp.Sub(now.from), func(d time.Duration) string {
		return human.Left(now.from.Add(d), now.from)
	})
}

// shown is every text show gives for a duration from lo to hi.
func shown(lo, hi time.Duration, show func(time.Duration) string) []string {
	var out []string
	for d := lo; ; d = min(d+10*time.Millisecond, hi) {
		if s := show(d); !slices.Contains(out, s) {
			out = append(out, s)
		}
		if d >= hi {
			return out
		}
	}
}

// oneOf is each of texts put between before and after.
func oneOf(before string, texts []string, after string) []string {
	out := make([]string, len(texts))
	for i, t := range texts {
		out[i] = before + t + after
	}
	return out
}

// containsOne reports whether s contains one of subs.
func containsOne(s string, subs []string) bool {
	return slices.ContainsFunc(subs, func(sub string) bool { return strings.Contains(s, sub) })
}

// mfaSessions are the MFA session of alice and the Admin role session the
// server issued for the healthy setup, checked to last 12 hours and an
// hour.
func mfaSessions(w *world) (session, role ststest.Session) {
	w.t.Helper()
	for _, s := range w.srv.Sessions() {
		switch {
		case s.Action == "GetSessionToken":
			session = s
		case s.Action == "AssumeRole" && s.RoleARN == adminRole:
			role = s
		}
	}
	// Expirations are to the second.
	lasts := func(s ststest.Session, want time.Duration) bool {
		d := s.Expiration.Sub(s.Issued)
		return d > want-time.Second && d <= want
	}
	if !lasts(session, 12*time.Hour) {
		w.t.Fatalf("alice's MFA session lasts %s, want 12h: issued %s, expires %s", session.Expiration.Sub(session.Issued), session.Issued, session.Expiration)
	}
	if !lasts(role, time.Hour) {
		w.t.Fatalf("the Admin role session lasts %s, want 1h: issued %s, expires %s", role.Expiration.Sub(role.Issued), role.Issued, role.Expiration)
	}
	return session, role
}

// doctor runs stscred doctor twice: for scripts (json) and for people.
func (w *world) doctor(env []string, args ...string) ([]doctorLine, result, result) {
	w.t.Helper()
	js := w.stscredEnv(env, append([]string{"doctor", "--output", "json"}, args...)...)
	var lines []doctorLine
	if err := json.Unmarshal([]byte(js.stdout), &lines); err != nil {
		w.t.Fatalf("doctor --output json: %v\n%s", err, js)
	}
	human := w.stscredEnv(env, append([]string{"doctor"}, args...)...)
	for _, out := range []string{js.stdout, js.stderr, human.stdout, human.stderr} {
		w.assertNoSecretIn(out)
		if strings.Contains(out, mfaProcessSecret) {
			w.t.Fatalf("doctor printed the mfa_process line's secret: %s", out)
		}
	}
	return lines, js, human
}

func statusOf(lines []doctorLine, check string) []string {
	var s []string
	for _, l := range lines {
		if l.Check == check {
			s = append(s, l.Status)
		}
	}
	return s
}

// A healthy setup: every check passes, exit 0.
func TestDoctorHealthy(t *testing.T) {
	requireTool(t, "oathtool", "oathtool")
	w := newWorld(t)
	env, added := healthyAdded(w)
	session, role := mfaSessions(w)
	_, _, gci0 := w.counts()
	var lines []doctorLine
	var js, human result
	ran := during(func() { lines, js, human = w.doctor(env) })
	t.Logf("stscred doctor:\n%s", human.stdout)
	if js.code != 0 || human.code != 0 || human.stderr != "" {
		t.Fatalf("healthy setup:\n%s\n%s", js, human)
	}
	for _, check := range []string{"config", "keyring", "source_chain", "credential_process", "mfa_process", "key", "cache", "sts", "clock", "shell_hook"} {
		st := statusOf(lines, check)
		if len(st) == 0 {
			t.Errorf("no %s line:\n%s", check, human.stdout)
		}
		for _, s := range st {
			if s != "pass" {
				t.Errorf("%s: %s\n%s", check, s, human.stdout)
			}
		}
	}
	for _, want := range []string{
		"✓ config file ~/.aws/config parses (3 profiles)\n",
		"✓ keys are kept in the secret-service backend, which answers\n",
		"✓ profile prod-admin assumes " + adminRole + " (source chain prod-admin → alice)\n",
		"✓ profile prod: credential_process runs stscred role prod-admin (" + w.bin + ")\n",
		"✓ profile alice: mfa_process program oathtool found at /usr/bin/oathtool (not run",
		"✓ STS at " + w.url + " accepts the cached ",
		"✓ clock: this machine agrees with STS at " + w.url + " within ",
		"✓ shell hook installed in ~/.bashrc\n",
	} {
		if !strings.Contains(human.stdout, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, human.stdout)
		}
	}
	// The key's age and the sessions' time left, as the clock shows them
	// while doctor runs: "added 0s ago", "59m left" and "11h59m left" on a
	// machine that runs the test within a second and a minute.
	for _, want := range [][]string{
		oneOf("✓ profile alice: access key AKIA…"+w.key.ID[len(w.key.ID)-4:]+" stored in secret-service (added ", ages(added, ran), " ago, arn:aws:iam::111111111111:user/alice)\n"),
		oneOf("✓ cached role credentials of prod-admin (MFA): ", lefts(role.Expiration, ran), "\n"),
		oneOf("✓ cached session of alice (MFA): ", lefts(session.Expiration, ran), "\n"),
	} {
		if !containsOne(human.stdout, want) {
			t.Errorf("doctor output lacks one of %q:\n%s", want, human.stdout)
		}
	}
	if strings.Contains(human.stdout, "✗") || strings.Contains(human.stdout, "hint:") {
		t.Errorf("a healthy setup shows a failure or hint:\n%s", human.stdout)
	}
	// One GetCallerIdentity per run (two runs), nothing else.
	if gst, ar, gci := w.counts(); gst != 1 || ar != 1 || gci != gci0+2 {
		t.Errorf("doctor made STS calls beyond one GetCallerIdentity a run: %d %d %d", gst, ar, gci-gci0)
	}
}

// Each broken setup: its check alone fails, with a hint, exit 1; the
// setups that are only worth a note exit 0.
func TestDoctorBrokenSetups(t *testing.T) {
	requireTool(t, "oathtool", "oathtool")
	appendConfig := func(s string) func(w *world) []string {
		return func(w *world) []string { w.writeConfig(healthyConfig(w) + s); return nil }
	}
	skewed := func(offset time.Duration) func(w *world) []string {
		return func(w *world) []string {
			// A second server that knows alice's key and answers with a
			// Date off by offset (it checks signatures with the true
			// clock). Drop the cache: its sessions are the first
			// server's, so doctor signs with the stored key.
			srv := ststest.New(ststest.Options{DateOffset: offset})
			url := srv.Start()
			w.t.Cleanup(srv.Close)
			srv.AddUser("111111111111", "alice").ImportAccessKey(w.key)
			if res := w.stscred("clear"); res.code != 0 {
				w.t.Fatalf("clear: %s", res)
			}
			return []string{"AWS_ENDPOINT_URL_STS=" + url}
		}
	}
	cases := []struct {
		name  string
		setup func(w *world) []string
		fail  string // the check that must fail; "" for none
		want  string // in the ✗ line (or, with no failure, in the output)
	}{
		{"config file missing", func(w *world) []string { os.Remove(w.cfg); return nil }, "config", "config file ~/.aws/config not found"},
		{"config file malformed", appendConfig("\nthis line is garbage\n"), "config", "does not parse: line 15"},
		{"credential_process names a missing profile", appendConfig("\n[profile staging]\ncredential_process = stscred role nosuch\n"), "credential_process", "runs stscred role nosuch, but ~/.aws/config has no profile nosuch"},
		{"credential_process names a profile without role_arn", appendConfig("\n[profile staging]\ncredential_process = stscred role alice\n"), "credential_process", "profile alice has no role_arn"},
		{"stscred not on PATH", func(w *world) []string { return []string{"PATH=/usr/bin:/bin"} }, "credential_process", "runs stscred, which is not on PATH"},
		{"role_arn and credential_process in one profile", appendConfig("\n[profile prod2]\nsource_profile = alice\nrole_arn = " + adminRole + "\ncredential_process = stscred role prod2\n"), "role_and_process", "profile prod2 has both role_arn and credential_process"},
		{"role_arn and credential_process without source_profile", appendConfig("\n[profile prod3]\nrole_arn = " + adminRole + "\ncredential_process = stscred role prod3\n"), "role_and_process", "has role_arn and credential_process but no source_profile"},
		{"source_profile cycle", appendConfig("\n[profile a]\nrole_arn = " + adminRole + "\nsource_profile = b\n[profile b]\nrole_arn = " + roRole + "\nsource_profile = a\n"), "source_chain", "source_profile cycle"},
		{"source_profile names a missing profile", appendConfig("\n[profile lost]\nrole_arn = " + adminRole + "\nsource_profile = nobody\n"), "source_chain", `has source_profile = "nobody"`},
		{"keyring unreachable", func(w *world) []string {
			return []string{"DBUS_SESSION_BUS_ADDRESS=disabled:", "STSCRED_BACKEND=keyring"}
		}, "keyring", "keys are kept in the secret-service backend, which does not answer"},
		{"no stored key", func(w *world) []string {
			if res := w.stscred("remove", "--yes", "alice"); res.code != 0 {
				w.t.Fatalf("remove: %s", res)
			}
			return nil
		}, "key", "profile alice: no access key stored in the secret-service backend (needed by prod, prod-admin)"},
		{"cache open to other users", func(w *world) []string { os.Chmod(w.cacheDir(), 0o755); return nil }, "cache", "is open to other users (mode 0755)"},
		{"clock 10 minutes off", skewed(10 * time.Minute), "clock", "behind STS at http://127.0.0.1:"},
		{"clock 2 minutes off: a warning", skewed(2 * time.Minute), "", "! clock: this machine is "},
		{"mfa_process not found", func(w *world) []string {
			w.writeConfig(strings.Replace(healthyConfig(w), "mfa_process = oathtool", "mfa_process = no-such-otp-tool", 1))
			return nil
		}, "mfa_process", "profile alice: mfa_process program no-such-otp-tool is not on PATH"},
		{"shell hook without its end marker", func(w *world) []string {
			w.writeHome(".bashrc", strings.Replace(hookBlock("bash"), "# <<< stscred shell hook <<<\n", "", 1))
			return nil
		}, "shell_hook", "shell hook block in ~/.bashrc is damaged: 1 start and 0 end marker lines"},
		{"shell hook block without shell-init", func(w *world) []string {
			w.writeHome(".bashrc", "# >>> stscred shell hook >>>\n# <<< stscred shell hook <<<\n")
			return nil
		}, "shell_hook", "does not load stscred shell-init"},
		{"shell hook of another shell", func(w *world) []string { w.writeHome(".bashrc", hookBlock("zsh")); return nil }, "shell_hook", "loads stscred shell-init zsh into bash"},
		{"shell hook not installed: a note", func(w *world) []string { os.Remove(filepath.Join(w.home, ".bashrc")); return nil }, "", "– shell hook not installed in ~/.bashrc (optional)\n    hint: ./install.sh --shell-hook"},
		{"fish hook", func(w *world) []string {
			w.writeHome(".config/fish/config.fish", "# >>> stscred shell hook >>>\nstscred shell-init fish | source\n# <<< stscred shell hook <<<\n")
			return []string{"SHELL=/usr/bin/fish"}
		}, "", "✓ shell hook installed in ~/.config/fish/config.fish"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			env := append(healthy(w), tc.setup(w)...)
			lines, js, human := w.doctor(env)
			t.Logf("stscred doctor:\n%s%s", human.stdout, human.stderr)
			wantExit := 0
			if tc.fail != "" {
				wantExit = 1
			}
			if js.code != wantExit || human.code != wantExit {
				t.Fatalf("exit %d and %d, want %d:\n%s", js.code, human.code, wantExit, human)
			}
			failed := 0
			for _, l := range lines {
				if l.Status != "fail" {
					continue
				}
				failed++
				if l.Check != tc.fail {
					t.Errorf("check %s failed too: %s\n%s", l.Check, l.Message, human.stdout)
				}
				if l.OK || l.Hint == "" {
					t.Errorf("failed line without ok=false and a hint: %+v", l)
				}
			}
			if tc.fail == "" {
				if !strings.Contains(human.stdout, tc.want) {
					t.Errorf("output lacks %q:\n%s", tc.want, human.stdout)
				}
				return
			}
			if failed == 0 {
				t.Fatalf("no check failed:\n%s", human.stdout)
			}
			// The human report: the ✗ line, then its hint.
			out := strings.Split(human.stdout, "\n")
			found := false
			for i, line := range out {
				if strings.HasPrefix(line, "✗ ") && strings.Contains(line, tc.want) {
					found = true
					if i+1 >= len(out) || !strings.HasPrefix(out[i+1], "    hint: ") {
						t.Errorf("no hint after %q:\n%s", line, human.stdout)
					}
				}
			}
			if !found {
				t.Errorf("no ✗ line says %q:\n%s", tc.want, human.stdout)
			}
			if !strings.Contains(human.stderr, "stscred: error: ") || !strings.Contains(human.stderr, "stscred: hint: ") {
				t.Errorf("stderr: %q", human.stderr)
			}
		})
	}
}

// --profile limits doctor to one chain: a broken profile elsewhere does
// not fail it.
func TestDoctorOneProfile(t *testing.T) {
	requireTool(t, "oathtool", "oathtool")
	w := newWorld(t)
	env := healthy(w)
	w.writeConfig(healthyConfig(w) + "\n[profile a]\nrole_arn = " + adminRole + "\nsource_profile = b\n[profile b]\nrole_arn = " + roRole + "\nsource_profile = a\n")
	lines, js, human := w.doctor(env, "--profile", "prod")
	if js.code != 0 || human.code != 0 {
		t.Fatalf("--profile prod:\n%s", human)
	}
	for _, l := range lines {
		if l.Profile == "a" || l.Profile == "b" {
			t.Errorf("--profile prod checked %s: %s", l.Profile, l.Message)
		}
	}
	for _, want := range []string{"profile prod: credential_process runs stscred role prod-admin", "profile prod-admin assumes", "profile alice: access key"} {
		if !strings.Contains(human.stdout, want) {
			t.Errorf("lacks %q:\n%s", want, human.stdout)
		}
	}
	_, js, human = w.doctor(env)
	if js.code != 1 || !strings.Contains(human.stdout, "✗ profile a: source_profile cycle") {
		t.Errorf("without --profile the cycle must fail doctor:\n%s", human)
	}
	_, js, human = w.doctor(env, "--profile", "nosuch")
	if js.code != 1 || !strings.Contains(human.stdout, "✗ profile nosuch is not in the config file") {
		t.Errorf("--profile nosuch:\n%s", human)
	}
}

// stscred list shows each cached session's time left and the key's age,
// with no network call.
func TestListTimeLeftAndKeyAge(t *testing.T) {
	w := newWorld(t)
	_, added := healthyAdded(w)
	session, role := mfaSessions(w)
	gst, ar, gci := w.counts()
	before := len(w.srv.Requests())
	var res result
	ran := during(func() { res = w.stscred("list") })
	if res.code != 0 {
		t.Fatalf("list: %s", res)
	}
	// The key's age and the sessions' time left, as the clock shows them
	// while list runs: "(0s old)", "11h59m left" and "59m left" on a
	// machine that runs the test within a second and a minute.
	var aliceLines []string
	for _, age := range ages(added, ran) {
		aliceLines = append(aliceLines, oneOf("alice       user  AKIA…"+w.key.ID[len(w.key.ID)-4:]+" ("+age+" old)  session (MFA) ", lefts(session.Expiration, ran), "")...)
	}
	for _, want := range [][]string{
		aliceLines,
		oneOf("prod-admin  role  -                   role (MFA) ", lefts(role.Expiration, ran), ""),
	} {
		if !containsOne(res.stdout, want) {
			t.Errorf("list lacks one of %q:\n%s", want, res.stdout)
		}
	}
	ran = during(func() { res = w.stscred("list", "--json") })
	var rows []struct {
		Profile  string     `json:"profile"`
		KeyAdded *time.Time `json:"key_added"`
		Sessions []struct {
			Left    string    `json:"left"`
			Expires time.Time `json:"expires"`
		} `json:"sessions"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &rows); err != nil {
		t.Fatalf("list --json: %v %s", err, res)
	}
	for _, r := range rows {
		switch r.Profile {
		case "alice":
			if r.KeyAdded == nil || r.KeyAdded.Before(added.from) || r.KeyAdded.After(added.to) ||
				len(r.Sessions) != 1 || !slices.Contains(lefts(session.Expiration, ran), r.Sessions[0].Left) {
				t.Errorf("alice: %+v", r)
			}
		case "prod-admin":
			// The role session's expiry as STS gave it (to the second).
			if len(r.Sessions) != 1 || r.Sessions[0].Expires.Before(role.Expiration.Truncate(time.Second)) || r.Sessions[0].Expires.After(role.Expiration) {
				t.Errorf("prod-admin: %+v, want the expiry %s", r, role.Expiration)
			}
		}
	}
	if g, a, c := w.counts(); g != gst || a != ar || c != gci || len(w.srv.Requests()) != before {
		t.Errorf("list made STS calls")
	}
	w.assertNoSecretIn(res.stdout)
}

// After stscred import, the IAM user's profile runs `stscred session
// alice` for the AWS tools: doctor still sees it as the key holder at the
// end of prod-admin's chain, and checks its key.
func TestDoctorSelfCallProfile(t *testing.T) {
	requireTool(t, "oathtool", "oathtool")
	w := newWorld(t)
	env := healthy(w)
	w.writeConfig(strings.Replace(healthyConfig(w), "[profile alice]\n", "[profile alice]\ncredential_process = stscred session alice\n", 1))
	lines, _, human := w.doctor(env)
	if human.code != 0 {
		t.Fatalf("a self-call source profile fails doctor:\n%s", human.stdout)
	}
	for _, check := range []string{"source_chain", "key", "credential_process"} {
		for _, s := range statusOf(lines, check) {
			if s != "pass" {
				t.Errorf("%s: %s\n%s", check, s, human.stdout)
			}
		}
	}
	if !strings.Contains(human.stdout, "✓ profile alice: access key AKIA…") {
		t.Fatalf("alice's key is not checked:\n%s", human.stdout)
	}
}
