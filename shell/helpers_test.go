package shell

// Completion returns the completion script of the shell called name
// (bash, zsh or fish).
func Completion(name string, spec CompletionSpec) (string, error) {
	s, err := Named(name)
	if err != nil {
		return "", err
	}
	return s.Completion(spec)
}

// Hook returns the shell integration script for the shell called name.
func Hook(name string) (string, error) {
	s, err := Named(name)
	if err != nil {
		return "", err
	}
	return s.Hook()
}
