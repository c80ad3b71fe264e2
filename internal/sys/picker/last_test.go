package picker

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestLastRemembered(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache", "stscred")
	l := Last{Path: filepath.Join(dir, "last-chosen")}
	ctx := context.Background()
	if got := l.Read(ctx); got != "" {
		t.Fatalf("nothing saved yet, read %q", got)
	}
	if err := l.Save("prod"); err != nil {
		t.Fatal(err)
	}
	if err := l.Save("prod-admin"); err != nil {
		t.Fatal(err)
	}
	if got := l.Read(ctx); got != "prod-admin" {
		t.Fatalf("read %q, want prod-admin", got)
	}
	if runtime.GOOS != "windows" {
		for path, want := range map[string]os.FileMode{dir: 0o700, l.Path: 0o600} {
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != want {
				t.Errorf("%s: mode %v, want %v", path, fi.Mode().Perm(), want)
			}
		}
	}
	// A file that is not what Save writes remembers nothing.
	for _, junk := range []string{"prod", `{"v":2,"last":"prod"}`, strings.Repeat("x", 10000)} {
		if err := os.WriteFile(l.Path, []byte(junk), 0o600); err != nil {
			t.Fatal(err)
		}
		if got := l.Read(ctx); got != "" {
			t.Errorf("%.20q read as %q", junk, got)
		}
	}
}

func TestLastFirst(t *testing.T) {
	keys := func(rs []Row) string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Key)
		}
		return strings.Join(out, " ")
	}
	for last, want := range map[string]string{
		"":      "alice prod-admin prod dev",
		"prod":  "prod alice prod-admin dev",
		"alice": "alice prod-admin prod dev",
		"gone":  "alice prod-admin prod dev",
	} {
		if got := keys(LastFirst(rows, last)); got != want {
			t.Errorf("last %q: %s, want %s", last, got, want)
		}
	}
	if keys(rows) != "alice prod-admin prod dev" {
		t.Error("LastFirst changed its argument")
	}
}
