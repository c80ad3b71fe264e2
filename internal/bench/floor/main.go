// Command floor is the benchmark's floor: a Go program that only reads a
// file and prints it, the least a credential_process can do.
package main

import "os"

func main() {
	b, err := os.ReadFile(os.Args[1])
	if err != nil {
		os.Exit(1)
	}
	os.Stdout.Write(b)
}
