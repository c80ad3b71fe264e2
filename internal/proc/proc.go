// Package proc is about stscred's place among processes: the one that
// started it (the shell that will read `stscred export`'s output is the
// one that ran it), and the command `stscred exec` runs, with signals
// passed on and its exit status passed back.
package proc

import "fmt"

// ExitError carries the child's exit status out of Run without a message:
// the child already said what went wrong.
type ExitError struct{ Code int }

func (e ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// ParentName is the command name of the parent process ("bash", "fish",
// "pwsh"), "" when it cannot be told.
func ParentName() string { return parentName() }
