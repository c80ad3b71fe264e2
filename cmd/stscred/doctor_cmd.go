package main

import "github.com/stscred/stscred/internal/app"

// DoctorCmd checks the setup one thing at a time and says how to fix what
// is wrong; the checks are package doctor's.
type DoctorCmd struct {
	Profile string `name:"profile" placeholder:"NAME" complete:"profile=any" help:"Check only this profile's chain (and what its credential_process calls)."`
	Output  string `name:"output" enum:"text,json" default:"text" help:"text, or json for scripts."`
}

func (c *DoctorCmd) Run(p *app.Process, s *app.Services) error {
	return app.Doctor(p, s, c.Profile, c.Output == "json")
}
