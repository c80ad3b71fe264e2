package doctor

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/spell"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/credline"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/sys/proc"
)

// setScope limits the checks to one profile's chain, and to the chain of
// whatever its credential_process runs.
func (d *doctor) setScope(name string) {
	if name == "" {
		return
	}
	d.scope = map[string]bool{}
	var addChain func(n string, depth int)
	addChain = func(n string, depth int) {
		if depth > maxScopeDepth || d.scope[n] {
			return
		}
		d.scope[n] = true
		p, err := d.model.Get(n)
		if err != nil {
			return
		}
		for _, q := range p.Chain() {
			d.scope[q.Name] = true
		}
		if p.Call != nil {
			for _, t := range []string{p.Call.Profile, p.Call.Source} {
				if t != "" {
					addChain(t, depth+1)
				}
			}
		}
	}
	addChain(name, 0)
	if !d.cfg.Has(name) {
		_, err := d.cfg.Resolve(name)
		d.add(IDProfile, name, Fail, "profile "+name+" is not in the config file", hint.Of(err)...)
	}
}

func (d *doctor) checkProfiles() {
	for _, name := range d.cfg.ProfileNames() {
		if !d.inScope(name) {
			continue
		}
		p, err := d.model.Get(name)
		if err != nil {
			d.profileError(name, err)
			continue
		}
		switch {
		case p.HasRoleAndProcess():
			d.add(IDRoleProcess, name, Fail,
				"profile "+name+" has both role_arn and credential_process: the AWS CLI and SDKs assume the role themselves and never run its credential_process",
				"move role_arn and source_profile (and mfa_serial, duration_seconds...) to a profile of their own, e.g. [profile "+name+"-role]",
				"and keep only credential_process = stscred role "+name+"-role (and region) in [profile "+name+"]")
		case p.Kind == profile.Role:
			d.checkChain(p)
		case p.Kind == profile.Tool:
			d.checkCredentialProcess(p)
		case p.Kind == profile.WebIdentity:
			d.checkWebIdentity(p)
		case p.Kind == profile.SAML:
			d.checkSAML(p)
		case p.Kind == profile.SSO:
			d.checkSSO(p)
		case p.Kind == profile.Login:
			d.checkLogin(p)
		}
		if raw := p.Keys["mfa_process"]; raw != "" {
			d.checkMFAProcess(name, raw)
		}
		if why := ykmanWhy(p.Keys, p.MFAProcess); why != "" {
			d.checkYkman(name, why)
		}
	}
}

// profileError reports a profile that does not resolve, under the check
// its mistake belongs to.
func (d *doctor) profileError(name string, err error) {
	check := IDProfile
	switch {
	case errors.Is(err, awsconfig.ErrNoSource) && strings.Contains(err.Error(), "credential_process"):
		check = IDRoleProcess
	case errors.Is(err, awsconfig.ErrCycle), errors.Is(err, awsconfig.ErrBadReference), errors.Is(err, awsconfig.ErrNoSource):
		check = IDSourceChain
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "profile "+strconv.Quote(name)+" ") {
		msg = "profile " + name + ": " + msg // the error does not start with whose it is
	}
	d.add(check, name, Fail, msg, hint.Of(err)...)
}

// checkChain reports a role profile's source_profile chain, which must end
// at a profile stscred gets credentials for on its own.
func (d *doctor) checkChain(p *profile.Profile) {
	var names []string
	for _, q := range p.Chain() {
		names = append(names, q.Name)
	}
	root := d.model.Classify(p.Root())
	role := "a role"
	if strings.HasPrefix(p.RoleARN, "arn:") {
		role = p.RoleARN
	}
	chain := strings.Join(names, " → ")
	switch root.Kind {
	case profile.KeyHolder:
		d.needKey[root.Name] = append(d.needKey[root.Name], p.Name)
		d.add(IDSourceChain, p.Name, Pass, fmt.Sprintf("profile %s assumes %s (source chain %s)", p.Name, role, chain))
		if p.MFASerial == "" {
			d.noMFA[root.Name] = append(d.noMFA[root.Name], p.Name)
		}
	case profile.WebIdentity, profile.SAML:
		d.add(IDSourceChain, p.Name, Pass, fmt.Sprintf("profile %s assumes %s (source chain %s, from the identity provider's token of %s)", p.Name, role, chain, root.Name))
	case profile.Tool, profile.Foreign:
		d.add(IDSourceChain, p.Name, Fail,
			fmt.Sprintf("profile %s: its source chain %s ends at %s, which gets its credentials from credential_process, not from a key stscred keeps", p.Name, chain, root.Name),
			"make source_profile of the chain's last role name the IAM user's profile (the one you ran stscred add for)")
	case profile.SSO:
		d.add(IDSourceChain, p.Name, Pass, fmt.Sprintf("profile %s assumes %s (source chain %s, from the IAM Identity Center role of %s)", p.Name, role, chain, root.Name))
	case profile.Login:
		d.add(IDSourceChain, p.Name, Pass, fmt.Sprintf("profile %s assumes %s (source chain %s, from the AWS Sign-In session of %s)", p.Name, role, chain, root.Name))
	default:
		d.add(IDSourceChain, p.Name, Fail,
			fmt.Sprintf("profile %s: its source chain %s ends at %s, a %s profile stscred cannot sign with", p.Name, chain, root.Name, root.Kind),
			"make source_profile of the chain's last role name the IAM user's profile (the one you ran stscred add for)")
	}
}

