package shell

import (
	"os/exec"
	"testing"
)

var hostile = []string{
	"plain",
	"it's",
	`"double"`,
	"$(touch /tmp/pwned)",
	"`touch /tmp/pwned`",
	"line1\nline2",
	`back\slash\`,
	"${HOME}",
	"'; echo injected; '",
	"",
}

// QuoteSh output read back by a real sh is the original string.
func TestQuoteShRoundTrip(t *testing.T) {
	for _, s := range hostile {
		out, err := exec.Command("sh", "-c", "printf %s "+QuoteSh(s)).Output()
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if string(out) != s {
			t.Errorf("sh read %q back as %q", s, out)
		}
	}
}

func TestQuoteFishShape(t *testing.T) {
	if got := QuoteFish(`it's \ok`); got != `'it\'s \\ok'` {
		t.Fatal(got)
	}
}

func TestQuotePowerShellShape(t *testing.T) {
	if got := QuotePowerShell("it's \u2019x"); got != "'it''s \u2019\u2019x'" {
		t.Fatal(got)
	}
}
