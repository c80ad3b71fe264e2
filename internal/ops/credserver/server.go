// Package credserver serves credentials to a child process over loopback
// with the container-credentials protocol (the one ECS tasks use): the AWS
// SDKs, the AWS CLI and botocore fetch from AWS_CONTAINER_CREDENTIALS_FULL_URI,
// sending AWS_CONTAINER_AUTHORIZATION_TOKEN, and fetch again before the
// credentials expire. So a command that outlives one set of credentials
// keeps working.
package credserver

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/stscred/stscred/internal/base/creds"
)

// Source returns the credentials to hand out now.
type Source func(ctx context.Context) (creds.Credentials, error)

// Server is a running credentials endpoint.
type Server struct {
	token string
	url   string
	get   Source
	mu    sync.Mutex // one fetch at a time: a refresh may prompt for MFA
	srv   *http.Server
	ln    net.Listener
	// Log, when set, receives one line per refused or failed request.
	Log func(string)
}

// Listen listens on a random loopback port; Serve then serves it. Between
// the two the listening socket can be handed to a child (Listener).
func Listen(get Source) (*Server, error) {
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return nil, fmt.Errorf("making the endpoint token: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening on loopback: %w", err)
	}
	s := &Server{token: base64.RawURLEncoding.EncodeToString(buf), get: get, ln: ln}
	s.url = "http://" + ln.Addr().String() + "/credentials"
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	return s, nil
}

// Serve serves the endpoint in the background. The listening socket is put
// back into non-blocking mode first: on Unix handing a copy of it to a
// child (os/exec's ExtraFiles) made it blocking, and the socket's open
// file description, with that flag, is shared by every copy.
func (s *Server) Serve() {
	if raw, err := s.ln.(*net.TCPListener).SyscallConn(); err == nil {
		_ = raw.Control(setNonblock)
	}
	go s.srv.Serve(s.ln)
}

// URL is the value for AWS_CONTAINER_CREDENTIALS_FULL_URI.
func (s *Server) URL() string { return s.url }

// Token is the value for AWS_CONTAINER_AUTHORIZATION_TOKEN.
func (s *Server) Token() string { return s.token }

// Env returns the variables a child needs to use the endpoint.
func (s *Server) Env() []string {
	return []string{"AWS_CONTAINER_CREDENTIALS_FULL_URI=" + s.url, "AWS_CONTAINER_AUTHORIZATION_TOKEN=" + s.token}
}

// Listener is the listening socket, for the child to hold (proc.Runner's
// Exec; start the child before Serve): while the child holds it, the
// port stays bound, so if stscred dies first no other process can take
// the port over and serve the child credentials of its choosing.
// Connections then wait unanswered and the child's SDK fails instead.
func (s *Server) Listener() *net.TCPListener { return s.ln.(*net.TCPListener) }

// Close stops serving.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	// Shutdown closes only the listeners Serve has started on: close it
	// here too, in case Serve's goroutine has not run yet.
	_ = s.ln.Close()
	return err
}

func (s *Server) port() string {
	_, port, _ := net.SplitHostPort(s.ln.Addr().String())
	return port
}

// response is the document the container-credentials protocol returns.
type response struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	Token           string `json:"Token"`
	Expiration      string `json:"Expiration"`
}

type errorResponse struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	// Only the names the endpoint's URL uses: a page in a browser that
	// resolves another name to 127.0.0.1 (DNS rebinding) is refused
	// before the token is even looked at.
	if host := r.Host; host != s.ln.Addr().String() && host != "localhost:"+s.port() {
		s.fail(w, http.StatusForbidden, "AccessDenied", "wrong Host")
		return
	}
	if r.URL.Path != "/credentials" {
		s.fail(w, http.StatusNotFound, "NotFound", "no such path")
		return
	}
	if r.Method != http.MethodGet {
		s.fail(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "use GET")
		return
	}
	got := r.Header.Get("Authorization")
	if subtle.ConstantTimeCompare([]byte(got), []byte(s.token)) != 1 {
		s.fail(w, http.StatusForbidden, "AccessDenied", "missing or wrong authorization token")
		return
	}
	s.mu.Lock()
	c, err := s.get(r.Context())
	s.mu.Unlock()
	if err != nil {
		// The child sees this message in its SDK's error; stscred's own
		// error and hints went to its stderr.
		s.fail(w, http.StatusInternalServerError, "CredentialsUnavailable", "stscred could not get credentials: "+err.Error())
		return
	}
	if c.AccessKeyID == "" {
		s.fail(w, http.StatusInternalServerError, "CredentialsUnavailable", "stscred has no credentials")
		return
	}
	resp := response{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, Token: c.SessionToken}
	if !c.Expiration.IsZero() {
		resp.Expiration = c.Expiration.UTC().Format(time.RFC3339)
	}
	json.NewEncoder(w).Encode(resp)
}

func (s *Server) fail(w http.ResponseWriter, status int, code, msg string) {
	if s.Log != nil {
		s.Log(fmt.Sprintf("credentials endpoint: %d %s: %s", status, code, msg))
	}
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(errorResponse{Code: code, Message: msg})
}
