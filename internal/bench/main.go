// Command bench measures stscred as callers meet it: whole processes, each
// scenario against the floor (a Go binary that only prints a file) measured
// in the same run.
//
//	go run ./internal/bench                  # 100 runs per scenario
//	go run ./internal/bench -short           # 5 runs: proves the benchmark works (CI)
//	go run ./internal/bench -against main    # also the cache hits of another revision, in the same rounds
//	go run ./internal/bench -instructions    # also instructions per run (valgrind), which other load does not change
//
// It needs what the tests need: a Secret Service (it starts gnome-keyring
// on a private D-Bus session) and the Go toolchain. It prints a Markdown
// table; it asserts nothing about time.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/testkit/demo"
	"github.com/stscred/stscred/internal/testkit/ststest"
	"github.com/stscred/stscred/internal/testkit/testenv"
)

func main() {
	os.Exit(testenv.WithSecretService(run))
}

type scenario struct {
	name   string
	args   []string
	before func() // runs before each timed run, untimed
	env    []string
	want   string // what stdout starts with (default: credential_process JSON)
	// against runs the binary built from the -against revision instead.
	against bool
}

func run() int {
	short := flag.Bool("short", false, "few runs, to check the benchmark works")
	runs := flag.Int("runs", 100, "runs per scenario")
	against := flag.String("against", "", "a git revision whose cache hits to measure in the same rounds (before and after a change)")
	instructions := flag.Bool("instructions", false, "also count the instructions of each scenario under valgrind (independent of the machine's other load)")
	flag.Parse()
	if *short {
		*runs = 5
	}
	b, err := setup(*against)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	defer b.close()

	scenarios := []scenario{
		{name: "floor (Go binary printing a file)"},
		{name: "`stscred role prod-admin`, cache hit", args: []string{"role", "prod-admin"}},
		{name: "`stscred session alice`, cache hit", args: []string{"session", "alice"}},
		{name: "`stscred export prod`, cache hit", args: []string{"export", "prod"}, want: "unset AWS_PROFILE"},
		{name: "`stscred role prod-admin`, cache hit, 1,000-profile config", args: []string{"role", "prod-admin"}, env: []string{"AWS_CONFIG_FILE=" + b.bigConfig}},
		{name: "`stscred role prod-admin`, cold (MFA session cached, role not)", args: []string{"role", "prod-admin"}, before: b.dropRoles},
	}
	if *against != "" {
		// Before the cold scenario, whose drop of the role entries the
		// hits must not see.
		at := "at " + *against
		scenarios = slices.Insert(scenarios, len(scenarios)-1,
			scenario{name: "`stscred role prod-admin`, cache hit, " + at, args: []string{"role", "prod-admin"}, against: true},
			scenario{name: "`stscred session alice`, cache hit, " + at, args: []string{"session", "alice"}, against: true},
			scenario{name: "`stscred export prod`, cache hit, " + at, args: []string{"export", "prod"}, want: "unset AWS_PROFILE", against: true})
	}
	// Scenarios are measured round-robin, one run of each per round, so
	// that the machine's drift (other load, frequency changes) spreads over
	// all of them alike and the ratios stay comparable.
	hitsBefore := b.stsCalls()
	times := make([][]time.Duration, len(scenarios))
	for round := -2; round < *runs; round++ {
		for i, sc := range scenarios {
			bin, args := b.binary(i, sc)
			d, err := b.once(round < 0, sc.want, sc.before, bin, args, sc.env...)
			if err != nil {
				fmt.Fprintf(os.Stderr, "bench: %s: %v\n", sc.name, err)
				return 1
			}
			if round >= 0 {
				times[i] = append(times[i], d)
			}
		}
	}
	// The cold scenario is last; the hits before it must not have called STS.
	if n := b.stsCalls() - hitsBefore - (*runs + 2); n != 0 {
		fmt.Fprintf(os.Stderr, "bench: cache hits made %d STS calls\n", n)
		return 1
	}
	fmt.Printf("stscred benchmark: %d runs per scenario (round-robin), %s\n\n", *runs, time.Now().UTC().Format("2006-01-02"))
	fmt.Println("| scenario | median | p95 | peak RSS | median ÷ floor |")
	fmt.Println("|---|---:|---:|---:|---:|")
	var floor time.Duration
	for i, sc := range scenarios {
		bin, args := b.binary(i, sc)
		rss, err := b.peakRSS(sc.before, bin, args, sc.env...)
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: %s: %v\n", sc.name, err)
			return 1
		}
		ts := times[i]
		sort.Slice(ts, func(a, b int) bool { return ts[a] < ts[b] })
		median, p95 := ts[len(ts)/2], ts[(len(ts)*95+99)/100-1]
		if i == 0 {
			floor = median
		}
		fmt.Printf("| %s | %s | %s | %.1f MiB | %.2f× |\n", sc.name, ms(median), ms(p95), float64(rss)/1024, float64(median)/float64(floor))
	}
	if *instructions {
		if err := b.instructionTable(scenarios); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			return 1
		}
	}
	fi, err := os.Stat(b.stscred)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	fmt.Printf("\nSTS calls during the cache-hit scenarios: 0. stscred binary: %.1f MiB (built as install.sh builds it).\n", float64(fi.Size())/(1<<20))
	prompts := 1000
	if *short {
		prompts = 100
	}
	if err := b.hookCost(prompts); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	return 0
}

