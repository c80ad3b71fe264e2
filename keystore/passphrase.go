package keystore

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/sys/tty"
)

// MinPassphrase is the length under which a new passphrase gets a warning:
// anyone who copies the keystore's files can try passphrases offline,
// scrypt or not, and a short one falls quickly.
const MinPassphrase = 12

// PassphraseAsker gets the file keystore's passphrase for a person: from
// Given (STSCRED_FILE_PASSPHRASE) when set, else asked on the terminal
// Open returns (twice when the keystore is being made), unless Forbid
// (--prompt none, a shell hook) says nothing may be asked.
type PassphraseAsker struct {
	Given  string
	Forbid bool
	Open   func() (tty.TTY, error)
	Dir    string
}

// Passphrase implements File.Passphrase.
func (a PassphraseAsker) Passphrase(create bool) (string, error) {
	if a.Given != "" {
		return a.Given, nil
	}
	later := "set STSCRED_FILE_PASSPHRASE, or run any stscred command once from a terminal: the passphrase is then remembered for this login session"
	if a.Forbid {
		return "", hint.With(fmt.Errorf("%w: the file keystore needs its passphrase, and --prompt=none forbids asking", ErrNoPassphrase), later)
	}
	term, err := a.Open()
	if err != nil {
		return "", hint.With(fmt.Errorf("%w: the file keystore needs its passphrase, and there is no terminal to ask on", ErrNoPassphrase), later)
	}
	defer term.Close()
	prompt := fmt.Sprintf("stscred: passphrase for the file keystore (%s): ", a.Dir)
	if create {
		fmt.Fprintf(term, "stscred: there is no OS keyring here; keys will be kept in %s, encrypted with a passphrase.\n", a.Dir)
		prompt = "stscred: choose a passphrase: "
	}
	pass, err := readPassphrase(term, prompt)
	if err != nil || !create {
		return pass, err
	}
	again, err := readPassphrase(term, "stscred: repeat it: ")
	if err != nil {
		return "", err
	}
	if again != pass {
		return "", hint.With(errors.New("the two passphrases differ"), "run the command again and type the same passphrase twice")
	}
	if n := len([]rune(pass)); n < MinPassphrase {
		fmt.Fprintf(term, "stscred: warning: a %d-character passphrase is easy to guess for anyone who gets a copy of %s; %d or more (or a few words) is better\n", n, a.Dir, MinPassphrase)
	}
	return pass, nil
}

func readPassphrase(term tty.TTY, prompt string) (string, error) {
	pass, err := tty.ReadHidden(term, prompt)
	if errors.Is(err, tty.ErrInterrupted) {
		return "", err
	}
	if err != nil {
		return "", fmt.Errorf("reading the passphrase: %w", err)
	}
	return strings.TrimRight(pass, "\r\n"), nil
}
