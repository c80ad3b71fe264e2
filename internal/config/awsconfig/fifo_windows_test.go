package awsconfig

import "testing"

// Windows has no FIFOs in the file system, nor /dev/zero.
func makeFIFO(*testing.T, string) string { return "" }
func devZero() string                    { return "" }
