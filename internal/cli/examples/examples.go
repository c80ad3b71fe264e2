// Package examples holds the examples each stscred command's --help ends
// with: pairs of a command line and what it does. cmd/stscred puts them
// under each command's help; a test there parses every one.
package examples

import "strings"

// byCommand lists, per command, (command line, what it does) pairs.
var byCommand = map[string][]string{
	"add": {
		"stscred add alice", "asks for the key id and secret (the secret is not echoed)",
		`printf '%s\n%s\n' "$ID" "$SECRET" | stscred add alice`, "from a script: key id, then secret, on stdin",
		"stscred add --env alice", "from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
	},
	"remove": {
		"stscred remove alice", "asks first, then deletes alice's key and the sessions made from it",
		"stscred remove --yes alice", "without asking (in a script)",
		"stscred remove --all", "asks first, then deletes everything stscred keeps here: keys, sign-ins, the session cache",
	},
	"list": {
		"stscred list", "a table: profiles, their type, stored keys (masked), time left on cached sessions",
		"stscred list --json | jq '.[] | select(.type == \"role\")'", "the same for scripts",
	},
	"clear": {
		"stscred clear", "drop every cached session; the next call asks STS (and for an MFA code) again",
		"stscred clear alice", "alice's session and the roles assumed with it",
		"stscred clear prod-admin", "that role's cached credentials only",
	},
	"exec": {
		"stscred exec prod -- terraform plan", "terraform gets prod's credentials, renewed while it runs",
		"stscred exec prod -- aws s3 ls", "any command: its exit status is stscred's",
		"stscred exec --env prod -- ./legacy-script", "as AWS_* variables, for a program that reads only those (not renewed)",
		"stscred exec prod", "at a terminal: your shell ($SHELL) with prod's credentials; exit it to leave them",
	},
	"use": {
		"stscred use prod", "this shell's AWS_* variables become prod's, renewed before each prompt",
		"stscred use --off", "back to what the shell had before (region and AWS_PROFILE too)",
	},
	"migrate": {
		"stscred migrate --to file", "every key into the encrypted file keystore (asks for its passphrase)",
		"stscred migrate --to keyring", "and back into the OS keyring",
	},
	"import": {
		"stscred import --dry-run", "which keys of ~/.aws/credentials and which aws login sessions of ~/.aws/login/cache would move, and what would change",
		"stscred import", "move them: verified, stored, removed from the file (a backup is kept)",
		"stscred import --from ./old-credentials", "from another file",
	},
	"whoami": {
		"stscred whoami prod", "what aws sts get-caller-identity --profile prod prints",
		"stscred whoami -v", "the credentials this shell's AWS tools would use, where they came from, when they expire",
		"stscred whoami prod --query Account --output text", "just the account id",
	},
	"doctor": {
		"stscred doctor", "every check, a hint under each one that fails; exit status 1 if any does",
		"stscred doctor --profile prod", "only prod's chain, and what its credential_process runs",
		"stscred doctor --output json", "for scripts",
	},
	"rotate": {
		"stscred rotate --dry-run alice", "what would happen, changing nothing",
		"stscred rotate alice", "a new key in IAM and the keyring; the old one deactivated and deleted",
		"stscred rotate --keep-old alice", "keep the old key, inactive, in IAM",
	},
	"session": {
		"credential_process = stscred session alice", "in ~/.aws/config: the IAM user's own MFA session",
		"stscred session --duration 4h alice", "a shorter session when a new one is fetched",
	},
	"role": {
		"credential_process = stscred role prod-admin", "in ~/.aws/config, in a profile of its own (see the README)",
		"stscred role --role-arn arn:aws:iam::222222222222:role/Admin --source alice", "a role not in the config",
		"stscred role --duration 8h prod-admin", "a longer session, up to the role's maximum",
	},
	"export": {
		`eval "$(stscred export prod)"`, "bash, zsh, sh: this shell gets prod's credentials",
		"stscred export prod | source", "fish",
		"stscred export --format dotenv prod > .env", "for docker --env-file and similar (the file holds secrets)",
	},
	"version": {
		"stscred version", "the version, as stscred --version prints it",
	},
	"completion": {
		"stscred completion bash > ~/.local/share/bash-completion/completions/stscred", "install.sh does this for you",
	},
	"sso": {
		"stscred sso login corp", "sign in to [sso-session corp] in the browser; the tokens go to the keystore",
		"stscred sso login corp --device-code", "over SSH: a URL and a code to enter in any browser",
		"stscred sso accounts corp --profiles >> ~/.aws/config", "a profile per account and role you may use",
		"stscred sso logout corp", "revoke and forget the tokens, drop the credentials cached from them",
	},
	"console": {
		"stscred console prod-admin", "the browser opens the console as the role (MFA asked once, as for role)",
		"stscred console alice", "an IAM user's profile: as a federated user (GetFederationToken)",
		"stscred console prod-admin --path s3", "land on a service's page (or ec2/home#Instances:)",
		"stscred console prod-admin --url", "print the sign-in URL instead (it signs in whoever opens it, for 15 minutes)",
		"stscred console prod-admin --container prod", "in Firefox's container prod (the Open external links in a container add-on; --container-addon granted for granted's)",
		"stscred console prod-admin --browser 'google-chrome --profile-directory=\"Profile 1\" %s'", "in a Chrome profile: the URL goes where %s is",
	},
	"login": {
		"stscred login alice", "the browser signs alice in (with the account's MFA); login_session is written into [profile alice]",
		"stscred login --remote alice", "on a machine without a browser: open the printed URL anywhere, paste the code it shows",
		"stscred login --region eu-west-1 new-user", "a new profile: login_session and region are written into it",
	},
	"logout": {
		"stscred logout alice", "forget alice's sign-in (refresh token and key) and the credentials cached from it",
	},
	"shell-init": {
		"stscred shell-init bash | less", "read what your rc file's line loads",
	},
}

// For is the examples section of a command's help, "" when it has none.
func For(command string) string {
	pairs := byCommand[command]
	if len(pairs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("Examples:\n")
	for i := 0; i+1 < len(pairs); i += 2 {
		b.WriteString("\n  " + pairs[i] + "\n      " + pairs[i+1] + "\n")
	}
	return b.String()
}
