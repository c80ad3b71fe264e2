package awsconfig

import (
	"strings"

	"github.com/stscred/stscred/internal/base/hint"

	"github.com/stscred/stscred/internal/config/inilex"
)

// The parser works in two stages, both over the file's text without copying
// lines:
//
//   - scan, run once by Parse, checks the syntax of every line and records
//     each section's header line and byte range;
//   - parseBody, run lazily for the sections a resolution touches, turns a
//     section's lines into key/value entries.
//
// Both stages apply the same line rules: parseBody through classify, scan
// through an inlined copy of it (it runs for every line of the file);
// FuzzParse checks that they agree. The rules follow Python's configparser as botocore uses it
// (delimiters "=" and ":", "#" and ";" full-line comments, continuation by
// deeper indentation, nested sub-sections after an empty value), plus inline
// comments as the AWS SDK for Go v2 strips them.

// sectionKind is what a section header declares.
type sectionKind uint8

const (
	kindOther       sectionKind = iota // any other [name]: not a profile, ignored
	kindProfile                        // [profile NAME]
	kindBareDefault                    // [default]
	kindSSOSession                     // [sso-session NAME]
	kindServices                       // [services NAME]
)

// sectionKey identifies a section for lookups and duplicate detection.
type sectionKey struct {
	kind sectionKind
	name string
}

// section is one [header] and its body, as scan records it: small, as a
// file may have thousands.
type section struct {
	kind  sectionKind
	name  string // profile/session/services name; the header text for kindOther
	line  int    // line of the header
	hdr   int    // byte offset of the header line
	start int    // byte offset of the first body line
	end   int    // byte offset just past the body
}

// parsedSection is a section's keys, parsed on first use.
type parsedSection struct {
	ents []entry
	err  error
}

// entry is one key of a section.
type entry struct {
	key    string  // lowercased
	value  string  // inline comment stripped, trimmed; continuation lines joined by "\n"
	line   int     // line of the key
	from   string  // the profile it was included from; "" for the section's own keys
	nested []entry // "key =" followed by indented "sub = value" lines
}

// lineKind classifies one line of the file.
type lineKind uint8

const (
	lineBlank lineKind = iota
	lineComment
	lineHeader
	lineKeyValue
	lineInvalid
)

// parsedLine is a classified line. Its strings are substrings of the file.
type parsedLine struct {
	kind   lineKind
	indent int    // leading spaces and tabs
	text   string // the line without its indentation
	key    string // lineKeyValue: text before the first "=" or ":", right-trimmed
	value  string // lineKeyValue: raw text after the delimiter
}

// classify works out what a line is without allocating.
func classify(text string) parsedLine {
	i := 0
	for i < len(text) && inilex.IsSpace(text[i]) {
		i++
	}
	pl := parsedLine{indent: i, text: text[i:]}
	if i == len(text) {
		pl.kind = lineBlank
		return pl
	}
	switch text[i] {
	case '#', ';':
		pl.kind = lineComment
		return pl
	case '[':
		pl.kind = lineHeader
		return pl
	}
	if j := delimiter(pl.text); j >= 0 {
		pl.kind = lineKeyValue
		pl.key = inilex.TrimSpace(pl.text[:j])
		pl.value = pl.text[j+1:]
		return pl
	}
	pl.kind = lineInvalid
	return pl
}

// delimiter returns the index of the first "=" or ":" in t, or -1.
func delimiter(t string) int {
	for j := 0; j < len(t); j++ {
		if t[j] == '=' || t[j] == ':' {
			return j
		}
	}
	return -1
}

// splitKeyValue splits an already-indentation-stripped line at its first
// delimiter; ok is false when there is none.
func splitKeyValue(t string) (key, value string, ok bool) {
	if j := delimiter(t); j >= 0 {
		return inilex.TrimSpace(t[:j]), t[j+1:], true
	}
	return "", "", false
}

// valueIsEmpty is inilex.CleanValue(raw) == "" without the work of finding a
// comment further along.
func valueIsEmpty(raw string) bool {
	i := 0
	for i < len(raw) && inilex.IsSpace(raw[i]) {
		i++
	}
	return i == len(raw) || i > 0 && (raw[i] == '#' || raw[i] == ';')
}

