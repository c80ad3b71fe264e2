//go:build linux && realworld

package wine

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/wine"
)

// TestWindowsPackageTests builds every package's tests for Windows (go
// test -c, GOOS=windows) and runs each binary under Wine, in its
// package's directory, as go test would: the unit and in-process tests of
// stscred on Windows. A test that cannot apply there (a Unix shell, file
// modes, the kernel keyring) says so itself with a build constraint or a
// skip naming the reason.
func TestWindowsPackageTests(t *testing.T) {
	prefix := requireWine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	bins, err := wine.BuildTests(ctx, root, t.TempDir(), "./...")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built %d Windows test binaries in %s", len(bins), time.Since(start).Round(time.Second))
	if len(bins) < 30 {
		t.Fatalf("only %d packages with tests: go list found too few", len(bins))
	}
	// Two at a time: each is a Windows process tree of its own, and the
	// machine's cores are shared with the rest of the suite.
	sem := make(chan struct{}, max(2, runtime.GOMAXPROCS(0)/2))
	var wg sync.WaitGroup
	type result struct {
		out []byte
		err error
	}
	results := make([]result, len(bins))
	for i, b := range bins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			cmd := prefix.Command(ctx, b.Exe, "-test.count=1", "-test.timeout=10m")
			cmd.Dir = b.Dir
			out, err := cmd.CombinedOutput()
			results[i] = result{out, err}
		}()
	}
	wg.Wait()
	for i, b := range bins {
		t.Run(strings.TrimPrefix(b.Package, "github.com/stscred/stscred/"), func(t *testing.T) {
			r := results[i]
			if r.err != nil {
				t.Errorf("%s under Wine: %v\n%s", filepath.Base(b.Exe), r.err, r.out)
				return
			}
			if !strings.Contains(string(r.out), "PASS") {
				t.Errorf("%s under Wine printed no PASS:\n%s", filepath.Base(b.Exe), r.out)
			}
		})
	}
}

// moduleRoot is the directory of go.mod above this package.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", err
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", os.ErrNotExist
	}
	return filepath.Dir(mod), nil
}
