//go:build !windows

package awsconfig

// homeEnv names the variable holding the home directory, as os.UserHomeDir
// reads it on Unix systems.
const homeEnv = "HOME"

// pathSepIsBackslash: "~\" also starts a home-relative path on Windows.
const pathSepIsBackslash = false
