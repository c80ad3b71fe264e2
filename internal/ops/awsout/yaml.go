package awsout

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// The CLI prints yaml with ruamel.yaml's safe dumper, which emits through
// libyaml (YAML 1.2 resolution, block style, indent 2, width 80, keys
// sorted, unicode allowed). This is a port of the parts of libyaml's
// emitter that output uses. A scalar at the top is printed as JSON instead,
// as the CLI does.

func writeYAMLDocument(b *strings.Builder, v any) {
	if isScalar(v) {
		writeJSON(b, v, 0)
		b.WriteByte('\n')
		return
	}
	e := &yamlEmitter{b: b, indent: -1, whitespace: true, indention: true}
	e.node(v, false, false, false)
	e.writeIndent() // document end
}

type yamlEmitter struct {
	b          *strings.Builder
	column     int
	whitespace bool
	indention  bool
	indent     int
	indents    []int
	flowLevel  int

	// context of the node being emitted
	mappingContext   bool
	simpleKeyContext bool
}

const (
	yamlBestIndent = 2
	yamlBestWidth  = 80
)

func (e *yamlEmitter) put(c byte) {
	e.b.WriteByte(c)
	e.column++
}

func (e *yamlEmitter) putBreak() {
	e.b.WriteByte('\n')
	e.column = 0
}

func (e *yamlEmitter) write(r rune) {
	e.b.WriteRune(r)
	e.column++
}

func (e *yamlEmitter) writeBreak(r rune) {
	if r == '\n' {
		e.putBreak()
		return
	}
	e.b.WriteRune(r)
	e.column = 0
}

func (e *yamlEmitter) increaseIndent(flow, indentless bool) {
	e.indents = append(e.indents, e.indent)
	switch {
	case e.indent < 0:
		if flow {
			e.indent = yamlBestIndent
		} else {
			e.indent = 0
		}
	case !indentless:
		e.indent += yamlBestIndent
	}
}

func (e *yamlEmitter) popIndent() {
	e.indent = e.indents[len(e.indents)-1]
	e.indents = e.indents[:len(e.indents)-1]
}

func (e *yamlEmitter) writeIndent() {
	indent := max(e.indent, 0)
	if !e.indention || e.column > indent || (e.column == indent && !e.whitespace) {
		e.putBreak()
	}
	for e.column < indent {
		e.put(' ')
	}
	e.whitespace = true
	e.indention = true
}

func (e *yamlEmitter) writeIndicator(ind string, needWhitespace, isWhitespace, isIndention bool) {
	if needWhitespace && !e.whitespace {
		e.put(' ')
	}
	for _, r := range ind {
		e.write(r)
	}
	e.whitespace = isWhitespace
	e.indention = e.indention && isIndention
}

func (e *yamlEmitter) node(v any, sequence, mapping, simpleKey bool) {
	e.mappingContext, e.simpleKeyContext = mapping, simpleKey
	switch x := v.(type) {
	case []any:
		if e.flowLevel > 0 || len(x) == 0 {
			e.flowCollection("[", "]")
			return
		}
		e.blockSequence(x)
	case Object:
		if e.flowLevel > 0 || len(x) == 0 {
			e.flowCollection("{", "}")
			return
		}
		e.blockMapping(x)
	default:
		e.scalar(v)
	}
}

// flowCollection writes an empty collection, the only kind in flow style.
func (e *yamlEmitter) flowCollection(open, close string) {
	e.writeIndicator(open, true, true, false)
	e.increaseIndent(true, false)
	e.flowLevel++
	e.flowLevel--
	e.popIndent()
	e.writeIndicator(close, false, false, false)
}

func (e *yamlEmitter) blockSequence(l []any) {
	e.increaseIndent(false, e.mappingContext && !e.indention)
	for _, item := range l {
		e.writeIndent()
		e.writeIndicator("-", true, false, true)
		e.node(item, true, false, false)
	}
	e.popIndent()
}

func (e *yamlEmitter) blockMapping(o Object) {
	sorted := append(Object(nil), o...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Key < sorted[j].Key })
	e.increaseIndent(false, false)
	for _, f := range sorted {
		e.writeIndent()
		e.node(f.Key, false, true, true)
		e.writeIndicator(":", false, false, false)
		e.node(f.Value, false, true, false)
	}
	e.popIndent()
}

