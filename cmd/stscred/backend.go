package main

import (
	"github.com/stscred/stscred/keystore"
	"github.com/stscred/stscred/mfa"
)

// keySettings says where keys are kept: --backend and the environment,
// with the passphrase asked on the terminal unless given or forbidden.
func (e *Env) keySettings() keystore.Settings {
	s := keystore.SettingsFrom(e.Getenv, e.GOOS, e.backend)
	s.Passphrase = keystore.PassphraseAsker{
		Given: e.Getenv("STSCRED_FILE_PASSPHRASE"), Forbid: e.prompt == mfa.ModeNone,
		Open: e.OpenTTY, Dir: s.FileDir,
	}.Passphrase
	return s
}

// Keys is the keystore of long-term keys, chosen on first use (see
// keystore.Select).
func (e *Env) Keys() keystore.Store {
	if e.keys == nil {
		e.keys = keystore.NewLazy(func() (keystore.Store, string) { return keystore.Select(e.keySettings()) })
	}
	return e.keys
}

// keysNote says why Keys is the backend it is, when that may surprise.
func (e *Env) keysNote() string {
	if l, ok := e.Keys().(*keystore.Lazy); ok {
		return l.Note()
	}
	return ""
}

// describeKeys says where keys are kept, for messages.
func (e *Env) describeKeys() string { return keystore.Describe(e.Keys()) }
