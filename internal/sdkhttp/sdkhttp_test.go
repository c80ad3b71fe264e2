package sdkhttp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"
)

func TestRootCause(t *testing.T) {
	op := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	if got := RootCause(fmt.Errorf("operation error STS: GetCallerIdentity, exceeded maximum number of attempts, 3: %w", fmt.Errorf("https response error: %w", op))); got != op {
		t.Errorf("RootCause = %v, want the OpError", got)
	}
	inner := errors.New("inner")
	if got := RootCause(fmt.Errorf("a: %w", fmt.Errorf("b: %w", inner))); got != inner {
		t.Errorf("RootCause = %v, want the innermost error", got)
	}
}

func TestSleepEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep after cancel = %v", err)
	}
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Errorf("Sleep = %v", err)
	}
}
