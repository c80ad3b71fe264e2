package shell

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/base/creds"
)

// Formats export can print.
func Formats() []string { return []string{"sh", "fish", "powershell", "dotenv", "json"} }

// FormatForReader picks the export format for the program that will read
// it: the one that ran stscred (eval "$(stscred export)" runs it from a
// bash or zsh subshell, `stscred export | source` from fish). The user's
// $SHELL says nothing about that: a bash started inside fish, or fish
// under a bash $SHELL, is common. When the reader is not a shell stscred
// knows, POSIX sh syntax (what eval in every sh-like shell reads); on
// Windows without an sh-like SHELL, PowerShell.
func FormatForReader(parent, shellVar, goos string) string {
	switch strings.TrimSuffix(strings.ToLower(filepath.Base(parent)), ".exe") {
	case "fish":
		return "fish"
	case "pwsh", "powershell":
		return "powershell"
	case "bash", "zsh", "sh", "dash", "ksh", "mksh", "ash", "busybox", "yash", "posh":
		return "sh"
	}
	if goos == "windows" && shellVar == "" {
		return "powershell"
	}
	return "sh"
}

// NormalizeFormat maps the names users give a format to the format: bash
// and zsh read sh syntax.
func NormalizeFormat(f string) string {
	switch f {
	case "bash", "zsh", "posix":
		return "sh"
	case "pwsh":
		return "powershell"
	}
	return f
}

// Shadowing are variables that would make tools ignore the exported
// credentials: botocore, for one, skips environment credentials when a
// profile is named.
func Shadowing() []string {
	return []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN"}
}

// Export is what `stscred export` hands to a shell.
type Export struct {
	Profile string
	Region  string // "" when unknown
	Creds   creds.Credentials
}

// Vars returns the variables to set, in a stable order. STSCRED_EXPIRES
// (the expiry in Unix seconds) lets shell hooks compare it with their own
// clock without starting a process.
func (e Export) Vars() [][2]string {
	v := [][2]string{
		{"AWS_ACCESS_KEY_ID", e.Creds.AccessKeyID},
		{"AWS_SECRET_ACCESS_KEY", e.Creds.SecretAccessKey},
	}
	if e.Creds.SessionToken != "" {
		v = append(v, [2]string{"AWS_SESSION_TOKEN", e.Creds.SessionToken})
	}
	if !e.Creds.Expiration.IsZero() {
		v = append(v,
			[2]string{"AWS_CREDENTIAL_EXPIRATION", e.Creds.Expiration.UTC().Format(time.RFC3339)},
			[2]string{"STSCRED_EXPIRES", fmt.Sprint(e.Creds.Expiration.Unix())})
	}
	if e.Region != "" {
		v = append(v, [2]string{"AWS_REGION", e.Region}, [2]string{"AWS_DEFAULT_REGION", e.Region})
	}
	return append(v, [2]string{"STSCRED_PROFILE", e.Profile})
}

// Write prints e in format: assignments every shell of that kind reads
// back as the exact values, whatever characters they hold. The shell
// formats (sh, fish, powershell) are the shells' own (Shell.WriteExport);
// dotenv and json are formats for files and programs.
func Write(w io.Writer, format string, e Export) error {
	var b strings.Builder
	switch format {
	case "sh":
		return writeSh(w, e)
	case "fish":
		return writeFish(w, e)
	case "powershell":
		return writePowerShell(w, e)
	case "dotenv":
		for _, kv := range e.Vars() {
			fmt.Fprintf(&b, "%s=%s\n", kv[0], QuoteDotenv(kv[1]))
		}
	case "json":
		m := map[string]any{}
		for _, name := range Shadowing() {
			m[name] = nil // null: unset it
		}
		for _, kv := range e.Vars() {
			m[kv[0]] = kv[1]
		}
		out, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			return err
		}
		b.Write(out)
		b.WriteByte('\n')
	default:
		return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats(), ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeSh is the export for POSIX shells (bash, zsh, sh).
func writeSh(w io.Writer, e Export) error {
	var b strings.Builder
	fmt.Fprintf(&b, "unset %s\n", strings.Join(Shadowing(), " "))
	for _, kv := range e.Vars() {
		fmt.Fprintf(&b, "export %s=%s\n", kv[0], QuoteSh(kv[1]))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeFish is the export for fish.
func writeFish(w io.Writer, e Export) error {
	var b strings.Builder
	for _, name := range Shadowing() {
		// set -e fails on an unset variable, and fish's assignments
		// keep the last status: without "or true" the sourced export
		// would end with a failure.
		fmt.Fprintf(&b, "set -e %s; or true\n", name)
	}
	for _, kv := range e.Vars() {
		fmt.Fprintf(&b, "set -gx %s %s\n", kv[0], QuoteFish(kv[1]))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writePowerShell is the export for PowerShell.
func writePowerShell(w io.Writer, e Export) error {
	var b strings.Builder
	for _, name := range Shadowing() {
		fmt.Fprintf(&b, "Remove-Item -Path Env:%s -ErrorAction SilentlyContinue\n", name)
	}
	for _, kv := range e.Vars() {
		fmt.Fprintf(&b, "$Env:%s = %s\n", kv[0], QuotePowerShell(kv[1]))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// QuoteDotenv quotes s for .env files (docker compose, python-dotenv,
// node dotenv), which people also source from a POSIX shell (set -a; .
// ./.env): single quotes, which all of these read literally, when s has
// no single quote or newline; else double quotes with everything a shell
// reads in them escaped (\\, \", \$ and \`), so that sourcing the file
// runs nothing, and a newline as \n (dotenv's escape; a shell reads it as
// the two characters).
func QuoteDotenv(s string) string {
	if !strings.ContainsAny(s, "'\n\r") {
		return "'" + s + "'"
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "$", `\$`, "`", "\\`")
	return `"` + r.Replace(s) + `"`
}
