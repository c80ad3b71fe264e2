package credfile

import (
	"errors"
	"strings"
	"testing"
)

func mustParse(t *testing.T, s string) *File {
	t.Helper()
	f, err := Parse("credentials", []byte(s))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return f
}

// removeKeys drops the given keys of the given section.
func removeKeys(t *testing.T, f *File, section string, keys ...string) string {
	t.Helper()
	s := f.Section(section)
	if s == nil {
		t.Fatalf("no section [%s]", section)
	}
	e := f.Edit()
	for _, k := range keys {
		key := s.Key(k)
		if key == nil {
			t.Fatalf("[%s] has no %s", section, k)
		}
		e.RemoveKey(key)
	}
	return string(e.Bytes())
}

// Removing keys takes out exactly their lines; every other byte stays:
// comments (full-line and inline), blank lines, CRLF, a lone CR, odd
// spacing, unknown keys, identical-looking lines in other sections, and a
// missing final newline.
func TestRemovePreservesEverythingElse(t *testing.T) {
	cases := []struct{ name, in, section, want string }{
		{
			name: "comments, blank lines, other sections with the same lines",
			in: "# my keys\n\n[default]\naws_access_key_id = AKIAAAAAAAAAAAAAAAAA\n; the secret:\naws_secret_access_key = s3cr3t/AAAA+BBBB\nregion = eu-west-1\n\n" +
				"[other]\naws_access_key_id = AKIAAAAAAAAAAAAAAAAA\naws_secret_access_key = s3cr3t/AAAA+BBBB\n",
			section: "default",
			want: "# my keys\n\n[default]\n; the secret:\nregion = eu-west-1\n\n" +
				"[other]\naws_access_key_id = AKIAAAAAAAAAAAAAAAAA\naws_secret_access_key = s3cr3t/AAAA+BBBB\n",
		},
		{
			name:    "CRLF",
			in:      "[a]\r\naws_access_key_id=AKIAAAAAAAAAAAAAAAAA\r\n  # indented comment\r\naws_secret_access_key=x\r\nx = 1\r\n",
			section: "a",
			want:    "[a]\r\n  # indented comment\r\nx = 1\r\n",
		},
		{
			name:    "lone CR line ends",
			in:      "[a]\raws_access_key_id = AKIAAAAAAAAAAAAAAAAA\raws_secret_access_key = x\rk = v\r",
			section: "a",
			want:    "[a]\rk = v\r",
		},
		{
			name:    "no final newline, keys last",
			in:      "[a]\nregion = x\naws_access_key_id = AKIAAAAAAAAAAAAAAAAA\naws_secret_access_key = x",
			section: "a",
			want:    "[a]\nregion = x\n",
		},
		{
			name:    "no final newline, other line last",
			in:      "[a]\naws_access_key_id = AKIAAAAAAAAAAAAAAAAA\naws_secret_access_key = x\nregion = x",
			section: "a",
			want:    "[a]\nregion = x",
		},
		{
			name:    "odd spacing, colon delimiter, tabs, upper-case key, inline comment",
			in:      "[ a ]   # profile a\n\t AWS_Access_Key_ID\t:AKIAAAAAAAAAAAAAAAAA   \n  aws_secret_access_key  =  x ; old\n  region=eu\n",
			section: "a",
			want:    "[ a ]   # profile a\n  region=eu\n",
		},
		{
			name:    "continuation lines go with their key",
			in:      "[a]\naws_access_key_id = AKIAAAAAAAAAAAAAAAAA\naws_secret_access_key = x\n  more\n# note\n  still more\ns3 =\n  max_concurrent_requests = 2\n",
			section: "a",
			want:    "[a]\n# note\ns3 =\n  max_concurrent_requests = 2\n",
		},
		{
			name:    "BOM kept",
			in:      "\ufeff[a]\naws_access_key_id = AKIAAAAAAAAAAAAAAAAA\naws_secret_access_key = x\n",
			section: "a",
			want:    "\ufeff[a]\n",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := mustParse(t, tc.in)
			got := removeKeys(t, f, tc.section, "aws_access_key_id", "aws_secret_access_key")
			if got != tc.want {
				t.Fatalf("got  %q\nwant %q", got, tc.want)
			}
			// An empty edit gives back the very bytes.
			if same := string(f.Edit().Bytes()); same != tc.in {
				t.Fatalf("an empty edit changed the file: %q", same)
			}
		})
	}
}

