package credserver

import (
	"strings"

	"github.com/stscred/stscred/internal/sys/proc"
	"github.com/stscred/stscred/shell"
)

// ExecProfileVar marks a process started by stscred exec, naming the
// profile, so a nested exec can tell.
const ExecProfileVar = "STSCRED_EXEC_PROFILE"

// ChildEnv is environ without every variable that would compete with the
// credentials exec hands its command (keys, another endpoint, a profile
// that shadows them), and without what stscred was given for itself.
func ChildEnv(environ []string) []string {
	drop := map[string]bool{
		"AWS_ACCESS_KEY_ID": true, "AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true,
		"AWS_CREDENTIAL_EXPIRATION": true, "STSCRED_EXPIRES": true, "STSCRED_PROFILE": true, ExecProfileVar: true,
		"AWS_CONTAINER_CREDENTIALS_FULL_URI": true, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": true,
		"AWS_CONTAINER_AUTHORIZATION_TOKEN": true, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": true,
	}
	for _, name := range shell.Shadowing() {
		drop[name] = true
	}
	// What stscred was given for itself: the child never sees it.
	for _, name := range proc.Private() {
		drop[name] = true
	}
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !drop[name] {
			out = append(out, kv)
		}
	}
	return out
}
