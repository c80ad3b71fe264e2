package awsconfig

// Ambient is what the environment offers a profile beyond the config
// file: in a GitHub Actions job given `permissions: id-token: write`, a
// web identity token from the runner. A role profile that names no
// source (role_arn alone) starts from that token there, as the token
// sources' order promises (a file, a process, then the runner's).
type Ambient struct {
	// GitHubActions is set in a GitHub Actions job (GITHUB_ACTIONS=true).
	GitHubActions bool
	// GitHubOIDC is set when the job may ask the runner for an OIDC token:
	// ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are
	// both set (the job has id-token: write).
	GitHubOIDC bool
}

// AmbientOf reads what the environment offers through getenv (nil: nothing).
func AmbientOf(getenv func(string) string) Ambient {
	if getenv == nil {
		return Ambient{}
	}
	return Ambient{
		GitHubActions: getenv("GITHUB_ACTIONS") == "true",
		GitHubOIDC:    getenv("ACTIONS_ID_TOKEN_REQUEST_URL") != "" && getenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN") != "",
	}
}
