package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
)

// The README is true: it names every STSCRED_* variable the code reads
// (the binary, the shell hooks, install.sh) and no other, every flag a
// user can pass, and every value of a flag that takes one of a list.

const repoRoot = "../.."

var envName = regexp.MustCompile(`STSCRED_[A-Z0-9_]*[A-Z0-9]`)

// notUsers' are the directories whose code no user runs: test servers and
// test helpers.
var notUsers = []string{"internal/e2e", "internal/bench", "internal/testkit", ".git", ".ci"}

func TestReadmeNamesEveryVariable(t *testing.T) {
	code := map[string][]string{}
	err := filepath.WalkDir(repoRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(repoRoot, path)
		if d.IsDir() {
			for _, skip := range notUsers {
				if rel == skip {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if strings.HasSuffix(rel, "_test.go") || !(strings.HasSuffix(rel, ".go") || strings.HasPrefix(rel, "shell/hooks/") || rel == "install.sh") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, n := range envName.FindAllString(string(b), -1) {
			code[n] = append(code[n], rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	readme := readReadme(t)
	documented := map[string]bool{}
	for _, n := range envName.FindAllString(readme, -1) {
		documented[n] = true
	}
	if len(code) < 10 {
		t.Fatalf("only %d variables found in the code: %v", len(code), code)
	}
	for _, n := range sortedKeys(code) {
		if !documented[n] {
			t.Errorf("%s is read by %v but the README does not say so", n, compactStrings(code[n]))
		}
	}
	for n := range documented {
		if _, ok := code[n]; !ok {
			t.Errorf("the README names %s, which no code reads", n)
		}
	}
}

func TestReadmeNamesEveryFlag(t *testing.T) {
	var cli CLI
	k, err := kong.New(&cli, kong.Vars{"version": ""})
	if err != nil {
		t.Fatal(err)
	}
	readme := readReadme(t)
	blocks := strings.Split(readme, "\n\n")
	n := 0
	var walk func(node *kong.Node)
	walk = func(node *kong.Node) {
		for _, f := range node.Flags {
			if f.Hidden || f.Name == "help" || f.Name == "version" {
				continue
			}
			n++
			flag := "--" + f.Name
			if !strings.Contains(readme, flag) {
				t.Errorf("%s %s is not in the README", node.Path(), flag)
				continue
			}
			if f.Enum == "" {
				continue
			}
			// The values are named where the flag is.
			var near strings.Builder
			for _, b := range blocks {
				for _, line := range strings.Split(b, "\n") {
					if strings.Contains(line, flag) {
						near.WriteString(b + "\n")
						break
					}
				}
			}
			for _, v := range strings.Split(f.Enum, ",") {
				if !regexp.MustCompile(`\b` + regexp.QuoteMeta(v) + `\b`).MatchString(near.String()) {
					t.Errorf("%s %s: the README does not name the value %s where it names the flag", node.Path(), flag, v)
				}
			}
		}
		for _, c := range node.Children {
			if !c.Hidden {
				walk(c)
			}
		}
	}
	walk(k.Model.Node)
	if n < 20 {
		t.Fatalf("only %d flags seen", n)
	}
}

func readReadme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func sortedKeys(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func compactStrings(s []string) []string {
	sort.Strings(s)
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
