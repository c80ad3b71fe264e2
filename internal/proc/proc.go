// Package proc tells about the process that started stscred: the shell
// that will read `stscred export`'s output is the one that ran it.
package proc

// ParentName is the command name of the parent process ("bash", "fish",
// "pwsh"), "" when it cannot be told.
func ParentName() string { return parentName() }
