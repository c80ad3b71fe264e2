package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/cli/buildinfo"
)

// revision is what a release is built from: a commit at a tag.
type revision struct {
	Tag    string // v1.2.3
	Commit string // the full hash
	Epoch  int64  // the commit's date (committer), Unix seconds: SOURCE_DATE_EPOCH
}

// Date is the commit's date in UTC.
func (r revision) Date() time.Time { return time.Unix(r.Epoch, 0).UTC() }

// Version is the tag without its v: 1.2.3, 1.3.0-rc.1.
func (r revision) Version() string { return strings.TrimPrefix(r.Tag, "v") }

// git runs git in dir and returns its stdout, trimmed.
func git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}

var hexCommit = regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`)

// readCheckout checks that dir is a checkout without changes whose HEAD
// is at a release tag, and says which.
func readCheckout(dir string) (revision, error) {
	var r revision
	status, err := git(dir, "status", "--porcelain", "--untracked-files=normal")
	if err != nil {
		return r, fmt.Errorf("%s is not a git checkout stscred can be released from: %w", dir, err)
	}
	if status != "" {
		first, _, _ := strings.Cut(status, "\n")
		return r, fmt.Errorf("the checkout has changes or files git does not know (%s ...): a release is built from a clean checkout of a tag", strings.TrimSpace(first))
	}
	tag, err := git(dir, "describe", "--exact-match", "--tags", "HEAD")
	if err != nil {
		return r, fmt.Errorf("HEAD is not at a tag (%w): a release is built from its tag, vX.Y.Z", err)
	}
	if !buildinfo.IsRelease(tag) {
		return r, fmt.Errorf("tag %s is not a release version (vX.Y.Z, or vX.Y.Z-pre.1)", tag)
	}
	r.Tag = tag
	if r.Commit, err = git(dir, "rev-parse", "HEAD^{commit}"); err != nil {
		return r, err
	}
	if !hexCommit.MatchString(r.Commit) {
		return r, fmt.Errorf("git rev-parse said %q, not a commit hash", r.Commit)
	}
	ct, err := git(dir, "log", "-1", "--format=%ct", "HEAD")
	if err != nil {
		return r, err
	}
	if r.Epoch, err = strconv.ParseInt(ct, 10, 64); err != nil || r.Epoch <= 0 {
		return r, fmt.Errorf("the commit's date %q is not a time", ct)
	}
	return r, nil
}
