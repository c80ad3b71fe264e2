package ststest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

// TestSigninTokenForAssumeRoleWith: sessions of AssumeRoleWithWebIdentity
// and AssumeRoleWithSAML (unsigned calls: no IAM user behind them) are
// role sessions to the federation endpoint, SessionDuration included.
func TestSigninTokenForAssumeRoleWith(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	srv := New(Options{Now: func() time.Time { return now }})
	role := srv.AddRole(Role{ARN: "arn:aws:iam::222222222222:role/CI"})
	for _, action := range []string{"AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"} {
		srv.mu.Lock()
		rec := srv.issueSession(Session{Action: action, ARN: "arn:aws:sts::222222222222:assumed-role/CI/ci", RoleARN: role.ARN},
			nil, srv.roles[role.ARN], now, time.Hour, 100)
		srv.mu.Unlock()
		session, err := json.Marshal(sessionParam{SessionID: rec.AccessKeyID, SessionKey: rec.secret, SessionToken: rec.token})
		if err != nil {
			t.Fatal(err)
		}
		q := url.Values{"Action": {"getSigninToken"}, "Session": {string(session)}, "SessionDuration": {"43200"}}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/federation?"+q.Encode(), nil))
		var doc struct{ SigninToken string }
		if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil || w.Code != http.StatusOK {
			t.Fatalf("%s: getSigninToken %d %s", action, w.Code, w.Body)
		}
		q = url.Values{"Action": {"login"}, "Destination": {"https://console.aws.amazon.com/"}, "SigninToken": {doc.SigninToken}}
		w = httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/federation?"+q.Encode(), nil))
		if w.Code != http.StatusFound {
			t.Fatalf("%s: login %d %s", action, w.Code, w.Body)
		}
	}
	logins := srv.Logins()
	if len(logins) != 2 || logins[0].UserARN != "" || logins[1].Action != "AssumeRoleWithSAML" || logins[1].ConsoleSessionDuration() != 12*time.Hour {
		t.Errorf("logins %+v", logins)
	}
}

// TestSigninWithIdentityCenterRoleSession: the role credentials IAM
// Identity Center hands out (IssueRoleSession, Action GetRoleCredentials)
// sign in to the console like any role session's, as on AWS.
func TestSigninWithIdentityCenterRoleSession(t *testing.T) {
	srv := New(Options{})
	sess, err := srv.IssueRoleSession("arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Developer_0123456789abcdef", "alice@example.com", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	session, err := json.Marshal(sessionParam{SessionID: sess.AccessKeyID, SessionKey: sess.SecretAccessKey, SessionToken: sess.SessionToken})
	if err != nil {
		t.Fatal(err)
	}
	q := url.Values{"Action": {"getSigninToken"}, "Session": {string(session)}}
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/federation?"+q.Encode(), nil))
	var doc struct{ SigninToken string }
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil || w.Code != http.StatusOK {
		t.Fatalf("getSigninToken %d %s", w.Code, w.Body)
	}
	q = url.Values{"Action": {"login"}, "Destination": {"https://console.aws.amazon.com/"}, "SigninToken": {doc.SigninToken}}
	w = httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/federation?"+q.Encode(), nil))
	if w.Code != http.StatusFound {
		t.Fatalf("login %d %s", w.Code, w.Body)
	}
	if l := srv.Logins(); len(l) != 1 || l[0].Action != "GetRoleCredentials" || l[0].ARN != sess.ARN || l[0].ConsoleExpiration != sess.Expiration {
		t.Errorf("logins %+v, session %+v", l, sess)
	}
}

// TestSigninWithLoginSessions: the console takes the role session of a
// console-federated identity's `aws login` (IssueLoginRoleSession) like any
// role session's, and refuses an IAM user's login session
// (IssueUserSession) like GetSessionToken credentials.
func TestSigninWithLoginSessions(t *testing.T) {
	srv := New(Options{})
	alice := srv.AddUser("111111111111", "alice")
	roleSess, err := srv.IssueLoginRoleSession("arn:aws:iam::111111111111:role/Federated", "alice@example.com", 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	userSess, err := srv.IssueUserSession(alice.ARN(), 15*time.Minute, true)
	if err != nil {
		t.Fatal(err)
	}
	login := func(sess Session) int {
		t.Helper()
		session, err := json.Marshal(sessionParam{SessionID: sess.AccessKeyID, SessionKey: sess.SecretAccessKey, SessionToken: sess.SessionToken})
		if err != nil {
			t.Fatal(err)
		}
		q := url.Values{"Action": {"getSigninToken"}, "Session": {string(session)}}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/federation?"+q.Encode(), nil))
		var doc struct{ SigninToken string }
		if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil || w.Code != http.StatusOK {
			t.Fatalf("getSigninToken %d %s", w.Code, w.Body)
		}
		q = url.Values{"Action": {"login"}, "Destination": {"https://console.aws.amazon.com/"}, "SigninToken": {doc.SigninToken}}
		w = httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/federation?"+q.Encode(), nil))
		return w.Code
	}
	if code := login(roleSess); code != http.StatusFound {
		t.Errorf("login with a federated login session: %d", code)
	}
	if code := login(userSess); code == http.StatusFound {
		t.Error("login with an IAM user's login session succeeded")
	}
	if l := srv.Logins(); len(l) != 1 || l[0].Action != "CreateOAuth2Token" || l[0].ARN != roleSess.ARN {
		t.Errorf("logins %+v", l)
	}
}
