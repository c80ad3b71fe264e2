#!/bin/sh
# release.sh: build stscred's release from this checkout.
#
#   ./release.sh [--base-url URL] [OUTDIR]
#
# HEAD must be at a release tag (vX.Y.Z) and the checkout clean. Writes
# into OUTDIR (default dist/, absent or empty): the archives for linux,
# darwin and windows on amd64 and arm64, the .deb and .rpm packages, a
# CycloneDX SBOM per binary, the Homebrew formula and the Scoop manifest
# (their URLs under --base-url, default the tag's GitHub release), and
# SHA256SUMS. Built twice from the same commit, anywhere, by anyone, with
# the same Go, it gives the same bytes (README, Install: checking a
# release). The program is internal/release (go doc ./internal/release).
set -eu
cd "$(dirname "$0")"
exec go run ./internal/release "$@"
