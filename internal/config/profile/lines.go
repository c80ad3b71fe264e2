package profile

import (
	"strings"

	"github.com/stscred/stscred/internal/config/awsconfig"
)

// The lines of the config that make the AWS tools run stscred: what
// `stscred import` writes, `stscred add` shows next, and the Identity
// Center profiles `stscred sso accounts --profiles` prints, from one place.

// SessionProcess is the credential_process line of an IAM user's own
// profile: the AWS tools get the user's session from stscred, and stscred
// still treats the profile as the key's holder (see KeyHolder). command
// is the program the line runs ("" is stscred).
func SessionProcess(command, name string) string {
	return "credential_process = " + program(command) + " session " + name
}

// RoleProcess is the credential_process line of the profile the AWS tools
// use for role profile name.
func RoleProcess(command, name string) string {
	return "credential_process = " + program(command) + " role " + name
}

func program(command string) string {
	if command == "" {
		return "stscred"
	}
	return command
}

// Section is a config section as it is written: its header, then its
// lines.
func Section(name string, lines ...string) string {
	return awsconfig.SectionFor(name) + "\n" + strings.Join(lines, "\n")
}

// LineSafe reports whether name can stand in a credential_process line
// unquoted: the AWS CLI splits that line like a shell, the Go SDK runs
// it through sh, so only letters, digits and . _ - @ + = , : / are kept
// as they are, and a leading - would read as a flag.
func LineSafe(name string) bool {
	if name == "" || name[0] == '-' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._-@+=,:/", c) >= 0) {
			return false
		}
	}
	return true
}