// lineReader yields the lines of s[pos:end], ending lines at "\n", "\r\n"
// or a lone "\r" (as Python's universal newlines do).
type lineReader struct {
	s   string
	pos int
	end int
	n   int  // number of the line last returned
	cr  bool // s holds a "\r" somewhere; when not, lines need no check for one
}

func (r *lineReader) next() (string, bool) {
	if r.pos >= r.end {
		return "", false
	}
	rest := r.s[r.pos:r.end]
	text, adv := rest, len(rest)
	if i := strings.IndexByte(rest, '\n'); i >= 0 {
		text, adv = rest[:i], i+1
	}
	if r.cr {
		if j := strings.IndexByte(text, '\r'); j >= 0 {
			if j < len(text)-1 {
				adv = j + 1 // a lone CR ends the line
			}
			text = text[:j]
		}
	}
	r.pos += adv
	r.n++
	return text, true
}

// parseHeader checks a header line (text starts with "[") and returns the
// trimmed name between the brackets, or a message saying what is wrong.
func parseHeader(text string) (inner, msg string) {
	t := text[:inilex.CommentStart(text)]
	t = inilex.TrimSpace(t)
	if t[len(t)-1] != ']' {
		if strings.IndexByte(t, ']') >= 0 {
			return "", "unexpected text after the section header" + found(text)
		}
		return "", `section header has no closing "]"` + found(text)
	}
	inner = inilex.TrimSpace(t[1 : len(t)-1])
	if inner == "" {
		return "", "empty section name"
	}
	return inner, ""
}

// cutWord returns the rest of s after the word w and some whitespace.
func cutWord(s, w string) (string, bool) {
	if len(s) > len(w) && s[:len(w)] == w && inilex.IsSpace(s[len(w)]) {
		return inilex.TrimSpace(s[len(w):]), true
	}
	return "", false
}

// unquote strips one pair of matching quotes, as botocore's shlex split of
// `profile "my name"` does.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// classifySection maps a header's text to its kind and name.
func classifySection(inner string) (sectionKind, string) {
	if inner == "default" {
		return kindBareDefault, "default"
	}
	if rest, ok := cutWord(inner, "profile"); ok {
		if name := unquote(rest); name != "" {
			return kindProfile, name
		}
	} else if rest, ok := cutWord(inner, "sso-session"); ok {
		return kindSSOSession, unquote(rest)
	} else if rest, ok := cutWord(inner, "services"); ok {
		return kindServices, unquote(rest)
	}
	return kindOther, inner
}

// scan validates the syntax of the whole text and records the sections.
func scan(f *File) error {
	s := f.text
	f.cr = strings.IndexByte(s, '\r') >= 0
	r := lineReader{s: s, end: len(s), cr: f.cr}
	if strings.HasPrefix(s, "\ufeff") {
		r.pos = 3
	}
	f.sections = make([]section, 0, len(s)/128+1)
	f.index = make(map[sectionKey]int, len(s)/128+1)
	cur := -1
	haveKey, nested := false, false
	keyIndent := 0
	for {
		lineStart := r.pos
		text, ok := r.next()
		if !ok {
			break
		}
		// What classify does, without building a parsedLine: this loop
		// runs for every line of the file.
		i := 0
		for i < len(text) && inilex.IsSpace(text[i]) {
			i++
		}
		if i == len(text) || text[i] == '#' || text[i] == ';' {
			continue // blank or comment
		}
		t := text[i:]
		if haveKey && i > keyIndent {
			// A continuation of the last key's value, or a line of its
			// nested sub-section.
			if nested {
				if j := delimiter(t); j < 0 {
					return f.parseError(r.n, `expected "key = value" in a nested sub-section`+found(t))
				} else if j == 0 {
					return f.parseError(r.n, `missing key name before "="`)
				}
			}
			continue
		}
		if t[0] == '[' {
			inner, msg := parseHeader(t)
			if msg != "" {
				return f.parseError(r.n, msg)
			}
			if cur >= 0 {
				f.sections[cur].end = lineStart
			}
			kind, name := classifySection(inner)
			key := sectionKey{kind, name}
			n := len(f.index)
			f.index[key] = len(f.sections) // one map operation per section
			if len(f.index) == n {
				return f.parseError(r.n, "duplicate section ["+shorten(inner, 64)+"], first at line "+itoa(f.firstLine(key)))
			}
			f.sections = append(f.sections, section{kind: kind, name: name, line: r.n, hdr: lineStart, start: r.pos, end: len(s)})
			cur = len(f.sections) - 1
			haveKey = false
			continue
		}
		j := delimiter(t)
		switch {
		case j < 0:
			return f.parseError(r.n, `expected "key = value"`+found(t))
		case cur < 0:
			what := "a key"
			if k := safeKey(inilex.TrimSpace(t[:j])); k != "" {
				what = "key " + k
			}
			return f.parseError(r.n, what+" appears before any [section] header")
		case j == 0: // t[0] is not a space, so the key is empty only here
			return f.parseError(r.n, `missing key name before "="`)
		}
		haveKey, nested, keyIndent = true, valueIsEmpty(t[j+1:]), i
	}
	return nil
}

