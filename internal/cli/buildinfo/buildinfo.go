// Package buildinfo is what stscred says of its build: the version (the
// one the build set with -X main.version, else the module version Go
// recorded), whether that is a release, the commit and its date, the Go
// version and the platform. Imports nothing of stscred's.
package buildinfo

import (
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
)

// Info is what a binary knows of its build.
type Info struct {
	// Version is the release's version (v1.2.3, from the tag the release
	// was built from) or, for any other build, "dev" with what is known
	// of it in parentheses: dev (v1.2.3-4-g0123456), dev (0123456789ab,
	// modified).
	Version string
	// Release says Version is a release's: a version of a tag (vX.Y.Z,
	// perhaps with a pre-release such as -rc.1), from a tree without
	// changes.
	Release bool
	// Commit is the full commit hash Go recorded ("" when the build
	// recorded none); Modified that the tree had changes.
	Commit   string
	Modified bool
	// Date is the commit's date, RFC 3339 in UTC ("" when unknown).
	Date string
	// Go is the Go version the binary was built with, Platform its
	// GOOS/GOARCH.
	Go, Platform string
}

// IsRelease reports whether v is the version of a release tag:
// vMAJOR.MINOR.PATCH with an optional pre-release, no build metadata (Go
// writes +dirty there), and not what looks like a version but names a
// commit between tags (git describe's -N-gHASH and -dirty, Go's
// pseudo-versions: yyyymmddhhmmss-hash of 12 hex digits). The patterns
// are compiled here, not at package init: every start would pay for them.
func IsRelease(v string) bool {
	releaseVersion := regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)
	notRelease := regexp.MustCompile(`-[0-9]+-g[0-9a-f]{4,}(-dirty)?$|-dirty$|[0-9]{14}-[0-9a-f]{12}$`)
	return releaseVersion.MatchString(v) && !notRelease.MatchString(v)
}

// commit and commitDate are set at link time by release.sh (-ldflags -X
// github.com/stscred/stscred/internal/cli/buildinfo.commit=...), which
// builds with -buildvcs=false: what Go records of a checkout differs
// between a clone and a git worktree, and a release must not.
var commit, commitDate string

// Read is the Info of this binary: set is what the build set with
// -ldflags -X main.version (install.sh: git describe; release.sh: the
// tag), info is debug.ReadBuildInfo.
func Read(set string, info func() (*debug.BuildInfo, bool)) Info {
	return read(set, commit, commitDate, info)
}

// read is Read with the link-time commit and date given; they win over
// what Go recorded (the same commit, when both are there).
func read(set, linkedCommit, linkedDate string, info func() (*debug.BuildInfo, bool)) Info {
	i := Info{Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	v := set
	if bi, ok := info(); ok && bi != nil {
		goos, goarch := "", ""
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				i.Commit = s.Value
			case "vcs.modified":
				i.Modified = s.Value == "true"
			case "vcs.time":
				i.Date = s.Value
			case "GOOS":
				goos = s.Value
			case "GOARCH":
				goarch = s.Value
			}
		}
		if bi.GoVersion != "" {
			i.Go = bi.GoVersion
		}
		if goos != "" && goarch != "" {
			i.Platform = goos + "/" + goarch
		}
		if v == "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
	}
	if linkedCommit != "" {
		i.Commit, i.Date = linkedCommit, linkedDate
	}
	short := i.Commit
	if len(short) > 12 {
		short = short[:12]
	}
	var about []string
	switch {
	case IsRelease(v) && !i.Modified:
		i.Version, i.Release = v, true
		return i
	case v != "":
		about = append(about, v)
	case short != "":
		about = append(about, short)
	}
	if i.Modified {
		about = append(about, "modified")
	}
	i.Version = "dev"
	if len(about) > 0 {
		i.Version += " (" + strings.Join(about, ", ") + ")"
	}
	return i
}

// String is what `stscred version` and `stscred --version` print after
// "stscred ": the version on the first line, then one line each for the
// commit, its date, the Go version and the platform.
func (i Info) String() string {
	unknown := func(s string) string {
		if s == "" {
			return "unknown"
		}
		return s
	}
	commit := unknown(i.Commit)
	if i.Modified {
		commit += " (with changes not committed)"
	}
	build := "release"
	if !i.Release {
		build = "not a release"
	}
	return i.Version + "\n" +
		"  build        " + build + "\n" +
		"  commit       " + commit + "\n" +
		"  commit date  " + unknown(i.Date) + "\n" +
		"  go           " + i.Go + "\n" +
		"  platform     " + i.Platform
}

// Version is Read(set, info).String(): what main hands the commands as
// the version to print (app.Process.Version), several lines. Anything
// that wants the version alone (a User-Agent, say) takes
// Read(set, info).Version.
func Version(set string, info func() (*debug.BuildInfo, bool)) string {
	return Read(set, info).String()
}
