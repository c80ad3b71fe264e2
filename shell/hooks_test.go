package shell

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/base/creds"
)

// The hooks remember and give back exactly the variables export sets or
// unsets (its own STSCRED_* aside, which use --off unsets).
func TestHooksRestoreWhatExportChanges(t *testing.T) {
	full := Export{Profile: "p", Region: "r", Creds: creds.Credentials{
		AccessKeyID: "a", SecretAccessKey: "s", SessionToken: "t", Expiration: time.Now(),
	}}
	var want []string
	for _, kv := range full.Vars() {
		if !strings.HasPrefix(kv[0], "STSCRED_") {
			want = append(want, kv[0])
		}
	}
	want = append(want, Shadowing()...)
	sort.Strings(want)
	lists := map[string]*regexp.Regexp{
		"bash":       regexp.MustCompile(`(?s)\n__stscred_vars=\(([^)]*)\)`),
		"zsh":        regexp.MustCompile(`(?s)\n__stscred_vars=\(([^)]*)\)`),
		"fish":       regexp.MustCompile(`(?s)\nset -g __stscred_vars ((?:[^\n]*\\\n)*[^\n]*)`),
		"powershell": regexp.MustCompile(`(?s)\n\$global:__stscredVars = ((?:[^\n]*,\n)*[^\n]*)`),
	}
	for name, re := range lists {
		hook, err := Hook(name)
		if err != nil {
			t.Fatal(err)
		}
		m := re.FindStringSubmatch(hook)
		if m == nil {
			t.Errorf("%s: no list of the variables", name)
			continue
		}
		got := strings.Fields(strings.NewReplacer("\\\n", " ", ",", " ", "'", " ").Replace(m[1]))
		sort.Strings(got)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s remembers %v, export changes %v", name, got, want)
		}
	}
}
