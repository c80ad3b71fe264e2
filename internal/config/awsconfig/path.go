package awsconfig

import (
	"errors"
	"path/filepath"
	"strings"

	"github.com/stscred/stscred/internal/base/hint"
)

// DefaultPath returns the config file's path: AWS_CONFIG_FILE (a leading
// "~" expanded to the home directory), else .aws/config in the home
// directory. The home directory is $HOME ($USERPROFILE on Windows), as
// os.UserHomeDir finds it, but read through getenv so tests control it.
func DefaultPath(getenv func(string) string) (string, error) {
	if p := getenv("AWS_CONFIG_FILE"); p != "" {
		if p != "~" && !strings.HasPrefix(p, "~/") && !(pathSepIsBackslash && strings.HasPrefix(p, `~\`)) {
			return p, nil
		}
		home, err := homeDir(getenv)
		if err != nil {
			return "", err
		}
		return filepath.Join(home, p[1:]), nil
	}
	home, err := homeDir(getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".aws", "config"), nil
}

func homeDir(getenv func(string) string) (string, error) {
	if h := getenv(homeEnv); h != "" {
		return h, nil
	}
	return "", hint.With(errors.New("cannot find the AWS config file: $"+homeEnv+" is not set"),
		"set "+homeEnv+", or set AWS_CONFIG_FILE to the config file's path")
}

// CredentialsPath is the shared credentials file: from, else
// AWS_SHARED_CREDENTIALS_FILE, else .aws/credentials in the home directory
// (a leading "~" expanded, as for AWS_CONFIG_FILE).
func CredentialsPath(getenv func(string) string, from string) (string, error) {
	p := from
	if p == "" {
		p = getenv("AWS_SHARED_CREDENTIALS_FILE")
	}
	only := func(v string) func(string) string {
		return func(k string) string {
			if k == "AWS_CONFIG_FILE" {
				return v
			}
			return getenv(k)
		}
	}
	if p != "" {
		return DefaultPath(only(p))
	}
	cfg, err := DefaultPath(only(""))
	if err != nil {
		return "", err
	}
	return filepath.Join(filepath.Dir(cfg), "credentials"), nil
}

// ExpandHome expands a leading "~/" of a path from the config (also "~\"
// on Windows) to the home directory, as DefaultPath does; the path is
// returned as it is when it has no such start or the home directory's
// variable is not set.
func ExpandHome(p string, getenv func(string) string) string {
	if !strings.HasPrefix(p, "~/") && !(pathSepIsBackslash && strings.HasPrefix(p, `~\`)) {
		return p
	}
	home, err := homeDir(getenv)
	if err != nil {
		return p
	}
	return filepath.Join(home, p[2:])
}
