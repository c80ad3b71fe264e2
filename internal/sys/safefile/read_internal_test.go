package safefile

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"
)

// A read that never finishes (a file system that stopped answering) ends
// at its deadline, or when its context ends.
func TestReadBoundedEndsAtItsDeadline(t *testing.T) {
	stuck := make(chan struct{})
	defer close(stuck)
	hang := func(string) (*os.File, error) { <-stuck; return nil, errors.New("released") }
	if _, err := readBounded(context.Background(), "/stuck", 10, hang, 10*time.Millisecond); !errors.Is(err, ErrReadTimeout) {
		t.Fatalf("past the deadline: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := readBounded(ctx, "/stuck", 10, hang, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled context: %v", err)
	}
}
