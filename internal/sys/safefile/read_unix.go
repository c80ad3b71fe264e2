//go:build !windows

package safefile

import (
	"os"

	"golang.org/x/sys/unix"
)

// openNoBlock opens path for reading so that opening cannot block: a
// FIFO without a writer opens at once (O_NONBLOCK), and a terminal never
// becomes the controlling one (O_NOCTTY). Reads of a regular file are
// unchanged by O_NONBLOCK; anything else is refused before it is read.
func openNoBlock(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
}
