package proc

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
)

// runChild runs the command with stdio passed through and ends with its
// exit code. Ctrl-C reaches the child through the shared console; stscred
// only keeps running until the child is done.
//
// The endpoint's socket is not handed to the child here: if stscred is
// killed while the child runs, the port is free again (see README).
func runChild(path string, argv, environ []string, _ []*os.File, started func()) error {
	cmd := exec.Command(path, argv[1:]...)
	cmd.Args = argv
	cmd.Env = environ
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	signal.Ignore(os.Interrupt)
	defer signal.Reset(os.Interrupt)
	if err := cmd.Start(); err != nil {
		return err
	}
	if started != nil {
		started()
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ExitError{Code: ee.ExitCode()}
	}
	return err
}