func (e *yamlEmitter) scalar(v any) {
	simpleKey := e.simpleKeyContext
	var text string
	plainImplicit := true
	switch x := v.(type) {
	case nil:
		text = "null"
	case bool:
		text = "false"
		if x {
			text = "true"
		}
	case string:
		text = x
		plainImplicit = resolvesToString(x)
	case float64:
		text = yamlFloat(x)
	default:
		text = str(v)
	}
	a := analyzeScalar(text)
	style := byte(0) // plain
	if simpleKey && a.multiline {
		style = '"'
	}
	if style == 0 {
		if (e.flowLevel > 0 && !a.flowPlain) || (e.flowLevel == 0 && !a.blockPlain) {
			style = '\''
		}
		if text == "" && (e.flowLevel > 0 || simpleKey) {
			style = '\''
		}
		if !plainImplicit {
			style = '\''
		}
	}
	if style == '\'' && !a.singleQuoted {
		style = '"'
	}
	e.increaseIndent(true, false)
	breaks := !simpleKey
	switch style {
	case 0:
		e.writePlain(text, breaks)
	case '\'':
		e.writeSingleQuoted(text, breaks)
	default:
		e.writeDoubleQuoted(text, breaks)
	}
	e.popIndent()
}

func yamlFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return ".nan"
	case math.IsInf(f, 1):
		return ".inf"
	case math.IsInf(f, -1):
		return "-.inf"
	}
	return pyFloat(f)
}

// YAML 1.2 implicit types as ruamel.yaml resolves them: a string that
// matches one must be quoted to stay a string.
// Compiled on first use: stscred's hot path never prints yaml.
var implicitTypes = sync.OnceValue(func() []*regexp.Regexp {
	return []*regexp.Regexp{
		regexp.MustCompile(`^(?:true|True|TRUE|false|False|FALSE)$`),
		regexp.MustCompile(`^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`),
		regexp.MustCompile(`^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$`),
		regexp.MustCompile(`^(?:<<)$`),
		regexp.MustCompile(`^(?:~|null|Null|NULL|)$`),
		regexp.MustCompile(`^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$`),
		regexp.MustCompile(`^(?:=)$`),
		regexp.MustCompile(`^(?:!|&|\*)$`),
	}
})

// firstChars are the first characters each implicit type is registered
// for in ruamel.yaml (it only tries the resolvers of a value's first
// character).
var firstChars = []string{"tTfF", "-+0123456789.", "-+0123456789", "<", "~nN", "0123456789", "=", "!&*"}

func resolvesToString(s string) bool {
	if s == "" {
		return false // null
	}
	// Python's $ also matches before a final newline.
	t := strings.TrimSuffix(s, "\n")
	for i, re := range implicitTypes() {
		if strings.IndexByte(firstChars[i], s[0]) >= 0 && re.MatchString(t) {
			return false
		}
	}
	return true
}

type scalarAnalysis struct {
	multiline, flowPlain, blockPlain, singleQuoted bool
}

func yamlPrintable(r rune) bool {
	switch {
	case r == 0x0A, r >= 0x20 && r <= 0x7E:
		return true
	case r >= 0xA0 && r <= 0xD7FF:
		return true
	case r >= 0xE000 && r <= 0xFFFD:
		return r != 0xFEFF
	}
	return false
}

func yamlBreak(r rune) bool {
	return r == '\r' || r == '\n' || r == 0x85 || r == 0x2028 || r == 0x2029
}

func yamlBlankZ(r rune, end bool) bool {
	return end || r == ' ' || r == '\t' || yamlBreak(r) || r == 0
}

// analyzeScalar is libyaml's yaml_emitter_analyze_scalar.
func analyzeScalar(s string) scalarAnalysis {
	if s == "" {
		return scalarAnalysis{blockPlain: true, singleQuoted: true}
	}
	rs := []rune(s)
	var blockInd, flowInd, lineBreaks, special bool
	var leadingSpace, leadingBreak, trailingSpace, trailingBreak, breakSpace, spaceBreak bool
	var previousSpace, previousBreak bool
	if strings.HasPrefix(s, "---") || strings.HasPrefix(s, "...") {
		blockInd, flowInd = true, true
	}
	at := func(i int) (rune, bool) {
		if i < len(rs) {
			return rs[i], false
		}
		return 0, true
	}
	precededByWS := true
	followedByWS := yamlBlankZ(at(1))
	for i, c := range rs {
		if i == 0 {
			if strings.ContainsRune("#,[]{}&*!|>'\"%@`", c) {
				flowInd, blockInd = true, true
			}
			if c == '?' || c == ':' {
				flowInd = true
				if followedByWS {
					blockInd = true
				}
			}
			if c == '-' && followedByWS {
				flowInd, blockInd = true, true
			}
		} else {
			if strings.ContainsRune(",?[]{}", c) {
				flowInd = true
			}
			if c == ':' {
				flowInd = true
				if followedByWS {
					blockInd = true
				}
			}
			if c == '#' && precededByWS {
				flowInd, blockInd = true, true
			}
		}
		if !yamlPrintable(c) {
			special = true
		}
		if yamlBreak(c) {
			lineBreaks = true
		}
		switch {
		case c == ' ':
			if i == 0 {
				leadingSpace = true
			}
			if i == len(rs)-1 {
				trailingSpace = true
			}
			if previousBreak {
				breakSpace = true
			}
			previousSpace, previousBreak = true, false
		case yamlBreak(c):
			if i == 0 {
				leadingBreak = true
			}
			if i == len(rs)-1 {
				trailingBreak = true
			}
			if previousSpace {
				spaceBreak = true
			}
			previousSpace, previousBreak = false, true
		default:
			previousSpace, previousBreak = false, false
		}
		precededByWS = yamlBlankZ(c, false)
		if i+1 < len(rs) {
			followedByWS = yamlBlankZ(at(i + 2))
		}
	}
	a := scalarAnalysis{multiline: lineBreaks, flowPlain: true, blockPlain: true, singleQuoted: true}
	if leadingSpace || leadingBreak || trailingSpace || trailingBreak {
		a.flowPlain, a.blockPlain = false, false
	}
	if breakSpace {
		a.flowPlain, a.blockPlain, a.singleQuoted = false, false, false
	}
	if spaceBreak || special {
		a.flowPlain, a.blockPlain, a.singleQuoted = false, false, false
	}
	if lineBreaks {
		a.flowPlain, a.blockPlain = false, false
	}
	if flowInd {
		a.flowPlain = false
	}
	if blockInd {
		a.blockPlain = false
	}
	return a
}

