package awsconfig

import (
	"errors"
	"path/filepath"
	"strings"

	"github.com/stscred/stscred/hint"
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
