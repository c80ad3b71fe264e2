package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/ops/doctor"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

func newDoctorLive(t *testing.T, extraConfig string) *live {
	t.Helper()
	l := newLive(t, ststest.Options{}, extraConfig)
	l.env.LookPath = func(prog string) (string, error) { return "/opt/bin/" + prog, nil }
	l.vars["STSCRED_CACHE_DIR"] = l.env.SessionCache.Dir()
	return l
}

func (l *live) doctorJSON(t *testing.T, args ...string) ([]doctor.Check, int) {
	t.Helper()
	code := l.run(append([]string{"doctor", "--output", "json"}, args...)...)
	var res []doctor.Check
	if err := json.Unmarshal(l.stdout.Bytes(), &res); err != nil {
		t.Fatalf("doctor --output json: %v\n%s", err, l.stdout)
	}
	for _, r := range res {
		if r.OK != (r.Status != doctor.Fail) {
			t.Errorf("ok and status disagree: %+v", r)
		}
	}
	return res, code
}

func find(res []doctor.Check, check string) []doctor.Check {
	var out []doctor.Check
	for _, r := range res {
		if r.ID == check {
			out = append(out, r)
		}
	}
	return out
}

// The clock check compares this machine's clock (Env.Now) with the Date
// of STS's answer.
func TestDoctorClock(t *testing.T) {
	for _, tc := range []struct {
		off    time.Duration
		status doctor.Status
		code   int
		want   string
	}{
		{0, doctor.Pass, 0, "clock: this machine agrees with STS at "},
		{-3 * time.Minute, doctor.Warn, 0, "clock: this machine is 3m00s behind STS at "},
		{7 * time.Minute, doctor.Fail, 1, "clock: this machine is 7m00s ahead of STS at "},
	} {
		l := newDoctorLive(t, "")
		l.env.Now = func() time.Time { return time.Now().Add(tc.off) }
		res, code := l.doctorJSON(t)
		clock := find(res, doctor.IDClock)
		if code != tc.code || len(clock) != 1 || clock[0].Status != tc.status || !strings.HasPrefix(clock[0].Message, tc.want) {
			t.Errorf("offset %v: exit %d, clock %+v", tc.off, code, clock)
		}
		if sts := find(res, doctor.IDSTS); len(sts) != 1 || sts[0].Status != doctor.Pass || !strings.Contains(sts[0].Message, "the access key AKIA…") {
			t.Errorf("sts: %+v", sts)
		}
		if strings.Contains(l.stdout.String(), l.key.Secret) {
			t.Fatal("the secret is in the output")
		}
	}
}

// A stored key STS no longer knows: the sts line fails with what to do.
func TestDoctorRefusedKey(t *testing.T) {
	l := newDoctorLive(t, "")
	if err := l.srv.DeleteAccessKey(l.key.ID); err != nil {
		t.Fatal(err)
	}
	res, code := l.doctorJSON(t)
	sts := find(res, doctor.IDSTS)
	if code != 1 || len(sts) != 1 || sts[0].Status != doctor.Fail || !strings.Contains(sts[0].Message, "InvalidClientTokenId") || !strings.Contains(sts[0].Hint, "stscred add alice") {
		t.Errorf("exit %d, sts %+v", code, sts)
	}
	// The Date of the error answer still serves the clock check.
	if clock := find(res, doctor.IDClock); len(clock) != 1 || clock[0].Status != doctor.Pass {
		t.Errorf("clock %+v", clock)
	}
}

// Where the hook lives for each shell, and what counts as damaged.
func TestDoctorShellHook(t *testing.T) {
	block := func(sh, line string) string {
		return "# >>> stscred shell hook >>>\n" + line + "\n# <<< stscred shell hook <<<\n"
	}
	for _, tc := range []struct {
		name, shell, rc, content string
		vars                     map[string]string
		status                   doctor.Status
		want                     string
	}{
		{"zsh in ZDOTDIR", "/usr/bin/zsh", "zdot/.zshrc", block("zsh", `eval "$(stscred shell-init zsh)"`), map[string]string{"ZDOTDIR": "zdot"}, doctor.Pass, "shell hook installed in ~/zdot/.zshrc"},
		{"fish in XDG_CONFIG_HOME", "/usr/bin/fish", "xdg/fish/config.fish", block("fish", "stscred shell-init fish | source"), map[string]string{"XDG_CONFIG_HOME": "xdg"}, doctor.Pass, "shell hook installed in ~/xdg/fish/config.fish"},
		{"markers reversed", "/bin/bash", ".bashrc", "# <<< stscred shell hook <<<\neval \"$(stscred shell-init bash)\"\n# >>> stscred shell hook >>>\n", nil, doctor.Fail, "damaged: 1 start and 1 end marker lines"},
		{"two blocks", "/bin/bash", ".bashrc", block("bash", `eval "$(stscred shell-init bash)"`) + block("bash", `eval "$(stscred shell-init bash)"`), nil, doctor.Fail, "damaged: 2 start and 2 end"},
		{"commented out", "/bin/bash", ".bashrc", block("bash", `# eval "$(stscred shell-init bash)"`), nil, doctor.Fail, "does not load stscred shell-init"},
		{"not installed", "/bin/bash", ".bashrc", "alias ll='ls -l'\n", nil, doctor.Info, "shell hook not installed in ~/.bashrc (optional)"},
		{"other shell", "/bin/tcsh", "", "", nil, doctor.Info, "shell hook not checked: SHELL is /bin/tcsh"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newDoctorLive(t, "")
			home := l.env.Getenv("HOME")
			l.vars["SHELL"] = tc.shell
			for k, v := range tc.vars {
				l.vars[k] = filepath.Join(home, v)
			}
			if tc.rc != "" {
				path := filepath.Join(home, tc.rc)
				os.MkdirAll(filepath.Dir(path), 0o700)
				if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			res, _ := l.doctorJSON(t)
			hook := find(res, doctor.IDShellHook)
			if len(hook) != 1 || hook[0].Status != tc.status || !strings.Contains(hook[0].Message, tc.want) {
				t.Errorf("%+v", hook)
			}
			if hook[0].Status != doctor.Pass && hook[0].Hint == "" {
				t.Errorf("no hint: %+v", hook)
			}
		})
	}
}