// checkCredentialProcess checks a tool profile: the stscred binary is
// found, and its call means what the runtime would do with it — the same
// profile.Model.ToolTarget the runtime asks, so they cannot disagree.
func (d *doctor) checkCredentialProcess(p *profile.Profile) {
	call := p.Call
	prefix := "profile " + p.Name + ": credential_process "
	path, err := d.findProgram(call.Program)
	if err != nil {
		hint := "install it with ./install.sh (into ~/.local/bin) and make sure that directory is on the PATH of the programs that read " + d.configShown() +
			", or write stscred's full path in credential_process"
		where := "`command -v stscred` shows where it is installed"
		if d.s.GOOS == "windows" {
			hint = `put stscred.exe in a folder on your user PATH (e.g. %USERPROFILE%\bin, added under Environment Variables in Settings; programs started afterwards see it) so that the programs that read ` + d.configShown() +
				" find it, or write stscred.exe's full path in credential_process"
			where = "`(Get-Command stscred).Source` in PowerShell shows where it is"
		}
		if isPath(call.Program) {
			hint = "fix the path in credential_process of [profile " + p.Name + "] (" + where + "), or install stscred there"
		}
		d.add(IDCredProcess, p.Name, Fail, prefix+"runs "+call.Program+", which "+err.Error(), hint)
		return
	}
	shown := "stscred " + call.Command
	if call.Profile != "" {
		shown += " " + call.Profile
	}
	if call.Err != nil {
		msg, _, _ := strings.Cut(call.Err.Error(), ", did you mean")
		d.add(IDCredProcess, p.Name, Fail, prefix+"runs stscred, but its arguments do not parse: "+msg, d.meantCall(p))
		return
	}
	t, err := d.model.Resolve(call.Request)
	if err != nil {
		msg := err.Error()
		hints := hint.Of(err)
		if target := call.Profile; target != "" && !d.cfg.Has(target) {
			// The error's own hint to add the section says what this one
			// does, less precisely: one hint, and what was meant.
			msg = d.configShown() + " has no profile " + target
			hints = append(awsconfig.Suggestions(err), "add "+awsconfig.SectionFor(target)+", or fix credential_process in "+awsconfig.SectionFor(p.Name))
		}
		d.add(IDCredProcess, p.Name, Fail, prefix+"runs "+shown+", but "+msg, hints...)
		return
	}
	if root := d.model.Classify(t.Profile.Root()); root.Kind == profile.KeyHolder {
		d.needKey[root.Name] = append(d.needKey[root.Name], p.Name)
	}
	d.add(IDCredProcess, p.Name, Pass, prefix+"runs "+shown+" ("+path+")")
}

// meantCall is the one hint for a credential_process line that does not
// parse: the line with its command word corrected when that makes a call
// that parses, else what the line should look like.
func (d *doctor) meantCall(p *profile.Profile) string {
	const shape = "credential_process = stscred role ROLE_PROFILE, or stscred session USER_PROFILE"
	words := proc.Words(p.CredentialProcess)
	if len(words) < 2 {
		return shape
	}
	for _, cmd := range []string{"role", "session"} {
		if words[1] == cmd || spell.Distance(words[1], cmd, 3) > 2 {
			continue
		}
		fixed := append([]string{cmd}, words[2:]...)
		if c := credline.Parse(fixed, d.s.Getenv); c.Err == nil && c.Profile != "" {
			return "did you mean credential_process = stscred " + cmd + " " + c.Profile + "?"
		}
	}
	return shape
}

