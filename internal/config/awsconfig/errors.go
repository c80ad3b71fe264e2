package awsconfig

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stscred/stscred/internal/base/hint"
)

// Sentinel errors. Every error returned by Resolve wraps one of them, or is
// a *ParseError, so callers can test it with errors.Is or errors.As.
var (
	// ErrProfileNotFound reports that the profile asked for has no section
	// in the file.
	ErrProfileNotFound = errors.New("profile not found")
	// ErrBadReference reports a source_profile, include_profile or services
	// key naming a section the file does not have.
	ErrBadReference = errors.New("reference to a missing section")
	// ErrCycle reports source_profile or include_profile links that loop
	// back on themselves.
	ErrCycle = errors.New("profile reference cycle")
	// ErrNoSource reports a profile with role_arn but no source_profile:
	// stscred has no credentials to assume the role with.
	ErrNoSource = errors.New("role profile without source_profile")
	// ErrInvalidValue reports a key whose value stscred cannot use; the
	// errors wrapping it are *ValueError.
	ErrInvalidValue = errors.New("invalid value")
)

// docsURL is the AWS page describing the config file format.
const docsURL = "https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html"

// ParseError reports a syntax error in the config file. Msg never contains
// the value of a key, and at most a short excerpt of the offending line.
type ParseError struct {
	Path string // the file, as given to Load or Parse
	Line int    // 1-based line number
	Msg  string
}

// Error implements error: `PATH line N: MSG`.
func (e *ParseError) Error() string {
	return e.Path + " line " + strconv.Itoa(e.Line) + ": " + e.Msg
}

// ValueError reports a key whose value stscred cannot use, such as a
// duration_seconds that is not a positive number. It wraps ErrInvalidValue.
type ValueError struct {
	Path    string // the file
	Profile string // the profile being resolved
	Key     string // the key at fault
	Line    int    // the line the key is on (possibly in an included profile)
	Msg     string // what is wrong, without echoing unrelated values
}

// Error implements error.
func (e *ValueError) Error() string {
	return fmt.Sprintf("profile %q: %s line %d: %s %s", e.Profile, e.Path, e.Line, e.Key, e.Msg)
}

// Unwrap returns ErrInvalidValue.
func (e *ValueError) Unwrap() error { return ErrInvalidValue }

// refError is a resolution error with its own message that unwraps to one of
// the sentinels.
type refError struct {
	msg string
	err error
}

func (e *refError) Error() string { return e.msg }
func (e *refError) Unwrap() error { return e.err }

// excerpt returns a short, quoted excerpt of s for an error message, or ""
// when s looks as if it might hold a secret (a long token of mixed letters
// and digits, like an access key or a session token).
func excerpt(s string) string {
	s = strings.TrimSpace(s)
	if LooksSecret(s) {
		return ""
	}
	return strconv.Quote(shorten(s, 24))
}

// shorten cuts s to at most n runes, marking a cut with "...".
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	k := 0
	for i := range s {
		if k == n {
			return s[:i] + "..."
		}
		k++
	}
	return s
}

// LooksSecret reports whether s holds what access keys and secrets look
// like: a long word (split at spaces, tabs and brackets) that mixes letters
// and digits or holds base64 punctuation. Messages about AWS files use it
// to decide what they must not quote.
func LooksSecret(s string) bool {
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '[' || r == ']' }) {
		if len(w) < 16 {
			continue
		}
		var letter, digit, sym bool
		for i := 0; i < len(w); i++ {
			switch c := w[i]; {
			case c >= '0' && c <= '9':
				digit = true
			case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
				letter = true
			case c == '/' || c == '+' || c == '=':
				sym = true
			}
		}
		if letter && digit || sym {
			return true
		}
	}
	return false
}

// safeKey returns key quoted when it looks like a config key name, else "".
func safeKey(key string) string {
	if key == "" || len(key) > 32 || LooksSecret(key) {
		return ""
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return ""
		}
	}
	return strconv.Quote(key)
}

