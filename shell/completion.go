package shell

import (
	"sort"
	"strings"
)

// ProfileKind says which profiles a place on the command line takes;
// completion scripts list them with `stscred completion --profiles KIND`.
type ProfileKind string

const (
	NoProfile        ProfileKind = ""
	AnyProfile       ProfileKind = "any"       // every profile of the config
	RoleProfile      ProfileKind = "role"      // profiles that assume a role
	KeyHolderProfile ProfileKind = "keyholder" // IAM users' profiles: the key is stored with stscred add
	SSOProfile       ProfileKind = "sso"       // IAM Identity Center sessions ([sso-session NAME]) and SSO profiles
	LoginProfile     ProfileKind = "login"     // profiles that sign in with AWS Sign-In (login_session), and IAM users' that may
)

// ProfileKinds are the kinds `stscred completion --profiles` takes.
func ProfileKinds() []ProfileKind {
	return []ProfileKind{AnyProfile, RoleProfile, KeyHolderProfile, SSOProfile, LoginProfile}
}

// Completer says what completes one value: a flag's or a positional
// argument's. Several may apply (use: --off and profile names).
type Completer struct {
	Values   []string    // fixed choices (an enum)
	Profiles ProfileKind // profile names of this kind
	Files    bool        // file names
}

// empty reports whether nothing completes the value.
func (c Completer) empty() bool { return len(c.Values) == 0 && c.Profiles == "" && !c.Files }

// CompletionFlag is one flag as completion scripts know it.
type CompletionFlag struct {
	Name       string // long name, without "--"
	Short      rune   // 0 when none
	Help       string
	TakesValue bool // false: a switch (--flag alone)
	Value      Completer
}

// CompletionArg is one positional argument.
type CompletionArg struct {
	Name  string
	Value Completer
	// Rest: the argument takes the rest of the line (exec's command);
	// nothing of stscred's completes there.
	Rest bool
}

// CompletionCommand is one command as completion scripts know it.
type CompletionCommand struct {
	Name  string
	Help  string
	Flags []CompletionFlag
	Args  []CompletionArg // in order
}

// CompletionSpec describes the command line for completion scripts:
// commands, their flags (which take a value, and what completes it) and
// their positional arguments.
type CompletionSpec struct {
	GlobalFlags []CompletionFlag
	Commands    []CompletionCommand
}

func commandNames(spec CompletionSpec) []string {
	var out []string
	for _, c := range spec.Commands {
		out = append(out, c.Name)
	}
	sort.Strings(out)
	return out
}

// longFlags are "--name" for flags.
func longFlags(flags ...[]CompletionFlag) []string {
	var out []string
	for _, fs := range flags {
		for _, f := range fs {
			out = append(out, "--"+f.Name)
		}
	}
	return out
}

// flagWords are the words a flag is written as: --name, and -s.
func flagWords(f CompletionFlag) []string {
	w := []string{"--" + f.Name}
	if f.Short != 0 {
		w = append(w, "-"+string(f.Short))
	}
	return w
}

// lines joins words one per line: the form completion scripts read
// candidates in, each line one literal word.
func lines(words []string) string { return strings.Join(words, "\n") }

// argValues are the fixed choices of a positional argument that start
// with "-" (use's --off): offered with the flags.
func dashValues(c Completer) []string {
	var out []string
	for _, v := range c.Values {
		if strings.HasPrefix(v, "-") {
			out = append(out, v)
		}
	}
	return out
}
