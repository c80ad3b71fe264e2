//go:build linux && realworld

package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/ststest"
)

// startExec runs `stscred exec ARGS` in a new session (no terminal) with
// pipes, and returns it with a reader of its stdout.
func startExec(t *testing.T, w *world, env []string, args ...string) (*exec.Cmd, *bufio.Reader, io.WriteCloser, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(w.bin, append([]string{"exec"}, args...)...)
	cmd.Env = w.env(env...)
	cmd.SysProcAttr = noTTY()
	stdin, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, bufio.NewReader(out), stdin, &stderr
}

func readLine(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	done := make(chan string, 1)
	go func() {
		line, _ := r.ReadString('\n')
		done <- strings.TrimRight(line, "\r\n")
	}()
	select {
	case line := <-done:
		return line
	case <-time.After(30 * time.Second):
		t.Fatal("no output from the command")
		return ""
	}
}

func TestExecExitStatus(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	mfa := "STSCRED_MFA_TOKEN=" + w.code()
	res := w.stscredEnv([]string{mfa}, "exec", "prod", "--", "sh", "-c", "echo out; echo err >&2; exit 7")
	if res.code != 7 || res.stdout != "out\n" || res.stderr != "err\n" {
		t.Fatalf("exec: %s", res)
	}
	notFound := w.stscred("exec", "prod", "--", "no-such-command-xyz")
	w.assertCleanFailure(notFound, "command not found: no-such-command-xyz")
	if notFound.code != 127 {
		t.Fatalf("a missing command: exit %d, want 127 as a shell's", notFound.code)
	}
	// No command and no terminal: nothing to start a shell on.
	w.assertCleanFailure(w.stscred("exec", "prod"), "no command to run (and no terminal for a shell)")
	// --env: plain variables, no endpoint.
	res = w.stscred("exec", "--env", "prod", "--", "sh", "-c", `echo "$AWS_ACCESS_KEY_ID|${AWS_CONTAINER_CREDENTIALS_FULL_URI-none}|$AWS_REGION|$STSCRED_PROFILE"`)
	if res.code != 0 || !strings.HasPrefix(res.stdout, "ASIA") || !strings.HasSuffix(res.stdout, "|none|eu-west-1|prod\n") {
		t.Fatalf("exec --env: %s", res)
	}
}

// Signals reach the command, and stscred ends as the command ended.
func TestExecSignals(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	w.decode(w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "role", "prod-admin"))
	for _, tc := range []struct {
		sig  syscall.Signal
		name string
		code int
	}{{syscall.SIGTERM, "TERM", 9}, {syscall.SIGINT, "INT", 3}, {syscall.SIGHUP, "HUP", 4}} {
		script := `trap 'echo got` + tc.name + `; exit ` + map[int]string{9: "9", 3: "3", 4: "4"}[tc.code] + `' ` + tc.name + `; echo ready; while :; do sleep 0.05; done`
		cmd, out, _, _ := startExec(t, w, nil, "prod", "--", "sh", "-c", script)
		if line := readLine(t, out); line != "ready" {
			t.Fatalf("%s: child said %q", tc.name, line)
		}
		cmd.Process.Signal(tc.sig)
		if line := readLine(t, out); line != "got"+tc.name {
			t.Fatalf("%s: child said %q", tc.name, line)
		}
		err := cmd.Wait()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != tc.code {
			t.Fatalf("%s: stscred ended with %v, want exit %d", tc.name, err, tc.code)
		}
	}
	// A command killed by a signal: stscred dies of the same signal.
	cmd, out, _, _ := startExec(t, w, nil, "prod", "--", "sh", "-c", "echo ready; kill -KILL $$")
	readLine(t, out)
	err := cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	if !ok {
		t.Fatalf("stscred: %v", err)
	}
	if ws := ee.Sys().(syscall.WaitStatus); !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("stscred ended with %v, want death by SIGKILL", ws)
	}
}

// Ctrl-C on a terminal reaches the command exactly once: the terminal
// already signals the whole foreground group, so stscred must not relay it
// (terraform would take a second SIGINT as "force quit").
func TestExecCtrlCReachesCommandOnce(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	w.decode(w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code()}, "role", "prod-admin"))
	// A Go program counts deliveries as terraform would; a shell trap
	// would merge two signals arriving close together.
	r := startPTY(t, w.env(), w.bin, "exec", "prod", "--", buildHelper(t, "sigcount"))
	r.expect("ready", 1)
	r.tty.Write([]byte{3}) // Ctrl-C
	r.expect("INT#1", 1)
	r.expect("total=", 1)
	r.wait()
	if strings.Contains(r.output(), "INT#2") || !strings.Contains(r.output(), "total=1") {
		t.Fatalf("the command got Ctrl-C more than once:\n%s", r.output())
	}
}

