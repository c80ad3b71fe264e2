// Package layering holds the layering of stscred's packages as data, and
// the test that checks every import (of the code and of its tests, on
// linux, darwin and windows) against it: an import that runs up a layer,
// or across groups the rules do not allow, fails the build's tests. Its
// tests also hold that only proc.Runner starts processes, and that the
// binary links none of the modules it must not (the SDK's IAM client).
// The package itself has no code stscred uses.
package layering
