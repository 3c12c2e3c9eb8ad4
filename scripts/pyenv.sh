#!/usr/bin/env bash
# The Python tools the tests run beside the Go code: moto's server (IAM, STS
# and S3 for the end-to-end tests), boto3 (scripts/seaweedfs/start.sh) and the
# aws CLI (a peer in the localserver tests).
#
# If the python3 on PATH has moto with its server and boto3, and aws is on
# PATH, they are used as they are. Otherwise this makes a virtual environment
# with the versions pinned in scripts/test-requirements.txt, installs them with
# pip from the package index (pip's own settings apply: PIP_INDEX_URL,
# PIP_FIND_LINKS, PIP_NO_INDEX, pip.conf), and puts its bin directory first on
# PATH. The environment keeps a copy of the requirements file it was made
# from: later runs reuse it as long as the file is unchanged, and rebuild it
# when the file changed or an earlier build did not finish. Deleting the
# directory forces a rebuild.
#
# usage: source scripts/pyenv.sh            from a bash script: sets PATH for the rest of it
#        bash scripts/pyenv.sh [COMMAND...]  sets up, then runs COMMAND in the environment
# environment:
#   S3C_VENV=DIR   where the virtual environment lives (default: .venv in the repository)
# Needs, when it has to build: python3 3.11 to 3.14 with its venv module
# (Debian and Ubuntu: apt-get install python3-venv) and a reachable package index.

