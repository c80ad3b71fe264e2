package awsout

import (
	"encoding/json"
	"strings"
	"testing"
)

// whoamiDoc is what `stscred whoami -v` prints from: GetCallerIdentity's
// answer, then the details, with the ARN as STS sent it.
func whoamiDoc(arn string) Object {
	return Object{
		{"UserId", "AROA3EXAMPLEEXAMPLE:stscred-alice"},
		{"Account", "222222222222"},
		{"Arn", arn},
		{"Profile", "prod"},
		{"Source", "cache"},
		{"Expiration", "2026-11-24T10:00:00Z"},
		{"MinutesLeft", 42},
		{"MFAAuthenticated", true},
		{"TokenIssuer", nil},
		{"SSORoles", []any{Object{{"Name", "Admin"}, {"Id", 1.5}}, Object{{"Name", "ReadOnly"}, {"Id", int64(7)}}}},
	}
}

// FuzzQuery runs any --query with each --output on a whoami answer (or
// on a JSON document the fuzzer writes, which reaches the formatters'
// corners). It holds: no panic, whatever the JMESPath library does with
// the query; nothing printed when Print fails; json output that reads
// back prints the same again; the result's size bounded (MaxQuery,
// MaxValues, MaxDepth).
func FuzzQuery(f *testing.F) {
	const arn = "arn:aws:sts::222222222222:assumed-role/Admin/stscred-alice"
	c := loadCaptured(f)
	for i, tc := range c.CLI {
		q := ""
		if tc.Query != nil {
			q = *tc.Query
		}
		f.Add(q, uint8(i), arn, []byte(nil))
	}
	for i, tc := range c.Formatter {
		q := ""
		if tc.Query != nil {
			q = *tc.Query
		}
		f.Add(q, uint8(i), "", []byte(tc.Input))
	}
	for i, q := range []string{
		"@()", "merge(Account)", "Arn\u0080", "[@, @] | [@, @] | [@, @]", "SSORoles[?Id > `1`].Name | [0]",
		"sort_by(SSORoles, &Name)[].{N: Name, I: Id}", "to_number('1e400')", "*", "keys(@)",
		"[[[[Arn]]]]", "{a: {b: {c: [MinutesLeft, `null`, `{}`, `[]`]}}}", "length(Arn)",
	} {
		f.Add(q, uint8(i), "arn:aws:iam::111111111111:user/a\nb\tc\x00d é 日本語 😀", []byte(nil))
	}
	f.Fuzz(func(t *testing.T, query string, format uint8, arn string, input []byte) {
		output := Formats()[int(format)%len(Formats())]
		data := whoamiDoc(arn)
		if len(input) > 0 {
			if v, err := decodeOrdered(input); err == nil {
				if o, ok := v.(Object); ok {
					data = o
				}
			}
		}
		p, err := New(Options{Output: output, Query: query, Width: int(format)})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "--query") {
				t.Fatalf("New: %v", err)
			}
			return
		}
		var b strings.Builder
		if err := p.Print(&b, "GetCallerIdentity", data); err != nil {
			if b.Len() != 0 {
				t.Fatalf("Print failed (%v) and printed %q", err, b.String())
			}
			return
		}
		if output != "json" || b.Len() == 0 {
			return
		}
		// json output reads back as JSON (Python's Infinity and NaN
		// aside) and prints the same again.
		out := b.String()
		v, err := decodeOrdered([]byte(out))
		if err != nil {
			if !strings.Contains(out, "Infinity") && !strings.Contains(out, "NaN") {
				t.Fatalf("json output does not read back: %v\n%s", err, out)
			}
			return
		}
		var again strings.Builder
		writeJSON(&again, v, 0)
		again.WriteByte('\n')
		if again.String() != out {
			t.Fatalf("json output prints differently when read back:\n%s\nthen:\n%s", out, again.String())
		}
		if !json.Valid([]byte(out)) {
			t.Fatalf("json output is not JSON: %s", out)
		}
	})
}
