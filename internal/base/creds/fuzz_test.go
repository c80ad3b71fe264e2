package creds

import (
	"bytes"
	"testing"
	"time"
)

// FuzzDecodeProcess reads what another credential_process printed. It
// holds: no panic; what decodes (and is complete enough to print)
// encodes, and the encoding decodes to the same credentials (the
// expiration to the second, which is all the document carries) and
// encodes to the same bytes again. testdata/fuzz holds the expirations
// whose offset took them out of RFC 3339's years (audit finding 11).
func FuzzDecodeProcess(f *testing.F) {
	for _, seed := range []string{
		`{"Version":1,"AccessKeyId":"ASIAIOSFODNN7EXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","SessionToken":"IQoJb3JpZ2luX2VjEXAMPLE==","Expiration":"2026-11-23T18:00:00Z"}`,
		`{"Version":1,"AccessKeyId":"ASIAX","SecretAccessKey":"s","SessionToken":"t","Expiration":"2026-11-23T19:00:00+01:00","AccountId":"111111111111"}`,
		`{"Version": 1, "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}`,
		"{\n  \"Version\": 1,\n  \"AccessKeyId\": \"ASIA\\u0041\",\n  \"SecretAccessKey\": \"s\",\n  \"Expiration\": \"2026-11-23T18:00:00.123456Z\"\n}\n",
		`{"Version":2,"AccessKeyId":"a","SecretAccessKey":"s"}`,
		`{"Version":1,"AccessKeyId":"a","SecretAccessKey":"s","Expiration":"not a time"}`,
		`{"Version":1,"Version":1,"AccessKeyId":"a","SecretAccessKey":"s","Extra":[1,{"x":null}]}`,
		`{"Version":1.0,"AccessKeyId":null,"SecretAccessKey":"\ud800"}`,
		`[]`, `null`, ``, `{"Version":1}` + "\n" + `{"Version":2}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeProcess(data)
		if err != nil {
			return
		}
		b, err := EncodeProcess(c)
		if err != nil {
			if c.AccessKeyID == "" || c.SecretAccessKey == "" {
				return // incomplete credentials are never printed
			}
			t.Fatalf("decoded %+v but cannot encode it: %v", c, err)
		}
		c2, err := DecodeProcess(b)
		if err != nil {
			t.Fatalf("decoded %q, encoded %s, which does not decode: %v", data, b, err)
		}
		want := c
		want.Expiration = c.Expiration.Truncate(time.Second)
		if !want.Expiration.Equal(c2.Expiration) {
			t.Fatalf("expiration %v came back as %v (from %q)", c.Expiration, c2.Expiration, data)
		}
		want.Expiration, c2.Expiration = time.Time{}, time.Time{}
		if want != c2 {
			t.Fatalf("decode, encode, decode: %+v became %+v", want, c2)
		}
		if b2, err := EncodeProcess(mustDecode(t, b)); err != nil || !bytes.Equal(b, b2) {
			t.Fatalf("encoding is not stable: %s then %s (%v)", b, b2, err)
		}
	})
}

func mustDecode(t *testing.T, b []byte) Credentials {
	t.Helper()
	c, err := DecodeProcess(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
