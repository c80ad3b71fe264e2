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

// notYetPorted are the packages whose Windows test binaries still fail
// under Wine, each with what fails: their tests assume a Unix system
// (expected paths written with '/', file modes, sh as the shell of
// credential_process lines, Unix rc files)
// where stscred's Windows code may well be right. Porting one means
// marking its Unix-only tests with the reason (a build constraint) and
// writing the Windows expectation for the rest, then taking it off this
// list. TestWindowsPackageTests runs every other package, a new one
// included, and fails on an entry that names no package any more.
var notYetPorted = map[string]string{
	"cmd/stscred":         "doctor's shell hook cases use Unix rc files and '/' paths; exec's not-found and credential_process lines expect sh",
	"internal/app":        "expected paths written ~/.aws/config; printf as a credential_process program; HOME instead of USERPROFILE",
	"internal/ops/doctor": "the tests play Linux (GOOS linux, HOME) on the host's real files: on Windows the cache directory reads mode 0777, paths are joined with '\\', programs in a temporary bin are not executable; config, provider and shell-hook cases expect '/' paths under ~ and Unix rc files",
}

// TestWindowsPackageTests builds every package's tests for Windows (go
// test -c, GOOS=windows) and runs each binary under Wine, in its
// package's directory, as go test would: the unit and in-process tests of
// stscred on Windows. A test that cannot apply there (a Unix shell, file
// modes, the kernel keyring) says so itself with a build constraint
// naming the reason; the packages of notYetPorted are not run yet.
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
	listed := map[string]bool{}
	var run []wine.TestBinary
	for _, b := range bins {
		rel := strings.TrimPrefix(b.Package, "github.com/stscred/stscred/")
		if _, ok := notYetPorted[rel]; ok {
			listed[rel] = true
			continue
		}
		run = append(run, b)
	}
	for pkg, why := range notYetPorted {
		if !listed[pkg] {
			t.Errorf("notYetPorted names %s (%s), which has no Windows tests any more: take it off the list", pkg, why)
		}
	}
	t.Logf("%d packages' Windows tests run under Wine, %d not yet ported (notYetPorted)", len(run), len(listed))
	bins = run
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
