package keystore

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/sys/tty"
)

// Input is where `stscred add` reads a key from.
type Input struct {
	Profile string // whose key, for the prompt
	// FromEnv reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
	FromEnv bool
	Getenv  func(string) string
	// Terminal: stdin is a terminal, so prompt (on Prompts) and read the
	// secret without echo (ReadSecret); else read two lines from Stdin.
	Terminal   bool
	Stdin      *bufio.Reader
	Prompts    io.Writer
	ReadSecret func(prompt string) (string, error)
}

// Read gets the key: from the environment with FromEnv, by prompting when
// stdin is a terminal, else as two lines on stdin (key id, then secret).
func (in Input) Read() (id, secret string, err error) {
	switch {
	case in.FromEnv:
		id, secret = in.Getenv("AWS_ACCESS_KEY_ID"), in.Getenv("AWS_SECRET_ACCESS_KEY")
		if id == "" || secret == "" {
			return "", "", hint.With(errors.New("--env: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must both be set"),
				"export them first, or run stscred add without --env to be prompted")
		}
		if in.Getenv("AWS_SESSION_TOKEN") != "" {
			return "", "", hint.With(errors.New("--env: AWS_SESSION_TOKEN is set, so these are temporary credentials, not an IAM user's key"),
				"stscred stores long-term keys; unset AWS_SESSION_TOKEN if the key id starts with AKIA")
		}
	case in.Terminal:
		fmt.Fprintf(in.Prompts, "Access key ID for %s: ", in.Profile)
		line, rerr := in.Stdin.ReadString('\n')
		if rerr != nil && rerr != io.EOF {
			return "", "", fmt.Errorf("reading the access key id: %w", rerr)
		}
		id = line
		secret, err = in.ReadSecret("Secret access key (not shown): ")
		if errors.Is(err, tty.ErrInterrupted) {
			return "", "", err
		}
		if err != nil {
			return "", "", fmt.Errorf("reading the secret access key: %w", err)
		}
	default:
		id, err = in.readLine("the access key id (first line of stdin)")
		if err != nil {
			return "", "", err
		}
		secret, err = in.readLine("the secret access key (second line of stdin)")
		if err != nil {
			return "", "", err
		}
	}
	return strings.TrimSpace(id), strings.TrimSpace(secret), nil
}

func (in Input) readLine(what string) (string, error) {
	line, err := in.Stdin.ReadString('\n')
	if err == io.EOF && line != "" {
		err = nil
	}
	if err != nil {
		return "", hint.With(fmt.Errorf("reading %s: stdin ended", what),
			"pipe two lines: printf '%s\\n%s\\n' \"$KEY_ID\" \"$SECRET\" | stscred add NAME, or use --env")
	}
	return line, nil
}
