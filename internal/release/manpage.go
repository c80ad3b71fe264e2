package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// The man page is stscred's own help (kong's, printed at a width that
// wraps nothing) turned into troff with the man macros: the top-level
// help's description and global flags, then every command's usage,
// description, arguments, flags and examples as the command's --help
// prints them; a short introduction and the FILES section are written
// here, ENVIRONMENT is README's table of STSCRED_* variables (which a
// test of cmd/stscred holds equal to the code's).

// item is one entry of a help list: a flag, an argument or a command.
type item struct{ spec, text string }

// helpPage is one --help output, parsed.
type helpPage struct {
	usage    string     // stscred role [<name>] [flags]
	desc     [][]string // blocks of lines: a paragraph, or indented lines kept as they are
	args     []item
	flags    []item
	commands []item
	examples []string // as printed, the common indent removed
}

// help is everything the man page is made of.
type help struct {
	root     helpPage
	commands []command
}

type command struct {
	name string // sso login
	page helpPage
}

// sectionHeader is a heading of kong's help: Flags, Arguments, Examples,
// the root's command groups (Every day, Setup, ...: stscred --help lists
// its commands under them) and its global flags.
var sectionHeader = regexp.MustCompile(`^[A-Z][A-Za-z ()]*:$`)

// isHeading reports whether line, followed by next, is a heading: a
// known one, or a line like one whose first entry follows at once,
// indented two spaces (a description's sentence that ends with a colon is
// followed by a blank line or a deeper indent).
func isHeading(line string, next []string) bool {
	if !sectionHeader.MatchString(line) {
		return false
	}
	switch strings.TrimSuffix(line, ":") {
	case "Flags", "Arguments", "Commands", "Examples":
		return true
	}
	return len(next) > 0 && strings.HasPrefix(next[0], "  ") && len(next[0]) > 2 && next[0][2] != ' '
}

// sectionOf is the list a heading's entries go to: "Flags",
// "Arguments", "Examples", or "Commands" for any other heading (a group
// of commands); the root's "Global flags (...)" are flags.
func sectionOf(header string) string {
	name := strings.TrimSuffix(header, ":")
	switch {
	case name == "Flags" || strings.HasPrefix(name, "Global flags"):
		return "Flags"
	case name == "Arguments" || name == "Examples":
		return name
	}
	return "Commands"
}

// parseHelp parses kong's help as stscred prints it with COLUMNS=1000.
func parseHelp(text string) (helpPage, error) {
	var p helpPage
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "Usage: ") {
		return p, fmt.Errorf("help does not start with Usage: %q", firstLine(text))
	}
	p.usage = strings.TrimPrefix(lines[0], "Usage: ")
	section := ""
	var block []string
	endBlock := func() {
		if len(block) > 0 {
			p.desc = append(p.desc, block)
			block = nil
		}
	}
	for i, line := range lines[1:] {
		if isHeading(line, lines[i+2:]) {
			endBlock()
			section = sectionOf(line)
			continue
		}
		switch section {
		case "":
			if strings.TrimSpace(line) == "" {
				endBlock()
			} else {
				block = append(block, line)
			}
		case "Examples":
			p.examples = append(p.examples, line)
		default:
			if strings.TrimSpace(line) == "" {
				continue
			}
			if !strings.HasPrefix(line, "  ") {
				// The root help's closing line (Run "stscred <command>
				// --help" ...) ends the list.
				section = "after"
				continue
			}
			list := map[string]*[]item{"Flags": &p.flags, "Arguments": &p.args, "Commands": &p.commands}[section]
			if list == nil {
				continue
			}
			spec, text, ok := strings.Cut(strings.TrimSpace(line), "  ")
			if !ok {
				return p, fmt.Errorf("%s: cannot tell the name from the help in %q", section, line)
			}
			*list = append(*list, item{spec: spec, text: strings.TrimSpace(text)})
		}
	}
	endBlock()
	p.examples = trimIndent(p.examples)
	return p, nil
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

// trimIndent drops leading and trailing blank lines and the indent all
// lines share.
func trimIndent(lines []string) []string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	indent := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		if len(l) >= indent && indent > 0 {
			l = l[indent:]
		}
		out[i] = strings.TrimRight(l, " ")
	}
	return out
}

