package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/ops/doctor"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/sys/proc"
)

// One model of a profile: each credential_process line is classified the
// same by the runtime (export of the tool profile) and by doctor, because
// both ask profile.Model; and every line doctor passes works when run, as
// the AWS CLI runs it.
func TestCredentialProcessLinesOneModel(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "bin")
	os.MkdirAll(bin, 0o755)
	abs := filepath.Join(bin, "stscred")
	os.WriteFile(abs, []byte("#!/bin/sh\n"), 0o755)
	const arn = "arn:aws:iam::222222222222:role/Admin"
	for _, tc := range []struct {
		line   string
		kind   profile.Kind
		passes bool // doctor passes it, and the runtime serves it
	}{
		{"stscred role prod-admin", profile.Tool, true},
		{"stscred role prod-admin --duration 1h", profile.Tool, true},
		{"stscred --duration 1h role prod-admin", profile.Tool, false}, // --duration is role's, not global
		{"stscred --backend keyring role prod-admin", profile.Tool, true},
		{"stscred role --backend=keyring prod-admin", profile.Tool, true},
		{"stscred --prompt none role prod-admin", profile.Tool, true},
		{"stscred role --min-remaining 20m prod-admin", profile.Tool, true},
		{"stscred role prod-admin --session-name 'ci-run'", profile.Tool, true},
		{"stscred role prod-admin --session-name 'ci run'", profile.Tool, false}, // STS refuses the space
		{`stscred role "prod-admin"`, profile.Tool, true},
		{abs + " role prod-admin", profile.Tool, true},
		{"stscred.exe role prod-admin", profile.Tool, true},
		{"stscred role --role-arn " + arn + " --source alice", profile.Tool, true},
		{"stscred role --role-arn=" + arn + " --source=alice --duration 30m", profile.Tool, true},
		{"stscred role --role-arn " + arn, profile.Tool, false}, // no --source
		{"stscred role --role-arn " + arn + " --source nobody", profile.Tool, false},
		{"stscred role --role-arn not-an-arn --source alice", profile.Tool, false},
		{"stscred role prod-admin --role-arn " + arn + " --source alice", profile.Tool, false},
		{"stscred session alice", profile.Tool, true},
		{"stscred session alice --duration 1h", profile.Tool, true},
		{"stscred session alice --duration 10m", profile.Tool, false},
		{"stscred session prod-admin", profile.Tool, false},
		{"stscred role alice", profile.Tool, false},
		{"stscred role nosuch", profile.Tool, false},
		{"stscred role prod-admin --duration 13h", profile.Tool, false},
		{"stscred role prod-admin --no-such-flag", profile.Tool, false},
		{"stscred export prod", profile.Tool, false},
		{"stscred list", profile.Tool, false},
		{"stscred", profile.Tool, false},
		{"stscred role prod", profile.Tool, false}, // a tool profile, not a role
		{"aws-vault export prod --format=json", profile.Foreign, false},
		{"/usr/local/bin/granted-credential-process --profile x", profile.Foreign, false},
		{"stscred-other role prod-admin", profile.Foreign, false},
	} {
		t.Run(tc.line, func(t *testing.T) {
			l := newDoctorLive(t, "\n[profile tool]\ncredential_process = "+tc.line+"\nregion = eu-west-1\n")
			code := l.code()
			m, err := l.env.Model()
			if err != nil {
				t.Fatal(err)
			}
			p, err := m.Get("tool")
			if err != nil {
				t.Fatal(err)
			}
			if p.Kind != tc.kind {
				t.Fatalf("kind %s, want %s", p.Kind, tc.kind)
			}
			res, _ := l.doctorJSON(t, "--profile", "tool")
			var doctorPass *bool
			for _, r := range find(res, doctor.IDCredProcess) {
				if r.Profile == "tool" {
					ok := r.Status == doctor.Pass
					doctorPass = &ok
				}
			}
			if tc.kind == profile.Foreign {
				if doctorPass != nil {
					t.Fatal("doctor checked a foreign credential_process as stscred's")
				}
				return
			}
			if doctorPass == nil {
				t.Fatalf("doctor did not check the line:\n%s", l.stdout)
			}
			if *doctorPass != tc.passes {
				t.Fatalf("doctor passes it: %v, want %v\n%s", *doctorPass, tc.passes, l.stdout)
			}
			// The runtime agrees: exporting the tool profile works exactly
			// when doctor passes its line.
			if exit := l.run("--mfa-token", code, "export", "--format", "json", "tool"); (exit == 0) != tc.passes {
				t.Fatalf("export tool: exit %d, doctor passes it: %v\n%s", exit, tc.passes, l.stderr)
			}
			if !tc.passes {
				return
			}
			// And the line itself works when run, as the AWS CLI runs it.
			l.env.SessionCache.DeleteWhere(func(cache.Header) bool { return true })
			words := proc.Words(tc.line)
			if exit := l.run(append([]string{"--mfa-token", l.code()}, words[1:]...)...); exit != 0 {
				t.Fatalf("running the line: exit %d\n%s", exit, l.stderr)
			}
			if _, err := creds.DecodeProcess(l.stdout.Bytes()); err != nil || strings.Count(l.stdout.String(), "\n") != 1 {
				t.Fatalf("the line printed no credential_process document: %v\n%s", err, l.stdout)
			}
		})
	}
}
