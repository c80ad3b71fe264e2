package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/stscred/stscred/awsapi"
	"github.com/stscred/stscred/awsconfig"
	"github.com/stscred/stscred/cache"
	"github.com/stscred/stscred/creds"
	"github.com/stscred/stscred/hint"
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/rotate"
)

// DoctorCmd checks the setup one thing at a time and says how to fix what
// is wrong. It changes nothing, asks for no MFA code and runs no
// mfa_process (reading the file keystore may ask for its passphrase, as
// every command does); its only network call is one GetCallerIdentity (to
// check the clock). It never prints a secret, nor a config value that
// could be one.
type DoctorCmd struct {
	Profile string `name:"profile" placeholder:"NAME" help:"Check only this profile's chain (and what its credential_process calls)."`
	Output  string `name:"output" enum:"text,json" default:"text" help:"text, or json for scripts."`
}

// Check ids (stable for --output json), statuses and limits.
const (
	checkConfig       = "config"
	checkProfile      = "profile"
	checkSourceChain  = "source_chain"
	checkRoleProcess  = "role_and_process"
	checkCredProcess  = "credential_process"
	checkMFAProcess   = "mfa_process"
	checkKeyring      = "keyring"
	checkKey          = "key"
	checkCache        = "cache"
	checkClock        = "clock"
	checkSTS          = "sts"
	checkShellHook    = "shell_hook"
	statusPass        = "pass"
	statusFail        = "fail"
	statusWarn        = "warn"
	statusInfo        = "info"
	skewWarn          = time.Minute
	skewFail          = 5 * time.Minute
	keyringProbe      = "v1:doctor-probe"
	hookBegin         = "# >>> stscred shell hook >>>"
	hookEnd           = "# <<< stscred shell hook <<<"
	installHookHint   = "./install.sh --shell-hook adds it to your shell's rc file (optional: it gives stscred use and renewal before each prompt)"
	reinstallHookHint = "delete the lines from '" + hookBegin + "' to '" + hookEnd + "' and run ./install.sh --shell-hook again"
)

// checkResult is one line of the report.
type checkResult struct {
	Check   string   `json:"check"`
	Profile string   `json:"profile,omitempty"`
	OK      bool     `json:"ok"`
	Status  string   `json:"status"`
	Message string   `json:"message"`
	Hint    string   `json:"hint,omitempty"`
	hints   []string // printed one per line; Hint joins them
}

// doctor holds what one run has learned so far.
type doctor struct {
	env     *Env
	g       *Globals
	results []checkResult

	cfg       *awsconfig.File
	scope     map[string]bool // nil: every profile
	keyringOK bool
	keys      map[string]keystore.Key // stored keys read, by profile
	needKey   map[string][]string     // root profile -> profiles that need its key
}

func (c *DoctorCmd) Run(env *Env, g *Globals) error {
	d := &doctor{env: env, g: g, keys: map[string]keystore.Key{}, needKey: map[string][]string{}}
	d.checkConfig()
	d.checkKeyring()
	if d.cfg != nil {
		d.setScope(c.Profile)
		d.checkProfiles()
		d.checkKeys()
	} else if c.Profile != "" {
		d.scope = map[string]bool{c.Profile: true}
	}
	d.checkCache()
	d.checkClock()
	d.checkShellHook()

	out := env.Stdout
	if c.Output != "json" {
		out = env.human()
	}
	if err := d.print(out, c.Output); err != nil {
		return err
	}
	failed := 0
	for _, r := range d.results {
		if r.Status == statusFail {
			failed++
		}
	}
	if failed > 0 {
		what := "checks"
		if failed == 1 {
			what = "check"
		}
		return hint.With(fmt.Errorf("%d %s failed", failed, what), "fix what the lines marked ✗ say, then run stscred doctor again")
	}
	return nil
}

func (d *doctor) add(check, profile, status, msg string, hints ...string) {
	d.results = append(d.results, checkResult{
		Check: check, Profile: profile, OK: status != statusFail, Status: status,
		Message: msg, Hint: strings.Join(hints, "; "), hints: hints,
	})
}

