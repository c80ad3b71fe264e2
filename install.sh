#!/bin/sh
# install.sh: build stscred from this checkout and install it.
#
#   ./install.sh                install stscred to ${PREFIX:-$HOME/.local}/bin,
#                               with completions for bash, zsh and fish
#   ./install.sh --shell-hook   also load the shell integration (stscred use,
#                               renewal before each prompt) from your shell's
#                               rc file, between marker comments
#   ./install.sh --uninstall    remove everything install.sh added, nothing else
#
# Running it again changes nothing more. It never touches stored keys, the
# session cache or the AWS config.

# What it knows of each shell (rc file, the block, where completions go)
# it asks the stscred it has just built: stscred shell-init --rc-file,
# --install-block, --completion-file and --path-line, and completion
# --shells. Only --uninstall works without it, from the install manifest
# and the marker lines, which every rc file install.sh ever edited has.
set -eu

cd "$(dirname "$0")"
PREFIX=${PREFIX:-$HOME/.local}
BIN=$PREFIX/bin
SHARE=$PREFIX/share
MANIFEST=$SHARE/stscred/install-manifest
BEGIN='# >>> stscred shell hook >>>'
END='# <<< stscred shell hook <<<'
MIN_GO=1.26

say() { printf 'install.sh: %s\n' "$*"; }
die() {
	printf 'install.sh: error: %s\n' "$1" >&2
	shift
	for h in "$@"; do printf 'install.sh: hint: %s\n' "$h" >&2; done
	exit 1
}

mode=install
hook=0
for arg in "$@"; do
	case $arg in
	--uninstall) mode=uninstall ;;
	--shell-hook) hook=1 ;;
	-h | --help)
		# The first comment paragraph of this file, and nothing else.
		awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
		exit 0
		;;
	*) die "unknown option $arg" "see: ./install.sh --help" ;;
	esac
done

# The user's shell; stscred knows its rc file (RC, set once built).
shell_name=$(basename "${SHELL:-sh}")
RC=

# manifest_add LINE: remember what was installed, once.
manifest_add() {
	make_dir "$(dirname "$MANIFEST")"
	touch "$MANIFEST"
	grep -qxF -- "$1" "$MANIFEST" || printf '%s\n' "$1" >>"$MANIFEST"
}

# make_dir DIR: mkdir -p, remembering each directory it creates so that
# --uninstall removes them again (when empty).
make_dir() {
	[ -d "$1" ] && return 0
	make_dir "$(dirname "$1")"
	[ -d "$1" ] && return 0 # recording the parent may have made it
	mkdir "$1"
	if [ "$1" = "$(dirname "$MANIFEST")" ]; then
		printf 'dir %s\n' "$1" >>"$MANIFEST"
	else
		manifest_add "dir $1"
	fi
}

# remove_block FILE: drop the marker block; prints the rest.
remove_block() {
	B=$BEGIN E=$END awk '$0 == ENVIRON["B"] { skip = 1; next } skip && $0 == ENVIRON["E"] { skip = 0; next } !skip' "$1"
}

install_hook() {
	[ -n "$RC" ] || die "--shell-hook: cannot tell your shell's rc file from SHELL=${SHELL:-}" \
		"'stscred shell-init --help' lists the shells and their rc files; add the line for yours there yourself"
	block=$("$BIN/stscred" shell-init --install-block "$shell_name" --bin "$BIN" --share "$SHARE") ||
		die "--shell-hook: stscred gave no rc-file block for $shell_name"
	# The block must be what --uninstall and doctor find.
	case $block in
	"$BEGIN"*"$END") ;;
	*) die "--shell-hook: the block from stscred shell-init is not between '$BEGIN' and '$END'" ;;
	esac
	if [ -f "$RC" ] && grep -qxF -- "$BEGIN" "$RC"; then
		if [ "$(B=$BEGIN E=$END awk '$0 == ENVIRON["B"] { on = 1 } on { print } on && $0 == ENVIRON["E"] { exit }' "$RC")" = "$block" ]; then
			say "shell hook already in $RC"
			return
		fi
		tmp=$(mktemp "$RC.XXXXXX")
		B=$BEGIN E=$END BLK=$block awk '
			$0 == ENVIRON["B"] { print ENVIRON["BLK"]; skip = 1; next }
			skip && $0 == ENVIRON["E"] { skip = 0; next }
			!skip' "$RC" >"$tmp"
		cat "$tmp" >"$RC" && rm -f "$tmp"
		say "updated the shell hook in $RC"
		return
	fi
	make_dir "$(dirname "$RC")"
	how=plain
	if [ ! -e "$RC" ]; then
		how=created
	elif [ -s "$RC" ] && [ "$(tail -c 1 "$RC" | od -An -c | tr -d ' ')" != '\n' ]; then
		printf '\n' >>"$RC" # the file did not end its last line
		how=newline
	fi
	printf '%s\n' "$block" >>"$RC"
	manifest_add "rc $how $RC"
	say "added the shell hook to $RC (between '$BEGIN' and '$END')"
}

