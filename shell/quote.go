package shell

import "strings"

// QuoteSh quotes s for POSIX shells (sh, bash, zsh): single quotes, with
// each embedded single quote written as '\”. Nothing inside single quotes
// is special to these shells, newlines included.
func QuoteSh(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// QuoteFish quotes s for fish: inside single quotes fish treats only \\
// and \' specially.
func QuoteFish(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(s) + "'"
}

// QuotePowerShell quotes s for PowerShell: a verbatim single-quoted string
// in which a single quote (including the typographic ones PowerShell also
// accepts as quotes) is doubled.
func QuotePowerShell(s string) string {
	r := strings.NewReplacer(`'`, `''`, "\u2018", "\u2018\u2018", "\u2019", "\u2019\u2019", "\u201a", "\u201a\u201a", "\u201b", "\u201b\u201b")
	return "'" + r.Replace(s) + "'"
}
