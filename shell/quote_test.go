package shell

import (
	"testing"
)

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
