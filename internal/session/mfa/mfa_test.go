package mfa

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/credline"

	"github.com/stscred/stscred/internal/sys/proc"
	"github.com/stscred/stscred/internal/sys/tty"

	"github.com/stscred/stscred/internal/base/hint"
)

// fakeTTY is a scripted terminal: reads come from in, writes are recorded.
type fakeTTY struct {
	in  io.Reader
	out *bytes.Buffer
}

func (f fakeTTY) Read(p []byte) (int, error)  { return f.in.Read(p) }
func (f fakeTTY) Write(p []byte) (int, error) { return f.out.Write(p) }
func (f fakeTTY) Close() error                { return nil }

func ttyWith(input string, out *bytes.Buffer) func() (tty.TTY, error) {
	r := strings.NewReader(input)
	return func() (tty.TTY, error) { return fakeTTY{in: r, out: out}, nil }
}

func noTTY() (tty.TTY, error) { return nil, errors.New("no tty") }

var req = Request{Profile: "alice", Serial: "arn:aws:iam::111111111111:mfa/alice", Attempt: 1}

func TestTerminalPromptsAndRetriesBadInput(t *testing.T) {
	var out bytes.Buffer
	code, err := Terminal{Open: ttyWith("12345\nabcdef\n 123 456 \n", &out)}.Code(context.Background(), req)
	if err != nil || code != "123456" {
		t.Fatalf("code %q err %v", code, err)
	}
	if n := strings.Count(out.String(), "MFA code for arn:aws:iam::111111111111:mfa/alice (profile alice)"); n != 3 {
		t.Fatalf("prompted %d times: %q", n, out.String())
	}
}

func TestTerminalEOF(t *testing.T) {
	var out bytes.Buffer
	_, err := Terminal{Open: ttyWith("", &out)}.Code(context.Background(), req)
	if err == nil {
		t.Fatal("EOF must be an error")
	}
}

func TestStatic(t *testing.T) {
	if c, err := (Static{Token: " 123456 "}).Code(context.Background(), req); err != nil || c != "123456" {
		t.Fatal(c, err)
	}
	if _, err := (Static{Token: "12345x"}).Code(context.Background(), req); err == nil {
		t.Fatal("bad token accepted")
	}
}

func TestProcess(t *testing.T) {
	var stderr bytes.Buffer
	c, err := Process{Command: processLines.touchThenCode, Stderr: &stderr}.Code(context.Background(), req)
	if err != nil || c != "654321" || !strings.Contains(stderr.String(), "touch key") {
		t.Fatalf("%q %v %q", c, err, stderr.String())
	}
	_, err = Process{Command: "exit 3", Stderr: io.Discard}.Code(context.Background(), req)
	if err == nil || !strings.Contains(err.Error(), "exit status 3") || len(hint.Of(err)) == 0 {
		t.Fatalf("err = %v", err)
	}
	_, err = Process{Command: "echo nope", Stderr: io.Discard}.Code(context.Background(), req)
	if err == nil || strings.Contains(err.Error(), "nope") {
		t.Fatalf("err = %v (must not echo output)", err)
	}
}

