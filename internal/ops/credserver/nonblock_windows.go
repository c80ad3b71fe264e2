package credserver

// setNonblock does nothing: on Windows the child inherits the socket's
// own handle, which leaves the listener as it was.
func setNonblock(uintptr) {}
