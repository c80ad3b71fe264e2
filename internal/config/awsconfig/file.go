// Package awsconfig reads the AWS shared config file (~/.aws/config) into
// resolved profiles: source_profile chains, include_profile merges,
// inheritance of region and mfa_serial, and cycle detection.
//
// It only reads. It follows the AWS CLI v2 (botocore) reading of the file,
// and looks at no environment variable: callers apply AWS_* overrides.
//
// Parsing is built for stscred's hot path: Parse checks the syntax of the
// whole file in one pass that records where each section is, and a
// section's keys are parsed only when a resolution needs them.
package awsconfig

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"sync"
	"unsafe"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/sys/safefile"
)

// File is a parsed config file. It is safe for concurrent use.
type File struct {
	// Path is the file's path as given to Load or Parse; error messages
	// show it as is.
	Path string
	// Ambient is what the environment offers profiles (set by the caller
	// before the first Resolve; the zero value offers nothing).
	Ambient Ambient

	text     string
	cr       bool // text holds a "\r"
	sections []section
	index    map[sectionKey]int

	mu     sync.Mutex            // guards parsed
	parsed map[int]parsedSection // section index -> its keys, filled lazily
}

// Load reads and parses the config file at path. When the file does not
// exist the error satisfies errors.Is(err, fs.ErrNotExist).
func Load(path string) (*File, error) {
	data, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return Parse(path, nil)
	}
	// data is ours alone and never written again: use it as the text
	// without a second copy (a large config is read on every call).
	return parse(path, unsafe.String(&data[0], len(data)))
}

// MaxSize bounds the config file: real ones are kilobytes; a device or a
// runaway file must not be read into memory whole.
const MaxSize = 16 << 20

// ReadFile reads an AWS config or credentials file: a regular file of at
// most MaxSize, opened without blocking and read under a deadline
// (safefile.ReadRegular). A directory, a FIFO (which would block), a
// device (/dev/zero would never end) or a huge file is an error with a
// hint; a missing file wraps fs.ErrNotExist.
func ReadFile(path string) ([]byte, error) {
	data, err := safefile.ReadRegular(context.Background(), path, MaxSize)
	if err == nil {
		return data, nil
	}
	fix := "point AWS_CONFIG_FILE (or AWS_SHARED_CREDENTIALS_FILE) at a regular file, or unset it to use the one in ~/.aws"
	var nr *safefile.NotRegularError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	case errors.As(err, &nr) && nr.Mode.IsDir():
		return nil, hint.With(fmt.Errorf("%s is a directory, not an AWS config file", path), fix)
	case errors.As(err, &nr):
		return nil, hint.With(fmt.Errorf("%s is not a regular file but %s, so not an AWS config file", path, nr.What()), fix)
	case errors.Is(err, safefile.ErrTooLarge):
		return nil, hint.With(fmt.Errorf("%s is more than the %d MiB stscred reads of an AWS config file", path, MaxSize>>20), fix)
	case errors.Is(err, safefile.ErrReadTimeout):
		return nil, hint.With(fmt.Errorf("cannot read %s: %w", path, err), "check the file system it is on")
	}
	return nil, hint.With(fmt.Errorf("cannot read %s: %w", path, err), "check its permissions (it must be readable by you)")
}

// Parse parses data as the config file at path (used in messages). It
// checks the syntax of every line and returns a *ParseError (with a hint)
// for the first mistake; the keys of a section are read on first use.
func Parse(path string, data []byte) (*File, error) {
	return parse(path, string(data))
}

func parse(path, text string) (*File, error) {
	f := &File{Path: path, text: text}
	if err := scan(f); err != nil {
		return nil, err
	}
	return f, nil
}

// lookupProfile returns the index of the section defining profile name, or
// -1. [profile default] wins over [default] when both exist, as in the AWS
// SDK for Go v2.
func (f *File) lookupProfile(name string) int {
	if i, ok := f.index[sectionKey{kindProfile, name}]; ok {
		return i
	}
	if name == "default" {
		if i, ok := f.index[sectionKey{kindBareDefault, name}]; ok {
			return i
		}
	}
	return -1
}

// ProfileNames returns the names of the profiles in file order, "default"
// included when the file has [default] or [profile default].
func (f *File) ProfileNames() []string {
	var names []string
	_, profileDefault := f.index[sectionKey{kindProfile, "default"}]
	for _, s := range f.sections {
		switch {
		case s.kind == kindProfile,
			s.kind == kindBareDefault && !profileDefault:
			names = append(names, s.name)
		}
	}
	return names
}

// Has reports whether the file defines profile name.
func (f *File) Has(name string) bool {
	return f.lookupProfile(name) >= 0
}

func itoa(n int) string { return strconv.Itoa(n) }
