// Command release builds stscred's release from a clean checkout at a
// tag, byte for byte the same wherever and whenever it runs:
//
//	./release.sh [--base-url URL] [OUTDIR]     (go run ./internal/release)
//
// It writes into OUTDIR (default dist/, which must be absent or empty):
//
//   - stscred_VERSION_OS_ARCH.tar.gz for linux and darwin, .zip for
//     windows, on amd64 and arm64: the binary, LICENSE, README.md, the
//     completions for bash, zsh and fish (stscred completion), PowerShell's
//     integration (stscred shell-init powershell) and the man page;
//   - stscred_VERSION_ARCH.deb and stscred-VERSION-1.ARCH.rpm for linux
//     (nfpm): /usr/bin/stscred, the completions where each shell's vendor
//     packages put theirs, the man page, the copyright and a changelog;
//   - stscred_VERSION_OS_ARCH.cdx.json: a CycloneDX SBOM per binary, of
//     exactly the modules Go recorded in it;
//   - stscred.rb and stscred.json: the Homebrew formula and the Scoop
//     manifest of this release (URLs under --base-url, default the GitHub
//     release of the tag);
//   - SHA256SUMS over all of the above.
//
// Reproducible: every time in every artifact is the commit's date
// (SOURCE_DATE_EPOCH), entries are sorted, owners are root (0/0) and
// modes fixed, and the binaries are built with -trimpath, an empty build
// ID, CGO_ENABLED=0 and no VCS stamping (the commit and its date are
// linked in), so no path, user, host, umask or time of the build shows.
// What else must match to get the same bytes is the Go version, which
// the SBOM and stscred version name.
//
// Why a program of the repository's own and not GoReleaser: GoReleaser's
// released binary cannot be downloaded where this project builds, the
// module proxy's copy of its source is not an approved release, and a
// release (its names, contents and what makes it reproducible) is better
// as code the tests read than as a configuration for a tool they cannot
// run. The formats are written by libraries: nfpm (v2.45.2: later ones
// raise golang.org/x/crypto for stscred's own build too) for .deb and
// .rpm, cyclonedx-go for the SBOM, Go's archive/tar, archive/zip and
// compress packages for the archives.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintf(os.Stderr, "release: error: %v\n", err)
		os.Exit(1)
	}
}

// defaultBaseURL is where the artifacts of a tag are published: the
// GitHub release of that tag.
const defaultBaseURL = "https://github.com/stscred/stscred/releases/download/%s"

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("release", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: ./release.sh [--base-url URL] [OUTDIR]\n\n"+
			"Builds the release of the tag at HEAD of this clean checkout into OUTDIR (default dist/).\n")
		fs.PrintDefaults()
	}
	baseURL := fs.String("base-url", "", "`URL` the artifacts are published under, for the Homebrew formula and the Scoop manifest (default "+fmt.Sprintf(defaultBaseURL, "vVERSION")+")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	out := "dist"
	switch fs.NArg() {
	case 0:
	case 1:
		out = fs.Arg(0)
	default:
		return fmt.Errorf("one OUTDIR at most, got %q", fs.Args())
	}

	src, err := os.Getwd()
	if err != nil {
		return err
	}
	rev, err := readCheckout(src)
	if err != nil {
		return err
	}
	if *baseURL == "" {
		*baseURL = fmt.Sprintf(defaultBaseURL, rev.Tag)
	}
	*baseURL = strings.TrimRight(*baseURL, "/")
	if err := emptyDir(out); err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "stscred-release-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	say := func(format string, a ...any) { fmt.Fprintf(stdout, "release: "+format+"\n", a...) }
	say("stscred %s (commit %s, %s), into %s", rev.Tag, rev.Commit, rev.Date().Format("2006-01-02T15:04:05Z"), out)
	r := &release{rev: rev, src: src, work: work, out: out, baseURL: *baseURL, say: say}
	return r.make()
}

// emptyDir makes dir if it is absent; a dir that holds anything is
// refused, so that nothing of an earlier run is published by mistake.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return os.MkdirAll(dir, 0o755)
	case err != nil:
		return err
	case len(entries) > 0:
		return fmt.Errorf("%s is not empty: remove it first (it holds %s, ...)", dir, entries[0].Name())
	}
	return nil
}

// release is one run: what it builds from, where it works, where it
// writes, and what it has made so far.
type release struct {
	rev     revision
	src     string // the checkout
	work    string // a private temporary directory
	out     string
	baseURL string
	say     func(string, ...any)

	bins      map[target]string // the built binaries, under work
	docs      docs
	artifacts []string // names under out, in the order made
}

func (r *release) make() error {
	if err := r.buildAll(); err != nil {
		return err
	}
	var err error
	if r.docs, err = r.makeDocs(); err != nil {
		return err
	}
	for _, t := range targets {
		if err := r.archive(t); err != nil {
			return err
		}
	}
	for _, t := range targets {
		if t.OS != "linux" {
			continue
		}
		for _, format := range []string{"deb", "rpm"} {
			if err := r.pkg(t, format); err != nil {
				return err
			}
		}
	}
	for _, t := range targets {
		if err := r.sbom(t); err != nil {
			return err
		}
	}
	if err := r.formula(); err != nil {
		return err
	}
	if err := r.scoop(); err != nil {
		return err
	}
	if err := r.sums(); err != nil {
		return err
	}
	r.say("done: %d artifacts and SHA256SUMS in %s", len(r.artifacts), r.out)
	return nil
}

// write puts an artifact into out (0644, whatever the umask: its bytes
// are what count) and records it.
func (r *release) write(name string, data []byte) error {
	path := filepath.Join(r.out, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return err
	}
	r.artifacts = append(r.artifacts, name)
	r.say("wrote %s", name)
	return nil
}
