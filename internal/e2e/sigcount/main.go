// Command sigcount counts the SIGINTs it receives, as a Go program such as
// terraform sees them, then prints the total: a test's stand-in for a
// command run by stscred exec.
//
//	sigcount [-for 1.5s]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	window := flag.Duration("for", 1500*time.Millisecond, "how long to count after the first signal")
	flag.Parse()
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, syscall.SIGINT)
	fmt.Println("ready")
	<-sigs
	n := 1
	fmt.Printf("INT#%d\n", n)
	deadline := time.After(*window)
	for {
		select {
		case <-sigs:
			n++
			fmt.Printf("INT#%d\n", n)
		case <-deadline:
			fmt.Printf("total=%d\n", n)
			return
		}
	}
}
