package proc

// The lines the tests run, in cmd's language (Line runs them with cmd /C).
var lines = struct{ missingPath, exits3, echoesSeed, output, env, sleep string }{
	missingPath: `C:\nonexistent\tool.exe --totp -b ` + seed,
	exits3:      "echo bad seed " + seed + " 1>&2 & exit 3",
	echoesSeed:  "echo " + seed + " 1>&2 & exit 1",
	output:      "echo %PROC_TEST_MESSAGE% 1>&2 & echo 123456 & rem " + seed,
	env:         "set",
	sleep:       "ping -n 6 127.0.0.1",
}

// Lines quoted as Windows quotes: a path keeps its backslashes.
var programCases = map[string]string{
	`C:\Users\me\bin\get-code.exe --x y`: "get-code.exe",
	`"oathtool --totp -b ` + seed + `"`:  "oathtool…",
}

var executableCases = map[string]string{
	`"C:\Program Files\Yubico\ykman.exe" oath`: `C:\Program Files\Yubico\ykman.exe`,
	`C:\tools\otp.exe --x`:                     `C:\tools\otp.exe`,
}
