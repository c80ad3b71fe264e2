package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestBuildVersion(t *testing.T) {
	info := func(v string, settings ...debug.BuildSetting) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{Main: debug.Module{Version: v}, Settings: settings}, true
		}
	}
	for _, tc := range []struct {
		set  string
		info func() (*debug.BuildInfo, bool)
		want string
	}{
		{"v1.2.3-4-gabc", info("(devel)"), "v1.2.3-4-gabc"},
		{"", info("v0.9.0"), "v0.9.0"},
		{"", info("(devel)", debug.BuildSetting{Key: "vcs.revision", Value: "0123456789abcdef0123"}), "dev (0123456789ab)"},
		{"", info("(devel)", debug.BuildSetting{Key: "vcs.revision", Value: "0123456789ab"}, debug.BuildSetting{Key: "vcs.modified", Value: "true"}), "dev (0123456789ab, modified)"},
		{"", info(""), "dev"},
		{"", func() (*debug.BuildInfo, bool) { return nil, false }, "dev"},
	} {
		if got := Version(tc.set, tc.info); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}
