package layering

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// starters are the calls that start a process.
var starters = map[string][]string{
	"os/exec":               {"Command", "CommandContext"},
	"os":                    {"StartProcess"},
	"syscall":               {"ForkExec", "Exec", "StartProcess"},
	"golang.org/x/sys/unix": {"Exec"},
}

// goFile is one parsed Go file of goFiles, with the import path each
// local package name stands for.
type goFile struct {
	fset  *token.FileSet
	ast   *ast.File
	names map[string]string // local name -> import path
}

// goFiles parses each Go file under root (tests and the directories in
// skip, relative to root, excluded; so are hidden directories,
// node_modules and testdata) and hands it to visit.
func goFiles(t *testing.T, root string, skip []string, visit func(goFile)) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			for _, s := range skip {
				if rel == s {
					return filepath.SkipDir
				}
			}
			// The root itself may be "..", which is no hidden directory.
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		names := map[string]string{}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			name := p[strings.LastIndex(p, "/")+1:]
			if imp.Name != nil {
				name = imp.Name.Name
			}
			names[name] = p
		}
		visit(goFile{fset: fset, ast: f, names: names})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// call is the package path and name of a qualified selector (exec.Command
// -> "os/exec", "Command"), or ok false.
func (g goFile) call(n ast.Node) (sel *ast.SelectorExpr, path string, ok bool) {
	sel, ok = n.(*ast.SelectorExpr)
	if !ok {
		return nil, "", false
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return nil, "", false
	}
	return sel, g.names[id.Name], true
}

// processStarts lists where the Go files under root (relative paths,
// tests excluded) start a process, outside the directories in allowed.
func processStarts(t *testing.T, root string, allowed []string) []string {
	t.Helper()
	var found []string
	goFiles(t, root, allowed, func(g goFile) {
		ast.Inspect(g.ast, func(n ast.Node) bool {
			sel, path, ok := g.call(n)
			if !ok {
				return true
			}
			for _, fn := range starters[path] {
				if sel.Sel.Name == fn || path == "os/exec" && sel.Sel.Name == "Cmd" {
					found = append(found, g.fset.Position(sel.Pos()).String()+": "+sel.X.(*ast.Ident).Name+"."+sel.Sel.Name)
				}
			}
			return true
		})
	})
	return found
}

// Every process stscred starts goes through proc.Runner, which drops
// stscred's private variables from the child's environment and bounds
// what is read back: no other code of stscred's starts one (the test
// servers, the end-to-end tests, the benchmark and the release builder
// may).
func TestOnlyTheRunnerStartsProcesses(t *testing.T) {
	allowed := []string{"internal/sys/proc", "internal/testkit", "internal/e2e", "internal/bench", "cmd/ststest", "internal/layering", "internal/release"}
	if found := processStarts(t, "../..", allowed); len(found) > 0 {
		t.Errorf("processes started outside proc.Runner:\n  %s", strings.Join(found, "\n  "))
	}
}

// The check finds a start outside the runner.
func TestProcessStartsAreFound(t *testing.T) {
	dir := t.TempDir()
	src := "package x\n\nimport (\n\tgoexec \"os/exec\"\n\t\"os\"\n)\n\nfunc f() {\n\t_ = goexec.Command(\"true\")\n\t_, _ = os.StartProcess(\"x\", nil, nil)\n}\n"
	if err := writeFile(filepath.Join(dir, "a", "x.go"), src); err != nil {
		t.Fatal(err)
	}
	// Given as the tests give the repository, a root named "..".
	if found := processStarts(t, dir+"/a/..", nil); len(found) != 2 {
		t.Fatalf("found %v, want the two starts", found)
	}
}

func writeFile(path, s string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(s), 0o644)
}
