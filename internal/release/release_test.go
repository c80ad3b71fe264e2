package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"
)

var testRev = revision{Tag: "v1.2.3", Commit: "0123456789abcdef0123456789abcdef01234567", Epoch: 1795521600} // 2026-11-24T12:00:00Z

func testEntries() []entry {
	return []entry{
		{"stscred", []byte("\x7fELF binary"), 0o755},
		{"man/stscred.1", []byte(".TH STSCRED 1\n"), 0o644},
		{"LICENSE", []byte("MIT\n"), 0o644},
		{"completions/_stscred", []byte("#compdef stscred\n"), 0o644},
	}
}

// An archive's bytes depend on its entries and the time given, nothing
// else: members sorted, directories made, owner root, modes as given,
// every time the commit's.
func TestTarGz(t *testing.T) {
	mtime := testRev.Date()
	a, err := tarGz("top", testEntries(), mtime)
	if err != nil {
		t.Fatal(err)
	}
	shuffled := testEntries()
	slices.Reverse(shuffled)
	b, err := tarGz("top", shuffled, mtime)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("the order of the entries changed the archive")
	}
	gz, err := gzip.NewReader(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	if !gz.ModTime.IsZero() || gz.Name != "" {
		t.Errorf("gzip header has a time %v or a name %q", gz.ModTime, gz.Name)
	}
	tr := tar.NewReader(gz)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "root" || h.Gname != "root" || !h.ModTime.Equal(mtime) {
			t.Errorf("%s: owner %d/%d %s/%s, time %v", h.Name, h.Uid, h.Gid, h.Uname, h.Gname, h.ModTime)
		}
		want := int64(0o644)
		if h.Typeflag == tar.TypeDir || h.Name == "top/stscred" {
			want = 0o755
		}
		if h.Mode != want {
			t.Errorf("%s: mode %o, want %o", h.Name, h.Mode, want)
		}
	}
	wantNames := []string{"top/", "top/LICENSE", "top/completions/", "top/completions/_stscred", "top/man/", "top/man/stscred.1", "top/stscred"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("members %q, want %q", names, wantNames)
	}
}

func TestZip(t *testing.T) {
	mtime := testRev.Date()
	a, err := zipArchive("top", testEntries(), mtime)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := zipArchive("top", testEntries(), mtime)
	if !bytes.Equal(a, b) {
		t.Fatal("two zips of the same entries differ")
	}
	zr, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if !f.Modified.Equal(mtime) {
			t.Errorf("%s: time %v", f.Name, f.Modified)
		}
	}
	if names[0] != "top/" || names[len(names)-1] != "top/stscred" || len(names) != 7 {
		t.Errorf("members %q", names)
	}
}

// The build's environment drops whatever changes the binary and sets the
// release's own.
func TestBuildEnv(t *testing.T) {
	env := buildEnv(target{"darwin", "arm64"}, []string{"PATH=/bin", "GOFLAGS=-race", "GOEXPERIMENT=x", "CGO_ENABLED=1", "GOPROXY=off", "SOURCE_DATE_EPOCH=1"})
	for _, want := range []string{"PATH=/bin", "GOPROXY=off", "GOOS=darwin", "GOARCH=arm64", "CGO_ENABLED=0", "GOFLAGS=-mod=readonly", "GOWORK=off"} {
		if !slices.Contains(env, want) {
			t.Errorf("lacks %s: %q", want, env)
		}
	}
	for _, bad := range []string{"GOFLAGS=-race", "GOEXPERIMENT=x", "CGO_ENABLED=1", "SOURCE_DATE_EPOCH=1"} {
		if slices.Contains(env, bad) {
			t.Errorf("keeps %s", bad)
		}
	}
	args := strings.Join(buildArgs(testRev, "out"), " ")
	for _, want := range []string{"-trimpath", "-buildvcs=false", "-buildid=", "-X main.version=v1.2.3", "buildinfo.commit=" + testRev.Commit, "buildinfo.commitDate=2026-11-24T12:00:00Z"} {
		if !strings.Contains(args, want) {
			t.Errorf("go %s lacks %s", args, want)
		}
	}
}