// hookCost times the shell integration's prompt hook while the exported
// credentials are fresh: each shell runs the hook n times, and, as the
// baseline, an empty function n times; the difference over n is the cost
// per prompt. A stand-in stscred on PATH records any process the hook
// starts: there must be none.
func (b *bench) hookCost(n int) error {
	standIn := filepath.Join(b.dir, "standin")
	log := filepath.Join(b.dir, "hook-calls")
	if err := os.MkdirAll(standIn, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(standIn, "stscred"), []byte("#!/bin/sh\necho \"$*\" >> "+log+"\nexit 1\n"), 0o755); err != nil {
		return err
	}
	fmt.Printf("\nShell prompt hook with fresh credentials (%d prompts per run, median of 5 runs):\n\n", n)
	fmt.Println("| shell | hook per prompt | all prompts of the run | processes started |")
	fmt.Println("|---|---:|---:|---:|")
	for _, sh := range []struct{ name, setup, loop string }{
		{"bash", `export STSCRED_PROFILE=prod STSCRED_EXPIRES=$(( EPOCHSECONDS + 3600 )); noop() { :; }; `, `for ((i = 0; i < %d; i++)); do %s; done`},
		{"zsh", `export STSCRED_PROFILE=prod STSCRED_EXPIRES=$(( EPOCHSECONDS + 3600 )); noop() { :; }; `, `for ((i = 0; i < %d; i++)); do %s; done`},
		{"fish", `set -gx STSCRED_PROFILE prod; set -gx STSCRED_EXPIRES (math (__stscred_now) + 3600); function noop; end; `, `for i in (seq %d); %s; end`},
	} {
		hook, err := exec.Command(b.stscred, "shell-init", sh.name).Output()
		if err != nil {
			return fmt.Errorf("shell-init %s: %v", sh.name, err)
		}
		hookFile := filepath.Join(b.dir, "hook."+sh.name)
		if err := os.WriteFile(hookFile, hook, 0o600); err != nil {
			return err
		}
		timeIt := func(fn string) (time.Duration, error) {
			var ts []time.Duration
			for i := 0; i < 5; i++ {
				script := "source " + hookFile + "; " + sh.setup + fmt.Sprintf(sh.loop, n, fn)
				args := []string{"-c", script}
				switch sh.name {
				case "bash":
					args = append([]string{"--norc", "--noprofile"}, args...)
				case "zsh":
					args = append([]string{"-f"}, args...)
				case "fish":
					args = append([]string{"--no-config"}, args...)
				}
				cmd := exec.Command(sh.name, args...)
				cmd.Env = []string{"PATH=" + standIn + ":/usr/bin:/bin", "HOME=" + b.home}
				start := time.Now()
				if out, err := cmd.CombinedOutput(); err != nil {
					return 0, fmt.Errorf("%s: %v: %s", sh.name, err, out)
				}
				ts = append(ts, time.Since(start))
			}
			sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
			return ts[len(ts)/2], nil
		}
		withHook, err := timeIt("__stscred_hook")
		if err != nil {
			return err
		}
		empty, err := timeIt("noop")
		if err != nil {
			return err
		}
		calls := 0
		if data, err := os.ReadFile(log); err == nil {
			calls = strings.Count(string(data), "\n")
		}
		if calls != 0 {
			return fmt.Errorf("%s: the hook started stscred %d times with fresh credentials", sh.name, calls)
		}
		per := (withHook - empty) / time.Duration(n)
		fmt.Printf("| %s | %.1f µs | %.1f ms | %d |\n", sh.name, float64(per)/1e3, float64(withHook-empty)/1e6, calls)
	}
	return nil
}

