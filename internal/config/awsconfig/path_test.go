package awsconfig

import (
	"path/filepath"
	"testing"
)

func TestDefaultPath(t *testing.T) {
	home := filepath.FromSlash("/home/u")
	tests := []struct {
		name string
		env  map[string]string
		want string
		err  bool
	}{
		{"home", map[string]string{homeEnv: home}, filepath.Join(home, ".aws", "config"), false},
		{"AWS_CONFIG_FILE", map[string]string{homeEnv: home, "AWS_CONFIG_FILE": "/etc/aws.cfg"}, "/etc/aws.cfg", false},
		{"AWS_CONFIG_FILE with ~", map[string]string{homeEnv: home, "AWS_CONFIG_FILE": "~/cfg/aws"}, filepath.Join(home, "cfg", "aws"), false},
		{"AWS_CONFIG_FILE is ~", map[string]string{homeEnv: home, "AWS_CONFIG_FILE": "~"}, home, false},
		{"~user is not expanded", map[string]string{homeEnv: home, "AWS_CONFIG_FILE": "~bob/cfg"}, "~bob/cfg", false},
		{"relative AWS_CONFIG_FILE", map[string]string{"AWS_CONFIG_FILE": "cfg"}, "cfg", false},
		{"no home", map[string]string{}, "", true},
		{"no home for ~", map[string]string{"AWS_CONFIG_FILE": "~/cfg"}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DefaultPath(func(k string) string { return tt.env[k] })
			if (err != nil) != tt.err || got != tt.want {
				t.Fatalf("DefaultPath = %q, %v; want %q, error %v", got, err, tt.want, tt.err)
			}
			if err != nil && len(hintsOf(err)) == 0 {
				t.Error("error without hint")
			}
		})
	}
}

// The credentials file's path, with the home directory from homeEnv (HOME,
// or USERPROFILE on Windows) and paths in the OS's own form.
func TestCredentialsPath(t *testing.T) {
	h := filepath.FromSlash("/h")
	env := map[string]string{homeEnv: h}
	get := func(k string) string { return env[k] }
	for _, tc := range []struct{ from, envVal, want string }{
		{"", "", filepath.Join(h, ".aws", "credentials")},
		{"", "~/creds", filepath.Join(h, "creds")},
		{"", "/x/creds", "/x/creds"},
		{"~/other", "/x/creds", filepath.Join(h, "other")},
	} {
		env["AWS_SHARED_CREDENTIALS_FILE"] = tc.envVal
		env["AWS_CONFIG_FILE"] = "/elsewhere/config"
		if got, err := CredentialsPath(get, tc.from); err != nil || got != tc.want {
			t.Errorf("%q %q: %q %v", tc.from, tc.envVal, got, err)
		}
	}
}

// A path of the config's that starts with ~/ is under the home directory
// of homeEnv (USERPROFILE on Windows, where HOME is usually not set).
func TestExpandHome(t *testing.T) {
	home := filepath.FromSlash("/home/u")
	env := func(k string) string { return map[string]string{homeEnv: home}[k] }
	for in, want := range map[string]string{
		"~/ci/token": filepath.Join(home, "ci", "token"),
		"~bob/token": "~bob/token",
		"/abs/token": "/abs/token",
		"rel/token":  "rel/token",
	} {
		if got := ExpandHome(in, env); got != want {
			t.Errorf("ExpandHome(%q) = %q, want %q", in, got, want)
		}
	}
	if got := ExpandHome("~/token", func(string) string { return "" }); got != "~/token" {
		t.Errorf("ExpandHome without a home directory = %q, want it unchanged", got)
	}
}
