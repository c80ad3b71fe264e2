package iamname

import "testing"

func TestValid(t *testing.T) {
	for _, c := range []struct {
		s        string
		min, max int
		extra    string
		want     bool
	}{
		{"Admin_+=,.@-1", 1, 64, Marks, true},
		{"a", 2, 64, Marks, false},
		{"abc", 1, 2, Marks, false},
		{"a b", 1, 64, Marks, false},
		{"a:b/c", 2, 64, Marks, false},
		{"a:b/c", 2, 64, Marks + ":/", true},
		{"é", 1, 64, Marks, false},
		{"a\nb", 1, 64, Marks, false},
	} {
		if got := Valid(c.s, c.min, c.max, c.extra); got != c.want {
			t.Errorf("Valid(%q, %d, %d, %q) = %v", c.s, c.min, c.max, c.extra, got)
		}
	}
}

func TestMapped(t *testing.T) {
	for s, want := range map[string]string{"alice": "alice", "a b/c": "a-b-c", "x+=,.@-_y": "x+=,.@-_y", "é": "-"} {
		if got := Mapped(s); got != want {
			t.Errorf("Mapped(%q) = %q, want %q", s, got, want)
		}
	}
}