// parseError builds a *ParseError with its hint.
func (f *File) parseError(line int, msg string) error {
	return hint.With(&ParseError{Path: f.Path, Line: line, Msg: msg},
		"fix line "+itoa(line)+" of "+f.Path+"; see "+docsURL)
}

// firstLine returns the header line of the first section with key (for
// the duplicate section error).
func (f *File) firstLine(key sectionKey) int {
	for _, s := range f.sections {
		if s.kind == key.kind && s.name == key.name {
			return s.line
		}
	}
	return 0
}

// header returns the text between the brackets of sec's header.
func (f *File) header(sec *section) string {
	r := lineReader{s: f.text, pos: sec.hdr, end: sec.start, cr: f.cr}
	text, _ := r.next()
	inner, _ := parseHeader(classify(text).text)
	return inner
}

// entries returns the keys of section i, parsing it on first use.
// The caller holds f.mu.
func (f *File) entries(i int) ([]entry, error) {
	if ps, ok := f.parsed[i]; ok {
		return ps.ents, ps.err
	}
	if f.parsed == nil {
		f.parsed = make(map[int]parsedSection)
	}
	ents, err := f.parseBody(&f.sections[i])
	f.parsed[i] = parsedSection{ents, err}
	return ents, err
}

// parseBody turns a section's lines into entries. scan has already checked
// the syntax, so only duplicate keys are reported here.
func (f *File) parseBody(sec *section) ([]entry, error) {
	r := lineReader{s: f.text, pos: sec.start, end: sec.end, n: sec.line, cr: f.cr}
	ents := make([]entry, 0, 8)
	last, keyIndent, nested := -1, 0, false
	for {
		text, ok := r.next()
		if !ok {
			break
		}
		pl := classify(text)
		if pl.kind == lineBlank || pl.kind == lineComment {
			continue
		}
		if last >= 0 && pl.indent > keyIndent {
			e := &ents[last]
			if nested {
				k, v, _ := splitKeyValue(pl.text)
				k = strings.ToLower(k)
				v = inilex.CleanValue(v)
				replaced := false
				for n := range e.nested {
					if e.nested[n].key == k {
						e.nested[n].value, e.nested[n].line = v, r.n
						replaced = true
					}
				}
				if !replaced {
					e.nested = append(e.nested, entry{key: k, value: v, line: r.n})
				}
			} else if v := inilex.CleanValue(pl.text); v != "" {
				e.value += "\n" + v
			}
			continue
		}
		if pl.kind != lineKeyValue || pl.key == "" {
			// scan accepted the file, so this cannot happen; report it
			// rather than misread the section.
			return nil, f.parseError(r.n, `expected "key = value"`+found(pl.text))
		}
		key := strings.ToLower(pl.key)
		for _, e := range ents {
			if e.key == key {
				what := "a key"
				if k := safeKey(key); k != "" {
					what = "key " + k
				}
				return nil, f.parseError(r.n, "duplicate "+what+" in ["+shorten(f.header(sec), 64)+"], first at line "+itoa(e.line))
			}
		}
		v := inilex.CleanValue(pl.value)
		ents = append(ents, entry{key: key, value: v, line: r.n})
		last, keyIndent, nested = len(ents)-1, pl.indent, v == ""
	}
	return ents, nil
}

// find returns the entry for key.
func find(ents []entry, key string) (entry, bool) {
	for _, e := range ents {
		if e.key == key {
			return e, true
		}
	}
	return entry{}, false
}
