//go:build linux && realworld

package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/testenv"
)

// The README's "Try it without an AWS account" walk-through, run as
// written: cmd/ststest (with its Identity Center stand-in) in one
// process, the blocks of shell commands of the second terminal in bash
// with the installed stscred and the real AWS CLI. The counts its
// comments promise are the counts the server reports at each point.
func TestReadmeWalkThrough(t *testing.T) {
	testenv.RequireSecretService(t)
	requireTool(t, awsCLI, "awscli")
	requireTool(t, "curl", "curl")
	block := walkThroughBlock(t)

	tmp := t.TempDir()
	srvBin := testenv.Build(t, "github.com/stscred/stscred/cmd/ststest", tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv := exec.CommandContext(ctx, srvBin, "-listen", "127.0.0.1:0", "-sso-listen", "127.0.0.1:0", "-quiet")
	out, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	banner := bufio.NewReader(out)
	first, err := banner.ReadString('\n')
	if err != nil {
		t.Fatalf("ststest banner: %v", err)
	}
	urlRE := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)`)
	addr := urlRE.FindStringSubmatch(first)
	if addr == nil {
		t.Fatalf("no address in %q", first)
	}
	var ssoAddr []string
	for ssoAddr == nil {
		line, err := banner.ReadString('\n')
		if err != nil {
			t.Fatalf("ststest banner names no Identity Center address: %v", err)
		}
		if strings.Contains(line, "IAM Identity Center stand-in") {
			ssoAddr = urlRE.FindStringSubmatch(line)
		}
	}
	go func() { _, _ = banner.WriteTo(discard{}) }()

	// The walk-through on this server's port; the terminal prompt for the
	// MFA code is answered by the variable (this test has no terminal).
	script := strings.NewReplacer("127.0.0.1:9911", addr[1], "127.0.0.1:9912", ssoAddr[1]).Replace(block)
	var promised [][]string // per calls line: the "N Name" its comment promises
	var lines []string
	for _, line := range strings.Split(script, "\n") {
		if strings.Contains(line, "/_ststest/calls") || strings.Contains(line, "/_ssotest/calls") {
			cmd, comment, _ := strings.Cut(line, "#")
			promised = append(promised, regexp.MustCompile(`\d+ [A-Za-z]+(?::[A-Za-z_]+)?`).FindAllString(comment, -1))
			line = "echo '@@calls'; " + cmd + "; echo; echo '@@end'"
		}
		if strings.HasPrefix(line, "aws sts get-caller-identity") {
			line = `STSCRED_MFA_TOKEN=$(curl -s "http://` + addr[1] + `/_ststest/code?serial=arn:aws:iam::111111111111:mfa/alice") ` + line
		}
		lines = append(lines, line)
	}
	if len(promised) < 3 {
		t.Fatalf("the walk-through shows the counts %d times", len(promised))
	}
	home := t.TempDir()
	bin := filepath.Join(home, ".local", "bin")
	if err := os.MkdirAll(bin, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(testenv.Stscred(t), filepath.Join(bin, "stscred")); err != nil {
		t.Fatal(err)
	}
	sh := exec.CommandContext(ctx, "bash", "-e", "-c", strings.Join(lines, "\n"))
	sh.Env = []string{"PATH=" + bin + ":/usr/local/bin:/usr/bin:/bin", "HOME=" + home, "TMPDIR=" + t.TempDir(), "LANG=C.UTF-8",
		"AWS_PAGER=", "DBUS_SESSION_BUS_ADDRESS=" + os.Getenv("DBUS_SESSION_BUS_ADDRESS")}
	sh.Dir = home
	sh.SysProcAttr = noTTY()
	got, err := sh.CombinedOutput()
	if err != nil {
		t.Fatalf("the walk-through fails: %v\n%s", err, got)
	}
	var counted []map[string]int
	for _, part := range strings.Split(string(got), "@@calls\n")[1:] {
		body, _, _ := strings.Cut(part, "@@end")
		var c struct{ Calls map[string]int }
		if err := json.Unmarshal([]byte(body), &c); err != nil {
			t.Fatalf("calls: %v\n%s", err, body)
		}
		counted = append(counted, c.Calls)
	}
	if len(counted) != len(promised) {
		t.Fatalf("%d counts shown, %d promised:\n%s", len(counted), len(promised), got)
	}
	for i, want := range promised {
		if len(want) == 0 {
			t.Errorf("calls line %d promises no counts", i+1)
		}
		named := map[string]bool{}
		for _, w := range want {
			n, name, _ := strings.Cut(w, " ")
			named[name] = true
			if strconv.Itoa(counted[i][name]) != n {
				t.Errorf("calls line %d: the README says %s, the server counted %d", i+1, w, counted[i][name])
			}
		}
		for name, n := range counted[i] {
			if !named[name] {
				t.Errorf("calls line %d: the server counted %d %s, which the README does not mention", i+1, n, name)
			}
		}
	}
	if !strings.Contains(string(got), `"Arn": "arn:aws:sts::222222222222:assumed-role/Admin/`) {
		t.Errorf("the aws commands did not print the role's identity:\n%s", got)
	}
	if !strings.Contains(string(got), `"Arn": "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Developer_`) {
		t.Errorf("the aws commands did not print the Identity Center role's identity:\n%s", got)
	}
	if _, err := os.Stat(filepath.Join(home, ".aws", "sso", "cache")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the Identity Center walk-through wrote ~/.aws/sso/cache (%v)", err)
	}
	// Its tidy-up leaves nothing of stscred's: no item of its keyring
	// service (keys, index, cache key, SSO client and token) and no cache.
	service := regexp.MustCompile(`STSCRED_KEYRING_SERVICE=(\S+)`).FindStringSubmatch(block)
	if service == nil {
		t.Fatal("the walk-through sets no STSCRED_KEYRING_SERVICE")
	}
	if items := keyringItems(t, service[1]); len(items) != 0 {
		t.Errorf("after the walk-through's tidy-up the keyring holds stscred's %v", items)
	}
	if _, err := os.Stat(filepath.Join(home, ".cache", "stscred")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after the walk-through's tidy-up ~/.cache/stscred is there (%v)", err)
	}
}

// walkThroughBlock is the sh blocks under "## Try it without an AWS
// account" after the first (which starts the server): the commands of
// the second terminal, in order.
func walkThroughBlock(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "## Try it without an AWS account\n")
	if !ok {
		t.Fatal("README has no walk-through")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	blocks := strings.Split(section, "```sh\n")
	if len(blocks) < 3 {
		t.Fatalf("the walk-through has %d sh blocks", len(blocks)-1)
	}
	var out []string
	for _, b := range blocks[2:] {
		block, _, _ := strings.Cut(b, "```")
		out = append(out, block)
	}
	return strings.Join(out, "\n")
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
