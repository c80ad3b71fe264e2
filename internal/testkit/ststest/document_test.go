package ststest_test

import (
	"encoding/xml"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestResponseDocuments checks the XML on the wire against the shapes of
// STS-FACTS.md, element by element.
func TestResponseDocuments(t *testing.T) {
	w := newWorld(t)
	creds := aws.Credentials{AccessKeyID: w.key.ID, SecretAccessKey: w.key.Secret}
	type credsXML struct {
		AccessKeyID     string `xml:"AccessKeyId"`
		SecretAccessKey string
		SessionToken    string
		Expiration      string
	}
	checkCommon := func(t *testing.T, resp *http.Response, requestID string) {
		t.Helper()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/xml" {
			t.Errorf("status %d content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if !uuidRE.MatchString(requestID) || resp.Header.Get("X-Amzn-Requestid") != requestID {
			t.Errorf("request id %q, header %q", requestID, resp.Header.Get("X-Amzn-Requestid"))
		}
		if _, err := http.ParseTime(resp.Header.Get("Date")); err != nil {
			t.Errorf("Date header: %v", err)
		}
	}
	checkCreds := func(t *testing.T, c credsXML) {
		t.Helper()
		if len(c.AccessKeyID) != 20 || len(c.SecretAccessKey) != 40 || len(c.SessionToken) < 400 {
			t.Errorf("credentials %+v", c)
		}
		if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`).MatchString(c.Expiration) {
			t.Errorf("Expiration %q is not RFC 3339 with Z", c.Expiration)
		}
	}

	t.Run("GetSessionToken", func(t *testing.T) {
		var doc struct {
			XMLName     xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ GetSessionTokenResponse"`
			Credentials credsXML `xml:"GetSessionTokenResult>Credentials"`
			RequestID   string   `xml:"ResponseMetadata>RequestId"`
		}
		resp, body := do(t, signedRequest(t, w.url, "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=900", creds, time.Now()))
		if err := xml.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatalf("%v\n%s", err, body)
		}
		checkCommon(t, resp, doc.RequestID)
		checkCreds(t, doc.Credentials)
	})
	t.Run("AssumeRole", func(t *testing.T) {
		var doc struct {
			XMLName       xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ AssumeRoleResponse"`
			Arn           string   `xml:"AssumeRoleResult>AssumedRoleUser>Arn"`
			AssumedRoleID string   `xml:"AssumeRoleResult>AssumedRoleUser>AssumedRoleId"`
			Credentials   credsXML `xml:"AssumeRoleResult>Credentials"`
			Packed        string   `xml:"AssumeRoleResult>PackedPolicySize"`
			RequestID     string   `xml:"ResponseMetadata>RequestId"`
		}
		resp, body := do(t, signedRequest(t, w.url, "Action=AssumeRole&Version=2011-06-15&RoleArn="+readOnlyARN+
			"&RoleSessionName=doc&Tags.member.1.Key=team&Tags.member.1.Value=infra", creds, time.Now()))
		if err := xml.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatalf("%v\n%s", err, body)
		}
		checkCommon(t, resp, doc.RequestID)
		checkCreds(t, doc.Credentials)
		if doc.Arn != "arn:aws:sts::222222222222:assumed-role/ReadOnly/doc" || doc.AssumedRoleID != w.readOnly.ID+":doc" || doc.Packed == "" {
			t.Errorf("document %+v", doc)
		}
	})
	t.Run("GetCallerIdentity", func(t *testing.T) {
		var doc struct {
			XMLName   xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ GetCallerIdentityResponse"`
			Arn       string   `xml:"GetCallerIdentityResult>Arn"`
			UserID    string   `xml:"GetCallerIdentityResult>UserId"`
			Account   string   `xml:"GetCallerIdentityResult>Account"`
			RequestID string   `xml:"ResponseMetadata>RequestId"`
		}
		resp, body := do(t, signedRequest(t, w.url, "Action=GetCallerIdentity&Version=2011-06-15", creds, time.Now()))
		if err := xml.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatalf("%v\n%s", err, body)
		}
		checkCommon(t, resp, doc.RequestID)
		if doc.Arn != w.alice.ARN() || doc.UserID != w.alice.ID() || doc.Account != userAccount {
			t.Errorf("document %+v", doc)
		}
	})
	t.Run("errors", func(t *testing.T) {
		for body, want := range map[string]string{
			"Action=Frobnicate&Version=2011-06-15":        "Could not find operation Frobnicate for version 2011-06-15",
			"Action=GetCallerIdentity&Version=2010-05-08": "Could not find operation GetCallerIdentity for version 2010-05-08",
		} {
			resp, out := do(t, signedRequest(t, w.url, body, creds, time.Now()))
			e := parseError(t, out)
			if resp.StatusCode != http.StatusBadRequest || e.Code != "InvalidAction" || e.Message != want || e.Type != "Sender" ||
				!uuidRE.MatchString(e.ReqID) || resp.Header.Get("X-Amzn-Requestid") != e.ReqID || resp.Header.Get("Content-Type") != "text/xml" {
				t.Errorf("%s: %d %s", body, resp.StatusCode, out)
			}
		}
		if n := w.srv.Calls("Frobnicate"); n != 1 {
			t.Errorf("calls of an unknown action: %d, want 1", n)
		}
	})
}
