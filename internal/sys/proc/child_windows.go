package proc

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"golang.org/x/sys/windows"
)

// runChild runs the command with stdio passed through and ends with its
// exit code. Ctrl-C reaches the child through the shared console; stscred
// only keeps running until the child is done.
//
// The child inherits the handles of the sockets in hold: the sockets
// themselves, not duplicates. A duplicate would need the listener taken
// off its I/O completion port first (Go's TCPListener.File does that, and
// its Accept then blocks a thread; Wine has no call for it at all), and
// Windows does not support DuplicateHandle on sockets. An inherited
// handle leaves the listener as it is; it is made inheritable only while
// the child is created, and os/exec hands the child an explicit list of
// handles, so no other child gets it. While the child runs the port stays
// bound, even if stscred is killed.
func runChild(path string, argv, environ []string, hold []Held, started func()) error {
	cmd := exec.Command(path, argv[1:]...)
	cmd.Args = argv
	cmd.Env = environ
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	handles, err := socketHandles(hold)
	if err != nil {
		return err
	}
	for _, h := range handles {
		if err := windows.SetHandleInformation(windows.Handle(h), windows.HANDLE_FLAG_INHERIT, windows.HANDLE_FLAG_INHERIT); err != nil {
			return os.NewSyscallError("SetHandleInformation", err)
		}
		defer windows.SetHandleInformation(windows.Handle(h), windows.HANDLE_FLAG_INHERIT, 0)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{AdditionalInheritedHandles: handles}
	signal.Ignore(os.Interrupt)
	defer signal.Reset(os.Interrupt)
	if err := cmd.Start(); err != nil {
		return err
	}
	if started != nil {
		started()
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ExitError{Code: ee.ExitCode()}
	}
	return err
}

// socketHandles are the handles of the sockets; they stay valid while the
// sockets are open, which their owner keeps them until Exec returns.
func socketHandles(hold []Held) ([]syscall.Handle, error) {
	var handles []syscall.Handle
	for _, h := range hold {
		rc, err := h.SyscallConn()
		if err != nil {
			return nil, err
		}
		if err := rc.Control(func(fd uintptr) { handles = append(handles, syscall.Handle(fd)) }); err != nil {
			return nil, err
		}
	}
	return handles, nil
}
