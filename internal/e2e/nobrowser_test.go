//go:build linux && realworld

package e2e

import (
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/testkit/signintest"
	"github.com/stscred/stscred/internal/testkit/ssotest"
	"github.com/stscred/stscred/internal/testkit/ststest"
)

// noBrowser is an SSH session's environment: no display, no $BROWSER.
var noBrowser = []string{"BROWSER=", "SSH_CONNECTION=192.0.2.1 50022 192.0.2.2 22", "SSH_TTY=/dev/pts/9"}

// `stscred use dev` typed at the prompt of an SSH session (no display, no
// browser) does not print a loopback URL that cannot work there: it says
// why no browser opens and how to sign in with a code, at once and
// without an Identity Center call; sso login without a flag says the
// same beside the URL. Signed in with the code it names, use works.
func TestUseWithoutBrowserNamesDeviceCode(t *testing.T) {
	w := newSSOWorld(t, "secret-service", ssotest.Options{}, ststest.Options{})
	w.extra = append(w.extra, noBrowser...)
	s := startSSOShell(t, w, interactiveShells[0])
	s.sh.say("stscred use dev")
	out := s.sh.output()
	for _, want := range []string{
		"cannot sign in to corp here: no browser to open the sign-in URL: no display here (DISPLAY and WAYLAND_DISPLAY are not set, as in an SSH session)",
		"stscred: hint: sign in with a code, in a browser on any device: stscred sso login --device-code corp",
	} {
		if !strings.Contains(out, want) {
			t.Fatalf("use dev without a browser does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "open this URL") || strings.Contains(out, "127.0.0.1") {
		t.Fatalf("use dev printed a loopback URL:\n%s", out)
	}
	if n := w.sso.Calls(ssotest.AnyOp); n != 0 {
		t.Fatalf("use dev without a browser made %d Identity Center calls", n)
	}
	if _, info := s.show(); info != "" {
		t.Fatalf("a failed use left the segment %q", info)
	}

	// sso login without a flag: the same reason and hint, then the URL.
	s.sh.typeLine("stscred sso login corp")
	s.sh.expect("open this URL in a browser: ", 1)
	s.sh.tty.Write([]byte{3}) // Ctrl-C: the user takes the hint
	s.sh.expectAfter("open this URL in a browser: ", "PROMPT> ")
	for _, want := range []string{
		"stscred: no browser to open the sign-in URL: no display here",
		"stscred: hint: the URL below leads back to 127.0.0.1 on this machine: open it in a browser here, or sign in from a browser anywhere with a code: stscred sso login --device-code corp",
	} {
		if !strings.Contains(s.sh.output(), want) {
			t.Fatalf("sso login without a browser does not say %q:\n%s", want, s.sh.output())
		}
	}

	// The hint's way works: a device code sign-in (approved by the test
	// as the user's browser elsewhere), then use.
	done := w.startLogin("--device-code")
	if err := w.sso.ApproveDevice(w.userCode()); err != nil {
		t.Fatal(err)
	}
	if res := <-done; res.code != 0 {
		t.Fatalf("sso login --device-code: %s", res)
	}
	s.sh.say("stscred use dev")
	if key, info := s.show(); key == "" || !minutesInfo.MatchString(info) {
		t.Fatalf("use dev after the device code sign-in: key %q info %q\n%s", key, info, s.sh.output())
	}
}

// The same for a login_session profile: use names login --remote.
func TestLoginUseWithoutBrowserNamesRemote(t *testing.T) {
	w := newLoginWorld(t, "file", signintest.Options{})
	w.login() // with --browser: the profile gets its login_session
	if res := w.sc("logout", "alice"); res.code != 0 {
		t.Fatalf("logout alice: %s", res)
	}
	opened := len(w.opened())
	w.extra = append(w.extra, noBrowser...)
	s := startLoginShell(t, w, interactiveShells[0])
	s.sh.say("stscred use alice")
	out := s.sh.output()
	for _, want := range []string{
		"cannot sign profile alice in here: no browser to open the sign-in URL: no display here",
		"stscred: hint: sign in from a browser on any device, with the code its page shows: stscred login --remote alice",
	} {
		if !strings.Contains(out, want) {
			t.Fatalf("use alice without a browser does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "open this URL") || len(w.opened()) != opened {
		t.Fatalf("use alice printed a loopback URL or opened a browser:\n%s", out)
	}
}
