// Package awsout prints a response the way the AWS CLI v2 does: a JMESPath
// --query applied first, then --output json, text, table, yaml or
// yaml-stream, byte for byte as `aws` prints them when its stdout is not a
// terminal (no colours).
//
// Data is given as an Object, an ordered JSON object, because the CLI's
// json output keeps the order of the service's response shape (and of a
// query's multi-select hash); text, table and yaml sort keys.
package awsout

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/jmespath/go-jmespath"
	"github.com/stscred/stscred/internal/base/hint"
)

// Field is one member of an Object.
type Field struct {
	Key   string
	Value any
}

// Object is a JSON object with its members in order. Values are nil, bool,
// string, int, int64, float64, Object or []any.
type Object []Field

// Get returns the value of key and whether it is present.
func (o Object) Get(key string) (any, bool) {
	for _, f := range o {
		if f.Key == key {
			return f.Value, true
		}
	}
	return nil, false
}

// Formats are the --output values the AWS CLI accepts.
func Formats() []string { return []string{"json", "text", "table", "yaml", "yaml-stream"} }

// DefaultWidth is the terminal width the CLI assumes when stdout is not a
// terminal; a table wider than that is turned on its side.
const DefaultWidth = 80

// Options say how to print.
type Options struct {
	Output string // one of Formats; "" is json
	Query  string // a JMESPath expression; "" prints the whole response
	// Width is the terminal's width for table output; 0 is DefaultWidth.
	Width int
}

// Printer prints responses.
type Printer struct {
	output string
	query  *jmespath.JMESPath
	hashes [][]string // key order of each multi-select hash in the query
	width  int
}

// ErrBadOutput reports an --output value the CLI does not know.
var ErrBadOutput = errors.New("unknown output format")

// New checks o and compiles its query.
func New(o Options) (*Printer, error) {
	p := &Printer{output: o.Output, width: o.Width}
	if p.output == "" {
		p.output = "json"
	}
	if !validFormat(p.output) {
		return nil, hint.With(fmt.Errorf("%w %q", ErrBadOutput, p.output),
			"use --output "+strings.Join(Formats(), ", "))
	}
	if p.width <= 0 {
		p.width = DefaultWidth
	}
	if o.Query != "" {
		q, err := jmespath.Compile(o.Query)
		if err != nil {
			return nil, queryError(o.Query, err)
		}
		p.query = q
		p.hashes = hashKeyOrders(o.Query)
	}
	return p, nil
}

func validFormat(s string) bool {
	for _, f := range Formats() {
		if s == f {
			return true
		}
	}
	return false
}

func queryError(expr string, err error) error {
	msg := err.Error()
	var se jmespath.SyntaxError
	if errors.As(err, &se) {
		msg = se.Error() + " at offset " + strconv.Itoa(se.Offset)
	}
	return hint.With(fmt.Errorf("--query %q is not a valid JMESPath expression: %s", expr, msg),
		"a query names fields of the response, e.g. --query Account, --query '[Account, Arn]' or --query '{Who: Arn}' (see https://jmespath.org)")
}

// Print writes data, the response of operation (e.g. "GetCallerIdentity",
// the table's title), queried and formatted.
func (p *Printer) Print(w io.Writer, operation string, data Object) error {
	var v any = data
	if p.query != nil {
		res, err := p.query.Search(toSearch(data))
		if err != nil {
			return hint.With(fmt.Errorf("--query: %w", err), "check the expression against the fields the response has")
		}
		orders := append(objectOrders(data, nil), p.hashes...)
		v = fromSearch(res, orders)
	}
	var b strings.Builder
	var err error
	switch p.output {
	case "json":
		if isEmptyObject(v) {
			return nil
		}
		writeJSON(&b, v, 0)
		b.WriteByte('\n')
	case "text":
		err = writeText(&b, v)
	case "table":
		err = writeTable(&b, operation, v, p.width)
	case "yaml":
		if isEmptyObject(v) {
			return nil
		}
		writeYAMLDocument(&b, v)
	case "yaml-stream":
		if isEmptyObject(v) {
			return nil
		}
		writeYAMLDocument(&b, []any{v})
	}
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, b.String())
	return err
}

func isEmptyObject(v any) bool {
	o, ok := v.(Object)
	return ok && len(o) == 0
}

// toSearch converts data to the types go-jmespath works on.
func toSearch(v any) any {
	switch x := v.(type) {
	case Object:
		m := make(map[string]any, len(x))
		for _, f := range x {
			m[f.Key] = toSearch(f.Value)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = toSearch(e)
		}
		return l
	case int:
		return float64(x)
	case int64:
		return float64(x)
	}
	return v
}

// fromSearch converts a query result back, giving each map the key order
// of the first known order with the same keys: the response's own objects,
// then the query's multi-select hashes. Maps that match none (merge())
// follow the order keys first appear in the known orders, the rest sorted.
func fromSearch(v any, orders [][]string) any {
	switch x := v.(type) {
	case map[string]any:
		keys := orderKeys(x, orders)
		o := make(Object, 0, len(keys))
		for _, k := range keys {
			o = append(o, Field{k, fromSearch(x[k], orders)})
		}
		return o
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = fromSearch(e, orders)
		}
		return l
	}
	return v
}

func orderKeys(m map[string]any, orders [][]string) []string {
	for _, o := range orders {
		if len(o) != len(m) {
			continue
		}
		all := true
		for _, k := range o {
			if _, ok := m[k]; !ok {
				all = false
				break
			}
		}
		if all {
			return o
		}
	}
	rank := map[string]int{}
	for _, o := range orders {
		for _, k := range o {
			if _, seen := rank[k]; !seen {
				rank[k] = len(rank)
			}
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		ra, oka := rank[a]
		rb, okb := rank[b]
		switch {
		case oka && okb:
			return ra < rb
		case oka != okb:
			return oka
		}
		return a < b
	})
	return keys
}

// objectOrders collects the key order of data and every object inside it.
func objectOrders(v any, out [][]string) [][]string {
	switch x := v.(type) {
	case Object:
		keys := make([]string, len(x))
		for i, f := range x {
			keys[i] = f.Key
			out = objectOrders(f.Value, out)
		}
		out = append([][]string{keys}, out...)
	case []any:
		for _, e := range x {
			out = objectOrders(e, out)
		}
	}
	return out
}

// str is Python's str() of a value, as the text and table formats print
// scalars.
func str(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return pyFloat(x)
	}
	return fmt.Sprint(v)
}

// pyFloat formats a number as Python would: JMESPath numbers are float64
// here, but in the CLI those that are whole are Python ints.
func pyFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case math.IsNaN(f):
		return "NaN"
	case f == math.Trunc(f) && math.Abs(f) < 1e21:
		return strconv.FormatFloat(f, 'f', 0, 64)
	}
	// repr(float): the shortest digits, fixed notation for exponents from
	// -4 to 15, else d.ddde+XX.
	exp := math.Floor(math.Log10(math.Abs(f)))
	if exp >= -4 && exp < 16 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'e', -1, 64)
}

// truthy is Python's truth value of a value.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case int:
		return x != 0
	case int64:
		return x != 0
	case float64:
		return x != 0
	case Object:
		return len(x) > 0
	case []any:
		return len(x) > 0
	}
	return true
}

func isScalar(v any) bool {
	switch v.(type) {
	case Object, []any:
		return false
	}
	return true
}
