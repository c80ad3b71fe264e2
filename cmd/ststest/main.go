// Command ststest runs the STS and IAM test server of package ststest with a
// fixed demo world, for demos, README walk-throughs and shell-based tests:
//
//	go run ./cmd/ststest [--listen 127.0.0.1:9911] [--sso-listen 127.0.0.1:9912] [--date-offset 10m] [--region R] [--key-propagation 10s] [--quiet]
//
// One endpoint serves both APIs: requests signed for service "iam" (region
// us-east-1) go to IAM, all others to STS.
//
// It prints the endpoint and the demo credentials on stdout, logs one line
// per request on stderr (unless --quiet) and exits on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintf(os.Stderr, "ststest: error: %v\n", err)
		os.Exit(1)
	}
}

// run parses args, serves the demo world until ctx is done, then shuts down.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ststest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: ststest [flags]\n\nRuns an STS and IAM test server with a demo user and roles. Flags:\n")
		fs.PrintDefaults()
	}
	listen := fs.String("listen", "127.0.0.1:9911", "`address` to listen on")
	dateOffset := fs.Duration("date-offset", 0, "add `offset` to the Date header of responses (e.g. 10m), to look skewed")
	region := fs.String("region", "", "accept only STS signatures scoped to `region` (default: any region; IAM always wants us-east-1)")
	keyPropagation := fs.Duration("key-propagation", 0, "refuse keys made by IAM CreateAccessKey for this `long` (e.g. 10s), as IAM's eventual consistency does")
	quiet := fs.Bool("quiet", false, "do not log requests to stderr")
	ssoListen := fs.String("sso-listen", "", "also serve an IAM Identity Center stand-in on `address` (e.g. 127.0.0.1:9912)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (see --help)", fs.Arg(0))
	}

	if *keyPropagation < 0 {
		return fmt.Errorf("--key-propagation %v is negative", *keyPropagation)
	}
	opts := ststest.Options{DateOffset: *dateOffset, Region: *region, KeyPropagation: *keyPropagation}
	if !*quiet {
		opts.OnRequest = requestLogger(stderr)
	}
	srv := ststest.New(opts)
	alice := setupDemo(srv)

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", *listen, err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	url := "http://" + ln.Addr().String()
	printBanner(stdout, url, alice, *dateOffset, *keyPropagation)
	if *ssoListen != "" {
		stop, err := serveSSO(srv, *ssoListen, ssotest.Options{}, stdout)
		if err != nil {
			_ = hs.Close()
			return err
		}
		defer stop()
	}

	select {
	case err := <-served:
		return fmt.Errorf("serving on %s: %w", url, err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	return nil
}

// requestLogger writes one line per request: time, action, access key id,
// status and error code (OK on success).
func requestLogger(w io.Writer) func(ststest.Request) {
	var mu sync.Mutex
	return func(r ststest.Request) {
		result := r.Code
		if result == "" {
			result = "OK"
		}
		key := r.AccessKeyID
		if key == "" {
			key = "-"
		}
		action := r.Action
		if action == "" {
			action = "-"
		}
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "ststest: %s %s %s %d %s\n", r.Time.UTC().Format(time.TimeOnly), action, key, r.Status, result)
	}
}