func (d *doctor) print(w io.Writer, output string) error {
	if output == "json" {
		out := d.results
		if out == nil {
			out = []checkResult{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	var b strings.Builder
	for _, r := range d.results {
		mark := map[string]string{statusPass: "✓", statusFail: "✗", statusWarn: "!", statusInfo: "–"}[r.Status]
		fmt.Fprintf(&b, "%s %s\n", mark, r.Message)
		if r.Status != statusPass {
			for _, h := range r.hints {
				fmt.Fprintf(&b, "    hint: %s\n", h)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// tilde shortens a path under HOME for display.
func (d *doctor) tilde(path string) string {
	home := d.env.Getenv("HOME")
	if home != "" && (path == home || strings.HasPrefix(path, home+string(filepath.Separator))) {
		return "~" + path[len(home):]
	}
	return path
}

// inScope reports whether profile is one doctor was asked about.
func (d *doctor) inScope(profile string) bool { return d.scope == nil || d.scope[profile] }

// ---- config file

func (d *doctor) checkConfig() {
	path, err := d.env.ConfigPath()
	if err != nil {
		d.add(checkConfig, "", statusFail, "cannot tell where the AWS config file is: "+err.Error(), hint.Of(err)...)
		return
	}
	shown := d.tilde(path)
	f, err := awsconfig.Load(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		hints := []string{"create it with your profiles (see the README: How it fits into ~/.aws/config)"}
		if d.env.Getenv("AWS_CONFIG_FILE") != "" {
			hints = append(hints, "AWS_CONFIG_FILE is set: check that it names the file you mean")
		}
		d.add(checkConfig, "", statusFail, "config file "+shown+" not found", hints...)
		return
	case err != nil:
		var pe *awsconfig.ParseError
		msg := "config file " + shown + " cannot be read: " + err.Error()
		if errors.As(err, &pe) {
			msg = "config file " + shown + " does not parse: line " + fmt.Sprint(pe.Line) + ": " + pe.Msg
		}
		d.add(checkConfig, "", statusFail, msg, hint.Of(err)...)
		return
	}
	d.cfg = f
	// Env.Config would read the file again; share this one.
	d.env.cfg = f
	n := len(f.ProfileNames())
	d.add(checkConfig, "", statusPass, fmt.Sprintf("config file %s parses (%d %s)", shown, n, plural(n, "profile", "profiles")))
}

// ---- scope

// setScope limits the checks to one profile's chain, and to the chain of
// whatever its credential_process runs.
func (d *doctor) setScope(name string) {
	if name == "" {
		return
	}
	d.scope = map[string]bool{}
	var addChain func(n string, depth int)
	addChain = func(n string, depth int) {
		if depth > 4 || d.scope[n] {
			return
		}
		d.scope[n] = true
		p, err := d.cfg.Resolve(n)
		if err != nil {
			return
		}
		for _, q := range p.Chain() {
			d.scope[q.Name] = true
		}
		if call, ok := parseStscredCall(p.CredentialProcess); ok {
			for _, t := range call.profiles() {
				addChain(t, depth+1)
			}
		}
	}
	addChain(name, 0)
	if !d.cfg.Has(name) {
		_, err := d.cfg.Resolve(name)
		d.add(checkProfile, name, statusFail, "profile "+name+" is not in the config file", hint.Of(err)...)
	}
}

// ---- profiles

func (d *doctor) checkProfiles() {
	for _, name := range d.cfg.ProfileNames() {
		if !d.inScope(name) {
			continue
		}
		p, err := d.cfg.Resolve(name)
		if err != nil {
			d.profileError(name, err)
			continue
		}
		switch {
		case p.HasRoleAndProcess():
			d.add(checkRoleProcess, name, statusFail,
				"profile "+name+" has both role_arn and credential_process: the AWS CLI and SDKs assume the role themselves and never run its credential_process",
				"move role_arn and source_profile (and mfa_serial, duration_seconds...) to a profile of their own, e.g. [profile "+name+"-role]",
				"and keep only credential_process = stscred role "+name+"-role (and region) in [profile "+name+"]")
		case p.IsRole():
			d.checkChain(p)
		case p.CredentialProcess != "":
			d.checkCredentialProcess(p)
		}
		if raw := p.Keys["mfa_process"]; raw != "" {
			d.checkMFAProcess(name, raw)
		}
	}
}

// profileError reports a profile that does not resolve, under the check
// its mistake belongs to.
func (d *doctor) profileError(name string, err error) {
	check := checkProfile
	switch {
	case errors.Is(err, awsconfig.ErrNoSource) && strings.Contains(err.Error(), "credential_process"):
		check = checkRoleProcess
	case errors.Is(err, awsconfig.ErrCycle), errors.Is(err, awsconfig.ErrBadReference), errors.Is(err, awsconfig.ErrNoSource):
		check = checkSourceChain
	}
	d.add(check, name, statusFail, "profile "+name+": "+err.Error(), hint.Of(err)...)
}

// checkChain reports a role profile's source_profile chain, which must end
// at an IAM user's profile whose key stscred keeps.
func (d *doctor) checkChain(p *awsconfig.Profile) {
	var names []string
	for _, q := range p.Chain() {
		names = append(names, q.Name)
	}
	root := p.Root()
	role := "a role"
	if strings.HasPrefix(p.RoleARN, "arn:") {
		role = p.RoleARN
	}
	switch {
	case root.CredentialProcess != "" && !selfCall(root):
		d.add(checkSourceChain, p.Name, statusFail,
			fmt.Sprintf("profile %s: its source chain %s ends at %s, which gets its credentials from credential_process, not from a key stscred keeps", p.Name, strings.Join(names, " → "), root.Name),
			"make source_profile of the chain's last role name the IAM user's profile (the one you ran stscred add for)")
	case root.SSOSession != "" || root.SSOStartURL != "":
		d.add(checkSourceChain, p.Name, statusFail,
			fmt.Sprintf("profile %s: its source chain %s ends at %s, an SSO profile; stscred needs an IAM user's key there", p.Name, strings.Join(names, " → "), root.Name),
			"the AWS CLI and SDKs assume roles from SSO profiles themselves; use stscred for IAM users' keys")
	default:
		d.needKey[root.Name] = append(d.needKey[root.Name], p.Name)
		d.add(checkSourceChain, p.Name, statusPass, fmt.Sprintf("profile %s assumes %s (source chain %s)", p.Name, role, strings.Join(names, " → ")))
	}
}

// stscredCallLine is a credential_process line that runs stscred.
type stscredCallLine struct {
	bin    string
	cmd    string // role, session, export...
	name   string // the profile argument, "" when none
	source string // --source of an inline role
	inline bool   // --role-arn given
}

// profiles are the profiles the call reads.
func (s stscredCallLine) profiles() []string {
	var out []string
	for _, n := range []string{s.name, s.source} {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}

// parseStscredCall recognises a credential_process line that runs
// stscred, with or without flags.
func parseStscredCall(line string) (stscredCallLine, bool) {
	f := shellWords(line)
	if len(f) < 2 {
		return stscredCallLine{}, false
	}
	bin := f[0]
	if strings.TrimSuffix(filepath.Base(bin), ".exe") != "stscred" {
		return stscredCallLine{}, false
	}
	s := stscredCallLine{bin: bin}
	valued := map[string]bool{
		"--role-arn": true, "--source": true, "--mfa-serial": true, "--external-id": true, "--duration": true,
		"--session-name": true, "--mfa-token": true, "--prompt": true, "--min-remaining": true, "--lock-timeout": true, "--format": true,
	}
	for i := 1; i < len(f); i++ {
		a := f[i]
		if strings.HasPrefix(a, "-") {
			flag, val, hasVal := strings.Cut(a, "=")
			if !hasVal && valued[flag] && i+1 < len(f) {
				i++
				val = f[i]
			}
			switch flag {
			case "--role-arn":
				s.inline = true
			case "--source":
				s.source = val
			}
			continue
		}
		switch {
		case s.cmd == "":
			s.cmd = a
		case s.name == "":
			s.name = a
		}
	}
	return s, s.cmd != ""
}

// checkCredentialProcess checks a tool profile whose credential_process
// runs stscred: the binary is found, the profile it names exists and is
// of the right kind. Other credential_process commands are not stscred's.
func (d *doctor) checkCredentialProcess(p *awsconfig.Profile) {
	call, ok := parseStscredCall(p.CredentialProcess)
	if !ok {
		return
	}
	prefix := "profile " + p.Name + ": credential_process "
	path, err := d.findProgram(call.bin)
	if err != nil {
		hints := []string{"install it with ./install.sh (into ~/.local/bin) and make sure that directory is on the PATH of the programs that read " + d.configShown()}
		if !strings.ContainsRune(call.bin, '/') {
			hints = append(hints, "or write its full path: credential_process = /full/path/to/stscred "+call.cmd+" ...")
		}
		d.add(checkCredProcess, p.Name, statusFail, prefix+"runs "+call.bin+", which "+err.Error(), hints...)
		return
	}
	shown := "stscred " + call.cmd
	if call.name != "" {
		shown += " " + call.name
	}
	fail := func(msg string, hints ...string) {
		d.add(checkCredProcess, p.Name, statusFail, prefix+"runs "+shown+", but "+msg, hints...)
	}
	switch call.cmd {
	case "role", "session":
	case "export":
		fail("stscred export prints shell variables, not the JSON credential_process needs", "use credential_process = stscred role ROLE_PROFILE, or stscred session USER_PROFILE")
		return
	default:
		fail(call.cmd+" is not a stscred command that prints credentials", "use credential_process = stscred role ROLE_PROFILE, or stscred session USER_PROFILE")
		return
	}
	targets := []string{call.name}
	if call.cmd == "role" && call.inline {
		targets = []string{call.source}
		if call.source == "" {
			fail("--role-arn needs --source", "credential_process = stscred role --role-arn ARN --source USER_PROFILE")
			return
		}
	} else if call.name == "" {
		fail("it names no profile", "credential_process = stscred "+call.cmd+" PROFILE")
		return
	}
	for _, t := range targets {
		if !d.cfg.Has(t) {
			_, err := d.cfg.Resolve(t)
			fail(d.configShown()+" has no profile "+t, append([]string{"add [profile " + t + "], or fix credential_process in [profile " + p.Name + "]"}, hint.Of(err)...)...)
			return
		}
		q, err := d.cfg.Resolve(t)
		if err != nil {
			fail("profile " + t + " does not resolve (see its own line)")
			return
		}
		switch {
		case call.cmd == "role" && !call.inline && !q.IsRole():
			fail("profile "+t+" has no role_arn", "name the role profile, the one with role_arn and source_profile")
			return
		case call.cmd == "role" && !call.inline:
			if root := q.Root(); (root.CredentialProcess == "" || selfCall(root)) && !q.HasRoleAndProcess() {
				d.needKey[root.Name] = append(d.needKey[root.Name], p.Name)
			}
		case call.cmd == "session" || call.inline:
			if q.IsRole() {
				fail("profile "+t+" is a role", "stscred session and --source take the IAM user's profile")
				return
			}
			if q.CredentialProcess == "" || selfCall(q) {
				d.needKey[t] = append(d.needKey[t], p.Name)
			}
		}
	}
	d.add(checkCredProcess, p.Name, statusPass, prefix+"runs "+shown+" ("+path+")")
}

func (d *doctor) configShown() string {
	if d.cfg != nil {
		return d.tilde(d.cfg.Path)
	}
	return "the AWS config"
}

// findProgram finds a program as exec would: a path must be an
// executable file, a bare name must be on PATH.
func (d *doctor) findProgram(prog string) (string, error) {
	if strings.ContainsRune(prog, '/') || strings.ContainsRune(prog, filepath.Separator) {
		fi, err := os.Stat(prog)
		switch {
		case err != nil:
			return "", errors.New("does not exist")
		case fi.IsDir():
			return "", errors.New("is a directory")
		case d.env.GOOS != "windows" && fi.Mode()&0o111 == 0:
			return "", errors.New("is not executable")
		}
		return prog, nil
	}
	path, err := d.env.LookPath(prog)
	if err != nil {
		return "", errors.New("is not on PATH")
	}
	return path, nil
}

// checkMFAProcess checks that mfa_process's program can be found. It does
// not run it: a code may cost a YubiKey touch, or use up an OTP. Only the
// program's name is shown; the rest of the line may hold a TOTP secret.
func (d *doctor) checkMFAProcess(profile, line string) {
	prog := mfaProgram(line)
	if prog == "" {
		d.add(checkMFAProcess, profile, statusWarn, "profile "+profile+": cannot tell which program mfa_process runs; not checked",
			"run it yourself: it must print a 6-digit code and nothing else on stdout")
		return
	}
	if strings.HasPrefix(prog, "~/") && d.env.Getenv("HOME") != "" {
		prog = filepath.Join(d.env.Getenv("HOME"), prog[2:]) // sh -c expands it
	}
	path, err := d.findProgram(prog)
	if err != nil {
		d.add(checkMFAProcess, profile, statusFail, "profile "+profile+": mfa_process program "+prog+" "+err.Error(),
			"install it, or fix mfa_process in [profile "+profile+"]")
		return
	}
	where := ""
	if path != prog {
		where = " at " + path
	}
	d.add(checkMFAProcess, profile, statusPass, "profile "+profile+": mfa_process program "+prog+" found"+where+" (not run: it may cost a key touch or a code)")
}

// mfaProgram is the program an mfa_process line runs through sh -c,
// skipping variable assignments and exec/command/env.
func mfaProgram(line string) string {
	if strings.ContainsAny(line, "|&;<>()$`*?") {
		return "" // a pipeline or an expansion: only the shell knows
	}
	for _, w := range shellWords(line) {
		switch {
		case w == "exec" || w == "command" || w == "env" || w == "":
			continue
		case strings.Contains(w, "=") && !strings.ContainsRune(w, '/'):
			continue // VAR=value
		}
		return w
	}
	return ""
}

// shellWords splits a command line into words as a POSIX shell would
// for simple lines (quotes and backslashes; no expansions), as the AWS CLI
// splits credential_process.
func shellWords(line string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for i := 0; i < len(line); i++ {
		c := rune(line[i])
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			} else {
				cur.WriteRune(c)
			}
		case quote == '"':
			switch {
			case c == '"':
				quote = 0
			case c == '\\' && i+1 < len(line) && strings.ContainsRune("\"\\$`", rune(line[i+1])):
				i++
				cur.WriteByte(line[i])
			default:
				cur.WriteRune(c)
			}
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == '\\' && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
			inWord = true
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// ---- keyring and keys

func (d *doctor) checkKeyring() {
	keys := d.env.Keys()
	name := keys.Backend()
	// A name that is never stored: the answer must be "not found".
	if _, err := keys.Get(keyringProbe); err != nil && !errors.Is(err, keystore.ErrNotFound) {
		d.add(checkKeyring, "", statusFail, "keys are kept in the "+name+" backend, which does not answer: "+err.Error(), hint.Of(err)...)
		return
	}
	d.keyringOK = true
	d.add(checkKeyring, "", statusPass, "keys are kept in the "+name+" backend, which answers")
	if d.env.keysNote != "" {
		d.add(checkKeyring, "", statusInfo, d.env.keysNote,
			"if your keys are in the OS keyring, make it reachable (a desktop login, or a D-Bus session with a Secret Service), or set STSCRED_BACKEND=keyring to see why it does not answer")
	}
}

// checkKeys reports a stored key for every IAM user's profile that needs
// one, and for every other root profile that has one.
func (d *doctor) checkKeys() {
	for _, name := range d.cfg.ProfileNames() {
		if !d.inScope(name) {
			continue
		}
		p, err := d.cfg.Resolve(name)
		if err != nil || p.IsRole() || (p.CredentialProcess != "" && !selfCall(p)) || p.SSOSession != "" || p.SSOStartURL != "" {
			continue
		}
		users := d.needKey[name]
		sort.Strings(users)
		users = compact(users)
		if !d.keyringOK {
			if len(users) > 0 {
				d.add(checkKey, name, statusInfo, "profile "+name+": stored key not checked: the keyring does not answer (see above)")
			}
			continue
		}
		k, err := keystore.GetKey(d.env.Keys(), name)
		switch {
		case err == nil:
			d.keys[name] = k
			msg := "profile " + name + ": access key " + keystore.MaskID(k.AccessKeyID) + " stored in " + d.env.Keys().Backend()
			var extra []string
			if !k.Added.IsZero() {
				extra = append(extra, "added "+age(k.Added, d.env.Now())+" ago")
			}
			if k.UserARN != "" {
				extra = append(extra, k.UserARN)
			}
			if len(extra) > 0 {
				msg += " (" + strings.Join(extra, ", ") + ")"
			}
			d.add(checkKey, name, statusPass, msg)
			if _, perr := d.env.Keys().Get(rotate.PendingName(name)); perr == nil {
				d.add(checkKey, name, statusWarn, "profile "+name+": a key rotation was interrupted (its new key waits in the keystore)",
					"finish it: stscred rotate "+name)
			}
		case errors.Is(err, keystore.ErrNotFound):
			if len(users) > 0 {
				hints := []string{"store the IAM user's access key: stscred add " + name}
				if d.env.keysNote != "" {
					hints = append(hints, "stscred looked in the "+d.env.Keys().Backend()+" backend: "+d.env.keysNote)
				}
				d.add(checkKey, name, statusFail, "profile "+name+": no access key stored in the "+d.env.Keys().Backend()+" backend (needed by "+strings.Join(users, ", ")+")", hints...)
			}
		default:
			d.add(checkKey, name, statusFail, "profile "+name+": "+err.Error(), append(hint.Of(err), "store the key again: stscred add "+name)...)
		}
	}
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

// ---- cache

func (d *doctor) checkCache() {
	dir, err := d.env.CacheDir()
	if err != nil {
		d.add(checkCache, "", statusFail, err.Error(), hint.Of(err)...)
		return
	}
	shown := d.tilde(dir)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		d.add(checkCache, "", statusInfo, "no cached sessions yet ("+shown+" does not exist; the first call creates it)")
		return
	case err != nil:
		d.add(checkCache, "", statusFail, "cache directory "+shown+" cannot be read: "+err.Error(), "check its owner and permissions (700, yours)")
		return
	case !fi.IsDir():
		d.add(checkCache, "", statusFail, "cache directory "+shown+" is not a directory", "remove it; stscred creates the directory itself")
		return
	case d.env.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0:
		d.add(checkCache, "", statusFail, fmt.Sprintf("cache directory %s is open to other users (mode %04o)", shown, fi.Mode().Perm()),
			"chmod 700 "+shown+" (the entries are sealed, but their headers and the lock files are yours alone)")
		return
	}
	ch, err := d.env.Cache()
	if err != nil {
		d.add(checkCache, "", statusFail, err.Error(), hint.Of(err)...)
		return
	}
	headers, err := ch.List()
	if err != nil {
		d.add(checkCache, "", statusFail, err.Error(), "check the permissions of "+shown)
		return
	}
	now := d.env.Now()
	n := 0
	for _, h := range d.scoped(headers) {
		n++
		what := "cached session of " + h.Profile
		if h.Kind == cache.KindRole {
			what = "cached role credentials of " + h.Profile
		}
		if h.MFA {
			what += " (MFA)"
		}
		rem := h.Expires.Sub(now)
		switch {
		case rem <= 0:
			d.add(checkCache, h.Profile, statusInfo, what+": expired; the next call fetches new ones")
		case rem < d.g.MinRemaining:
			d.add(checkCache, h.Profile, statusInfo, what+": "+left(h.Expires, now)+", under the "+shortDuration(d.g.MinRemaining)+" stscred hands out; the next call fetches new ones")
		default:
			d.add(checkCache, h.Profile, statusPass, what+": "+left(h.Expires, now))
		}
	}
	if n == 0 {
		d.add(checkCache, "", statusInfo, "no cached sessions (the next call fetches them from STS)")
	}
}

// scoped returns the session and role entries that concern the profiles
// in scope, soonest to expire last.
func (d *doctor) scoped(headers []cache.Header) []cache.Header {
	var out []cache.Header
	for _, h := range headers {
		if h.Kind == cache.KindKeyID {
			continue
		}
		if d.scope != nil {
			in := false
			for p := range d.scope {
				if h.Involves(p) {
					in = true
				}
			}
			if !in {
				continue
			}
		}
		out = append(out, h)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Profile != out[j].Profile {
			return out[i].Profile < out[j].Profile
		}
		return out[i].Expires.After(out[j].Expires)
	})
	return out
}

// ---- clock

// signer is what the clock check signs GetCallerIdentity with.
type signer struct {
	cr      creds.Credentials
	profile string
	what    string // for messages
	key     bool   // a stored long-term key
}

// checkClock calls GetCallerIdentity once and compares the Date of STS's
// answer with this machine's clock: STS refuses signatures more than five
// minutes off. It signs with a cached session if there is one, else with
// a stored key (GetCallerIdentity needs no MFA).
func (d *doctor) checkClock() {
	s, ok := d.pickSigner()
	if !ok {
		d.add(checkClock, "", statusInfo, "clock: not checked against STS: no cached session or stored key to sign a request with",
			"store a key (stscred add PROFILE) and run stscred doctor again")
		return
	}
	p := &awsconfig.Profile{}
	if d.cfg != nil {
		if q, err := d.cfg.Resolve(s.profile); err == nil {
			p = q
		}
	}
	ep := d.env.Settings().EndpointFor(p)
	before := d.env.Now()
	id, err := d.env.NewAPI(ep).GetCallerIdentity(d.env.context(), s.cr)
	after := d.env.Now()
	local := before.Add(after.Sub(before) / 2)

	serverTime := id.ServerTime
	var ae *awsapi.APIError
	var ue *awsapi.UnreachableError
	switch {
	case err == nil:
		d.add(checkSTS, s.profile, statusPass, fmt.Sprintf("STS at %s accepts %s (%s)", ep, s.what, id.ARN))
	case errors.As(err, &ue):
		d.add(checkSTS, s.profile, statusFail, err.Error(),
			"check the network connection (and HTTPS_PROXY if you use a proxy)",
			"the endpoint comes from AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL or endpoint_url when set, else from the region")
	case errors.As(err, &ae):
		serverTime = ae.ServerTime
		d.stsRefused(s, ae, serverTime, local)
	default:
		d.add(checkSTS, s.profile, statusFail, err.Error())
	}
	if serverTime.IsZero() {
		d.add(checkClock, "", statusInfo, "clock: not checked: no answer from STS to compare with")
		return
	}
	// Date has whole seconds: the server's clock was somewhere in
	// [serverTime, serverTime+1s) when it answered.
	skew := serverTime.Add(500 * time.Millisecond).Sub(local)
	abs := skew
	if abs < 0 {
		abs = -abs
	}
	dir := "behind"
	if skew < 0 {
		dir = "ahead of"
	}
	msg := fmt.Sprintf("clock: this machine is %s %s STS at %s", roundSkew(abs), dir, ep)
	fix := "synchronise the clock: timedatectl set-ntp true (Linux), or the date and time settings of your OS"
	switch {
	case abs > skewFail:
		d.add(checkClock, "", statusFail, msg+"; STS refuses signatures more than 5 minutes off", fix)
	case abs > skewWarn:
		d.add(checkClock, "", statusWarn, msg+"; STS refuses signatures more than 5 minutes off", fix)
	default:
		d.add(checkClock, "", statusPass, fmt.Sprintf("clock: this machine agrees with STS at %s within %s", ep, roundSkew(max(abs, time.Second))))
	}
}

func (d *doctor) stsRefused(s signer, ae *awsapi.APIError, serverTime, local time.Time) {
	msg := fmt.Sprintf("STS at %s refused %s: %s: %s", ae.Endpoint, s.what, ae.Code, strings.TrimSuffix(ae.Message, "."))
	skewed := !serverTime.IsZero() && (serverTime.Sub(local) > skewFail || local.Sub(serverTime) > skewFail)
	switch {
	case ae.Code == "SignatureDoesNotMatch" && skewed:
		d.add(checkSTS, s.profile, statusFail, msg, "this machine's clock is off (see the clock line)")
	case ae.Code == "SignatureDoesNotMatch" && s.key:
		d.add(checkSTS, s.profile, statusFail, msg, "the stored secret is wrong: store the key again: stscred add "+s.profile)
	case (ae.Code == "InvalidClientTokenId") && s.key:
		d.add(checkSTS, s.profile, statusFail, msg, "the key was deleted or deactivated in IAM: store a current one: stscred add "+s.profile)
	case ae.Code == "InvalidClientTokenId" || ae.Code == "ExpiredToken" || ae.Code == "SignatureDoesNotMatch":
		d.add(checkSTS, s.profile, statusFail, msg, "drop the cached sessions and fetch new ones: stscred clear "+s.profile)
	default:
		d.add(checkSTS, s.profile, statusFail, msg, "try again shortly; stscred whoami PROFILE shows what STS says to a profile's credentials")
	}
}

// pickSigner finds credentials without prompting: a cached session or
// role with time left, else a stored key.
func (d *doctor) pickSigner() (signer, bool) {
	if ch, err := d.env.Cache(); err == nil {
		if headers, err := ch.List(); err == nil {
			for _, h := range d.scoped(headers) {
				if h.Expires.Sub(d.env.Now()) < 2*time.Minute {
					continue
				}
				e, err := ch.Get(h.Key)
				if err != nil {
					continue
				}
				what := "the cached session of " + h.Profile
				if h.Kind == cache.KindRole {
					what = "the cached role credentials of " + h.Profile
				}
				return signer{cr: e.Creds, profile: h.Profile, what: what}, true
			}
		}
	}
	var names []string
	for n := range d.keys {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		k := d.keys[n]
		return signer{
			cr:      creds.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey},
			profile: n, what: "the access key " + keystore.MaskID(k.AccessKeyID) + " stored for " + n, key: true,
		}, true
	}
	return signer{}, false
}

// roundSkew shows a clock difference to the second.
func roundSkew(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Round(time.Second)
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d.Seconds()))
	}
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}

// ---- shell hook

// checkShellHook looks for the block install.sh --shell-hook writes in the
// rc file of the user's shell. Not installed is not a failure: the shell
// integration is optional. A damaged block is.
func (d *doctor) checkShellHook() {
	shellPath := d.env.Getenv("SHELL")
	sh := filepath.Base(shellPath)
	home := d.env.Getenv("HOME")
	var rc string
	switch sh {
	case "bash":
		rc = filepath.Join(home, ".bashrc")
	case "zsh":
		rc = filepath.Join(firstNonEmpty(d.env.Getenv("ZDOTDIR"), home), ".zshrc")
	case "fish":
		rc = filepath.Join(firstNonEmpty(d.env.Getenv("XDG_CONFIG_HOME"), filepath.Join(home, ".config")), "fish", "config.fish")
	default:
		what := "SHELL is not set"
		if shellPath != "" {
			what = "SHELL is " + shellPath
		}
		d.add(checkShellHook, "", statusInfo, "shell hook not checked: "+what+" (install.sh --shell-hook supports bash, zsh and fish)",
			"to load it by hand, see: stscred shell-init --help")
		return
	}
	if home == "" {
		d.add(checkShellHook, "", statusInfo, "shell hook not checked: HOME is not set")
		return
	}
	shown := d.tilde(rc)
	data, err := os.ReadFile(rc)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		d.add(checkShellHook, "", statusFail, "cannot read "+shown+": "+err.Error(), "check its permissions")
		return
	}
	var begins, ends []int
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		switch strings.TrimRight(l, " \t\r") {
		case hookBegin:
			begins = append(begins, i)
		case hookEnd:
			ends = append(ends, i)
		}
	}
	switch {
	case len(begins) == 0 && len(ends) == 0:
		d.add(checkShellHook, "", statusInfo, "shell hook not installed in "+shown+" (optional)", installHookHint)
		return
	case len(begins) != 1 || len(ends) != 1 || ends[0] < begins[0]:
		d.add(checkShellHook, "", statusFail,
			fmt.Sprintf("shell hook block in %s is damaged: %d start and %d end marker lines", shown, len(begins), len(ends)),
			reinstallHookHint)
		return
	}
	var initShell string
	found := false
	for _, l := range lines[begins[0]+1 : ends[0]] {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "#") {
			continue
		}
		if _, rest, ok := strings.Cut(l, "stscred shell-init"); ok {
			found = true
			if f := strings.Fields(strings.NewReplacer(")", " ", `"`, " ", "|", " ").Replace(rest)); len(f) > 0 {
				initShell = f[0]
			}
			break
		}
	}
	switch {
	case !found:
		d.add(checkShellHook, "", statusFail, "shell hook block in "+shown+" does not load stscred shell-init", reinstallHookHint)
	case initShell != sh:
		d.add(checkShellHook, "", statusFail, fmt.Sprintf("shell hook block in %s loads stscred shell-init %s into %s", shown, initShell, sh), reinstallHookHint)
	default:
		d.add(checkShellHook, "", statusPass, "shell hook installed in "+shown)
	}
}
