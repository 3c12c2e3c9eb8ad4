#!/usr/bin/env bash
# Install goreleaser v2.15.1 from the Go module proxy once into a cache
# directory, and print the path of its binary on stdout. It is not a
# dependency of the project's go.mod: `go install module@version` builds it
# from its own module.
#
# usage: scripts/goreleaser.sh [--installed] [OUT_DIR]
#   OUT_DIR defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/goreleaser-v2.15.1
#   --installed: only print the path if it is installed already; exit 1 if not
# The first run pays for the build (8 minutes of CPU on a 2-core machine, a
# 120 MB binary); later runs reuse the binary.
set -euo pipefail

GORELEASER=github.com/goreleaser/goreleaser/v2@v2.15.1
installed_only=false
if [[ "${1:-}" == --installed ]]; then installed_only=true; shift; fi
OUT=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/goreleaser-v2.15.1}

if [[ -x "$OUT/goreleaser" ]]; then
  echo "$OUT/goreleaser"
  exit 0
fi
if $installed_only; then
  echo "goreleaser.sh: goreleaser is not installed in $OUT" >&2
  exit 1
fi
command -v go >/dev/null || { echo "goreleaser.sh: go is needed to install goreleaser" >&2; exit 1; }
command -v flock >/dev/null || { echo "goreleaser.sh: flock (util-linux) is needed" >&2; exit 1; }

# Two installs into the same directory would trample each other.
mkdir -p "$OUT"
exec 9>"$OUT/.install.lock"
if ! flock -n 9; then
  echo "goreleaser.sh: another install into $OUT is running; waiting for it" >&2
  flock 9
  [[ -x "$OUT/goreleaser" ]] && { echo "$OUT/goreleaser"; exit 0; }
fi

echo "goreleaser.sh: installing $GORELEASER into $OUT (slow the first time)" >&2
rm -rf "$OUT/bin"
# Outside this module, so its go.mod and GOFLAGS play no part.
if ! (cd "$OUT" && GOFLAGS= GOBIN="$OUT/bin" go install "$GORELEASER") >&2; then
  echo "goreleaser.sh: could not install $GORELEASER (is the Go module proxy reachable?)" >&2
  exit 1
fi
mv "$OUT/bin/goreleaser" "$OUT/goreleaser"
rmdir "$OUT/bin"
echo "$OUT/goreleaser"
