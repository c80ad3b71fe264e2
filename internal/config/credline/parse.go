package credline

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alecthomas/kong"
)

// Grammar is the credential commands alone: what a credential_process
// line calls. The AWS CLI and every SDK run one of them at each start, so
// cmd/stscred parses them with a grammar of this size (or with Fast),
// never with the whole CLI's.
type Grammar struct {
	Globals
	Session Session `cmd:"" help:"Print credential_process JSON for an IAM user's session (GetSessionToken, with MFA)."`
	Role    Role    `cmd:"" help:"Print credential_process JSON for a role (AssumeRole)."`
	Export  Export  `cmd:"" help:"Print a profile's credentials as shell variables: eval \"$$(stscred export prod)\"."`
}

// IsCredentialCommand reports whether args start with a credential
// command.
func IsCredentialCommand(args []string) bool {
	return len(args) > 0 && (args[0] == "session" || args[0] == "role" || args[0] == "export")
}

// Commands are the command words of stscred's whole command line; a test
// in cmd/stscred keeps this list equal to its CLI. A credential_process
// line that runs one of the others parses, and is then not a call that
// prints credentials.
func Commands() []string {
	return []string{"add", "remove", "list", "clear", "exec", "shell-init", "use", "completion", "migrate",
		"import", "whoami", "doctor", "sso", "login", "logout", "console", "rotate", "version", "help", "pick", "session", "role", "export"}
}

// Parse reads the arguments of a `stscred ...` credential_process line
// (what follows the program) as the command line reads them: flags before
// or after the command, --flag=value, every flag that takes a value.
// getenv is the environment the call runs in (kong itself reads the
// process's).
func Parse(args []string, getenv func(string) string) Call {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	// The one shape such lines have, read from the kong tags without
	// building a parser, as the command line's own fast path does.
	if cmd, _, ok := Fast(args, getenv); ok {
		return Call{Request: cmd.Request()}
	}
	word := firstWord(args)
	if word != "" && !IsCredentialCommand([]string{word}) && slices.Contains(Commands(), word) {
		// Another command of stscred's: it parses, but prints no
		// credentials (the profile model says so).
		return Call{Request: Request{Command: word}}
	}
	var g Grammar
	parser, err := kong.New(&g, kong.Name("stscred"), kong.Writers(io.Discard, io.Discard),
		kong.Exit(func(int) { panic(exited{}) }), kong.Vars{"version": ""})
	if err != nil {
		return Call{Err: err}
	}
	return parseWith(parser, &g, args)
}

// exited is what kong's exit (after --help or --version) panics with.
type exited struct{}

func parseWith(parser *kong.Kong, g *Grammar, args []string) (c Call) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(exited); !ok {
				panic(r)
			}
			c = Call{Err: errors.New("it asks for help or the version, not credentials")}
		}
	}()
	kctx, err := parser.Parse(args)
	if err != nil {
		return Call{Err: err}
	}
	cmd := strings.Fields(kctx.Command())
	if len(cmd) == 0 {
		return Call{Err: fmt.Errorf("no command")}
	}
	switch cmd[0] {
	case "role":
		return Call{Request: g.Role.Request()}
	case "session":
		return Call{Request: g.Session.Request()}
	}
	return Call{Request: g.Export.Request()}
}

// firstWord is the first argument that is not a flag, "" when there is
// none: the command word, unless a global flag's value comes first (then
// kong decides).
func firstWord(args []string) string {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			return a
		}
	}
	return ""
}

// Command is a parsed credential command: *Role, *Session or *Export.
type Command interface {
	Request() Request
}

