package mfa

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/textsafe"
	"github.com/stscred/stscred/internal/sys/proc"
)

// Ykman gets the code from a YubiKey's OATH application through YubiKey
// Manager's command line: `ykman oath accounts code --single NAME`, which
// prints only the code. The account is the one named (ykman_oath_account),
// else the one on the key that is for the MFA device (see PickAccount).
// While ykman waits for a touch (it writes "Touch your YubiKey..." on
// stderr), the user is told where they look: the terminal, else the
// desktop. Nothing ykman prints on stdout is ever shown.
type Ykman struct {
	// Program is ykman's full path.
	Program string
	// Account is the OATH account's name as ykman shows it ("" finds it);
	// Device is the serial of the key that holds it ("" for the only key).
	Account, Device string
	// From is the profile whose section would hold ykman_oath_account
	// and ykman_device, for hints.
	From   string
	Runner *proc.Runner
	// Touch tells the user to touch the key while ykman waits for it;
	// the func it returns ends the notice once the wait is over.
	Touch func(msg string) (done func())
	// OnTerminal says something on the terminal; false when there is none.
	OnTerminal func(msg string) bool
	// Timeout bounds one run of ykman (default a minute: the key itself
	// gives up waiting for a touch after about 15 seconds).
	Timeout time.Duration
}

func (y Ykman) Name() string      { return "ykman" }
func (y Ykman) Interactive() bool { return false }

// AWSIssuer is the issuer in the name of the OATH account that the AWS
// console's QR code for a virtual MFA device makes ("Amazon Web
// Services:USER@ACCOUNT", ACCOUNT the account's alias when it has one).
const AWSIssuer = "Amazon Web Services"

// DefaultAccounts are the names of the OATH account for MFA device serial
// that a user who added it to the key would have given it, best first:
// the device's ARN (the name aws-vault's YubiKey guide adds it under,
// `ykman oath accounts add -t arn:aws:iam::ACCOUNT:mfa/NAME`), and what
// the console's QR code names it when the account has no alias and the
// device is named after its user ("Amazon Web Services:NAME@ACCOUNT").
func DefaultAccounts(serial string) []string {
	out := []string{serial}
	if account, device, ok := splitMFAARN(serial); ok {
		out = append(out, AWSIssuer+":"+device+"@"+account)
	}
	return out
}

