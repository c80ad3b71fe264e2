//go:build !windows

package safefile_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stscred/stscred/internal/sys/safefile"
	"github.com/stscred/stscred/internal/testkit/testenv"
)

// The test binary doubles as a child process: with childEnv set it runs
// one of the child actions below instead of the tests, so that a lock can
// be held by another process and a umask or file size limit set without
// touching the test process.
const childEnv = "SAFEFILE_TEST_CHILD"

func TestMain(m *testing.M) {
	if name := os.Getenv(childEnv); name != "" {
		os.Exit(runChild(name, os.Args[1:]))
	}
	os.Exit(m.Run())
}

func runChild(name string, args []string) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(os.Stderr, format+"\n", a...)
		return 1
	}
	switch name {
	case "umask":
		// umask DIR: make DIR/a/b and files in it under that umask.
		u, err := strconv.ParseUint(args[0], 8, 32)
		if err != nil {
			return fail("bad umask %q", args[0])
		}
		syscall.Umask(int(u))
		dir := filepath.Join(args[1], "a", "b")
		if err := safefile.PrivateDir(dir, "test"); err != nil {
			return fail("PrivateDir: %v", err)
		}
		if err := safefile.WriteAtomic(filepath.Join(dir, "f600"), []byte("six"), 0o600); err != nil {
			return fail("WriteAtomic 0600: %v", err)
		}
		if err := safefile.WriteAtomic(filepath.Join(dir, "f644"), []byte("six four"), 0o644); err != nil {
			return fail("WriteAtomic 0644: %v", err)
		}
		f, err := safefile.OpenLock(filepath.Join(dir, "lock"))
		if err != nil {
			return fail("OpenLock: %v", err)
		}
		f.Close()
		return 0
	case "trylock":
		// trylock PATH: say whether the lock can be taken now.
		f, err := safefile.OpenLock(args[0])
		if err != nil {
			return fail("OpenLock: %v", err)
		}
		ok, err := safefile.TryLock(f)
		if err != nil {
			return fail("TryLock: %v", err)
		}
		if ok {
			fmt.Println("locked")
		} else {
			fmt.Println("busy")
		}
		return 0
	case "hold":
		// hold PATH: take the lock, say so, and keep it until killed.
		f, err := safefile.OpenLock(args[0])
		if err != nil {
			return fail("OpenLock: %v", err)
		}
		if ok, err := safefile.TryLock(f); !ok || err != nil {
			return fail("TryLock = %v, %v", ok, err)
		}
		fmt.Println("locked")
		io.Copy(io.Discard, os.Stdin) // until the parent kills us
		return 0
	case "fsize":
		// fsize PATH: write more than RLIMIT_FSIZE allows.
		lim := &syscall.Rlimit{Cur: 4096, Max: 4096}
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, lim); err != nil {
			return fail("setrlimit: %v", err)
		}
		err := safefile.WriteAtomic(args[0], bytes.Repeat([]byte("n"), 1<<20), 0o600)
		if err == nil {
			return fail("WriteAtomic past the file size limit succeeded")
		}
		fmt.Println(err)
		return 0
	}
	if f := platformChild(name); f != nil {
		return f(args)
	}
	return fail("unknown child action %q", name)
}

