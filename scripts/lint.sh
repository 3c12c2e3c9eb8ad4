#!/usr/bin/env bash
# Run golangci-lint v2.15.0 with the project's .golangci.yml, installing it
# from the Go module proxy once into a cache directory (it is not a
# dependency of the project's go.mod: `go install module@version` builds it
# from its own module).
#
# usage: scripts/lint.sh [--installed] [golangci-lint run args]
#   --installed: only say whether it is installed (exit 1 if not)
# The first run pays for the build (about 3 minutes of CPU on a 2-core
# machine); later runs take about 30 seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

LINT=github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0
OUT=${XDG_CACHE_HOME:-$HOME/.cache}/golangci-lint-2.15.0
if [[ "${1:-}" == --installed ]]; then
  [[ -x "$OUT/golangci-lint" ]]
  exit
fi
if [[ ! -x "$OUT/golangci-lint" ]]; then
  command -v go >/dev/null || { echo "lint.sh: go is needed to install golangci-lint" >&2; exit 1; }
  command -v flock >/dev/null || { echo "lint.sh: flock (util-linux) is needed" >&2; exit 1; }
  mkdir -p "$OUT"
  exec 9>"$OUT/.install.lock"
  flock 9
  if [[ ! -x "$OUT/golangci-lint" ]]; then
    GOBIN="$OUT" go install "$LINT" || { echo "lint.sh: could not install $LINT" >&2; exit 1; }
  fi
fi
"$OUT/golangci-lint" run "$@" ./...
