package proc

import "strings"

// Words splits a command line (a browser command, a credential_process or
// mfa_process line) into words as the platform splits one: SplitPosix on
// Unix, SplitWindows on Windows (words_unix.go, words_windows.go). Those
// are the rules the AWS CLI and boto3 split credential_process by on each,
// and on Windows the rules every program reads its own command line by, so
// that `C:\Program Files\…\firefox.exe` keeps its backslashes there.
//
// Both splitters are compiled everywhere, so that each is tested on every
// platform; only the choice is per platform.

// SplitPosix splits a line as a POSIX shell would for simple lines (single
// and double quotes, and backslash escapes; no expansions).
func SplitPosix(line string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case quote == '"':
			switch {
			case c == '"':
				quote = 0
			case c == '\\' && i+1 < len(line) && strings.IndexByte("\"\\$`", line[i+1]) >= 0:
				i++
				cur.WriteByte(line[i])
			default:
				cur.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == '\\' && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
			inWord = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// SplitWindows splits a line as Windows' CommandLineToArgvW does (leading
// blanks dropped; an empty line has no words):
//
//   - Words are separated by spaces and tabs outside double quotes.
//   - The program, the first word, ends at the next blank, or, when it
//     starts with a double quote, at the next double quote; nothing in it
//     escapes anything, so a path keeps its backslashes.
//   - In the arguments, backslashes are literal unless they come before a
//     double quote: then each pair is one backslash, and an odd one left
//     over makes the quote a literal one; an unescaped quote opens or
//     closes a quoted part, and of a run of quotes every third is a
//     literal quote (`"a""b"` is a"b).
//   - Single quotes mean nothing.
func SplitWindows(line string) []string {
	line = strings.TrimLeft(line, " \t")
	if line == "" {
		return nil
	}
	var prog string
	if line[0] == '"' {
		if end := strings.IndexByte(line[1:], '"'); end >= 0 {
			prog, line = line[1:1+end], line[2+end:]
		} else {
			prog, line = line[1:], ""
		}
	} else if end := strings.IndexAny(line, " \t"); end >= 0 {
		prog, line = line[:end], line[end:]
	} else {
		prog, line = line, ""
	}
	words := []string{prog}
	var cur strings.Builder
	inWord := false
	quotes := 0 // 1 inside a quoted part
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case (c == ' ' || c == '\t') && quotes == 0:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
			i++
		case c == '\\':
			n := 1
			for i+n < len(line) && line[i+n] == '\\' {
				n++
			}
			inWord = true
			if i+n < len(line) && line[i+n] == '"' {
				cur.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					cur.WriteByte('"')
					i += n + 1
					continue
				}
				i += n // the quote opens or closes a quoted part: next turn
				continue
			}
			cur.WriteString(strings.Repeat(`\`, n))
			i += n
		case c == '"':
			inWord = true
			quotes++
			i++
			for i < len(line) && line[i] == '"' {
				quotes++
				if quotes == 3 {
					cur.WriteByte('"')
					quotes = 0
				}
				i++
			}
			if quotes == 2 {
				quotes = 0
			}
		default:
			cur.WriteByte(c)
			inWord = true
			i++
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}
