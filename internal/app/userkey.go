package app

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/base/textsafe"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/ops/accesskey"
	"github.com/stscred/stscred/keystore"
)

// ErrNotConfirmed is returned when the user declines a confirmation.
var ErrNotConfirmed = errors.New("not confirmed")

// userKeys adds and removes IAM users' keys.
func userKeys(p *Process, s *Services) (accesskey.Setup, error) {
	m, err := s.Model()
	if err != nil {
		return accesskey.Setup{}, err
	}
	return accesskey.Setup{
		Model: m, Keys: s.Keys(), Cache: s.Cache, NewAPI: s.NewAPI, Settings: s.Settings(), Now: p.Now,
		Warn: p.Warnf,
	}, nil
}

// AddKey stores the key of profile name, read from the environment
// (fromEnv) or stdin, verified with STS unless noVerify, and says what it
// did (stdout), then on stderr what the config needs for the AWS tools
// to use the key, and what a new file keystore means.
func AddKey(p *Process, s *Services, name string, fromEnv, noVerify bool) error {
	keys, err := userKeys(p, s)
	if err != nil {
		return err
	}
	inConfig, err := keys.Check(name)
	if err != nil {
		return err
	}
	if !inConfig {
		p.Notef("%s has no %s yet: the key will be stored under that name all the same (what to add follows)", keys.Model.File.Path, awsconfig.SectionFor(name))
	}
	newStore := !s.KeysExist()
	id, secret, err := keystore.Input{
		Profile: name, FromEnv: fromEnv, Getenv: p.Getenv,
		Terminal: p.StdinTerminal, Stdin: p.Stdin, Prompts: p.Stderr, ReadSecret: p.ReadSecret,
	}.Read()
	if err != nil {
		return err
	}
	added, err := keys.Add(p.Context(), name, id, secret, noVerify)
	if err != nil {
		return err
	}
	who := ""
	if added.Key.UserARN != "" {
		who = " (" + added.Key.UserARN + ")"
	}
	verb := "stored"
	if added.Replaced {
		verb = "replaced the stored key with"
	}
	fmt.Fprintf(p.Human(), "stscred: %s access key %s for profile %s%s in %s\n", verb, keystore.MaskID(id), name, who, s.DescribeKeys())
	if newStore && s.KeysExist() {
		newFileKeystore(p, s)
	}
	return keys.Next(name, added.Key.UserARN).Write(textsafe.Writer{W: p.Stderr})
}

// newFileKeystore says what the file keystore an add just made means:
// auto picks it from now on, wherever it runs, over an OS keyring that
// answers, whose keys stscred then does not see; and how to go back.
func newFileKeystore(p *Process, s *Services) {
	p.Notef("this made %s; from now on stscred uses it in every session where STSCRED_BACKEND is unset or auto, also where an OS keyring answers, and does not see the keys kept there", s.DescribeKeys())
	p.Notef("to go back to the OS keyring: in a session where it answers (a desktop login), run stscred migrate --to keyring, which moves these keys there and removes the file keystore")
}

// RemoveKey deletes the key of profile name and the sessions made from it,
// asking on the terminal first unless yes.
func RemoveKey(p *Process, s *Services, name string, yes bool) error {
	keys, err := userKeys(p, s)
	if err != nil {
		return err
	}
	k, err := keys.Stored(name)
	if err != nil {
		return err
	}
	if !yes {
		if !p.StdinTerminal {
			return hint.With(fmt.Errorf("refusing to delete the key of %s without confirmation", name),
				"a deleted key cannot be recovered from stscred; pass --yes if you mean it")
		}
		fmt.Fprintf(p.Stderr, "Delete access key %s of profile %s from %s? It cannot be recovered. [y/N] ", keystore.MaskID(k.AccessKeyID), name, s.DescribeKeys())
		answer, _ := p.Stdin.ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			return hint.With(fmt.Errorf("the key of %s was not deleted: %w", name, ErrNotConfirmed), "answer y to delete it")
		}
	}
	r, err := keys.Remove(name)
	if err != nil {
		return err
	}
	if r.PendingKey {
		fmt.Fprintf(p.Human(), "stscred: also deleted the new key of an interrupted rotation of %s (it still exists in IAM: delete it there)\n", name)
	}
	n := r.CachedEntries
	fmt.Fprintf(p.Human(), "stscred: deleted access key %s of profile %s and %d cached entr%s\n", keystore.MaskID(k.AccessKeyID), name, n, human.Plural(n, "y", "ies"))
	return nil
}
