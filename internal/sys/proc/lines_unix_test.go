//go:build !windows

package proc

// The lines the tests run, in sh's language (Line runs them with sh -c).
var lines = struct{ missingPath, exits3, echoesSeed, output, env, sleep string }{
	missingPath: "/nonexistent/tool --totp -b " + seed,
	exits3:      "sh -c 'echo bad seed $0 >&2; exit 3' " + seed,
	echoesSeed:  "sh -c 'echo $0 >&2; exit 1' " + seed,
	output:      "sh -c 'echo touch your key >&2; echo 123456' " + seed,
	env:         "env",
	sleep:       "sleep 5",
}

// Lines quoted as a POSIX shell quotes.
var programCases = map[string]string{
	"'/opt/my tools/get-code' --x y":    "my…", // cut short at a blank: it could be a whole line quoted
	"'oathtool --totp -b " + seed + "'": "oathtool…",
}

var executableCases = map[string]string{
	"'/opt/with space/otp' --x": "/opt/with space/otp",
}
