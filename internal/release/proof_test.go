//go:build realworld && linux

package main

// The release's proof, on this machine's Debian (run alone by test.sh,
// as root; in CI a missing tool fails it):
//
//   - release.sh run twice on the same commit: as root, and as another
//     user in another directory with another TMPDIR, umask, time zone,
//     host name, Go build and module cache, some minutes later; every
//     file of the two outputs compared byte for byte;
//   - SHA256SUMS covers every artifact; the archives hold what they
//     should, root-owned, at the commit's time; the linux/amd64 archive's
//     binary runs with no Go on PATH and says the release's version;
//   - every SBOM lists exactly the modules go version -m reports of its
//     binary; the formula's and the manifest's URLs and checksums are
//     the archives' (ruby -c on the formula);
//   - lintian passes both .debs; the .rpms (rpm -qip, -qlp) carry the
//     same version and files;
//   - the amd64 .deb installed with dpkg -i into a Debian chroot made
//     with debootstrap --variant=minbase: stscred version, --help, man
//     stscred, the bash completion loaded by bash-completion, a role
//     call through credential_process against the repository's test
//     STS (outside the chroot, on loopback) with the AWS CLI inside the
//     chroot and with stscred's own JSON; then dpkg -r leaves no file of
//     it behind.

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/demo"
	"github.com/stscred/stscred/internal/testkit/testenv"
)

// proofTag is the tag the proof releases.
const proofTag = "v1.2.3"

// proofUser is the second builder.
const proofUser = "stscred-release"

