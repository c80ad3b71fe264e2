// Command wintool is the Windows side of the Wine end-to-end tests
// (internal/e2e/wine): small things a test needs done by a Windows
// program.
//
//	wintool env NAME=VALUE... -- PROGRAM ARGS...   run PROGRAM with those variables set (Wine sets USERPROFILE and the like itself)
//	wintool exit N                                 exit with status N
//	wintool print-env NAME...                      print NAME=VALUE for each variable set
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: wintool env|exit|print-env ...")
	}
	args := os.Args[2:]
	switch os.Args[1] {
	case "env":
		os.Exit(runEnv(args))
	case "exit":
		n, err := strconv.Atoi(args[0])
		if err != nil {
			fail(err.Error())
		}
		os.Exit(n)
	case "print-env":
		for _, name := range args {
			if v, ok := os.LookupEnv(name); ok {
				fmt.Printf("%s=%s\n", name, v)
			}
		}
	default:
		if !platform(os.Args[1], args) {
			fail("unknown command " + os.Args[1])
		}
	}
}

// runEnv runs a program with variables set, stdio passed through, and
// returns its exit status.
func runEnv(args []string) int {
	i := 0
	for i < len(args) && args[i] != "--" {
		if !strings.Contains(args[i], "=") {
			fail("env: want NAME=VALUE, got " + args[i])
		}
		i++
	}
	if i >= len(args)-1 {
		fail("env: no program after --")
	}
	cmd := exec.Command(args[i+1], args[i+2:]...)
	cmd.Env = append(os.Environ(), args[:i]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		fail(err.Error())
	}
	return 0
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "wintool:", msg)
	os.Exit(2)
}
