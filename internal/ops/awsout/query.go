package awsout

import (
	"encoding/json"
)

// hashKeyOrders returns the keys of each multi-select hash ({a: x, b: y})
// in expr, in the order written. go-jmespath returns a hash as a Go map;
// the CLI (Python) keeps the written order, and so does the json output
// here. expr has already compiled, so this scanner only needs to find its
// way around literals and nesting.
func hashKeyOrders(expr string) [][]string {
	type frame struct {
		hash      bool
		keys      []string
		expectKey bool
	}
	var stack []*frame
	var out [][]string
	i := 0
	// pending is an identifier just read in key position, waiting for ':'.
	pending, havePending := "", false
	for i < len(expr) {
		c := expr[i]
		top := (*frame)(nil)
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c == '\'' || c == '`':
			i = skipQuoted(expr, i, c)
			havePending = false
			if top != nil {
				top.expectKey = false
			}
			continue
		case c == '"':
			end := skipQuoted(expr, i, '"')
			if top != nil && top.hash && top.expectKey {
				var s string
				if json.Unmarshal([]byte(expr[i:end]), &s) == nil {
					pending, havePending = s, true
				}
			}
			i = end
			continue
		case isIdentStart(c):
			j := i + 1
			for j < len(expr) && isIdentPart(expr[j]) {
				j++
			}
			if top != nil && top.hash && top.expectKey {
				pending, havePending = expr[i:j], true
			}
			i = j
			continue
		case c == ':':
			if top != nil && top.hash && top.expectKey && havePending {
				top.keys = append(top.keys, pending)
				top.expectKey = false
			}
		case c == ',':
			if top != nil && top.hash {
				top.expectKey = true
			}
		case c == '{':
			stack = append(stack, &frame{hash: true, expectKey: true})
		case c == '[' || c == '(':
			if top != nil {
				top.expectKey = false
			}
			stack = append(stack, &frame{})
		case c == '}' || c == ']' || c == ')':
			if top != nil {
				if top.hash && len(top.keys) > 0 {
					out = append(out, top.keys)
				}
				stack = stack[:len(stack)-1]
			}
		default:
			if top != nil {
				top.expectKey = false
			}
		}
		havePending = false
		i++
	}
	return out
}

// skipQuoted returns the index just past the quoted run starting at i.
func skipQuoted(s string, i int, q byte) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case q:
			return j + 1
		}
	}
	return len(s)
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isIdentPart(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }
