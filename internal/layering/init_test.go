package layering

import (
	"go/ast"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// compilers are calls that do real work when a package-level variable is
// set with them: every start of stscred (a cache hit's too) would pay.
var compilers = map[string][]string{
	"regexp":        {"MustCompile", "Compile", "MustCompilePOSIX", "CompilePOSIX"},
	"text/template": {"Must", "New"},
	"html/template": {"Must", "New"},
}

// initWork lists the Go files under root (tests and the directories in
// skip excluded) that set a package-level variable with one of compilers,
// or have a func init.
func initWork(t *testing.T, root string, skip []string) []string {
	t.Helper()
	var found []string
	goFiles(t, root, skip, func(g goFile) {
		for _, decl := range g.ast.Decls {
			switch decl := decl.(type) {
			case *ast.FuncDecl:
				if decl.Recv == nil && decl.Name.Name == "init" {
					found = append(found, g.fset.Position(decl.Pos()).String()+": func init")
				}
			case *ast.GenDecl:
				if decl.Tok != token.VAR {
					continue
				}
				ast.Inspect(decl, func(n ast.Node) bool {
					if _, ok := n.(*ast.FuncLit); ok {
						return false // a function's body runs when it is called
					}
					sel, path, ok := g.call(n)
					if !ok {
						return true
					}
					for _, fn := range compilers[path] {
						if sel.Sel.Name == fn {
							found = append(found, g.fset.Position(sel.Pos()).String()+": "+sel.X.(*ast.Ident).Name+"."+fn+" at package init")
						}
					}
					return true
				})
			}
		}
	})
	return found
}

// No package of stscred's does work at package initialisation (a pattern
// compiled into a package-level variable, a func init): Go runs every
// linked package's, so each start of stscred — a cache hit too — would
// pay for it, whether or not the command uses it. Compile where it is
// used (or behind sync.OnceValue). The test servers, end-to-end tests,
// benchmark and release builder are not linked into stscred.
func TestNoWorkAtPackageInit(t *testing.T) {
	skip := []string{"internal/testkit", "internal/e2e", "internal/bench", "cmd/ststest", "internal/layering", "internal/release"}
	if found := initWork(t, "../..", skip); len(found) > 0 {
		t.Errorf("work at package init:\n  %s", strings.Join(found, "\n  "))
	}
}

// The check finds a compiled pattern and a func init, and leaves a
// pattern compiled in a function (or behind a function value) alone.
func TestInitWorkIsFound(t *testing.T) {
	dir := t.TempDir()
	src := "package x\n\nimport re \"regexp\"\n\nvar p = re.MustCompile(`a`)\n\nvar q = func() *re.Regexp { return re.MustCompile(`b`) }\n\nfunc init() {}\n\nfunc f() { _ = re.MustCompile(`c`) }\n"
	if err := writeFile(filepath.Join(dir, "a", "x.go"), src); err != nil {
		t.Fatal(err)
	}
	// Given as the tests give the repository, a root named "..".
	found := initWork(t, dir+"/a/..", nil)
	if len(found) != 2 || !strings.Contains(found[0], "re.MustCompile at package init") || !strings.Contains(found[1], "func init") {
		t.Fatalf("found %q, want the package-level pattern and the func init", found)
	}
}