func (e *yamlEmitter) writePlain(s string, allowBreaks bool) {
	if !e.whitespace && (s != "" || e.flowLevel > 0) {
		e.put(' ')
	}
	rs := []rune(s)
	spaces, breaks := false, false
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == ' ':
			if allowBreaks && !spaces && e.column > yamlBestWidth && !(i+1 < len(rs) && rs[i+1] == ' ') {
				e.writeIndent()
			} else {
				e.write(c)
			}
			spaces = true
		case yamlBreak(c):
			if !breaks && c == '\n' {
				e.putBreak()
			}
			e.writeBreak(c)
			e.indention = true
			breaks = true
		default:
			if breaks {
				e.writeIndent()
			}
			e.write(c)
			e.indention = false
			spaces, breaks = false, false
		}
	}
	e.whitespace = false
	e.indention = false
}

func (e *yamlEmitter) writeSingleQuoted(s string, allowBreaks bool) {
	e.writeIndicator("'", true, false, false)
	rs := []rune(s)
	spaces, breaks := false, false
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == ' ':
			if allowBreaks && !spaces && e.column > yamlBestWidth && i != 0 && i != len(rs)-1 && !(i+1 < len(rs) && rs[i+1] == ' ') {
				e.writeIndent()
			} else {
				e.write(c)
			}
			spaces = true
		case yamlBreak(c):
			if !breaks && c == '\n' {
				e.putBreak()
			}
			e.writeBreak(c)
			e.indention = true
			breaks = true
		default:
			if breaks {
				e.writeIndent()
			}
			if c == '\'' {
				e.put('\'')
			}
			e.write(c)
			e.indention = false
			spaces, breaks = false, false
		}
	}
	if breaks {
		e.writeIndent()
	}
	e.writeIndicator("'", false, false, false)
	e.whitespace = false
	e.indention = false
}

var yamlEscapes = map[rune]byte{
	0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0A: 'n', 0x0B: 'v', 0x0C: 'f', 0x0D: 'r',
	0x1B: 'e', 0x22: '"', 0x5C: '\\', 0x85: 'N', 0xA0: '_', 0x2028: 'L', 0x2029: 'P',
}

func (e *yamlEmitter) writeDoubleQuoted(s string, allowBreaks bool) {
	e.writeIndicator(`"`, true, false, false)
	rs := []rune(s)
	spaces := false
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case !yamlPrintable(c) || c == 0xFEFF || yamlBreak(c) || c == '"' || c == '\\':
			e.put('\\')
			if esc, ok := yamlEscapes[c]; ok {
				e.put(esc)
			} else {
				var hex string
				switch {
				case c <= 0xFF:
					hex = fmt.Sprintf("x%02X", c)
				case c <= 0xFFFF:
					hex = fmt.Sprintf("u%04X", c)
				default:
					hex = fmt.Sprintf("U%08X", c)
				}
				for j := 0; j < len(hex); j++ {
					e.put(hex[j])
				}
			}
			spaces = false
		case c == ' ':
			if allowBreaks && !spaces && e.column > yamlBestWidth && i != 0 && i != len(rs)-1 {
				e.writeIndent()
				if i+1 < len(rs) && rs[i+1] == ' ' {
					e.put('\\')
				}
			} else {
				e.write(c)
			}
			spaces = true
		default:
			e.write(c)
			spaces = false
		}
	}
	e.writeIndicator(`"`, false, false, false)
	e.whitespace = false
	e.indention = false
}