func TestReleaseProof(t *testing.T) {
	testenv.Require(t, os.Geteuid() == 0, "the release proof builds as a second user and makes a chroot: it needs root")
	for tool, pkg := range map[string]string{
		"git": "git", "go": "golang", "tar": "tar", "setpriv": "util-linux", "unshare": "util-linux", "useradd": "passwd",
		"chroot": "coreutils", "mount": "mount", "hostname": "hostname", "lintian": "lintian", "dpkg-deb": "dpkg",
		"rpm": "rpm", "debootstrap": "debootstrap", "ruby": "ruby", "sha256sum": "coreutils",
	} {
		_, err := exec.LookPath(tool)
		testenv.Require(t, err == nil, tool+" is not installed (Debian package "+pkg+")")
	}
	start := time.Now()
	lap := func(what string) { t.Logf("%6.1fs  %s", time.Since(start).Seconds(), what) }

	base, err := os.MkdirTemp("", "stscred-release-proof-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	// The other user walks into base; nothing in it is secret.
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}

	snap := snapshot(t, base)
	lap("snapshot of the working tree, tagged " + proofTag + " (commit " + snap.commit + ")")

	outA := buildAsRoot(t, base, snap)
	lap("release.sh as root: " + outA)
	outB := buildAsOther(t, base, snap)
	lap("release.sh as " + proofUser + ": " + outB)

	t.Run("reproducible", func(t *testing.T) { compareOutputs(t, outA, outB) })
	a := &artifacts{t: t, dir: outA, snap: snap, work: filepath.Join(base, "check")}
	if err := os.MkdirAll(a.work, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Run("SHA256SUMS", a.checkSums)
	t.Run("archives", a.checkArchives)
	t.Run("archive without Go", a.checkArchiveRuns)
	t.Run("SBOM", a.checkSBOMs)
	t.Run("formula and manifest", a.checkFormulaAndManifest)
	t.Run("lintian", a.checkLintian)
	t.Run("rpm", a.checkRPM)
	lap("artifacts checked")
	t.Run("deb in a Debian chroot", func(t *testing.T) { a.t = t; a.checkInChroot(lap) })
	lap("done")
}

// snap is the commit the proof releases: the working tree as it is
// (tracked files and new ones git does not ignore), committed in a
// repository of its own and tagged proofTag, as a bundle each builder
// clones.
type snap struct {
	bundle, commit string
	date           time.Time
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func mustRun(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s\n%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

func snapshot(t *testing.T, base string) snap {
	t.Helper()
	root := repoRoot(t)
	src := filepath.Join(base, "src")
	list := mustRun(t, root, os.Environ(), "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	for _, name := range strings.Split(strings.TrimRight(list, "\x00"), "\x00") {
		from, to := filepath.Join(root, name), filepath.Join(src, name)
		st, err := os.Lstat(from)
		if err != nil {
			continue // deleted in the working tree
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if st.Mode()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(from)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, to); err != nil {
				t.Fatal(err)
			}
			continue
		}
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, data, st.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	date := strings.TrimSpace(mustRun(t, root, os.Environ(), "git", "log", "-1", "--format=%cI", "HEAD"))
	env := append(os.Environ(), "GIT_AUTHOR_NAME=proof", "GIT_AUTHOR_EMAIL=proof@example.invalid", "GIT_COMMITTER_NAME=proof",
		"GIT_COMMITTER_EMAIL=proof@example.invalid", "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
	mustRun(t, src, env, "git", "init", "-q", "-b", "main")
	mustRun(t, src, env, "git", "add", "-A")
	mustRun(t, src, env, "git", "commit", "-q", "-m", "the working tree, for the release proof")
	mustRun(t, src, env, "git", "tag", proofTag)
	s := snap{bundle: filepath.Join(base, "src.bundle")}
	mustRun(t, src, env, "git", "bundle", "create", "-q", s.bundle, "--all")
	s.commit = strings.TrimSpace(mustRun(t, src, env, "git", "rev-parse", "HEAD"))
	ct := strings.TrimSpace(mustRun(t, src, env, "git", "log", "-1", "--format=%ct"))
	var epoch int64
	fmt.Sscan(ct, &epoch)
	s.date = time.Unix(epoch, 0).UTC()
	return s
}

// buildAsRoot clones the snapshot and runs release.sh as this process's
// user, umask 022, TMPDIR of its own.
func buildAsRoot(t *testing.T, base string, s snap) string {
	t.Helper()
	dir := filepath.Join(base, "a")
	for _, d := range []string{dir, filepath.Join(dir, "tmp")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	checkout, out := filepath.Join(dir, "stscred"), filepath.Join(dir, "dist")
	mustRun(t, dir, os.Environ(), "git", "clone", "-q", s.bundle, checkout)
	env := append(os.Environ(), "TMPDIR="+filepath.Join(dir, "tmp"), "TZ=UTC", "LANG=C.UTF-8")
	mustRun(t, checkout, env, "sh", "-c", `umask 022 && exec ./release.sh "$1"`, "sh", out)
	return out
}

// buildAsOther runs release.sh as a second user (created when missing)
// in a clone of its own elsewhere: umask 077, another TMPDIR, time zone,
// locale and host name (a UTS namespace), a HOME of its own, so its own
// Go build and module caches (modules come from GOPROXY again).
func buildAsOther(t *testing.T, base string, s snap) string {
	t.Helper()
	if err := exec.Command("id", "-u", proofUser).Run(); err != nil {
		if out, err := exec.Command("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", proofUser).CombinedOutput(); err != nil {
			t.Fatalf("useradd: %v\n%s", err, out)
		}
	}
	id := func(flag string) string {
		out, err := exec.Command("id", flag, proofUser).Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	uid, gid := id("-u"), id("-g")
	if uid == "0" {
		t.Fatalf("%s is root", proofUser)
	}
	home := filepath.Join(base, "b", "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("chown", uid+":"+gid, home).CombinedOutput(); err != nil {
		t.Fatalf("chown: %v\n%s", err, out)
	}
	os.Chmod(filepath.Join(base, "b"), 0o755)
	goroot := strings.TrimSpace(mustRun(t, repoRoot(t), os.Environ(), "go", "env", "GOROOT"))
	checkout := filepath.Join(home, "elsewhere", "checkout-b")
	out := filepath.Join(home, "releases", "out")
	env := []string{
		"HOME=" + home, "USER=" + proofUser, "LOGNAME=" + proofUser,
		"PATH=" + filepath.Join(goroot, "bin") + ":/usr/local/bin:/usr/bin:/bin",
		"TMPDIR=" + filepath.Join(home, "t"), "TZ=Pacific/Chatham", "LANG=C",
	}
	for _, k := range []string{"GOPROXY", "GONOSUMDB", "GONOPROXY", "GOPRIVATE", "GOSUMDB", "GOINSECURE", "GOTOOLCHAIN", "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "no_proxy", "NO_PROXY"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		} else if v := strings.TrimSpace(mustRun(t, repoRoot(t), os.Environ(), "go", "env", k)); v != "" && strings.HasPrefix(k, "GO") {
			// What root's go env file says (its GOPROXY, say) the other
			// user's go would not read.
			env = append(env, k+"="+v)
		}
	}
	// The clone is made as the other user too: setpriv runs everything
	// after the namespace is set up.
	script := `set -e
hostname proof-builder-b
exec setpriv --reuid "$4" --regid "$5" --clear-groups -- sh -c '
umask 077
mkdir -p "$TMPDIR" "$(dirname "$2")" "$(dirname "$3")"
git clone -q "$1" "$2"
cd "$2"
exec ./release.sh "$3"' sh "$1" "$2" "$3"`
	cmd := exec.Command("unshare", "--uts", "--", "sh", "-c", script, "sh", s.bundle, checkout, out, uid, gid)
	cmd.Env = env
	cmd.Dir = "/"
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("release.sh as %s: %v\n%s", proofUser, err, b)
	}
	return out
}

// compareOutputs holds the two builds to the same files, byte for byte.
func compareOutputs(t *testing.T, a, b string) {
	names := func(dir string) []string {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var ns []string
		for _, e := range entries {
			ns = append(ns, e.Name())
		}
		return ns
	}
	na, nb := names(a), names(b)
	if !slices.Equal(na, nb) {
		t.Fatalf("the two builds made different files:\n  %q\n  %q", na, nb)
	}
	if len(na) != 19 {
		t.Errorf("%d files, want 19 (6 archives, 4 packages, 6 SBOMs, the formula, the manifest, SHA256SUMS): %q", len(na), na)
	}
	for _, n := range na {
		da, _ := os.ReadFile(filepath.Join(a, n))
		db, _ := os.ReadFile(filepath.Join(b, n))
		if !bytes.Equal(da, db) {
			i := 0
			for i < len(da) && i < len(db) && da[i] == db[i] {
				i++
			}
			t.Errorf("%s differs between the builds (%d and %d bytes, first at byte %d)", n, len(da), len(db), i)
		}
	}
	t.Logf("%d files, identical", len(na))
}

// artifacts checks one build's output.
type artifacts struct {
	t    *testing.T
	dir  string
	snap snap
	work string
}

func (a *artifacts) read(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(a.dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// sums is SHA256SUMS, name to digest.
func (a *artifacts) sums(t *testing.T) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(a.read(t, "SHA256SUMS"))), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok || len(sum) != 64 {
			t.Fatalf("SHA256SUMS: %q is not 'digest  name'", line)
		}
		m[name] = sum
	}
	return m
}

func digest(data []byte) string { s := sha256.Sum256(data); return hex.EncodeToString(s[:]) }

var version = strings.TrimPrefix(proofTag, "v")

func (a *artifacts) checkSums(t *testing.T) {
	sums := a.sums(t)
	entries, _ := os.ReadDir(a.dir)
	for _, e := range entries {
		if e.Name() == "SHA256SUMS" {
			continue
		}
		if sums[e.Name()] != digest(a.read(t, e.Name())) {
			t.Errorf("%s: SHA256SUMS says %q", e.Name(), sums[e.Name()])
		}
		delete(sums, e.Name())
	}
	if len(sums) > 0 {
		t.Errorf("SHA256SUMS lists files that are not there: %v", sums)
	}
	// And sha256sum agrees.
	if out, err := exec.Command("sh", "-c", "cd \"$1\" && sha256sum --strict -c SHA256SUMS", "sh", a.dir).CombinedOutput(); err != nil {
		t.Errorf("sha256sum -c: %v\n%s", err, out)
	}
}

// member is a file in an archive.
type member struct {
	mode  int64
	data  []byte
	mtime time.Time
	owner string
}

// members reads t's archive.
func (a *artifacts) members(t *testing.T, tg target) map[string]member {
	t.Helper()
	m := map[string]member{}
	name := "stscred_" + version + "_" + tg.OS + "_" + tg.Arch
	data := a.read(t, name+map[bool]string{true: ".zip", false: ".tar.gz"}[tg.OS == "windows"])
	if tg.OS == "windows" {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			m[f.Name] = member{mode: int64(f.Mode().Perm()), data: b, mtime: f.Modified, owner: "-"}
		}
		return m
	}
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		m[h.Name] = member{mode: h.Mode, data: b, mtime: h.ModTime, owner: fmt.Sprintf("%d/%d %s/%s", h.Uid, h.Gid, h.Uname, h.Gname)}
	}
	return m
}

func (a *artifacts) checkArchives(t *testing.T) {
	for _, tg := range targets {
		m := a.members(t, tg)
		top := "stscred_" + version + "_" + tg.OS + "_" + tg.Arch + "/"
		want := []string{top, top + "LICENSE", top + "README.md", top + "completions/", top + "completions/_stscred",
			top + "completions/stscred.bash", top + "completions/stscred.fish", top + "completions/stscred.ps1",
			top + "man/", top + "man/stscred.1", top + tg.exe()}
		var got []string
		for n, mem := range m {
			got = append(got, n)
			if !mem.mtime.Equal(a.snap.date) {
				t.Errorf("%s %s: time %v, want the commit's %v", tg, n, mem.mtime, a.snap.date)
			}
			if tg.OS != "windows" && mem.owner != "0/0 root/root" {
				t.Errorf("%s %s: owner %s", tg, n, mem.owner)
			}
			wantMode := int64(0o644)
			if strings.HasSuffix(n, "/") || n == top+tg.exe() {
				wantMode = 0o755
			}
			if mem.mode != wantMode {
				t.Errorf("%s %s: mode %o, want %o", tg, n, mem.mode, wantMode)
			}
		}
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s holds\n  %q\nwant\n  %q", tg, got, want)
		}
		if !bytes.Contains(m[top+"man/stscred.1"].data, []byte(`.TH STSCRED 1 "`+a.snap.date.Format("2006-01-02")+`" "stscred `+version+`"`)) {
			t.Errorf("%s: the man page is not this release's", tg)
		}
	}
}

