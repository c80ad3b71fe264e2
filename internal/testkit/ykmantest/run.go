package ykmantest

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Stdio is what one run of the stand-in reads and writes.
type Stdio struct {
	Stdin          io.Reader
	StdinTerminal  bool
	Stdout, Stderr io.Writer
	// OpenTTY opens the controlling terminal, as getpass does (nil: none).
	OpenTTY func() (io.ReadWriteCloser, error)
}

// Main runs the stand-in with args (without the program name) and returns
// its exit status; state is the state file's path.
func Main(state string, args []string, io Stdio) int {
	r := &run{state: state, io: io}
	status := r.main(args)
	r.record(args, status)
	return status
}

type run struct {
	state   string
	io      Stdio
	s       State
	touched bool
}

func (r *run) record(args []string, status int) {
	b, _ := json.Marshal(Call{Args: args, Exit: status, Touched: r.touched})
	f, err := os.OpenFile(callsFile(r.state), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return
	}
	defer f.Close()
	f.Write(append(b, '\n'))
}

// fail is ykman's CliFail: "ERROR: msg" through its log formatter, exit 1.
func (r *run) fail(msg string) int {
	fmt.Fprintf(r.io.Stderr, "ERROR: %s\n", msg)
	return 1
}

// usage is click's usage error, exit 2: cmd is the command's words,
// params what its usage line shows after them.
func (r *run) usage(cmd, params, msg string) int {
	words := strings.TrimSpace("ykman " + cmd)
	fmt.Fprintf(r.io.Stderr, "Usage: %s %s\nTry '%s -h' for help.\n\nError: %s\n", words, params, words, msg)
	return 2
}

func (r *run) main(args []string) int {
	b, err := os.ReadFile(r.state)
	if err != nil {
		return r.fail("the ykman stand-in has no state: " + err.Error())
	}
	if err := json.Unmarshal(b, &r.s); err != nil {
		return r.fail("the ykman stand-in's state: " + err.Error())
	}
	// ykman moves --device SERIAL to the front wherever it is.
	device := ""
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-d" || a == "--device":
			if i+1 >= len(args) {
				return r.usage("", "[OPTIONS] COMMAND [ARGS]...", "Option '"+a+"' requires an argument.")
			}
			device = args[i+1]
			i++
		case strings.HasPrefix(a, "--device="):
			device = strings.TrimPrefix(a, "--device=")
		default:
			rest = append(rest, a)
		}
	}
	if device != "" {
		if _, err := strconv.Atoi(device); err != nil {
			return r.usage("", "[OPTIONS] COMMAND [ARGS]...", fmt.Sprintf("Invalid value for '-d' / '--device': '%s' is not a valid integer.", device))
		}
	}
	if len(rest) == 0 {
		fmt.Fprintln(r.io.Stdout, "Usage: ykman [OPTIONS] COMMAND [ARGS]...")
		return 0
	}
	switch {
	case rest[0] == "--version" || rest[0] == "-v":
		fmt.Fprintf(r.io.Stdout, "YubiKey Manager (ykman) version: %s\n", Version)
		return 0
	case rest[0] == "list":
		if device != "" {
			return r.usage("", "[OPTIONS] COMMAND [ARGS]...", "--device can't be used with this command.")
		}
		for _, k := range r.s.Keys {
			if len(rest) > 1 && rest[1] == "--serials" {
				fmt.Fprintln(r.io.Stdout, k.Serial)
			} else {
				fmt.Fprintf(r.io.Stdout, "YubiKey 5 NFC (5.4.3) [OTP+FIDO+CCID] Serial: %d\n", k.Serial)
			}
		}
		return 0
	case len(rest) >= 3 && rest[0] == "oath" && rest[1] == "accounts" && (rest[2] == "code" || rest[2] == "list"):
	default:
		return r.usage("", "[OPTIONS] COMMAND [ARGS]...", "No such command '"+rest[0]+"'.")
	}
	cmd := rest[2]
	var single, hidden bool
	var password, query string
	var queries []string
	opts := true
	for i := 3; i < len(rest); i++ {
		a := rest[i]
		switch {
		case opts && a == "--":
			opts = false
		case opts && cmd == "code" && (a == "-s" || a == "--single"):
			single = true
		case opts && (a == "-H" || a == "--show-hidden"):
			hidden = true
		case opts && cmd == "list" && (a == "-o" || a == "--oath-type" || a == "-P" || a == "--period"):
		case opts && (a == "-p" || a == "--password"):
			if i+1 >= len(rest) {
				return r.usage("oath accounts "+cmd, "[OPTIONS]", "Option '"+a+"' requires an argument.")
			}
			password = rest[i+1]
			i++
		case opts && (a == "-r" || a == "--remember"):
		case opts && strings.HasPrefix(a, "-") && a != "-":
			return r.usage("oath accounts "+cmd, "[OPTIONS]", "No such option: "+a)
		default:
			queries = append(queries, a)
		}
	}
	switch {
	case cmd == "list" && len(queries) > 0:
		return r.usage("oath accounts list", "[OPTIONS]", "Got unexpected extra argument ("+queries[0]+")")
	case len(queries) > 1:
		return r.usage("oath accounts code", "[OPTIONS] [QUERY]", "Got unexpected extra argument ("+queries[1]+")")
	case len(queries) == 1:
		query = queries[0]
	}

	key, status := r.device(device)
	if key == nil {
		return status
	}
	if key.Password != "" {
		if password == "" {
			var ok bool
			if password, ok = r.askPassword(); !ok {
				return 1
			}
		}
		if password != key.Password {
			return r.fail("Authentication to the YubiKey failed. Wrong password?")
		}
	} else if password != "" {
		return r.fail("Password provided, but no password is set.")
	}

	if cmd == "list" {
		var names []string
		for _, a := range key.Accounts {
			if hidden || !isHidden(a) {
				names = append(names, a.Name)
			}
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintln(r.io.Stdout, n)
		}
		return 0
	}
	hits := search(key.Accounts, query, hidden)
	switch {
	case len(hits) == 1:
		a := hits[0]
		if a.Touch {
			fmt.Fprintln(r.io.Stderr, "Touch your YubiKey...")
			if !r.waitTouch() {
				return r.fail("Touch account timed out!")
			}
		}
		code, err := totpCode(a, time.Now())
		if err != nil {
			return r.fail(err.Error())
		}
		if single {
			fmt.Fprintln(r.io.Stdout, code)
		} else {
			fmt.Fprintf(r.io.Stdout, "%s  %s\n", a.Name, code)
		}
		return 0
	case single && len(hits) == 0:
		return r.fail("No matching account found.")
	case single:
		fmt.Fprintln(r.io.Stderr, "Error: Multiple matches, make the query more specific.")
		fmt.Fprintln(r.io.Stderr)
		for _, a := range hits {
			fmt.Fprintln(r.io.Stderr, a.Name)
		}
		return 1
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].Name < hits[j].Name })
	width := 0
	for _, a := range hits {
		width = max(width, len(a.Name))
	}
	for _, a := range hits {
		val := "[Requires Touch]"
		if !a.Touch {
			c, err := totpCode(a, time.Now())
			if err != nil {
				return r.fail(err.Error())
			}
			val = c
		}
		fmt.Fprintf(r.io.Stdout, "%-*s  %s\n", width, a.Name, val)
	}
	return 0
}

