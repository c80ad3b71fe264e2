package awsconfig

import (
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/base/hint"
)

const testPath = "/home/u/.aws/config"

func mustParse(t testing.TB, text string) *File {
	t.Helper()
	f, err := Parse(testPath, []byte(text))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

func mustResolve(t testing.TB, text, name string) *Profile {
	t.Helper()
	p, err := mustParse(t, text).Resolve(name)
	if err != nil {
		t.Fatalf("Resolve(%q): %v (hints %q)", name, err, hint.Of(err))
	}
	return p
}

// hintsContain reports whether some hint of err contains sub.
func hintsContain(err error, sub string) bool {
	for _, h := range hint.Of(err) {
		if strings.Contains(h, sub) {
			return true
		}
	}
	return false
}

func names(ps []*Profile) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}

func hintsOf(err error) []string { return hint.Of(err) }
