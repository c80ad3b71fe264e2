package ststest

import (
	"net/http"
	"testing"
	"time"
)

// TestSigV4DocumentedExample checks the verifier against the worked example
// of the AWS General Reference ("Signature Version 4 signing process"): IAM
// ListUsers, secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 2015-08-30.
func TestSigV4DocumentedExample(t *testing.T) {
	req, err := http.NewRequest(http.MethodGet, "https://iam.amazonaws.com/?Version=2010-05-08&Action=ListUsers", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("X-Amz-Date", "20150830T123600Z")
	const sig = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "+
		"SignedHeaders=content-type;host;x-amz-date, Signature="+sig)

	a, aerr := parseSigV4(req)
	if aerr != nil {
		t.Fatal(aerr)
	}
	if err := a.checkScope(sigV4Scope{service: "iam"}); err != nil {
		t.Fatal(err)
	}
	canonical := canonicalRequest(req, a.signedHeaders, payloadHashOf(t, req))
	const wantCanonical = "GET\n/\nAction=ListUsers&Version=2010-05-08\n" +
		"content-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n" +
		"content-type;host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if canonical != wantCanonical {
		t.Fatalf("canonical request\n%s\nwant\n%s", canonical, wantCanonical)
	}
	if got := a.sign("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", canonical); got != sig {
		t.Fatalf("signature %s, want %s", got, sig)
	}
	if err := a.verify(req, nil, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if err := a.verify(req, nil, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEz"); err == nil || err.code != codeSignatureDoesNotMatch {
		t.Fatalf("verify with a wrong secret: %v", err)
	}
	// The same request is far too old for a server clock of today.
	if err := a.checkAge(time.Date(2015, 8, 30, 12, 41, 1, 0, time.UTC)); err == nil ||
		err.message != "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T124101Z - 5 min.)" {
		t.Fatalf("checkAge: %v", err)
	}
	if err := a.checkAge(time.Date(2015, 8, 30, 12, 41, 0, 0, time.UTC)); err != nil {
		t.Fatalf("checkAge at exactly 5 minutes: %v", err)
	}
}

func payloadHashOf(t *testing.T, r *http.Request) string {
	t.Helper()
	h, err := payloadHash(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestCanonicalQueryAndURI(t *testing.T) {
	for raw, want := range map[string]string{
		"":                         "",
		"b=2&a=1&a=0":              "a=0&a=1&b=2",
		"k=a%20b&k2=a+b&e=":        "e=&k=a%20b&k2=a%20b",
		"x=%2F%7E%C3%A9&y=*":       "x=%2F~%C3%A9&y=%2A",
		"Action=GetCallerIdentity": "Action=GetCallerIdentity",
	} {
		if got := canonicalQuery(raw); got != want {
			t.Errorf("canonicalQuery(%q) = %q, want %q", raw, got, want)
		}
	}
	for path, want := range map[string]string{"": "/", "/": "/", "/a b/c": "/a%2520b/c"} {
		req, err := http.NewRequest(http.MethodGet, "http://h"+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if path == "" {
			req.URL.Path = ""
		}
		if got := canonicalURI(req.URL); got != want {
			t.Errorf("canonicalURI(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestCanonicalHeaderValue(t *testing.T) {
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:9911/", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Add("X-Spaced", "  a   b\t c  ")
	req.Header.Add("X-Multi", "one")
	req.Header.Add("X-Multi", " two  three ")
	req.ContentLength = 42
	for name, want := range map[string]string{
		"x-spaced":       "a b c",
		"x-multi":        "one,two three",
		"host":           "127.0.0.1:9911",
		"content-length": "42",
		"x-absent":       "",
	} {
		if got := canonicalHeaderValue(req, name); got != want {
			t.Errorf("canonicalHeaderValue(%s) = %q, want %q", name, got, want)
		}
	}
	// The request's own headers are left alone.
	if got := req.Header.Values("X-Multi"); got[1] != " two  three " {
		t.Errorf("header changed to %q", got)
	}
}
