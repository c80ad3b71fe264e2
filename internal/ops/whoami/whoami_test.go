package whoami_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/aws/idtoken"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/ops/awsout"
	"github.com/stscred/stscred/internal/ops/whoami"
	"github.com/stscred/stscred/internal/session/resolve"
	"github.com/stscred/stscred/internal/testkit/testclock"
)

const configPath = "/home/u/.aws/config"

const config = `
[profile alice]
region = eu-west-1
output = table
mfa_serial = arn:aws:iam::111111111111:mfa/alice

[profile ops]
region = ap-south-1
output = text

[profile prod-admin]
source_profile = alice
role_arn = arn:aws:iam::222222222222:role/Admin

[profile prod]
credential_process = stscred role prod-admin

[profile noregion]
credential_process = stscred role prod-admin

[profile other]
credential_process = aws-vault export other --format=json

[profile ci]
role_arn = arn:aws:iam::222222222222:role/CI
web_identity_token_file = TOKENFILE
region = us-west-2

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Dev
region = eu-central-1
`

const withDefault = config + `
[default]
region = us-east-2
`

// Secrets: none may appear in an error, a hint or Details.
const (
	envKeyID  = "ASIAENVIRONMENTKEY01"
	envSecret = "EnVsEcReT/0123456789abcdefghijKLMNOPQRST"
	envToken  = "FwoGZXIvYXdzENVIRONMENTTOKEN//////////wEaDEXAMPLE"
	toolKeyID = "ASIATOOLCREDENTIAL01"
	toolSecr  = "ToOlSeCrEt/0123456789abcdefghijKLMNOPQRST"
	toolToken = "FwoGZXIvYXdzTOOLTOKEN//////////wEaDEXAMPLE"
)

var secrets = []string{envKeyID, envSecret, envToken, toolKeyID, toolSecr, toolToken}

var now = time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)

// world is what whoami looks at: an environment, a config and the AWS
// tools' view of a profile, all fakes.
type world struct {
	t     *testing.T
	env   map[string]string
	text  string // the config
	cfErr error  // the config cannot be read
	tool  resolve.ToolResult
	tErr  error
	asked []string // the profiles Tools was asked for
	clock *testclock.Clock
}

func newWorld(t *testing.T, text string) *world {
	return &world{t: t, env: map[string]string{}, text: text, clock: testclock.At(now),
		tool: resolve.ToolResult{
			Creds: creds.Credentials{AccessKeyID: toolKeyID, SecretAccessKey: toolSecr, SessionToken: toolToken, Expiration: now.Add(42 * time.Minute)},
			Via:   "stscred",
		}}
}

func (w *world) getenv(k string) string { return w.env[k] }

// setup is whoami.Setup as app.Whoami fills it.
func (w *world) setup() whoami.Setup {
	defaultProfile := "default"
	for _, v := range []string{"STSCRED_PROFILE", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"} {
		if p := w.env[v]; p != "" {
			defaultProfile = p
			break
		}
	}
	return whoami.Setup{
		Getenv: w.getenv,
		Config: func() (*awsconfig.File, error) {
			if w.cfErr != nil {
				return nil, w.cfErr
			}
			return awsconfig.Parse(configPath, []byte(w.text))
		},
		ConfigPath:     func() (string, error) { return configPath, nil },
		DefaultProfile: defaultProfile,
		Settings:       awsapi.SettingsFrom(w.getenv),
		Tokens:         idtoken.Setup{Getenv: w.getenv},
		Tools: func(_ context.Context, name string) (resolve.ToolResult, error) {
			w.asked = append(w.asked, name)
			if w.tErr != nil {
				return resolve.ToolResult{}, w.tErr
			}
			r := w.tool
			r.Profile = name
			return r, nil
		},
	}
}

