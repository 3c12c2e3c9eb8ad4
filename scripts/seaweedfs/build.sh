#!/usr/bin/env bash
# Build SeaweedFS 4.53's server binary (weed), the policy-enforcing IAM + STS + S3
# server the enforcement suite runs against.
#
# usage: scripts/seaweedfs/build.sh [OUT_DIR]
#   OUT_DIR defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/seaweedfs-4.53
# Prints the path of the binary on stdout. A binary already in OUT_DIR is reused,
# so only the first run pays for the build (about 11 minutes and 4 GB of Go
# module cache on a 2-core machine; the binary is about 230 MB).
set -euo pipefail

# SeaweedFS publishes no semver tags for Go; 4.53 is this pseudo-version.
SEAWEED_VERSION=v0.0.0-20261109003541-7506e5f91cd6
OUT=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/seaweedfs-4.53}

if [[ -x "$OUT/weed" ]]; then
  echo "$OUT/weed"
  exit 0
fi
command -v go >/dev/null || { echo "build.sh: go is needed to build weed" >&2; exit 1; }

# Two builds into the same directory would trample each other.
mkdir -p "$OUT"
exec 9>"$OUT/.build.lock"
if ! flock -n 9; then
  echo "build.sh: another build into $OUT is running; waiting for it" >&2
  flock 9
  [[ -x "$OUT/weed" ]] && { echo "$OUT/weed"; exit 0; }
fi

SRC="$OUT/src"
mkdir -p "$SRC"
# `go install module@version` refuses a module whose go.mod has replace
# directives, so build through a small wrapper module that repeats the one
# replace SeaweedFS needs.
cat > "$SRC/go.mod" <<MOD
module seaweedfs-build

go 1.26.6

require github.com/seaweedfs/seaweedfs $SEAWEED_VERSION

replace github.com/tyler-smith/go-bip39 => github.com/cosmos/go-bip39 v1.0.0
MOD
cat > "$SRC/deps.go" <<'GO'
//go:build tools

package deps

import _ "github.com/seaweedfs/seaweedfs/weed"
GO
cd "$SRC"
echo "build.sh: building weed $SEAWEED_VERSION into $OUT (slow the first time)" >&2
go mod tidy >&2
go build -o "$OUT/weed.tmp" github.com/seaweedfs/seaweedfs/weed >&2
mv "$OUT/weed.tmp" "$OUT/weed"
echo "$OUT/weed"
