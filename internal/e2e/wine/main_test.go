//go:build linux && realworld

package wine

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/testenv"
	"github.com/stscred/stscred/internal/testkit/wine"
)

// suite is what TestMain set up for every test: the Wine prefix and the
// Windows programs, or why there are none.
type suite struct {
	prefix  *wine.Prefix
	bin     string // directory of the Windows programs built for the tests
	missing string // why there is no prefix ("" when there is)
}

// the is the one suite of this test binary, set by TestMain before any
// test runs and never changed after.
var the suite

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	tools, err := wine.FindTools()
	if err != nil {
		if testenv.InCI() {
			fmt.Fprintln(os.Stderr, "FAIL:", err)
			return 1
		}
		// Away from CI every test reports itself skipped with the reason.
		the.missing = err.Error()
		return m.Run()
	}
	tmp, err := os.MkdirTemp("", "stscred-wine-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	prefix, err := wine.Boot(ctx, filepath.Join(tmp, "prefix"), tools)
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: booting the Wine prefix:", err)
		return 1
	}
	defer func() {
		if err := prefix.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "closing the Wine prefix:", err)
		}
	}()
	fmt.Fprintf(os.Stderr, "wine: prefix booted in %s\n", time.Since(start).Round(100*time.Millisecond))
	bin := filepath.Join(tmp, "bin")
	if err := buildWindows(ctx, bin); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		return 1
	}
	the = suite{prefix: prefix, bin: bin}
	return m.Run()
}

// buildWindows builds the Windows programs the suite runs: stscred (as
// install.sh builds it), wintool (the Windows side of the tests) and
// sdkcaller (an AWS SDK for Go program).
func buildWindows(ctx context.Context, dir string) error {
	for _, p := range []struct{ pkg, name string }{
		{"github.com/stscred/stscred/cmd/stscred", "stscred.exe"},
		{"github.com/stscred/stscred/internal/e2e/wine/wintool", "wintool.exe"},
		{"github.com/stscred/stscred/internal/e2e/sdkcaller", "sdkcaller.exe"},
	} {
		cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", filepath.Join(dir, p.name), p.pkg)
		cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("building %s for windows: %v\n%s", p.name, err, out)
		}
	}
	return nil
}

// requireWine fails t in CI, and skips it elsewhere, when Wine or
// mingw-w64 is missing; it returns the prefix.
func requireWine(t *testing.T) *wine.Prefix {
	t.Helper()
	testenv.Require(t, the.missing == "", the.missing)
	return the.prefix
}
