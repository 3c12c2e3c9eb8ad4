#!/usr/bin/env bash
# Prove that the credentials `create` makes are really scoped: build SeaweedFS
# (cached after the first time), start it on 127.0.0.1, run the enforcement
# suite (real S3 calls signed with the new credentials), and stop it.
#
# usage: scripts/enforcement.sh [extra go test args]
# environment:
#   ENFORCEMENT_REPORT=FILE   also write the table of calls made and their results
#   SEAWEED_ENDPOINT + SEAWEED_ADMIN_JSON   use a server that is already running
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${SEAWEED_ENDPOINT:-}" ]]; then
  export WEED
  WEED=$(scripts/seaweedfs/build.sh)
  state=$(mktemp -d "${TMPDIR:-/tmp}/enforcement.XXXXXX")
  trap 'scripts/seaweedfs/stop.sh "$state/sw" --purge >/dev/null 2>&1 || true; rm -rf "$state"' EXIT
  SEAWEED_ENDPOINT=$(scripts/seaweedfs/start.sh "$state/sw")
  export SEAWEED_ENDPOINT SEAWEED_ADMIN_JSON="$state/sw/admin.json"
fi
go test -tags enforcement -count=1 "$@" ./test/enforcement/
