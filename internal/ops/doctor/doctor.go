// Package doctor checks a stscred setup one thing at a time and says how
// to fix what is wrong. A check is an id, a profile (when it concerns
// one), a status, a message and hints; `stscred doctor` only prints them.
//
// The checks change nothing, ask for no MFA code and run no mfa_process
// (reading the file keystore may ask for its passphrase, as every command
// does); the only network call is one GetCallerIdentity, to check the
// clock. What STS answered before is known from the cache: a role it
// refused to a session without MFA (cache.KindRefused) is reported with
// the runtime's hints. Nothing secret is ever in a message, nor a config value that
// could be one: a command line is named by its program.
package doctor

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/aws/idtoken"
	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/base/textsafe"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/keystore"
)

// Check ids, stable for `doctor --output json`.
const (
	IDConfig       = "config"
	IDProfile      = "profile"
	IDSourceChain  = "source_chain"
	IDRoleProcess  = "role_and_process"
	IDCredProcess  = "credential_process"
	IDMFAProcess   = "mfa_process"
	IDYkman        = "ykman"
	IDKeyring      = "keyring"
	IDKey          = "key"
	IDCache        = "cache"
	IDClock        = "clock"
	IDSTS          = "sts"
	IDShellHook    = "shell_hook"
	IDWebIdentity  = "web_identity"
	IDSAML         = "saml"
	IDMFA          = "mfa"
	skewWarn       = time.Minute
	skewFail       = 5 * time.Minute
	keyringProbe   = "v1:doctor-probe"
	maxScopeDepth  = 4
	signerMinValid = 2 * time.Minute
)

// Status is a check's outcome.
type Status string

// The statuses: only Fail makes doctor exit 1.
const (
	Pass Status = "pass"
	Fail Status = "fail"
	Warn Status = "warn"
	Info Status = "info"
)

// Check is one line of the report.
type Check struct {
	ID      string   `json:"check"`
	Profile string   `json:"profile,omitempty"`
	OK      bool     `json:"ok"`
	Status  Status   `json:"status"`
	Message string   `json:"message"`
	Hint    string   `json:"hint,omitempty"`
	Hints   []string `json:"-"` // one per line; Hint joins them
}

// Setup is everything the checks may look at.
type Setup struct {
	ConfigPath func() (string, error)
	Keys       keystore.Store
	// KeysNote says, when it may surprise, why Keys is the backend in use.
	KeysNote     func() string
	CacheDir     func() (string, error)
	Cache        func() (*cache.Cache, error)
	NewAPI       func(awsapi.Endpoint) awsapi.API
	Settings     awsapi.Settings
	MinRemaining time.Duration
	Now          func() time.Time
	LookPath     func(string) (string, error)
	Getenv       func(string) string
	GOOS         string
	// Tokens reads web identity tokens and SAML assertions for their
	// checks (a file is read, GitHub Actions asked; a command is not run).
	Tokens idtoken.Setup
	// SSOStatus says whether an IAM Identity Center session is signed in
	// (the keystore is read, the network is not); nil skips that check.
	SSOStatus func(identitycenter.Session) (identitycenter.Status, error)
	// LoginStatus says whether an AWS Sign-In session is signed in (the
	// keystore is read, the network is not); nil skips that check.
	LoginStatus func(signin.Session) (signin.Status, error)
}

// doctor holds what one run has learned so far.
type doctor struct {
	ctx     context.Context
	s       Setup
	results []Check

	cfg       *awsconfig.File
	model     *profile.Model
	scope     map[string]bool // nil: every profile
	keyringOK bool
	keys      map[string]keystore.Key // stored keys read, by profile
	needKey   map[string][]string     // key holder -> profiles that need its key
	noMFA     map[string][]string     // key holder without MFA -> the roles assumed with its key
	refused   map[string]cache.Header // role -> the runtime's last refusal without MFA (nil: not read yet)
}

// Run runs every check, or those of one profile's chain when only is a
// profile name. The config it loaded (nil when none) is returned too.
func Run(ctx context.Context, s Setup, only string) ([]Check, *awsconfig.File) {
	d := &doctor{ctx: ctx, s: s, keys: map[string]keystore.Key{}, needKey: map[string][]string{}, noMFA: map[string][]string{}}
	d.checkConfig()
	d.checkKeyring()
	if d.cfg != nil {
		d.model = &profile.Model{File: d.cfg, Getenv: s.Getenv}
		d.setScope(only)
		d.checkProfiles()
		d.checkMFA()
		d.checkKeys()
	} else if only != "" {
		d.scope = map[string]bool{only: true}
	}
	d.checkSSOCache()
	d.checkLoginCache()
	d.checkCache()
	d.checkClock()
	d.checkShellHook()
	return d.results, d.cfg
}

// Failed counts the checks that failed.
func Failed(checks []Check) int {
	n := 0
	for _, c := range checks {
		if c.Status == Fail {
			n++
		}
	}
	return n
}

// add records a check. Its message and each hint are one line: what they quote from an
// identity provider's token or assertion, an STS answer or a file is
// escaped (textsafe), so a newline in a JWT's sub cannot forge a line.
func (d *doctor) add(id, profile string, status Status, msg string, hints ...string) {
	msg = textsafe.Escape(msg)
	if len(hints) > 0 {
		hints = slices.Clone(hints)
		for i, h := range hints {
			hints[i] = textsafe.Escape(h)
		}
	}
	d.results = append(d.results, Check{
		ID: id, Profile: profile, OK: status != Fail, Status: status,
		Message: msg, Hint: strings.Join(hints, "; "), Hints: hints,
	})
}

// tilde shortens a path under HOME for display (on Windows one under
// %USERPROFILE%).
func (d *doctor) tilde(path string) string {
	if profile := d.s.Getenv("USERPROFILE"); d.s.GOOS == "windows" && profile != "" &&
		len(path) >= len(profile) && strings.EqualFold(path[:len(profile)], profile) &&
		(len(path) == len(profile) || path[len(profile)] == '\\' || path[len(profile)] == '/') {
		return "%USERPROFILE%" + path[len(profile):]
	}
	home := d.s.Getenv("HOME")
	if home != "" && (path == home || strings.HasPrefix(path, home+string(filepath.Separator))) {
		return "~" + path[len(home):]
	}
	return path
}

// inScope reports whether profile is one doctor was asked about.
func (d *doctor) inScope(profile string) bool { return d.scope == nil || d.scope[profile] }

func (d *doctor) note() string {
	if d.s.KeysNote == nil {
		return ""
	}
	return d.s.KeysNote()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func compact(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
