package idtoken

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/sys/proc"
)

// SAML attribute names AWS reads from an assertion.
const (
	RoleAttribute            = "https://aws.amazon.com/SAML/Attributes/Role"
	SessionDurationAttribute = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
)

// SAMLSource is where a profile's SAML assertion comes from.
type SAMLSource struct {
	Kind  string // "process" or "file"
	Path  string
	Line  proc.Line
	setup Setup
}

// SAML is the assertion source of a SAML profile: saml_process, else
// saml_assertion_file.
func (s Setup) SAML(p *awsconfig.Profile) (SAMLSource, error) {
	switch {
	case p.SAMLProcess != "":
		return SAMLSource{Kind: "process", Line: proc.Line{Text: p.SAMLProcess, Profile: p.Name, Key: "saml_process"}, setup: s}, nil
	case p.SAMLAssertionFile != "":
		return SAMLSource{Kind: "file", Path: expandHome(p.SAMLAssertionFile, s.Getenv), setup: s}, nil
	}
	return SAMLSource{}, hint.With(fmt.Errorf("profile %s has no SAML assertion source", p.Name), "set saml_process (or saml_assertion_file) in [profile "+p.Name+"]")
}

// ID names the source for the cache key (a command line only as a digest).
func (s SAMLSource) ID() string {
	if s.Kind == "file" {
		return "file:" + s.Path
	}
	return "process:" + digest(s.Line.Text)
}

// What names the source for messages.
func (s SAMLSource) What() string {
	if s.Kind == "file" {
		return "the SAML assertion file " + s.Path
	}
	return s.Line.What()
}

// Assertion gets the base64 SAMLResponse now and reads what AWS reads
// from it.
func (s SAMLSource) Assertion(ctx context.Context) (string, Assertion, error) {
	var raw string
	switch s.Kind {
	case "file":
		b, err := readFile(ctx, s.Path, maxAssertion, "SAML assertion file", "not an assertion", "check saml_assertion_file",
			"saml_assertion_file must name the regular file that holds the base64 SAMLResponse; stscred reads no pipe, device or directory")
		if err != nil {
			return "", Assertion{}, err
		}
		raw = string(b)
	default:
		var out bytes.Buffer
		if err := s.setup.Runner.Line(ctx, s.Line, proc.LineOptions{Stdout: &out, MaxOutput: maxAssertion, Stderr: s.setup.Stderr, Timeout: 5 * time.Minute}); err != nil {
			return "", Assertion{}, err
		}
		raw = out.String()
	}
	raw = strings.Join(strings.Fields(raw), "")
	if raw == "" {
		return "", Assertion{}, hint.With(fmt.Errorf("%s gave no SAML assertion", s.What()), "it must print the base64 SAMLResponse your identity provider posts to AWS")
	}
	a, err := ReadAssertion(raw)
	var de *DurationError
	if errors.As(err, &de) {
		return "", Assertion{}, hint.With(fmt.Errorf("the SAML assertion from %s is not one AWS takes: %w", s.What(), err),
			"the identity provider sets SessionDuration: its admin must make it a number of seconds from 900 to 43200, or leave it out")
	}
	if err != nil {
		return "", Assertion{}, hint.With(fmt.Errorf("%s did not give a SAML assertion: %w", s.What(), err), "it must print the base64 SAMLResponse your identity provider posts to AWS, and nothing else")
	}
	return raw, a, nil
}

// Assertion is what AWS reads from a SAMLResponse, not verified (STS
// verifies it).
type Assertion struct {
	// Issuer and Subject are the (first) assertion's Issuer and its
	// Subject's NameID: whom the identity provider vouches for. Empty when
	// absent (an encrypted assertion shows neither).
	Issuer, Subject string
	Roles           []RolePair
	SessionDuration time.Duration // 0 when absent
	NotOnOrAfter    time.Time
}

// The SessionDuration attribute AWS takes: 900 seconds to 12 hours.
const (
	MinSessionDuration = 900 * time.Second
	MaxSessionDuration = 43200 * time.Second
)

