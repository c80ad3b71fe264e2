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

// What decodes re-encodes to a document that decodes to the same instant;
// what cannot is refused when decoded, with a clear error: an offset that
// takes the time out of the years 0000-9999 in UTC (audit finding 11).
func TestDecodeProcessRoundTrip(t *testing.T) {
	doc := func(exp string) []byte {
		return []byte(`{"Version":1,"AccessKeyId":"ASIAX","SecretAccessKey":"s","Expiration":"` + exp + `"}`)
	}
	for _, exp := range []string{
		"2026-11-23T19:00:00+01:00", "2026-11-23T18:00:00.999Z", "0000-01-01T23:59:00+23:59",
		"9999-12-31T00:00:00-23:59", "9999-12-31T23:59:59.999999999Z", "0000-01-01T00:00:00Z",
	} {
		c, err := DecodeProcess(doc(exp))
		if err != nil {
			t.Errorf("%s: %v", exp, err)
			continue
		}
		b, err := EncodeProcess(c)
		if err != nil {
			t.Errorf("%s: re-encoding: %v", exp, err)
			continue
		}
		again, err := DecodeProcess(b)
		if err != nil || !again.Expiration.Equal(c.Expiration) {
			t.Errorf("%s: re-encoded as %s, which decodes to %v (%v), not %v", exp, b, again.Expiration, err, c.Expiration)
		}
	}
	for _, exp := range []string{"0000-01-01T00:00:00+23:59", "9999-12-31T23:59:59-00:01"} {
		_, err := DecodeProcess(doc(exp))
		if err == nil || !strings.Contains(err.Error(), "0000 to 9999") {
			t.Errorf("%s: err = %v, want it refused", exp, err)
		}
	}
}
