package app_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/creds"

	"github.com/stscred/stscred/internal/app"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/keystore"
)

// remove --all without a Secret Service (no session bus): the file
// keystore and the session cache go, only after --yes or a y on the
// terminal; without a terminal it refuses; nothing secret is printed and
// files that are not stscred's stay, named.
func TestRemoveAll(t *testing.T) {
	e := newEnv(t, "")
	fileDir := filepath.Join(e.home, "keystore")
	e.vars["STSCRED_FILE_DIR"] = fileDir
	e.vars["STSCRED_FILE_PASSPHRASE"] = "pass phrase of the test"
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYREMOVEALL"
	fks := keystore.NewFile(fileDir, func(bool) (string, error) { return "pass phrase of the test", nil })
	t.Cleanup(fks.Forget)
	if err := keystore.PutKey(fks, "alice", keystore.Key{AccessKeyID: "AKIAREMOVEALL0000001", SecretAccessKey: secret}); err != nil {
		t.Fatal(err)
	}
	fks.Forget()
	cacheDir := filepath.Join(e.home, "cache")
	if err := e.cache.Put(cache.Entry{Header: cache.Header{Key: cache.KeyIDKey("alice"), Kind: cache.KindKeyID, Profile: "alice", Stored: e.clock.Now()},
		Creds: creds.Credentials{AccessKeyID: "AKIAREMOVEALL0000001", Expiration: e.clock.Now().Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	e.write("cache/notes.txt", "the user's own file")
	backup := e.write(".aws/credentials"+".stscred-backup-20261124T120000Z", "[alice]\n")

	present := func(when string) {
		t.Helper()
		if !fks.Exists() {
			t.Fatalf("%s: the file keystore is gone", when)
		}
		if des, _ := os.ReadDir(cacheDir); len(des) < 2 {
			t.Fatalf("%s: the cache was emptied", when)
		}
	}

	err := app.RemoveAll(e.p, e.services(), false)
	if err == nil || !strings.Contains(err.Error(), "refusing") || !strings.Contains(strings.Join(hint.Of(err), " "), "--yes") {
		t.Fatalf("no terminal, no --yes: %v", err)
	}
	if e.stdout.String() != "" {
		t.Fatalf("stdout %q", e.stdout)
	}
	present("refused")

	e.p.StdinTerminal = true
	for _, answer := range []string{"n\n", "\n", ""} {
		e.reset()
		e.stdin(answer)
		if err := app.RemoveAll(e.p, e.services(), false); !errors.Is(err, app.ErrNotConfirmed) {
			t.Fatalf("answer %q: %v", answer, err)
		}
		for _, want := range []string{"the file keystore " + fileDir, "the session cache " + cacheDir, "[y/N] "} {
			if !strings.Contains(e.stderr.String(), want) {
				t.Errorf("the question does not name %q: %s", want, e.stderr)
			}
		}
		if strings.Contains(e.stderr.String(), "OS keyring") {
			t.Errorf("there is no OS keyring here, but the question names one: %s", e.stderr)
		}
		present("answered " + answer)
	}

	e.reset()
	e.stdin("y\n")
	if err := app.RemoveAll(e.p, e.services(), false); err != nil {
		t.Fatal(err)
	}
	out := e.stdout.String()
	for _, want := range []string{
		"stscred: deleted the file keystore " + fileDir + "\n",
		"stscred: deleted the session cache " + cacheDir + " (1 cached entry)\n",
		"stscred: left " + filepath.Join(cacheDir, "notes.txt") + ": it is not stscred's\n",
		backup,
		"your AWS config and shell startup files are unchanged",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout does not say %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(fileDir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the file keystore's directory is still there: %v", err)
	}
	des, err := os.ReadDir(cacheDir)
	if err != nil || len(des) != 1 || des[0].Name() != "notes.txt" {
		t.Errorf("the cache holds %v (%v), want only the user's notes.txt", des, err)
	}
	e.noSecret(secret)

	// Nothing left: --yes works without a terminal and says nothing of a
	// file keystore.
	e.reset()
	e.p.StdinTerminal = false
	if err := app.RemoveAll(e.p, e.services(), true); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(e.stdout.String(), "file keystore") {
		t.Errorf("a second run claims to delete the file keystore: %s", e.stdout)
	}
}
