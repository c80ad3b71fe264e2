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
		sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*) die "unknown option $arg" "see: ./install.sh --help" ;;
	esac
done

# The rc file of the user's shell, and the shell's name.
shell_name=$(basename "${SHELL:-sh}")
case $shell_name in
bash) RC=$HOME/.bashrc ;;
zsh) RC=${ZDOTDIR:-$HOME}/.zshrc ;;
fish) RC=${XDG_CONFIG_HOME:-$HOME/.config}/fish/config.fish ;;
*) RC= ;;
esac

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

# hook_block SHELL: the lines install.sh puts in the rc file.
hook_block() {
	bin_q="'$BIN'"
	case $1 in
	fish)
		printf '%s\n' "$BEGIN"
		printf 'contains -- %s $PATH; or set -gx PATH %s $PATH\n' "$bin_q" "$bin_q"
		printf 'stscred shell-init fish | source\n'
		printf "test -r '%s'; and source '%s'\n" "$SHARE/fish/vendor_completions.d/stscred.fish" "$SHARE/fish/vendor_completions.d/stscred.fish"
		printf '%s\n' "$END"
		;;
	*)
		comp=$SHARE/bash-completion/completions/stscred
		[ "$1" = zsh ] && comp=$SHARE/zsh/site-functions/_stscred
		printf '%s\n' "$BEGIN"
		printf 'case ":$PATH:" in *:%s:*) ;; *) export PATH=%s:"$PATH" ;; esac\n' "$bin_q" "$bin_q"
		printf 'eval "$(stscred shell-init %s)"\n' "$1"
		printf "[ -r '%s' ] && . '%s'\n" "$comp" "$comp"
		printf '%s\n' "$END"
		;;
	esac
}

# remove_block FILE: drop the marker block; prints the rest.
remove_block() {
	B=$BEGIN E=$END awk '$0 == ENVIRON["B"] { skip = 1; next } skip && $0 == ENVIRON["E"] { skip = 0; next } !skip' "$1"
}

install_hook() {
	[ -n "$RC" ] || die "--shell-hook: cannot tell your shell from SHELL=${SHELL:-}" \
		"supported: bash, zsh, fish; or add the line from 'stscred shell-init --help' yourself"
	block=$(hook_block "$shell_name")
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

for sh in bash zsh fish; do
	case $sh in
	bash) dest=$SHARE/bash-completion/completions/stscred ;;
	zsh) dest=$SHARE/zsh/site-functions/_stscred ;;
	fish) dest=$SHARE/fish/vendor_completions.d/stscred.fish ;;
	esac
	make_dir "$(dirname "$dest")"
	"$BIN/stscred" completion "$sh" >"$dest.tmp"
	mv -f "$dest.tmp" "$dest"
	manifest_add "file $dest"
done
say "installed completions for bash, zsh and fish under $SHARE"

[ $hook = 1 ] && install_hook

"$BIN/stscred" --version

case ":$PATH:" in
*":$BIN:"*) ;;
*) say "note: $BIN is not on your PATH; add it (--shell-hook does), e.g.: echo 'export PATH=\"$BIN:\$PATH\"' >> ~/.profile" ;;
esac
if [ $hook = 0 ]; then
	say "shell integration (stscred use, renewal before each prompt): ./install.sh --shell-hook, or see 'stscred shell-init --help'"
fi
say "next: stscred add <your IAM user's profile>, then set credential_process = stscred role <role profile> (see README.md)"
say "to remove: PREFIX=$PREFIX ./install.sh --uninstall"