// splitMFAARN splits arn:PARTITION:iam::ACCOUNT:mfa/[PATH/]NAME.
func splitMFAARN(serial string) (account, device string, ok bool) {
	parts := strings.SplitN(serial, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !strings.HasPrefix(parts[5], "mfa/") {
		return "", "", false
	}
	device = parts[5][strings.LastIndex(parts[5], "/")+1:]
	return parts[4], device, parts[4] != "" && device != ""
}

// PickAccount finds, among the names of the OATH accounts on a key, the
// one for MFA device serial: a name of DefaultAccounts (ignoring case);
// else the only account of AWS's issuer for the device's account
// ("...@ACCOUNT"); else the only one of AWS's issuer for the device's
// name ("...:NAME@..." — an account with an alias). "" when none is
// certain; then aws lists the names of AWS's issuer, for the message.
func PickAccount(names []string, serial string) (name string, aws []string) {
	for _, want := range DefaultAccounts(serial) {
		for _, n := range names {
			if strings.EqualFold(n, want) {
				return n, nil
			}
		}
	}
	for _, n := range names {
		if len(n) > len(AWSIssuer) && strings.EqualFold(n[:len(AWSIssuer)+1], AWSIssuer+":") {
			aws = append(aws, n)
		}
	}
	account, device, ok := splitMFAARN(serial)
	if !ok {
		return "", aws
	}
	only := func(match func(user, where string) bool) string {
		var hits []string
		for _, n := range aws {
			user, where, found := strings.Cut(n[len(AWSIssuer)+1:], "@")
			if found && match(user, where) {
				hits = append(hits, n)
			}
		}
		if len(hits) == 1 {
			return hits[0]
		}
		return ""
	}
	if n := only(func(_, where string) bool { return where == account }); n != "" {
		return n, nil
	}
	if n := only(func(user, _ string) bool { return strings.EqualFold(user, device) }); n != "" {
		return n, nil
	}
	return "", aws
}

func (y Ykman) Code(ctx context.Context, req Request) (string, error) {
	name := y.Account
	if name == "" {
		out, err := y.run(ctx, req, "oath", "accounts", "list")
		if err != nil {
			return "", y.explain(err, req, "")
		}
		found, aws := PickAccount(lines(string(out)), req.Serial)
		if found == "" {
			return "", y.noDefault(req, aws)
		}
		name = found
	}
	out, err := y.run(ctx, req, "oath", "accounts", "code", "--single", "--", name)
	if err != nil {
		return "", y.explain(err, req, name)
	}
	code := normalize(string(out))
	if !ValidCode(code) {
		what := "something that is not a 6-digit code"
		if len(code) == 8 && strings.Trim(code, "0123456789") == "" {
			what = "an 8-digit code"
		}
		return "", hint.With(fmt.Errorf("ykman printed %s for the OATH account %q", what, textsafe.Escape(name)),
			"an AWS MFA device makes 6-digit TOTP codes: the account must be the one AWS's secret key was added to (ykman oath accounts list -o shows each account's type)")
	}
	return code, nil
}

// noDefault is the error when no account on the key is certainly the
// device's.
func (y Ykman) noDefault(req Request, aws []string) error {
	tried := DefaultAccounts(req.Serial)
	msg := "no OATH account on the YubiKey is named for this MFA device: looked for " + quoteList(tried)
	if len(aws) > 0 {
		msg += fmt.Sprintf("; the key's accounts of issuer %s are %s", AWSIssuer, quoteList(aws))
	}
	return hint.With(errors.New(textsafe.Escape(msg)),
		"name the account in [profile "+y.From+"]: ykman_oath_account = NAME, as ykman oath accounts list shows it",
		"or add the device's secret key to the YubiKey under its ARN: ykman oath accounts add --touch "+req.Serial)
}

// run runs ykman with args, watching its stderr: a touch it waits for
// and a password it asks for are said to the user as they come.
func (y Ykman) run(ctx context.Context, req Request, args ...string) ([]byte, error) {
	timeout := y.Timeout
	if timeout == 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	argv := []string{y.Program}
	if y.Device != "" {
		argv = append(argv, "--device", y.Device)
	}
	argv = append(argv, args...)
	w := &ykmanWatch{y: y, req: req}
	out, err := y.Runner.Start(ctx, argv, proc.StartOptions{Stderr: w, Kill: true})
	w.end()
	if ctx.Err() != nil {
		return nil, hint.With(fmt.Errorf("ykman gave no answer within %s", timeout),
			"run ykman oath accounts list yourself to see whether it finds the key")
	}
	if err != nil {
		return nil, &ykmanError{err: err, stderr: w.text()}
	}
	return out.Stdout, nil
}

// ykmanWatch reads ykman's stderr as it comes.
type ykmanWatch struct {
	y   Ykman
	req Request

	mu       sync.Mutex
	buf      bytes.Buffer
	touching func()
	asked    bool
}

func (w *ykmanWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	s := w.buf.String()
	if w.touching == nil && strings.Contains(s, "Touch your YubiKey") {
		w.touching = func() {}
		if w.y.Touch != nil {
			w.touching = w.y.Touch(fmt.Sprintf("touch your YubiKey: it makes the MFA code for %s (profile %s)", w.req.Serial, w.req.Profile))
		}
	}
	if !w.asked && strings.Contains(s, "Enter the password") {
		w.asked = true
		if w.y.OnTerminal != nil {
			w.y.OnTerminal("ykman asks for the password of the YubiKey's OATH accounts: type it here (ykman oath access remember saves typing it)")
		}
	}
	return len(p), nil
}

// end takes a touch notice down.
func (w *ykmanWatch) end() {
	w.mu.Lock()
	done := w.touching
	w.mu.Unlock()
	if done != nil {
		done()
	}
}

func (w *ykmanWatch) text() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// ykmanError is a run of ykman that failed, with what it wrote on stderr
// (ykman's messages: never a code or a secret).
type ykmanError struct {
	err    error
	stderr string
}

func (e *ykmanError) Error() string {
	var ee *exec.ExitError
	if !errors.As(e.err, &ee) {
		return "running ykman: " + e.err.Error()
	}
	msg := "ykman failed (" + e.err.Error() + ")"
	if l := lastError(e.stderr); l != "" {
		msg += ": " + textsafe.Escape(l)
	}
	return msg
}

func (e *ykmanError) Unwrap() error { return e.err }

// lastError is the last of ykman's "ERROR: ..." (or click's "Error: ...")
// lines, without the prefix.
func lastError(stderr string) string {
	lines := strings.Split(stderr, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		for _, p := range []string{"ERROR: ", "Error: "} {
			if rest, ok := strings.CutPrefix(l, p); ok {
				return rest
			}
		}
	}
	return ""
}

// explain turns a failed run of ykman into the user's terms, from what
// ykman 5.x writes on stderr; the first run (the list) goes through it too.
func (y Ykman) explain(err error, req Request, name string) error {
	var ye *ykmanError
	if !errors.As(err, &ye) {
		return err
	}
	s := ye.stderr
	device := "ykman_device = SERIAL in [profile " + y.From + "]"
	switch {
	case strings.Contains(s, "No YubiKey detected"):
		return hint.With(errors.New("no YubiKey is plugged in: ykman found none"),
			"plug in the YubiKey that holds the code and run the command again",
			"or, this once, pass a code from another device: --mfa-token 123456 or STSCRED_MFA_TOKEN=123456")
	case strings.Contains(s, "Failed connecting to a YubiKey with serial"):
		return hint.With(fmt.Errorf("the YubiKey with serial %s (ykman_device of profile %s) is not plugged in, or cannot be reached", y.Device, y.From),
			"plug it in; ykman list --serials shows the keys that are; change or remove ykman_device in [profile "+y.From+"] to use another")
	case strings.Contains(s, "Multiple YubiKeys detected") || strings.Contains(s, "Use --device SERIAL"):
		return hint.With(errors.New("more than one YubiKey is plugged in, and ykman does not know which one makes the code"),
			"unplug the others, or name the key: "+device+" (ykman list --serials shows the serials)")
	case strings.Contains(s, "No matching account found"):
		return hint.With(errors.New("the YubiKey has no OATH account "+textsafe.Escape(y.named(name))),
			"ykman oath accounts list shows the names on the key: set ykman_oath_account in [profile "+y.From+"] to one of them",
			"or add the device's secret key under that name: ykman oath accounts add --touch NAME")
	case strings.Contains(s, "Multiple matches"):
		var names []string
		if _, list, ok := strings.Cut(s, "\n\n"); ok {
			names = lines(list)
		}
		return hint.With(errors.New(textsafe.Escape(fmt.Sprintf("%s matches more than one OATH account on the YubiKey: %s", y.named(name), quoteList(names)))),
			"set ykman_oath_account in [profile "+y.From+"] to one whole name, as ykman oath accounts list shows it")
	case strings.Contains(s, "Touch account timed out"):
		return hint.With(errors.New("the YubiKey was not touched in time: it stopped waiting"),
			"run the command again and touch the key (its light blinks) when stscred says so")
	case strings.Contains(s, "Enter the password") || strings.Contains(s, "Authentication to the YubiKey failed"):
		return hint.With(errors.New("the YubiKey's OATH accounts are protected by a password, and ykman has none remembered"),
			"run ykman oath access remember once: ykman then keeps the password on this machine and stops asking")
	case strings.Contains(s, "not enabled or not available on this YubiKey"):
		return hint.With(errors.New("the YubiKey's OATH application is not enabled"),
			"enable it: ykman config usb --enable OATH")
	}
	return hint.With(err, "run ykman oath accounts list yourself to see what ykman says")
}

// named names the account for messages, and where its name came from.
func (y Ykman) named(name string) string {
	if y.Account != "" {
		return fmt.Sprintf("%q (ykman_oath_account of profile %s)", name, y.From)
	}
	return fmt.Sprintf("%q", name)
}

// lines are the non-empty lines of ykman's output (a name may hold
// blanks: "Amazon Web Services:alice@111111111111").
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimRight(l, "\r"); strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	switch len(q) {
	case 0:
		return "none"
	case 1:
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}
