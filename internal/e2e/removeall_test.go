//go:build linux && realworld

package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/sys/kernelkeys"
)

// keyringItems names the items the real Secret Service files under
// service (their username attribute), read with secret-tool, a client
// independent of stscred. Secrets secret-tool prints are not kept.
func keyringItems(t *testing.T, service string) []string {
	t.Helper()
	out, err := exec.Command("secret-tool", "search", "--all", "service", service).CombinedOutput()
	if err != nil {
		t.Fatalf("secret-tool search: %v", err)
	}
	var names []string
	for _, line := range strings.Split(string(out), "\n") {
		if n, ok := strings.CutPrefix(line, "attribute.username = "); ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// kernelCopy reports whether the user's kernel keyring holds a usable
// copy of this world's session cache key (its description names the
// namespace of the keyring service and cache directory, as
// cache.NewDataKey makes it; a revoked key is none).
func (w *world) kernelCopy() bool {
	h := sha256.Sum256([]byte(w.service + "\x00" + w.cacheDir()))
	_, ok := kernelkeys.Get(kernelkeys.User, "stscred:v1:cache-data-key:"+hex.EncodeToString(h[:8]))
	return ok
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

// remove --all, with the real binary against the real gnome-keyring:
// without a terminal and --yes it refuses and changes nothing; on a
// terminal "n" changes nothing; "y" leaves nothing of stscred's (the
// keyring's items of its service, the file keystore, the session cache
// and the kernel keyring's copy of the cache's key) and another
// application's keyring item alone. No output holds a secret.
func TestRemoveAllLeavesNothing(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	w.decode(w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "session", "alice"))
	// A file keystore beside the keyring (as after a migrate or a
	// headless setup): remove --all needs no passphrase for it.
	fileEnv := w.env("STSCRED_BACKEND=file", "STSCRED_FILE_PASSPHRASE="+filePassphrase)
	if res := w.run(w.key.ID+"\n"+w.key.Secret+"\n", fileEnv, w.bin, "add", "alice"); res.code != 0 {
		t.Fatalf("add alice to the file keystore: %s", res)
	}
	// Another application's item, which must stay.
	other := w.service + "-other-app"
	store := exec.Command("secret-tool", "store", "--label", "not stscred's", "service", other, "username", "v1:index")
	store.Stdin = strings.NewReader("someone else's")
	if out, err := store.CombinedOutput(); err != nil {
		t.Fatalf("secret-tool store: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("secret-tool", "clear", "service", other, "username", "v1:index").Run() })

	before := keyringItems(t, w.service)
	for _, want := range []string{"v1:cache-data-key", "v1:index", "v1:key:alice"} {
		if !slices.Contains(before, want) {
			t.Fatalf("the keyring holds %v, not %s: the test set up nothing to delete", before, want)
		}
	}
	if !exists(w.cacheDir()) || !exists(w.fileDir()) {
		t.Fatal("no session cache or file keystore to delete")
	}
	hadKernelCopy := w.kernelCopy()
	if !hadKernelCopy {
		t.Log("the kernel keyring holds no copy of the cache key here: that part is not checked")
	}

	unchanged := func(when string) {
		t.Helper()
		if got := keyringItems(t, w.service); !slices.Equal(got, before) {
			t.Fatalf("%s: the keyring's items changed from %v to %v", when, before, got)
		}
		if !exists(w.cacheDir()) || !exists(w.fileDir()) {
			t.Fatalf("%s: the session cache or the file keystore is gone", when)
		}
	}

	// No terminal, no --yes: refused, nothing on stdout, nothing deleted.
	res := w.stscred("remove", "--all")
	if res.code != 1 || res.stdout != "" || !strings.Contains(res.stderr, "stscred: error: refusing to delete everything stscred keeps without confirmation") ||
		!strings.Contains(res.stderr, "--yes") {
		t.Fatalf("remove --all without a terminal: %s", res)
	}
	unchanged("refused")
	if res := w.stscred("remove", "--all", "alice"); res.code != 1 || !strings.Contains(res.stderr, "takes no profile") {
		t.Fatalf("remove --all alice: %s", res)
	}
	unchanged("--all with a profile")

	// On a terminal: it says what it will delete; "n" keeps everything.
	pt := startPTY(t, w.env(), w.bin, "remove", "--all")
	pt.expect("[y/N] ", 1)
	for _, want := range []string{`every item of service "` + w.service + `" in the OS keyring (secret-service): the keys of alice`, "the file keystore " + w.fileDir(), "the session cache " + w.cacheDir()} {
		if !strings.Contains(pt.output(), want) {
			t.Errorf("the question does not say %q:\n%s", want, pt.output())
		}
	}
	pt.typeLine("n")
	if err := pt.exit(); err == nil {
		t.Fatalf("answering n succeeded:\n%s", pt.output())
	}
	unchanged("answered n")
	declined := pt.output()

	pt = startPTY(t, w.env(), w.bin, "remove", "--all")
	pt.expect("[y/N] ", 1)
	pt.typeLine("y")
	pt.wait()
	said := pt.output()
	for _, want := range []string{fmt.Sprintf("deleted %d items of service %q from the OS keyring (secret-service)", len(before), w.service), "deleted the file keystore " + w.fileDir(), "deleted the session cache " + w.cacheDir()} {
		if !strings.Contains(said, want) {
			t.Errorf("remove --all does not say %q:\n%s", want, said)
		}
	}

	if got := keyringItems(t, w.service); len(got) != 0 {
		t.Errorf("the keyring still holds stscred's %v", got)
	}
	if got := keyringItems(t, other); !slices.Equal(got, []string{"v1:index"}) {
		t.Errorf("another application's item was touched: %v", got)
	}
	for _, dir := range []string{w.cacheDir(), w.fileDir()} {
		if exists(dir) {
			t.Errorf("%s is still there", dir)
		}
	}
	if hadKernelCopy && w.kernelCopy() {
		t.Error("the kernel keyring still holds the session cache's key")
	}
	w.mu.Lock()
	outs := append(slices.Clone(w.outputs), res.stderr, declined, said)
	w.mu.Unlock()
	for _, out := range outs {
		if strings.Contains(out, w.key.Secret) {
			t.Errorf("an output shows alice's secret key:\n%s", out)
		}
	}

	// Again: nothing left to delete, and it says so without failing.
	if res := w.stscred("remove", "--all", "--yes"); res.code != 0 || strings.Contains(res.stdout, "file keystore") ||
		!strings.Contains(res.stdout, fmt.Sprintf("the OS keyring (secret-service) held no item of service %q", w.service)) {
		t.Fatalf("remove --all --yes on a clean machine: %s", res)
	}
}
