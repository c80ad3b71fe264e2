package wine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
)

// A TestBinary is one package's Windows test binary (go test -c).
type TestBinary struct {
	Package string // import path
	Dir     string // the package's source directory: the tests run there
	Exe     string // the binary
}

// deleteatFallback is the one file the harness adds to every package's
// Windows test build. Go's os.RemoveAll deletes with
// NtSetInformationFile(FileDispositionInformationEx), which Wine 8
// answers STATUS_NOT_IMPLEMENTED; Go falls back to the older
// FileDispositionInformation (which Wine has) only for the statuses of
// older Windows versions, so every t.TempDir's clean-up fails under Wine.
// Go keeps a switch for that fallback for its own tests
// (internal/syscall/windows.TestDeleteatFallback): the file turns it on,
// reached with a linkname (hence -checklinkname=0 at link time). It is
// part of the test binaries only, through go's -overlay; stscred is built
// without it.
const deleteatFallback = `package %s

import _ "unsafe"

// Added by the Wine test harness (internal/testkit/wine): Go's os.RemoveAll
// takes its older Windows path, which Wine 8 implements.

//go:linkname wineDeleteatFallback internal/syscall/windows.TestDeleteatFallback
var wineDeleteatFallback bool

func init() { wineDeleteatFallback = true }
`

// BuildTests builds the Windows test binaries of the module's packages
// that have tests (patterns as go list takes them, from moduleDir) into
// outDir, each with the deleteat fallback above. Packages whose names
// clash are built in separate rounds, as go test -c -o DIR/ needs.
func BuildTests(ctx context.Context, moduleDir, outDir string, patterns ...string) ([]TestBinary, error) {
	type listed struct {
		ImportPath   string
		Dir          string
		Name         string
		TestGoFiles  []string
		XTestGoFiles []string
	}
	list := exec.CommandContext(ctx, "go", append([]string{"list", "-json=ImportPath,Dir,Name,TestGoFiles,XTestGoFiles"}, patterns...)...)
	list.Dir = moduleDir
	list.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	out, err := list.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v", err)
	}
	overlay := struct{ Replace map[string]string }{Replace: map[string]string{}}
	srcDir := filepath.Join(outDir, "overlay")
	if err := os.MkdirAll(srcDir, 0o755); err != nil {
		return nil, err
	}
	var rounds [][]TestBinary
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p listed
		if err := dec.Decode(&p); err != nil {
			return nil, err
		}
		if len(p.TestGoFiles)+len(p.XTestGoFiles) == 0 {
			continue
		}
		src := filepath.Join(srcDir, strings.ReplaceAll(p.ImportPath, "/", "_")+".go")
		if err := os.WriteFile(src, fmt.Appendf(nil, deleteatFallback, p.Name), 0o644); err != nil {
			return nil, err
		}
		overlay.Replace[filepath.Join(p.Dir, "zz_wine_deleteat_test.go")] = src
		base := path.Base(p.ImportPath)
		placed := false
		for i := range rounds {
			clash := false
			for _, b := range rounds[i] {
				clash = clash || path.Base(b.Package) == base
			}
			if !clash {
				rounds[i] = append(rounds[i], TestBinary{Package: p.ImportPath, Dir: p.Dir})
				placed = true
				break
			}
		}
		if !placed {
			rounds = append(rounds, []TestBinary{{Package: p.ImportPath, Dir: p.Dir}})
		}
	}
	ov, err := json.Marshal(overlay)
	if err != nil {
		return nil, err
	}
	ovPath := filepath.Join(outDir, "overlay.json")
	if err := os.WriteFile(ovPath, ov, 0o644); err != nil {
		return nil, err
	}
	var bins []TestBinary
	for i, round := range rounds {
		dir := filepath.Join(outDir, fmt.Sprintf("round%d", i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		args := []string{"test", "-c", "-overlay", ovPath, "-ldflags=-checklinkname=0", "-o", dir + string(filepath.Separator)}
		for _, b := range round {
			args = append(args, b.Package)
		}
		build := exec.CommandContext(ctx, "go", args...)
		build.Dir = moduleDir
		build.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go test -c for windows: %v\n%s", err, out)
		}
		for _, b := range round {
			b.Exe = filepath.Join(dir, path.Base(b.Package)+".test.exe")
			if _, err := os.Stat(b.Exe); err != nil {
				return nil, fmt.Errorf("go test -c built no %s: %v", b.Exe, err)
			}
			bins = append(bins, b)
		}
	}
	return bins, nil
}