// readHelp reads the top-level help and every command's.
func readHelp(stscred func(...string) ([]byte, error)) (help, error) {
	var h help
	out, err := stscred("--help")
	if err != nil {
		return h, err
	}
	if h.root, err = parseHelp(string(out)); err != nil {
		return h, fmt.Errorf("stscred --help: %w", err)
	}
	if len(h.root.commands) == 0 || len(h.root.flags) == 0 {
		return h, fmt.Errorf("stscred --help lists no commands or no flags")
	}
	for _, c := range h.root.commands {
		out, err := stscred(append(strings.Fields(c.spec), "--help")...)
		if err != nil {
			return h, err
		}
		page, err := parseHelp(string(out))
		if err != nil {
			return h, fmt.Errorf("stscred %s --help: %w", c.spec, err)
		}
		h.commands = append(h.commands, command{name: c.spec, page: page})
	}
	return h, nil
}

// roff escapes text for a troff text line or a macro's argument: the
// backslash, the minus (a hyphen would not paste into a shell), quotes
// and accents as the characters typed, anything else outside ASCII as a
// Unicode escape, and a leading period or quote made harmless.
func roff(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\e`)
		case r == '-':
			b.WriteString(`\-`)
		case r == '\'':
			b.WriteString(`\(aq`)
		case r == '`':
			b.WriteString(`\(ga`)
		case r == '"':
			b.WriteString(`\(dq`)
		case r == '~':
			b.WriteString(`\(ti`)
		case r == '^':
			b.WriteString(`\(ha`)
		case r == '\t':
			b.WriteString("        ")
		case r > 0x7e || r < 0x20:
			fmt.Fprintf(&b, `\[u%04X]`, r)
		default:
			b.WriteRune(r)
		}
	}
	out := b.String()
	if strings.HasPrefix(out, ".") {
		out = `\&` + out
	}
	return out
}

var (
	mdCode = regexp.MustCompile("`([^`]*)`")
	mdLink = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
)

// roffMarkdown is roff of a line of README's Markdown: `code` in bold,
// links as their text.
func roffMarkdown(s string) string {
	s = mdLink.ReplaceAllString(s, "$1")
	var b strings.Builder
	last := 0
	for _, m := range mdCode.FindAllStringSubmatchIndex(s, -1) {
		b.WriteString(roff(s[last:m[0]]))
		b.WriteString(`\fB` + roff(s[m[2]:m[3]]) + `\fR`)
		last = m[1]
	}
	b.WriteString(roff(s[last:]))
	return strings.TrimPrefix(b.String(), `\&`)
}

