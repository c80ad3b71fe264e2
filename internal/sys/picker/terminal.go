package picker

import (
	"context"
	"fmt"

	"github.com/stscred/stscred/internal/sys/tty"
)

// OnTerminal runs the picker on the controlling terminal (tty.OpenFiles):
// ErrNoTerminal when there is none.
func OnTerminal(ctx context.Context, req Request) (int, error) {
	in, out, closeTTY, err := tty.OpenFiles()
	if err != nil {
		return -1, fmt.Errorf("%w: %w", ErrNoTerminal, err)
	}
	defer closeTTY()
	return Run(ctx, in, out, req)
}
