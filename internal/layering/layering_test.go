//go:build !windows

// These tests run the go tool (go list), which a Windows test binary run
// under Wine does not have; the Linux run checks every GOOS.

package layering

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/stscred/stscred"

// A group is a set of packages (a directory and everything below it) and
// the groups its packages may import besides their own. Groups are listed
// lowest first, as DESIGN.md describes them.
type group struct {
	name    string
	dirs    []string
	imports []string
}

// layers is the layering. Only tests and test harnesses may import
// testkit and keystore/keystoretest; nothing imports cmd/.
func layers() []group {
	below := func(names ...string) []string { return names }
	product := []string{"base", "sys", "keystore", "shell", "config", "aws", "session", "ops", "app", "cli"}
	return []group{
		{"base", []string{"internal/base"}, below()},
		{"sys", []string{"internal/sys"}, below("base")},
		{"keystore", []string{"keystore"}, below("base", "sys")},
		{"shell", []string{"shell"}, below("base", "sys")},
		{"config", []string{"internal/config"}, below("base", "sys")},
		{"aws", []string{"internal/aws"}, below("base", "sys", "keystore", "config")},
		{"session", []string{"internal/session"}, below("base", "sys", "keystore", "config", "aws")},
		{"ops", []string{"internal/ops"}, below("base", "sys", "keystore", "shell", "config", "aws", "session")},
		{"app", []string{"internal/app"}, below("base", "sys", "keystore", "shell", "config", "aws", "session", "ops")},
		{"cli", []string{"internal/cli"}, below("base", "shell")},
		{"cmd", []string{"cmd/stscred"}, append(slices.Clone(product), "cmd")},
		// Test servers, and what runs tests: they may use anything of
		// stscred's but the command (they run its binary).
		{"testkit", []string{"internal/testkit", "keystore/keystoretest", "internal/aws/awsapi/awsapitest"}, append(slices.Clone(product), "testkit")},
		{"harness", []string{"internal/e2e", "internal/bench", "cmd/ststest", "internal/layering", "internal/release"}, append(slices.Clone(product), "testkit")},
	}
}

// groupOf is the group of a package path (relative to the module), the
// most specific directory first.
func groupOf(gs []group, rel string) (group, bool) {
	best, bestLen, found := group{}, -1, false
	for _, g := range gs {
		for _, d := range g.dirs {
			if (rel == d || strings.HasPrefix(rel, d+"/")) && len(d) > bestLen {
				best, bestLen, found = g, len(d), true
			}
		}
	}
	return best, found
}

type pkg struct {
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
}

// violations lists every import of pkgs the layering forbids, and every
// package of the module no group holds.
func violations(gs []group, pkgs []pkg) []string {
	var out []string
	for _, p := range pkgs {
		rel, ok := strings.CutPrefix(p.ImportPath, module+"/")
		if !ok {
			continue
		}
		from, ok := groupOf(gs, rel)
		if !ok {
			out = append(out, fmt.Sprintf("%s is in no group of the layering", rel))
			continue
		}
		check := func(imports []string, test bool) {
			for _, imp := range imports {
				irel, ok := strings.CutPrefix(imp, module+"/")
				if !ok || irel == rel {
					continue
				}
				to, ok := groupOf(gs, irel)
				switch {
				case !ok:
					out = append(out, fmt.Sprintf("%s imports %s, which is in no group", rel, irel))
				case to.name == from.name:
				case test && to.name == "testkit":
					// Any test may use the test servers and fakes.
				case !slices.Contains(from.imports, to.name):
					kind := "imports"
					if test {
						kind = "(in a test) imports"
					}
					out = append(out, fmt.Sprintf("%s (%s) %s %s (%s): %s may import only %v", rel, from.name, kind, irel, to.name, from.name, from.imports))
				}
			}
		}
		check(p.Imports, false)
		check(append(slices.Clone(p.TestImports), p.XTestImports...), true)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// list reads the module's packages as go list sees them for goos (all
// build tags of the tests on).
func list(t *testing.T, goos string) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-tags", "realworld", "-json", module+"/...")
	cmd.Env = append(os.Environ(), "GOOS="+goos, "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list for %s: %v\n%s", goos, err, stderr.String())
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 20 {
		t.Fatalf("go list for %s found only %d packages", goos, len(pkgs))
	}
	return pkgs
}

// Every import of the module, on each OS stscred is built for, keeps to
// the layering.
func TestLayering(t *testing.T) {
	for _, goos := range []string{"linux", "darwin", "windows"} {
		if v := violations(layers(), list(t, goos)); len(v) > 0 {
			t.Errorf("%s: imports the layering forbids:\n  %s", goos, strings.Join(v, "\n  "))
		}
	}
}

// The check catches what it is there for: an import that runs up a layer,
// one across groups, a package outside every group, and an import of the
// test servers from stscred's own code.
func TestLayeringCatchesViolations(t *testing.T) {
	m := func(rel string) string { return module + "/" + rel }
	pkgs := []pkg{
		{ImportPath: m("internal/config/profile"), Imports: []string{m("internal/session/resolve"), m("internal/base/hint")}},
		{ImportPath: m("keystore"), Imports: []string{m("internal/config/awsconfig")}},
		{ImportPath: m("internal/ops/doctor"), Imports: []string{m("internal/testkit/ststest")}, TestImports: []string{m("internal/testkit/ststest")}},
		{ImportPath: m("newpkg")},
		{ImportPath: m("internal/base/hint"), TestImports: []string{m("internal/app")}},
	}
	got := violations(layers(), pkgs)
	for _, want := range []string{
		"internal/config/profile (config) imports internal/session/resolve (session)",
		"keystore (keystore) imports internal/config/awsconfig (config)",
		"internal/ops/doctor (ops) imports internal/testkit/ststest (testkit)",
		"newpkg is in no group",
		"internal/base/hint (base) (in a test) imports internal/app (app)",
	} {
		found := false
		for _, v := range got {
			found = found || strings.Contains(v, want)
		}
		if !found {
			t.Errorf("not caught: %s\ngot:\n  %s", want, strings.Join(got, "\n  "))
		}
	}
	if len(got) != 5 {
		t.Errorf("want 5 violations, got %d:\n  %s", len(got), strings.Join(got, "\n  "))
	}
}
