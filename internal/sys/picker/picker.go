// Package picker lets the user choose one of a list of rows on the
// terminal: type to filter (fuzzy), arrows to move, Enter to choose, Esc
// or Ctrl-C to leave. It is drawn on the terminal it is handed (the
// controlling terminal: /dev/tty, the console on Windows), never on
// stdout, which callers capture or a shell evals; it draws a few lines
// below the cursor and clears them when it ends, so the screen scrolls no
// more than a prompt's worth. The terminal handling (raw mode, keys,
// redraws, resizes, putting the terminal back) is Bubble Tea's; matching
// is sahilm/fuzzy's. It also remembers the last choice in a file of its
// own (no secret: a row's key).
package picker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sahilm/fuzzy"
	"github.com/stscred/stscred/internal/base/textsafe"
)

// ErrCanceled is returned when the user left the picker without a choice
// (Esc, Ctrl-C).
var ErrCanceled = errors.New("no profile chosen")

// ErrNoTerminal is returned when there is no terminal to show the picker
// on.
var ErrNoTerminal = errors.New("no terminal to choose on")

// Row is one choice: its key (what Run's caller gets back, shown first)
// and the cells shown after it, in columns.
type Row struct {
	Key   string
	Cells []string
}

// Request is what to show.
type Request struct {
	// Title is the first line (e.g. "stscred use: choose a profile").
	Title string
	// Header names the columns: the key's, then the cells'.
	Header []string
	Rows   []Row
	// Environ is the environment the terminal's capabilities are read
	// from (TERM, COLORTERM, NO_COLOR, ...).
	Environ []string
}

// maxShown is how many rows are shown at once, at most (fewer on a short
// terminal); the rest scroll.
const maxShown = 12

// Run shows the picker on the terminal in (keys) and out (drawing) and
// returns the index of the chosen row: ErrCanceled when the user left,
// the context's error when it ended first.
func Run(ctx context.Context, in io.Reader, out io.Writer, req Request) (int, error) {
	if len(req.Rows) == 0 {
		return -1, errors.New("nothing to choose from")
	}
	m := newModel(req)
	opts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out)}
	if req.Environ != nil {
		opts = append(opts, tea.WithEnvironment(req.Environ))
	}
	final, err := tea.NewProgram(m, opts...).Run()
	switch {
	case errors.Is(err, tea.ErrInterrupted):
		return -1, ErrCanceled
	case err != nil && ctx.Err() != nil:
		return -1, ctx.Err()
	case err != nil:
		return -1, fmt.Errorf("the picker: %w", err)
	}
	fm := final.(*model)
	if fm.chosen < 0 {
		return -1, ErrCanceled
	}
	return fm.chosen, nil
}

// model is the picker's state.
type model struct {
	req    Request
	lines  []string // each row's text as shown (escaped, columns aligned)
	header string
	names  []string // each row's key as shown, matched first

	filter  []rune
	matches []int // indexes of the rows shown, best match first
	cursor  int   // index into matches
	offset  int   // the first match shown

	width, height int
	chosen        int // the row chosen, -1 for none
	done          bool
}

func newModel(req Request) *model {
	m := &model{req: req, chosen: -1, width: 80, height: 24}
	cols := len(req.Header)
	for _, r := range req.Rows {
		cols = max(cols, 1+len(r.Cells))
	}
	cells := func(key string, rest []string) []string {
		out := make([]string, cols)
		out[0] = textsafe.Escape(key)
		for i, c := range rest {
			out[i+1] = textsafe.Escape(c)
		}
		return out
	}
	table := [][]string{}
	if len(req.Header) > 0 {
		table = append(table, cells(req.Header[0], req.Header[1:]))
	}
	for _, r := range req.Rows {
		table = append(table, cells(r.Key, r.Cells))
	}
	widths := make([]int, cols)
	for _, row := range table {
		for i, c := range row {
			widths[i] = max(widths[i], ansi.StringWidth(c))
		}
	}
	align := func(row []string) string {
		var b strings.Builder
		for i, c := range row {
			b.WriteString(c)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(c)+2))
			}
		}
		return strings.TrimRight(b.String(), " ")
	}
	if len(req.Header) > 0 {
		m.header = align(table[0])
		table = table[1:]
	}
	for _, row := range table {
		line := align(row)
		m.lines = append(m.lines, line)
		m.names = append(m.names, row[0])
	}
	m.refilter()
	return m
}

