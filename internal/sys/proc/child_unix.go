//go:build !windows

package proc

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"golang.org/x/sys/unix"
)

// runChild runs the command with stdio passed through, relays signals, and
// ends with the child's status: its exit code, or the signal that killed
// it, raised again on this process.
// The child gets a copy of each socket in hold as fd 3, 4, ...; started
// runs once the child has started.
func runChild(path string, argv, environ []string, hold []Held, started func()) error {
	cmd := exec.Command(path, argv[1:]...)
	cmd.Args = argv
	cmd.Env = environ
	for _, h := range hold {
		f, err := dupSocket(h)
		if err != nil {
			return err
		}
		defer f.Close()
		cmd.ExtraFiles = append(cmd.ExtraFiles, f)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGUSR1, syscall.SIGUSR2)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return err
	}
	if started != nil {
		started()
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case sig := <-sigs:
				if !fromTerminal(sig, cmd.Process.Pid) {
					_ = cmd.Process.Signal(sig)
				}
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			signal.Reset(ws.Signal())
			_ = syscall.Kill(os.Getpid(), ws.Signal())
			return ExitError{Code: 128 + int(ws.Signal())}
		}
		return ExitError{Code: ee.ExitCode()}
	}
	return err
}

// fromTerminal reports whether sig is a terminal's keyboard signal (Ctrl-C,
// Ctrl-\) that the kernel already delivered to the child: it did when the
// child is in the terminal's foreground process group. Relaying it again
// would make, for one, terraform take a single Ctrl-C for two and abandon
// its graceful shutdown.
func fromTerminal(sig os.Signal, child int) bool {
	if sig != syscall.SIGINT && sig != syscall.SIGQUIT {
		return false
	}
	for _, fd := range []int{0, 1, 2} {
		fg, err := unix.IoctlGetInt(fd, unix.TIOCGPGRP)
		if err != nil {
			continue
		}
		pg, err := syscall.Getpgid(child)
		return err == nil && pg == fg
	}
	return false
}

// dupSocket is a copy of the socket's descriptor, for a child to inherit.
// The copy shares the socket's open file description: handing it to the
// child makes both blocking (os/exec's ExtraFiles), which the owner puts
// right once the child has started (credserver's Serve).
func dupSocket(h Held) (*os.File, error) {
	rc, err := h.SyscallConn()
	if err != nil {
		return nil, err
	}
	nfd := -1
	var derr error
	if err := rc.Control(func(fd uintptr) { nfd, derr = unix.Dup(int(fd)) }); err != nil {
		return nil, err
	}
	if derr != nil {
		return nil, os.NewSyscallError("dup", derr)
	}
	unix.CloseOnExec(nfd)
	return os.NewFile(uintptr(nfd), "socket"), nil
}
