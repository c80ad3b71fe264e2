package awsconfig

// homeEnv names the variable holding the home directory, as os.UserHomeDir
// reads it on Windows.
const homeEnv = "USERPROFILE"

// pathSepIsBackslash: "~\" also starts a home-relative path on Windows.
const pathSepIsBackslash = true