const rootHelp = `Usage: stscred <command> [flags]

AWS credentials from keys kept in the OS keyring.

Flags:
  -h, --help             Show context-sensitive help.
      --prompt="auto"    Where to ask for MFA codes ($STSCRED_PROMPT).

Commands:
  role          Print credential_process JSON for a role (AssumeRole).
  sso login     Sign in.

Run "stscred <command> --help" for more information on a command.
`

const roleHelp = `Usage: stscred role [<name>] [flags]

Print credential_process JSON for a role (AssumeRole).

Load it with:

    eval "$(stscred shell-init bash)"
    .hidden

Examples:

    credential_process = stscred role prod-admin
        in ~/.aws/config

Arguments:
  [<name>]    Role profile (with role_arn and source_profile).

Flags:
  -h, --help             Show context-sensitive help.
      --prompt="auto"    Where to ask for MFA codes ($STSCRED_PROMPT).

      --duration=DURATION    Role session length — 1h by default.
`

func TestParseHelp(t *testing.T) {
	root, err := parseHelp(rootHelp)
	if err != nil {
		t.Fatal(err)
	}
	if len(root.flags) != 2 || root.flags[1].spec != `--prompt="auto"` || len(root.commands) != 2 || root.commands[1].spec != "sso login" {
		t.Fatalf("root: %+v", root)
	}
	role, err := parseHelp(roleHelp)
	if err != nil {
		t.Fatal(err)
	}
	if role.usage != "stscred role [<name>] [flags]" || len(role.desc) != 3 || len(role.args) != 1 || len(role.flags) != 3 {
		t.Fatalf("role: %+v", role)
	}
	if role.examples[0] != "credential_process = stscred role prod-admin" || role.examples[1] != "    in ~/.aws/config" {
		t.Errorf("examples: %q", role.examples)
	}
	if _, err := parseHelp("stscred: error: no\n"); err == nil {
		t.Error("parsed what is not help")
	}
}

func TestManPage(t *testing.T) {
	root, _ := parseHelp(rootHelp)
	role, _ := parseHelp(roleHelp)
	man := string(manPage(help{root: root, commands: []command{{"role", role}}}, []item{{"STSCRED_PROMPT", "Where to ask: `auto` ([README](README.md))."}}, testRev))
	for _, want := range []string{
		`.TH STSCRED 1 "2026-11-24" "stscred 1.2.3" "User Commands"`,
		`stscred \- AWS credentials from keys kept in the OS keyring` + "\n",
		`.SS "stscred role [<name>]"`,
		`\fB\-\-duration\fR=\fIDURATION\fR` + "\n" + `Role session length \[u2014] 1h by default.`,
		`\&eval \(dq$(stscred shell\-init bash)\(dq`,
		`\&\&.hidden`,
		`\fBSTSCRED_PROMPT\fR` + "\n" + `Where to ask: \fBauto\fR (README).`,
		".SH ENVIRONMENT", ".SH FILES", ".SH SEE ALSO",
	} {
		if !strings.Contains(man, want) {
			t.Errorf("man page lacks %q:\n%s", want, man)
		}
	}
	// The global flags are listed once, not again under each command.
	if strings.Count(man, `\fB\-\-prompt\fR`) != 1 {
		t.Errorf("--prompt listed %d times", strings.Count(man, `\fB\-\-prompt\fR`))
	}
	for i, line := range strings.Split(man, "\n") {
		if strings.HasPrefix(line, "'") || (strings.HasPrefix(line, ".") && !strings.HasPrefix(line, `.\"`) && strings.Contains(line, ".hidden")) {
			t.Errorf("line %d starts a request by accident: %q", i+1, line)
		}
	}
}

func TestRoff(t *testing.T) {
	for in, want := range map[string]string{
		`a\b`:     `a\eb`,
		"--x":     `\-\-x`,
		".start":  `\&.start`,
		"it's":    `it\(aqs`,
		"~/.aws":  `\(ti/.aws`,
		"✓ ok":    `\[u2713] ok`,
		"a\x1bb":  `a\[u001B]b`,
		"`tick`":  `\(gatick\(ga`,
		`say "x"`: `say \(dqx\(dq`,
	} {
		if got := roff(in); got != want {
			t.Errorf("roff(%q) = %q, want %q", in, got, want)
		}
	}
}

