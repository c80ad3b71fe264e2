//go:build linux && realworld

package e2e

import (
	"regexp"
	"strings"
	"testing"
)

// What the variables `use` changes hold, per shell: STATE, then AWS_REGION,
// AWS_DEFAULT_REGION, AWS_PROFILE, AWS_ACCESS_KEY_ID, STSCRED_PROFILE,
// AWS_DEFAULT_PROFILE, each
// "<unset>" when unset. The S is printed by printf, so the echo of the
// typed line never matches.
var useState = map[string]string{
	"bash": `for v in AWS_REGION AWS_DEFAULT_REGION AWS_PROFILE AWS_ACCESS_KEY_ID STSCRED_PROFILE AWS_DEFAULT_PROFILE; do if [ -n "${!v+x}" ]; then printf '%s|' "${!v}"; else printf '<unset>|'; fi; done > ~/state; printf '\x53TATE %s\n' "$(cat ~/state)"`,
	"zsh":  `for v in AWS_REGION AWS_DEFAULT_REGION AWS_PROFILE AWS_ACCESS_KEY_ID STSCRED_PROFILE AWS_DEFAULT_PROFILE; do if [[ -v $v ]]; then printf '%s|' "${(P)v}"; else printf '<unset>|'; fi; done > ~/state; printf '\x53TATE %s\n' "$(cat ~/state)"`,
	"fish": `for v in AWS_REGION AWS_DEFAULT_REGION AWS_PROFILE AWS_ACCESS_KEY_ID STSCRED_PROFILE AWS_DEFAULT_PROFILE; if set -q $v; printf '%s|' $$v; else; printf '<unset>|'; end; end > ~/state; printf '\x53TATE %s\n' (cat ~/state)`,
}

// The variables as the user had them before the first use: a region, a
// profile, static keys, and a value a shell would misread if the hook did
// not quote it.
var useOriginals = map[string]string{
	"bash": `export AWS_REGION=us-west-2 AWS_PROFILE=orig-prof AWS_ACCESS_KEY_ID=AKIAORIGINAL AWS_DEFAULT_PROFILE="it's \$x \$(id)"; unset AWS_DEFAULT_REGION`,
	"zsh":  `export AWS_REGION=us-west-2 AWS_PROFILE=orig-prof AWS_ACCESS_KEY_ID=AKIAORIGINAL AWS_DEFAULT_PROFILE="it's \$x \$(id)"; unset AWS_DEFAULT_REGION`,
	"fish": `set -gx AWS_REGION us-west-2; set -gx AWS_PROFILE orig-prof; set -gx AWS_ACCESS_KEY_ID AKIAORIGINAL; set -gx AWS_DEFAULT_PROFILE "it's \$x \$(id)"; set -e AWS_DEFAULT_REGION`,
}

var stateLine = regexp.MustCompile(`STATE ([^\r\n]*)\r\n`)

// `use --off` leaves the shell as it was before `use`, and switching from
// one profile to another keeps nothing of the first (its region): in real
// interactive bash, zsh and fish with the hook loaded.
func TestUseOffRestoresTheShell(t *testing.T) {
	for _, sc := range interactiveShells {
		t.Run(sc.name, func(t *testing.T) {
			w := newWorld(t)
			// prod has a region; prod-admin (a role whose source alice has
			// none here) has none.
			w.writeConfig(strings.Replace(w.standardConfig(), "region     = eu-west-1\n", "", 1))
			w.addAlice()
			env := w.env("PS1=PROMPT> ", "PROMPT=PROMPT> ", "STSCRED_MFA_TOKEN="+w.code(), "TERM=dumb")
			sh := startPTY(t, env, sc.argv[0], sc.argv[1:]...)
			sh.expect("PROMPT> ", 1)
			say := sh.say
			state := func() string {
				t.Helper()
				say(useState[sc.name])
				all := stateLine.FindAllStringSubmatch(sh.output(), -1)
				if len(all) == 0 {
					t.Fatalf("no state shown:\n%s", sh.output())
				}
				return all[len(all)-1][1]
			}
			say(sc.init)
			say(useOriginals[sc.name])
			before := state()
			if want := "us-west-2|<unset>|orig-prof|AKIAORIGINAL|<unset>|it's $x $(id)|"; before != want {
				t.Fatalf("the originals were not set up: %q, want %q", before, want)
			}
			checkUsed := func(got, region, profile string) {
				t.Helper()
				f := strings.Split(got, "|")
				defaultRegion := region
				if region == "us-west-2" { // the original: AWS_DEFAULT_REGION was unset
					defaultRegion = "<unset>"
				}
				if len(f) != 7 || f[0] != region || f[1] != defaultRegion || f[2] != "<unset>" ||
					!strings.HasPrefix(f[3], "ASIA") || f[4] != profile || f[5] != "<unset>" {
					t.Fatalf("after use %s: %q (want region %q, AWS_PROFILE unset, session keys)\n%s", profile, got, region, sh.output())
				}
			}

			say("stscred use prod")
			checkUsed(state(), "eu-west-1", "prod")

			// A use that fails changes nothing.
			sh.typeLine("stscred use no-such-profile")
			sh.expect("no-such-profile", 2)
			usedProd := state()
			checkUsed(usedProd, "eu-west-1", "prod")

			// Switching: prod's region does not stay with prod-admin.
			say("stscred use prod-admin")
			checkUsed(state(), "us-west-2", "prod-admin")

			say("stscred use --off")
			if got := state(); got != before {
				t.Fatalf("after use --off: %q, want as before use: %q", got, before)
			}
			// And again: a second round starts from the same originals.
			say("stscred use prod")
			checkUsed(state(), "eu-west-1", "prod")
			say("stscred use --off")
			if got := state(); got != before {
				t.Fatalf("after the second use --off: %q, want %q", got, before)
			}
		})
	}
}
