package ssotest

import (
	"fmt"
	"net/http"

	"github.com/stscred/stscred/internal/testkit/testsrv"
)

// adminPrefix is where the admin API lives: a path no AWS client uses.
const adminPrefix = "/_ssotest/"

// adminIndex documents the admin API; GET /_ssotest/ serves it.
const adminIndex = `ssotest admin API (for tests and demos; unauthenticated; serves no secrets)
GET  /_ssotest/calls                           {"calls":{op:n},"successes":{op:n}} (CreateToken:<grant> per grant type)
GET  /_ssotest/requests                        request log (JSON)
GET  /_ssotest/clients                         client registrations (JSON)
GET  /_ssotest/devices                         device authorizations (JSON)
GET  /_ssotest/authorizations                  /authorize requests waiting for a decision (JSON)
GET  /_ssotest/tokens                          access tokens (JSON)
GET  /_ssotest/refresh-tokens                  refresh tokens and their use (JSON)
POST /_ssotest/approve?user_code=C             the browser's user allows the device authorization C
POST /_ssotest/deny?user_code=C                ... refuses it
POST /_ssotest/browser?user=U&mode=M           sign the browser in as U; M is approve, deny or wait
POST /_ssotest/fail?op=O&code=C&count=N        fail the next N requests for O (or *, or CreateToken:<grant>) with C
POST /_ssotest/clear-faults                    drop pending faults
POST /_ssotest/expire?what=W                   expire every access-tokens, refresh-tokens or clients now
POST /_ssotest/reset-counts                    zero counts and the request log
`

func (s *Server) adminRoutes(mux *http.ServeMux) {
	get := func(path string, v func() any) {
		mux.HandleFunc("GET "+adminPrefix+path, func(w http.ResponseWriter, r *http.Request) { testsrv.WriteJSON(w, v()) })
	}
	mux.HandleFunc("GET "+adminPrefix+"{$}", func(w http.ResponseWriter, r *http.Request) {
		testsrv.WriteText(w, http.StatusOK, adminIndex)
	})
	get("calls", func() any {
		calls, successes := s.Counts()
		return map[string]map[string]int{"calls": calls, "successes": successes}
	})
	get("requests", func() any { return s.Requests() })
	get("clients", func() any { return s.Clients() })
	get("devices", func() any { return s.Devices() })
	get("authorizations", func() any { return s.PendingAuthorizations() })
	get("tokens", func() any { return s.Tokens() })
	get("refresh-tokens", func() any { return s.RefreshTokens() })
	post := func(path string, f func(r *http.Request) error) {
		mux.HandleFunc("POST "+adminPrefix+path, func(w http.ResponseWriter, r *http.Request) {
			if err := f(r); err != nil {
				testsrv.WriteText(w, http.StatusBadRequest, err.Error()+"\n")
				return
			}
			testsrv.WriteText(w, http.StatusOK, "ok\n")
		})
	}
	post("approve", func(r *http.Request) error { return s.ApproveDevice(r.FormValue("user_code")) })
	post("deny", func(r *http.Request) error { return s.DenyDevice(r.FormValue("user_code")) })
	post("browser", func(r *http.Request) error {
		modes := map[string]BrowserMode{"approve": BrowserApprove, "deny": BrowserDeny, "wait": BrowserWait}
		m, ok := modes[r.FormValue("mode")]
		if !ok {
			return fmt.Errorf("mode %q is not approve, deny or wait", r.FormValue("mode"))
		}
		return s.SetBrowser(Browser{User: r.FormValue("user"), Mode: m})
	})
	post("fail", func(r *http.Request) error {
		count, err := testsrv.FormCount(r)
		if err != nil {
			return err
		}
		return s.Fail(r.FormValue("op"), r.FormValue("code"), count)
	})
	post("clear-faults", func(*http.Request) error { s.ClearFaults(); return nil })
	post("expire", func(r *http.Request) error {
		switch r.FormValue("what") {
		case "access-tokens":
			s.ExpireAccessTokens()
		case "refresh-tokens":
			s.ExpireRefreshTokens()
		case "clients":
			s.ExpireClients()
		default:
			return fmt.Errorf("what=%q is not access-tokens, refresh-tokens or clients", r.FormValue("what"))
		}
		return nil
	})
	post("reset-counts", func(*http.Request) error { s.ResetCounts(); return nil })
}
