#!/usr/bin/env bash
# test.sh: the whole test suite.
#
# The tests use real components: a Secret Service (gnome-keyring on a
# private D-Bus session), the AWS CLI v2 (/usr/bin/aws), boto3, real
# shells, and Wine for the Windows build (the build tag realworld). Missing Debian packages are installed
# when running as root; otherwise test.sh says which to install. Nothing is
# skipped.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
while read -r pkg; do
	case $pkg in ''|'#'*) continue ;; esac
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done < .ci/packages
if ((${#missing[@]})); then
	if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
		echo "test.sh: installing ${missing[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get update -q
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
	else
		echo "test.sh: error: the tests need these Debian packages: ${missing[*]}" >&2
		echo "test.sh: hint: sudo apt-get install -y ${missing[*]}" >&2
		exit 1
	fi
fi

# The JavaScript SDK v3, one of the real consumers the e2e tests run.
if [[ ! -d internal/e2e/jscaller/node_modules ]]; then
	if command -v npm >/dev/null; then
		echo "test.sh: installing the JavaScript SDK v3 for the e2e tests (npm ci)"
		npm ci --prefix internal/e2e/jscaller --no-audit --no-fund --loglevel=error
	else
		echo "test.sh: note: npm is not installed; the JavaScript SDK test will be skipped (fails in CI)" >&2
	fi
fi

# The real-component tests (internal/e2e, and the real AWS CLI and boto3
# against the test servers) carry the build tag realworld: plain
# `go test ./...` is the fast unit and in-process suite, this script runs
# both. Vet both builds, so the fast suite compiles on its own too.
echo "== go vet (linux, and the tests too for darwin and windows; with and without -tags realworld)"
for goos in linux darwin windows; do
	GOOS=$goos go vet ./...
	GOOS=$goos go vet -tags realworld ./...
done
echo "== cross-compile (CGO_ENABLED=0) for darwin and windows"
for target in darwin/amd64 darwin/arm64 windows/amd64; do
	CGO_ENABLED=0 GOOS=${target%/*} GOARCH=${target#*/} go build -o /dev/null ./cmd/stscred
done
echo "== go test (everything: the unit and in-process tests and, with -tags realworld, the real components)"
# The release's proof builds the whole release twice, and the Wine step
# runs the Windows build: each runs on its own, below, not beside the
# other packages' tests.
go test -tags realworld -count=1 -race -timeout 60m -skip '^TestReleaseProof$' $(go list ./... | grep -v '/internal/e2e/wine$')
# The release (./release.sh) built twice, as root and as another user,
# and compared byte for byte; the packages checked with lintian and rpm
# and installed in a Debian chroot; the SBOMs, formula and manifest
# checked against the binaries and SHA256SUMS (README, Development).
echo "== release: reproducible, packages, SBOMs, formula and manifest (TestReleaseProof)"
go test -tags realworld -count=1 -timeout 45m -run '^TestReleaseProof$' -v ./internal/release/
# The Windows build, run for real under Wine (wine64, with mingw-w64 for
# the one DLL Wine 8 lacks): every package's Windows test binary, and
# stscred.exe's end-to-end walk-through. In CI a missing Wine fails this
# step (internal/e2e/wine's TestMain), it is never skipped.
echo "== Windows under Wine (internal/e2e/wine)"
wine_start=$SECONDS
go test -tags realworld -count=1 -timeout 40m ./internal/e2e/wine/
echo "test.sh: the Wine step took $((SECONDS - wine_start))s"
# Every fuzz target (func FuzzX(f *testing.F)), found by go test -list so
# a new one runs without an edit here, for a short fixed time each (go test
# takes one -fuzz target at a time). Their seed corpora already ran above
# as plain tests. A failure writes the input to the package's
# testdata/fuzz/FuzzX/: commit it with the fix (README, Development).
fuzztime=${FUZZTIME:-10s}
echo "== fuzz: each target for $fuzztime"
targets=$(go test -list '^Fuzz' ./... | awk '/^Fuzz/ {names = names " " $1} /^(ok|FAIL)/ {if (names != "") print $2 names; names = ""}')
if [[ -z $targets ]]; then
	echo "test.sh: error: go test -list found no fuzz targets" >&2
	exit 1
fi
while read -r pkg names; do
	for name in $names; do
		echo "-- $name ($pkg)"
		go test -run '^$' -fuzz "^$name\$" -fuzztime "$fuzztime" "$pkg" </dev/null | sed '/^fuzz: elapsed/d'
	done
done <<<"$targets"
echo "== benchmark, short mode (prints figures, asserts nothing about time)"
go run ./internal/bench -short
