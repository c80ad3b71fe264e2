// Package textsafe makes text from the config, the command line or the
// environment safe to show on a terminal: a newline in a profile name must
// not forge a "stscred: hint:" line, and ESC or BEL sequences must not
// reach the terminal to move the cursor, retitle the window or worse.
package textsafe

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Escape returns s with every control character (C0, DEL, C1, and the
// Unicode marks that reorder text) written as a visible escape: \n, \r,
// \t, \x1b, \u202e. Printable text is unchanged.
func Escape(s string) string {
	if clean(s, false) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case unsafe(r):
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// Lines is Escape for text whose own line breaks are meant: newlines and
// tabs stay, every other control character is escaped.
func Lines(s string) string {
	if clean(s, true) {
		return s
	}
	parts := strings.Split(s, "\n")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(Escape(p), `\t`, "\t")
	}
	return strings.Join(parts, "\n")
}

func clean(s string, keepLines bool) bool {
	for _, r := range s {
		if keepLines && (r == '\n' || r == '\t') {
			continue
		}
		if r == '\n' || r == '\r' || r == '\t' || unsafe(r) || r == utf8.RuneError {
			return false
		}
	}
	return true
}

func unsafe(r rune) bool {
	return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 ||
		r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f
}

// Writer passes text on with Lines applied: what a program run from the
// config prints to stderr keeps its lines but loses its escape sequences.
type Writer struct{ W io.Writer }

func (w Writer) Write(p []byte) (int, error) {
	if _, err := io.WriteString(w.W, Lines(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
