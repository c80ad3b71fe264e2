package doctor

import (
	"strings"

	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/session/resolve"
)

// checkMFA reports the roles assumed with a key but without MFA (their
// chain names no mfa_serial). Whether a role requires MFA is in its trust
// policy, which only STS reads: a role the runtime saw refused
// (AccessDenied) to a session without MFA fails here with the runtime's
// hints; the others are said once per IAM user, as what STS refuses when
// a role does require it.
func (d *doctor) checkMFA() {
	for _, user := range d.cfg.ProfileNames() {
		roles := compact(d.noMFA[user])
		if len(roles) == 0 {
			continue
		}
		var quiet []string
		for _, name := range roles {
			h, ok := d.refusal(name)
			if !ok {
				quiet = append(quiet, name)
				continue
			}
			p, err := d.model.Get(name)
			if err != nil {
				continue
			}
			d.add(IDMFA, name, Fail,
				"profile "+name+": STS refused to let "+user+" assume "+p.RoleARN+" "+human.Age(h.Stored, d.s.Now())+" ago (AccessDenied), signed without MFA: "+awsconfig.SectionFor(user)+" has no mfa_serial",
				resolve.RoleRefusedHints(p.Profile, false)...)
		}
		if len(quiet) > 0 {
			d.add(IDMFA, user, Info,
				awsconfig.SectionFor(user)+" has no mfa_serial: "+strings.Join(quiet, ", ")+" "+plural(len(quiet), "is", "are")+" assumed without MFA, which STS refuses for a role whose trust policy requires it",
				"if one does (aws:MultiFactorAuthPresent), set mfa_serial in "+awsconfig.SectionFor(user)+" to the ARN of the IAM user's MFA device (the IAM console shows it with the user's security credentials)")
		}
	}
}

// refusal is the runtime's last refusal of role profile name to a session
// without MFA, if it is recent (see resolve's noteRefusal). The cache's
// headers are read once; nothing sealed is opened.
func (d *doctor) refusal(name string) (cache.Header, bool) {
	if d.refused == nil {
		d.refused = map[string]cache.Header{}
		if ch, err := d.s.Cache(); err == nil {
			if headers, err := ch.List(); err == nil {
				for _, h := range headers {
					if h.Kind == cache.KindRefused && h.Expires.After(d.s.Now()) {
						d.refused[h.Profile] = h
					}
				}
			}
		}
	}
	h, ok := d.refused[name]
	return h, ok
}
