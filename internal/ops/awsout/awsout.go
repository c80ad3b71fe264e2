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
	expr   string     // the query as given
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
		if len(o.Query) > MaxQuery {
			return nil, hint.With(fmt.Errorf("--query is %d bytes long, more than the %d stscred takes", len(o.Query), MaxQuery), queryExamples)
		}
		q, err := compile(o.Query)
		if err != nil {
			return nil, queryError(o.Query, err)
		}
		p.query, p.expr = q, o.Query
		p.hashes = hashKeyOrders(o.Query)
	}
	return p, nil
}

// MaxQuery is the longest --query stscred takes: far longer than any
// query of a response's fields, short enough that parsing one is quick.
const MaxQuery = 16 << 10

// errLibrary is a panic in the JMESPath library, turned into an error.
var errLibrary = errors.New("the JMESPath library stscred uses failed on it")

// compile and search run the JMESPath library's code, contained: a panic
// in it is an error about the query, never a crash of stscred.
// github.com/jmespath/go-jmespath v0.4.0 panics on, for example, "@()",
// "merge(Account)" and "Account\u0080"; github.com/jmespath-community/
// go-jmespath v1.1.1 panics too (on the last, and in let expressions), so
// whichever library stscred uses, a query it cannot handle is an error.
func compile(expr string) (q *jmespath.JMESPath, err error) {
	defer func() {
		if recover() != nil {
			q, err = nil, errLibrary
		}
	}()
	return jmespath.Compile(expr)
}

func search(q *jmespath.JMESPath, data any) (res any, err error) {
	defer func() {
		if recover() != nil {
			res, err = nil, errLibrary
		}
	}()
	return q.Search(data)
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
	if errors.Is(err, errLibrary) {
		return hint.With(fmt.Errorf("--query %q cannot be evaluated: %w", expr, err),
			"write it another way: "+queryExamples)
	}
	msg := err.Error()
	var se jmespath.SyntaxError
	if errors.As(err, &se) {
		msg = se.Error() + " at offset " + strconv.Itoa(se.Offset)
	}
	return hint.With(fmt.Errorf("--query %q is not a valid JMESPath expression: %s", expr, msg), queryExamples)
}

const queryExamples = "a query names fields of the response, e.g. --query Account, --query '[Account, Arn]' or --query '{Who: Arn}' (see https://jmespath.org)"

// Print writes data, the response of operation (e.g. "GetCallerIdentity",
// the table's title), queried and formatted.
func (p *Printer) Print(w io.Writer, operation string, data Object) error {
	var v any = data
	if p.query != nil {
		res, err := search(p.query, toSearch(data))
		if errors.Is(err, errLibrary) {
			return queryError(p.expr, err)
		}
		if err != nil {
			return hint.With(fmt.Errorf("--query: %w", err), "check the expression against the fields the response has")
		}
		e := expander{orders: append(objectOrders(data, nil), p.hashes...), budget: MaxValues}
		v = e.fromSearch(res, 0)
		switch {
		case e.tooBig:
			return hint.With(fmt.Errorf("--query %q: the result has more than %d values", p.expr, MaxValues), queryExamples)
		case e.tooDeep:
			return hint.With(fmt.Errorf("--query %q: the result is nested more than %d levels deep", p.expr, MaxDepth), queryExamples)
		case e.expRef:
			return hint.With(fmt.Errorf("--query %q: the result holds an expression reference (&...), which has no value to print", p.expr),
				"an expression reference is an argument of sort_by, max_by, min_by or map, e.g. --query 'sort_by(Items, &Name)'")
		}
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

// expander converts a query result back, giving each map the key order
// of the first known order with the same keys: the response's own objects,
// then the query's multi-select hashes. Maps that match none (merge())
// follow the order keys first appear in the known orders, the rest sorted.
//
// A result shares its parts (each [@, @] | [@, @] doubles what printing it
// walks), so a short query could ask to print more than memory holds: the
// expansion stops after MaxValues values or MaxDepth levels of nesting.
type expander struct {
	orders  [][]string
	budget  int  // values left
	tooBig  bool // more than MaxValues
	tooDeep bool // nested more than MaxDepth
	expRef  bool // an expression reference (&Name), which has no value
}

// MaxValues and MaxDepth bound what a query's result may expand to: far
// more than any AWS response has, and little enough to print at once.
const (
	MaxValues = 1 << 16
	MaxDepth  = 100
)

func (e *expander) fromSearch(v any, depth int) any {
	if e.budget--; e.budget < 0 {
		e.tooBig = true
		return nil
	}
	if depth > MaxDepth {
		e.tooDeep = true
		return nil
	}
	switch x := v.(type) {
	case map[string]any:
		keys := orderKeys(x, e.orders)
		o := make(Object, 0, len(keys))
		for _, k := range keys {
			if e.tooBig || e.tooDeep {
				break
			}
			o = append(o, Field{k, e.fromSearch(x[k], depth+1)})
		}
		return o
	case []any:
		l := make([]any, 0, min(len(x), max(e.budget, 0)))
		for _, v := range x {
			if e.tooBig || e.tooDeep {
				break
			}
			l = append(l, e.fromSearch(v, depth+1))
		}
		return l
	}
	switch v.(type) {
	case nil, bool, string, float64:
		return v
	}
	// The library's expression reference: {A: &A} is valid JMESPath
	// whose value the AWS CLI cannot print either.
	e.expRef = true
	return nil
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
