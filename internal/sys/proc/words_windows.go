package proc

// Words splits a command line as Windows does (SplitWindows).
func Words(line string) []string { return SplitWindows(line) }
