//go:build !windows

package cache

import "syscall"

func umask(m int) int { return syscall.Umask(m) }
