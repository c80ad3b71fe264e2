// Package credline is the grammar of the stscred calls that print
// credentials: the global flags and the three credential commands (role,
// session, export) as kong structs, the fast reading of the one shape a
// credential_process line has, and Parse, which reads the arguments of a
// `stscred ...` line exactly as the command line does. cmd/stscred builds
// its commands on these structs, and the profile model parses
// credential_process lines with Parse, so no flag list exists twice and no
// call runs up from the profile model to the command line.
package credline

import (
	"path/filepath"
	"strings"
	"time"

	"github.com/alecthomas/kong"
	"github.com/stscred/stscred/internal/sys/proc"
)

// Globals are the flags every command takes.
type Globals struct {
	MFAToken     string           `name:"mfa-token" env:"STSCRED_MFA_TOKEN" placeholder:"CODE" help:"MFA code to use instead of asking (other users can see a command line's arguments in the process list: prefer STSCRED_MFA_TOKEN)."`
	Prompt       string           `name:"prompt" env:"STSCRED_PROMPT" enum:"auto,tty,desktop,process,ykman,none" default:"auto" help:"Where to ask for MFA codes: ${enum}."`
	MinRemaining time.Duration    `name:"min-remaining" env:"STSCRED_MIN_REMAINING" default:"15m" help:"Never hand out credentials with less than this left."`
	LockTimeout  time.Duration    `name:"lock-timeout" env:"STSCRED_LOCK_TIMEOUT" default:"2m" help:"How long to wait for another stscred process fetching the same credentials."`
	Backend      string           `name:"backend" env:"STSCRED_BACKEND" enum:"auto,keyring,file" default:"auto" help:"Where long-term keys live: ${enum} (auto: the file keystore if one exists, else the OS keyring if there is one, else the file keystore)."`
	STSTimeout   time.Duration    `name:"sts-timeout" env:"STSCRED_STS_TIMEOUT" default:"15s" help:"Give up on an STS call after this long, connection and retries included."`
	Version      kong.VersionFlag `help:"Print the version and exit."`
}

// RoleFlags give a role inline, or override a role profile's values:
// role and console take them.
type RoleFlags struct {
	RoleARN     string `name:"role-arn" help:"Assume this role (instead of a role profile)."`
	Source      string `name:"source" complete:"profile=keyholder" help:"With --role-arn: the IAM user's profile that signs AssumeRole."`
	MFASerial   string `name:"mfa-serial" help:"MFA device to use (default: the profile's mfa_serial)."`
	ExternalID  string `name:"external-id" help:"External id the role's trust policy requires."`
	SessionName string `name:"session-name" help:"Role session name (default: role_session_name, else stscred-SOURCE)."`
}

// Request is what the flags ask for of the profile name.
func (f RoleFlags) Request(name string) Request {
	return Request{Command: "role", Profile: name, RoleARN: f.RoleARN, Source: f.Source,
		MFASerial: f.MFASerial, ExternalID: f.ExternalID, SessionName: f.SessionName}
}

// Role is `stscred role`: AssumeRole credentials for a role profile, or
// for a role given inline.
type Role struct {
	Name      string `arg:"" optional:"" complete:"profile=role" help:"Role profile (with role_arn and source_profile)."`
	RoleFlags `embed:""`
	Duration  time.Duration `name:"duration" help:"Role session length (default: duration_seconds, else 1h)."`
}

// Request is what the call asks for.
func (c *Role) Request() Request {
	r := c.RoleFlags.Request(c.Name)
	r.Duration = c.Duration
	return r
}

// Session is `stscred session`: an IAM user's GetSessionToken
// credentials.
type Session struct {
	Name     string        `arg:"" complete:"profile=keyholder" help:"The IAM user's profile (its key is stored with stscred add)."`
	Duration time.Duration `env:"STSCRED_SESSION_DURATION" default:"12h" help:"Session length when a new one is fetched (15m to 36h)."`
}

// Request is what the call asks for.
func (c *Session) Request() Request {
	return Request{Command: "session", Profile: c.Name, Duration: c.Duration}
}

// Export is `stscred export`: a profile's credentials as shell variables.
type Export struct {
	Profile string `arg:"" optional:"" complete:"profile=any" help:"Profile (default: STSCRED_PROFILE, then AWS_PROFILE, then default)."`
	Format  string `enum:"auto,sh,bash,zsh,fish,powershell,pwsh,dotenv,json" default:"auto" help:"Output syntax: ${enum} (auto: that of the shell that runs stscred, else sh; bash and zsh read sh)."`
	// Hook is how the shell integration renews before a prompt: it never
	// asks for anything, and when it would need to, it says in one line
	// what to run and ends with a status the hook shows in the prompt.
	Hook bool `name:"hook" hidden:"" help:"Renew for a prompt hook: never ask; say what to run instead."`
	// Use is how the shell integration's stscred use exports: it also
	// says on stderr which profile is now in use (stdout is eval'd).
	Use bool `name:"use" hidden:"" help:"For stscred use: say on stderr which credentials are now in use."`
}

// Request is what the call asks for.
func (c *Export) Request() Request { return Request{Command: "export", Profile: c.Profile} }

// Request is what a call of `stscred role` or `stscred session` asks for,
// whether typed or written in a credential_process line: a profile, or an
// inline role, and the flags that change what STS is asked.
type Request struct {
	Command     string // "role", "session", "export", ...; "" when none
	Profile     string // the profile argument
	RoleARN     string // --role-arn: an inline role
	Source      string // --source: the inline role's IAM user profile
	MFASerial   string // --mfa-serial
	ExternalID  string // --external-id
	SessionName string // --session-name
	Duration    time.Duration
}

// Call is a credential_process line that runs stscred, parsed as stscred's
// own command line parses its arguments.
type Call struct {
	// Program is the binary as written: "stscred", a path, "stscred.exe".
	Program string
	Request
	// Err is set when the arguments do not parse as stscred's command line.
	Err error
}

// IsStscred reports whether a program word names stscred (by name or path,
// with .exe on Windows).
func IsStscred(program string) bool {
	base := filepath.Base(strings.ReplaceAll(program, `\`, "/"))
	return strings.TrimSuffix(strings.ToLower(base), ".exe") == "stscred"
}

// ParseLine parses a credential_process line; ok is false when it does not
// run stscred. The line is split as the AWS CLI splits it (proc.Words);
// getenv is the environment the call would run in (see Parse).
func ParseLine(line string, getenv func(string) string) (c Call, ok bool) {
	words := proc.Words(line)
	if len(words) == 0 || !IsStscred(words[0]) {
		return Call{}, false
	}
	c = Parse(words[1:], getenv)
	c.Program = words[0]
	return c, true
}
