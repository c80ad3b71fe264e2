package credfile

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// FuzzParse reads a credentials (or config) file as a user or another
// tool left it, and makes the edits stscred import makes. It holds: no
// panic; an error names a line of the file; an empty edit gives back the
// file byte for byte; removing any one key leaves every other key of
// every section as it was; inserting a key after a section's header (as
// import does in the config) adds just that key; appending a section adds
// just that section.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\n[alice]\naws_access_key_id=AKIAI44QH8DHBEXAMPLE\naws_secret_access_key=je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY\nregion = eu-west-1\n",
		"# my keys\n\n[default]\r\naws_access_key_id = AKIAAAAAAAAAAAAAAAAA ; inline\r\n; the secret:\r\naws_secret_access_key : s3cr3t/AAAA+BBBB\r\n",
		"\ufeff[a]\raws_access_key_id = x\r  continued\r\tmore\raws_session_token = t",
		"[profile prod]\nregion = eu-west-1\ns3 =\n  max_concurrent_requests = 20\n  addressing_style = path\ncredential_process = stscred role prod-admin\n",
		"  [indented]\n  key = value\n    deeper = continuation\n[b]\n",
		"[a]\n# >>> stscred import >>>\ncredential_process = stscred session a\n# <<< stscred import <<<\n",
		"[a]\n[a]\n", "[a\n", "k = v\n", "[a]\n= v\n", "[a]\nno delimiter\n", "", "\n\n", "[]\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("credentials", data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line < 1 || pe.Line > len(file0(data).lines)+1 {
				t.Fatalf("error %v does not name a line of the file", err)
			}
			return
		}
		if got := file.Edit().Bytes(); string(got) != string(data) {
			t.Fatalf("an empty edit changed the file:\n%q\n%q", data, got)
		}
		want := keysOf(file)
		for si, s := range file.Sections {
			for ki, k := range s.Keys {
				e := file.Edit()
				e.RemoveKey(k)
				w := clone(want)
				w[si].keys = append(w[si].keys[:ki:ki], w[si].keys[ki+1:]...)
				reparse(t, "removing "+k.Name, e.Bytes(), w)
			}
			if s.Key("credential_process") == nil {
				e := file.Edit()
				e.InsertAfterHeader(s, "# >>> stscred import >>>", s.Indent()+"credential_process = stscred session x", "# <<< stscred import <<<")
				w := clone(want)
				w[si].keys = append([]string{"credential_process=stscred session x"}, w[si].keys...)
				reparse(t, "inserting after ["+s.Name+"]", e.Bytes(), w)
			}
		}
		if file.Section("profile fuzz-new") == nil {
			e := file.Edit()
			e.Append("# >>> stscred import >>>", "[profile fuzz-new]", "credential_process = stscred session fuzz-new", "# <<< stscred import <<<")
			w := append(clone(want), section{"profile fuzz-new", []string{"credential_process=stscred session fuzz-new"}})
			reparse(t, "appending a section", e.Bytes(), w)
		}
	})
}

// file0 splits data into lines without parsing it.
func file0(data []byte) *File {
	f := &File{data: string(data)}
	f.split()
	return f
}

type section struct {
	name string
	keys []string // name=value
}

func keysOf(f *File) []section {
	var out []section
	for _, s := range f.Sections {
		sec := section{name: s.Name}
		for _, k := range s.Keys {
			sec.keys = append(sec.keys, k.Name+"="+k.Value)
		}
		out = append(out, sec)
	}
	return out
}

func clone(s []section) []section {
	out := make([]section, len(s))
	for i, sec := range s {
		out[i] = section{sec.name, append([]string(nil), sec.keys...)}
	}
	return out
}

func reparse(t *testing.T, what string, data []byte, want []section) {
	t.Helper()
	f, err := Parse("credentials", data)
	if err != nil {
		t.Fatalf("%s: the edited file does not parse: %v\n%q", what, err, data)
	}
	if got := keysOf(f); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%s: got\n%q\nwant\n%q\nfrom\n%q", what, got, want, strings.TrimSpace(string(data)))
	}
}
