package awsout

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"golang.org/x/text/width"
)

// The table format is a port of awscli/table.py and the TableFormatter of
// awscli/formatter.py (uncoloured, as the CLI prints when stdout is not a
// terminal).

type section struct {
	title     string
	headers   []string
	rows      [][]string
	indent    int
	numCols   int
	colsSet   bool // numCols is known (it may be 0)
	maxWidths []int
}

func (s *section) addHeader(h []string) {
	s.updateMaxWidths(h)
	if !s.colsSet {
		s.numCols, s.colsSet = len(h), true
	}
	s.headers = h
}

func (s *section) addRow(row []string) error {
	if !s.colsSet {
		s.numCols, s.colsSet = len(row), true
	}
	if len(row) != s.numCols {
		return fmt.Errorf("table output: row should have %d elements, instead it has %d", s.numCols, len(row))
	}
	s.rows = append(s.rows, row)
	s.updateMaxWidths(row)
	return nil
}

func (s *section) updateMaxWidths(row []string) {
	if len(s.maxWidths) == 0 {
		s.maxWidths = make([]int, len(row))
		for i, el := range row {
			s.maxWidths[i] = textLength(el)
		}
		return
	}
	for i, el := range row {
		if i < len(s.maxWidths) {
			s.maxWidths[i] = max(s.maxWidths[i], textLength(el))
		}
	}
}

// columnWidths scales the columns (plus padding) to fill maxWidth.
func (s *section) columnWidths(padding, maxWidth int) []int {
	unscaled := make([]int, len(s.maxWidths))
	total := 0
	for i, w := range s.maxWidths {
		unscaled[i] = w + padding
		total += unscaled[i]
	}
	if maxWidth < 0 || len(unscaled) == 0 {
		return unscaled
	}
	scale := float64(maxWidth) / float64(total)
	scaled := make([]int, len(unscaled))
	sum := 0
	for i, w := range unscaled {
		scaled[i] = int(math.RoundToEven(scale * float64(w))) // Python's round()
		sum += scaled[i]
	}
	off := sum - maxWidth
	for off != 0 {
		for k := range scaled {
			i := k
			if off < 0 {
				i = len(scaled) - 1 - k
			}
			if off > 0 {
				scaled[i]--
				off--
			} else {
				scaled[i]++
				off++
			}
			if off == 0 {
				break
			}
		}
	}
	return scaled
}

func (s *section) totalWidth(padding int, border bool, outer int) int {
	total := 0
	for _, w := range s.maxWidths {
		total += w + padding
	}
	if border {
		total += 2
	}
	total += 2 * outer
	return max(textLength(s.title)+2+2*outer, total)
}

type multiTable struct {
	sections []*section
	current  *section
	width    int
}

func (t *multiTable) newSection(title string, indent int) {
	t.current = &section{title: title, indent: indent}
	t.sections = append(t.sections, t.current)
}

func (t *multiTable) maxWidth() int {
	m := 0
	for _, s := range t.sections {
		m = max(m, s.totalWidth(4, true, s.indent))
	}
	return m
}

func (t *multiTable) render(b *strings.Builder) {
	mw := t.maxWidth()
	if mw > t.width {
		// Too wide for the terminal: single-row sections go vertical.
		for i, s := range t.sections {
			if len(s.rows) == 1 && len(s.headers) > 0 {
				n := &section{title: s.title, indent: s.indent}
				for j, h := range s.headers {
					if j < len(s.rows[0]) {
						_ = n.addRow([]string{h, s.rows[0][j]})
					}
				}
				t.sections[i] = n
			}
		}
		mw = t.maxWidth()
	}
	b.WriteString(strings.Repeat("-", mw) + "\n")
	for _, s := range t.sections {
		t.renderSection(b, s, mw)
	}
}

// indented writes a line with the section's nesting bars on both sides.
func indented(b *strings.Builder, level int, line string) {
	bars := strings.Repeat("|", level)
	b.WriteString(bars + line + bars + "\n")
}

func (t *multiTable) renderSection(b *strings.Builder, s *section, maxWidth int) {
	maxWidth -= 2 * s.indent
	if s.title != "" {
		indented(b, s.indent, centerText(s.title, maxWidth, "|", "|"))
		if len(s.headers) == 0 && len(s.rows) == 0 {
			indented(b, s.indent, "+"+strings.Repeat("-", maxWidth-2)+"+")
		}
	}
	if len(s.headers) > 0 {
		widths := s.columnWidths(4, maxWidth)
		var line strings.Builder
		for i, h := range s.headers {
			left := ""
			if i == 0 {
				left = "|"
			}
			if i < len(widths) {
				line.WriteString(centerText(h, widths[i], left, "|"))
			}
		}
		indented(b, s.indent, lineBreak(widths))
		indented(b, s.indent, line.String())
	}
	if len(s.rows) > 0 {
		widths := s.columnWidths(4, maxWidth)
		if len(widths) == 0 {
			return
		}
		indented(b, s.indent, lineBreak(widths))
		for _, row := range s.rows {
			var line strings.Builder
			for i, el := range row {
				left := ""
				if i == 0 {
					left = "|"
				}
				if i < len(widths) {
					line.WriteString(alignLeft(el, widths[i], left, "|"))
				}
			}
			indented(b, s.indent, line.String())
		}
		indented(b, s.indent, lineBreak(widths))
	}
}

