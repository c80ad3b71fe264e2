package proc

// Harden makes the stscred process a poor place to look for secrets: it
// holds long-term keys, session secrets and MFA codes in memory, so it must
// never leave them in a core file, and another process of the same user
// must not attach to it to read them. It applies the protections available
// on this OS, best effort: a platform or sandbox that refuses one does not
// stop stscred.
func Harden() { harden() }
