package listing

import (
	"github.com/stscred/stscred/internal/aws/identitycenter"
	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/session/resolve"
)

// SSOType is the Type of a row that is an IAM Identity Center session,
// not a profile.
const SSOType = "sso-session"

// AddSSO adds a row per IAM Identity Center session of the config (its
// [sso-session] sections, and the legacy start URLs of its profiles),
// whose one session is the sign-in with the time its access token has
// left ("-" when signed out). status reads the keystore, not the network.
func (l *Listing) AddSSO(m *profile.Model, status func(identitycenter.Session) (identitycenter.Status, error)) {
	for _, s := range resolve.SSOSessions(m) {
		row := Row{Profile: s.Label(), Type: SSOType}
		st, err := status(s)
		switch {
		case err != nil:
			l.KeysErr = err
		case st.SignedIn && st.Expires.After(l.now):
			row.Sessions = []Session{{Kind: "signed in", Expires: st.Expires, Left: human.Left(st.Expires, l.now)}}
		case st.SignedIn && st.Refreshable:
			row.Sessions = []Session{{Kind: "signed in", Expires: st.Expires, Left: "renewed on the next call"}}
		}
		l.Rows = append(l.Rows, row)
	}
}
