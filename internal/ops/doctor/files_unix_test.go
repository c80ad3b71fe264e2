//go:build !windows

package doctor_test

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/ops/doctor"
)

// runReturns runs the checks and fails the test if they have not
// returned after a minute: a hang shows as doctor not returning at all.
func (w *world) runReturns(only string) []doctor.Check {
	w.t.Helper()
	done := make(chan []doctor.Check, 1)
	go func() { done <- w.run(only) }()
	select {
	case res := <-done:
		return res
	case <-time.After(time.Minute):
		w.t.Fatal("doctor has not returned after a minute")
		return nil
	}
}

func (w *world) mkfifo(rel string) string {
	w.t.Helper()
	path := filepath.Join(w.home, rel)
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		w.t.Fatal(err)
	}
	return path
}

// A FIFO as web_identity_token_file or saml_assertion_file, /dev/zero as
// saml_assertion_file, a FIFO as the shell's rc file: doctor returns,
// and says what the file is (audit findings 6 and 7).
func TestFilesThatAreNoRegularFiles(t *testing.T) {
	w := newWorld(t, webIdentityConfig+samlConfig+`[profile zero]
role_arn = arn:aws:iam::222222222222:role/Corp
saml_assertion_file = /dev/zero
`)
	token := w.mkfifo("token")
	assertion := w.mkfifo("assertion")
	w.vars["SHELL"] = "/bin/bash"
	w.mkfifo(".bashrc")
	res := w.runReturns("")
	want(t, one(t, res, doctor.IDWebIdentity, "ci"), doctor.Fail,
		"profile ci: cannot read the web identity token file "+token+": it is a named pipe (FIFO), not a regular file", "web_identity_token_file must name the regular file")
	want(t, one(t, res, doctor.IDSAML, "corp"), doctor.Fail,
		"profile corp: cannot read the SAML assertion file "+assertion+": it is a named pipe (FIFO), not a regular file", "saml_assertion_file must name the regular file")
	want(t, one(t, res, doctor.IDSAML, "zero"), doctor.Fail,
		"profile zero: cannot read the SAML assertion file /dev/zero: it is a character device, not a regular file", "saml_assertion_file must name the regular file")
	want(t, one(t, res, doctor.IDShellHook, ""), doctor.Fail,
		"cannot read ~/.bashrc: it is a named pipe (FIFO), not a regular file", "must be a regular file")
}