// child is the command running a child action.
func child(t *testing.T, name string, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	// Under the race detector a process sleeps a second on exit unless
	// told not to.
	cmd.Env = append(os.Environ(), childEnv+"="+name, "GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	return cmd
}

func runChildOK(t *testing.T, name string, args ...string) string {
	t.Helper()
	var stderr bytes.Buffer
	cmd := child(t, name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child %s %q: %v\n%s", name, args, err, stderr.String())
	}
	return string(out)
}

func perm(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func TestPrivateDirModes(t *testing.T) {
	root := t.TempDir()
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "x", "y")
	if err := safefile.PrivateDir(dir, "test"); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{filepath.Join(root, "x"), dir} {
		if m := perm(t, d); m != 0o700 {
			t.Errorf("%s made with mode %04o, want 0700", d, m)
		}
	}
	// A parent that was there is not the directory asked for: left alone.
	if m := perm(t, root); m != 0o755 {
		t.Errorf("existing parent changed to %04o", m)
	}
}

func TestPrivateDirClosesAnOpenDirectory(t *testing.T) {
	for _, mode := range []fs.FileMode{0o755, 0o750, 0o705, 0o777, 0o711} {
		t.Run(fmt.Sprintf("%04o", mode), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "cache")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, mode); err != nil {
				t.Fatal(err)
			}
			// The read-only check reports it open, and changes nothing.
			err := safefile.CheckPrivate(dir, "session cache")
			if !errors.Is(err, safefile.ErrOpenDir) {
				t.Fatalf("CheckPrivate = %v, want ErrOpenDir", err)
			}
			if errors.Is(err, safefile.ErrUnsafeDir) {
				t.Fatalf("an open directory of the user's is reported as not the user's: %v", err)
			}
			if m := perm(t, dir); m != mode {
				t.Fatalf("CheckPrivate changed the mode to %04o", m)
			}
			// PrivateDir closes it.
			if err := safefile.PrivateDir(dir, "session cache"); err != nil {
				t.Fatalf("PrivateDir: %v", err)
			}
			if m := perm(t, dir); m != 0o700 {
				t.Fatalf("PrivateDir left mode %04o, want 0700", m)
			}
			if err := safefile.CheckPrivate(dir, "session cache"); err != nil {
				t.Fatalf("CheckPrivate after PrivateDir: %v", err)
			}
		})
	}
}

// A symlink where the directory should be is refused, by both checks,
// and what it points to is not touched (not made, not chmod-ed).
func TestPrivateDirRefusesASymlink(t *testing.T) {
	root := t.TempDir()
	target := filepath.Join(root, "elsewhere")
	if err := os.Mkdir(target, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(target, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(root, "cache")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	for name, check := range map[string]func(string, string) error{
		"PrivateDir": safefile.PrivateDir, "CheckPrivate": safefile.CheckPrivate,
	} {
		err := check(link, "session cache")
		if !errors.Is(err, safefile.ErrUnsafeDir) {
			t.Fatalf("%s on a symlink = %v, want ErrUnsafeDir", name, err)
		}
		if !strings.Contains(err.Error(), "symbolic link") {
			t.Errorf("%s: error %q does not say it is a symbolic link", name, err)
		}
		if m := perm(t, target); m != 0o755 {
			t.Fatalf("%s changed the symlink's target to %04o", name, m)
		}
	}
}

func TestPrivateDirRefusesADanglingSymlink(t *testing.T) {
	root := t.TempDir()
	target := filepath.Join(root, "planted")
	link := filepath.Join(root, "cache")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := safefile.PrivateDir(link, "session cache"); !errors.Is(err, safefile.ErrUnsafeDir) {
		t.Fatalf("PrivateDir on a dangling symlink = %v, want ErrUnsafeDir", err)
	}
	if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("PrivateDir made the symlink's target (%v)", err)
	}
}

// A directory of another user is refused and never chmod-ed, whatever its
// mode: closing it would make it look safe.
func TestPrivateDirRefusesAnotherUsersDirectory(t *testing.T) {
	testenv.Require(t, os.Geteuid() == 0, "needs root to give a directory to another user")
	for _, mode := range []fs.FileMode{0o700, 0o777} {
		t.Run(fmt.Sprintf("%04o", mode), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "cache")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(dir, 65534, 65534); err != nil {
				t.Fatal(err)
			}
			for name, check := range map[string]func(string, string) error{
				"PrivateDir": safefile.PrivateDir, "CheckPrivate": safefile.CheckPrivate,
			} {
				err := check(dir, "session cache")
				if !errors.Is(err, safefile.ErrUnsafeDir) {
					t.Fatalf("%s = %v, want ErrUnsafeDir", name, err)
				}
				if !strings.Contains(err.Error(), "another user") {
					t.Errorf("%s: error %q does not say whose it is", name, err)
				}
			}
			if m := perm(t, dir); m != mode {
				t.Fatalf("another user's directory was changed to %04o", m)
			}
		})
	}
}

// Without root, a directory of root's does as another user's (as root,
// TestPrivateDirRefusesAnotherUsersDirectory checks this).
func TestPrivateDirRefusesRootsDirectoryAsAUser(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("runs as root: TestPrivateDirRefusesAnotherUsersDirectory gives a directory to another user instead")
	}
	if err := safefile.CheckPrivate("/", "test"); !errors.Is(err, safefile.ErrUnsafeDir) {
		t.Fatalf("CheckPrivate(/) = %v, want ErrUnsafeDir", err)
	}
	if err := safefile.PrivateDir("/", "test"); !errors.Is(err, safefile.ErrUnsafeDir) {
		t.Fatalf("PrivateDir(/) = %v, want ErrUnsafeDir", err)
	}
}

