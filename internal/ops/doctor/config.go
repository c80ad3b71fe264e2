package doctor

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
)

func (d *doctor) checkConfig() {
	path, err := d.s.ConfigPath()
	if err != nil {
		d.add(IDConfig, "", Fail, "cannot tell where the AWS config file is: "+err.Error(), hint.Of(err)...)
		return
	}
	shown := d.tilde(path)
	f, err := awsconfig.Load(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		hints := []string{"create it with your profiles (see the README: How it fits into ~/.aws/config)"}
		if d.s.Getenv("AWS_CONFIG_FILE") != "" {
			hints = append(hints, "AWS_CONFIG_FILE is set: check that it names the file you mean")
		}
		d.add(IDConfig, "", Fail, "config file "+shown+" not found", hints...)
		return
	case err != nil:
		var pe *awsconfig.ParseError
		msg := "config file " + shown + " cannot be read: " + err.Error()
		if errors.As(err, &pe) {
			msg = "config file " + shown + " does not parse: line " + fmt.Sprint(pe.Line) + ": " + pe.Msg
		}
		d.add(IDConfig, "", Fail, msg, hint.Of(err)...)
		return
	}
	f.Ambient = awsconfig.AmbientOf(d.s.Getenv)
	d.cfg = f
	n := len(f.ProfileNames())
	d.add(IDConfig, "", Pass, fmt.Sprintf("config file %s parses (%d %s)", shown, n, plural(n, "profile", "profiles")))
}
