package listing

import (
	"time"

	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/profile"
)

// Login is the state of a login_session profile's AWS Sign-In session.
type Login struct {
	// ARN is the identity it signs in as (login_session).
	ARN      string `json:"arn"`
	SignedIn bool   `json:"signed_in"`
	// Since and Until are the sign-in and when it ends at the latest;
	// absent when there is no sign-in.
	Since *time.Time `json:"since,omitempty"`
	Until *time.Time `json:"until,omitempty"`
	Left  string     `json:"left,omitempty"`
}

// AddLogin fills in the session state of the rows of login_session
// profiles: signed in (and until when), ended, or not signed in. session
// is a profile's session (resolve.LoginSessionFor); status reads the
// keystore, not the network. A keystore that cannot be read is kept in
// KeysErr and leaves the state out.
func (l *Listing) AddLogin(m *profile.Model, session func(*awsconfig.Profile) signin.Session, status func(signin.Session) (signin.Status, error)) {
	for i := range l.Rows {
		r := &l.Rows[i]
		if r.Type != profile.Login.String() {
			continue
		}
		p, err := m.Get(r.Profile)
		if err != nil || p.Kind != profile.Login {
			continue
		}
		s := session(p.Profile)
		st, err := status(s)
		if err != nil {
			if l.KeysErr == nil {
				l.KeysErr = err
			}
			continue
		}
		login := &Login{ARN: s.ARN}
		if st.ARN != "" {
			since, until := st.Since, st.Ends
			login.Since, login.Until = &since, &until
			login.SignedIn = st.SignedIn
			if st.SignedIn {
				login.Left = human.Left(until, l.now)
			}
		}
		r.Login = login
	}
}

// text is a login row's session state for the table.
func (lg *Login) text() string {
	switch {
	case lg.SignedIn:
		return "signed in as " + lg.ARN + " until " + lg.Until.Local().Format("15:04")
	case lg.Until != nil:
		return "not signed in (the sign-in ended at " + lg.Until.Local().Format("15:04") + ")"
	}
	return "not signed in"
}
