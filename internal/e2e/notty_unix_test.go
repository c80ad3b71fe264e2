//go:build linux && realworld

package e2e

import "syscall"

// noTTY starts a process in a new session, without a controlling terminal.
func noTTY() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }
