package awsout

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

// cliCase is one output captured by testdata/capture.sh.
type cliCase struct {
	Identity string          `json:"identity"`
	Input    json.RawMessage `json:"input"`
	Query    *string         `json:"query"`
	Output   string          `json:"output"`
	Stdout   string          `json:"stdout"`
	Exit     int             `json:"exit"`
}

type captured struct {
	AWSVersion string    `json:"aws_version"`
	CLI        []cliCase `json:"cli"`
	Formatter  []cliCase `json:"formatter"`
}

func loadCaptured(t testing.TB) captured {
	t.Helper()
	raw, err := os.ReadFile("testdata/cli_outputs.json")
	if err != nil {
		t.Fatal(err)
	}
	var c captured
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.CLI) == 0 || len(c.Formatter) == 0 {
		t.Fatal("no captured cases")
	}
	return c
}

// decodeOrdered parses JSON keeping the order of object members.
func decodeOrdered(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch x := tok.(type) {
	case json.Delim:
		switch x {
		case '{':
			o := Object{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				o = append(o, Field{k.(string), v})
			}
			_, err := dec.Token()
			return o, err
		case '[':
			l := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				l = append(l, v)
			}
			_, err := dec.Token()
			return l, err
		}
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return int(i), nil
		}
		f, err := x.Float64()
		return f, err
	}
	return tok, nil
}

func runCase(t *testing.T, c cliCase) (string, error) {
	t.Helper()
	in, err := decodeOrdered(c.Input)
	if err != nil {
		t.Fatal(err)
	}
	obj, ok := in.(Object)
	if !ok {
		t.Fatalf("input is not an object: %s", c.Input)
	}
	q := ""
	if c.Query != nil {
		q = *c.Query
	}
	p, err := New(Options{Output: c.Output, Query: q})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	err = p.Print(&b, "GetCallerIdentity", obj)
	return b.String(), err
}

func name(c cliCase) string {
	q := "(none)"
	if c.Query != nil {
		q = *c.Query
	}
	return fmt.Sprintf("%s/%s/%s", c.Identity, c.Output, q)
}

// What /usr/bin/aws printed for get-caller-identity, for an IAM user and
// a role session, with every --output and a range of --query expressions.
func TestMatchesAWSCLI(t *testing.T) {
	c := loadCaptured(t)
	t.Logf("captured from %s", c.AWSVersion)
	for _, tc := range c.CLI {
		got, err := runCase(t, tc)
		if tc.Exit != 0 {
			// The CLI failed (a table row of the wrong width): so must we.
			if err == nil {
				t.Errorf("%s: the CLI failed, awsout printed %q", name(tc), got)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name(tc), err)
			continue
		}
		if got != tc.Stdout {
			t.Errorf("%s:\n got: %q\nwant: %q", name(tc), got, tc.Stdout)
		}
	}
}

// The CLI's own formatter classes on shapes STS does not return: nesting,
// strings YAML must quote or escape, wide characters.
func TestMatchesCLIFormatter(t *testing.T) {
	c := loadCaptured(t)
	for _, tc := range c.Formatter {
		got, err := runCase(t, tc)
		if err != nil {
			t.Errorf("%s: %v", name(tc), err)
			continue
		}
		if got != tc.Stdout {
			t.Errorf("%s input %s:\n got: %q\nwant: %q", name(tc), shorten(tc.Input), got, tc.Stdout)
		}
	}
}

func shorten(b []byte) string {
	if len(b) > 80 {
		return string(b[:80]) + "..."
	}
	return string(b)
}

func TestBadOptions(t *testing.T) {
	if _, err := New(Options{Output: "xml"}); !errors.Is(err, ErrBadOutput) {
		t.Errorf("--output xml: %v", err)
	}
	_, err := New(Options{Query: "Foo["})
	if err == nil || !strings.Contains(err.Error(), `--query "Foo[" is not a valid JMESPath expression`) {
		t.Errorf("bad query: %v", err)
	}
}

