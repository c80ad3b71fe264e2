package spell

import "testing"

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"alice", "alice", 3, 0},
		{"alice", "alcie", 3, 1}, // a swap is one edit
		{"role", "rle", 3, 1},
		{"role", "rolee", 3, 1},
		{"session", "sesion", 3, 1},
		{"role", "session", 3, 3}, // capped at the limit
		{"abc", "", 5, 3},
		{"ab", "ba", 5, 1},
		{"abcd", "badc", 5, 2},
		{"prod", "dev", 2, 2},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b, tt.limit); got != tt.want {
			t.Errorf("Distance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
		if got := Distance(tt.b, tt.a, tt.limit); got != tt.want {
			t.Errorf("Distance(%q, %q, %d) = %d, want %d (symmetric)", tt.b, tt.a, tt.limit, got, tt.want)
		}
	}
}
