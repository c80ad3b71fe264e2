package creds

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestEncodeProcessShape(t *testing.T) {
	exp := time.Date(2026, 11, 23, 19, 0, 0, 0, time.FixedZone("CET", 3600))
	b, err := EncodeProcess(Credentials{AccessKeyID: "ASIAX", SecretAccessKey: "s", SessionToken: "t", Expiration: exp})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":1,"AccessKeyId":"ASIAX","SecretAccessKey":"s","SessionToken":"t","Expiration":"2026-11-23T18:00:00Z"}` + "\n"
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	c, err := DecodeProcess(b)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Expiration.Equal(exp) || c.SessionToken != "t" {
		t.Fatalf("round trip lost data: %+v", c)
	}
}

func TestEncodeProcessRefusesEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteProcess(&buf, Credentials{AccessKeyID: "A"}); err == nil {
		t.Fatal("incomplete credentials must not be written")
	}
	if buf.Len() != 0 {
		t.Fatal("nothing may reach stdout on failure")
	}
}

func TestDecodeProcessRejectsVersion(t *testing.T) {
	_, err := DecodeProcess([]byte(`{"Version":2,"AccessKeyId":"a","SecretAccessKey":"b"}`))
	if err == nil || !strings.Contains(err.Error(), "Version 2") {
		t.Fatalf("err = %v", err)
	}
}