// DurationError is a SessionDuration attribute that is no number of
// seconds from 900 to 43200: STS refuses such an assertion, and a larger
// number would overflow a time.Duration.
type DurationError struct{ Value string }

func (e *DurationError) Error() string {
	v := e.Value
	if len(v) > 24 {
		v = v[:24] + "…"
	}
	return fmt.Sprintf("its SessionDuration attribute is %q, not a number of seconds from %d to %d (12 hours)", v, int(MinSessionDuration/time.Second), int(MaxSessionDuration/time.Second))
}

// Identity is whom the assertion is for as it would be used for pair —
// its issuer, subject and that role and provider — in one unambiguous
// string for a cache key: never the assertion, and the same for every
// fresh assertion the provider issues to the same person for that role.
func (a Assertion) Identity(pair RolePair) string {
	b, _ := json.Marshal([]string{a.Issuer, a.Subject, pair.Role, pair.Provider})
	return string(b)
}

// RolePair is a value of the Role attribute: a role and the SAML provider
// that may assume it.
type RolePair struct{ Role, Provider string }

// ReadAssertion decodes a base64 SAMLResponse. A SessionDuration that is
// no number of seconds AWS takes is refused (DurationError).
func ReadAssertion(b64 string) (Assertion, error) {
	doc, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return Assertion{}, errors.New("it is not base64")
	}
	var a Assertion
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var attr string
	inValue := false
	seenResponse := false
	// Where the decoder is, for the first assertion's Issuer and NameID.
	var inAssertion, inSubject, seenAssertion bool
	var text *string // the Issuer or NameID whose text comes next
	for {
		t, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Assertion{}, errors.New("it is not XML")
		}
		switch t := t.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "Response":
				seenResponse = true
			case "Assertion":
				inAssertion = !seenAssertion
				seenAssertion = true
			case "Subject":
				inSubject = inAssertion
			case "Issuer":
				if inAssertion && !inSubject && a.Issuer == "" {
					text = &a.Issuer
				}
			case "NameID":
				if inSubject && a.Subject == "" {
					text = &a.Subject
				}
			case "Attribute":
				attr = attrOf(t, "Name")
			case "AttributeValue":
				inValue = true
			case "SubjectConfirmationData", "Conditions":
				if v := attrOf(t, "NotOnOrAfter"); v != "" {
					if at, err := time.Parse(time.RFC3339, v); err == nil && (a.NotOnOrAfter.IsZero() || at.Before(a.NotOnOrAfter)) {
						a.NotOnOrAfter = at
					}
				}
			}
		case xml.EndElement:
			text = nil
			switch t.Name.Local {
			case "Assertion":
				inAssertion = false
			case "Subject":
				inSubject = false
			case "Attribute":
				attr = ""
			case "AttributeValue":
				inValue = false
			}
		case xml.CharData:
			if text != nil {
				*text += strings.TrimSpace(string(t))
			}
			if !inValue {
				continue
			}
			v := strings.TrimSpace(string(t))
			switch attr {
			case RoleAttribute:
				if pair, ok := rolePair(v); ok {
					a.Roles = append(a.Roles, pair)
				}
			case SessionDurationAttribute:
				// Checked before it becomes a Duration: 9223372037
				// seconds is past what one holds, and would wrap to
				// a negative duration.
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil || n < int64(MinSessionDuration/time.Second) || n > int64(MaxSessionDuration/time.Second) {
					return Assertion{}, &DurationError{Value: v}
				}
				a.SessionDuration = time.Duration(n) * time.Second
			}
		}
	}
	if !seenResponse {
		return Assertion{}, errors.New("it is not a SAML Response")
	}
	return a, nil
}

// rolePair reads "role-arn,provider-arn" in either order.
func rolePair(v string) (RolePair, bool) {
	a, b, ok := strings.Cut(v, ",")
	if !ok {
		return RolePair{}, false
	}
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if strings.Contains(a, ":saml-provider/") {
		a, b = b, a
	}
	if !strings.Contains(a, ":role/") || !strings.Contains(b, ":saml-provider/") {
		return RolePair{}, false
	}
	return RolePair{Role: a, Provider: b}, true
}

func attrOf(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}
