package ststest

import (
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
)

// Words of the federation endpoint's pages. Those of the real endpoint are
// word for word where a source shows them (see federation.go); the others
// are ststest's, as nothing documents the real wording.
const (
	// The getSigninToken refusal, whatever its reason.
	msgInvalidCredentialsParam = "Invalid credentials parameter"
	msgSyntacticallyIncorrect  = "The request sent by the client was syntactically incorrect."
	// The login page for a token of GetSessionToken credentials.
	msgFederatedLoginOnly = "Only federation tokens or assume role tokens may be used for federated login. Please contact your administrator."
	// ststest's words.
	msgInvalidSigninToken = "The sign-in token is invalid or has expired. Request a new sign-in URL."
	msgInvalidDestination = "The Destination parameter is not a URL of the AWS Management Console."
	msgSessionOver        = "Your session has expired."
	msgInvalidAction      = "Invalid Action parameter"
)

// fedReply is what the federation endpoint answers a request with.
type fedReply struct {
	status   int
	ctype    string
	body     []byte
	location string // for a redirect
	// keyID is the access key id of the session the request was about,
	// for the request log.
	keyID string
	// reason says why ststest refused the request, for the request log;
	// the real endpoint's page does not say.
	reason string
	code   string // an injected fault's code
}

// statusPage is an error page in the form the real getSigninToken refusal
// takes ("HTTP Status 400 - Invalid credentials parameter", then type,
// message and description). The reason goes in an HTML comment, for a human
// reading the page; no client should parse it.
func statusPage(status int, message, description, reason string) fedReply {
	title := fmt.Sprintf("HTTP Status %d - %s", status, message)
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html><html><head><title>%s</title></head><body>", html.EscapeString(title))
	fmt.Fprintf(&b, "<h1>%s</h1><hr>", html.EscapeString(title))
	b.WriteString("<p><b>type</b> Status report</p>")
	fmt.Fprintf(&b, "<p><b>message</b> <u>%s</u></p>", html.EscapeString(message))
	fmt.Fprintf(&b, "<p><b>description</b> <u>%s</u></p><hr>", html.EscapeString(description))
	b.WriteString(reasonComment(reason))
	b.WriteString("</body></html>\n")
	return fedReply{status: status, ctype: "text/html;charset=utf-8", body: []byte(b.String()), reason: reason}
}

// signinPage is a sign-in error page shown to the browser at the login
// step, with the status of a refused request.
func signinPage(message, reason string) fedReply {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><head><title>Amazon Web Services Sign-In</title></head><body>")
	fmt.Fprintf(&b, "<h1>Amazon Web Services Sign In</h1><p>%s</p>", html.EscapeString(message))
	b.WriteString(reasonComment(reason))
	b.WriteString("</body></html>\n")
	return fedReply{status: http.StatusBadRequest, ctype: "text/html;charset=utf-8", body: []byte(b.String()), reason: reason}
}

func reasonComment(reason string) string {
	if reason == "" {
		return ""
	}
	return "<!-- ststest: " + strings.ReplaceAll(html.EscapeString(reason), "--", "- -") + " -->"
}

// credentialsRefused is getSigninToken's refusal: the same 400 page for
// every reason.
func credentialsRefused(format string, args ...any) fedReply {
	return statusPage(http.StatusBadRequest, msgInvalidCredentialsParam, msgSyntacticallyIncorrect, fmt.Sprintf(format, args...))
}

// faultPage answers an injected fault.
func faultPage(code string) fedReply {
	status, _ := statusOf(code)
	description := "The server encountered an internal error that prevented it from fulfilling this request."
	if status == http.StatusServiceUnavailable {
		description = "The requested service is not currently available."
	}
	r := statusPage(status, http.StatusText(status), description, "injected fault "+code)
	r.code = code
	return r
}

// write sends the reply with the Date header every response carries.
func (s *Server) writeFedReply(w http.ResponseWriter, r fedReply) {
	h := w.Header()
	h.Set("Date", s.now().Add(s.opts.DateOffset).UTC().Format(http.TimeFormat))
	if r.location != "" {
		h.Set("Location", r.location)
	}
	if r.ctype != "" {
		h.Set("Content-Type", r.ctype)
	}
	h.Set("Content-Length", strconv.Itoa(len(r.body)))
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body)
}
