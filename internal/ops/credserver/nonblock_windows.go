package credserver

// setNonblock does nothing: on Windows the socket is not handed to the
// child.
func setNonblock(uintptr) {}