uninstall() {
	if [ ! -f "$MANIFEST" ]; then
		say "no install manifest at $MANIFEST: nothing to remove for PREFIX=$PREFIX"
		exit 0
	fi
	manifest=$(cat "$MANIFEST")
	rm -f "$MANIFEST"
	printf '%s\n' "$manifest" | while IFS= read -r line; do
		case $line in
		"rc "*)
			rest=${line#rc }
			how=${rest%% *}
			rc=${rest#* }
			[ -f "$rc" ] || continue
			tmp=$(mktemp "$rc.XXXXXX")
			remove_block "$rc" >"$tmp"
			if [ "$how" = newline ]; then
				# Give back the file without the line end added for the block.
				awk 'NR > 1 { printf "\n" } { printf "%s", $0 }' "$tmp" >"$tmp.2" && mv "$tmp.2" "$tmp"
			fi
			if [ "$how" = created ] && [ ! -s "$tmp" ]; then
				rm -f "$rc" "$tmp"
				say "removed $rc (install.sh had created it)"
			else
				cat "$tmp" >"$rc" && rm -f "$tmp"
				say "removed the shell hook from $rc"
			fi
			;;
		"file "*)
			f=${line#file }
			if [ -e "$f" ]; then
				rm -f "$f"
				say "removed $f"
			fi
			;;
		esac
	done
	# Then the directories install.sh created, deepest first, when empty.
	printf '%s\n' "$manifest" | sed -n 's/^dir //p' | awk '{ print length($0) " " $0 }' | sort -rn | cut -d' ' -f2- |
		while IFS= read -r d; do rmdir "$d" 2>/dev/null || true; done
	say "stored keys and cached sessions are untouched; delete keys first with 'stscred remove NAME' if you want them gone"
}

if [ $mode = uninstall ]; then
	uninstall
	exit 0
fi

command -v go >/dev/null 2>&1 || die "Go is not installed (stscred is built from source with Go $MIN_GO or newer)" \
	"install Go from https://go.dev/dl/ or your package manager, then run ./install.sh again"
have=$(go env GOVERSION 2>/dev/null | sed 's/^go//')
major=${have%%.*}
rest=${have#*.}
minor=${rest%%[!0-9]*}
case $major$minor in *[!0-9]* | '') die "cannot tell the Go version from '$have'" "install Go $MIN_GO or newer" ;; esac
if [ "$major" -lt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -lt 26 ]; }; then
	die "Go $have is too old: stscred needs Go $MIN_GO or newer" "install a newer Go from https://go.dev/dl/"
fi

version=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
make_dir "$BIN"
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
manifest_add "file $BIN/stscred"
say "installed $BIN/stscred"

shells=
for sh in $("$BIN/stscred" completion --shells); do
	dest=$("$BIN/stscred" shell-init --completion-file "$sh" --share "$SHARE")
	make_dir "$(dirname "$dest")"
	"$BIN/stscred" completion "$sh" >"$dest.tmp"
	mv -f "$dest.tmp" "$dest"
	manifest_add "file $dest"
	shells="${shells:+$shells, }$sh"
done
say "installed completions for $shells under $SHARE"

RC=$("$BIN/stscred" shell-init --rc-file "$shell_name" 2>/dev/null) || RC=
[ $hook = 1 ] && install_hook

"$BIN/stscred" --version

if [ $hook = 1 ]; then
	# The block puts $BIN on PATH too, in every new shell.
	say "open a new shell to use stscred and its shell hook (this one has not read $RC)"
else
	case ":$PATH:" in
	*":$BIN:"*) ;;
	*)
		if [ -n "$RC" ] && line=$("$BIN/stscred" shell-init --path-line "$shell_name" --bin "$BIN"); then
			say "note: $BIN is not on your PATH; add this line to $RC (or run ./install.sh --shell-hook, which does), then open a new shell:"
			printf '  %s\n' "$line"
		else
			say "note: $BIN is not on your PATH; add it where your shell sets PATH ('stscred shell-init --help' lists the shells install.sh knows)"
		fi
		;;
	esac
	say "shell integration (stscred use, renewal before each prompt): ./install.sh --shell-hook, or see 'stscred shell-init --help'"
fi
say "next: stscred add <your IAM user's profile>, then set credential_process = stscred role <role profile> (see README.md)"
say "to remove: PREFIX=$PREFIX ./install.sh --uninstall"
