package creds

import (
	"testing"
	"time"
)

func TestRemaining(t *testing.T) {
	now := time.Now()
	c := Credentials{Expiration: now.Add(10 * time.Minute)}
	if c.Remaining(now) != 10*time.Minute {
		t.Fatal("remaining")
	}
	if (Credentials{}).Remaining(now) < 100*365*24*time.Hour {
		t.Fatal("long-term keys never expire")
	}
}
