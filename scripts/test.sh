#!/usr/bin/env bash
# The full test suite, fast checks first: formatting, vet, go mod tidy and
# golangci-lint (scripts/lint.sh, installed once into a cache directory), a build of the
# binary for every release target in .goreleaser.yaml, every Go test (unit,
# golden-file and end-to-end against a moto server the tests start
# themselves), the release build's tests (goreleaser, installed once into a
# cache directory), then the enforcement suite against SeaweedFS
# (scripts/enforcement.sh: builds weed once into a cache directory). Where
# python3 lacks the Python tools the tests need, scripts/pyenv.sh installs
# them into .venv first (about a minute, once). Each step says what it does,
# how long it usually takes, and how long it took.
# usage: scripts/test.sh [extra go test args]
# S3C_SKIP_ENFORCEMENT=1 leaves the enforcement suite out (not allowed under CI).
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1 || { echo "test.sh: $1 is required: $2" >&2; exit 1; }; }
need go "install Go 1.26 or newer"
need curl "the localserver credential_process test uses curl"

# step names what comes next and how long it usually takes; the line of
# the step before it says how long that one took.
step_name="" step_start=$SECONDS
step() {
  if [[ -n "$step_name" ]]; then
    echo "test.sh: ... $step_name took $((SECONDS - step_start)) s" >&2
  fi
  step_name=$1 step_start=$SECONDS
  [[ -n "$1" ]] && echo "test.sh: $1 (${2})" >&2
  return 0
}

# moto's server, boto3 and the aws CLI: from the python3 on PATH if it has
# them, else from a virtual environment made (once) with pinned versions.
step "Python tools (moto, boto3, aws CLI)" "seconds; about a minute the first time, when .venv is made"
source scripts/pyenv.sh

step "gofmt and go vet" "under a minute"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [[ -n "$unformatted" ]]; then
  echo "test.sh: gofmt would change:" >&2; echo "$unformatted" >&2; exit 1
fi
go vet ./...

step "go mod tidy check" "seconds"
if ! go mod tidy -diff >/dev/null; then
  echo "test.sh: go.mod or go.sum is not tidy; run go mod tidy:" >&2
  go mod tidy -diff >&2 || true
  exit 1
fi

if bash scripts/lint.sh --installed; then
  step "golangci-lint (.golangci.yml)" "about 30 s, a minute or two when Go's build cache is cold"
else
  step "installing golangci-lint v2.15.0 into the cache, then linting" "once: about 3 minutes of CPU on 2 cores, then about 30 s"
fi
bash scripts/lint.sh

# Every os/arch pair .goreleaser.yaml releases, so that a target that does
# not compile (a Unix-only call in main) fails here, not in a release.
goos=$(sed -n 's/^ *goos: *\[\(.*\)\] *$/\1/p' .goreleaser.yaml | head -1 | tr -d ' ' | tr ',' ' ')
goarch=$(sed -n 's/^ *goarch: *\[\(.*\)\] *$/\1/p' .goreleaser.yaml | head -1 | tr -d ' ' | tr ',' ' ')
if [[ -z "$goos" || -z "$goarch" ]]; then
  echo "test.sh: could not read goos and goarch from .goreleaser.yaml" >&2; exit 1
fi
step "building the binary for every release target ($goos x $goarch)" "about 20 s once Go's build cache has them, a minute or two per target the first time"
for os in $goos; do
  for arch in $goarch; do
    if ! CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -o /dev/null ./cmd/s3-credentials; then
      echo "test.sh: the release target $os/$arch does not build" >&2; exit 1
    fi
  done
done

# CI=true makes tests fail, not skip, when a server they need is missing.
step "Go tests with the race detector (all but the release build's)" "5 to 10 minutes on 2 cores"
packages=$(go list ./... | grep -v '/test/release$')
# shellcheck disable=SC2086
go test -race -count=1 -timeout 30m "$@" $packages

# The release tests (test/release) build a linux/amd64 snapshot with
# goreleaser, installed once into a cache directory.
if goreleaser=$(bash scripts/goreleaser.sh --installed 2>/dev/null); then
  step "the release build's tests, with $goreleaser" "about a minute"
else
  step "installing goreleaser v2.15.1 into the cache, then the release build's tests" "once: about 8 minutes of CPU on 2 cores, then about a minute"
  bash scripts/goreleaser.sh >/dev/null
fi
go test -race -count=1 -timeout 30m "$@" ./test/release

if [[ "${S3C_SKIP_ENFORCEMENT:-}" == 1 ]]; then
  step "" ""
  if [[ "${CI:-}" == true ]]; then
    echo "test.sh: S3C_SKIP_ENFORCEMENT is not allowed under CI" >&2; exit 1
  fi
  echo "test.sh: enforcement suite skipped (S3C_SKIP_ENFORCEMENT=1)" >&2
  exit 0
fi
if [[ -x "${XDG_CACHE_HOME:-$HOME/.cache}/seaweedfs-4.53/weed" ]]; then
  step "the enforcement suite against SeaweedFS" "about a minute"
else
  step "building SeaweedFS 4.53 into the cache, then the enforcement suite" "once: about 11 minutes and 4 GB of Go module cache, then about a minute"
fi
bash scripts/enforcement.sh
step "" ""
