//go:build !windows

package credserver

import "syscall"

func setNonblock(fd uintptr) { _ = syscall.SetNonblock(int(fd), true) }