// README's table of variables is what the man page's ENVIRONMENT lists.
func TestReadmeVariables(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	vars, err := readmeVariables(readme)
	if err != nil {
		t.Fatal(err)
	}
	if len(vars) < 10 || vars[0].spec != "STSCRED_MFA_TOKEN" {
		t.Fatalf("%+v", vars)
	}
	if _, err := readmeVariables([]byte("# nothing\n")); err == nil {
		t.Error("no table, no error")
	}
}

func TestCopyrightAndChangelog(t *testing.T) {
	license, err := os.ReadFile("../../LICENSE")
	if err != nil {
		t.Fatal(err)
	}
	c := string(copyright(license))
	for _, want := range []string{
		"Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n",
		"\n\nFiles: *\nCopyright: 2026 The stscred authors\nLicense: Expat\n Permission is hereby granted",
		"\n .\n THE SOFTWARE IS PROVIDED",
	} {
		if !strings.Contains(c, want) {
			t.Errorf("copyright lacks %q:\n%s", want, c)
		}
	}
	cl := string(changelog(revision{Tag: "v1.3.0-rc.1", Epoch: testRev.Epoch}))
	want := "stscred (1.3.0~rc.1) unstable; urgency=medium\n\n  * Release v1.3.0-rc.1: https://github.com/stscred/stscred/releases/tag/v1.3.0-rc.1\n\n -- " + maintainer + "  Tue, 24 Nov 2026 12:00:00 +0000\n"
	if cl != want {
		t.Errorf("changelog\n%s\nwant\n%s", cl, want)
	}
}

