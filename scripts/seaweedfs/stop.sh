#!/usr/bin/env bash
# Stop the weed server that start.sh started in STATE_DIR, and nothing else.
#
# usage: scripts/seaweedfs/stop.sh STATE_DIR [--purge]
# SIGTERM to the PID in STATE_DIR/weed.pid (only when that process really is
# the weed serving STATE_DIR), SIGKILL after 20 s. --purge deletes STATE_DIR.
set -euo pipefail
STATE_DIR=${1:?usage: stop.sh STATE_DIR [--purge]}
PIDFILE="$STATE_DIR/weed.pid"

ours() { # is $1 alive and the weed of this state directory?
  kill -0 "$1" 2>/dev/null && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "-dir=$STATE_DIR/data"
}

if [[ -f "$PIDFILE" ]]; then
  pid=$(cat "$PIDFILE")
  if ours "$pid"; then
    kill -TERM "$pid"
    for _ in $(seq 80); do ours "$pid" || break; sleep 0.25; done
    if ours "$pid"; then
      kill -KILL "$pid"
      echo "stop.sh: weed $pid did not stop in 20 s; killed" >&2
    else
      echo "stop.sh: stopped weed $pid" >&2
    fi
  else
    echo "stop.sh: weed $pid is not running" >&2
  fi
  rm -f "$PIDFILE"
fi
if [[ "${2:-}" == "--purge" ]]; then
  rm -rf "$STATE_DIR"
fi
