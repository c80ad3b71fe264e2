// Package oidctest is an OpenID Connect provider for tests: an HTTP server
// (Start/URL/Close, like httptest) that serves the discovery document
// /.well-known/openid-configuration and its JWKS, holds RSA signing keys
// (rotated by RotateKey), and issues RS256 ID tokens whose issuer is its own
// URL, so a verifier (ststest's AssumeRoleWithWebIdentity) fetches the keys
// over loopback as STS fetches an IdP's. BadToken makes the tokens a verifier
// must refuse: signed by another key, expired, not yet valid, with a wrong
// algorithm, or not a JWT at all.
//
//	idp := oidctest.New(oidctest.Options{Now: clock.Now})
//	issuer := idp.Start()
//	t.Cleanup(idp.Close)
//	token := idp.Token(oidctest.Claims{Subject: "system:serviceaccount:ci:deploy", Audience: []string{"sts.amazonaws.com"}})
//	expired := idp.BadToken(oidctest.Expired, oidctest.Claims{Subject: "x", Audience: []string{"sts.amazonaws.com"}})
//	kid := idp.RotateKey() // publishes a new key and signs with it from now on
//
// GitHubActions is a stand-in for the GitHub Actions ID-token endpoint, with
// the real request and response shape: GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=AUD
// with "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" answers
// {"value": "<jwt>"}, the JWT carrying GitHub's claim set (sub
// "repo:ORG/REPO:ref:refs/heads/main", repository, ref, job_workflow_ref, ...).
// It is an OpenID provider too: its tokens' issuer is its own URL.
//
//	gh := oidctest.NewGitHubActions(oidctest.GitHubOptions{Repository: "octo-org/octo-repo"})
//	gh.Start()
//	t.Cleanup(gh.Close)
//	env := []string{"ACTIONS_ID_TOKEN_REQUEST_URL=" + gh.RequestURL(), "ACTIONS_ID_TOKEN_REQUEST_TOKEN=" + gh.RequestToken()}
//
// Tokens are signed with github.com/go-jose/go-jose/v4.
package oidctest