// instructionTable counts the instructions each scenario executes, under
// valgrind's cachegrind (user space, the process and its threads), median
// of 5 runs. Unlike wall time the count does not move with the machine's
// other load, so it compares revisions on a busy machine; it leaves out
// the kernel's share (exec, page faults, the keyring and file calls).
// Go's asynchronous preemption is off in these runs (valgrind cannot
// follow its signals); that changes the counts by very little.
func (b *bench) instructionTable(scenarios []scenario) error {
	if _, err := exec.LookPath("valgrind"); err != nil {
		return fmt.Errorf("-instructions needs valgrind (apt-get install valgrind)")
	}
	fmt.Println("\nInstructions per run (valgrind cachegrind, user space, median of 5 runs):")
	fmt.Println()
	fmt.Println("| scenario | instructions | ÷ floor |")
	fmt.Println("|---|---:|---:|")
	var floor int64
	for i, sc := range scenarios {
		bin, args := b.binary(i, sc)
		var counts []int64
		for range 5 {
			if sc.before != nil {
				sc.before()
			}
			cmd := exec.Command("valgrind", append([]string{"--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", bin}, args...)...)
			cmd.Env = append(append(append([]string(nil), b.env...), sc.env...), "GODEBUG=asyncpreemptoff=1")
			var errb bytes.Buffer
			cmd.Stderr = &errb
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("valgrind %s %v: %v\n%s", filepath.Base(bin), args, err, errb.String())
			}
			n, err := irefs(errb.String())
			if err != nil {
				return fmt.Errorf("valgrind %s %v: %v", filepath.Base(bin), args, err)
			}
			counts = append(counts, n)
		}
		slices.Sort(counts)
		median := counts[len(counts)/2]
		if i == 0 {
			floor = median
		}
		fmt.Printf("| %s | %s | %.2f× |\n", sc.name, thousands(median), float64(median)/float64(floor))
	}
	return nil
}

// irefs reads cachegrind's summary line "==PID== I refs: 14,286,280".
func irefs(report string) (int64, error) {
	for _, line := range strings.Split(report, "\n") {
		_, rest, ok := strings.Cut(line, "I   refs:")
		if !ok {
			continue
		}
		return strconv.ParseInt(strings.ReplaceAll(strings.TrimSpace(rest), ",", ""), 10, 64)
	}
	return 0, fmt.Errorf("no instruction count in its report:\n%s", report)
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// binary is what scenario i runs: the floor first, then stscred (or the
// -against revision's).
func (b *bench) binary(i int, sc scenario) (string, []string) {
	switch {
	case i == 0:
		return b.floor, []string{b.output}
	case sc.against:
		return b.against, sc.args
	}
	return b.stscred, sc.args
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

// bench is the world the scenarios run in.
type bench struct {
	dir, home, config, bigConfig string
	stscred, floor, output       string
	against                      string // stscred built from the -against revision
	srv                          *ststest.Server
	env                          []string
}

func setup(against string) (*bench, error) {
	dir, err := os.MkdirTemp("", "stscred-bench-")
	if err != nil {
		return nil, err
	}
	b := &bench{dir: dir, home: filepath.Join(dir, "home")}
	if err := os.MkdirAll(filepath.Join(b.home, ".aws"), 0o700); err != nil {
		return nil, err
	}
	b.stscred = filepath.Join(dir, "stscred")
	b.floor = filepath.Join(dir, "floor")
	for pkg, out := range map[string]string{"./cmd/stscred": b.stscred, "./internal/bench/floor": b.floor} {
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0") // as install.sh builds it
		if o, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go build %s: %v\n%s", pkg, err, o)
		}
	}
	if against != "" {
		b.against = filepath.Join(dir, "stscred-against")
		if err := buildAt(against, dir, b.against); err != nil {
			return nil, err
		}
	}
	b.srv = ststest.New(ststest.Options{})
	url := b.srv.Start()
	world := demo.Setup(b.srv, demo.Options{})
	key, dev := world.Key, world.MFA
	profiles := world.Config()
	b.config = filepath.Join(b.home, ".aws", "config")
	if err := os.WriteFile(b.config, []byte(profiles), 0o600); err != nil {
		return nil, err
	}
	// 1,000 profiles, the ones in use last: a scan cannot stop early.
	var big strings.Builder
	for i := 0; i < 997; i++ {
		fmt.Fprintf(&big, "[profile team-%04d]\nsource_profile = alice\nrole_arn = arn:aws:iam::222222222222:role/Team%04d\nregion = eu-west-1\nduration_seconds = 3600\n\n", i, i)
	}
	big.WriteString(profiles)
	b.bigConfig = filepath.Join(b.home, ".aws", "config-1000")
	if err := os.WriteFile(b.bigConfig, []byte(big.String()), 0o600); err != nil {
		return nil, err
	}
	b.env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + b.home, "TMPDIR=" + dir,
		"DBUS_SESSION_BUS_ADDRESS=" + os.Getenv("DBUS_SESSION_BUS_ADDRESS"),
		"AWS_CONFIG_FILE=" + b.config, "AWS_ENDPOINT_URL_STS=" + url,
		"STSCRED_KEYRING_SERVICE=stscred-bench-" + fmt.Sprint(os.Getpid()),
	}
	add := exec.Command(b.stscred, "add", "alice")
	add.Env = b.env
	add.Stdin = strings.NewReader(key.ID + "\n" + key.Secret + "\n")
	if o, err := add.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("stscred add: %v\n%s", err, o)
	}
	first := exec.Command(b.stscred, "role", "prod-admin")
	first.Env = append(b.env, "STSCRED_MFA_TOKEN="+b.srv.UnusedCode(dev.Serial))
	out, err := first.Output()
	if err != nil {
		return nil, fmt.Errorf("first stscred role: %v", err)
	}
	b.output = filepath.Join(dir, "credentials.json")
	if err := os.WriteFile(b.output, out, 0o600); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *bench) close() {
	b.srv.Close()
	os.RemoveAll(b.dir)
}