// Each credential_process line that calls stscred is checked against the
// config; other programs are not stscred's business.
func TestDoctorCredentialProcessLines(t *testing.T) {
	l := newDoctorLive(t, `
[profile s]
credential_process = stscred session alice
[profile inline]
credential_process = stscred role --role-arn arn:aws:iam::222222222222:role/Admin --source nobody
[profile exp]
credential_process = stscred export prod
[profile other]
credential_process = aws-vault exec other --json
[profile sess-role]
credential_process = stscred session prod-admin
`)
	res, code := l.doctorJSON(t)
	if code != 1 {
		t.Errorf("exit %d", code)
	}
	want := map[string]doctor.Status{
		"prod":      doctor.Pass,
		"s":         doctor.Pass,
		"inline":    doctor.Fail,
		"exp":       doctor.Fail,
		"sess-role": doctor.Fail,
	}
	got := map[string]doctor.Status{}
	for _, r := range find(res, doctor.IDCredProcess) {
		got[r.Profile] = r.Status
	}
	for p, st := range want {
		if got[p] != st {
			t.Errorf("%s: %q, want %q", p, got[p], st)
		}
	}
	if _, ok := got["other"]; ok {
		t.Error("a foreign credential_process was checked")
	}
	// alice's key is needed by prod-admin, prod and s: it is there.
	if key := find(res, doctor.IDKey); len(key) != 1 || key[0].Status != doctor.Pass || !strings.Contains(key[0].Message, "(added 3d ago, ") && !strings.Contains(key[0].Message, "(added 3d ago)") {
		t.Errorf("key %+v", key)
	}
}

// What doctor says is said once, in plain words, with one hint per
// problem, and that hint fits the problem.
func TestDoctorWording(t *testing.T) {
	l := newDoctorLive(t, `
[profile orphan]
source_profile = alcie
role_arn = arn:aws:iam::222222222222:role/Admin
[profile typo]
credential_process = stscred rle prod-admin
[profile missing]
credential_process = /nonexistent/dir/stscred role prod-admin
`)
	res, _ := l.doctorJSON(t)
	byProfile := map[string]doctor.Check{}
	for _, r := range res {
		if r.Status == doctor.Fail {
			byProfile[r.Profile] = r
		}
		if r.Profile != "" && strings.Count(r.Message, "profile "+r.Profile+":")+strings.Count(r.Message, `profile "`+r.Profile+`"`) > 1 {
			t.Errorf("the name %s is said twice: %q", r.Profile, r.Message)
		}
		if strings.Contains(r.Hint, "; ") {
			t.Errorf("%s: more than one hint for one problem: %q", r.Profile, r.Hint)
		}
	}
	for name, want := range map[string]struct{ msg, hint string }{
		"orphan":  {`profile "orphan" has source_profile = "alcie"`, `did you mean "alice"? (source_profile on line `},
		"typo":    {"arguments do not parse: unexpected argument rle", "did you mean credential_process = stscred role prod-admin?"},
		"missing": {"runs /nonexistent/dir/stscred, which does not exist", "fix the path in credential_process of [profile missing]"},
	} {
		r, ok := byProfile[name]
		if !ok {
			t.Errorf("%s: no failed check", name)
			continue
		}
		if !strings.Contains(r.Message, want.msg) || !strings.HasPrefix(r.Hint, want.hint) {
			t.Errorf("%s: %q %q, want %q and hint %q", name, r.Message, r.Hint, want.msg, want.hint)
		}
		if strings.Contains(r.Hint, "PATH") {
			t.Errorf("%s: a PATH hint for a path: %q", name, r.Hint)
		}
	}
}

// doctor --profile shows that chain's cached entries only, and the key it
// needs as stored.
func TestDoctorProfileScope(t *testing.T) {
	l := newDoctorLive(t, "[profile ro]\nsource_profile = alice\nrole_arn = arn:aws:iam::222222222222:role/ReadOnly\n")
	if code := l.run("--mfa-token", l.code(), "role", "prod-admin"); code != 0 {
		t.Fatalf("role prod-admin: %s", l.stderr)
	}
	if code := l.run("role", "ro"); code != 0 {
		t.Fatalf("role ro: %s", l.stderr)
	}
	for prof, want := range map[string][]string{
		"ro":    {"alice", "ro"},
		"prod":  {"alice", "prod-admin"},
		"alice": {"alice"},
	} {
		res, code := l.doctorJSON(t, "--profile", prof)
		if code != 0 {
			t.Errorf("--profile %s: exit %d %+v", prof, code, res)
		}
		var got []string
		for _, r := range find(res, doctor.IDCache) {
			got = append(got, r.Profile)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("--profile %s: cache entries of %q, want %q", prof, got, want)
		}
		if key := find(res, doctor.IDKey); len(key) != 1 || key[0].Status != doctor.Pass {
			t.Errorf("--profile %s: key %+v", prof, key)
		}
	}
}