// found renders ", found EXCERPT" or "" when the line must not be echoed.
func found(line string) string {
	if q := excerpt(line); q != "" {
		return ", found " + q
	}
	return ""
}

// SectionFor returns the header that defines profile name in the config
// file: [default], or [profile NAME].
func SectionFor(name string) string {
	if name == "default" {
		return "[default]"
	}
	return "[profile " + name + "]"
}

// valueError reports a key of profile whose value is unusable.
func (f *File) valueError(profile string, e entry, msg string) error {
	if e.from != "" {
		msg += " (included from profile " + strconv.Quote(e.from) + ")"
	}
	return hint.With(&ValueError{Path: f.Path, Profile: profile, Key: e.key, Line: e.line, Msg: msg},
		"fix "+e.key+" on line "+itoa(e.line)+" of "+f.Path)
}

// cycle reports a loop of source_profile or include_profile links: loop
// lists the profiles in order, and back is the one its last link returns to.
func (f *File) cycle(key string, loop []string, back string) error {
	return hint.With(&refError{
		msg: key + " cycle in " + f.Path + ": " + strings.Join(loop, " -> ") + " -> " + back,
		err: ErrCycle,
	}, "remove one of these "+key+" links; a source_profile chain must end at a profile without role_arn (the IAM user whose key is in the keyring)")
}

// badReference reports that profile's key e names a missing profile.
func (f *File) badReference(profile string, e entry, target string) error {
	// One hint: what looks like the meant profile (a typo is likelier
	// than a missing section), else what to add or fix.
	hints := f.suggest(target)
	for i, h := range hints {
		if strings.HasPrefix(h, "did you mean") {
			hints[i] = h + " (" + e.key + " on line " + itoa(e.line) + ")"
		}
	}
	if len(hints) == 0 {
		hints = []string{"add a " + SectionFor(target) + " section to " + f.Path + ", or fix " + e.key + " on line " + itoa(e.line)}
	}
	return hint.With(&refError{
		msg: "profile " + strconv.Quote(profile) + " has " + e.key + " = " + strconv.Quote(target) +
			", but " + f.Path + " has no " + SectionFor(target),
		err: ErrBadReference,
	}, hints...)
}

// noSource reports a role profile without source_profile.
func (f *File) noSource(p *Profile, ents []entry) error {
	line := p.Line
	if e, ok := find(ents, "role_arn"); ok {
		line = e.line
	}
	where := "profile " + strconv.Quote(p.Name) + " (" + f.Path + " line " + itoa(line) + ") has role_arn"
	add := "add source_profile = <the IAM user profile whose key is in the keyring> to " + SectionFor(p.Name)
	var msg string
	var hints []string
	switch {
	case p.CredentialSource != "":
		msg = where + " with credential_source, which stscred does not support"
		hints = []string{"replace credential_source with source_profile = <the IAM user profile whose key is in the keyring>"}
	case p.CredentialProcess != "":
		msg = where + " and credential_process but no source_profile"
		hints = []string{
			"the AWS CLI and SDKs assume a profile's role_arn themselves and never run its credential_process",
			"move role_arn to a profile of its own with source_profile = <the IAM user profile whose key is in the keyring>, and set credential_process = stscred role <that profile> here",
		}
	case f.Ambient.GitHubActions:
		// A GitHub Actions job whose runner offers no OIDC token: with
		// one, such a profile would start from it.
		msg = where + " but no source_profile, and this GitHub Actions job offers no OIDC token"
		hints = []string{
			"give the job permissions: id-token: write, so that ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are set: the role is then assumed with the runner's token (no stored key)",
			"or " + add + " in " + f.Path,
		}
	default:
		msg = where + " but no source_profile"
		hints = []string{
			add + " in " + f.Path,
			"or, to assume it without a stored key, set web_identity_token_file in " + SectionFor(p.Name) + " (in a GitHub Actions job with id-token: write, the runner's token is used by itself)",
		}
	}
	return hint.With(&refError{msg: msg, err: ErrNoSource}, hints...)
}