func TestValues(t *testing.T) {
	f := mustParse(t, "[default]\naws_access_key_id = AKIAAAAAAAAAAAAAAAAA # work\nAWS_SECRET_ACCESS_KEY: abc/def+ghi\n[b]\nx = 1\n  2\ns3 =\n  a = b\n")
	d := f.Section("default")
	if d == nil || d.Line != 1 || len(d.Keys) != 2 {
		t.Fatalf("default: %+v", d)
	}
	if k := d.Key("aws_access_key_id"); k.Value != "AKIAAAAAAAAAAAAAAAAA" || k.Line != 2 {
		t.Fatalf("id: %q line %d", k.Value, k.Line)
	}
	if k := d.Key("aws_secret_access_key"); k.Value != "abc/def+ghi" || k.Line != 3 {
		t.Fatalf("secret: %q line %d", k.Value, k.Line)
	}
	b := f.Section("b")
	if b.Key("x").Value != "1\n2" || b.Key("s3").Value != "" || b.Key("a") != nil {
		t.Fatalf("b: x=%q s3=%q", b.Key("x").Value, b.Key("s3").Value)
	}
	if f.SectionAt(4) != b || f.SectionAt(2) != nil {
		t.Fatal("SectionAt")
	}
}

// Parse errors name the line, never its text (which may be a secret).
func TestParseErrors(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	cases := []struct{ in, want string }{
		{"aws_secret_access_key = " + secret + "\n[a]\n", "line 1: key aws_secret_access_key appears before any [section] header"},
		{"[a]\n" + secret + "\n", `line 2: expected "key = value"`},
		{"[a]\n= " + secret + "\n", "line 2: missing key name"},
		{"[a\n", `line 1: section header has no closing "]"`},
		{"[a] " + secret + "\n", "line 1: unexpected text after the section header"},
		{"[]\n", "line 1: empty section name"},
		{"[a]\nk = 1\n[b]\n[a]\n", "line 4: duplicate section [a], first at line 1"},
		{"[a]\naws_access_key_id = 1\nAWS_ACCESS_KEY_ID = " + secret + "\n", "line 3: duplicate key aws_access_key_id in [a], first at line 2"},
		{"[a]\n" + secret + " = 1\n" + secret + " = 2\n", "line 3: duplicate a key in [a]"},
		{"[" + secret + "]\n[" + secret + "]\n", "line 2: duplicate section (a section)"},
	}
	for _, tc := range cases {
		_, err := Parse("creds", []byte(tc.in))
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%q: want a ParseError, got %v", tc.in, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %q, want %q", tc.in, err, tc.want)
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "K7MDENG") {
			t.Errorf("%q: the error echoes the secret: %v", tc.in, err)
		}
	}
}

func TestInsertAndAppend(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"empty file", "", "B\n[profile x]\nE\n"},
		{"no final newline", "[profile a]\nk = v", "[profile a]\n  I\nk = v\n\nB\n[profile x]\nE\n"},
		{"ends with blank line", "[profile a]\nk = v\n\n", "[profile a]\n  I\nk = v\n\nB\n[profile x]\nE\n"},
		{"header is the last line, CRLF", "x = 1\r\n[profile a]", "x = 1\r\n[profile a]\r\n  I\r\n\r\nB\r\n[profile x]\r\nE\r\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if tc.name == "header is the last line, CRLF" {
				in = "[s]\r\n" + in // a key needs a section
				tc.want = "[s]\r\n" + tc.want
			}
			f := mustParse(t, in)
			e := f.Edit()
			if s := f.Section("profile a"); s != nil {
				e.InsertAfterHeader(s, "  I")
			}
			e.Append("B", "[profile x]", "E")
			if !e.Changed() {
				t.Fatal("Changed is false")
			}
			if got := string(e.Bytes()); got != tc.want {
				t.Fatalf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
	if mustParse(t, "[a]\n").Edit().Changed() {
		t.Fatal("an empty edit reports a change")
	}
}

// Indent is the first key's indentation, so that a line inserted after the
// header is a key of its own, not a continuation.
func TestIndent(t *testing.T) {
	f := mustParse(t, "[a]\n# c\n\t  region = x\n[b]\n")
	if got := f.Section("a").Indent(); got != "\t  " {
		t.Fatalf("indent %q", got)
	}
	if got := f.Section("b").Indent(); got != "" {
		t.Fatalf("indent of an empty section %q", got)
	}
	e := f.Edit()
	e.InsertAfterHeader(f.Section("a"), f.Section("a").Indent()+"credential_process = x")
	g := mustParse(t, string(e.Bytes()))
	if k := g.Section("a").Key("credential_process"); k == nil || k.Value != "x" || g.Section("a").Key("region").Value != "x" {
		t.Fatalf("after the insert: %q", e.Bytes())
	}
}

func TestNewline(t *testing.T) {
	for in, want := range map[string]string{"": "\n", "[a]": "\n", "[a]\r\nk=v\n": "\r\n", "[a]\rk=v\n": "\r", "[a]\n": "\n"} {
		if got := mustParse(t, in).Newline(); got != want {
			t.Errorf("%q: %q", in, got)
		}
	}
}
