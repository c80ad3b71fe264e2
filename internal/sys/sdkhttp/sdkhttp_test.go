package sdkhttp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
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

func TestOutOfTime(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
		}
	}()
	client := &http.Client{Timeout: 100 * time.Millisecond}
	_, err = client.Get("http://" + ln.Addr().String())
	if err == nil {
		t.Fatal("a server that never answers answered")
	}
	if !OutOfTime(context.Background(), fmt.Errorf("operation error: %w", err)) {
		t.Errorf("the client's own timeout (%v) is not out of time", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if !OutOfTime(ctx, errors.New("anything")) {
		t.Error("an ended budget is not out of time")
	}
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("i/o timeout")}
	if OutOfTime(ctx, dial) {
		t.Error("a connection never made counts as out of time")
	}
	if OutOfTime(context.Background(), errors.New("connection reset by peer")) {
		t.Error("a plain error is out of time")
	}
}
