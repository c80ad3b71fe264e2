package shell

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/creds"
)

// hostileExport has every value a shell might misread.
func hostileExport(marker string) Export {
	evil := `it's "q" $(touch ` + marker + `) ` + "`touch " + marker + "`" + " \\ $HOME\nsecond line ${PATH}"
	return Export{
		Profile: "prof " + evil,
		Region:  "eu-west-1 " + evil,
		Creds: creds.Credentials{
			AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "sec/ret+" + evil, SessionToken: "tok" + evil,
			Expiration: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC),
		},
	}
}

func TestExportPowerShellFormat(t *testing.T) {
	var out bytes.Buffer
	e := hostileExport("/tmp/x")
	if err := Write(&out, "powershell", e); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !strings.Contains(s, "Remove-Item -Path Env:AWS_PROFILE -ErrorAction SilentlyContinue\n") {
		t.Fatalf("no unset of AWS_PROFILE:\n%s", s)
	}
	// Every assignment is a verbatim single-quoted string whose embedded
	// quotes are doubled: parse each back the way PowerShell does.
	for _, kv := range e.Vars() {
		prefix := "$Env:" + kv[0] + " = '"
		i := strings.Index(s, prefix)
		if i < 0 {
			t.Fatalf("%s not assigned", kv[0])
		}
		rest := s[i+len(prefix):]
		var val strings.Builder
		for j := 0; ; j++ {
			if rest[j] == '\'' {
				if j+1 < len(rest) && rest[j+1] == '\'' {
					val.WriteByte('\'')
					j++
					continue
				}
				if rest[j+1] != '\n' {
					t.Fatalf("%s: quote not followed by end of line", kv[0])
				}
				break
			}
			val.WriteByte(rest[j])
		}
		if val.String() != kv[1] {
			t.Errorf("%s = %q, want %q", kv[0], val.String(), kv[1])
		}
	}
}

func TestExportJSONAndDotenv(t *testing.T) {
	e := hostileExport("/tmp/x")
	var out bytes.Buffer
	if err := Write(&out, "json", e); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m["AWS_SESSION_TOKEN"] != e.Creds.SessionToken || m["AWS_PROFILE"] != nil {
		t.Fatalf("json: %v", m)
	}
	if _, ok := m["AWS_PROFILE"]; !ok {
		t.Fatal("json must list AWS_PROFILE as null (to unset)")
	}
	out.Reset()
	Write(&out, "dotenv", Export{Profile: "p", Creds: creds.Credentials{AccessKeyID: "A", SecretAccessKey: "s$x", SessionToken: "it's\nx"}})
	want := "AWS_ACCESS_KEY_ID='A'\nAWS_SECRET_ACCESS_KEY='s$x'\nAWS_SESSION_TOKEN=\"it's\\nx\"\nSTSCRED_PROFILE='p'\n"
	if out.String() != want {
		t.Fatalf("dotenv:\n%s\nwant\n%s", out.String(), want)
	}
	if err := Write(&out, "csh", e); err == nil {
		t.Fatal("unknown format accepted")
	}
}
