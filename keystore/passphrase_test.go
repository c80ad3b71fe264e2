package keystore

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/sys/tty"
)

// lineTTY is a terminal whose user types lines, one per read, and which
// keeps what was written to it.
type lineTTY struct {
	lines []string
	out   bytes.Buffer
}

func (l *lineTTY) Read(p []byte) (int, error) {
	if len(l.lines) == 0 {
		return 0, io.EOF
	}
	n := copy(p, l.lines[0]+"\n")
	l.lines = l.lines[1:]
	return n, nil
}
func (l *lineTTY) Write(p []byte) (int, error) { return l.out.Write(p) }
func (l *lineTTY) Close() error                { return nil }

func termAsker(term *lineTTY, given string) PassphraseAsker {
	return PassphraseAsker{Given: given, Dir: "/home/u/.local/share/stscred", Open: func() (tty.TTY, error) { return term, nil }}
}

// A new keystore's passphrase shorter than MinPassphrase is refused on
// the terminal and asked again; one long enough is asked to be repeated.
func TestNewPassphraseTooShortAskedAgain(t *testing.T) {
	const good = "correct horse battery"
	term := &lineTTY{lines: []string{"abc", "eleven char", good, good}}
	pass, err := termAsker(term, "").Passphrase(true)
	if err != nil || pass != good {
		t.Fatalf("got %q, %v\n%s", pass, err, term.out.String())
	}
	out := term.out.String()
	for _, want := range []string{
		"encrypted with a passphrase of at least 12 characters",
		"stscred: 3 characters is too short: anyone who gets a copy of /home/u/.local/share/stscred could guess it offline; use 12 or more",
		"stscred: 11 characters is too short",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the terminal lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "stscred: choose a passphrase: "); n != 3 {
		t.Errorf("asked %d times:\n%s", n, out)
	}
	if strings.Contains(out, good) || strings.Contains(out, "abc") {
		t.Errorf("a passphrase was echoed:\n%s", out)
	}
}

// Three short ones in a row: an error, and no repeat asked.
func TestNewPassphraseTooShortGivesUp(t *testing.T) {
	term := &lineTTY{lines: []string{"a", "bb", "ccc", "correct horse battery"}}
	_, err := termAsker(term, "").Passphrase(true)
	if !errors.Is(err, ErrShortPassphrase) || !strings.Contains(strings.Join(hint.Of(err), " "), "nothing was stored") {
		t.Fatalf("err = %v %q", err, hint.Of(err))
	}
	if strings.Contains(term.out.String(), "repeat it") {
		t.Error("a short passphrase was asked to be repeated")
	}
}

// STSCRED_FILE_PASSPHRASE is held to the same rule when it makes a
// keystore, and not when it opens one made before the rule.
func TestGivenPassphraseLength(t *testing.T) {
	term := &lineTTY{}
	_, err := termAsker(term, "pw").Passphrase(true)
	if !errors.Is(err, ErrShortPassphrase) || !strings.Contains(err.Error(), "STSCRED_FILE_PASSPHRASE has 2 characters, and a new file keystore needs at least 12") ||
		strings.Contains(err.Error()+strings.Join(hint.Of(err), ""), "pw") {
		t.Fatalf("err = %v %q", err, hint.Of(err))
	}
	if pass, err := termAsker(term, "pw").Passphrase(false); err != nil || pass != "pw" {
		t.Errorf("opening with a short given passphrase: %q %v", pass, err)
	}
	if pass, err := termAsker(term, "twelve chars").Passphrase(true); err != nil || pass != "twelve chars" {
		t.Errorf("12 characters: %q %v", pass, err)
	}
	if term.out.Len() != 0 {
		t.Errorf("the terminal was used: %q", term.out.String())
	}
	// Opening asks once, whatever the length.
	term = &lineTTY{lines: []string{"abc"}}
	if pass, err := termAsker(term, "").Passphrase(false); err != nil || pass != "abc" {
		t.Errorf("opening: %q %v", pass, err)
	}
}
