package awsconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// genConfig returns a config file with n profiles: a quarter IAM users, half
// roles sourced from them, a quarter credential_process profiles, plus an
// sso-session and a services section.
func genConfig(n int) string {
	users := max(n/4, 1)
	roles := max(n/2, 1)
	tools := max(n-users-roles, 0)
	var b strings.Builder
	b.WriteString("# generated config\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n\n")
	for i := range users {
		u := itoa(i)
		b.WriteString("[profile user-" + u + "]   # an IAM user\nregion = eu-west-1\nmfa_serial = arn:aws:iam::111111111111:mfa/user-" + u +
			"\noutput = json\ns3 =\n  max_concurrent_requests = 10\n  max_queue_size = 1000\n\n")
	}
	for i := range roles {
		r := itoa(i)
		b.WriteString("; role " + r + "\n[profile role-" + r + "]\nsource_profile = user-" + itoa(i%users) +
			"\nrole_arn = arn:aws:iam::222222222222:role/Admin-" + r +
			"\nduration_seconds = 3600\nrole_session_name = bench\nsts_regional_endpoints = regional\n\n")
	}
	for i := range tools {
		b.WriteString("[profile tool-" + itoa(i) + "]\ncredential_process = stscred role role-" + itoa(i%roles) + "\nregion = eu-west-1\n\n")
	}
	b.WriteString("[services local]\nsts =\n  endpoint_url = http://127.0.0.1:4566\n")
	return b.String()
}

func TestGenConfig(t *testing.T) {
	f := mustParse(t, genConfig(1000))
	if n := len(f.ProfileNames()); n != 1000 {
		t.Fatalf("%d profiles, want 1000", n)
	}
	p, err := f.Resolve("role-499")
	if err != nil {
		t.Fatal(err)
	}
	if p.Source.Name != "user-249" || p.MFASerial != "arn:aws:iam::111111111111:mfa/user-249" || p.DurationSeconds != 3600 {
		t.Errorf("role-499 = %+v", p)
	}
	if parsed := len(f.parsed); parsed != 2 {
		t.Errorf("%d sections parsed, want only the 2 the resolution touched", parsed)
	}
}

// BenchmarkResolve1000Profiles measures stscred's hot path: parse a
// 1,000-profile config and resolve one role profile.
func BenchmarkResolve1000Profiles(b *testing.B) {
	data := []byte(genConfig(1000))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := Parse("config", data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.Resolve("role-499"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadResolve1000Profiles adds reading the file.
func BenchmarkLoadResolve1000Profiles(b *testing.B) {
	path := filepath.Join(b.TempDir(), "config")
	if err := os.WriteFile(path, []byte(genConfig(1000)), 0o600); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		f, err := Load(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.Resolve("role-499"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResolveParsed1000Profiles measures Resolve alone on a parsed file.
func BenchmarkResolveParsed1000Profiles(b *testing.B) {
	f, err := Parse("config", []byte(genConfig(1000)))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Resolve("role-499"); err != nil {
			b.Fatal(err)
		}
	}
}
