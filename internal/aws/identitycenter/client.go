package identitycenter

import (
	"context"
	"io"
	"time"

	"github.com/stscred/stscred/internal/sys/sdkhttp"

	"github.com/stscred/stscred/keystore"
)

// DefaultTimeout is the budget of one API call, connection, every attempt
// and the waits between retries included.
const DefaultTimeout = 30 * time.Second

// Client signs in to Identity Center and makes the portal's calls. Store is
// required; every other field has a default.
type Client struct {
	Store     keystore.Store // where registrations and tokens live (never a file in the clear)
	Endpoints Endpoints
	Now       func() time.Time
	// Lock serialises, across processes, what must happen once per session:
	// a sign-in flow and a refresh (refresh tokens rotate). name is a
	// secret-free lock name ("sso:" + s.ID()), doing says what the holder does.
	// nil: no cross-process lock.
	Lock func(ctx context.Context, name, doing string) (unlock func(), err error)
	// Open opens a URL in the user's browser; an error means none could be
	// opened, and Login then prints the URL to Out for the user to open.
	Open    func(ctx context.Context, url string) error
	Out     io.Writer     // the user's terminal side (stderr): URLs, codes, progress; never stdout
	Timeout time.Duration // budget of one API call, retries included (0: 30s)
	// Sleep waits between device-code polls; nil: a real timer honouring ctx.
	Sleep func(ctx context.Context, d time.Duration) error
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Client) out() io.Writer {
	if c.Out != nil {
		return c.Out
	}
	return io.Discard
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	return sdkhttp.Sleep(ctx, d)
}

// lock takes the session's cross-process lock; without a Lock it is a
// no-op.
func (c *Client) lock(ctx context.Context, s Session, doing string) (func(), error) {
	if c.Lock == nil {
		return func() {}, nil
	}
	return c.Lock(ctx, "sso:"+s.ID(), doing)
}

// budget bounds one call, retries included.
func (c *Client) budget(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.timeout())
}

// ready checks what every call needs.
func (c *Client) ready(s Session) error {
	if err := s.check(); err != nil {
		return err
	}
	return c.Endpoints.check()
}
