package doctor

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/human"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/keystore"
)

// signer is what the clock check signs GetCallerIdentity with.
type signer struct {
	cr      creds.Credentials
	profile string
	what    string // for messages
	key     bool   // a stored long-term key
}

// checkClock calls GetCallerIdentity once and compares the Date of STS's
// answer with this machine's clock: STS refuses signatures more than five
// minutes off. It signs with a cached session if there is one, else with
// a stored key (GetCallerIdentity needs no MFA).
func (d *doctor) checkClock() {
	s, ok := d.pickSigner()
	if !ok {
		d.add(IDClock, "", Info, "clock: not checked against STS: no cached session or stored key to sign a request with",
			"store a key (stscred add PROFILE) and run stscred doctor again")
		return
	}
	p := &awsconfig.Profile{}
	if d.cfg != nil {
		if q, err := d.cfg.Resolve(s.profile); err == nil {
			p = q
		}
	}
	ep := d.s.Settings.EndpointFor(p)
	before := d.s.Now()
	id, err := d.s.NewAPI(ep).GetCallerIdentity(d.ctx, s.cr)
	after := d.s.Now()
	local := before.Add(after.Sub(before) / 2)

	serverTime := id.ServerTime
	var ae *awsapi.APIError
	var ue *awsapi.UnreachableError
	switch {
	case err == nil:
		d.add(IDSTS, s.profile, Pass, fmt.Sprintf("STS at %s accepts %s (%s)", ep, s.what, id.ARN))
	case errors.As(err, &ue):
		d.add(IDSTS, s.profile, Fail, err.Error(),
			"check the network connection (and HTTPS_PROXY if you use a proxy)",
			"the endpoint comes from AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL or endpoint_url when set, else from the region")
	case errors.As(err, &ae):
		serverTime = ae.ServerTime
		d.stsRefused(s, ae, serverTime, local)
	default:
		d.add(IDSTS, s.profile, Fail, err.Error())
	}
	if serverTime.IsZero() {
		d.add(IDClock, "", Info, "clock: not checked: no answer from STS to compare with")
		return
	}
	// Date has whole seconds: the server's clock was somewhere in
	// [serverTime, serverTime+1s) when it answered.
	skew := serverTime.Add(500 * time.Millisecond).Sub(local)
	abs := skew
	if abs < 0 {
		abs = -abs
	}
	dir := "behind"
	if skew < 0 {
		dir = "ahead of"
	}
	msg := fmt.Sprintf("clock: this machine is %s %s STS at %s", human.Skew(abs), dir, ep)
	fix := "synchronise the clock: timedatectl set-ntp true (Linux), or the date and time settings of your OS"
	switch {
	case abs > skewFail:
		d.add(IDClock, "", Fail, msg+"; STS refuses signatures more than 5 minutes off", fix)
	case abs > skewWarn:
		d.add(IDClock, "", Warn, msg+"; STS refuses signatures more than 5 minutes off", fix)
	default:
		d.add(IDClock, "", Pass, fmt.Sprintf("clock: this machine agrees with STS at %s within %s", ep, human.Skew(max(abs, time.Second))))
	}
}

func (d *doctor) stsRefused(s signer, ae *awsapi.APIError, serverTime, local time.Time) {
	msg := fmt.Sprintf("STS at %s refused %s: %s: %s", ae.Endpoint, s.what, ae.Code, strings.TrimSuffix(ae.Message, "."))
	skewed := !serverTime.IsZero() && (serverTime.Sub(local) > skewFail || local.Sub(serverTime) > skewFail)
	switch {
	case ae.Code == "SignatureDoesNotMatch" && skewed:
		d.add(IDSTS, s.profile, Fail, msg, "this machine's clock is off (see the clock line)")
	case ae.Code == "SignatureDoesNotMatch" && s.key:
		d.add(IDSTS, s.profile, Fail, msg, "the stored secret is wrong: store the key again: stscred add "+s.profile)
	case (ae.Code == "InvalidClientTokenId") && s.key:
		d.add(IDSTS, s.profile, Fail, msg, "the key was deleted or deactivated in IAM: store a current one: stscred add "+s.profile)
	case ae.Code == "InvalidClientTokenId" || ae.Code == "ExpiredToken" || ae.Code == "SignatureDoesNotMatch":
		d.add(IDSTS, s.profile, Fail, msg, "drop the cached sessions and fetch new ones: stscred clear "+s.profile)
	default:
		d.add(IDSTS, s.profile, Fail, msg, "try again shortly; stscred whoami PROFILE shows what STS says to a profile's credentials")
	}
}

// pickSigner finds credentials without prompting: a cached session or
// role with time left, else a stored key.
func (d *doctor) pickSigner() (signer, bool) {
	if ch, err := d.s.Cache(); err == nil {
		if headers, err := ch.List(); err == nil {
			for _, h := range d.scoped(headers) {
				if h.Expires.Sub(d.s.Now()) < 2*time.Minute {
					continue
				}
				e, err := ch.Get(h.Key)
				if err != nil {
					continue
				}
				what := "the cached session of " + h.Profile
				if h.Kind == cache.KindRole {
					what = "the cached role credentials of " + h.Profile
				}
				return signer{cr: e.Creds, profile: h.Profile, what: what}, true
			}
		}
	}
	var names []string
	for n := range d.keys {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		k := d.keys[n]
		return signer{
			cr:      creds.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey},
			profile: n, what: "the access key " + keystore.MaskID(k.AccessKeyID) + " stored for " + n, key: true,
		}, true
	}
	return signer{}, false
}