func lineBreak(widths []int) string {
	var b strings.Builder
	for i, w := range widths {
		if i == 0 {
			b.WriteString("+" + strings.Repeat("-", max(w-2, 0)) + "+")
		} else {
			b.WriteString(strings.Repeat("-", max(w-1, 0)) + "+")
		}
	}
	return b.String()
}

func centerText(text string, length int, left, right string) string {
	tl := textLength(text)
	start := floorDiv(length, 2) - floorDiv(tl, 2) - 1
	so := textLength(left) + start + tl
	rightSpaces := length - textLength(right) - so
	return left + spaces(start) + text + spaces(rightSpaces) + right
}

func alignLeft(text string, length int, left, right string) string {
	tl := textLength(text)
	padding := 2
	if length-(tl+2+textLength(left)+textLength(right)) < 0 {
		padding = 0
	}
	so := len(left) + padding + tl
	return left + spaces(padding) + text + spaces(length-so-len(right)) + right
}

// spaces is ' ' * n in Python: nothing for n <= 0.
func spaces(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat(" ", n)
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// textLength counts East Asian wide, fullwidth and ambiguous characters
// twice, as the CLI does.
func textLength(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth, width.EastAsianAmbiguous:
			n += 2
		default:
			n++
		}
	}
	return n
}

// writeTable builds the table as the CLI's TableFormatter does.
func writeTable(b *strings.Builder, title string, v any, termWidth int) error {
	t := &multiTable{width: termWidth}
	ok, err := t.build(title, true, v, 0)
	if err != nil || !ok {
		return err
	}
	t.render(b)
	return nil
}

func (t *multiTable) addRow(row []string) error {
	if t.current == nil {
		t.newSection("", 0)
	}
	return t.current.addRow(row)
}

func (t *multiTable) addHeader(h []string) {
	if t.current == nil {
		t.newSection("", 0)
	}
	t.current.addHeader(h)
}

func (t *multiTable) build(title string, hasTitle bool, v any, indent int) (bool, error) {
	if !truthy(v) {
		return false, nil
	}
	if hasTitle {
		t.newSection(title, indent)
	}
	switch x := v.(type) {
	case []any:
		if _, ok := x[0].(Object); ok {
			return true, t.subTableFromList(x, indent, title)
		}
		for _, item := range x {
			switch it := item.(type) {
			case Object:
				// Python iterates a dict's keys here: a row of key names.
				row := make([]string, len(it))
				for i, f := range it {
					row[i] = f.Key
				}
				if err := t.addRow(row); err != nil {
					return true, err
				}
			case []any:
				allScalar := true
				for _, el := range it {
					if !isScalar(el) {
						allScalar = false
					}
				}
				if allScalar {
					row := make([]string, len(it))
					for i, el := range it {
						row[i] = str(el)
					}
					if err := t.addRow(row); err != nil {
						return true, err
					}
				} else if _, err := t.build("", false, it, 0); err != nil {
					return true, err
				}
			default:
				if err := t.addRow([]string{str(item)}); err != nil {
					return true, err
				}
			}
		}
	case Object:
		return true, t.subTableFromObject(x, indent)
	}
	return true, nil
}

func (t *multiTable) subTableFromObject(o Object, indent int) error {
	headers, more := groupScalarKeys(o)
	switch {
	case len(headers) == 1:
		v, _ := o.Get(headers[0])
		if err := t.addRow([]string{headers[0], str(v)}); err != nil {
			return err
		}
	case len(headers) > 0:
		t.addHeader(headers)
		row := make([]string, len(headers))
		for i, h := range headers {
			v, _ := o.Get(h)
			row[i] = str(v)
		}
		if err := t.addRow(row); err != nil {
			return err
		}
	}
	for _, k := range more {
		v, _ := o.Get(k)
		if _, err := t.build(k, true, v, indent+1); err != nil {
			return err
		}
	}
	return nil
}

func (t *multiTable) subTableFromList(l []any, indent int, title string) error {
	hs, ms := map[string]bool{}, map[string]bool{}
	for _, e := range l {
		o, _ := e.(Object)
		h, m := groupScalarKeys(o)
		for _, k := range h {
			hs[k] = true
		}
		for _, k := range m {
			ms[k] = true
		}
	}
	headers, more := sortedKeys(hs), sortedKeys(ms)
	t.addHeader(headers)
	for i, e := range l {
		o, _ := e.(Object)
		if i > 0 && len(more) > 0 {
			t.newSection(title, indent)
			t.addHeader(headers)
		}
		row := make([]string, len(headers))
		for j, h := range headers {
			if v, ok := o.Get(h); ok {
				row[j] = str(v)
			}
		}
		if err := t.addRow(row); err != nil {
			return err
		}
		for _, k := range more {
			if v, ok := o.Get(k); ok {
				if _, err := t.build(k, true, v, indent+1); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func groupScalarKeys(o Object) (headers, more []string) {
	for _, f := range o {
		if isScalar(f.Value) {
			headers = append(headers, f.Key)
		} else {
			more = append(more, f.Key)
		}
	}
	sort.Strings(headers)
	sort.Strings(more)
	return headers, more
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