// checkArchiveRuns unpacks the linux/amd64 archive with tar where no Go
// is on PATH and runs what it holds.
func (a *artifacts) checkArchiveRuns(t *testing.T) {
	dir := filepath.Join(a.work, "unpacked")
	empty := filepath.Join(a.work, "empty-path")
	for _, d := range []string{dir, empty} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mustRun(t, dir, os.Environ(), "tar", "-xzf", filepath.Join(a.dir, "stscred_"+version+"_linux_amd64.tar.gz"))
	top := filepath.Join(dir, "stscred_"+version+"_linux_amd64")
	env := []string{"PATH=" + empty, "HOME=" + a.work}
	if p, err := lookPathIn("go", empty); err == nil {
		t.Fatalf("go is on the PATH: %s", p)
	}
	out := mustRun(t, top, env, filepath.Join(top, "stscred"), "version")
	a.checkVersion(t, out, "linux/amd64")
	if out := mustRun(t, top, env, filepath.Join(top, "stscred"), "--help"); !strings.Contains(out, "Usage: stscred <command>") {
		t.Errorf("--help:\n%s", out)
	}
	for _, sh := range []string{"bash", "zsh", "fish"} {
		want := mustRun(t, top, env, filepath.Join(top, "stscred"), "completion", sh)
		got, _ := os.ReadFile(filepath.Join(top, archiveName(sh)))
		if string(got) != want {
			t.Errorf("%s: the archive's completion is not what stscred completion %s prints", archiveName(sh), sh)
		}
	}
	want := mustRun(t, top, env, filepath.Join(top, "stscred"), "shell-init", "powershell")
	if got, _ := os.ReadFile(filepath.Join(top, "completions/stscred.ps1")); string(got) != want {
		t.Error("completions/stscred.ps1 is not what stscred shell-init powershell prints")
	}
}

