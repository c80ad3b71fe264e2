package mfa

// The mfa_process lines of the tests, in cmd's language (proc runs them
// with cmd /C on Windows). cmd drops the caret: the line does not hold
// the word it prints (proc blots the line's arguments out of the messages
// it passes on).
var processLines = struct{ touchThenCode string }{
	touchThenCode: "echo to^uch key 1>&2 & echo 654321",
}