func isPath(prog string) bool { return strings.ContainsAny(prog, `/\`) }

func (d *doctor) configShown() string {
	if d.cfg != nil {
		return d.tilde(d.cfg.Path)
	}
	return "the AWS config"
}

// findProgram finds a program as exec would: a path must be an
// executable file, a bare name must be on PATH.
func (d *doctor) findProgram(prog string) (string, error) {
	if isPath(prog) || strings.ContainsRune(prog, filepath.Separator) {
		fi, err := os.Stat(prog)
		switch {
		case err != nil:
			return "", errors.New("does not exist")
		case fi.IsDir():
			return "", errors.New("is a directory")
		case d.s.GOOS != "windows" && fi.Mode()&0o111 == 0:
			return "", errors.New("is not executable")
		}
		return prog, nil
	}
	path, err := d.s.LookPath(prog)
	if err != nil {
		return "", errors.New("is not on PATH")
	}
	return path, nil
}

// checkMFAProcess checks that mfa_process's program can be found. It does
// not run it: a code may cost a YubiKey touch, or use up an OTP. Only the
// program's name is shown; the rest of the line may hold a TOTP secret.
func (d *doctor) checkMFAProcess(name, line string) {
	prog := proc.Executable(line)
	if prog == "" {
		d.add(IDMFAProcess, name, Warn, "profile "+name+": cannot tell which program mfa_process runs; not checked",
			"run it yourself: it must print a 6-digit code and nothing else on stdout")
		return
	}
	if quotedWhole(prog) {
		d.add(IDMFAProcess, name, Fail, "profile "+name+": mfa_process is quoted as a whole (program "+proc.Program(line)+"): the shell would look for a program named by the whole line",
			"remove the quotes around the whole mfa_process line in [profile "+name+"]; quote only an argument that needs it")
		return
	}
	if strings.HasPrefix(prog, "~/") && d.s.Getenv("HOME") != "" {
		prog = filepath.Join(d.s.Getenv("HOME"), prog[2:]) // sh -c expands it
	}
	path, err := d.findProgram(prog)
	if err != nil {
		d.add(IDMFAProcess, name, Fail, "profile "+name+": mfa_process program "+prog+" "+err.Error(),
			"install it, or fix mfa_process in [profile "+name+"]")
		return
	}
	where := ""
	if path != prog {
		where = " at " + path
	}
	d.add(IDMFAProcess, name, Pass, "profile "+name+": mfa_process program "+prog+" found"+where+" (not run: it may cost a key touch or a code)")
}

// ykmanWhy says which of a section's own keys makes its codes come from
// a YubiKey in auto ("" for none): mfa_prompt = ykman, else a ykman key
// when no mfa_process (which auto asks first) applies.
func ykmanWhy(keys map[string]string, mfaProcess string) string {
	switch {
	case keys["mfa_prompt"] == "ykman":
		return "mfa_prompt = ykman"
	case mfaProcess != "":
		return ""
	case keys["ykman_oath_account"] != "":
		return "ykman_oath_account is set"
	case keys["ykman_device"] != "":
		return "ykman_device is set"
	}
	return ""
}

// checkYkman checks that ykman can be found for a profile whose codes
// come from a YubiKey. It does not run it: a code may cost a touch.
func (d *doctor) checkYkman(name, why string) {
	path, err := d.findProgram("ykman")
	if err != nil {
		d.add(IDYkman, name, Fail, "profile "+name+": MFA codes come from a YubiKey ("+why+"), but ykman (YubiKey Manager's command line) is not on PATH",
			"install it: pipx install yubikey-manager, or your system's package (Debian/Ubuntu: apt install yubikey-manager; macOS: brew install ykman)")
		return
	}
	d.add(IDYkman, name, Pass, "profile "+name+": MFA codes come from a YubiKey ("+why+"); ykman found at "+path+" (not run: it may cost a key touch)")
}

// quotedWhole reports a program word with blanks: a command line quoted
// as a whole, which no shell runs as meant (and whose rest may be a
// secret, never shown).
func quotedWhole(prog string) bool { return len(strings.Fields(prog)) > 1 }