// A table wider than the terminal is turned on its side; a wide terminal
// keeps it flat, as the CLI does.
func TestTableWidth(t *testing.T) {
	id := Object{{"UserId", "AIDA2POYFGKOY6Z2I5BLW"}, {"Account", "111111111111"}, {"Arn", "arn:aws:iam::111111111111:user/alice"}}
	print := func(width int) string {
		p, err := New(Options{Output: "table", Width: width})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := p.Print(&b, "GetCallerIdentity", id); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	narrow, wide := print(0), print(200)
	if !strings.Contains(narrow, "|  Account|  111111111111") {
		t.Errorf("80 columns:\n%s", narrow)
	}
	if !strings.Contains(wide, "|  111111111111|  arn:aws:iam::111111111111:user/alice  |  AIDA2POYFGKOY6Z2I5BLW  |") {
		t.Errorf("200 columns:\n%s", wide)
	}
}

func TestHashKeyOrders(t *testing.T) {
	for expr, want := range map[string]string{
		"{b: Arn, a: Account}":                      "[[b a]]",
		"{x: [Arn, {q: a, p: b}][0], \"y z\": `1`}": "[[q p] [x y z]]",
		"[?Name == '{not: hash}'].{n: Name}":        "[[n]]",
		"Account":                                   "[]",
	} {
		if got := fmt.Sprint(hashKeyOrders(expr)); got != want {
			t.Errorf("%s: got %s, want %s", expr, got, want)
		}
	}
}

// go-jmespath panics on some queries, in its parser or its interpreter
// (audit finding 5: stscred whoami --query '@()' printed a Go stack
// trace). Each is an error about the query, and nothing is printed.
func TestQueryLibraryPanicIsAnError(t *testing.T) {
	doc := Object{{"UserId", "AIDAEXAMPLE"}, {"Account", "111111111111"}, {"Arn", "arn:aws:iam::111111111111:user/alice"}}
	for _, q := range []string{"@()", "Account(@())", "merge(Account)", "merge(@, Arn)", "Account\u0080"} {
		var b strings.Builder
		p, err := New(Options{Query: q})
		if err == nil {
			err = p.Print(&b, "GetCallerIdentity", doc)
		}
		want := fmt.Sprintf("--query %q cannot be evaluated: the JMESPath library stscred uses failed on it", q)
		if err == nil || err.Error() != want {
			t.Errorf("%s: got %v, want %s", q, err, want)
		}
		if b.Len() != 0 {
			t.Errorf("%s: printed %q", q, b.String())
		}
	}
}

// A short query can ask for a result larger than memory (each [@, @]
// doubles it) or nested deeper than any response: both are refused
// before anything is printed, as is a query longer than MaxQuery.
func TestQueryResultBounds(t *testing.T) {
	doc := Object{{"Account", "111111111111"}}
	for q, want := range map[string]string{
		strings.Repeat("[@, @] | ", 40) + "@":                                         "the result has more than 65536 values",
		strings.Repeat("[", MaxDepth+1) + "Account" + strings.Repeat("]", MaxDepth+1): "the result is nested more than 100 levels deep",
		strings.Repeat("[@, @] | ", 15) + "length(@)":                                 "", // the size of a large result is fine
		strings.Repeat("[", MaxDepth) + "Account" + strings.Repeat("]", MaxDepth):     "",
	} {
		var b strings.Builder
		p, err := New(Options{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		err = p.Print(&b, "GetCallerIdentity", doc)
		switch {
		case want == "" && err != nil:
			t.Errorf("%.30s...: %v", q, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%.30s...: got %v, want %s", q, err, want)
		case want != "" && b.Len() != 0:
			t.Errorf("%.30s...: printed %d bytes", q, b.Len())
		}
	}
	// {A: &Account} is valid JMESPath whose value has nothing to print
	// (the AWS CLI fails on it too); found by FuzzQuery.
	for _, output := range Formats() {
		p, err := New(Options{Output: output, Query: "{A: &Account}"})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := p.Print(&b, "GetCallerIdentity", doc); err == nil || !strings.Contains(err.Error(), "expression reference") || b.Len() != 0 {
			t.Errorf("--output %s {A: &Account}: %v, printed %q", output, err, b.String())
		}
	}
	if _, err := New(Options{Query: strings.Repeat("a", MaxQuery+1)}); err == nil || !strings.Contains(err.Error(), "more than the 16384 stscred takes") {
		t.Errorf("a long query: %v", err)
	}
}