func (b *bench) stsCalls() int {
	return b.srv.Calls("GetSessionToken") + b.srv.Calls("AssumeRole")
}

// dropRoles removes cached role entries so the next call is a cold one.
func (b *bench) dropRoles() {
	files, _ := filepath.Glob(filepath.Join(b.home, ".cache", "stscred", "*.json"))
	for _, f := range files {
		if data, err := os.ReadFile(f); err == nil && bytes.Contains(data, []byte(`"kind":"role"`)) {
			os.Remove(f)
		}
	}
}

// once runs bin args once and returns its wall time. A check run
// captures stdout and verifies it is credential_process JSON; a timed run
// writes to /dev/null, as cheaply for the floor as for stscred.
func (b *bench) once(check bool, want string, before func(), bin string, args []string, extraEnv ...string) (time.Duration, error) {
	if want == "" {
		want = `{"Version":1,`
	}
	if before != nil {
		before()
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(append([]string(nil), b.env...), extraEnv...)
	var out bytes.Buffer
	if check {
		cmd.Stdout = &out
	} else {
		devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return 0, err
		}
		defer devnull.Close()
		cmd.Stdout = devnull
	}
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("%s %v: %v", filepath.Base(bin), args, err)
	}
	if check && !bytes.HasPrefix(out.Bytes(), []byte(want)) {
		return 0, fmt.Errorf("%s %v printed %q", filepath.Base(bin), args, out.String())
	}
	return d, nil
}

// peakRSS runs bin args under GNU time three times and returns the largest
// maximum resident set size, in KiB. Go starts children with vfork, and
// Linux folds the parent's own high-water mark into such a child's
// ru_maxrss at exec; time(1) forks, from a parent of about 1 MiB.
func (b *bench) peakRSS(before func(), bin string, args []string, extraEnv ...string) (int64, error) {
	var peak int64
	for i := 0; i < 3; i++ {
		if before != nil {
			before()
		}
		cmd := exec.Command("/usr/bin/time", append([]string{"-f", "%M", bin}, args...)...)
		cmd.Env = append(append([]string(nil), b.env...), extraEnv...)
		var errb bytes.Buffer
		cmd.Stderr = &errb
		if err := cmd.Run(); err != nil {
			return 0, fmt.Errorf("/usr/bin/time %s: %v: %s", filepath.Base(bin), err, errb.String())
		}
		lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
		kb, err := strconv.ParseInt(lines[len(lines)-1], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("reading /usr/bin/time output %q: %v", errb.String(), err)
		}
		peak = max(peak, kb)
	}
	return peak, nil
}

// buildAt builds stscred as install.sh does from git revision rev of the
// checkout the benchmark runs in, into out (the tree is exported into a
// temporary directory under dir).
func buildAt(rev, dir, out string) error {
	src := filepath.Join(dir, "src-"+strings.NewReplacer("/", "-", ".", "-").Replace(rev))
	if err := os.MkdirAll(src, 0o755); err != nil {
		return err
	}
	archive := exec.Command("sh", "-c", `git archive --format=tar "$1" | tar -x -C "$2"`, "sh", rev, src)
	if o, err := archive.CombinedOutput(); err != nil {
		return fmt.Errorf("git archive %s: %v\n%s", rev, err, o)
	}
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, "./cmd/stscred")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if o, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build at %s: %v\n%s", rev, err, o)
	}
	return nil
}
