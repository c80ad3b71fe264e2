package ststest

import (
	"fmt"
	"net/http"
	"time"

	"github.com/stscred/stscred/internal/testkit/testsrv"
)

// adminPrefix is where the admin API lives: a path no AWS client uses.
const adminPrefix = "/_ststest/"

// adminIndex documents the admin API; GET /_ststest/ serves it.
const adminIndex = `ststest admin API (for tests and demos; unauthenticated)
GET  /_ststest/calls                          {"calls":{action:n},"successes":{action:n}}
GET  /_ststest/requests                       request log (JSON)
GET  /_ststest/sessions                       issued sessions (JSON, no secrets)
GET  /_ststest/signin-tokens                  sign-in tokens of /federation getSigninToken (JSON, no token values)
GET  /_ststest/logins                         console sign-ins /federation login granted (JSON)
GET  /_ststest/keys?user=NAME[&account=A]     access keys of an IAM user: id, status, created (JSON, no secrets)
GET  /_ststest/code?serial=S[&unused=1]       current TOTP code of device S (unused=1: one not used yet)
GET  /_ststest/accepted-codes?serial=S        codes device S accepted (JSON)
POST /_ststest/fail?action=A&code=C&count=N   fail the next N calls of A (or *) with C (STS or IAM action)
POST /_ststest/clear-faults                   drop pending faults
POST /_ststest/delay?action=A&duration=D      delay responses to A (or *) by D (0 removes)
POST /_ststest/expire[?key=ASIA...]           expire one session, or all
POST /_ststest/expire-signin-tokens           expire every sign-in token issued so far
POST /_ststest/reset-counts                   zero counts, request log, accepted-code lists, logins

The federation endpoint (console sign-in) is /federation, unauthenticated as on AWS:
GET  /federation?Action=getSigninToken&Session=JSON[&SessionDuration=N]   {"SigninToken":"..."}
GET  /federation?Action=login&Issuer=U&Destination=CONSOLE_URL&SigninToken=T   302 to Destination
`

func (s *Server) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_ststest/{$}", func(w http.ResponseWriter, r *http.Request) {
		testsrv.WriteText(w, http.StatusOK, adminIndex+adminFederationIndex)
	})
	mux.HandleFunc("GET /_ststest/calls", func(w http.ResponseWriter, r *http.Request) {
		calls, successes := s.Counts()
		testsrv.WriteJSON(w, map[string]map[string]int{"calls": calls, "successes": successes})
	})
	mux.HandleFunc("GET /_ststest/requests", func(w http.ResponseWriter, r *http.Request) {
		testsrv.WriteJSON(w, s.Requests())
	})
	mux.HandleFunc("GET /_ststest/sessions", func(w http.ResponseWriter, r *http.Request) {
		testsrv.WriteJSON(w, s.Sessions())
	})
	mux.HandleFunc("GET /_ststest/signin-tokens", func(w http.ResponseWriter, r *http.Request) {
		testsrv.WriteJSON(w, s.SigninTokens())
	})
	mux.HandleFunc("GET /_ststest/logins", func(w http.ResponseWriter, r *http.Request) {
		logins := s.Logins()
		if logins == nil {
			logins = []Login{}
		}
		testsrv.WriteJSON(w, logins)
	})
	mux.HandleFunc("POST /_ststest/expire-signin-tokens", func(w http.ResponseWriter, r *http.Request) {
		s.ExpireSigninTokens()
		testsrv.WriteText(w, http.StatusOK, "ok\n")
	})
	mux.HandleFunc("GET /_ststest/keys", func(w http.ResponseWriter, r *http.Request) {
		keys, status, err := s.adminKeys(r.FormValue("user"), r.FormValue("account"))
		if err != nil {
			testsrv.WriteText(w, status, err.Error()+"\n")
			return
		}
		testsrv.WriteJSON(w, keys)
	})
	mux.HandleFunc("GET /_ststest/code", s.adminCode)
	mux.HandleFunc("GET /_ststest/accepted-codes", func(w http.ResponseWriter, r *http.Request) {
		serial := r.FormValue("serial")
		s.mu.Lock()
		_, ok := s.devices[serial]
		s.mu.Unlock()
		if !ok {
			testsrv.WriteText(w, http.StatusNotFound, fmt.Sprintf("no MFA device %q\n", serial))
			return
		}
		codes := s.AcceptedCodes(serial)
		if codes == nil {
			codes = []string{}
		}
		testsrv.WriteJSON(w, codes)
	})
	mux.HandleFunc("POST /_ststest/fail", func(w http.ResponseWriter, r *http.Request) {
		count, err := testsrv.FormCount(r)
		if err != nil {
			testsrv.WriteText(w, http.StatusBadRequest, err.Error()+"\n")
			return
		}
		if err := s.Fail(r.FormValue("action"), r.FormValue("code"), count); err != nil {
			testsrv.WriteText(w, http.StatusBadRequest, err.Error()+"\n")
			return
		}
		testsrv.WriteText(w, http.StatusOK, "ok\n")
	})
	mux.HandleFunc("POST /_ststest/clear-faults", func(w http.ResponseWriter, r *http.Request) {
		s.ClearFaults()
		testsrv.WriteText(w, http.StatusOK, "ok\n")
	})
	mux.HandleFunc("POST /_ststest/delay", func(w http.ResponseWriter, r *http.Request) {
		d, err := time.ParseDuration(r.FormValue("duration"))
		if err != nil {
			testsrv.WriteText(w, http.StatusBadRequest, fmt.Sprintf("duration: %v\n", err))
			return
		}
		if err := s.Delay(r.FormValue("action"), d); err != nil {
			testsrv.WriteText(w, http.StatusBadRequest, err.Error()+"\n")
			return
		}
		testsrv.WriteText(w, http.StatusOK, "ok\n")
	})
	mux.HandleFunc("POST /_ststest/expire", func(w http.ResponseWriter, r *http.Request) {
		key := r.FormValue("key")
		if key == "" {
			s.ExpireAllSessions()
		} else if err := s.ExpireSession(key); err != nil {
			testsrv.WriteText(w, http.StatusNotFound, err.Error()+"\n")
			return
		}
		testsrv.WriteText(w, http.StatusOK, "ok\n")
	})
	mux.HandleFunc("POST /_ststest/reset-counts", func(w http.ResponseWriter, r *http.Request) {
		s.ResetCounts()
		testsrv.WriteText(w, http.StatusOK, "ok\n")
	})
	s.federationRoutes(mux)
	return mux
}

// adminCode answers the current TOTP code of a device as plain text.
func (s *Server) adminCode(w http.ResponseWriter, r *http.Request) {
	serial := r.FormValue("serial")
	s.mu.Lock()
	var code string
	var err error
	if r.FormValue("unused") != "" {
		code, err = s.unusedCode(serial)
	} else {
		code, err = s.deviceCode(serial, s.now())
	}
	s.mu.Unlock()
	switch {
	case err != nil:
		testsrv.WriteText(w, http.StatusNotFound, err.Error()+"\n")
	case code == "":
		testsrv.WriteText(w, http.StatusConflict, "the codes of the current and next step were both used; retry within 30s\n")
	default:
		testsrv.WriteText(w, http.StatusOK, code+"\n")
	}
}
