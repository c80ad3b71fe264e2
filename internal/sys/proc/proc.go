// Package proc is about stscred's place among processes: its own
// hardening (no core file, no debugger), the one that started it (the
// shell that will read `stscred export`'s output is the one that ran it),
// and the command `stscred exec` runs, with signals passed on and its exit
// status passed back.
package proc

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
)

// ExitError carries the child's exit status out of Run without a message:
// the child already said what went wrong.
type ExitError struct{ Code int }

func (e ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// ParentName is the command name of the parent process ("bash", "fish",
// "pwsh"), "" when it cannot be told.
func ParentName() string { return parentName() }

// CommandError is a command that cannot be run, with the status a shell
// ends with for it: 127 when it is not found, 126 when it is not
// executable.
type CommandError struct {
	Name   string
	Status int
	Err    error
}

func (e CommandError) Error() string {
	if e.Status == 127 {
		return "command not found: " + e.Name
	}
	return fmt.Sprintf("cannot run %s: %v", e.Name, e.Err)
}

func (e CommandError) Unwrap() error { return e.Err }

// LookCommand finds a command as a shell would, and fails as one does.
func LookCommand(name string) (string, error) {
	path, err := exec.LookPath(name)
	switch {
	case err == nil:
		return path, nil
	case errors.Is(err, exec.ErrNotFound) && !strings.ContainsRune(name, os.PathSeparator):
		return "", CommandError{Name: name, Status: 127, Err: err}
	case errors.Is(err, fs.ErrNotExist):
		return "", CommandError{Name: name + " does not exist", Status: 127, Err: err}
	}
	return "", CommandError{Name: name, Status: 126, Err: err}
}