func lookPathIn(name, path string) (string, error) {
	p := filepath.Join(path, name)
	if st, err := os.Stat(p); err == nil && st.Mode()&0o111 != 0 {
		return p, nil
	}
	return "", os.ErrNotExist
}

// checkVersion holds stscred version's output to the release's.
func (a *artifacts) checkVersion(t *testing.T, out, platform string) {
	t.Helper()
	for _, want := range []string{
		"stscred " + proofTag + "\n",
		"  build        release\n",
		"  commit       " + a.snap.commit + "\n",
		"  commit date  " + a.snap.date.Format("2006-01-02T15:04:05Z") + "\n",
		"  platform     " + platform,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stscred version lacks %q:\n%s", want, out)
		}
	}
	if !strings.HasPrefix(out, "stscred "+proofTag+"\n") {
		t.Errorf("stscred version does not start with the version:\n%s", out)
	}
}

// goVersionModules is what go version -m says of a binary: the main
// module's path and every module linked in, path@version (a replaced
// module as its replacement).
func goVersionModules(t *testing.T, bin string) (string, []string) {
	t.Helper()
	out := mustRun(t, ".", os.Environ(), "go", "version", "-m", bin)
	main := ""
	var deps []string
	for _, line := range strings.Split(out, "\n") {
		f := strings.Split(strings.TrimSpace(line), "\t")
		switch {
		case len(f) >= 2 && f[0] == "mod":
			main = f[1]
		case len(f) >= 3 && f[0] == "dep":
			deps = append(deps, f[1]+"@"+f[2])
		case len(f) >= 3 && f[0] == "=>":
			deps[len(deps)-1] = f[1] + "@" + f[2]
		}
	}
	sort.Strings(deps)
	return main, deps
}

func (a *artifacts) checkSBOMs(t *testing.T) {
	for _, tg := range targets {
		top := "stscred_" + version + "_" + tg.OS + "_" + tg.Arch + "/"
		bin := a.members(t, tg)[top+tg.exe()].data
		path := filepath.Join(a.work, "bin-"+tg.OS+"-"+tg.Arch)
		if err := os.WriteFile(path, bin, 0o755); err != nil {
			t.Fatal(err)
		}
		main, deps := goVersionModules(t, path)
		var doc struct {
			BOMFormat, SpecVersion string
			Metadata               struct {
				Timestamp string
				Component struct {
					Name, Version string
					Hashes        []struct{ Alg, Content string }
				}
			}
			Components []struct{ Name, Version, Purl string }
		}
		if err := json.Unmarshal(a.read(t, "stscred_"+version+"_"+tg.OS+"_"+tg.Arch+".cdx.json"), &doc); err != nil {
			t.Fatal(err)
		}
		var listed []string
		for _, c := range doc.Components {
			listed = append(listed, c.Name+"@"+c.Version)
			if c.Purl != "pkg:golang/"+c.Name+"@"+strings.ReplaceAll(c.Version, "+", "%2B")+"?type=module" {
				t.Errorf("%s: purl %s", tg, c.Purl)
			}
		}
		sort.Strings(listed)
		if !slices.Equal(listed, deps) {
			t.Errorf("%s: the SBOM lists\n  %q\ngo version -m reports\n  %q", tg, listed, deps)
		}
		c := doc.Metadata.Component
		if c.Name != main || c.Version != proofTag || len(c.Hashes) != 1 || c.Hashes[0].Content != digest(bin) {
			t.Errorf("%s: the SBOM's main component is %+v; want %s %s with the binary's SHA-256", tg, c, main, proofTag)
		}
		if doc.BOMFormat != "CycloneDX" || doc.Metadata.Timestamp != a.snap.date.Format("2006-01-02T15:04:05Z") {
			t.Errorf("%s: %s %s, timestamp %s", tg, doc.BOMFormat, doc.SpecVersion, doc.Metadata.Timestamp)
		}
		if tg == (target{"linux", "amd64"}) {
			t.Logf("linux/amd64: %d modules, as go version -m reports", len(deps))
		}
	}
}

var formulaURL = regexp.MustCompile(`url "([^"]+)"\s*\n\s*sha256 "([0-9a-f]{64})"`)

