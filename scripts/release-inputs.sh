#!/usr/bin/env bash
# Files the release archives and packages take besides the binary, written
# into build/release/ (git-ignored); goreleaser runs this as a before hook.
#   completions/  bash, zsh, fish and powershell completion scripts, from the
#                 tool's own `completion` command (built here for this machine)
#   man/          docs/man/*.1 gzipped, as packages install man pages
# The directory is built aside and swapped in whole, so a page or a shell that
# is gone does not linger.
set -euo pipefail
cd "$(dirname "$0")/.."

out=build/release
tmp=$(mktemp -d build/release.tmp.XXXXXX 2>/dev/null || { mkdir -p build && mktemp -d build/release.tmp.XXXXXX; })
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/completions" "$tmp/man"

CGO_ENABLED=0 go build -o "$tmp/s3-credentials" ./cmd/s3-credentials
"$tmp/s3-credentials" completion bash >"$tmp/completions/s3-credentials.bash"
"$tmp/s3-credentials" completion zsh >"$tmp/completions/_s3-credentials"
"$tmp/s3-credentials" completion fish >"$tmp/completions/s3-credentials.fish"
"$tmp/s3-credentials" completion powershell >"$tmp/completions/s3-credentials.ps1"
rm "$tmp/s3-credentials"
for f in "$tmp"/completions/*; do
  [[ -s "$f" ]] || { echo "release-inputs.sh: $(basename "$f") came out empty" >&2; exit 1; }
done

shopt -s nullglob
pages=(docs/man/*.1)
if ((${#pages[@]} == 0)); then
  echo "release-inputs.sh: no man pages in docs/man: go test ./internal/cli -run TestCommandDocs -update" >&2
  exit 1
fi
for p in "${pages[@]}"; do
  # -n: no name or time in the gzip header, so the same page gives the same bytes.
  gzip -9 -n -c "$p" >"$tmp/man/$(basename "$p").gz"
done
chmod 0755 "$tmp"

rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
