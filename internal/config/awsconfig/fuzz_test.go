package awsconfig

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse reads a config file as a user or another tool left it. It
// holds: no panic; a parse error is a *ParseError naming a line of the
// file; the lazy scan and the full parse agree; every listed profile and
// sso-session resolves or fails without panic and consistently; no error
// quotes a secret the file holds.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		designExample,
		genConfig(8),
		"",
		"\ufeff[default]\r\nregion = x\r\n",
		"[profile a]\ninclude_profile = b\n[profile b]\ninclude_profile = a\n",
		"[profile a]\nrole_arn = r\nsource_profile = a\nsession_tags = a=b,c\n",
		"[profile a]\nservices = s\n[services s]\nsts =\n  endpoint_url = e\n",
		"[profile a]\nregion = x\n  more\n\t[x\n",
		"[default]\n[profile default]\nx: y\n",
		"[default\n",
		"k = v\n",
		"[a]\r\r\n;c\n#d\n=\n",
		ssoConfig,
		"[profile ci]\nrole_arn = arn:aws:iam::1:role/r\nweb_identity_token_file = /tmp/t\n[profile saml]\nrole_arn = arn:aws:iam::1:role/r\nsaml_process = idp-cli --secret s3cr3tvalue\n",
		"[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nduration_seconds = 99999999999999999999\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz", data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse error %v is not a *ParseError", err)
			}
			if pe.Line < 1 || pe.Line > strings.Count(string(data), "\n")+strings.Count(string(data), "\r")+1 {
				t.Fatalf("error line %d out of range", pe.Line)
			}
			return
		}
		// scan and parseBody must agree: every section scan accepted
		// parses, failing only on a duplicate key.
		file.mu.Lock()
		for i := range file.sections {
			if _, err := file.entries(i); err != nil {
				var pe *ParseError
				if !errors.As(err, &pe) || !strings.HasPrefix(pe.Msg, "duplicate ") {
					t.Fatalf("section %d: %v", i, err)
				}
			}
		}
		file.mu.Unlock()
		for _, name := range file.ProfileNames() {
			if !file.Has(name) {
				t.Fatalf("Has(%q) = false for a listed profile", name)
			}
			p, err := file.Resolve(name)
			noSecretIn(t, data, err)
			if err == nil {
				if p.Name != name || len(p.Chain()) == 0 || (p.IsRole() && p.Source == nil && !p.FromIdentityProvider()) {
					t.Fatalf("inconsistent profile %+v", p)
				}
			}
		}
		_, err = file.Resolve("not-a-profile-name")
		noSecretIn(t, data, err)
		for _, name := range file.SSOSessionNames() {
			_, err := file.SSOSession(name)
			noSecretIn(t, data, err)
		}
	})
}

// noSecretIn fails when err quotes a secret of data: the value of an
// aws_secret_access_key or aws_session_token line (8 bytes or more, and
// found nowhere else in data).
func noSecretIn(t *testing.T, data []byte, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, line := range strings.FieldsFunc(string(data), func(r rune) bool { return r == '\n' || r == '\r' }) {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		if (k == "aws_secret_access_key" || k == "aws_session_token") && len(v) >= 8 && strings.Count(string(data), v) == 1 && strings.Contains(err.Error(), v) {
			t.Fatalf("error %q quotes the value of %s", err, k)
		}
	}
}
