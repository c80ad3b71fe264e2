package picker

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

var rows = []Row{
	{Key: "alice", Cells: []string{"user", "111111111111", "session", "42m left"}},
	{Key: "prod-admin", Cells: []string{"role", "222222222222", "Admin", "2h05m left"}},
	{Key: "prod", Cells: []string{"tool", "222222222222", "Admin", "2h05m left"}},
	{Key: "dev", Cells: []string{"sso", "333333333333", "Developer", "-"}},
}

func testModel(r []Row) *model {
	m := newModel(Request{Title: "stscred use: choose a profile", Header: []string{"PROFILE", "KIND", "ACCOUNT", "ROLE/SESSION", "CACHED"}, Rows: r})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	return m
}

func press(m *model, keys ...string) {
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "up":
			msg = tea.KeyPressMsg{Code: tea.KeyUp}
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		case "tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab}
		case "backspace":
			msg = tea.KeyPressMsg{Code: tea.KeyBackspace}
		case "ctrl+c", "ctrl+u", "ctrl+w":
			msg = tea.KeyPressMsg{Code: rune(k[len(k)-1]), Mod: tea.ModCtrl}
		default:
			for _, r := range k {
				m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
			}
			continue
		}
		m.Update(msg)
	}
}

// shown is the keys of the rows shown, in order, with the cursor's marked.
func shown(m *model) string {
	var out []string
	for i := m.offset; i < len(m.matches) && i < m.offset+m.shown(); i++ {
		k := m.req.Rows[m.matches[i]].Key
		if i == m.cursor {
			k = "[" + k + "]"
		}
		out = append(out, k)
	}
	return strings.Join(out, " ")
}

func TestFilterAndChoose(t *testing.T) {
	for _, tc := range []struct {
		keys   []string
		shown  string
		chosen int // -1: none (yet)
	}{
		{nil, "[alice] prod-admin prod dev", -1},
		{[]string{"enter"}, "[alice] prod-admin prod dev", 0},
		{[]string{"down", "down", "enter"}, "alice prod-admin [prod] dev", 2},
		{[]string{"down", "down", "down", "down", "down"}, "alice prod-admin prod [dev]", -1},
		{[]string{"down", "up", "up", "tab"}, "alice [prod-admin] prod dev", -1},
		// Fuzzy: the letters in order, a match in the name first; the
		// cursor goes back to the best match.
		{[]string{"down", "prd"}, "[prod] prod-admin", -1},
		{[]string{"pa", "enter"}, "[prod-admin] prod", 1},
		// The other columns match too, after the names.
		{[]string{"3333"}, "[dev]", -1},
		{[]string{"Admin"}, "[prod-admin] prod", -1},
		{[]string{"PROD"}, "[prod] prod-admin", -1},
		// Nothing matches: Enter chooses nothing.
		{[]string{"zzz", "enter"}, "", -1},
		{[]string{"zzz", "backspace", "backspace", "backspace", "dev", "enter"}, "[dev]", 3},
		{[]string{"prod admin", "ctrl+w"}, "[prod] prod-admin", -1},
		{[]string{"dev", "ctrl+u"}, "[alice] prod-admin prod dev", -1},
	} {
		t.Run(strings.Join(tc.keys, ","), func(t *testing.T) {
			m := testModel(rows)
			press(m, tc.keys...)
			if got := shown(m); got != tc.shown {
				t.Errorf("shows %q, want %q", got, tc.shown)
			}
			if m.chosen != tc.chosen {
				t.Errorf("chose %d, want %d", m.chosen, tc.chosen)
			}
			if m.done != (tc.chosen >= 0) {
				t.Errorf("done = %v with %d chosen", m.done, m.chosen)
			}
		})
	}
}

func TestLeaveWithNothing(t *testing.T) {
	for _, k := range []string{"esc", "ctrl+c"} {
		m := testModel(rows)
		press(m, "prod", "down")
		_, cmd := m.Update(map[string]tea.KeyPressMsg{
			"esc": {Code: tea.KeyEscape}, "ctrl+c": {Code: 'c', Mod: tea.ModCtrl},
		}[k])
		if !m.done || m.chosen != -1 || cmd == nil {
			t.Errorf("%s: done %v, chosen %d, quit %v", k, m.done, m.chosen, cmd != nil)
		}
		if v := m.View(); v.Content != "" {
			t.Errorf("%s: the picker's lines stay: %q", k, v.Content)
		}
	}
}

// A paste goes into the filter up to its first line break, without
// control characters.
func TestPaste(t *testing.T) {
	m := testModel(rows)
	m.Update(tea.PasteMsg{Content: "pr\x1b[2Jod\nrm -rf /"})
	if got := string(m.filter); got != "pr[2Jod" {
		t.Fatalf("filter %q", got)
	}
}

// What the config holds is shown escaped: a profile name cannot move the
// cursor or recolour the terminal. The view holds no escape sequence but
// the picker's own styles.
func TestViewEscapes(t *testing.T) {
	m := testModel(append([]Row{{Key: "evil\x1b]0;owned\x07\x1b[2J", Cells: []string{"user\r\n", "-", "session", "-"}}}, rows...))
	v := m.View().Content
	if !strings.Contains(v, `evil\x1b]0;owned\x07\x1b[2J`) || !strings.Contains(v, `user\r\n`) {
		t.Fatalf("not escaped:\n%s", v)
	}
	plain := ansi.Strip(v)
	if strings.ContainsAny(plain, "\x1b\x07\r") {
		t.Fatalf("control characters beyond the styles:\n%q", plain)
	}
	for _, want := range []string{"stscred use: choose a profile", "PROFILE KIND ACCOUNT ROLE/SESSION CACHED", "prod-admin role 222222222222 Admin 2h05m left"} {
		if !strings.Contains(strings.Join(strings.Fields(plain), " "), want) {
			t.Errorf("the view lacks %q:\n%s", want, plain)
		}
	}
	if !strings.Contains(plain, "5/5") {
		t.Errorf("no count:\n%s", plain)
	}
}

// On a short terminal the rows scroll with the cursor; every line fits
// the width.
func TestScrollAndWidth(t *testing.T) {
	var many []Row
	for i := range 40 {
		many = append(many, Row{Key: fmt.Sprintf("profile-%02d", i), Cells: []string{"role", "222222222222", strings.Repeat("LongRoleName", 8), "-"}})
	}
	m := testModel(many)
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 10})
	if n := m.shown(); n != 6 {
		t.Fatalf("shows %d rows on 10 lines, want 6", n)
	}
	for range 20 {
		press(m, "down")
	}
	if got := shown(m); !strings.HasPrefix(got, "profile-15 ") || !strings.HasSuffix(got, "[profile-20]") {
		t.Fatalf("after 20 downs: %s", got)
	}
	press(m, "up", "up", "up", "up", "up", "up")
	if got := shown(m); !strings.HasPrefix(got, "[profile-14]") {
		t.Fatalf("after 6 ups: %s", got)
	}
	for _, line := range strings.Split(m.View().Content, "\n") {
		if w := ansi.StringWidth(line); w > 59 {
			t.Errorf("a line %d wide on a 60-column terminal: %q", w, ansi.Strip(line))
		}
	}
}