func (a *artifacts) checkFormulaAndManifest(t *testing.T) {
	sums := a.sums(t)
	baseURL := "https://github.com/stscred/stscred/releases/download/" + proofTag + "/"
	rb := string(a.read(t, "stscred.rb"))
	var named []string
	for _, m := range formulaURL.FindAllStringSubmatch(rb, -1) {
		name, ok := strings.CutPrefix(m[1], baseURL)
		if !ok {
			t.Errorf("formula URL %s is not under %s", m[1], baseURL)
			continue
		}
		if sums[name] != m[2] {
			t.Errorf("formula: %s sha256 %s, SHA256SUMS %s", name, m[2], sums[name])
		}
		named = append(named, name)
	}
	sort.Strings(named)
	want := []string{"stscred_" + version + "_darwin_amd64.tar.gz", "stscred_" + version + "_darwin_arm64.tar.gz", "stscred_" + version + "_linux_amd64.tar.gz", "stscred_" + version + "_linux_arm64.tar.gz"}
	if !slices.Equal(named, want) {
		t.Errorf("the formula names %q, want %q", named, want)
	}
	// What install takes from the archive is in it.
	members := a.members(t, target{"darwin", "arm64"})
	for _, m := range regexp.MustCompile(`\.install "([^"]+)"`).FindAllStringSubmatch(rb, -1) {
		if _, ok := members["stscred_"+version+"_darwin_arm64/"+m[1]]; !ok {
			t.Errorf("the formula installs %s, which the archive lacks", m[1])
		}
	}
	for _, want := range []string{`version "` + version + `"`, "bash_completion.install", "zsh_completion.install", "fish_completion.install", "man1.install"} {
		if !strings.Contains(rb, want) {
			t.Errorf("formula lacks %s", want)
		}
	}
	if out, err := exec.Command("ruby", "-c", filepath.Join(a.dir, "stscred.rb")).CombinedOutput(); err != nil || !strings.Contains(string(out), "Syntax OK") {
		t.Errorf("ruby -c stscred.rb: %v\n%s", err, out)
	}

	var m struct {
		Version      string
		Bin          string
		Architecture map[string]struct {
			URL        string
			Hash       string
			ExtractDir string `json:"extract_dir"`
		}
	}
	if err := json.Unmarshal(a.read(t, "stscred.json"), &m); err != nil {
		t.Fatal(err)
	}
	if m.Version != version || m.Bin != "stscred.exe" || len(m.Architecture) != 2 {
		t.Errorf("manifest: %+v", m)
	}
	for arch, goarch := range map[string]string{"64bit": "amd64", "arm64": "arm64"} {
		d := m.Architecture[arch]
		name := "stscred_" + version + "_windows_" + goarch + ".zip"
		if d.URL != baseURL+name || d.Hash != sums[name] || d.ExtractDir != "stscred_"+version+"_windows_"+goarch {
			t.Errorf("manifest %s: %+v; want %s%s, %s", arch, d, baseURL, name, sums[name])
		}
		if _, ok := a.members(t, target{"windows", goarch})[d.ExtractDir+"/"+m.Bin]; !ok {
			t.Errorf("manifest %s: %s/%s is not in the zip", arch, d.ExtractDir, m.Bin)
		}
	}
}

func (a *artifacts) checkLintian(t *testing.T) {
	for _, arch := range []string{"amd64", "arm64"} {
		deb := filepath.Join(a.dir, "stscred_"+version+"_"+arch+".deb")
		out, err := exec.Command("lintian", "--fail-on", "error,warning", "--display-info", deb).CombinedOutput()
		if err != nil {
			t.Errorf("lintian %s: %v\n%s", filepath.Base(deb), err, out)
		}
		// The one tag overridden is the static binary's (lintian exits 2
		// when it shows overrides, whatever they are).
		out, _ = exec.Command("lintian", "--show-overrides", deb).CombinedOutput()
		var overridden []string
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(line, "O: ") {
				overridden = append(overridden, line)
			}
		}
		if want := []string{"O: stscred: statically-linked-binary [usr/bin/stscred]"}; !slices.Equal(overridden, want) {
			t.Errorf("lintian overrides %q, want %q", overridden, want)
		}
		info := mustRun(t, a.dir, os.Environ(), "dpkg-deb", "--field", deb, "Package", "Version", "Architecture")
		if want := "Package: stscred\nVersion: " + version + "\nArchitecture: " + arch + "\n"; info != want {
			t.Errorf("dpkg-deb --field: %q, want %q", info, want)
		}
	}
}

// debFiles is the regular files of a .deb, as dpkg-deb -c lists them.
func debFiles(t *testing.T, deb string) []string {
	t.Helper()
	var files []string
	for _, line := range strings.Split(mustRun(t, ".", os.Environ(), "dpkg-deb", "-c", deb), "\n") {
		f := strings.Fields(line)
		if len(f) >= 6 && strings.HasPrefix(f[0], "-") {
			files = append(files, strings.TrimPrefix(f[5], "."))
		}
	}
	sort.Strings(files)
	return files
}

