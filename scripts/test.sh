#!/usr/bin/env bash
# The full test suite: formatting, vet, and every Go test (unit, golden-file
# and end-to-end against a moto server the tests start themselves).
# usage: scripts/test.sh [extra go test args]
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1 || { echo "test.sh: $1 is required: $2" >&2; exit 1; }; }
need go "install Go 1.26 or newer"
need python3 "moto runs on python3"
python3 -c 'import moto.server, flask' 2>/dev/null || {
  echo "test.sh: the python module moto (with its server) is required: pip install 'moto[server]'" >&2; exit 1; }

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [[ -n "$unformatted" ]]; then
  echo "test.sh: gofmt would change:" >&2; echo "$unformatted" >&2; exit 1
fi
go vet ./...
# CI=true makes tests fail, not skip, when a server they need is missing.
go test -race -count=1 "$@" ./...