// The SBOM lists exactly the modules of the build info, the main module
// at the release's version, and is the same for the same binary.
func TestSBOM(t *testing.T) {
	bi := &debug.BuildInfo{
		GoVersion: "go1.26.8", Path: "github.com/stscred/stscred/cmd/stscred",
		Main: debug.Module{Path: "github.com/stscred/stscred", Version: "(devel)"},
		Deps: []*debug.Module{
			{Path: "github.com/a/b", Version: "v1.0.0", Sum: "h1:abc="},
			{Path: "example.com/old", Version: "v0.1.0+incompatible", Replace: &debug.Module{Path: "example.com/new", Version: "v0.2.0", Sum: "h1:def="}},
		},
		Settings: []debug.BuildSetting{{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "arm64"}, {Key: "-trimpath", Value: "true"}},
	}
	a, err := sbomJSON(bi, []byte("binary"), testRev)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := sbomJSON(bi, []byte("binary"), testRev)
	if !bytes.Equal(a, b) {
		t.Fatal("two SBOMs of one binary differ")
	}
	var doc struct {
		BOMFormat, SpecVersion, SerialNumber string
		Metadata                             struct {
			Timestamp string
			Component struct{ Name, Version, Purl string }
		}
		Components []struct{ Name, Version, Purl string }
	}
	if err := json.Unmarshal(a, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.BOMFormat != "CycloneDX" || doc.SpecVersion != "1.6" || !strings.HasPrefix(doc.SerialNumber, "urn:uuid:") || doc.Metadata.Timestamp != "2026-11-24T12:00:00Z" {
		t.Errorf("header: %+v", doc)
	}
	if c := doc.Metadata.Component; c.Name != "github.com/stscred/stscred" || c.Version != "v1.2.3" || c.Purl != "pkg:golang/github.com/stscred/stscred@v1.2.3?type=module" {
		t.Errorf("main: %+v", c)
	}
	var got []string
	for _, c := range doc.Components {
		got = append(got, c.Name+"@"+c.Version+" "+c.Purl)
	}
	want := []string{"github.com/a/b@v1.0.0 pkg:golang/github.com/a/b@v1.0.0?type=module", "example.com/new@v0.2.0 pkg:golang/example.com/new@v0.2.0?type=module"}
	if !slices.Equal(got, want) {
		t.Errorf("components %q, want %q", got, want)
	}
	if purl("x.org/y", "v1.0.0+incompatible") != "pkg:golang/x.org/y@v1.0.0%2Bincompatible?type=module" {
		t.Error("purl does not escape +")
	}
}

// The formula and the manifest name every archive of their platforms at
// the base URL, with its SHA-256.
func TestFormulaAndScoop(t *testing.T) {
	out := t.TempDir()
	r := &release{rev: testRev, out: out, baseURL: "https://example.com/dl/v1.2.3", say: func(string, ...any) {}}
	for _, tg := range targets {
		if err := r.write(r.archiveFile(tg), []byte(tg.String())); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.formula(); err != nil {
		t.Fatal(err)
	}
	if err := r.scoop(); err != nil {
		t.Fatal(err)
	}
	rb, _ := os.ReadFile(filepath.Join(out, "stscred.rb"))
	for _, tg := range targets[:4] {
		sum, _ := r.digest(r.archiveFile(tg))
		if want := `url "https://example.com/dl/v1.2.3/` + r.archiveFile(tg) + `"` + "\n      sha256 \"" + sum + `"`; !strings.Contains(string(rb), want) {
			t.Errorf("formula lacks %s:\n%s", want, rb)
		}
	}
	var m scoopManifest
	data, _ := os.ReadFile(filepath.Join(out, "stscred.json"))
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	sum, _ := r.digest("stscred_1.2.3_windows_arm64.zip")
	if d := m.Architecture["arm64"]; d.URL != "https://example.com/dl/v1.2.3/stscred_1.2.3_windows_arm64.zip" || d.Hash != sum || d.ExtractDir != "stscred_1.2.3_windows_arm64" || m.Version != "1.2.3" {
		t.Errorf("manifest: %+v", m)
	}
	if err := r.sums(); err != nil {
		t.Fatal(err)
	}
	sums, _ := os.ReadFile(filepath.Join(out, "SHA256SUMS"))
	if lines := strings.Split(strings.TrimSpace(string(sums)), "\n"); len(lines) != 8 || !strings.HasSuffix(lines[0], "  stscred.json") || !strings.HasSuffix(lines[7], "  stscred_1.2.3_windows_arm64.zip") {
		t.Errorf("SHA256SUMS:\n%s", sums)
	}
}

func TestRevisionDate(t *testing.T) {
	if got := testRev.Date(); !got.Equal(time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)) {
		t.Fatal(got)
	}
}

// arMembers reads an ar archive (a .deb) into its members.
func arMembers(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("!<arch>\n")) {
		t.Fatal("not an ar archive")
	}
	m := map[string][]byte{}
	for p := 8; p+60 <= len(data); {
		h := data[p : p+60]
		name := strings.TrimRight(strings.TrimSpace(string(h[0:16])), "/")
		var size int
		fmt.Sscan(strings.TrimSpace(string(h[48:58])), &size)
		if mtime := strings.TrimSpace(string(h[16:28])); mtime != fmt.Sprint(testRev.Epoch) && testRev.Epoch != 0 {
			// nfpm writes the commit's time into the ar headers too.
			t.Errorf("ar member %s: time %s", name, mtime)
		}
		m[name] = data[p+60 : p+60+size]
		p += 60 + size + size%2
	}
	return m
}

