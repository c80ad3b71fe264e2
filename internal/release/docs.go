package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// docs are what the archives and packages carry besides the binary, made
// by the stscred just built.
type docs struct {
	// completions by shell: bash, zsh and fish from stscred completion,
	// powershell from stscred shell-init powershell (stscred has no
	// PowerShell completion: its integration is what there is to load).
	completions map[string][]byte
	man         []byte // the man page, troff
	license     []byte
	readme      []byte
}

// shells are the shells whose files are shipped, in order.
var shells = []string{"bash", "zsh", "fish", "powershell"}

// archiveName is where a shell's file goes in an archive.
func archiveName(shell string) string {
	switch shell {
	case "bash":
		return "completions/stscred.bash"
	case "zsh":
		return "completions/_stscred"
	case "fish":
		return "completions/stscred.fish"
	}
	return "completions/stscred.ps1"
}

// stscredRunner runs a stscred binary as a user would, with nothing of
// this process's environment that could change what it prints: a home
// of its own, no STSCRED_* variables, a fixed width for the help.
func stscredRunner(bin, home string) func(args ...string) ([]byte, error) {
	return func(args ...string) ([]byte, error) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = home
		cmd.Env = []string{"HOME=" + home, "PATH=/usr/bin:/bin", "LANG=C.UTF-8", "TERM=dumb", "COLUMNS=1000", "XDG_CONFIG_HOME=" + filepath.Join(home, ".config")}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("stscred %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
		}
		return stdout.Bytes(), nil
	}
}

// makeDocs runs the host's binary for the completions and the help the
// man page is made of, and reads LICENSE and README.md.
func (r *release) makeDocs() (docs, error) {
	var d docs
	host, err := hostTarget()
	if err != nil {
		return d, err
	}
	home := filepath.Join(r.work, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		return d, err
	}
	stscred := stscredRunner(r.bins[host], home)

	// The binary says it is this release before anything is made from it.
	v, err := stscred("version")
	if err != nil {
		return d, err
	}
	if first, _, _ := strings.Cut(string(v), "\n"); first != "stscred "+r.rev.Tag {
		return d, fmt.Errorf("the built stscred says %q, not stscred %s", first, r.rev.Tag)
	}

	d.completions = map[string][]byte{}
	for _, sh := range shells {
		args := []string{"completion", sh}
		if sh == "powershell" {
			args = []string{"shell-init", sh}
		}
		if d.completions[sh], err = stscred(args...); err != nil {
			return d, err
		}
	}
	help, err := readHelp(stscred)
	if err != nil {
		return d, err
	}
	readme, err := os.ReadFile(filepath.Join(r.src, "README.md"))
	if err != nil {
		return d, err
	}
	vars, err := readmeVariables(readme)
	if err != nil {
		return d, err
	}
	d.man = manPage(help, vars, r.rev)
	d.readme = readme
	if d.license, err = os.ReadFile(filepath.Join(r.src, "LICENSE")); err != nil {
		return d, err
	}
	r.say("made the completions (%s) and the man page (%d commands)", strings.Join(shells, ", "), len(help.commands))
	return d, nil
}

// gzipped is data compressed as gzip -9n does: no name, no time, the
// best compression (what lintian wants of a man page and a changelog).
func gzipped(data []byte) []byte {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	w.Write(data)
	w.Close()
	return b.Bytes()
}
