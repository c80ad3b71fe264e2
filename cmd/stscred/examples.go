package main

// The examples each command's --help ends with (kong shows a command's
// Help() under its one-line help). TestEveryCommandHasExamples keeps the
// list complete.

func (c *AddCmd) Help() string {
	return examples(
		"stscred add alice", "asks for the key id and secret (the secret is not echoed)",
		`printf '%s\n%s\n' "$ID" "$SECRET" | stscred add alice`, "from a script: key id, then secret, on stdin",
		"stscred add --env alice", "from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
	)
}

func (c *RemoveCmd) Help() string {
	return examples(
		"stscred remove alice", "asks first, then deletes alice's key and the sessions made from it",
		"stscred remove --yes alice", "without asking (in a script)",
	)
}

func (c *ListCmd) Help() string {
	return examples(
		"stscred list", "a table: profiles, their type, stored keys (masked), time left on cached sessions",
		"stscred list --json | jq '.[] | select(.type == \"role\")'", "the same for scripts",
	)
}

func (c *ClearCmd) Help() string {
	return examples(
		"stscred clear", "drop every cached session; the next call asks STS (and for an MFA code) again",
		"stscred clear alice", "alice's session and the roles assumed with it",
		"stscred clear prod-admin", "that role's cached credentials only",
	)
}

func (c *ExecCmd) Help() string {
	return examples(
		"stscred exec prod -- terraform plan", "terraform gets prod's credentials, renewed while it runs",
		"stscred exec prod -- aws s3 ls", "any command: its exit status is stscred's",
		"stscred exec --env prod -- ./legacy-script", "as AWS_* variables, for a program that reads only those (not renewed)",
	)
}

func (c *UseCmd) Help() string {
	return examples(
		"stscred use prod", "this shell's AWS_* variables become prod's, renewed before each prompt",
		"stscred use --off", "back to what the shell had before (region and AWS_PROFILE too)",
	)
}

func (c *MigrateCmd) Help() string {
	return examples(
		"stscred migrate --to file", "every key into the encrypted file keystore (asks for its passphrase)",
		"stscred migrate --to keyring", "and back into the OS keyring",
	)
}

func (c *ImportCmd) Help() string {
	return examples(
		"stscred import --dry-run", "which keys of ~/.aws/credentials would move, and what would change",
		"stscred import", "move them: verified, stored, removed from the file (a backup is kept)",
		"stscred import --from ./old-credentials", "from another file",
	)
}

func (c *WhoamiCmd) Help() string {
	return examples(
		"stscred whoami prod", "what aws sts get-caller-identity --profile prod prints",
		"stscred whoami -v", "the credentials this shell's AWS tools would use, where they came from, when they expire",
		"stscred whoami prod --query Account --output text", "just the account id",
	)
}

func (c *DoctorCmd) Help() string {
	return examples(
		"stscred doctor", "every check, a hint under each one that fails; exit status 1 if any does",
		"stscred doctor --profile prod", "only prod's chain, and what its credential_process runs",
		"stscred doctor --output json", "for scripts",
	)
}

func (c *RotateCmd) Help() string {
	return examples(
		"stscred rotate --dry-run alice", "what would happen, changing nothing",
		"stscred rotate alice", "a new key in IAM and the keyring; the old one deactivated and deleted",
		"stscred rotate --keep-old alice", "keep the old key, inactive, in IAM",
	)
}

func (c *SessionCmd) Help() string {
	return examples(
		"credential_process = stscred session alice", "in ~/.aws/config: the IAM user's own MFA session",
		"stscred session --duration 4h alice", "a shorter session when a new one is fetched",
	)
}

func (c *RoleCmd) Help() string {
	return examples(
		"credential_process = stscred role prod-admin", "in ~/.aws/config, in a profile of its own (see the README)",
		"stscred role --role-arn arn:aws:iam::222222222222:role/Admin --source alice", "a role not in the config",
		"stscred role --duration 8h prod-admin", "a longer session, up to the role's maximum",
	)
}

func (c *ExportCmd) Help() string {
	return examples(
		`eval "$(stscred export prod)"`, "bash, zsh, sh: this shell gets prod's credentials",
		"stscred export prod | source", "fish",
		"stscred export --format dotenv prod > .env", "for docker --env-file and similar (the file holds secrets)",
	)
}

func (c *VersionCmd) Help() string {
	return examples("stscred version", "the version, as stscred --version prints it")
}

func (c *CompletionCmd) Help() string {
	return examples(
		"stscred completion bash > ~/.local/share/bash-completion/completions/stscred", "install.sh does this for you",
	)
}

// examples formats pairs of (command, what it does).
func examples(pairs ...string) string {
	s := "Examples:\n"
	for i := 0; i+1 < len(pairs); i += 2 {
		s += "\n  " + pairs[i] + "\n      " + pairs[i+1] + "\n"
	}
	return s
}
