package profile

import (
	"path/filepath"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/sys/cmdline"
)

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

// Parser parses stscred's arguments (what follows the program) exactly as
// the command line does: cmd/stscred hands in kong's parser over its own
// model, so no flag list is kept twice.
type Parser func(args []string) Call

// IsStscred reports whether a program word names stscred (by name or path,
// with .exe on Windows).
func IsStscred(program string) bool {
	base := filepath.Base(strings.ReplaceAll(program, `\`, "/"))
	return strings.TrimSuffix(strings.ToLower(base), ".exe") == "stscred"
}

// ParseLine parses a credential_process line; ok is false when it does not
// run stscred. The line is split as the AWS CLI splits it (cmdline.Words).
func ParseLine(line string, parse Parser) (c Call, ok bool) {
	words := cmdline.Words(line)
	if len(words) == 0 || !IsStscred(words[0]) {
		return Call{}, false
	}
	c = parse(words[1:])
	c.Program = words[0]
	return c, true
}
