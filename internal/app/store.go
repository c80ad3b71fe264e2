package app

import (
	"errors"
	"io/fs"

	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/config/profile"
	"github.com/stscred/stscred/internal/session/cache"
	"github.com/stscred/stscred/internal/session/mfa"
	"github.com/stscred/stscred/keystore"
)

// ConfigPath is the AWS config file in use.
func (e *Env) ConfigPath() (string, error) {
	return awsconfig.DefaultPath(e.Getenv)
}

// Config loads the AWS config file; a missing file is an empty config.
func (e *Env) Config() (*awsconfig.File, error) {
	if e.ConfigFile != nil {
		return e.ConfigFile, nil
	}
	path, err := e.ConfigPath()
	if err != nil {
		return nil, err
	}
	f, err := awsconfig.Load(path)
	if errors.Is(err, fs.ErrNotExist) {
		f, err = awsconfig.Parse(path, nil)
	}
	if err != nil {
		return nil, err
	}
	e.ConfigFile = f
	return f, nil
}

// Model is the profile model of the config file: what each profile is,
// and what a stscred call means.
func (e *Env) Model() (*profile.Model, error) {
	f, err := e.Config()
	if err != nil {
		return nil, err
	}
	return &profile.Model{File: f, Parse: e.Parse, Getenv: e.Getenv}, nil
}

// CacheDir is where cached sessions and lock files live.
func (e *Env) CacheDir() (string, error) { return cache.Dir(e.Getenv, e.GOOS) }

// Cache is the session cache, its data key kept in the keystore.
func (e *Env) Cache() (*cache.Cache, error) {
	if e.SessionCache != nil {
		return e.SessionCache, nil
	}
	dir, err := e.CacheDir()
	if err != nil {
		return nil, err
	}
	dk := cache.NewDataKey(e.Keys(), e.KeySettings().Service, dir)
	e.SessionCache = cache.New(dir, dk.Get)
	return e.SessionCache, nil
}

// KeySettings say where keys are kept: --backend and the environment,
// with the passphrase asked on the terminal unless given or forbidden.
func (e *Env) KeySettings() keystore.Settings {
	s := keystore.SettingsFrom(e.Getenv, e.GOOS, e.Flags.Backend)
	s.Passphrase = keystore.PassphraseAsker{
		Given: e.Getenv("STSCRED_FILE_PASSPHRASE"), Forbid: e.Flags.Prompt == mfa.ModeNone,
		Open: e.OpenTTY, Dir: s.FileDir,
	}.Passphrase
	return s
}

// Keys is the keystore of long-term keys, chosen on first use (see
// keystore.Select).
func (e *Env) Keys() keystore.Store {
	if e.KeyStore == nil {
		e.KeyStore = keystore.NewLazy(func() (keystore.Store, string) { return keystore.Select(e.KeySettings()) })
	}
	return e.KeyStore
}

// KeysNote says why Keys is the backend it is, when that may surprise.
func (e *Env) KeysNote() string {
	if l, ok := e.Keys().(*keystore.Lazy); ok {
		return l.Note()
	}
	return ""
}

// DescribeKeys says where keys are kept, for messages.
func (e *Env) DescribeKeys() string { return keystore.Describe(e.Keys()) }
