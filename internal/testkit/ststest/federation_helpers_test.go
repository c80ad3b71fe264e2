package ststest_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stscred/stscred/internal/testkit/oidctest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

const (
	deployARN   = "arn:aws:iam::222222222222:role/Deploy"
	deploySub   = "system:serviceaccount:ci:deploy"
	stsAudience = "sts.amazonaws.com"
)

// webWorld is a world with an OpenID provider on loopback, registered as
// an IAM OIDC provider of the role account for the audience
// sts.amazonaws.com, and the role Deploy (2h) trusting its subjects
// system:serviceaccount:ci:* for that audience.
type webWorld struct {
	*world
	idp         *oidctest.Provider
	providerARN string
	deploy      ststest.Role
}

func newWebWorld(t *testing.T, opts ...func(*ststest.Options)) *webWorld {
	t.Helper()
	w := &webWorld{world: newWorld(t, opts...)}
	w.idp = oidctest.New(oidctest.Options{Now: w.clock.Now})
	w.idp.Start()
	t.Cleanup(w.idp.Close)
	w.providerARN = w.srv.AddOIDCProvider(roleAccount, w.idp.URL(), stsAudience)
	w.deploy = w.srv.AddRole(ststest.Role{
		ARN:                deployARN,
		MaxSessionDuration: 2 * time.Hour,
		WebIdentity: []ststest.WebIdentityTrust{{
			Provider:  w.idp.URL(),
			Subjects:  []string{"system:serviceaccount:ci:*"},
			Audiences: []string{stsAudience},
		}},
	})
	return w
}

// token is a good token of the world's provider for subject.
func (w *webWorld) token(subject string) string {
	return w.idp.Token(oidctest.Claims{Subject: subject, Audience: []string{stsAudience}})
}

// anonClient is an SDK STS client with no credentials at all, as a CI job
// has before AssumeRoleWithWebIdentity.
func anonClient(url string, optFns ...func(*sts.Options)) *sts.Client {
	return sts.New(sts.Options{
		Region:       region,
		BaseEndpoint: aws.String(url),
		Credentials:  aws.AnonymousCredentials{},
		Retryer:      aws.NopRetryer{},
	}, optFns...)
}

// retryingNow retries up to 5 attempts without waiting.
func retryingNow(o *sts.Options) {
	o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
		so.MaxAttempts = 5
		so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
	})
}

func assumeWeb(t *testing.T, c *sts.Client, role, session, token string, optFns ...func(*sts.AssumeRoleWithWebIdentityInput)) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	t.Helper()
	in := &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(role), RoleSessionName: aws.String(session), WebIdentityToken: aws.String(token)}
	for _, f := range optFns {
		f(in)
	}
	return c.AssumeRoleWithWebIdentity(t.Context(), in)
}

func webCreds(out *sts.AssumeRoleWithWebIdentityOutput) stsCreds {
	return stsCreds{aws.ToString(out.Credentials.AccessKeyId), aws.ToString(out.Credentials.SecretAccessKey), aws.ToString(out.Credentials.SessionToken)}
}

const msgNotAuthorizedWeb = "Not authorized to perform sts:AssumeRoleWithWebIdentity"
