package shell

import (
	"fmt"
	"strings"
)

// HookStatus is what FindHook found in an rc file.
type HookStatus int

const (
	// HookAbsent: no marker line at all; the hook is not installed (which
	// is fine: the shell integration is optional).
	HookAbsent HookStatus = iota
	// HookDamaged: the marker lines are unbalanced (not exactly one start
	// line followed by one end line); Begins and Ends count them.
	HookDamaged
	// HookNoInit: one block, but no line in it (comments aside) loads
	// stscred shell-init.
	HookNoInit
	// HookOtherShell: the block loads shell-init for another shell, named
	// in InitShell ("" when the line names none).
	HookOtherShell
	// HookInstalled: the block loads this shell's integration.
	HookInstalled
)

// HookState is FindHook's answer.
type HookState struct {
	Status HookStatus
	// Begins and Ends are the numbers of start and end marker lines.
	Begins, Ends int
	// InitShell is the shell the block's shell-init line names (for
	// HookOtherShell and HookInstalled).
	InitShell string
	// Shell is the shell FindHook was asked for.
	Shell string
}

// OK reports whether nothing is wrong: installed, or not installed at all.
func (h HookState) OK() bool { return h.Status == HookAbsent || h.Status == HookInstalled }

// Describe is the sentence doctor reports for h, for an rc file shown as
// shown (e.g. "~/.bashrc").
func (h HookState) Describe(shown string) string {
	switch h.Status {
	case HookAbsent:
		return "shell hook not installed in " + shown + " (optional)"
	case HookDamaged:
		return fmt.Sprintf("shell hook block in %s is damaged: %d start and %d end marker lines", shown, h.Begins, h.Ends)
	case HookNoInit:
		return "shell hook block in " + shown + " does not load stscred shell-init"
	case HookOtherShell:
		return fmt.Sprintf("shell hook block in %s loads stscred shell-init %s into %s", shown, h.InitShell, h.Shell)
	}
	return "shell hook installed in " + shown
}

// Hints doctor gives with a HookState that is not installed or wrong.
const (
	InstallHookHint   = "./install.sh --shell-hook adds it to your shell's rc file (optional: it gives stscred use and renewal before each prompt)"
	ReinstallHookHint = "delete the lines from '" + BeginMarker + "' to '" + EndMarker + "' and run ./install.sh --shell-hook again"
)

// Hint is the hint for h: "" when installed.
func (h HookState) Hint() string {
	switch h.Status {
	case HookInstalled:
		return ""
	case HookAbsent:
		return InstallHookHint
	}
	return ReinstallHookHint
}

// findHook is FindHook for the shell called name: the block between the
// markers, and in it the first line (comments aside) that runs stscred
// shell-init, whose next word is the shell it loads.
func findHook(name string, rc []byte) HookState {
	h := HookState{Shell: name}
	var begins, ends []int
	lines := strings.Split(string(rc), "\n")
	for i, l := range lines {
		switch strings.TrimRight(l, " \t\r") {
		case BeginMarker:
			begins = append(begins, i)
		case EndMarker:
			ends = append(ends, i)
		}
	}
	h.Begins, h.Ends = len(begins), len(ends)
	switch {
	case len(begins) == 0 && len(ends) == 0:
		h.Status = HookAbsent
		return h
	case len(begins) != 1 || len(ends) != 1 || ends[0] < begins[0]:
		h.Status = HookDamaged
		return h
	}
	found := false
	for _, l := range lines[begins[0]+1 : ends[0]] {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "#") {
			continue
		}
		if _, rest, ok := strings.Cut(l, "stscred shell-init"); ok {
			found = true
			if f := strings.Fields(strings.NewReplacer(")", " ", `"`, " ", "|", " ").Replace(rest)); len(f) > 0 {
				h.InitShell = f[0]
			}
			break
		}
	}
	switch {
	case !found:
		h.Status = HookNoInit
	case h.InitShell != name:
		h.Status = HookOtherShell
	default:
		h.Status = HookInstalled
	}
	return h
}
