package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the deb packager
	"github.com/goreleaser/nfpm/v2/files"
	_ "github.com/goreleaser/nfpm/v2/rpm" // registers the rpm packager
)

// The package's fields.
const (
	pkgName     = "stscred"
	homepage    = "https://github.com/stscred/stscred"
	pkgSynopsis = "AWS credentials from keys kept in the OS keyring, with MFA"
	// maintainer is the Maintainer of the .deb and the Packager of the
	// .rpm.
	maintainer = "stscred maintainers <stscred@users.noreply.github.com>"
)

// pkgDescription is the extended description (lines of at most 72).
var pkgDescription = []string{
	"stscred keeps an IAM user's long-term access key in the OS keyring (or",
	"an encrypted file keystore), turns it into short-lived STS credentials",
	"(GetSessionToken with an MFA code, AssumeRole for every role), caches",
	"them, and hands them to the AWS CLI and every AWS SDK through",
	"credential_process, to a shell, or to one command.",
}

// pkgFile is a file a package installs.
type pkgFile struct {
	dest string
	data []byte
	mode int64
	// rpmType marks a file for rpm (doc, license); "" for a plain file.
	rpmType string
}

// zshDir is where each format's distributions look for zsh completions
// of their packages: Debian's zsh has vendor-completions in its fpath,
// Fedora's and openSUSE's site-functions.
var zshDir = map[string]string{"deb": "/usr/share/zsh/vendor-completions", "rpm": "/usr/share/zsh/site-functions"}

// pkgFiles is what the package of t in format installs.
func (r *release) pkgFiles(t target, format string) ([]pkgFile, error) {
	bin, err := os.ReadFile(r.bins[t])
	if err != nil {
		return nil, err
	}
	pfs := []pkgFile{
		{"/usr/bin/stscred", bin, 0o755, ""},
		{"/usr/share/bash-completion/completions/stscred", r.docs.completions["bash"], 0o644, ""},
		{zshDir[format] + "/_stscred", r.docs.completions["zsh"], 0o644, ""},
		{"/usr/share/fish/vendor_completions.d/stscred.fish", r.docs.completions["fish"], 0o644, ""},
		{"/usr/share/man/man1/stscred.1.gz", gzipped(r.docs.man), 0o644, ""},
		{"/usr/share/doc/stscred/copyright", copyright(r.docs.license), 0o644, files.TypeRPMLicense},
		{"/usr/share/doc/stscred/changelog.gz", gzipped(changelog(r.rev)), 0o644, files.TypeRPMDoc},
	}
	if format == "deb" {
		pfs = append(pfs, pkgFile{"/usr/share/lintian/overrides/stscred", []byte(lintianOverrides), 0o644, ""})
	}
	return pfs, nil
}

// lintianOverrides are the .deb's lintian overrides. lintian exempts a
// static binary that Go built, but it can tell only from a source
// package's Build-Depends, which a .deb made without one lacks.
const lintianOverrides = `# stscred is a Go program built with CGO_ENABLED=0: static on purpose, as
# Go builds are (lintian exempts them when their source package
# build-depends on golang-go; this .deb has no source package). No C
# library is loaded on each credential_process call.
stscred: statically-linked-binary [usr/bin/stscred]
`

// pkgFileName is the name of t's package in format: the version is the
// tag's (a Debian or RPM version would turn a pre-release's - into ~,
// which GitHub does not keep in an asset's name).
func (r *release) pkgFileName(t target, format string) string {
	if format == "deb" {
		return fmt.Sprintf("stscred_%s_%s.deb", r.rev.Version(), t.Arch)
	}
	return fmt.Sprintf("stscred-%s-1.%s.rpm", r.rev.Version(), rpmArch[t.Arch])
}

var rpmArch = map[string]string{"amd64": "x86_64", "arm64": "aarch64"}

