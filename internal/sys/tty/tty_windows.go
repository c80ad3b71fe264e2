package tty

import (
	"os"
)

type console struct {
	in, out *os.File
}

func (c console) Read(p []byte) (int, error)  { return c.in.Read(p) }
func (c console) Write(p []byte) (int, error) { return c.out.Write(p) }
func (c console) Close() error {
	c.out.Close()
	return c.in.Close()
}

// Open opens the console (CONIN$/CONOUT$), which works even when stdin
// and stdout are redirected by the caller.
func Open() (TTY, error) {
	in, err := os.OpenFile("CONIN$", os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	out, err := os.OpenFile("CONOUT$", os.O_RDWR, 0)
	if err != nil {
		in.Close()
		return nil, err
	}
	return console{in: in, out: out}, nil
}

// Fd is the console input handle, for reading without echo.
func (c console) Fd() uintptr { return c.in.Fd() }

// OpenFiles opens the console as the files a full-screen program reads
// keys from (CONIN$) and draws on (CONOUT$); close closes both.
func OpenFiles() (in, out *os.File, close func() error, err error) {
	c, err := Open()
	if err != nil {
		return nil, nil, nil, err
	}
	con := c.(console)
	return con.in, con.out, con.Close, nil
}