// The packages are made the same twice, carry the tag's version as
// Debian orders it, and install what they should, root's, at the
// commit's time.
func TestPackages(t *testing.T) {
	work := t.TempDir()
	bin := filepath.Join(work, "stscred")
	if err := os.WriteFile(bin, []byte("\x7fELF not really"), 0o755); err != nil {
		t.Fatal(err)
	}
	rev := revision{Tag: "v1.3.0-rc.1", Commit: testRev.Commit, Epoch: testRev.Epoch}
	lin := target{"linux", "amd64"}
	build := func() map[string][]byte {
		out := filepath.Join(t.TempDir(), "out")
		os.MkdirAll(out, 0o755)
		r := &release{rev: rev, work: t.TempDir(), out: out, say: func(string, ...any) {}, bins: map[target]string{lin: bin},
			docs: docs{completions: map[string][]byte{"bash": []byte("b"), "zsh": []byte("z"), "fish": []byte("f"), "powershell": []byte("p")}, man: []byte(".TH X 1\n"), license: []byte("MIT\n")}}
		for _, f := range []string{"deb", "rpm"} {
			if err := r.pkg(lin, f); err != nil {
				t.Fatal(err)
			}
		}
		m := map[string][]byte{}
		for _, n := range r.artifacts {
			m[n], _ = os.ReadFile(filepath.Join(out, n))
		}
		return m
	}
	a, b := build(), build()
	if len(a) != 2 || a["stscred_1.3.0-rc.1_amd64.deb"] == nil || a["stscred-1.3.0-rc.1-1.x86_64.rpm"] == nil {
		t.Fatalf("made %d packages", len(a))
	}
	for n := range a {
		if !bytes.Equal(a[n], b[n]) {
			t.Errorf("%s differs when made again", n)
		}
	}
	deb := arMembers(t, a["stscred_1.3.0-rc.1_amd64.deb"])
	control := untar(t, deb["control.tar.gz"])
	if c := string(control["./control"].data); !strings.Contains(c, "Version: 1.3.0~rc.1\n") || !strings.Contains(c, "Architecture: amd64\n") || !strings.Contains(c, "Maintainer: "+maintainer+"\n") {
		t.Errorf("control:\n%s", c)
	}
	data := untar(t, deb["data.tar.gz"])
	for name, want := range map[string]int64{
		"./usr/bin/stscred": 0o755, "./usr/share/bash-completion/completions/stscred": 0o644,
		"./usr/share/zsh/vendor-completions/_stscred": 0o644, "./usr/share/fish/vendor_completions.d/stscred.fish": 0o644,
		"./usr/share/man/man1/stscred.1.gz": 0o644, "./usr/share/doc/stscred/copyright": 0o644,
		"./usr/share/doc/stscred/changelog.gz": 0o644, "./usr/share/lintian/overrides/stscred": 0o644,
	} {
		f, ok := data[name]
		if !ok {
			t.Errorf("the .deb lacks %s", name)
			continue
		}
		if f.mode != want || f.owner != "0/0 root/root" || !f.mtime.Equal(rev.Date()) {
			t.Errorf("%s: mode %o, owner %s, time %v", name, f.mode, f.owner, f.mtime)
		}
	}
	for name, f := range data {
		if !f.mtime.Equal(rev.Date()) {
			t.Errorf("%s: time %v", name, f.mtime)
		}
	}
	if zr, err := gzip.NewReader(bytes.NewReader(data["./usr/share/doc/stscred/changelog.gz"].data)); err != nil || !zr.ModTime.IsZero() {
		t.Errorf("changelog.gz: %v, time %v", err, zr.ModTime)
	} else if cl, _ := io.ReadAll(zr); !strings.HasPrefix(string(cl), "stscred (1.3.0~rc.1) unstable") {
		t.Errorf("changelog: %s", cl)
	}
}

type tarFile struct {
	mode  int64
	owner string
	mtime time.Time
	data  []byte
}

func untar(t *testing.T, tgz []byte) map[string]tarFile {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]tarFile{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return m
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		m[h.Name] = tarFile{h.Mode, fmt.Sprintf("%d/%d %s/%s", h.Uid, h.Gid, h.Uname, h.Gname), h.ModTime, data}
	}
}

// The root help lists its commands under groups and its global flags
// under a heading of their own; a sentence ending in a colon is no
// heading.
func TestParseGroupedHelp(t *testing.T) {
	text := "Usage: stscred <command> [flags]\n\nAWS credentials.\n\nFor example:\n    stscred role x\n\nEvery day:\n  use       Switch.\n  exec      Run.\n\nSetup:\n  doctor    Check.\n\nFlags:\n  -h, --help    Help.\n\nGlobal flags (any command takes them):\n  --prompt=\"auto\"    Where.\n\nRun \"stscred <command> --help\" for more.\n"
	p, err := parseHelp(text)
	if err != nil {
		t.Fatal(err)
	}
	var cmds, flags []string
	for _, c := range p.commands {
		cmds = append(cmds, c.spec)
	}
	for _, f := range p.flags {
		flags = append(flags, f.spec)
	}
	if strings.Join(cmds, ",") != "use,exec,doctor" || strings.Join(flags, ",") != `-h, --help,--prompt="auto"` {
		t.Fatalf("commands %q, flags %q", cmds, flags)
	}
	if len(p.desc) != 2 || p.desc[1][0] != "For example:" {
		t.Fatalf("description %q", p.desc)
	}
}
