// Command ykman is the stand-in for YubiKey Manager's CLI that tests put
// on PATH (see package ykmantest); its state file is named by
// YKMANTEST_STATE.
package main

import (
	"io"
	"os"

	"github.com/stscred/stscred/internal/testkit/ykmantest"
)

func main() {
	fi, err := os.Stdin.Stat()
	terminal := err == nil && fi.Mode()&os.ModeCharDevice != 0
	os.Exit(ykmantest.Main(os.Getenv(ykmantest.StateVar), os.Args[1:], ykmantest.Stdio{
		Stdin: os.Stdin, StdinTerminal: terminal, Stdout: os.Stdout, Stderr: os.Stderr,
		OpenTTY: func() (io.ReadWriteCloser, error) { return os.OpenFile("/dev/tty", os.O_RDWR|noctty, 0) },
	}))
}