func (a *artifacts) checkRPM(t *testing.T) {
	for _, arch := range []string{"amd64", "arm64"} {
		rpmArch := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[arch]
		rpmFile := filepath.Join(a.dir, "stscred-"+version+"-1."+rpmArch+".rpm")
		info := mustRun(t, ".", os.Environ(), "rpm", "-qip", rpmFile)
		for _, want := range []string{
			`(?m)^Name\s*: stscred$`, `(?m)^Version\s*: ` + regexp.QuoteMeta(version) + `$`, `(?m)^Release\s*: 1$`,
			`(?m)^Architecture: ` + rpmArch + `$`, `(?m)^Build Host\s*: reproducible$`, `(?m)^License\s*: MIT$`,
		} {
			if !regexp.MustCompile(want).MatchString(info) {
				t.Errorf("rpm -qip %s lacks %s:\n%s", filepath.Base(rpmFile), want, info)
			}
		}
		// Built at the commit's time, as rpm says it (in UTC).
		bt := strings.TrimSpace(mustRun(t, ".", append(os.Environ(), "TZ=UTC"), "rpm", "-qp", "--qf", "%{BUILDTIME}", rpmFile))
		if bt != fmt.Sprint(a.snap.date.Unix()) {
			t.Errorf("%s: build time %s, want the commit's %d", filepath.Base(rpmFile), bt, a.snap.date.Unix())
		}
		var rpmList []string
		for _, f := range strings.Fields(mustRun(t, ".", os.Environ(), "rpm", "-qlp", rpmFile)) {
			rpmList = append(rpmList, f)
		}
		sort.Strings(rpmList)
		// The same files as the .deb's, but for the directory zsh reads
		// its vendors' completions from on RPM distributions, and the
		// .deb's lintian overrides.
		var want []string
		for _, f := range debFiles(t, filepath.Join(a.dir, "stscred_"+version+"_"+arch+".deb")) {
			switch f {
			case "/usr/share/zsh/vendor-completions/_stscred":
				want = append(want, "/usr/share/zsh/site-functions/_stscred")
			case "/usr/share/lintian/overrides/stscred":
			default:
				want = append(want, f)
			}
		}
		sort.Strings(want)
		if !slices.Equal(rpmList, want) {
			t.Errorf("rpm -qlp %s:\n  %q\nwant (the .deb's files)\n  %q", filepath.Base(rpmFile), rpmList, want)
		}
		dump := mustRun(t, ".", os.Environ(), "rpm", "-qp", "--qf", "[%{FILENAMES} %{FILEMODES:perms} %{FILEUSERNAME} %{FILEGROUPNAME} %{FILEMTIMES}\n]", rpmFile)
		for _, line := range strings.Split(strings.TrimSpace(dump), "\n") {
			f := strings.Fields(line)
			if len(f) != 5 || f[2] != "root" || f[3] != "root" || f[4] != fmt.Sprint(a.snap.date.Unix()) {
				t.Errorf("%s: %q: not root's, or not at the commit's time", filepath.Base(rpmFile), line)
			}
		}
		if out, err := exec.Command("rpm", "--checksig", "--nosignature", rpmFile).CombinedOutput(); err != nil || !strings.Contains(string(out), "digests OK") {
			t.Errorf("rpm --checksig: %v %s", err, out)
		}
	}
}

// mirror is the Debian mirror and suite apt uses here.
func mirror(t *testing.T) (string, string) {
	t.Helper()
	suite := ""
	if osr, err := os.ReadFile("/etc/os-release"); err == nil {
		if m := regexp.MustCompile(`(?m)^VERSION_CODENAME=(\S+)$`).FindSubmatch(osr); m != nil {
			suite = string(m[1])
		}
	}
	testenv.Require(t, suite != "", "no VERSION_CODENAME in /etc/os-release: not a Debian release debootstrap knows")
	uri := "http://deb.debian.org/debian"
	if src, err := os.ReadFile("/etc/apt/sources.list.d/debian.sources"); err == nil {
		if m := regexp.MustCompile(`(?m)^URIs:\s*(\S+)`).FindSubmatch(src); m != nil {
			uri = string(m[1])
		}
	} else if src, err := os.ReadFile("/etc/apt/sources.list"); err == nil {
		if m := regexp.MustCompile(`(?m)^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+` + suite + `\s`).FindSubmatch(src); m != nil {
			uri = string(m[1])
		}
	}
	return uri, suite
}

// chroot is a Debian made with debootstrap.
type chroot struct {
	t    *testing.T
	root string
	env  []string
}

// sh runs a script in the chroot (with /proc, in a mount namespace of
// its own that ends with it), stdin given.
func (c *chroot) sh(stdin, script string, env ...string) (string, error) {
	cmd := exec.Command("unshare", "--mount", "--propagation", "private", "--fork", "--",
		"sh", "-c", `mount -t proc proc "$1/proc" && exec chroot "$1" /bin/sh -c "$2"`, "sh", c.root, script)
	cmd.Env = append(slices.Clone(c.env), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		return stdout.String(), fmt.Errorf("%v\n%s%s", err, stdout.String(), stderr.String())
	}
	return stdout.String(), nil
}

func (c *chroot) must(script string, env ...string) string {
	c.t.Helper()
	out, err := c.sh("", script, env...)
	if err != nil {
		c.t.Fatalf("in the chroot: %s: %v", script, err)
	}
	return out
}

// files lists every path under the chroot but /proc, as the chroot sees
// it.
func (c *chroot) files() map[string]bool {
	c.t.Helper()
	m := map[string]bool{}
	err := filepath.WalkDir(c.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := "/" + strings.TrimPrefix(strings.TrimPrefix(p, c.root), "/")
		if rel == "/proc" && d.IsDir() {
			return filepath.SkipDir
		}
		m[rel] = true
		return nil
	})
	if err != nil {
		c.t.Fatal(err)
	}
	return m
}

