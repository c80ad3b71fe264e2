// Package buildinfo is the version stscred says it is: the one install.sh
// set at build time, else what Go recorded in the build info. Imports
// nothing of stscred's.
package buildinfo

import "runtime/debug"

// Version is the version install.sh set, else the module version Go recorded
// (go install pkg@v1.2.3), else "dev" with the commit the binary was built
// from, when Go recorded one.
func Version(set string, info func() (*debug.BuildInfo, bool)) string {
	if set != "" {
		return set
	}
	bi, ok := info()
	if !ok {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	switch {
	case rev == "":
		return "dev"
	case dirty:
		return "dev (" + rev + ", modified)"
	}
	return "dev (" + rev + ")"
}
