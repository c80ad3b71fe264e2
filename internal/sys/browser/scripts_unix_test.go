//go:build !windows

package browser

// Browsers written as sh scripts.
var scripts = struct{ name, failing, ignoring string }{
	name:     "browser",
	failing:  "#!/bin/sh\necho \"cannot open $1\" >&2\nexit 3\n",
	ignoring: "#!/bin/sh\nexit 0\n",
}
