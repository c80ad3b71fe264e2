package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/ops/importer"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/keystore"
)

// RemoveAll deletes everything stscred keeps on this machine: every item
// of its service in the OS keyring (keys, the session cache's key, the
// index, SSO clients and tokens, sign-in sessions), the file keystore,
// the session cache's directory, and the copies of keys in the kernel
// keyring. It asks first (yes skips that; without a terminal it refuses
// unless yes), then says what it deleted. It never needs a passphrase and
// never reads a secret. The AWS config and shell startup files are not
// touched: it says so.
func RemoveAll(p *Process, s *Services, yes bool) error {
	ks := s.KeySettings()
	kr := ks.Keyring()
	fileStore := ks.File()
	dir, err := s.CacheDir()
	if err != nil {
		return err
	}

	// What is there, said before asking (no secret is read: the index
	// names profiles only).
	ring := kr.Present(ks.BusAddress, 5*time.Second)
	var places []string
	if ring {
		what := fmt.Sprintf("every item of service %q in the OS keyring (%s)", kr.Service, kr.Backend())
		if names, err := keystore.StoredProfiles(kr); err == nil && len(names) > 0 {
			what += ": the keys of " + strings.Join(names, ", ") + " and whatever else stscred filed there (the session cache's key, Identity Center and sign-in sessions)"
		}
		places = append(places, what)
	}
	fileThere := fileStore.Exists()
	if fileThere {
		places = append(places, "the file keystore "+fileStore.Dir+" (every key in it)")
	}
	places = append(places, "the session cache "+dir)

	if !yes {
		if !p.StdinTerminal {
			return hint.With(fmt.Errorf("refusing to delete everything stscred keeps without confirmation"),
				"deleted keys cannot be recovered from stscred; pass --yes if you mean it (stscred remove --all --yes)")
		}
		fmt.Fprintf(p.Stderr, "This deletes, and nothing can recover them from stscred:\n")
		for _, pl := range places {
			fmt.Fprintf(p.Stderr, "  - %s\n", pl)
		}
		fmt.Fprintf(p.Stderr, "Delete everything stscred keeps on this machine? [y/N] ")
		answer, _ := p.Stdin.ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			return hint.With(fmt.Errorf("nothing was deleted: %w", ErrNotConfirmed), "answer y to delete it all")
		}
	}

	out := p.Human()
	// The kernel keyring's copies first: a copy must not outlive the key.
	cache.NewDataKey(nil, ks.Service, dir, p.PID, 0).Forget()
	if ring {
		n, err := kr.DeleteAll()
		if err != nil {
			return fmt.Errorf("deleting stscred's items from the OS keyring: %w", err)
		}
		switch {
		case n < 0:
			fmt.Fprintf(out, "stscred: deleted every item of service %q from the OS keyring (%s)\n", kr.Service, kr.Backend())
		case n == 0:
			fmt.Fprintf(out, "stscred: the OS keyring (%s) held no item of service %q\n", kr.Backend(), kr.Service)
		default:
			fmt.Fprintf(out, "stscred: deleted %d item%s of service %q from the OS keyring (%s)\n", n, human.Plural(n, "", "s"), kr.Service, kr.Backend())
		}
	}
	existed, left, err := fileStore.Destroy()
	if err != nil {
		return err
	}
	if existed && fileThere {
		fmt.Fprintf(out, "stscred: deleted the file keystore %s\n", fileStore.Dir)
	}
	leftFiles := left
	n, left, err := cache.Wipe(dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "stscred: deleted the session cache %s (%d cached entr%s)\n", dir, n, human.Plural(n, "y", "ies"))
	leftFiles = append(leftFiles, left...)
	for _, l := range leftFiles {
		fmt.Fprintf(out, "stscred: left %s: it is not stscred's\n", l)
	}
	if backups := credentialsBackups(p); len(backups) > 0 {
		fmt.Fprintf(out, "stscred: left the backups stscred import made of your credentials file (they hold plaintext keys; delete them when you no longer need them): %s\n", strings.Join(backups, ", "))
	}
	fmt.Fprintln(out, "stscred: your AWS config and shell startup files are unchanged: remove the lines that run stscred (credential_process, shell-init) yourself")
	return nil
}

// credentialsBackups are the backups stscred import left beside the
// shared credentials file.
func credentialsBackups(p *Process) []string {
	path, err := awsconfig.CredentialsPath(p.Getenv, "")
	if err != nil {
		return nil
	}
	dir, base := filepath.Split(filepath.Clean(path))
	des, _ := os.ReadDir(dir)
	var found []string
	for _, de := range des {
		if !de.IsDir() && strings.HasPrefix(de.Name(), base+importer.BackupSuffix) {
			found = append(found, filepath.Join(dir, de.Name()))
		}
	}
	return found
}