func (a *artifacts) checkInChroot(lap func(string)) {
	t := a.t
	uri, suite := mirror(t)
	root := filepath.Join(a.work, "debian")
	out, err := exec.Command("debootstrap", "--variant=minbase", "--include=man-db,bash-completion", suite, root, uri).CombinedOutput()
	if err != nil {
		t.Fatalf("debootstrap --variant=minbase %s %s: %v\n%s", suite, uri, err, out)
	}
	lap("debootstrap --variant=minbase " + suite + " " + uri)
	c := &chroot{t: t, root: root, env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "LANG=C.UTF-8", "TERM=dumb", "DEBIAN_FRONTEND=noninteractive"}}
	// The AWS CLI comes from apt in the chroot (debootstrap's own
	// resolver cannot follow its virtual dependencies).
	resolv, _ := os.ReadFile("/etc/resolv.conf")
	os.WriteFile(filepath.Join(root, "etc/resolv.conf"), resolv, 0o644)
	c.must("apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends awscli >/dev/null")
	lap("awscli installed in the chroot: " + strings.TrimSpace(c.must("aws --version")))

	before := c.files()
	deb := "stscred_" + version + "_amd64.deb"
	data := a.read(t, deb)
	if err := os.WriteFile(filepath.Join(root, "tmp", deb), data, 0o644); err != nil {
		t.Fatal(err)
	}
	c.must("dpkg -i /tmp/" + deb + " >/dev/null")
	installed := strings.Fields(c.must("dpkg -L stscred"))
	if !slices.Contains(installed, "/usr/bin/stscred") {
		t.Fatalf("dpkg -L stscred: %q", installed)
	}

	t.Run("version", func(t *testing.T) {
		a.checkVersion(t, c.must("stscred version"), "linux/amd64")
		if v := c.must("stscred --version"); v != c.must("stscred version") {
			t.Errorf("--version says %q, version %q", v, c.must("stscred version"))
		}
		if v := c.must("dpkg-query -W -f '${Version}' stscred"); v != version {
			t.Errorf("dpkg-query: version %q", v)
		}
	})
	t.Run("help", func(t *testing.T) {
		if out := c.must("stscred --help"); !strings.Contains(out, "Usage: stscred <command>") || !strings.Contains(out, "credential_process") {
			t.Errorf("stscred --help:\n%s", out)
		}
	})
	t.Run("man", func(t *testing.T) {
		if p := strings.TrimSpace(c.must("man -w stscred")); p != "/usr/share/man/man1/stscred.1.gz" {
			t.Errorf("man -w stscred: %s", p)
		}
		page := c.must("man stscred", "MANPAGER=cat", "MANWIDTH=80")
		for _, want := range []string{"STSCRED(1)", "NAME\n       stscred - AWS credentials", "SYNOPSIS", "GLOBAL FLAGS", "--mfa-token=CODE", "stscred role [<name>]", "credential_process = stscred role prod-admin", "ENVIRONMENT", "STSCRED_MFA_TOKEN", "stscred " + version} {
			if !strings.Contains(page, want) {
				t.Errorf("man stscred lacks %q", want)
			}
		}
		// groff's warnings, as lintian's man check asks for them.
		if out, err := c.sh("", "man --warnings -E UTF-8 -l -Tutf8 -Z /usr/share/man/man1/stscred.1.gz 2>&1 >/dev/null", "MANWIDTH=80"); err != nil || strings.TrimSpace(out) != "" {
			t.Errorf("man --warnings: %v\n%s", err, out)
		}
		t.Logf("man stscred: %d lines", strings.Count(page, "\n"))
	})
	t.Run("bash completion", func(t *testing.T) {
		// bash-completion loads a command's completion on first use from
		// its completions directory: the file the package installed.
		script := `. /usr/share/bash-completion/bash_completion
__load_completion stscred || exit 3
f=$(complete -p stscred | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
[ -n "$f" ] || exit 4
COMP_WORDS=(stscred ro); COMP_CWORD=1; COMP_LINE="stscred ro"; COMP_POINT=${#COMP_LINE}
"$f" stscred ro stscred
printf '%s\n' "${COMPREPLY[@]}"`
		out, err := c.sh("", "bash -c '"+strings.ReplaceAll(script, "'", `'\''`)+"'")
		if err != nil || !slices.Contains(strings.Fields(out), "role") {
			t.Errorf("bash completion of 'stscred ro': %v %q", err, out)
		}
	})
	t.Run("credential_process", func(t *testing.T) { a.checkRoleCall(t, c) })
	lap("the .deb in the chroot")

	t.Run("dpkg -r", func(t *testing.T) {
		c.must("dpkg -r stscred >/dev/null")
		after := c.files()
		for _, p := range installed {
			if p == "/." || !after[p] {
				continue
			}
			st, err := os.Lstat(filepath.Join(root, p))
			if err == nil && st.IsDir() && before[p] {
				continue // a directory that was there before
			}
			t.Errorf("dpkg -r left %s", p)
		}
		// Nothing else stayed either, but what dpkg, man-db and the
		// calls above keep for themselves.
		for p := range after {
			if before[p] {
				continue
			}
			keep := false
			for _, prefix := range []string{"/var/lib/dpkg/", "/var/log/", "/var/cache/", "/root/", "/tmp/", "/run/"} {
				keep = keep || strings.HasPrefix(p+"/", prefix) || strings.HasPrefix(p, prefix)
			}
			if !keep {
				t.Errorf("after dpkg -r, %s is there and was not before dpkg -i", p)
			}
		}
	})
}

