package ststest

// Signature Version 4 verification, written from the public specification
// and independent of any SDK's signer, so the server checks what clients
// actually sign. Nothing here is specific to STS: the service name and
// region rules come from sigV4Scope.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

const (
	sigV4Algorithm  = "AWS4-HMAC-SHA256"
	sigV4Terminator = "aws4_request"
	amzDateFormat   = "20060102T150405Z"
	scopeDateFormat = "20060102"
	// maxSignatureSkew is how far X-Amz-Date may be from the server clock.
	maxSignatureSkew = 5 * time.Minute
	unsignedPayload  = "UNSIGNED-PAYLOAD"
)

// sigV4Scope is what a service demands of a credential scope.
type sigV4Scope struct {
	service string
	region  string // empty: any region
}

// sigV4Auth is a parsed AWS4-HMAC-SHA256 Authorization header with the
// request date.
type sigV4Auth struct {
	accessKeyID   string
	scopeDate     string // YYYYMMDD
	region        string
	service       string
	terminator    string
	signedHeaders []string
	signature     string
	amzDate       string // the request time in amzDateFormat
	time          time.Time
}

func (a *sigV4Auth) scope() string {
	return a.scopeDate + "/" + a.region + "/" + a.service + "/" + a.terminator
}

// parseSigV4 parses the Authorization header and the request date. Its
// errors are MissingAuthenticationToken and IncompleteSignature.
func parseSigV4(r *http.Request) (*sigV4Auth, *apiError) {
	header := r.Header.Get("Authorization")
	if header == "" {
		return nil, newError(codeMissingAuthentication, "%s", msgMissingAuth)
	}
	alg, rest, _ := strings.Cut(strings.TrimSpace(header), " ")
	if alg != sigV4Algorithm {
		return nil, newError(codeIncompleteSignature, "Unsupported AWS 'algorithm': '%s'. Authorization=%s", alg, header)
	}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok {
			fields[k] = v
		}
	}
	var missing []string
	for _, name := range []string{"Credential", "Signature", "SignedHeaders"} {
		if fields[name] == "" {
			missing = append(missing, fmt.Sprintf("Authorization header requires '%s' parameter.", name))
		}
	}
	amzDate := r.Header.Get("X-Amz-Date")
	var t time.Time
	var dateErr error
	switch {
	case amzDate != "":
		t, dateErr = time.Parse(amzDateFormat, amzDate)
	case r.Header.Get("Date") != "":
		t, dateErr = http.ParseTime(r.Header.Get("Date"))
		amzDate = t.UTC().Format(amzDateFormat)
	default:
		missing = append(missing, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	if len(missing) > 0 {
		return nil, newError(codeIncompleteSignature, "%s Authorization=%s", strings.Join(missing, " "), header)
	}
	if dateErr != nil {
		return nil, newError(codeIncompleteSignature, "Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", r.Header.Get("X-Amz-Date"))
	}
	cred := strings.Split(fields["Credential"], "/")
	if len(cred) != 5 || cred[0] == "" {
		return nil, newError(codeIncompleteSignature, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", fields["Credential"])
	}
	a := &sigV4Auth{
		accessKeyID:   cred[0],
		scopeDate:     cred[1],
		region:        cred[2],
		service:       cred[3],
		terminator:    cred[4],
		signedHeaders: strings.Split(fields["SignedHeaders"], ";"),
		signature:     strings.ToLower(fields["Signature"]),
		amzDate:       amzDate,
		time:          t.UTC(),
	}
	hasHost := false
	for _, h := range a.signedHeaders {
		hasHost = hasHost || strings.EqualFold(h, "host")
	}
	if !hasHost {
		return nil, newError(codeIncompleteSignature, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	return a, nil
}

// checkScope checks the credential scope against what the service demands
// and against the request date. Its errors are SignatureDoesNotMatch.
func (a *sigV4Auth) checkScope(want sigV4Scope) *apiError {
	if a.terminator != sigV4Terminator {
		return newError(codeSignatureDoesNotMatch, "Credential should be scoped with a valid terminator: '%s', not '%s'.", sigV4Terminator, a.terminator)
	}
	if a.service != want.service {
		return newError(codeSignatureDoesNotMatch, "Credential should be scoped to correct service: '%s'. ", want.service)
	}
	if a.region == "" || (want.region != "" && a.region != want.region) {
		return newError(codeSignatureDoesNotMatch, "Credential should be scoped to a valid region. ")
	}
	if d := a.time.Format(scopeDateFormat); a.scopeDate != d {
		return newError(codeSignatureDoesNotMatch, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", a.scopeDate, d, a.amzDate)
	}
	return nil
}

// checkAge refuses a request dated more than maxSignatureSkew from now.
func (a *sigV4Auth) checkAge(now time.Time) *apiError {
	now = now.UTC()
	if earliest := now.Add(-maxSignatureSkew); a.time.Before(earliest) {
		return newError(codeSignatureDoesNotMatch, "Signature expired: %s is now earlier than %s (%s - 5 min.)",
			a.amzDate, earliest.Format(amzDateFormat), now.Format(amzDateFormat))
	}
	if latest := now.Add(maxSignatureSkew); a.time.After(latest) {
		return newError(codeSignatureDoesNotMatch, "Signature not yet current: %s is still later than %s (%s + 5 min.)",
			a.amzDate, latest.Format(amzDateFormat), now.Format(amzDateFormat))
	}
	return nil
}

// verify recomputes the signature of r with secret and compares it, in
// constant time, with the one the client sent.
func (a *sigV4Auth) verify(r *http.Request, body []byte, secret string) *apiError {
	payload, err := payloadHash(r, body)
	if err != nil {
		return err
	}
	canonical := canonicalRequest(r, a.signedHeaders, payload)
	want := a.sign(secret, canonical)
	if !hmac.Equal([]byte(want), []byte(a.signature)) {
		return newError(codeSignatureDoesNotMatch, "%s", msgBadSignature)
	}
	return nil
}

// sign returns the hex signature of a canonical request.
func (a *sigV4Auth) sign(secret, canonical string) string {
	key := signingKey(secret, a.scopeDate, a.region, a.service)
	return hex.EncodeToString(hmacSHA256(key, stringToSign(a.amzDate, a.scope(), canonical)))
}

func stringToSign(amzDate, scope, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return sigV4Algorithm + "\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
}

func signingKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, sigV4Terminator)
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// payloadHash is X-Amz-Content-Sha256 when sent (it must then match the
// body, or be UNSIGNED-PAYLOAD), else the hex SHA-256 of the body.
func payloadHash(r *http.Request, body []byte) (string, *apiError) {
	sum := sha256.Sum256(body)
	actual := hex.EncodeToString(sum[:])
	sent := r.Header.Get("X-Amz-Content-Sha256")
	switch {
	case sent == "":
		return actual, nil
	case sent == unsignedPayload || strings.EqualFold(sent, actual):
		return sent, nil
	}
	return "", newError(codeSignatureDoesNotMatch, "The provided 'x-amz-content-sha256' header does not match what was computed.")
}

// canonicalRequest builds the SigV4 canonical request of r.
func canonicalRequest(r *http.Request, signedHeaders []string, payloadHash string) string {
	var b strings.Builder
	b.WriteString(r.Method + "\n")
	b.WriteString(canonicalURI(r.URL) + "\n")
	b.WriteString(canonicalQuery(r.URL.RawQuery) + "\n")
	for _, name := range signedHeaders {
		b.WriteString(strings.ToLower(name) + ":" + canonicalHeaderValue(r, name) + "\n")
	}
	b.WriteString("\n" + strings.Join(signedHeaders, ";") + "\n")
	b.WriteString(payloadHash)
	return b.String()
}

// canonicalURI encodes the path as sent once more, as SigV4 does for every
// service but S3.
func canonicalURI(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		return "/"
	}
	return uriEncode(p, false)
}

// canonicalQuery sorts and re-encodes the query parameters.
func canonicalQuery(raw string) string {
	type pair struct{ k, v string }
	var pairs []pair
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		if dv, err := url.QueryUnescape(v); err == nil {
			v = dv
		}
		pairs = append(pairs, pair{uriEncode(k, true), uriEncode(v, true)})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	out := make([]string, len(pairs))
	for i, p := range pairs {
		out[i] = p.k + "=" + p.v
	}
	return strings.Join(out, "&")
}

// canonicalHeaderValue is the value of a signed header: values trimmed,
// inner runs of spaces collapsed, several values joined with commas.
func canonicalHeaderValue(r *http.Request, name string) string {
	var values []string
	switch strings.ToLower(name) {
	case "host":
		values = []string{r.Host}
	case "content-length":
		values = slices.Clone(r.Header.Values("Content-Length"))
		if len(values) == 0 && r.ContentLength >= 0 {
			values = []string{strconv.FormatInt(r.ContentLength, 10)}
		}
	default:
		values = slices.Clone(r.Header.Values(name))
	}
	for i, v := range values {
		values[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(values, ",")
}

// uriEncode percent-encodes every byte but the unreserved characters of RFC
// 3986 (and '/' unless encodeSlash), with uppercase hex digits.
func uriEncode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9',
			c == '-', c == '_', c == '.', c == '~', c == '/' && !encodeSlash:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}
