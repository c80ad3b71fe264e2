#!/bin/sh
# install.sh: build stscred from this checkout and install it.
#
#   ./install.sh                 build and install to ${PREFIX:-$HOME/.local}/bin
#   ./install.sh --uninstall     remove what install.sh installed
#
# It never touches stored keys or the AWS config.
set -eu

cd "$(dirname "$0")"
PREFIX=${PREFIX:-$HOME/.local}
BIN=$PREFIX/bin
MIN_GO=1.26

say() { printf 'install.sh: %s\n' "$*"; }
die() { printf 'install.sh: error: %s\n' "$1" >&2; shift; for h in "$@"; do printf 'install.sh: hint: %s\n' "$h" >&2; done; exit 1; }

uninstall=0
for arg in "$@"; do
	case $arg in
	--uninstall) uninstall=1 ;;
	-h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option $arg" "see: ./install.sh --help" ;;
	esac
done

if [ $uninstall = 1 ]; then
	if [ -e "$BIN/stscred" ]; then
		rm -f "$BIN/stscred"
		say "removed $BIN/stscred"
	else
		say "nothing to remove at $BIN/stscred"
	fi
	say "stored keys are untouched; delete them first with 'stscred remove NAME' if you want them gone"
	exit 0
fi

command -v go >/dev/null 2>&1 || die "Go is not installed (stscred is built from source with Go $MIN_GO or newer)" \
	"install Go from https://go.dev/dl/ or your package manager, then run ./install.sh again"
have=$(go env GOVERSION 2>/dev/null | sed 's/^go//')
major=${have%%.*}; rest=${have#*.}; minor=${rest%%[!0-9]*}
case $major$minor in *[!0-9]*|'') die "cannot tell the Go version from '$have'" "install Go $MIN_GO or newer" ;; esac
if [ "$major" -lt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -lt 26 ]; }; then
	die "Go $have is too old: stscred needs Go $MIN_GO or newer" "install a newer Go from https://go.dev/dl/"
fi

version=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
mkdir -p "$BIN"
tmp=$(mktemp "$BIN/.stscred.XXXXXX")
trap 'rm -f "$tmp"' EXIT
say "building stscred $version with Go $have"
# Static (CGO_ENABLED=0): stscred needs no C code, and a static binary
# starts about a millisecond faster than one that loads libc, which every
# credential_process call pays.
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$version" -o "$tmp" ./cmd/stscred
chmod 755 "$tmp"
mv -f "$tmp" "$BIN/stscred"
trap - EXIT
say "installed $BIN/stscred"
"$BIN/stscred" --version

case ":$PATH:" in
*":$BIN:"*) ;;
*) say "note: $BIN is not on your PATH; add it, e.g.: echo 'export PATH=\"$BIN:\$PATH\"' >> ~/.profile" ;;
esac
say "next: stscred add <your IAM user's profile>, then set credential_process = stscred role <role profile> (see README.md)"