// The command gets a credentials endpoint, not keys; the endpoint answers
// only with the token. A nested exec of the same profile reuses it; of
// another profile it starts its own and says so.
func TestExecCredentialsEndpoint(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	w.writeConfig(w.standardConfig() + "\n[profile ro]\nsource_profile = alice\nrole_arn = " + roRole + "\nregion = eu-west-1\n")
	script := `echo "${AWS_ACCESS_KEY_ID-none} $AWS_CONTAINER_CREDENTIALS_FULL_URI $AWS_CONTAINER_AUTHORIZATION_TOKEN $STSCRED_PROFILE $AWS_REGION"
stscred exec prod -- sh -c 'echo "nested-same $AWS_CONTAINER_CREDENTIALS_FULL_URI"'
stscred exec ro -- sh -c 'echo "nested-other $AWS_CONTAINER_CREDENTIALS_FULL_URI"'
read x`
	cmd, out, stdin, stderr := startExec(t, w, []string{"STSCRED_MFA_TOKEN=" + w.code(), "AWS_ACCESS_KEY_ID=AKIASTALESTALESTALE0", "AWS_PROFILE=other"}, "prod", "--", "sh", "-c", script)
	f := strings.Fields(readLine(t, out))
	if len(f) != 5 || f[0] != "none" || !strings.HasPrefix(f[1], "http://127.0.0.1:") || len(f[2]) < 40 || f[3] != "prod" || f[4] != "eu-west-1" {
		t.Fatalf("child environment: %q", f)
	}
	uri, token := f[1], f[2]
	same := readLine(t, out)
	other := readLine(t, out)
	if same != "nested-same "+uri {
		t.Fatalf("nested exec of the same profile: %q, want reuse of %s", same, uri)
	}
	if !strings.HasPrefix(other, "nested-other http://127.0.0.1:") || other == "nested-other "+uri {
		t.Fatalf("nested exec of another profile: %q", other)
	}
	get := func(tok string) (int, map[string]string) {
		req, _ := http.NewRequest("GET", uri, nil)
		if tok != "" {
			req.Header.Set("Authorization", tok)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]string
		json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body
	}
	if code, body := get(""); code != 403 || body["AccessKeyId"] != "" {
		t.Fatalf("no token: %d %v", code, body)
	}
	if code, _ := get("not-the-token"); code != 403 {
		t.Fatalf("wrong token: %d", code)
	}
	code, body := get(token)
	if code != 200 || !strings.HasPrefix(body["AccessKeyId"], "ASIA") || body["Token"] == "" || !strings.HasSuffix(body["Expiration"], "Z") {
		t.Fatalf("with token: %d %v", code, body)
	}
	if body["AccessKeyId"] != roleSessionKeyFor(w, adminRole) {
		t.Fatal("the endpoint does not serve prod's role credentials")
	}
	stdin.Write([]byte("\n"))
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exec: %v", err)
	}
	if !strings.Contains(stderr.String(), "running ro inside stscred exec prod") {
		t.Fatalf("nested exec of another profile did not say so: %s", stderr.String())
	}
}

// roleSessionKeyFor is the newest session the server issued for role.
func roleSessionKeyFor(w *world, role string) string {
	id := ""
	for _, s := range w.srv.Sessions() {
		if s.RoleARN == role {
			id = s.AccessKeyID
		}
	}
	return id
}

// A long-running command outlives several sets of role credentials: the
// Go SDK and boto3 in the child keep calling GetCallerIdentity across the
// expiries, renewing through the endpoint, and every call succeeds.
func TestExecRenewsAcrossExpiry(t *testing.T) {
	requireTool(t, sysPython, "python3-boto3")
	for _, tc := range []struct {
		name string
		argv func(t *testing.T, w *world) []string
	}{
		{"go-sdk", func(t *testing.T, w *world) []string {
			return []string{buildSDKCaller(t), "-n", "9", "-interval", "1500ms"}
		}},
		{"boto3", func(t *testing.T, w *world) []string {
			script := `import boto3, os, time
c = boto3.Session().client("sts", endpoint_url=os.environ["AWS_ENDPOINT_URL_STS"])
for i in range(9):
    if i: time.sleep(1.5)
    print(c.get_caller_identity()["Arn"], flush=True)
`
			return []string{sysPython, "-c", script}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Role credentials live 5 seconds: 9 calls 1.5s apart span
			// two or three expiries. The floor is lowered below their life
			// (credentials under it are never handed out).
			w := newWorldWith(t, ststest.Options{MaxRoleCredentialLifetime: 5 * time.Second})
			w.addAlice()
			res := w.stscredEnv([]string{"STSCRED_MFA_TOKEN=" + w.code(), "STSCRED_MIN_REMAINING=2s"}, append([]string{"exec", "prod", "--"}, tc.argv(t, w)...)...)
			if res.code != 0 || strings.Count(res.stdout, "assumed-role/Admin/stscred-alice") != 9 {
				t.Fatalf("child: %s", res)
			}
			keys := map[string]bool{}
			for _, r := range w.srv.Requests() {
				if r.Action == "GetCallerIdentity" && strings.HasPrefix(r.AccessKeyID, "ASIA") {
					if r.Code != "" {
						t.Fatalf("a call failed with %s", r.Code)
					}
					keys[r.AccessKeyID] = true
				}
			}
			if len(keys) < 2 {
				t.Fatalf("the child used %d role credential set(s): no renewal happened", len(keys))
			}
			if w.srv.Calls("GetSessionToken") != 1 {
				t.Fatal("renewals must reuse the MFA session")
			}
		})
	}
}