// device finds the key to talk to, as ykman's require_device does.
func (r *run) device(serial string) (*Key, int) {
	if serial != "" {
		for i := range r.s.Keys {
			if strconv.Itoa(r.s.Keys[i].Serial) == serial {
				return &r.s.Keys[i], 0
			}
		}
		time.Sleep(r.s.ScanWait)
		return nil, r.fail("Failed connecting to a YubiKey with serial: " + serial + ".\nMake sure the application has the required permissions.")
	}
	switch len(r.s.Keys) {
	case 0:
		time.Sleep(r.s.ScanWait)
		return nil, r.fail("No YubiKey detected!")
	case 1:
		return &r.s.Keys[0], 0
	}
	fmt.Fprintln(r.io.Stderr, "Multiple YubiKeys detected:")
	for _, k := range r.s.Keys {
		fmt.Fprintf(r.io.Stderr, "- YubiKey 5 NFC (5.4.3) Serial: %d\n", k.Serial)
	}
	return nil, r.fail("Use --device SERIAL to specify which one to use.")
}

// askPassword is ykman's click_prompt with hide_input: a line piped on
// stdin, else click's prompt on stderr read with getpass (the terminal,
// else stdin); input that ends is click's Abort.
func (r *run) askPassword() (string, bool) {
	in := bufio.NewReader(r.io.Stdin)
	if !r.io.StdinTerminal {
		if line, _ := in.ReadString('\n'); line != "" {
			return strings.TrimRight(line, "\n"), true
		}
	}
	fmt.Fprint(r.io.Stderr, "Enter the password:")
	if r.io.OpenTTY != nil && !r.s.NoTerminal {
		if t, err := r.io.OpenTTY(); err == nil {
			defer t.Close()
			fmt.Fprint(t, " ")
			line, err := bufio.NewReader(t).ReadString('\n')
			if err == nil {
				fmt.Fprintln(t)
				return strings.TrimRight(line, "\r\n"), true
			}
			fmt.Fprintln(r.io.Stderr)
			fmt.Fprintln(r.io.Stderr, "Aborted!")
			return "", false
		}
	}
	fmt.Fprint(r.io.Stderr, "Warning: Password input may be echoed.\n ")
	line, err := in.ReadString('\n')
	if err != nil {
		fmt.Fprintln(r.io.Stderr)
		fmt.Fprintln(r.io.Stderr, "Aborted!")
		return "", false
	}
	return strings.TrimRight(line, "\n"), true
}

// waitTouch waits for the test's touch, up to the key's timeout.
func (r *run) waitTouch() bool {
	wf := waitingFile(r.state)
	os.WriteFile(wf, nil, 0o600)
	defer os.Remove(wf)
	deadline := time.Now().Add(r.s.TouchTimeout)
	for {
		if err := os.Remove(touchFile(r.state)); err == nil {
			r.touched = true
			return true
		} else if !errors.Is(err, os.ErrNotExist) {
			return false
		}
		if !time.Now().Before(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// search is ykman's _search: the exact name wins, else every name that
// holds the query, ignoring case; hidden accounts ("_hidden:" issuer)
// only with -H.
func search(accounts []Account, query string, hidden bool) []Account {
	var hits []Account
	for _, a := range accounts {
		if !hidden && isHidden(a) {
			continue
		}
		if a.Name == query {
			return []Account{a}
		}
		if strings.Contains(strings.ToLower(a.Name), strings.ToLower(query)) {
			hits = append(hits, a)
		}
	}
	return hits
}

func isHidden(a Account) bool { return strings.HasPrefix(a.Name, "_hidden:") }

func totpCode(a Account, now time.Time) (string, error) {
	digits := otp.DigitsSix
	if a.Digits == 8 {
		digits = otp.DigitsEight
	}
	return totp.GenerateCodeCustom(a.Secret, now, totp.ValidateOpts{Period: 30, Digits: digits, Algorithm: otp.AlgorithmSHA1})
}
