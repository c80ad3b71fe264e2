package awsconfig

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		line   int
		msg    string // the whole Msg, or a prefix ending in "..." checked with HasPrefix
		secret string // must not appear in the error or its hints
	}{
		{
			name: "garbage line",
			text: "[default]\nregion = eu-west-1\ngarbage\n",
			line: 3,
			msg:  `expected "key = value", found "garbage"`,
		},
		{
			name:   "garbage that looks like a secret key is not echoed",
			text:   "[default]\n# pasted by mistake:\nwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
			line:   3,
			msg:    `expected "key = value"`,
			secret: "wJalrXUtnFEMI",
		},
		{
			name:   "long garbage is truncated",
			text:   "[default]\nthis line is a long piece of prose with no delimiter in it at all\n",
			line:   2,
			msg:    `expected "key = value", found "this line is a long piec..."`,
			secret: "delimiter",
		},
		{
			name: "unterminated section header",
			text: "[default]\nregion = x\n\n[profile prod\nregion = y\n",
			line: 4,
			msg:  `section header has no closing "]", found "[profile prod"`,
		},
		{
			name: "text after section header",
			text: "[profile prod] junk\n",
			line: 1,
			msg:  `unexpected text after the section header, found "[profile prod] junk"`,
		},
		{
			name: "empty section name",
			text: "[default]\n[ ]\n",
			line: 2,
			msg:  "empty section name",
		},
		{
			name:   "key before any section",
			text:   "# top\n\nregion = eu-secret-1\n[default]\n",
			line:   3,
			msg:    `key "region" appears before any [section] header`,
			secret: "eu-secret-1",
		},
		{
			name:   "secret key before any section",
			text:   "aws_secret_access_key = TOPSECRETVALUE123456\n",
			line:   1,
			msg:    `key "aws_secret_access_key" appears before any [section] header`,
			secret: "TOPSECRETVALUE",
		},
		{
			name:   "key name that looks like a secret is not echoed",
			text:   "AKIAIOSFODNN7EXAMPLEwJalrXUtnFEMI/K7MDENG = x\n[default]\n",
			line:   1,
			msg:    "a key appears before any [section] header",
			secret: "AKIAIOSFODNN7",
		},
		{
			name:   "missing key name",
			text:   "[default]\n = hunter2\n",
			line:   2,
			msg:    `missing key name before "="`,
			secret: "hunter2",
		},
		{
			name: "nested line without delimiter",
			text: "[services mine]\nsts =\n  endpoint_url = https://x\n  oops\n",
			line: 4,
			msg:  `expected "key = value" in a nested sub-section, found "oops"`,
		},
		{
			name:   "nested line without key",
			text:   "[services mine]\nsts =\n  = hunter2\n",
			line:   3,
			msg:    `missing key name before "="`,
			secret: "hunter2",
		},
		{
			name: "duplicate section",
			text: "[profile a]\nregion = x\n[profile b]\n[profile a]\n",
			line: 4,
			msg:  "duplicate section [profile a], first at line 1",
		},
		{
			name: "duplicate section with different spacing",
			text: "[profile a]\n[profile   a ]\n",
			line: 2,
			msg:  "duplicate section [profile   a], first at line 1",
		},
		{
			name: "duplicate section with a long name is shortened",
			text: "[profile " + strings.Repeat("x", 100) + "]\n[profile " + strings.Repeat("x", 100) + "]\n",
			line: 2,
			msg:  "duplicate section [profile " + strings.Repeat("x", 56) + "...], first at line 1",
		},
		{
			name: "duplicate default",
			text: "[default]\n\n[default]\n",
			line: 3,
			msg:  "duplicate section [default], first at line 1",
		},
		{
			name: "duplicate sso-session",
			text: "[sso-session s]\n[sso-session s]\n",
			line: 2,
			msg:  "duplicate section [sso-session s], first at line 1",
		},
		{
			name: "duplicate other section",
			text: "[plugins]\n[plugins]\n",
			line: 2,
			msg:  "duplicate section [plugins], first at line 1",
		},
		{
			name: "line numbers count CRLF lines",
			text: "[default]\r\nregion = x\r\n\r\nbad line\r\n",
			line: 4,
			msg:  `expected "key = value", found "bad line"`,
		},
		{
			name: "line numbers count lone CR lines",
			text: "[default]\rregion = x\rbad\r",
			line: 3,
			msg:  `expected "key = value", found "bad"`,
		},
		{
			name: "line numbers after a BOM",
			text: "\ufeff[default]\nbad\n",
			line: 2,
			msg:  `expected "key = value", found "bad"`,
		},
		{
			name: "BOM not at the start is not skipped",
			text: "[default]\n\ufeffbad\n",
			line: 2,
			msg:  `expected "key = value", found "\ufeffbad"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(testPath, []byte(tt.text))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse error = %v, want a *ParseError", err)
			}
			if pe.Line != tt.line || pe.Path != testPath {
				t.Errorf("error at %s line %d, want %s line %d", pe.Path, pe.Line, testPath, tt.line)
			}
			if pe.Msg != tt.msg {
				t.Errorf("Msg = %q, want %q", pe.Msg, tt.msg)
			}
			wantErr := testPath + " line " + itoa(tt.line) + ": " + tt.msg
			if err.Error() != wantErr {
				t.Errorf("Error() = %q, want %q", err.Error(), wantErr)
			}
			if !hintsContain(err, "fix line "+itoa(tt.line)+" of "+testPath) || !hintsContain(err, docsURL) {
				t.Errorf("hints = %q, want the line to fix and the docs", hintsOf(err))
			}
			if tt.secret != "" {
				all := err.Error() + strings.Join(hintsOf(err), "\n")
				if strings.Contains(all, tt.secret) {
					t.Errorf("error echoes %q: %s", tt.secret, all)
				}
			}
		})
	}
}

func TestDuplicateKeyReportedOnResolve(t *testing.T) {
	f := mustParse(t, "[profile a]\nregion = x\n\n[profile b]\nregion = hunter2\nRegion = eu-west-1\n")
	if _, err := f.Resolve("a"); err != nil {
		t.Fatalf("profile a has no duplicate: %v", err)
	}
	for range 2 { // the second call is served from the cache
		_, err := f.Resolve("b")
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("err = %v, want *ParseError", err)
		}
		if pe.Line != 6 || pe.Msg != `duplicate key "region" in [profile b], first at line 5` {
			t.Errorf("got line %d %q", pe.Line, pe.Msg)
		}
		if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "eu-west-1") {
			t.Errorf("error echoes a value: %v", err)
		}
	}
}

func TestCommentsAndInlineComments(t *testing.T) {
	text := `# a comment
; another
   # indented comment
[profile alice]   # the IAM user
region = eu-west-1 # trailing comment
mfa_serial = arn:aws:iam::111111111111:mfa/alice	; tab before semicolon
external_id = abc#def;ghi
role_session_name =#notacomment
source_identity = # only a comment
  ; an indented comment inside the section
mfa_process=ykman oath accounts code -s aws #c
`
	p := mustResolve(t, text, "alice")
	want := map[string]string{
		"region":            "eu-west-1",
		"mfa_serial":        "arn:aws:iam::111111111111:mfa/alice",
		"external_id":       "abc#def;ghi",
		"role_session_name": "#notacomment",
		"source_identity":   "",
		"mfa_process":       "ykman oath accounts code -s aws",
	}
	if !reflect.DeepEqual(p.Keys, want) {
		t.Errorf("Keys = %q\nwant   %q", p.Keys, want)
	}
	if p.Region != "eu-west-1" || p.ExternalID != "abc#def;ghi" || p.SourceIdentity != "" || p.RoleSessionName != "#notacomment" {
		t.Errorf("profile = %+v", p)
	}
	if p.Line != 4 {
		t.Errorf("Line = %d, want 4", p.Line)
	}
}

func TestColonDelimiterAndKeyCase(t *testing.T) {
	text := "[profile a]\nRegion: eu-west-1\nrole_arn: arn:aws:iam::1:role/x\nSource_Profile = a\nmfa_serial=arn:aws:iam::1:mfa/a\n"
	p := mustResolve(t, text, "a")
	if p.Region != "eu-west-1" || p.RoleARN != "arn:aws:iam::1:role/x" || p.SourceProfile != "a" || p.MFASerial != "arn:aws:iam::1:mfa/a" {
		t.Errorf("profile = %+v", p)
	}
	if _, ok := p.Keys["Region"]; ok {
		t.Error("keys must be lowercased")
	}
}

func TestUnknownKeysIgnored(t *testing.T) {
	text := `[profile a]
region = us-east-1
cli_pager =
output = json
s3 =
  max_concurrent_requests = 10
  Multipart_Threshold = 64MB
some_future_key = whatever: with = delimiters
[plugins]
cli_legacy_plugin_path = /x
[preview]
cloudfront = true
`
	f := mustParse(t, text)
	p, err := f.Resolve("a")
	if err != nil {
		t.Fatal(err)
	}
	if p.Region != "us-east-1" {
		t.Errorf("Region = %q", p.Region)
	}
	if p.Keys["s3.max_concurrent_requests"] != "10" || p.Keys["s3.multipart_threshold"] != "64MB" || p.Keys["output"] != "json" {
		t.Errorf("Keys = %q", p.Keys)
	}
	if p.Keys["some_future_key"] != "whatever: with = delimiters" {
		t.Errorf("only the first delimiter splits: %q", p.Keys["some_future_key"])
	}
	if got := f.ProfileNames(); !reflect.DeepEqual(got, []string{"a"}) {
		t.Errorf("ProfileNames = %q, other sections are not profiles", got)
	}
	if f.Has("plugins") || f.Has("preview") {
		t.Error("other sections must not be profiles")
	}
}

func TestContinuationLines(t *testing.T) {
	text := "[profile a]\nsession_tags = team=blue,\n    env=prod\n\n  project=x\nregion = eu-west-1\n  [profile looks-like-a-header]\n"
	f := mustParse(t, text)
	p, err := f.Resolve("a")
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"team": "blue", "env": "prod", "project": "x"}; !reflect.DeepEqual(p.SessionTags, want) {
		t.Errorf("SessionTags = %q, want %q", p.SessionTags, want)
	}
	if p.Region != "eu-west-1\n[profile looks-like-a-header]" {
		t.Errorf("an indented line after a value continues it, as in configparser: Region = %q", p.Region)
	}
	if f.Has("looks-like-a-header") {
		t.Error("a continuation line is not a header")
	}
}

func TestIndentedKeysAtSameLevel(t *testing.T) {
	// Indentation only continues a value when deeper than the key's own.
	p := mustResolve(t, "[default]\n  region = eu-west-1\n  mfa_serial = m\n", "default")
	if p.Region != "eu-west-1" || p.MFASerial != "m" {
		t.Errorf("profile = %+v", p)
	}
}

func TestLineEndingsAndBOM(t *testing.T) {
	base := "[profile a]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::1:mfa/a\n\n[profile b]\nrole_arn = arn:aws:iam::2:role/r\nsource_profile = a\n"
	variants := map[string]string{
		"LF":       base,
		"CRLF":     strings.ReplaceAll(base, "\n", "\r\n"),
		"CR":       strings.ReplaceAll(base, "\n", "\r"),
		"BOM":      "\ufeff" + base,
		"BOM+CRLF": "\ufeff" + strings.ReplaceAll(base, "\n", "\r\n"),
		"no final": strings.TrimSuffix(base, "\n"),
	}
	for name, text := range variants {
		t.Run(name, func(t *testing.T) {
			f := mustParse(t, text)
			if got := f.ProfileNames(); !reflect.DeepEqual(got, []string{"a", "b"}) {
				t.Fatalf("ProfileNames = %q", got)
			}
			p, err := f.Resolve("b")
			if err != nil {
				t.Fatal(err)
			}
			if p.Region != "eu-west-1" || p.MFASerial != "arn:aws:iam::1:mfa/a" || p.SourceProfile != "a" || p.RoleARN != "arn:aws:iam::2:role/r" {
				t.Errorf("profile = %+v", p)
			}
			if p.Line != 5 || p.Source.Line != 1 {
				t.Errorf("lines = %d, %d, want 5, 1", p.Line, p.Source.Line)
			}
		})
	}
}

func TestSectionNames(t *testing.T) {
	text := `[default]
[profile a]
[profile  spaced name ]
[profile "quoted name"]
[ profile padded ]
[profile	tabbed]
[Profile capital]
[profilenospace]
[profile]
[sso-session corp]
[services local]
[DEFAULT]
`
	f := mustParse(t, text)
	want := []string{"default", "a", "spaced name", "quoted name", "padded", "tabbed"}
	if got := f.ProfileNames(); !reflect.DeepEqual(got, want) {
		t.Errorf("ProfileNames = %q, want %q", got, want)
	}
	for _, n := range []string{"capital", "profilenospace", "corp", "local", "DEFAULT", "profile"} {
		if f.Has(n) {
			t.Errorf("Has(%q) = true", n)
		}
	}
}

func TestDefaultProfileSections(t *testing.T) {
	t.Run("profile default alone", func(t *testing.T) {
		f := mustParse(t, "[profile default]\nregion = eu-west-1\n")
		if got := f.ProfileNames(); !reflect.DeepEqual(got, []string{"default"}) {
			t.Errorf("ProfileNames = %q", got)
		}
		p, err := f.Resolve("default")
		if err != nil || p.Region != "eu-west-1" || p.Name != "default" {
			t.Fatalf("Resolve = %+v, %v", p, err)
		}
	})
	for _, order := range []string{
		"[profile default]\nregion = winner\n[default]\nregion = loser\n",
		"[default]\nregion = loser\n[profile default]\nregion = winner\n",
	} {
		f := mustParse(t, order)
		if got := f.ProfileNames(); !reflect.DeepEqual(got, []string{"default"}) {
			t.Errorf("ProfileNames = %q", got)
		}
		p, err := f.Resolve("default")
		if err != nil || p.Region != "winner" {
			t.Errorf("[profile default] must win over [default]: %+v, %v", p, err)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(filepath.Join(dir, "missing"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load(missing) = %v, want fs.ErrNotExist", err)
	}
	path := filepath.Join(dir, "config")
	if err := os.WriteFile(path, []byte("[default]\nregion = eu-west-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Path != path || !f.Has("default") {
		t.Errorf("Load = %+v", f)
	}
	if err := os.WriteFile(path, []byte("[default\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var pe *ParseError
	if _, err := Load(path); !errors.As(err, &pe) || pe.Path != path {
		t.Errorf("Load(bad) = %v", err)
	}
}

func TestEmptyFile(t *testing.T) {
	for _, text := range []string{"", "\ufeff", "\n\n# only comments\n"} {
		f := mustParse(t, text)
		if n := f.ProfileNames(); n != nil {
			t.Errorf("ProfileNames = %q", n)
		}
		if _, err := f.Resolve("default"); !errors.Is(err, ErrProfileNotFound) {
			t.Errorf("Resolve = %v", err)
		}
	}
}