// Whatever the umask, the directories are 0700, the files have the mode
// asked for, and a new lock file is 0600.
func TestModesWhateverTheUmask(t *testing.T) {
	for _, u := range []string{"0777", "0077", "0022", "0000", "0277"} {
		t.Run(u, func(t *testing.T) {
			root := t.TempDir()
			runChildOK(t, "umask", u, root)
			a, b := filepath.Join(root, "a"), filepath.Join(root, "a", "b")
			want := map[string]fs.FileMode{
				a: 0o700, b: 0o700,
				filepath.Join(b, "f600"): 0o600,
				filepath.Join(b, "f644"): 0o644,
				filepath.Join(b, "lock"): 0o600,
			}
			for path, m := range want {
				if got := perm(t, path); got != m {
					t.Errorf("%s: mode %04o, want %04o", path, got, m)
				}
			}
			if got := strings.Join(names(t, b), ","); got != "f600,f644,lock" {
				t.Errorf("directory holds %s (a temp file left?)", got)
			}
		})
	}
}

func TestWriteAtomicMode(t *testing.T) {
	dir := t.TempDir()
	for _, m := range []fs.FileMode{0o600, 0o644, 0o400, 0o640} {
		path := filepath.Join(dir, fmt.Sprintf("f%04o", m))
		if err := safefile.WriteAtomic(path, []byte("x"), m); err != nil {
			t.Fatal(err)
		}
		if got := perm(t, path); got != m {
			t.Errorf("new file: mode %04o, want %04o", got, m)
		}
	}
	// Replacing a file gives the result the mode asked for, not the old one.
	path := filepath.Join(dir, "replaced")
	if err := os.WriteFile(path, []byte("old"), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := safefile.WriteAtomic(path, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := perm(t, path); got != 0o600 {
		t.Errorf("replaced file: mode %04o, want 0600", got)
	}
}

// A symlink planted where the file goes is replaced, not written through:
// the file it points to keeps its content.
func TestWriteAtomicReplacesASymlinkNotItsTarget(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "entry.json")
	if err := os.Symlink(victim, path); err != nil {
		t.Fatal(err)
	}
	if err := safefile.WriteAtomic(path, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Fatalf("the symlink's target was written: %q", b)
	}
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("%s is %v (%v), want a regular file", path, fi.Mode(), err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Fatalf("read back %q", b)
	}
}

// A reader never sees part of a file: every read while files are being
// replaced finds one whole version or the other.
func TestWriteAtomicNoPartialFileVisible(t *testing.T) {
	path := filepath.Join(t.TempDir(), "entry.json")
	versions := [][]byte{
		bytes.Repeat([]byte("a"), 256<<10),
		bytes.Repeat([]byte("b"), 300<<10),
	}
	if err := safefile.WriteAtomic(path, versions[0], 0o600); err != nil {
		t.Fatal(err)
	}
	const writes = 40
	done := make(chan struct{})
	var wg sync.WaitGroup
	var bad []string
	wg.Add(1)
	go func() {
		defer wg.Done()
		for reads := 0; ; reads++ {
			select {
			case <-done:
				return
			default:
			}
			b, err := os.ReadFile(path)
			if err != nil {
				bad = append(bad, err.Error())
				return
			}
			if !bytes.Equal(b, versions[0]) && !bytes.Equal(b, versions[1]) {
				bad = append(bad, fmt.Sprintf("read %d bytes, neither version whole", len(b)))
				return
			}
		}
	}()
	for i := 1; i <= writes; i++ {
		if err := safefile.WriteAtomic(path, versions[i%2], 0o600); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	if len(bad) > 0 {
		t.Fatalf("a reader saw a partial file: %s", bad[0])
	}
	if got := names(t, filepath.Dir(path)); len(got) != 1 {
		t.Fatalf("directory holds %q", got)
	}
}

// A write that fails half way (the file size limit cuts it off) leaves the
// old file whole and no temp file.
func TestWriteAtomicFailedWriteKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "entry.json")
	if err := os.WriteFile(path, []byte("old and whole"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := runChildOK(t, "fsize", path)
	if !strings.Contains(out, "writing "+path) {
		t.Errorf("error %q does not name the file", out)
	}
	if b, _ := os.ReadFile(path); string(b) != "old and whole" {
		t.Fatalf("old file changed to %d bytes", len(b))
	}
	if got := names(t, dir); len(got) != 1 || got[0] != "entry.json" {
		t.Fatalf("after the failed write the directory holds %q", got)
	}
}

func TestOpenLockMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.lock")
	f, err := safefile.OpenLock(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if m := perm(t, path); m != 0o600 {
		t.Errorf("new lock file: mode %04o, want 0600", m)
	}
	// An existing lock file open to others is closed to 0600.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err = safefile.OpenLock(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if m := perm(t, path); m != 0o600 {
		t.Errorf("reopened lock file: mode %04o, want 0600", m)
	}
}

// A lock file is never opened through a symlink: not an existing target,
// and a dangling link does not create its target.
func TestOpenLockRefusesASymlink(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "x.lock")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	if f, err := safefile.OpenLock(link); err == nil {
		f.Close()
		t.Fatal("OpenLock opened a symlink")
	}
	if m := perm(t, victim); m != 0o644 {
		t.Errorf("the symlink's target was chmod-ed to %04o", m)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Errorf("the symlink's target changed: %q", b)
	}

	planted := filepath.Join(dir, "planted")
	dangling := filepath.Join(dir, "y.lock")
	if err := os.Symlink(planted, dangling); err != nil {
		t.Fatal(err)
	}
	if f, err := safefile.OpenLock(dangling); err == nil {
		f.Close()
		t.Fatal("OpenLock opened a dangling symlink")
	}
	if _, err := os.Lstat(planted); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("OpenLock created the symlink's target (%v)", err)
	}
}

func TestOpenLockRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.lock")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := safefile.OpenLock(fifo)
	if err == nil {
		f.Close()
		t.Fatal("OpenLock opened a FIFO")
	}
	if !errors.Is(err, safefile.ErrUnsafeDir) {
		t.Errorf("OpenLock of a FIFO = %v, want ErrUnsafeDir", err)
	}
	sub := filepath.Join(dir, "dir.lock")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	if f, err := safefile.OpenLock(sub); err == nil {
		f.Close()
		t.Fatal("OpenLock opened a directory")
	}
}

func TestOpenLockRefusesAnotherUsersFile(t *testing.T) {
	testenv.Require(t, os.Geteuid() == 0, "needs root to give a file to another user")
	path := filepath.Join(t.TempDir(), "x.lock")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	f, err := safefile.OpenLock(path)
	if err == nil {
		f.Close()
		t.Fatal("OpenLock opened another user's lock file")
	}
	if !errors.Is(err, safefile.ErrUnsafeDir) {
		t.Errorf("err = %v, want ErrUnsafeDir", err)
	}
	if m := perm(t, path); m != 0o644 {
		t.Errorf("another user's file was chmod-ed to %04o", m)
	}
}

// The lock excludes another process, and the kernel drops it when its
// holder dies, however it dies.
func TestLockAcrossProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	f, err := safefile.OpenLock(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if ok, err := safefile.TryLock(f); !ok || err != nil {
		t.Fatalf("TryLock = %v, %v", ok, err)
	}
	if out := runChildOK(t, "trylock", path); out != "busy\n" {
		t.Fatalf("another process, while this one holds the lock: %q, want busy", out)
	}
	if err := safefile.Unlock(f); err != nil {
		t.Fatal(err)
	}
	if out := runChildOK(t, "trylock", path); out != "locked\n" {
		t.Fatalf("another process, after Unlock: %q, want locked", out)
	}

	// A child takes the lock and is killed holding it.
	cmd := child(t, "hold", path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if line != "locked\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child: %q, %v\n%s", line, err, stderr.String())
	}
	if ok, err := safefile.TryLock(f); ok || err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("TryLock while another process holds the lock = %v, %v; want false, nil", ok, err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if ok, err := safefile.TryLock(f); !ok || err != nil {
		t.Fatalf("TryLock after the holder was killed = %v, %v; want true, nil", ok, err)
	}
}
