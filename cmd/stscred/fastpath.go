package main

import (
	"reflect"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/app"
)

// credentialRunner is a credential command ready to run.
type credentialRunner interface {
	Run(env *app.Env) error
}

// fastParse recognises the one shape a credential_process line has —
// `role NAME`, `session NAME` (or `export NAME`), nothing else — in an environment that
// sets none of the variables those commands read, and fills the command
// and the globals with their defaults exactly as kong would, reading the
// defaults from the same kong tags. Anything else returns ok=false and is
// parsed by kong. Building kong's parser costs more than a whole cache hit
// (reflection over every flag, at a cold start); this is the path every
// AWS CLI and SDK start takes. fastpath_test.go checks that both give the
// same result.
func fastParse(args []string, getenv func(string) string) (credentialRunner, *Globals, bool) {
	if len(args) != 2 || args[1] == "" || strings.HasPrefix(args[1], "-") {
		return nil, nil, false
	}
	var cmd credentialRunner
	switch args[0] {
	case "role":
		cmd = &RoleCmd{}
	case "session":
		cmd = &SessionCmd{}
	case "export":
		cmd = &ExportCmd{}
	default:
		return nil, nil, false
	}
	g := &Globals{}
	if !fillDefaults(reflect.ValueOf(g).Elem(), getenv, "") || !fillDefaults(reflect.ValueOf(cmd).Elem(), getenv, args[1]) {
		return nil, nil, false
	}
	return cmd, g, true
}

// fillDefaults sets each field of the struct v to its kong default, and
// the one positional argument to arg. It reports false when a field has a
// kind it does not handle or an environment variable that would override
// it is set: kong must decide those.
func fillDefaults(v reflect.Value, getenv func(string) string, arg string) bool {
	durationType := reflect.TypeOf(time.Duration(0))
	args := 0
	for i := 0; i < v.NumField(); i++ {
		f, tag := v.Field(i), v.Type().Field(i).Tag
		for _, name := range strings.Split(tag.Get("env"), ",") {
			if name != "" && getenv(name) != "" {
				return false
			}
		}
		if _, ok := tag.Lookup("arg"); ok {
			if f.Kind() != reflect.String || args > 0 {
				return false
			}
			args++
			f.SetString(arg)
			continue
		}
		def, ok := tag.Lookup("default")
		if !ok {
			continue
		}
		switch {
		case f.Type() == durationType:
			d, err := time.ParseDuration(def)
			if err != nil {
				return false
			}
			f.SetInt(int64(d))
		case f.Kind() == reflect.String:
			f.SetString(def)
		default:
			return false
		}
	}
	return arg == "" || args == 1
}

// envNames lists the environment variables the flags of v (a command line
// struct, walked with its commands and embedded structs) read.
func envNames(v reflect.Type) []string {
	var out []string
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		for _, name := range strings.Split(f.Tag.Get("env"), ",") {
			if name != "" {
				out = append(out, name)
			}
		}
		if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeOf(time.Duration(0)) {
			out = append(out, envNames(f.Type)...)
		}
	}
	return out
}

// scrubEmptyEnv unsets every variable a flag reads that is set but empty:
// `export STSCRED_PROMPT=` means the default, as an unset variable does.
// Kong would parse "" as the value (an enum error, a zero duration), the
// fast path reads it as unset; after this both agree, and with the user.
func scrubEmptyEnv(lookup func(string) (string, bool), unset func(string) error) {
	for _, name := range envNames(reflect.TypeOf(CLI{})) {
		if v, ok := lookup(name); ok && v == "" {
			_ = unset(name)
		}
	}
}
