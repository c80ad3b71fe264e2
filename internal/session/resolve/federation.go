package resolve

import (
	"context"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/session/cache"
)

// Federation returns GetFederationToken credentials of p's IAM user (a
// profile holding a key), signed with its long-term key as STS requires,
// and cached as sessions are. A federated user's session has no MFA: STS
// takes no code for it.
func (r *Resolver) Federation(ctx context.Context, p *awsconfig.Profile, in awsapi.FederationTokenInput) (Result, error) {
	c := &call{target: p}
	id, err := r.accessKeyID(p.Name)
	if err != nil {
		return Result{}, err
	}
	ep := r.Settings.EndpointFor(p)
	key := cache.FederationKey(id, ep.URL, in.Name, in.Policy, in.Duration)
	e, cached, err := r.cached(ctx, key, p, c, r.MinRemaining, func() (cache.Entry, error) {
		k, err := r.LongTermKey(p.Name)
		if err != nil {
			return cache.Entry{}, err
		}
		api, _ := r.sts(p, c)
		c.doing("calling STS at " + ep.String() + " (GetFederationToken)")
		cr, err := api.GetFederationToken(ctx, creds.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey}, in)
		if err != nil {
			return cache.Entry{}, r.explain(err, p, k.AccessKeyID, "")
		}
		e := r.entry(cache.KindFederation, p, false, cr)
		e.Creds.AccountID = accountOfARN(k.UserARN)
		return e, nil
	})
	if err != nil {
		return Result{}, err
	}
	return Result{Creds: e.Creds, Cached: cached}, nil
}
