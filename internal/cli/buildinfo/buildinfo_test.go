package buildinfo

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	const rev = "0123456789abcdef0123456789abcdef01234567"
	vcs := []debug.BuildSetting{
		{Key: "GOOS", Value: "darwin"}, {Key: "GOARCH", Value: "arm64"},
		{Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: "2026-11-24T12:00:00Z"},
	}
	modified := append(vcs[:len(vcs):len(vcs)], debug.BuildSetting{Key: "vcs.modified", Value: "true"})
	info := func(v string, settings ...debug.BuildSetting) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: v}, Settings: settings}, true
		}
	}
	for _, tc := range []struct {
		set     string
		info    func() (*debug.BuildInfo, bool)
		want    string
		release bool
	}{
		// release.sh: the tag it was built from.
		{"v1.2.3", info("v1.2.3", vcs...), "v1.2.3", true},
		{"v1.3.0-rc.1", info("(devel)", vcs...), "v1.3.0-rc.1", true},
		// install.sh: git describe, on a tag or between tags.
		{"v1.2.3-4-g0123456", info("(devel)", vcs...), "dev (v1.2.3-4-g0123456)", false},
		{"v1.2.3-dirty", info("(devel)"), "dev (v1.2.3-dirty)", false},
		{"0123456", info("(devel)"), "dev (0123456)", false},
		{"v1.2.3", info("(devel)", modified...), "dev (v1.2.3, modified)", false},
		// go build and go install.
		{"", info("v0.9.0"), "v0.9.0", true},
		{"", info("v0.0.0-20261124120000-0123456789ab", vcs...), "dev (v0.0.0-20261124120000-0123456789ab)", false},
		{"", info("v1.2.4-0.20261124120000-0123456789ab", vcs...), "dev (v1.2.4-0.20261124120000-0123456789ab)", false},
		{"", info("v1.2.3+dirty", modified...), "dev (v1.2.3+dirty, modified)", false},
		{"", info("(devel)", vcs...), "dev (0123456789ab)", false},
		{"", info("(devel)", modified...), "dev (0123456789ab, modified)", false},
		{"", info(""), "dev", false},
		{"", func() (*debug.BuildInfo, bool) { return nil, false }, "dev", false},
	} {
		got := Read(tc.set, tc.info)
		if got.Version != tc.want || got.Release != tc.release {
			t.Errorf("%q: got %q (release %v), want %q (release %v)", tc.set, got.Version, got.Release, tc.want, tc.release)
		}
	}
}

func TestString(t *testing.T) {
	const rev = "0123456789abcdef0123456789abcdef01234567"
	got := Version("v1.2.3", func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{GoVersion: "go1.26.8", Settings: []debug.BuildSetting{
			{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "amd64"},
			{Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: "2026-11-24T12:00:00Z"},
		}}, true
	})
	want := "v1.2.3\n" +
		"  build        release\n" +
		"  commit       " + rev + "\n" +
		"  commit date  2026-11-24T12:00:00Z\n" +
		"  go           go1.26.8\n" +
		"  platform     linux/amd64"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// release.sh builds without VCS stamping and links the commit in.
	got = read("v1.2.3", rev, "2026-11-24T12:00:00Z", func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{GoVersion: "go1.26.8", Settings: []debug.BuildSetting{{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "amd64"}}}, true
	}).String()
	if got != want {
		t.Errorf("linked: got\n%s\nwant\n%s", got, want)
	}
	// Without build info: the running Go and platform, the rest unknown.
	got = Version("", func() (*debug.BuildInfo, bool) { return nil, false })
	for _, line := range []string{"dev\n", "  build        not a release\n", "  commit       unknown\n", "  commit date  unknown\n", "  go           " + runtime.Version() + "\n", "  platform     " + runtime.GOOS + "/" + runtime.GOARCH} {
		if !strings.Contains(got, line) {
			t.Errorf("lacks %q:\n%s", line, got)
		}
	}
}
