package signintest

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/stscred/stscred/internal/testkit/testsrv"
)

// adminPrefix is where the admin API lives: a path no AWS client uses.
const adminPrefix = "/_signintest/"

// adminIndex documents the admin API; GET /_signintest/ serves it.
const adminIndex = `signintest admin API (for tests and demos; unauthenticated; serves no secrets but the
redirect approve answers, with the code the browser takes to the client)
GET  /_signintest/calls                          {"calls":{op:n},"successes":{op:n}} (CreateOAuth2Token:<grant> per grant type)
GET  /_signintest/requests                       request log (JSON)
GET  /_signintest/identities                     who can sign in (JSON)
GET  /_signintest/authorizations                 /v1/authorize requests waiting for a decision (JSON)
GET  /_signintest/sessions                       sign-in sessions (JSON)
GET  /_signintest/refresh-tokens                 refresh tokens and their use (JSON)
POST /_signintest/browser?as=ARN&mode=M          sign the browser in as ARN (empty: the first identity); M is approve, deny or wait
POST /_signintest/approve?id=ID                  the browser's user allows the waiting authorization ID (answers where the browser goes)
POST /_signintest/deny?id=ID                     ... refuses it
POST /_signintest/password-changed?arn=ARN       the identity's password changed: its sessions get USER_CREDENTIALS_CHANGED
POST /_signintest/permission?arn=ARN&allowed=B   grant (true) or take away (false) signin:CreateOAuth2Token
POST /_signintest/mfa?arn=ARN&mfa=B              an IAM user's sign-ins pass MFA (true) or not (false)
POST /_signintest/revoke?session=ID              revoke a session (or arn=ARN: all of the identity's)
POST /_signintest/end?session=ID                 end a session now (TOKEN_EXPIRED); without session=, all of them
POST /_signintest/fail?op=O&code=C&count=N       fail the next N requests for O (CreateOAuth2Token, CreateOAuth2Token:<grant> or *) with C
POST /_signintest/clear-faults                   drop pending faults
POST /_signintest/reset-counts                   zero counts and the request log
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
	get("identities", func() any { return s.Identities() })
	get("authorizations", func() any { return s.PendingAuthorizations() })
	get("sessions", func() any { return s.Sessions() })
	get("refresh-tokens", func() any { return s.RefreshTokens() })
	post := func(path string, f func(r *http.Request) (string, error)) {
		mux.HandleFunc("POST "+adminPrefix+path, func(w http.ResponseWriter, r *http.Request) {
			out, err := f(r)
			if err != nil {
				testsrv.WriteText(w, http.StatusBadRequest, err.Error()+"\n")
				return
			}
			testsrv.WriteText(w, http.StatusOK, out+"\n")
		})
	}
	ok := func(err error) (string, error) { return "ok", err }
	boolean := func(r *http.Request, name string) (bool, error) {
		b, err := strconv.ParseBool(r.FormValue(name))
		if err != nil {
			return false, fmt.Errorf("%s=%q is not true or false", name, r.FormValue(name))
		}
		return b, nil
	}
	post("browser", func(r *http.Request) (string, error) {
		modes := map[string]BrowserMode{"approve": BrowserApprove, "deny": BrowserDeny, "wait": BrowserWait}
		m, found := modes[r.FormValue("mode")]
		if !found {
			return "", fmt.Errorf("mode %q is not approve, deny or wait", r.FormValue("mode"))
		}
		return ok(s.SetBrowser(Browser{As: r.FormValue("as"), Mode: m}))
	})
	post("approve", func(r *http.Request) (string, error) { return s.ApproveAuthorization(r.FormValue("id")) })
	post("deny", func(r *http.Request) (string, error) { return s.DenyAuthorization(r.FormValue("id")) })
	post("password-changed", func(r *http.Request) (string, error) { return ok(s.ChangePassword(r.FormValue("arn"))) })
	post("permission", func(r *http.Request) (string, error) {
		allowed, err := boolean(r, "allowed")
		if err != nil {
			return "", err
		}
		return ok(s.SetPermission(r.FormValue("arn"), allowed))
	})
	post("mfa", func(r *http.Request) (string, error) {
		mfa, err := boolean(r, "mfa")
		if err != nil {
			return "", err
		}
		return ok(s.SetMFA(r.FormValue("arn"), mfa))
	})
	post("revoke", func(r *http.Request) (string, error) {
		if arn := r.FormValue("arn"); arn != "" {
			return fmt.Sprintf("revoked %d", s.RevokeSessions(arn)), nil
		}
		return ok(s.RevokeSession(r.FormValue("session")))
	})
	post("end", func(r *http.Request) (string, error) {
		if id := r.FormValue("session"); id != "" {
			return ok(s.EndSession(id))
		}
		s.EndSessions()
		return "ok", nil
	})
	post("fail", func(r *http.Request) (string, error) {
		count, err := testsrv.FormCount(r)
		if err != nil {
			return "", err
		}
		return ok(s.Fail(r.FormValue("op"), r.FormValue("code"), count))
	})
	post("clear-faults", func(*http.Request) (string, error) { s.ClearFaults(); return "ok", nil })
	post("reset-counts", func(*http.Request) (string, error) { s.ResetCounts(); return "ok", nil })
}