// flagSpec is a flag's names in bold and its value's placeholder in
// italics: \fB\-\-duration\fR=\fIDURATION\fR.
func flagSpec(spec string) string {
	var parts []string
	for _, p := range strings.Split(spec, ", ") {
		name, value, ok := strings.Cut(p, "=")
		s := `\fB` + roff(name) + `\fR`
		if ok {
			s += "=" + `\fI` + roff(value) + `\fR`
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// readmeVariables reads README's table of STSCRED_* variables.
func readmeVariables(readme []byte) ([]item, error) {
	var vars []item
	in := false
	for _, line := range strings.Split(string(readme), "\n") {
		switch {
		case strings.HasPrefix(line, "| variable | what it does |"):
			in = true
		case in && strings.HasPrefix(line, "|---"):
		case in && strings.HasPrefix(line, "| `STSCRED_"):
			cells := strings.SplitN(strings.Trim(line, "| "), " | ", 2)
			if len(cells) != 2 {
				return nil, fmt.Errorf("README: a row of the variables' table is not two cells: %q", line)
			}
			vars = append(vars, item{spec: strings.Trim(cells[0], "`"), text: cells[1]})
		case in:
			in = false
		}
	}
	if len(vars) == 0 {
		return nil, fmt.Errorf("README has no table of STSCRED_* variables (| variable | what it does |) for the man page")
	}
	return vars, nil
}

// intro is the man page's own introduction, after the help's one line.
var intro = []string{
	`stscred keeps an IAM user's long-term access key in the OS keyring (or an encrypted file keystore), turns it into short-lived STS credentials (GetSessionToken with an MFA code, AssumeRole for every role), caches them, and hands them to the AWS CLI and every AWS SDK through credential_process. The MFA code is asked once per session; later calls are served from the cache.`,
	`A role is described in a profile of its own (role_arn and source_profile, which stscred reads), and the profile the tools use holds only credential_process:`,
}

var introConfig = []string{
	"[profile alice]",
	"mfa_serial = arn:aws:iam::111111111111:mfa/alice",
	"",
	"[profile prod\\-admin]",
	"source_profile = alice",
	"role_arn       = arn:aws:iam::222222222222:role/Admin",
	"",
	"[profile prod]",
	"credential_process = stscred role prod\\-admin",
}

// manPage renders the man page of stscred at rev.
func manPage(h help, vars []item, rev revision) []byte {
	var b bytes.Buffer
	line := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	para := func(s string) { line(".PP"); line("%s", roff(s)) }
	pre := func(lines []string, escape bool) {
		line(".PP")
		line(".RS 4")
		line(".nf")
		for _, l := range lines {
			if escape {
				l = roff(l)
			}
			if l == "" {
				line(".sp")
			} else {
				line(`\&%s`, l)
			}
		}
		line(".fi")
		line(".RE")
	}
	list := func(items []item, spec func(string) string, text func(string) string) {
		for _, it := range items {
			line(".TP")
			line("%s", spec(it.spec))
			line("%s", text(it.text))
		}
	}
	blocks := func(desc [][]string) {
		for _, blk := range desc {
			if strings.HasPrefix(blk[0], " ") {
				pre(trimIndent(blk), true)
				continue
			}
			para(strings.Join(blk, " "))
		}
	}
	summary := ""
	if len(h.root.desc) > 0 {
		summary = strings.Join(h.root.desc[0], " ")
	}
	line(`.\" The man page of stscred %s, made by release.sh from stscred's help; not edited by hand.`, rev.Tag)
	line(`.TH STSCRED 1 "%s" "stscred %s" "User Commands"`, rev.Date().Format("2006-01-02"), rev.Version())
	// Left-adjusted, no hyphenation: a flag or a variable broken at a
	// hyphen would not be what is typed.
	line(".ad l")
	line(".nh")
	line(".SH NAME")
	line(`stscred \- %s`, roff(strings.TrimSuffix(summary, ".")))
	line(".SH SYNOPSIS")
	line(`.B stscred`)
	line(`.I command`)
	line(`.RI [ flags ]`)
	line(".SH DESCRIPTION")
	for _, p := range intro {
		para(p)
	}
	pre(introConfig, false)
	para("Each command's arguments, flags and examples follow, as stscred COMMAND --help prints them. The README (https://github.com/stscred/stscred) has the whole story.")
	line(".SH GLOBAL FLAGS")
	para("These go with every command.")
	list(h.root.flags, flagSpec, roff)
	line(".SH COMMANDS")
	globals := map[string]bool{}
	for _, f := range h.root.flags {
		globals[f.spec] = true
	}
	for _, c := range h.commands {
		line(`.SS "%s"`, roff(strings.TrimSuffix(c.page.usage, " [flags]")))
		blocks(c.page.desc)
		if len(c.page.args) > 0 {
			list(c.page.args, func(s string) string { return `\fI` + roff(s) + `\fR` }, roff)
		}
		var own []item
		for _, f := range c.page.flags {
			if !globals[f.spec] {
				own = append(own, f)
			}
		}
		list(own, flagSpec, roff)
		if len(c.page.examples) > 0 {
			line(".PP")
			line("Examples:")
			pre(c.page.examples, true)
		}
	}
	line(".SH ENVIRONMENT")
	para("Besides AWS_PROFILE, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, AWS_REGION, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL, as the AWS CLI reads them:")
	list(vars, func(s string) string { return `\fB` + roff(s) + `\fR` }, roffMarkdown)
	line(".SH FILES")
	list([]item{
		{"~/.aws/config", "The AWS config (AWS_CONFIG_FILE): profiles, roles and credential_process lines. stscred reads it; only import and login write to it."},
		{"~/.aws/credentials", "The shared credentials file, whose static keys stscred import moves into the keyring."},
		{"~/.cache/stscred/", "Cached sessions, sealed with a key kept in the keystore, and lock files (STSCRED_CACHE_DIR)."},
		{"~/.local/share/stscred/", "The file keystore, when there is no OS keyring (STSCRED_FILE_DIR)."},
	}, func(s string) string { return `\fI` + roff(s) + `\fR` }, roff)
	line(".SH SEE ALSO")
	line(`.BR aws (1)`)
	para("https://github.com/stscred/stscred")
	return b.Bytes()
}