// creds runs Choose and Credentials as app.Whoami does.
func (w *world) creds(profile string) (whoami.Target, whoami.Creds) {
	w.t.Helper()
	s := w.setup()
	tg, err := whoami.Choose(s, profile)
	if err != nil {
		w.t.Fatalf("Choose(%q): %v", profile, err)
	}
	wc, err := tg.Credentials(context.Background(), s)
	if err != nil {
		w.t.Fatalf("Credentials(%q): %v", profile, err)
	}
	return tg, wc
}

func assertNoSecret(t *testing.T, where, text string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("%s shows a secret (%.8s...): %s", where, s, text)
		}
	}
}

// errText is an error as the user sees it: the message and every hint.
func errText(err error) string {
	return err.Error() + "\n" + strings.Join(hint.Of(err), "\n")
}

func TestChooseEnvironmentCredentials(t *testing.T) {
	w := newWorld(t, config)
	w.env["AWS_ACCESS_KEY_ID"] = envKeyID
	w.env["AWS_SECRET_ACCESS_KEY"] = envSecret
	w.env["AWS_SESSION_TOKEN"] = envToken
	w.env["AWS_CREDENTIAL_EXPIRATION"] = "2030-05-06T08:00:00+02:00"
	w.env["AWS_PROFILE"] = "alice"
	tg, wc := w.creds("")
	if len(w.asked) != 0 {
		t.Errorf("the environment's credentials were chosen, but Tools was asked for %q", w.asked)
	}
	if tg.OutputSetting != "table" {
		t.Errorf("OutputSetting = %q, want the output of the profile AWS_PROFILE names", tg.OutputSetting)
	}
	want := creds.Credentials{AccessKeyID: envKeyID, SecretAccessKey: envSecret, SessionToken: envToken}
	if wc.Cr.AccessKeyID != want.AccessKeyID || wc.Cr.SecretAccessKey != want.SecretAccessKey || wc.Cr.SessionToken != want.SessionToken {
		t.Errorf("credentials %+v, want the environment's", wc.Cr)
	}
	if !wc.Cr.Expiration.Equal(time.Date(2030, 5, 6, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("expiration %v, want AWS_CREDENTIAL_EXPIRATION", wc.Cr.Expiration)
	}
	if wc.Source != "environment" || wc.Profile != "" || wc.MFA != nil {
		t.Errorf("creds %+v: want source environment, no profile, MFA unknown", wc)
	}
	if wc.EP.Region != "eu-west-1" {
		t.Errorf("endpoint %+v, want the region of the profile AWS_PROFILE names", wc.EP)
	}
}

// After eval "$(stscred export ops)", STSCRED_PROFILE says which profile
// the environment's credentials are; it wins over AWS_PROFILE.
func TestChooseEnvironmentCredentialsOfAnExport(t *testing.T) {
	w := newWorld(t, config)
	w.env["AWS_ACCESS_KEY_ID"] = envKeyID
	w.env["AWS_SECRET_ACCESS_KEY"] = envSecret
	w.env["STSCRED_PROFILE"] = "ops"
	w.env["AWS_PROFILE"] = "alice"
	tg, wc := w.creds("")
	if tg.OutputSetting != "text" || wc.Profile != "ops" || wc.EP.Region != "ap-south-1" {
		t.Errorf("output %q, creds %+v: want ops's", tg.OutputSetting, wc)
	}
	if !wc.Cr.Expiration.IsZero() {
		t.Errorf("expiration %v without AWS_CREDENTIAL_EXPIRATION", wc.Cr.Expiration)
	}
	// AWS_REGION says where, whatever the profile says.
	w.env["AWS_REGION"] = "sa-east-1"
	if _, wc := w.creds(""); wc.EP.Region != "sa-east-1" {
		t.Errorf("endpoint %+v, want AWS_REGION's", wc.EP)
	}
}

// The environment's credentials do not need a config: a missing profile,
// an unreadable config or a bad expiration changes nothing but the region
// and output.
func TestChooseEnvironmentCredentialsWithoutConfig(t *testing.T) {
	w := newWorld(t, config)
	w.env["AWS_ACCESS_KEY_ID"] = envKeyID
	w.env["AWS_SECRET_ACCESS_KEY"] = envSecret
	w.env["AWS_PROFILE"] = "nosuch"
	w.env["AWS_CREDENTIAL_EXPIRATION"] = "tomorrow"
	tg, wc := w.creds("")
	if tg.OutputSetting != "" || wc.EP.Region != awsapi.DefaultRegion || !wc.Cr.Expiration.IsZero() {
		t.Errorf("output %q, creds %+v", tg.OutputSetting, wc)
	}
	w.cfErr = errors.New("config: permission denied")
	if _, wc := w.creds(""); wc.Source != "environment" {
		t.Errorf("creds %+v", wc)
	}
}

func TestChooseHalfAKey(t *testing.T) {
	for _, tc := range []struct{ set, missing string }{
		{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"},
		{"AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID"},
	} {
		w := newWorld(t, withDefault)
		w.env[tc.set] = map[string]string{"AWS_ACCESS_KEY_ID": envKeyID, "AWS_SECRET_ACCESS_KEY": envSecret}[tc.set]
		_, err := whoami.Choose(w.setup(), "")
		if err == nil {
			t.Fatalf("only %s set: no error", tc.set)
		}
		if !strings.HasPrefix(err.Error(), tc.missing+" is not set") {
			t.Errorf("only %s set: %q, want it to name %s", tc.set, err, tc.missing)
		}
		all := errText(err)
		if !strings.Contains(all, "unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN") || !strings.Contains(all, "stscred export") {
			t.Errorf("only %s set: hints %q", tc.set, hint.Of(err))
		}
		assertNoSecret(t, "the error", all)
		if len(w.asked) != 0 {
			t.Errorf("Tools asked for %q", w.asked)
		}
	}
}

// A profile named on the command line wins over the environment's
// credentials, as with the AWS CLI's --profile.
func TestChooseNamedProfileOverEnvironment(t *testing.T) {
	w := newWorld(t, config)
	w.env["AWS_ACCESS_KEY_ID"] = envKeyID
	w.env["AWS_SECRET_ACCESS_KEY"] = envSecret
	tg, wc := w.creds("alice")
	if strings.Join(w.asked, ",") != "alice" {
		t.Fatalf("Tools asked for %q, want alice", w.asked)
	}
	if wc.Cr.AccessKeyID != toolKeyID || wc.Profile != "alice" || tg.OutputSetting != "table" {
		t.Errorf("output %q, creds %+v", tg.OutputSetting, wc)
	}
}

func TestChooseDefaultProfile(t *testing.T) {
	w := newWorld(t, withDefault)
	if _, wc := w.creds(""); strings.Join(w.asked, ",") != "default" || wc.Profile != "default" || wc.EP.Region != "us-east-2" {
		t.Errorf("asked %q, creds %+v: want the default profile's", w.asked, wc)
	}
	// AWS_PROFILE names the profile tools use when none is named.
	w = newWorld(t, withDefault)
	w.env["AWS_PROFILE"] = "ops"
	if _, wc := w.creds(""); strings.Join(w.asked, ",") != "ops" || wc.Profile != "ops" {
		t.Errorf("asked %q, creds %+v: want AWS_PROFILE's", w.asked, wc)
	}
}

// No key in the environment, no profile named and no default profile:
// nothing to sign with, and the error says where to go from here.
func TestChooseNothingToSignWith(t *testing.T) {
	w := newWorld(t, config)
	_, err := whoami.Choose(w.setup(), "")
	if err == nil {
		t.Fatal("no error")
	}
	if !strings.Contains(err.Error(), configPath+" has no default profile") || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID is not set") {
		t.Errorf("error %q", err)
	}
	all := strings.Join(hint.Of(err), "\n")
	if !strings.Contains(all, "stscred whoami PROFILE") || !strings.Contains(all, "AWS_PROFILE") || !strings.Contains(all, "stscred export PROFILE") {
		t.Errorf("hints %q", hint.Of(err))
	}
	// Naming the default profile is asking for a profile that is not
	// there: the config's own error.
	if _, err := whoami.Choose(w.setup(), "default"); !errors.Is(err, awsconfig.ErrProfileNotFound) {
		t.Errorf("Choose(default) = %v, want ErrProfileNotFound", err)
	}
}

func TestChooseUnknownProfile(t *testing.T) {
	w := newWorld(t, config)
	_, err := whoami.Choose(w.setup(), "prod-admn")
	if !errors.Is(err, awsconfig.ErrProfileNotFound) {
		t.Fatalf("err = %v, want ErrProfileNotFound", err)
	}
	if all := strings.Join(hint.Of(err), "\n"); !strings.Contains(all, `did you mean "prod-admin"?`) {
		t.Errorf("hints %q", hint.Of(err))
	}
	w.env["AWS_PROFILE"] = "nosuch"
	if _, err := whoami.Choose(w.setup(), ""); !errors.Is(err, awsconfig.ErrProfileNotFound) {
		t.Errorf("AWS_PROFILE=nosuch: %v, want ErrProfileNotFound", err)
	}
	if len(w.asked) != 0 {
		t.Errorf("Tools asked for %q", w.asked)
	}
}

func TestChooseConfigError(t *testing.T) {
	w := newWorld(t, config)
	w.cfErr = errors.New("reading config: permission denied")
	if _, err := whoami.Choose(w.setup(), "alice"); !errors.Is(err, w.cfErr) {
		t.Errorf("err = %v, want the config's error", err)
	}
}

func TestCredentialsOfAProfile(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cached bool
		mfa    bool
		via    string
		source string
		mfaOut string // what MFA says: "nil", "true", "false"
	}{
		{"fetched with MFA", false, true, "stscred", "sts", "true"},
		{"cached without MFA", true, false, "stscred", "cache", "false"},
		{"a foreign credential_process", false, false, "credential_process", "credential_process", "nil"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, config)
			w.tool.Cached, w.tool.MFA, w.tool.Via = tc.cached, tc.mfa, tc.via
			_, wc := w.creds("prod")
			if wc.Source != tc.source {
				t.Errorf("source %q, want %q", wc.Source, tc.source)
			}
			mfa := "nil"
			if wc.MFA != nil {
				mfa = fmt.Sprint(*wc.MFA)
			}
			if mfa != tc.mfaOut {
				t.Errorf("MFA %s, want %s", mfa, tc.mfaOut)
			}
			if wc.Profile != "prod" || wc.Cr != w.tool.Creds {
				t.Errorf("creds %+v", wc)
			}
		})
	}
}

