// Package credfile reads the AWS shared credentials file
// (~/.aws/credentials) and writes edited copies of it that keep every byte
// they do not change: comments, blank lines, line endings (LF, CRLF, a lone
// CR), a missing final newline, odd spacing, key order, unknown keys and
// other sections.
//
// It reads the INI dialect of awsconfig (botocore's: "=" or ":" delimiters,
// "#" and ";" full-line comments, continuation by deeper indentation,
// inline comments after whitespace as the AWS SDK for Go v2 strips them),
// and counts lines as awsconfig does, so it also serves to edit the config
// file at a line awsconfig reports.
//
// Errors name a line and, where safe, a key or section name; they never
// quote a line, which may hold a secret.
package credfile

import (
	"fmt"
	"strings"

	"github.com/stscred/stscred/internal/config/awsconfig"

	"github.com/stscred/stscred/internal/config/inilex"
)

// File is a parsed file that remembers its bytes.
type File struct {
	// Path is the file's path, for messages.
	Path string
	// Sections are the [sections] in file order.
	Sections []*Section

	data  string
	lines []rawLine
}

// rawLine is one line: data[start:end] with its terminator, text without.
type rawLine struct {
	start, end int
	text       string
}

// terminated reports whether the line ends with a line break.
func (l rawLine) terminated() bool { return l.end-l.start > len(l.text) }

// Section is one [header] and its keys.
type Section struct {
	// Name is the text between the brackets, trimmed. In the credentials
	// file it is the profile name ("default" for [default]).
	Name string
	// Line is the 1-based line of the header.
	Line int
	// Keys are the section's keys in file order.
	Keys []*Key

	hdr    int    // index of the header line
	indent string // indentation of the first key line
}

// Key is one key of a section.
type Key struct {
	// Name is the key, lowercased.
	Name string
	// Value is the value without an inline comment, trimmed; continuation
	// lines are joined with "\n". It may be a secret: never print it.
	Value string
	// Line is the 1-based line of the key.
	Line int

	lines []int // the key line and its continuation lines
}

