package keystore

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/sys/tty"
)

// MinPassphrase is the fewest characters a new file keystore's passphrase
// may have. Anyone who gets a copy of the keystore's files (a backup, a
// stolen laptop, a synced home directory) can try passphrases offline, at
// their own pace and with no lockout; scrypt makes each try cost about a
// second of a CPU, which stops nothing against a word or a short string
// tried from a list. Twelve characters is a few words, which a person can
// remember and a list does not hold.
const MinPassphrase = 12

// passphraseTries is how often a new passphrase is asked for on the
// terminal before giving up.
const passphraseTries = 3

// ErrShortPassphrase means a new file keystore's passphrase has fewer than
// MinPassphrase characters.
var ErrShortPassphrase = errors.New("passphrase too short")

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
		if n := len([]rune(a.Given)); create && n < MinPassphrase {
			return "", hint.With(fmt.Errorf("%w: STSCRED_FILE_PASSPHRASE has %d characters, and a new file keystore needs at least %d: anyone with a copy of %s could guess a shorter one offline", ErrShortPassphrase, n, MinPassphrase, a.Dir),
				fmt.Sprintf("set STSCRED_FILE_PASSPHRASE to a passphrase of %d characters or more (a few words), then run the command again; nothing was stored", MinPassphrase))
		}
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
	if !create {
		return readPassphrase(term, fmt.Sprintf("stscred: passphrase for the file keystore (%s): ", a.Dir))
	}
	fmt.Fprintf(term, "stscred: there is no OS keyring here; keys will be kept in %s, encrypted with a passphrase of at least %d characters.\n", a.Dir, MinPassphrase)
	pass, err := a.choose(term)
	if err != nil {
		return "", err
	}
	again, err := readPassphrase(term, "stscred: repeat it: ")
	if err != nil {
		return "", err
	}
	if again != pass {
		return "", hint.With(errors.New("the two passphrases differ"), "run the command again and type the same passphrase twice")
	}
	return pass, nil
}

// choose asks for a new passphrase until one is long enough (see
// MinPassphrase), a few times at most.
func (a PassphraseAsker) choose(term tty.TTY) (string, error) {
	n := 0
	for range passphraseTries {
		pass, err := readPassphrase(term, "stscred: choose a passphrase: ")
		if err != nil {
			return "", err
		}
		if n = len([]rune(pass)); n >= MinPassphrase {
			return pass, nil
		}
		fmt.Fprintf(term, "stscred: %d characters is too short: anyone who gets a copy of %s could guess it offline; use %d or more (a few words are easy to remember)\n", n, a.Dir, MinPassphrase)
	}
	return "", hint.With(fmt.Errorf("%w: a new file keystore needs a passphrase of at least %d characters", ErrShortPassphrase, MinPassphrase),
		"run the command again and choose a longer passphrase (a few words); nothing was stored")
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