// Fast recognises the one shape a credential_process line has — `role
// NAME`, `session NAME` (or `export NAME`), nothing else — and fills the
// command and the globals exactly as kong would: each flag from the
// variable that sets it (STSCRED_BACKEND=file) when that is a value kong
// takes, else from its default, reading the variables, enums and defaults
// from the same kong tags. Anything else (a flag on the line, a variable
// kong would refuse) returns ok=false and is for kong, which then says
// what is wrong. Building kong's parser costs more than a whole cache hit
// (reflection over every flag, at a cold start); this is the path every
// AWS CLI and SDK start takes. Its test checks that both give the same
// result.
func Fast(args []string, getenv func(string) string) (Command, *Globals, bool) {
	// kong reads invalid UTF-8 as U+FFFD: such a name (or a variable's
	// value, see set) is for kong too.
	if len(args) != 2 || args[1] == "" || strings.HasPrefix(args[1], "-") || !utf8.ValidString(args[1]) {
		return nil, nil, false
	}
	var cmd Command
	switch args[0] {
	case "role":
		cmd = &Role{}
	case "session":
		cmd = &Session{}
	case "export":
		cmd = &Export{}
	default:
		return nil, nil, false
	}
	g := &Globals{}
	if !fill(reflect.ValueOf(g).Elem(), getenv, "") || !fill(reflect.ValueOf(cmd).Elem(), getenv, args[1]) {
		return nil, nil, false
	}
	return cmd, g, true
}

// fill sets each field of the struct v as kong would with no flag on the
// command line: from its variable when one is set, else to its default;
// the one positional argument to arg. It reports false when a field has a
// kind it does not handle, or a variable's value kong would refuse: kong
// must decide those.
func fill(v reflect.Value, getenv func(string) string, arg string) bool {
	args := 0
	for i := 0; i < v.NumField(); i++ {
		f, tag := v.Field(i), v.Type().Field(i).Tag
		if _, ok := tag.Lookup("arg"); ok {
			if f.Kind() != reflect.String || args > 0 {
				return false
			}
			args++
			f.SetString(arg)
			continue
		}
		value, ok := tag.Lookup("default")
		for _, name := range strings.Split(tag.Get("env"), ",") {
			if name != "" && getenv(name) != "" {
				value, ok = getenv(name), true
				break
			}
		}
		if !ok {
			continue
		}
		if !set(f, value, tag.Get("enum")) {
			return false
		}
	}
	return arg == "" || args == 1
}

// set sets f to value as kong's mappers do for the kinds the credential
// commands' flags have; false when kong would refuse it.
func set(f reflect.Value, value, enum string) bool {
	switch {
	case !utf8.ValidString(value):
		return false // kong reads it as U+FFFD
	case f.Type() == reflect.TypeOf(time.Duration(0)):
		d, err := time.ParseDuration(value)
		if err != nil {
			return false
		}
		f.SetInt(int64(d))
	case f.Kind() == reflect.String:
		if enum != "" && !slices.Contains(strings.Split(enum, ","), value) {
			return false
		}
		f.SetString(value)
	default:
		return false
	}
	return true
}

// FlagVariables are the environment variables the flags of stscred's
// command line read; a test in cmd/stscred keeps the list equal to what
// its CLI's tags name. ScrubEmpty reads it at every start, so it is a
// list, not a walk over the CLI's types.
func FlagVariables() []string {
	return []string{"STSCRED_MFA_TOKEN", "STSCRED_PROMPT", "STSCRED_MIN_REMAINING", "STSCRED_LOCK_TIMEOUT",
		"STSCRED_BACKEND", "STSCRED_STS_TIMEOUT", "STSCRED_SESSION_DURATION"}
}

// ScrubEmpty unsets every variable a flag reads that is set but empty:
// `export STSCRED_PROMPT=` means the default, as an unset variable does.
// Kong would parse "" as the value (an enum error, a zero duration), the
// fast path reads it as unset; after this both agree, and with the user.
func ScrubEmpty(lookup func(string) (string, bool), unset func(string) error) {
	for _, name := range FlagVariables() {
		if v, ok := lookup(name); ok && v == "" {
			_ = unset(name)
		}
	}
}
