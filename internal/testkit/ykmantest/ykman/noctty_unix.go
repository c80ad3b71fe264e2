//go:build unix

package main

import "syscall"

const noctty = syscall.O_NOCTTY
