package app

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/stscred/stscred/internal/ops/listing"
	"github.com/stscred/stscred/internal/sys/picker"
	"github.com/stscred/stscred/shell"
)

// lastChosenFile is where the picker remembers the last profile chosen,
// in the cache directory: a profile's name, never a secret.
const lastChosenFile = "last-chosen"

// CanPick reports whether a command run without a profile may open the
// picker: stdin is a terminal (a person typed the command; a script, a
// pipe or a CI job keep what the command did without a profile), the
// terminal can draw one (TERM is not dumb), and main gave a picker. It
// opens nothing: the controlling terminal is opened by the picker itself,
// and without one PickProfile gives up as if there were no terminal.
func (p *Process) CanPick() bool {
	return p.Pick != nil && p.StdinTerminal && p.Getenv("TERM") != "dumb"
}

// ProfileFromEnvironment is the profile the environment names for the AWS
// tools (STSCRED_PROFILE, AWS_PROFILE, AWS_DEFAULT_PROFILE), "" for none.
func (p *Process) ProfileFromEnvironment() string {
	for _, v := range []string{"STSCRED_PROFILE", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"} {
		if name := p.Getenv(v); name != "" {
			return name
		}
	}
	return ""
}

// ErrNotPicked is PickProfile's error when it has nothing to choose on
// (CanPick, no controlling terminal) or from (no profile of the kind):
// the command then does what it did without a profile.
var ErrNotPicked = errors.New("no profile chosen")

// PickProfile lets the user choose, on the terminal, a profile of kind
// for command (use, console, exec, whoami, login), the one chosen last
// first, each shown with what the profile model says it is and how long
// its cached credentials have left; the choice is remembered. Nothing to
// choose on or from is ErrNotPicked; leaving the picker is
// picker.ErrCanceled.
func PickProfile(p *Process, s *Services, command string, kind shell.ProfileKind) (string, error) {
	if !p.CanPick() {
		return "", fmt.Errorf("%w: no terminal to choose one on", ErrNotPicked)
	}
	m, err := s.Model()
	if err != nil {
		return "", err
	}
	var names []string
	seen := map[string]bool{}
	for _, n := range ProfileNames(m, kind) {
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return "", fmt.Errorf("%w: %s has no profile to choose", ErrNotPicked, m.File.Path)
	}
	ch, err := s.Cache()
	if err != nil {
		return "", err
	}
	headers, err := ch.List()
	if err != nil {
		p.Warnf("the picker shows no cached credentials: %v", err)
	}
	last := picker.Last{Path: filepath.Join(ch.Dir(), lastChosenFile)}
	now := p.Now()
	var rows []picker.Row
	for _, c := range listing.Choices(m, names, headers) {
		account := c.Account
		if account == "" {
			account = "-"
		}
		rows = append(rows, picker.Row{Key: c.Profile, Cells: []string{c.Kind.String(), account, c.What(), c.Left(now)}})
	}
	rows = picker.LastFirst(rows, last.Read(p.Context()))
	i, err := p.Pick(p.Context(), picker.Request{
		Title:   "stscred " + command + ": choose a profile",
		Header:  []string{"PROFILE", "KIND", "ACCOUNT", "ROLE/SESSION", "CACHED"},
		Rows:    rows,
		Environ: p.Environment(),
	})
	if errors.Is(err, picker.ErrNoTerminal) {
		return "", fmt.Errorf("%w: %w", ErrNotPicked, err)
	}
	if err != nil {
		return "", err
	}
	name := rows[i].Key
	if err := last.Save(name); err != nil {
		p.Warnf("the picker will not put %s first next time: %v", name, err)
	}
	return name, nil
}