func fakeZenity(t *testing.T, script string) string {
	dir := t.TempDir()
	p := filepath.Join(dir, "zenity")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestChooserOrder(t *testing.T) {
	zdir := fakeZenity(t, "echo 111111\n")
	look := func(name string) (string, error) {
		p := filepath.Join(zdir, name)
		if _, err := os.Stat(p); err != nil {
			return "", err
		}
		return p, nil
	}
	env := func(display string) func(string) string {
		return func(k string) string {
			if k == "DISPLAY" {
				return display
			}
			return ""
		}
	}
	var out bytes.Buffer
	cases := []struct {
		name    string
		c       Chooser
		process string
		want    string
	}{
		{"token wins", Chooser{Token: "123456", OpenTTY: ttyWith("", &out)}, "echo 1", "--mfa-token/STSCRED_MFA_TOKEN"},
		{"process before tty", Chooser{OpenTTY: ttyWith("", &out)}, "echo 1", "mfa_process"},
		{"tty", Chooser{OpenTTY: ttyWith("", &out), LookPath: look, Getenv: env(":0")}, "", "terminal"},
		{"desktop without tty", Chooser{OpenTTY: noTTY, LookPath: look, Getenv: env(":0"), GOOS: "linux"}, "", "desktop"},
		{"mode tty skips process", Chooser{Mode: ModeTTY, OpenTTY: ttyWith("", &out)}, "echo 1", "terminal"},
		{"mode desktop skips tty", Chooser{Mode: ModeDesktop, OpenTTY: ttyWith("", &out), LookPath: look, Getenv: env(":0"), GOOS: "linux"}, "", "desktop"},
	}
	for _, tc := range cases {
		s, err := tc.c.For(req, How{Process: proc.Line{Text: tc.process, Profile: "alice", Key: "mfa_process"}})
		if err != nil || s.Name() != tc.want {
			t.Errorf("%s: got %v, %v; want %s", tc.name, s, err, tc.want)
		}
	}
	for name, c := range map[string]Chooser{
		"nothing":            {OpenTTY: noTTY, LookPath: look, Getenv: env(""), GOOS: "linux"},
		"display no program": {OpenTTY: noTTY, LookPath: func(string) (string, error) { return "", errors.New("no") }, Getenv: env(":0"), GOOS: "linux"},
		"mode none":          {Mode: ModeNone, OpenTTY: ttyWith("", &out)},
		"mode process":       {Mode: ModeProcess, OpenTTY: ttyWith("", &out)},
	} {
		_, err := c.For(req, How{})
		if !errors.Is(err, ErrNoSource) {
			t.Errorf("%s: err = %v", name, err)
			continue
		}
		hs := strings.Join(hint.Of(err), "\n")
		for _, way := range []string{"--mfa-token", "STSCRED_MFA_TOKEN", "mfa_process"} {
			if !strings.Contains(hs, way) {
				t.Errorf("%s: hints do not name %s: %q", name, way, hs)
			}
		}
	}
}

// The modes are one list: --prompt's choices, the mode constants and the
// values mfa_prompt takes.
func TestModesAreOneList(t *testing.T) {
	f, _ := reflect.TypeOf(credline.Globals{}).FieldByName("Prompt")
	flag := strings.Split(f.Tag.Get("enum"), ",")
	modes := []string{ModeAuto, ModeTTY, ModeDesktop, ModeProcess, ModeYkman, ModeNone}
	if !slices.Equal(flag, modes) || !slices.Equal(awsconfig.MFAPrompts[:], modes) {
		t.Fatalf("--prompt %q, modes %q, mfa_prompt %q", flag, modes, awsconfig.MFAPrompts)
	}
}

// Without a source the hints name what exists where stscred runs: no
// zenity, kdialog or DISPLAY on Windows, but its own terminal windows.
func TestNoSourceHintsFitTheOS(t *testing.T) {
	req := Request{Profile: "alice", Serial: "arn:aws:iam::111111111111:mfa/alice"}
	noTTY := func() (tty.TTY, error) { return nil, errors.New("no tty") }
	noProgram := func(string) (string, error) { return "", errors.New("not found") }
	for _, tc := range []struct {
		goos, want string
		not        []string
	}{
		{"windows", "PowerShell or Command Prompt window", []string{"zenity", "kdialog", "DISPLAY", "osascript"}},
		{"linux", "zenity or kdialog when DISPLAY", []string{"PowerShell", "osascript"}},
		{"darwin", "osascript", []string{"zenity", "DISPLAY", "PowerShell"}},
	} {
		_, err := Chooser{OpenTTY: noTTY, LookPath: noProgram, Getenv: func(string) string { return "" }, GOOS: tc.goos}.For(req, How{})
		if !errors.Is(err, ErrNoSource) {
			t.Fatalf("%s: err = %v", tc.goos, err)
		}
		hs := strings.Join(hint.Of(err), "\n")
		if !strings.Contains(hs, tc.want) || !strings.Contains(hs, "mfa_process") {
			t.Errorf("%s: hints do not say %q: %q", tc.goos, tc.want, hs)
		}
		for _, n := range tc.not {
			if strings.Contains(hs, n) {
				t.Errorf("%s: hints name %s: %q", tc.goos, n, hs)
			}
		}
	}
}
