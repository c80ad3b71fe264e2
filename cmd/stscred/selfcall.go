package main

import "github.com/stscred/stscred/awsconfig"

// selfCall reports whether p's credential_process is stscred's call for p
// itself: `stscred session NAME` in [profile NAME], the line stscred import
// writes so that the AWS tools keep working once the key has left
// ~/.aws/credentials. Such a profile holds a stored key like a profile
// without credential_process: stscred treats it as a root (session, source
// of roles, list, add), and only the AWS tools run the line.
func selfCall(p *awsconfig.Profile) bool {
	if p == nil || p.IsRole() {
		return false
	}
	cmd, arg, ok := stscredCall(p.CredentialProcess)
	return ok && cmd == "session" && arg == p.Name
}