// ParseError reports a line the dialect does not accept.
type ParseError struct {
	Path string
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s line %d: %s", e.Path, e.Line, e.Msg) }

// Parse parses data, the file at path (used in messages).
func Parse(path string, data []byte) (*File, error) {
	f := &File{Path: path, data: string(data)}
	f.split()
	seen := map[string]int{}
	var cur *Section
	var last *Key // the key continuation lines belong to
	keyIndent := 0
	for i, ln := range f.lines {
		text := ln.text
		if i == 0 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		ind := indentOf(text)
		if ind == len(text) || text[ind] == '#' || text[ind] == ';' {
			continue // blank or comment
		}
		t := text[ind:]
		if last != nil && ind > keyIndent {
			// A continuation of the last key's value, or a line of its
			// nested sub-section.
			last.lines = append(last.lines, i)
			if v := inilex.CleanValue(t); v != "" && !last.nested() {
				last.Value += "\n" + v
			}
			continue
		}
		if t[0] == '[' {
			name, msg := parseHeader(t)
			if msg != "" {
				return nil, f.errorf(i, "%s", msg)
			}
			if first, dup := seen[name]; dup {
				return nil, f.errorf(i, "duplicate section %s, first at line %d", safeName("["+name+"]"), first)
			}
			seen[name] = i + 1
			if cur != nil && len(cur.Keys) == 0 {
				// A key inserted into the keyless section before must
				// not take this header for its continuation.
				cur.indent = text[:ind]
			}
			cur = &Section{Name: name, Line: i + 1, hdr: i}
			f.Sections = append(f.Sections, cur)
			last = nil
			continue
		}
		j := strings.IndexAny(t, "=:")
		switch {
		case j < 0:
			return nil, f.errorf(i, `expected "key = value" or a [section] header`)
		case j == 0:
			return nil, f.errorf(i, `missing key name before %q`, t[0:1])
		case cur == nil:
			return nil, f.errorf(i, "%s appears before any [section] header", keyWord(t[:j]))
		}
		name := strings.ToLower(inilex.TrimSpace(t[:j]))
		for _, k := range cur.Keys {
			if k.Name == name {
				return nil, f.errorf(i, "duplicate %s in %s, first at line %d", keyWord(name), safeName("["+cur.Name+"]"), k.Line)
			}
		}
		if len(cur.Keys) == 0 {
			cur.indent = text[:ind]
		}
		last = &Key{Name: name, Value: inilex.CleanValue(t[j+1:]), Line: i + 1, lines: []int{i}}
		cur.Keys = append(cur.Keys, last)
		keyIndent = ind
	}
	return f, nil
}

// nested reports whether k is "key =" with its value on indented
// "sub = value" lines (botocore's nested sub-sections).
func (k *Key) nested() bool { return len(k.lines) > 0 && k.Value == "" }

// split cuts data into lines ending at "\n", "\r\n" or a lone "\r", as
// awsconfig (and Python's universal newlines) do.
func (f *File) split() {
	s := f.data
	pos := 0
	for pos < len(s) {
		rest := s[pos:]
		n, textEnd := len(rest), len(rest)
		if i := strings.IndexAny(rest, "\r\n"); i >= 0 {
			textEnd, n = i, i+1
			if rest[i] == '\r' && i+1 < len(rest) && rest[i+1] == '\n' {
				n = i + 2
			}
		}
		f.lines = append(f.lines, rawLine{start: pos, end: pos + n, text: rest[:textEnd]})
		pos += n
	}
}

func (f *File) errorf(line int, format string, args ...any) error {
	return &ParseError{Path: f.Path, Line: line + 1, Msg: fmt.Sprintf(format, args...)}
}

// SectionAt returns the section whose header is on line (1-based), or nil.
func (f *File) SectionAt(line int) *Section {
	for _, s := range f.Sections {
		if s.Line == line {
			return s
		}
	}
	return nil
}

// Key returns the key called name (lowercase), or nil.
func (s *Section) Key(name string) *Key {
	for _, k := range s.Keys {
		if k.Name == name {
			return k
		}
	}
	return nil
}

// Indent is the indentation of the section's first key (when it has none,
// that of the next section's header, else ""): a line inserted after the
// header with this indentation is a key of its own, never a continuation,
// and leaves the section's keys, and the sections after it, as they are.
func (s *Section) Indent() string { return s.indent }

// Newline is the line break the file uses (that of its first line), "\n"
// for a file without one.
func (f *File) Newline() string {
	for _, ln := range f.lines {
		if ln.terminated() {
			return f.data[ln.start+len(ln.text) : ln.end]
		}
	}
	return "\n"
}

// Edit starts a set of changes to f. f itself never changes.
func (f *File) Edit() *Edit {
	return &Edit{f: f, drop: map[int]bool{}, after: map[int][]string{}}
}

// Edit collects changes to a file; Bytes applies them.
type Edit struct {
	f     *File
	drop  map[int]bool
	after map[int][]string
	tail  []string
}

// RemoveKey removes k's line and its continuation lines (not the blank or
// comment lines between them).
func (e *Edit) RemoveKey(k *Key) {
	for _, i := range k.lines {
		e.drop[i] = true
	}
}

// InsertAfterHeader inserts lines, as given, right after s's header line,
// each ended with the file's line break.
func (e *Edit) InsertAfterHeader(s *Section, lines ...string) {
	e.after[s.hdr] = append(e.after[s.hdr], lines...)
}

// Append adds lines at the end of the file, each ended with the file's
// line break, after a line break if the file lacks a final one and after a
// blank line if the file does not end with one.
func (e *Edit) Append(lines ...string) { e.tail = append(e.tail, lines...) }

// Changed reports whether the edit changes anything.
func (e *Edit) Changed() bool { return len(e.drop) > 0 || len(e.after) > 0 || len(e.tail) > 0 }

// Bytes returns the edited file. Every line not removed is copied byte for
// byte, its line break included. Removing the last line leaves the line
// before it as it was, so a file that lacked a final newline then ends
// with one.
func (e *Edit) Bytes() []byte {
	f := e.f
	nl := f.Newline()
	var b strings.Builder
	b.Grow(len(f.data) + 256)
	lastKept := -1 // the last line written, for the tail
	for i, ln := range f.lines {
		if !e.drop[i] {
			b.WriteString(f.data[ln.start:ln.end])
			lastKept = i
		}
		if ins := e.after[i]; len(ins) > 0 {
			if !ln.terminated() {
				b.WriteString(nl)
			}
			for _, l := range ins {
				b.WriteString(l + nl)
			}
			lastKept = -2 // ends with an inserted line, never blank
		}
	}
	if len(e.tail) > 0 {
		if b.Len() > 0 {
			if lastKept >= 0 {
				ln := f.lines[lastKept]
				if !ln.terminated() {
					b.WriteString(nl)
				}
				if inilex.TrimSpace(strings.TrimPrefix(ln.text, "\ufeff")) != "" {
					b.WriteString(nl)
				}
			} else {
				b.WriteString(nl)
			}
		}
		for _, l := range e.tail {
			b.WriteString(l + nl)
		}
	}
	return []byte(b.String())
}

func indentOf(s string) int {
	i := 0
	for i < len(s) && inilex.IsSpace(s[i]) {
		i++
	}
	return i
}

// parseHeader returns the trimmed name between the brackets of a header
// line (t starts with "["), or what is wrong with it.
func parseHeader(t string) (name, msg string) {
	t = inilex.TrimSpace(t[:inilex.CommentStart(t)])
	if t[len(t)-1] != ']' {
		if strings.IndexByte(t, ']') >= 0 {
			return "", "unexpected text after the section header"
		}
		return "", `section header has no closing "]"`
	}
	name = inilex.TrimSpace(t[1 : len(t)-1])
	if name == "" {
		return "", "empty section name"
	}
	return name, ""
}

// safeName returns s when it is short and looks like a name, else a
// placeholder: a malformed line may hold a secret.
func safeName(s string) string {
	if len(s) > 70 {
		return "(a section)"
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c > '~' {
			return "(a section)"
		}
	}
	if awsconfig.LooksSecret(s) {
		return "(a section)"
	}
	return s
}

// keyWord names a key in a message: "key NAME" when it looks like a key
// name, else "a key".
func keyWord(raw string) string {
	k := strings.ToLower(inilex.TrimSpace(raw))
	if k == "" || len(k) > 40 || awsconfig.LooksSecret(k) {
		return "a key"
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return "a key"
		}
	}
	return "key " + k
}