// checkRoleCall serves a role through credential_process in the chroot:
// the repository's test STS on loopback outside, a key added to the file
// keystore, stscred role's own JSON, then the AWS CLI in the chroot
// running stscred for the profile.
func (a *artifacts) checkRoleCall(t *testing.T, c *chroot) {
	endpoint, stop := startSTS(t)
	defer stop()
	config := `[profile alice]
region = eu-west-1
mfa_serial = ` + demo.MFASerial + `

[profile prod-admin]
source_profile = alice
role_arn = ` + demo.AdminRole + `

[profile prod]
credential_process = stscred role prod-admin
region = eu-west-1
`
	if err := os.MkdirAll(filepath.Join(c.root, "root/.aws"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(c.root, "root/.aws/config"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"AWS_ENDPOINT_URL_STS=" + endpoint, "STSCRED_BACKEND=file", "STSCRED_FILE_PASSPHRASE=proof passphrase", "STSCRED_PROMPT=none"}
	if out, err := c.sh(demo.FixedKeyID+"\n"+demo.FixedSecret+"\n", "stscred add alice", env...); err != nil {
		t.Fatalf("stscred add alice: %v\n%s", err, out)
	}
	code := mfaCode(t, endpoint)
	out, err := c.sh("", "stscred role prod-admin", append(env, "STSCRED_MFA_TOKEN="+code)...)
	if err != nil {
		t.Fatalf("stscred role prod-admin: %v", err)
	}
	var cp struct {
		Version                                    int
		AccessKeyId, SecretAccessKey, SessionToken string
		Expiration                                 time.Time
	}
	if err := json.Unmarshal([]byte(out), &cp); err != nil {
		t.Fatalf("stscred role printed what is not JSON: %v\n%s", err, out)
	}
	if cp.Version != 1 || cp.AccessKeyId == "" || cp.SecretAccessKey == "" || cp.SessionToken == "" || time.Until(cp.Expiration) < 15*time.Minute {
		t.Errorf("stscred role: %+v", cp)
	}
	// The AWS CLI runs stscred role prod-admin for profile prod: served
	// from the cache just filled, no MFA code given.
	out, err = c.sh("", "/usr/bin/aws sts get-caller-identity --profile prod --endpoint-url \"$AWS_ENDPOINT_URL_STS\" --output json", append(env, "AWS_PAGER=")...)
	if err != nil {
		t.Fatalf("aws sts get-caller-identity --profile prod: %v", err)
	}
	var id struct{ Arn, Account string }
	if err := json.Unmarshal([]byte(out), &id); err != nil || id.Account != demo.RoleAccount || !strings.Contains(id.Arn, ":assumed-role/Admin/") {
		t.Errorf("aws sts get-caller-identity: %v %s", err, out)
	}
	t.Logf("the AWS CLI in the chroot is %s through stscred", id.Arn)
}

// startSTS runs go run ./cmd/ststest on a loopback port and returns its
// endpoint.
func startSTS(t *testing.T) (string, func()) {
	t.Helper()
	cmd := exec.Command("go", "run", "./cmd/ststest", "--listen", "127.0.0.1:0", "--quiet")
	cmd.Dir = repoRoot(t)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop := func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		cmd.Wait()
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) == 2 && f[0] == "endpoint" {
				found <- f[1]
			}
		}
		close(found)
	}()
	select {
	case ep, ok := <-found:
		if !ok {
			stop()
			t.Fatal("ststest ended without an endpoint")
		}
		return ep, stop
	case <-time.After(3 * time.Minute):
		stop()
		t.Fatal("ststest did not start")
	}
	return "", stop
}

// mfaCode asks the test STS for alice's current code.
func mfaCode(t *testing.T, endpoint string) string {
	t.Helper()
	resp, err := http.Get(endpoint + "/_ststest/code?serial=" + url.QueryEscape(demo.MFASerial))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	code := strings.TrimSpace(string(b))
	if resp.StatusCode != 200 || len(code) != 6 {
		t.Fatalf("MFA code: %d %q", resp.StatusCode, b)
	}
	return code
}

// The workflow that publishes a tag's release passes actionlint (with
// shellcheck on its scripts), and does no more than release.sh, upload,
// sign and attest.
func TestReleaseWorkflow(t *testing.T) {
	root := repoRoot(t)
	wf := filepath.Join(root, ".github", "workflows", "release.yml")
	data, err := os.ReadFile(wf)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"./release.sh dist", "cosign sign-blob --yes --bundle dist/SHA256SUMS.sigstore.json dist/SHA256SUMS",
		"actions/attest-build-provenance@", "subject-checksums: dist/SHA256SUMS", "gh release create", "dist/*", "id-token: write", `go-version: "`} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("release.yml lacks %q", want)
		}
	}
	_, err = exec.LookPath("shellcheck")
	testenv.Require(t, err == nil, "shellcheck is not installed (Debian package shellcheck): actionlint checks the workflow's scripts with it")
	cmd := exec.Command("go", "run", "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12", "-shellcheck", "shellcheck", wf)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("actionlint: %v\n%s", err, out)
	}
}
