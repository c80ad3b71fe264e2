// Command bench measures stscred as callers meet it: whole processes, each
// scenario against the floor (a Go binary that only prints a file) measured
// in the same run.
//
//	go run ./bench            # 100 runs per scenario
//	go run ./bench -short     # 5 runs: proves the benchmark works (CI)
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
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/stscred/stscred/internal/testenv"
	"github.com/stscred/stscred/ststest"
)

func main() {
	os.Exit(testenv.WithSecretService(run))
}

type scenario struct {
	name   string
	args   []string
	before func() // runs before each timed run, untimed
	env    []string
}

type stats struct {
	median, p95 time.Duration
	maxRSSKB    int64
}

func run() int {
	short := flag.Bool("short", false, "few runs, to check the benchmark works")
	runs := flag.Int("runs", 100, "runs per scenario")
	flag.Parse()
	if *short {
		*runs = 5
	}
	b, err := setup()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	defer b.close()

	scenarios := []scenario{
		{name: "floor (Go binary printing a file)"},
		{name: "`stscred role prod-admin`, cache hit", args: []string{"role", "prod-admin"}},
		{name: "`stscred session alice`, cache hit", args: []string{"session", "alice"}},
		{name: "`stscred role prod-admin`, cache hit, 1,000-profile config", args: []string{"role", "prod-admin"}, env: []string{"AWS_CONFIG_FILE=" + b.bigConfig}},
		{name: "`stscred role prod-admin`, cold (MFA session cached, role not)", args: []string{"role", "prod-admin"}, before: b.dropRoles},
	}
	hitsBefore := b.stsCalls()
	var floor time.Duration
	fmt.Printf("stscred benchmark: %d runs per scenario, %s\n\n", *runs, time.Now().UTC().Format("2006-01-02"))
	fmt.Println("| scenario | median | p95 | peak RSS | median ÷ floor |")
	fmt.Println("|---|---:|---:|---:|---:|")
	for i, sc := range scenarios {
		var st stats
		if i == 0 {
			st, err = b.measure(*runs, nil, b.floor, []string{b.output})
		} else {
			st, err = b.measure(*runs, sc.before, b.stscred, sc.args, sc.env...)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: %s: %v\n", sc.name, err)
			return 1
		}
		if i == 0 {
			floor = st.median
		}
		if i == 3 {
			// Hits end here: everything before the cold scenario must
			// have made no STS call.
			if n := b.stsCalls() - hitsBefore; n != 0 {
				fmt.Fprintf(os.Stderr, "bench: cache hits made %d STS calls\n", n)
				return 1
			}
		}
		fmt.Printf("| %s | %s | %s | %.1f MiB | %.2f× |\n", sc.name, ms(st.median), ms(st.p95), float64(st.maxRSSKB)/1024, float64(st.median)/float64(floor))
	}
	fi, err := os.Stat(b.stscred)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	fmt.Printf("\nSTS calls during the cache-hit scenarios: 0. stscred binary: %.1f MiB (built as install.sh builds it).\n", float64(fi.Size())/(1<<20))
	return 0
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

// bench is the world the scenarios run in.
type bench struct {
	dir, home, config, bigConfig string
	stscred, floor, output       string
	srv                          *ststest.Server
	env                          []string
}

func setup() (*bench, error) {
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
	for pkg, out := range map[string]string{"./cmd/stscred": b.stscred, "./bench/floor": b.floor} {
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
		if o, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go build %s: %v\n%s", pkg, err, o)
		}
	}
	b.srv = ststest.New(ststest.Options{})
	url := b.srv.Start()
	alice := b.srv.AddUser("111111111111", "alice")
	key := alice.AddAccessKey()
	dev := alice.AddMFADevice("alice")
	b.srv.AddRole(ststest.Role{ARN: "arn:aws:iam::222222222222:role/Admin", RequireMFA: true, MaxSessionDuration: 12 * time.Hour})

	profiles := fmt.Sprintf("[profile alice]\nregion = eu-west-1\nmfa_serial = %s\n\n[profile prod-admin]\nsource_profile = alice\nrole_arn = arn:aws:iam::222222222222:role/Admin\n\n[profile prod]\ncredential_process = stscred role prod-admin\nregion = eu-west-1\n", dev.Serial)
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

// measure runs bin args n times (after two warm-up runs) and returns the
// median and 95th percentile wall time and the peak resident set size.
func (b *bench) measure(n int, before func(), bin string, args []string, extraEnv ...string) (stats, error) {
	var times []time.Duration
	var st stats
	for i := -2; i < n; i++ {
		if before != nil {
			before()
		}
		cmd := exec.Command(bin, args...)
		cmd.Env = append(append([]string(nil), b.env...), extraEnv...)
		var out bytes.Buffer
		cmd.Stdout = &out
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return st, fmt.Errorf("%s %v: %v", filepath.Base(bin), args, err)
		}
		d := time.Since(start)
		if !bytes.HasPrefix(out.Bytes(), []byte(`{"Version":1,`)) {
			return st, fmt.Errorf("%s %v printed %q", filepath.Base(bin), args, out.String())
		}
		if i < 0 {
			continue
		}
		times = append(times, d)
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	st.median = times[len(times)/2]
	st.p95 = times[(len(times)*95+99)/100-1]
	// Peak RSS through GNU time, in separate untimed runs: Go starts
	// children with vfork, and Linux folds the parent's own high-water mark
	// into such a child's ru_maxrss at exec; time(1) forks, from a parent
	// of about 1 MiB.
	for i := 0; i < 3; i++ {
		if before != nil {
			before()
		}
		cmd := exec.Command("/usr/bin/time", append([]string{"-f", "%M", bin}, args...)...)
		cmd.Env = append(append([]string(nil), b.env...), extraEnv...)
		var errb bytes.Buffer
		cmd.Stderr = &errb
		if err := cmd.Run(); err != nil {
			return st, fmt.Errorf("/usr/bin/time %s: %v: %s", filepath.Base(bin), err, errb.String())
		}
		lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
		kb, err := strconv.ParseInt(lines[len(lines)-1], 10, 64)
		if err != nil {
			return st, fmt.Errorf("reading /usr/bin/time output %q: %v", errb.String(), err)
		}
		st.maxRSSKB = max(st.maxRSSKB, kb)
	}
	return st, nil
}
