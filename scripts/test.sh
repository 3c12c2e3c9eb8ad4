#!/usr/bin/env bash
# The full test suite: formatting, vet, every Go test (unit, golden-file and
# end-to-end against a moto server the tests start themselves), then the
# enforcement suite against SeaweedFS (scripts/enforcement.sh: builds weed
# once into a cache directory, about 11 minutes the first time). Where python3
# lacks the Python tools the tests need, scripts/pyenv.sh installs them into
# .venv first (about a minute, once).
# usage: scripts/test.sh [extra go test args]
# S3C_SKIP_ENFORCEMENT=1 leaves the enforcement suite out (not allowed under CI).
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1 || { echo "test.sh: $1 is required: $2" >&2; exit 1; }; }
need go "install Go 1.26 or newer"
need curl "the localserver credential_process test uses curl"
# moto's server, boto3 and the aws CLI: from the python3 on PATH if it has
# them, else from a virtual environment made (once) with pinned versions.
source scripts/pyenv.sh

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [[ -n "$unformatted" ]]; then
  echo "test.sh: gofmt would change:" >&2; echo "$unformatted" >&2; exit 1
fi
go vet ./...
# The release tests (test/release) build a linux/amd64 snapshot with
# goreleaser, installed once into a cache directory (minutes the first time).
bash scripts/goreleaser.sh >/dev/null
# CI=true makes tests fail, not skip, when a server they need is missing.
go test -race -count=1 -timeout 30m "$@" ./...

if [[ "${S3C_SKIP_ENFORCEMENT:-}" == 1 ]]; then
  if [[ "${CI:-}" == true ]]; then
    echo "test.sh: S3C_SKIP_ENFORCEMENT is not allowed under CI" >&2; exit 1
  fi
  echo "test.sh: enforcement suite skipped (S3C_SKIP_ENFORCEMENT=1)" >&2
  exit 0
fi
bash scripts/enforcement.sh
