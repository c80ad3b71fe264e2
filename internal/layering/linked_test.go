//go:build !windows

// These tests run the go tool (go list), which a Windows test binary run
// under Wine does not have; the Linux run checks every GOOS.

package layering

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// notLinked are modules stscred's binary must not link, with the reason.
// kong and godbus call reflect's Method/MethodByName with names the linker
// cannot see, so it keeps every exported method of every reachable type:
// one import of a big SDK client links all its operations.
var notLinked = map[string]string{
	"github.com/aws/aws-sdk-go-v2/service/iam":     "its ~170 operations add 5.5 MB to the binary, and every process start (the cache hit included) pays for them; awsapi speaks IAM's query protocol itself for the four calls of a rotation",
	"github.com/aws/aws-sdk-go-v2/service/sso":     initCost,
	"github.com/aws/aws-sdk-go-v2/service/ssooidc": initCost,
	"github.com/aws/aws-sdk-go-v2/service/signin":  initCost,
}

// initCost is why the Identity Center and Sign-In clients are not linked.
const initCost = "the package initialisation of the SDK's sso, ssooidc and signin clients is about a third of a cache hit's instructions, though a hit makes none of their calls; internal/aws/restjson makes those calls as the clients make them"

// The binary, on each OS it is built for, links none of notLinked (tests
// may import them: they are not linked into stscred).
func TestBinaryLinksNotTheseModules(t *testing.T) {
	for _, goos := range []string{"linux", "darwin", "windows"} {
		cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", module+"/cmd/stscred")
		cmd.Env = append(os.Environ(), "GOOS="+goos, "CGO_ENABLED=0")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list for %s: %v\n%s", goos, err, stderr.String())
		}
		for _, p := range strings.Fields(string(out)) {
			for mod, why := range notLinked {
				if p == mod || strings.HasPrefix(p, mod+"/") {
					t.Errorf("%s: stscred links %s: %s", goos, p, why)
				}
			}
		}
	}
}