// The region is the profile's own, else the one tools would use with it
// (what stscred export would set), else AWS_REGION's over both.
func TestCredentialsRegion(t *testing.T) {
	w := newWorld(t, config)
	w.tool.Region = "ap-southeast-2"
	if _, wc := w.creds("noregion"); wc.EP.Region != "ap-southeast-2" {
		t.Errorf("no region of its own: endpoint %+v, want the tools' region", wc.EP)
	}
	if _, wc := w.creds("alice"); wc.EP.Region != "eu-west-1" {
		t.Errorf("endpoint %+v, want alice's own region", wc.EP)
	}
	w.env["AWS_REGION"] = "ca-central-1"
	if _, wc := w.creds("alice"); wc.EP.Region != "ca-central-1" {
		t.Errorf("endpoint %+v, want AWS_REGION", wc.EP)
	}
	w.env["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:4566"
	if _, wc := w.creds("alice"); wc.EP.URL != "http://127.0.0.1:4566" {
		t.Errorf("endpoint %+v, want AWS_ENDPOINT_URL_STS", wc.EP)
	}
}

func TestCredentialsOfSSO(t *testing.T) {
	w := newWorld(t, config)
	w.tool.MFA = true
	w.tool.SSO = &awsconfig.SSO{Session: "corp", StartURL: "https://corp.awsapps.com/start", AccountID: "111111111111", RoleName: "Dev"}
	_, wc := w.creds("dev")
	if wc.SSO == nil || wc.SSO.RoleName != "Dev" {
		t.Errorf("SSO %+v", wc.SSO)
	}
	if wc.MFA != nil {
		t.Errorf("MFA %v: whether Identity Center asked for MFA is not known", *wc.MFA)
	}
}

func TestCredentialsError(t *testing.T) {
	w := newWorld(t, config)
	w.tErr = errors.New("no key stored for alice")
	s := w.setup()
	tg, err := whoami.Choose(s, "prod")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tg.Credentials(context.Background(), s); !errors.Is(err, w.tErr) {
		t.Errorf("err = %v, want Tools' error", err)
	}
}

func jwt(t *testing.T, claims map[string]any) string {
	t.Helper()
	b, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc(b) + "." + enc([]byte("signature"))
}

// A web identity profile's token file is read for what the token says of
// itself; a token that cannot be read is no error (whoami asks STS).
func TestCredentialsWebIdentityToken(t *testing.T) {
	file := filepath.Join(t.TempDir(), "token")
	tok := jwt(t, map[string]any{
		"iss": "https://token.actions.githubusercontent.com", "sub": "repo:o/r:ref:refs/heads/main",
		"aud": []string{"sts.amazonaws.com", "other"}, "exp": now.Add(5 * time.Minute).Unix(),
	})
	if err := os.WriteFile(file, []byte(tok+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, strings.Replace(config, "TOKENFILE", file, 1))
	_, wc := w.creds("ci")
	if wc.Token == nil {
		t.Fatal("no token claims")
	}
	c := wc.Token
	if c.Issuer != "https://token.actions.githubusercontent.com" || c.Subject != "repo:o/r:ref:refs/heads/main" ||
		strings.Join(c.Audience, ",") != "sts.amazonaws.com,other" || !c.Expires.Equal(now.Add(5*time.Minute)) {
		t.Errorf("claims %+v", c)
	}
	if _, wc := w.creds("alice"); wc.Token != nil {
		t.Errorf("a profile without a token has claims %+v", wc.Token)
	}

	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if _, wc := w.creds("ci"); wc.Token != nil {
		t.Errorf("a missing token file gives claims %+v", wc.Token)
	}
}

func apiError(code, msg string) *awsapi.APIError {
	return &awsapi.APIError{Op: "GetCallerIdentity", Code: code, Message: msg, Status: 403, Endpoint: "https://sts.eu-west-1.amazonaws.com"}
}

func envCreds() whoami.Creds {
	return whoami.Creds{Source: "environment", Cr: creds.Credentials{AccessKeyID: envKeyID, SecretAccessKey: envSecret, SessionToken: envToken}}
}

func profileCreds(name, source string) whoami.Creds {
	return whoami.Creds{Profile: name, Source: source, Cr: creds.Credentials{AccessKeyID: toolKeyID, SecretAccessKey: toolSecr, SessionToken: toolToken}}
}

func TestFailedUnreachable(t *testing.T) {
	ue := &awsapi.UnreachableError{Op: "GetCallerIdentity", Endpoint: "https://sts.eu-west-1.amazonaws.com", Err: errors.New("connection refused"), NotSent: true}
	err := whoami.Failed(fmt.Errorf("calling STS: %w", ue), profileCreds("prod", "cache"), now)
	var got *awsapi.UnreachableError
	if !errors.As(err, &got) || got != ue {
		t.Fatalf("err = %v, want the UnreachableError", err)
	}
	all := strings.Join(hint.Of(err), "\n")
	if !strings.Contains(all, "network") || !strings.Contains(all, "AWS_ENDPOINT_URL_STS") {
		t.Errorf("hints %q", hint.Of(err))
	}
}

func TestFailedOtherErrorsPassThrough(t *testing.T) {
	plain := errors.New("context canceled")
	if err := whoami.Failed(plain, envCreds(), now); err != plain {
		t.Errorf("Failed(%v) = %v, want it unchanged", plain, err)
	}
}

func TestFailedExplained(t *testing.T) {
	for _, tc := range []struct {
		name      string
		err       *awsapi.APIError
		wc        whoami.Creds
		msg       string   // the error, exactly
		hints     []string // in the hints
		notInHint []string
	}{
		{
			name:  "expired environment credentials",
			err:   apiError("ExpiredToken", "The security token included in the request is expired."),
			wc:    envCreds(),
			msg:   "the credentials in AWS_ACCESS_KEY_ID (ASIA…EY01) have expired: The security token included in the request is expired",
			hints: []string{`load fresh ones: eval "$(stscred export PROFILE)", or unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN`},
		},
		{
			name:  "expired cached credentials",
			err:   apiError("ExpiredToken", "The security token included in the request is expired"),
			wc:    profileCreds("prod", "cache"),
			msg:   "the credentials of profile prod have expired: The security token included in the request is expired",
			hints: []string{"drop the cached credentials and try again: stscred clear prod"},
		},
		{
			name:  "credentials STS does not know",
			err:   apiError("InvalidClientTokenId", "The security token included in the request is invalid."),
			wc:    profileCreds("prod", "sts"),
			msg:   "STS does not accept the credentials of profile prod: The security token included in the request is invalid",
			hints: []string{"stscred clear prod"},
		},
		{
			name:      "a foreign credential_process's credentials",
			err:       apiError("InvalidClientTokenId", "The security token included in the request is invalid."),
			wc:        profileCreds("other", "credential_process"),
			msg:       "STS does not accept the credentials the credential_process of profile other printed: The security token included in the request is invalid",
			hints:     []string{"run the credential_process yourself to see what it prints"},
			notInHint: []string{"stscred clear"},
		},
		{
			name:      "a bad signature, clocks agreeing",
			err:       apiError("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."),
			wc:        envCreds(),
			msg:       "STS rejected the signature made with the credentials in AWS_ACCESS_KEY_ID (ASIA…EY01): The request signature we calculated does not match the signature you provided",
			hints:     []string{"if the secret is wrong, load fresh ones", "stscred doctor checks the clock against STS"},
			notInHint: []string{"clock is"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := whoami.Failed(fmt.Errorf("GetCallerIdentity: %w", tc.err), tc.wc, now)
			if err.Error() != tc.msg {
				t.Errorf("error\n got %q\nwant %q", err, tc.msg)
			}
			all := strings.Join(hint.Of(err), "\n")
			for _, h := range tc.hints {
				if !strings.Contains(all, h) {
					t.Errorf("hints %q lack %q", hint.Of(err), h)
				}
			}
			for _, h := range tc.notInHint {
				if strings.Contains(all, h) {
					t.Errorf("hints %q have %q", hint.Of(err), h)
				}
			}
			assertNoSecret(t, "the error", errText(err))
		})
	}
}

// A signature refused by a server whose clock is more than 5 minutes off
// this one's is the clock's fault, and the hint says by how much.
func TestFailedClockSkew(t *testing.T) {
	clock := testclock.At(now)
	for _, tc := range []struct {
		skew time.Duration
		want string // "" for no clock hint
	}{
		{7 * time.Minute, "this machine's clock is 7m00s off STS's"},
		{-(6*time.Minute + 3*time.Second), "this machine's clock is 6m03s off STS's"},
		{4 * time.Minute, ""},
		{-4 * time.Minute, ""},
	} {
		ae := apiError("SignatureDoesNotMatch", "Signature expired")
		ae.ServerTime = clock.Now().Add(tc.skew)
		err := whoami.Failed(ae, profileCreds("prod", "cache"), clock.Now())
		all := strings.Join(hint.Of(err), "\n")
		switch {
		case tc.want != "" && !strings.Contains(all, tc.want):
			t.Errorf("skew %v: hints %q, want %q", tc.skew, hint.Of(err), tc.want)
		case tc.want != "" && strings.Contains(all, "if the secret is wrong"):
			t.Errorf("skew %v: hints %q blame the secret", tc.skew, hint.Of(err))
		case tc.want == "" && strings.Contains(all, "clock is"):
			t.Errorf("skew %v: hints %q blame the clock", tc.skew, hint.Of(err))
		case tc.want == "" && !strings.Contains(all, "if the secret is wrong, drop the cached credentials and try again: stscred clear prod"):
			t.Errorf("skew %v: hints %q", tc.skew, hint.Of(err))
		}
		if !strings.Contains(all, "stscred doctor checks the clock against STS") {
			t.Errorf("skew %v: hints %q lack doctor", tc.skew, hint.Of(err))
		}
	}
	// The same server time, seen from a clock that has moved on, is no
	// longer a skew.
	ae := apiError("SignatureDoesNotMatch", "Signature expired")
	ae.ServerTime = clock.Now().Add(7 * time.Minute)
	clock.Advance(7 * time.Minute)
	if all := strings.Join(hint.Of(whoami.Failed(ae, envCreds(), clock.Now())), "\n"); strings.Contains(all, "clock is") {
		t.Errorf("hints %q: the skew is measured from the clock given", all)
	}
}

func TestFailedOtherRefusal(t *testing.T) {
	ae := apiError("AccessDenied", "User is not authorized to perform sts:GetCallerIdentity")
	err := whoami.Failed(ae, profileCreds("prod", "sts"), now)
	var got *awsapi.APIError
	if !errors.As(err, &got) || got != ae {
		t.Fatalf("err = %v, want the APIError kept", err)
	}
	if all := strings.Join(hint.Of(err), "\n"); !strings.Contains(all, "stscred doctor") {
		t.Errorf("hints %q", hint.Of(err))
	}
}

// keys lists an object's keys in order.
func keys(o awsout.Object) string {
	var out []string
	for _, f := range o {
		out = append(out, f.Key)
	}
	return strings.Join(out, ",")
}

func get(t *testing.T, o awsout.Object, key string) any {
	t.Helper()
	v, ok := o.Get(key)
	if !ok {
		t.Fatalf("no %s in %v", key, o)
	}
	return v
}

func TestDetailsOfEnvironmentCredentials(t *testing.T) {
	d := envCreds().Details(now)
	if got := keys(d); got != "Profile,Source,Expiration,MinutesLeft,MFAAuthenticated" {
		t.Fatalf("keys %s", got)
	}
	for _, k := range []string{"Profile", "Expiration", "MinutesLeft", "MFAAuthenticated"} {
		if v := get(t, d, k); v != nil {
			t.Errorf("%s = %v, want null (unknown)", k, v)
		}
	}
	if v := get(t, d, "Source"); v != "environment" {
		t.Errorf("Source = %v", v)
	}
	assertNoSecret(t, "Details", fmt.Sprint(d))
}

func TestDetailsOfProfileCredentials(t *testing.T) {
	clock := testclock.At(now)
	wc := profileCreds("prod", "cache")
	// Expiration in another zone: shown in UTC, with a Z.
	wc.Cr.Expiration = now.Add(42*time.Minute + 30*time.Second).In(time.FixedZone("CEST", 2*3600))
	mfa := false
	wc.MFA = &mfa
	d := wc.Details(clock.Now())
	if v := get(t, d, "Profile"); v != "prod" {
		t.Errorf("Profile = %v", v)
	}
	if v := get(t, d, "Expiration"); v != "2030-05-06T07:50:39Z" {
		t.Errorf("Expiration = %v", v)
	}
	if v := get(t, d, "MinutesLeft"); v != 42 {
		t.Errorf("MinutesLeft = %v (%T), want 42", v, v)
	}
	if v := get(t, d, "MFAAuthenticated"); v != false {
		t.Errorf("MFAAuthenticated = %v, want false (known, not null)", v)
	}
	assertNoSecret(t, "Details", fmt.Sprint(d))

	// From the clock given: time passes, and past expiry it stays at 0.
	clock.Advance(40 * time.Minute)
	if v := get(t, wc.Details(clock.Now()), "MinutesLeft"); v != 2 {
		t.Errorf("40 minutes on, MinutesLeft = %v", v)
	}
	clock.Advance(time.Hour)
	if v := get(t, wc.Details(clock.Now()), "MinutesLeft"); v != 0 {
		t.Errorf("after expiry, MinutesLeft = %v, want 0", v)
	}
}

func TestDetailsOfAWebIdentityToken(t *testing.T) {
	wc := profileCreds("ci", "sts")
	wc.Token = &idtoken.Claims{Issuer: "https://issuer", Subject: "repo:o/r", Audience: []string{"a", "b"}, Expires: now.Add(time.Hour)}
	d := wc.Details(now)
	if got := keys(d); got != "Profile,Source,Expiration,MinutesLeft,MFAAuthenticated,TokenIssuer,TokenSubject,TokenAudience,TokenExpiration" {
		t.Fatalf("keys %s", got)
	}
	for k, want := range map[string]any{
		"TokenIssuer": "https://issuer", "TokenSubject": "repo:o/r", "TokenAudience": "a,b", "TokenExpiration": "2030-05-06T08:08:09Z",
	} {
		if v := get(t, d, k); v != want {
			t.Errorf("%s = %v, want %v", k, v, want)
		}
	}
	wc.Token.Expires = time.Time{}
	if v := get(t, wc.Details(now), "TokenExpiration"); v != nil {
		t.Errorf("a token without exp: TokenExpiration = %v, want null", v)
	}
}

func TestDetailsOfSSO(t *testing.T) {
	wc := profileCreds("dev", "cache")
	wc.SSO = &awsconfig.SSO{Session: "corp", StartURL: "https://corp.awsapps.com/start", AccountID: "111111111111", RoleName: "Dev"}
	d := wc.Details(now)
	if got := keys(d); got != "Profile,Source,Expiration,MinutesLeft,MFAAuthenticated,SSOSession,SSOAccountId,SSORoleName" {
		t.Fatalf("keys %s", got)
	}
	for k, want := range map[string]any{"SSOSession": "corp", "SSOAccountId": "111111111111", "SSORoleName": "Dev"} {
		if v := get(t, d, k); v != want {
			t.Errorf("%s = %v, want %v", k, v, want)
		}
	}
	// A legacy profile has no session name: its start URL stands for it.
	wc.SSO = &awsconfig.SSO{StartURL: "https://legacy.awsapps.com/start", AccountID: "333333333333", RoleName: "ReadOnly"}
	if v := get(t, wc.Details(now), "SSOSession"); v != "https://legacy.awsapps.com/start" {
		t.Errorf("legacy SSOSession = %v", v)
	}
}

// The claims of a web identity token are the identity provider's words:
// in every output format each is one line (audit finding 8).
func TestDetailsTokenClaimsAreOneLine(t *testing.T) {
	const forged = "\n[profile evil]\ncredential_process = sh -c evil\x1b[2J"
	wc := whoami.Creds{Profile: "ci", Source: "sts", Token: &idtoken.Claims{
		Issuer: "https://idp.example" + forged, Subject: "repo:org/app" + forged, Audience: []string{"sts.amazonaws.com" + forged},
	}}
	for _, format := range awsout.Formats() {
		out, err := awsout.New(awsout.Options{Output: format})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := out.Print(&b, "GetCallerIdentity", wc.Details(time.Now())); err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(b.String(), "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "[profile") || strings.HasPrefix(strings.TrimSpace(l), "credential_process") || strings.Contains(l, "\x1b") {
				t.Errorf("%s: forged line %q in:\n%s", format, l, b.String())
			}
		}
	}
}
