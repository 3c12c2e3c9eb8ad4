#!/usr/bin/env bash
# Build a snapshot release locally, as .goreleaser.yaml describes it: the
# binaries for linux, darwin and windows on amd64 and arm64, their archives,
# checksums.txt, and the .deb and .rpm packages, into dist/ (git-ignored);
# then check what it built with the release tests (test/release).
# Nothing is published.
#
# usage: scripts/release-snapshot.sh [--config FILE]
#   --config FILE  build from another goreleaser configuration and skip the
#                  check (the release tests use it for a linux/amd64 build)
#
# goreleaser v2.15.1 is installed once into a cache directory by
# scripts/goreleaser.sh (a few minutes the first time).
set -euo pipefail

config=
check=true
while (($#)); do
  case "$1" in
    --config)
      [[ $# -ge 2 ]] || { echo "release-snapshot.sh: --config needs a file" >&2; exit 2; }
      config=$(realpath -- "$2"); check=false; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "release-snapshot.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
config=${config:-.goreleaser.yaml}

need() { command -v "$1" >/dev/null 2>&1 || { echo "release-snapshot.sh: $1 is required: $2" >&2; exit 1; }; }
need go "install Go 1.26 or newer"
need git "goreleaser reads the commit and tags with git"
need gzip "the man pages are gzipped for the packages"
need flock "scripts/goreleaser.sh takes a lock while it installs (util-linux)"
[[ -f "$config" ]] || { echo "release-snapshot.sh: no configuration file $config" >&2; exit 1; }
git rev-parse --verify -q HEAD >/dev/null || { echo "release-snapshot.sh: not in a git repository with a commit" >&2; exit 1; }

goreleaser=$(bash scripts/goreleaser.sh) || { echo "release-snapshot.sh: goreleaser is not available" >&2; exit 1; }

# goreleaser asks git for the remote's URL, and in a snapshot it quietly
# forgets the commit (and names it "none") when there is no remote; give a
# clone without one the project's URL, for this command only.
if [[ -z "$(git remote)" ]]; then
  n=${GIT_CONFIG_COUNT:-0}
  export "GIT_CONFIG_KEY_$n=remote.origin.url"
  export "GIT_CONFIG_VALUE_$n=https://github.com/s3-credentials/s3-credentials"
  export GIT_CONFIG_COUNT=$((n + 1))
fi

start=$SECONDS
"$goreleaser" release --snapshot --clean --config "$config" ||
  { echo "release-snapshot.sh: goreleaser failed (its messages are above)" >&2; exit 1; }
echo "release-snapshot.sh: built in $((SECONDS - start)) s" >&2

if $check; then
  # The checks need the archives' paths; goreleaser records them relative to here.
  S3C_RELEASE_DIST="$PWD/dist" go test -count=1 ./test/release
  echo "release-snapshot.sh: dist/ checked" >&2
fi
