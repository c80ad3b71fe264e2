package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// target is a platform stscred is released for.
type target struct{ OS, Arch string }

func (t target) String() string { return t.OS + "/" + t.Arch }

// exe is the binary's name on t.
func (t target) exe() string {
	if t.OS == "windows" {
		return "stscred.exe"
	}
	return "stscred"
}

// targets are the released platforms, in the order artifacts are made.
var targets = []target{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

const (
	pkgPath    = "./cmd/stscred"
	modulePath = "github.com/stscred/stscred"
)

// ldflags are the linker flags of a release build: no symbol table or
// DWARF, an empty build ID (it would hash the inputs' paths), and the
// version, commit and commit date stscred version prints.
func ldflags(rev revision) string {
	return strings.Join([]string{
		"-s", "-w", "-buildid=",
		"-X", "main.version=" + rev.Tag,
		"-X", modulePath + "/internal/cli/buildinfo.commit=" + rev.Commit,
		"-X", modulePath + "/internal/cli/buildinfo.commitDate=" + rev.Date().Format("2006-01-02T15:04:05Z"),
	}, " ")
}

// buildEnv is the environment of go build for t: the caller's (for
// GOPATH, GOCACHE, GOPROXY and the like, which change where things are,
// not what is built; and GOTOOLCHAIN, which picks the Go that builds: the
// SBOM and stscred version name it) without anything else that changes
// the build, then the release's settings. GOFLAGS is set, so a go env file's GOFLAGS is not
// read; GOENV=off is not used, as it would drop a GOPROXY set there.
func buildEnv(t target, environ []string) []string {
	drop := map[string]bool{
		"GOFLAGS": true, "GOOS": true, "GOARCH": true, "GOAMD64": true, "GOARM64": true, "GOARM": true,
		"GO386": true, "GOEXPERIMENT": true, "GOWORK": true, "GO111MODULE": true,
		"CGO_ENABLED": true, "CGO_CFLAGS": true, "CGO_CPPFLAGS": true, "CGO_CXXFLAGS": true, "CGO_LDFLAGS": true,
		"CC": true, "CXX": true, "GOROOT_FINAL": true, "SOURCE_DATE_EPOCH": true,
	}
	var env []string
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			env = append(env, kv)
		}
	}
	return append(env,
		"GOOS="+t.OS, "GOARCH="+t.Arch, "GOAMD64=v1", "GOARM64=v8.0",
		"CGO_ENABLED=0", "GOWORK=off", "GO111MODULE=on",
		"GOFLAGS=-mod=readonly",
	)
}

// buildArgs are go build's arguments for a binary at out.
func buildArgs(rev revision, out string) []string {
	return []string{"build", "-trimpath", "-buildvcs=false", "-ldflags=" + ldflags(rev), "-o", out, pkgPath}
}

// buildAll builds stscred for every target into work.
func (r *release) buildAll() error {
	// A GOEXPERIMENT from a go env file is not dropped by buildEnv (an
	// empty variable falls back to the file): refuse to build with one.
	if exp, err := goEnv(r.src, buildEnv(targets[0], os.Environ()), "GOEXPERIMENT"); err != nil {
		return err
	} else if exp != "" {
		return fmt.Errorf("GOEXPERIMENT=%s is set (in the environment or go env -w): a release is built with the toolchain's defaults; unset it", exp)
	}
	gover, err := goEnv(r.src, buildEnv(targets[0], os.Environ()), "GOVERSION")
	if err != nil {
		return err
	}
	r.say("building with %s: %s", gover, ldflags(r.rev))
	r.bins = map[target]string{}
	for _, t := range targets {
		out := filepath.Join(r.work, "bin", t.OS+"_"+t.Arch, t.exe())
		cmd := exec.Command("go", buildArgs(r.rev, out)...)
		cmd.Dir = r.src
		cmd.Env = buildEnv(t, os.Environ())
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stderr, &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build for %s: %v\n%s", t, err, stderr.String())
		}
		r.bins[t] = out
		r.say("built %s", t)
	}
	return nil
}

// goEnv is go env NAME in dir with env.
func goEnv(dir string, env []string, name string) (string, error) {
	cmd := exec.Command("go", "env", name)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// hostTarget is the target this machine runs, whose binary writes the
// completions and the help the man page is made of.
func hostTarget() (target, error) {
	h := target{runtime.GOOS, runtime.GOARCH}
	for _, t := range targets {
		if t == h {
			return h, nil
		}
	}
	return h, fmt.Errorf("release.sh runs the stscred it built to write the completions and the man page, so it runs on a released platform, not %s", h)
}