_s3c_pyenv() {
  local scripts root req rel venv stamp lacks missing why lock_fd started
  scripts=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || return 1
  root=$(dirname "$scripts")
  req=$scripts/test-requirements.txt
  rel=${req#"$root"/}
  venv=${S3C_VENV:-$root/.venv}
  [[ $venv == /* ]] || venv=$PWD/$venv
  stamp=$venv/.test-requirements.txt

  # Prints the packages the given python lacks, or nothing. Reads package
  # metadata rather than importing moto, which takes seconds.
  _s3c_missing() {
    local out
    out=$("$1" - 2>/dev/null <<'PY'
import importlib.metadata as m
for d in ("moto", "flask", "flask-cors", "boto3"):
    try:
        m.distribution(d)
    except m.PackageNotFoundError:
        print(d)
PY
    ) || out="moto flask flask-cors boto3"
    echo $out
  }
  _s3c_usable() {
    [[ -f $stamp && -x $venv/bin/python3 && -x $venv/bin/aws ]] &&
      [[ "$(<"$req")" == "$(<"$stamp")" ]] &&
      [[ -z $(_s3c_missing "$venv/bin/python3") ]]
  }

  if ! command -v python3 >/dev/null 2>&1; then
    lacks="there is no python3 on PATH"
  else
    missing=$(_s3c_missing python3)
    if [[ -z $missing ]] && command -v aws >/dev/null 2>&1; then
      echo "pyenv.sh: using python3 from PATH ($(command -v python3)): it has moto's server and boto3, and aws is on PATH" >&2
      return 0
    fi
    lacks="python3 on PATH ($(command -v python3)) lacks $missing"
    if ! command -v aws >/dev/null 2>&1; then
      if [[ -n $missing ]]; then lacks="$lacks, and there is no aws on PATH"; else lacks="there is no aws on PATH"; fi
    fi
  fi

  if _s3c_usable; then
    echo "pyenv.sh: $lacks: reusing the virtual environment $venv" \
      "(pinned in $rel; delete it to rebuild it), first on PATH for this run" >&2
  else
    (
      fail() { echo "pyenv.sh: $*" >&2; exit 1; }
      # pip writes "#!DIR/bin/python3" into the aws script, which no shell can
      # run when DIR holds a blank.
      [[ $venv != *[[:space:]]* ]] ||
        fail "the virtual environment's path \"$venv\" contains a blank, which breaks the aws" \
          "CLI's script; set S3C_VENV to a path without one"
      if command -v flock >/dev/null 2>&1; then
        mkdir -p "$(dirname "$venv")" || fail "cannot create $(dirname "$venv")"
        exec {lock_fd}>"$venv.lock" || fail "cannot open the lock file $venv.lock"
        if ! flock -n "$lock_fd"; then
          echo "pyenv.sh: another run is setting up $venv; waiting for it" >&2
          flock "$lock_fd" || fail "cannot lock $venv.lock"
        fi
        if _s3c_usable; then
          echo "pyenv.sh: another run has just made $venv; using it, first on PATH for this run" >&2
          exit 0
        fi
      fi
      if [[ -e $venv ]]; then
        [[ -f $venv/pyvenv.cfg || -z $(ls -A "$venv" 2>/dev/null) ]] ||
          fail "$venv exists and is not a virtual environment; move it away or set S3C_VENV to another directory"
        if [[ ! -f $stamp ]]; then
          why="an earlier build of it did not finish"
        elif [[ "$(<"$req")" != "$(<"$stamp")" ]]; then
          why="$rel changed since it was made"
        else
          why="it no longer works"
        fi
        echo "pyenv.sh: rebuilding the virtual environment $venv: $why" >&2
      fi
      command -v python3 >/dev/null 2>&1 ||
        fail "there is no python3 on PATH; the tests need it for moto, boto3 and the aws CLI." \
          "Install Python 3.11 or newer with its venv module (Debian and Ubuntu:" \
          "apt-get install python3 python3-venv), then run again."
      python3 -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 15))' 2>/dev/null ||
        fail "$lacks; python3 on PATH ($(command -v python3)) is $(python3 -V 2>&1), but the pinned" \
          "test tools need Python 3.11 to 3.14. Put such a python3 first on PATH, or one that already" \
          "has moto[server], boto3 and awscli, then run again."
      python3 -c 'import venv, ensurepip' 2>/dev/null ||
        fail "$lacks, and python3 on PATH ($(command -v python3)) cannot make a virtual environment" \
          "to install the tools in: its venv or ensurepip module is missing. Install it (Debian and" \
          "Ubuntu: apt-get install python3-venv), or install the tools for that python3 yourself" \
          "(python3 -m pip install -r $rel), then run again."

      if [[ -e $venv ]]; then
        rm -rf "$venv" || fail "cannot remove $venv"
      fi
      echo "pyenv.sh: $lacks: making a virtual environment in $venv with the versions" \
        "pinned in $rel, installed from the package index (about a minute)" >&2
      started=$SECONDS
      python3 -m venv "$venv" >&2 || fail "python3 -m venv $venv failed (see above)"
      # --no-compile: moto[server] brings about 70 packages (cfn-lint, sympy, ...)
      # of which the tests import few; Python compiles those on first use.
      # That cuts the install time by a third to a half.
      "$venv/bin/python3" -m pip install --disable-pip-version-check --no-input --progress-bar off \
        --no-compile -r "$req" >&2 ||
        fail "pip could not install the packages pinned in $rel (see its messages above)." \
          "If the package index is out of reach, point pip at a mirror (PIP_INDEX_URL=URL) or at a" \
          "directory of wheels (PIP_NO_INDEX=1 PIP_FIND_LINKS=DIR), then run again; the unfinished" \
          "environment in $venv is rebuilt then."
      "$venv/bin/python3" -c 'import moto.server, flask, boto3' >&2 ||
        fail "the packages installed, but moto's server or boto3 does not import in $venv (see above)"
      "$venv/bin/aws" --version >/dev/null 2>&1 ||
        fail "the packages installed, but $venv/bin/aws --version fails"
      { cp "$req" "$stamp.tmp" && mv "$stamp.tmp" "$stamp"; } || fail "cannot write $stamp"
      echo "pyenv.sh: made $venv in $((SECONDS - started))s; it comes first on PATH for this run" >&2
    ) || return 1
  fi
  export VIRTUAL_ENV=$venv
  export PATH=$venv/bin:$PATH
  unset PYTHONHOME
}

if [[ ${BASH_SOURCE[0]} != "$0" ]]; then
  if _s3c_pyenv; then _s3c_rc=0; else _s3c_rc=1; fi
  unset -f _s3c_pyenv _s3c_missing _s3c_usable
  return $_s3c_rc
else
  set -uo pipefail
  _s3c_pyenv || exit 1
  if (($# > 0)); then
    exec "$@"
  fi
fi