// pkg writes t's package in format (deb or rpm) with nfpm.
func (r *release) pkg(t target, format string) error {
	pfs, err := r.pkgFiles(t, format)
	if err != nil {
		return err
	}
	// nfpm reads the files from disk: stage them (their modes and times
	// on disk do not matter, every one is given).
	stage := filepath.Join(r.work, "pkg", format+"_"+t.Arch)
	var contents files.Contents
	for _, f := range pfs {
		src := filepath.Join(stage, filepath.FromSlash(f.dest))
		if err := os.MkdirAll(filepath.Dir(src), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(src, f.data, 0o644); err != nil {
			return err
		}
		typ := files.TypeFile
		if format == "rpm" && f.rpmType != "" {
			typ = f.rpmType
		}
		contents = append(contents, &files.Content{
			Source: src, Destination: f.dest, Type: typ,
			FileInfo: &files.ContentFileInfo{Owner: "root", Group: "root", Mode: os.FileMode(f.mode), MTime: r.rev.Date(), Size: int64(len(f.data))},
		})
	}
	info := &nfpm.Info{
		Name:          pkgName,
		Arch:          t.Arch,
		Platform:      "linux",
		Version:       r.rev.Version(),
		VersionSchema: "semver",
		Section:       "utils",
		Priority:      "optional",
		Maintainer:    maintainer,
		Description:   pkgSynopsis + "\n" + strings.Join(pkgDescription, "\n"),
		Vendor:        "stscred",
		Homepage:      homepage,
		License:       "MIT",
		MTime:         r.rev.Date(),
		Overridables: nfpm.Overridables{
			Umask:    0o022,
			Contents: contents,
			RPM: nfpm.RPM{
				Summary:     pkgSynopsis,
				Group:       "Applications/System",
				Packager:    maintainer,
				BuildHost:   "reproducible",
				Compression: "gzip",
			},
			Deb: nfpm.Deb{Compression: "gzip"},
		},
	}
	if format == "rpm" {
		info.Release = "1"
	}
	info = nfpm.WithDefaults(info)
	if err := nfpm.Validate(info); err != nil {
		return fmt.Errorf("%s package for %s: %w", format, t, err)
	}
	packager, err := nfpm.Get(format)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := packager.Package(info, &b); err != nil {
		return fmt.Errorf("%s package for %s: %w", format, t, err)
	}
	return r.write(r.pkgFileName(t, format), b.Bytes())
}

// copyright is /usr/share/doc/stscred/copyright in Debian's
// machine-readable format, with LICENSE's text.
func copyright(license []byte) []byte {
	lines := strings.Split(strings.TrimRight(string(license), "\n"), "\n")
	holder := "The stscred authors"
	for _, l := range lines {
		if rest, ok := strings.CutPrefix(l, "Copyright (c) "); ok {
			holder = rest
			break
		}
	}
	var b strings.Builder
	b.WriteString("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n")
	b.WriteString("Upstream-Name: stscred\n")
	b.WriteString("Source: " + homepage + "\n")
	b.WriteString("Comment: stscred is a static Go binary: it holds the Go standard library and\n")
	b.WriteString(" the Go modules the release's SBOM lists (stscred_VERSION_linux_ARCH.cdx.json),\n")
	b.WriteString(" each under its own license.\n\n")
	b.WriteString("Files: *\n")
	b.WriteString("Copyright: " + holder + "\n")
	b.WriteString("License: Expat\n")
	// The license's text, without the title and copyright lines above it.
	for i, l := range lines {
		if strings.HasPrefix(l, "Permission is hereby granted") {
			lines = lines[i:]
			break
		}
	}
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			b.WriteString(" .\n")
		} else {
			b.WriteString(" " + l + "\n")
		}
	}
	return []byte(b.String())
}

// changelog is the package's changelog in Debian's format: one entry,
// this release, dated the commit's date.
func changelog(rev revision) []byte {
	return fmt.Appendf(nil, "stscred (%s) unstable; urgency=medium\n\n  * Release %s: %s/releases/tag/%s\n\n -- %s  %s\n",
		debVersion(rev.Version()), rev.Tag, homepage, rev.Tag, maintainer, rev.Date().Format("Mon, 02 Jan 2006 15:04:05 -0700"))
}

// debVersion is a tag's version as Debian orders it: a pre-release's -
// becomes ~ (1.3.0~rc.1 sorts before 1.3.0), as nfpm writes it.
func debVersion(v string) string { return strings.Replace(v, "-", "~", 1) }