func (m *model) Init() tea.Cmd { return nil }

func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.scroll()
	case tea.PasteMsg:
		m.typed(msg.Content)
	case tea.KeyPressMsg:
		switch msg.String() {
		case "ctrl+c", "esc", "ctrl+g", "ctrl+d":
			m.done = true
			return m, tea.Quit
		case "enter":
			if len(m.matches) > 0 {
				m.chosen = m.matches[m.cursor]
				m.done = true
				return m, tea.Quit
			}
		case "up", "ctrl+p", "shift+tab":
			m.move(-1)
		case "down", "ctrl+n", "tab":
			m.move(1)
		case "pgup":
			m.move(-m.shown())
		case "pgdown":
			m.move(m.shown())
		case "home":
			m.move(-len(m.matches))
		case "end":
			m.move(len(m.matches))
		case "backspace", "ctrl+h":
			if len(m.filter) > 0 {
				m.filter = m.filter[:len(m.filter)-1]
				m.refilter()
			}
		case "ctrl+u":
			m.filter = nil
			m.refilter()
		case "ctrl+w":
			f := strings.TrimRightFunc(string(m.filter), unicode.IsSpace)
			m.filter = []rune(f[:strings.LastIndexFunc(f, unicode.IsSpace)+1])
			m.refilter()
		default:
			m.typed(msg.Text)
		}
	}
	return m, nil
}

// typed adds what the user typed or pasted to the filter: printable
// characters only, a line break ends a paste.
func (m *model) typed(s string) {
	if s == "" {
		return
	}
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	n := len(m.filter)
	for _, r := range s {
		if unicode.IsPrint(r) {
			m.filter = append(m.filter, r)
		}
	}
	if len(m.filter) != n {
		m.refilter()
	}
}

// refilter matches the filter against every row: all rows in their order
// when it is empty, else the rows that match, best first (a match in the
// key before one elsewhere in the row).
func (m *model) refilter() {
	m.matches = m.matches[:0]
	if len(m.filter) == 0 {
		for i := range m.lines {
			m.matches = append(m.matches, i)
		}
	} else {
		// Rows whose key matches first, then those whose other cells do.
		seen := make([]bool, len(m.lines))
		for _, f := range fuzzy.Find(string(m.filter), m.names) {
			seen[f.Index] = true
			m.matches = append(m.matches, f.Index)
		}
		for _, f := range fuzzy.Find(string(m.filter), m.lines) {
			if !seen[f.Index] {
				m.matches = append(m.matches, f.Index)
			}
		}
	}
	m.cursor, m.offset = 0, 0
}

func (m *model) move(by int) {
	m.cursor = min(max(m.cursor+by, 0), max(len(m.matches)-1, 0))
	m.scroll()
}

// shown is how many rows fit: the terminal less the title, the filter
// line, the header and the count.
func (m *model) shown() int { return max(min(maxShown, m.height-4), 1) }

// scroll keeps the cursor's row in view.
func (m *model) scroll() {
	n := m.shown()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+n {
		m.offset = m.cursor - n + 1
	}
}

func (m *model) View() tea.View {
	if m.done {
		return tea.NewView("") // the picker's lines are cleared
	}
	w := max(m.width-1, 10)
	fit := func(s string) string { return ansi.Truncate(s, w, "...") }
	var b strings.Builder
	b.WriteString(fit(ansi.Style{}.Bold().Styled(textsafe.Escape(m.req.Title))+
		ansi.Style{}.Faint().Styled("  (type to filter, arrows to move, Enter to choose, Esc to leave)")) + "\n")
	filter := "> " + string(m.filter)
	b.WriteString(fit(filter) + "\n")
	if m.header != "" {
		b.WriteString(fit("  "+ansi.Style{}.Faint().Styled(m.header)) + "\n")
	}
	n := m.shown()
	for i := m.offset; i < len(m.matches) && i < m.offset+n; i++ {
		line := m.lines[m.matches[i]]
		if i == m.cursor {
			b.WriteString(fit(ansi.Style{}.Reverse(true).Styled("> "+line)) + "\n")
		} else {
			b.WriteString(fit("  "+line) + "\n")
		}
	}
	fmt.Fprintf(&b, "  %d/%d", len(m.matches), len(m.lines))
	v := tea.NewView(b.String())
	v.Cursor = tea.NewCursor(min(ansi.StringWidth(filter), w), 1)
	return v
}
