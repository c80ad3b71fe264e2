package awsout

import (
	"fmt"
	"strings"
)

// writeJSON writes v as Python's json.dump(v, indent=4, ensure_ascii=False)
// does, which is what `aws --output json` prints.
func writeJSON(b *strings.Builder, v any, level int) {
	switch x := v.(type) {
	case Object:
		if len(x) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{")
		for i, f := range x {
			if i > 0 {
				b.WriteString(",")
			}
			newline(b, level+1)
			writeJSONString(b, f.Key)
			b.WriteString(": ")
			writeJSON(b, f.Value, level+1)
		}
		newline(b, level)
		b.WriteString("}")
	case []any:
		if len(x) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[")
		for i, e := range x {
			if i > 0 {
				b.WriteString(",")
			}
			newline(b, level+1)
			writeJSON(b, e, level+1)
		}
		newline(b, level)
		b.WriteString("]")
	case string:
		writeJSONString(b, x)
	case nil:
		b.WriteString("null")
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	default:
		b.WriteString(str(v))
	}
}

func newline(b *strings.Builder, level int) {
	b.WriteByte('\n')
	b.WriteString(strings.Repeat("    ", level))
}

// writeJSONString quotes s as Python's json module does with
// ensure_ascii=False: only '"', '\\' and control characters are escaped.
func writeJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if r < 0x20 {
				fmt.Fprintf(b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}
