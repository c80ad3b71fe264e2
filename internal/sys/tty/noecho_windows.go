package tty

import "golang.org/x/sys/windows"

// noEcho turns off echo on the console input handle fd and returns how to
// restore it; ok is false when fd is not a console.
func noEcho(fd int) (restore func(), ok bool) {
	h := windows.Handle(fd)
	var mode uint32
	if err := windows.GetConsoleMode(h, &mode); err != nil {
		return nil, false
	}
	if err := windows.SetConsoleMode(h, (mode&^windows.ENABLE_ECHO_INPUT)|windows.ENABLE_PROCESSED_INPUT|windows.ENABLE_LINE_INPUT); err != nil {
		return nil, false
	}
	return func() { _ = windows.SetConsoleMode(h, mode) }, true
}
