#!/usr/bin/env bash
# Shared setup for `make run`, `make test`, `make lint` and `make bench`:
#   1. Debian packages (CJK fonts for PDFs and screenshots, Chromium for browser tests, WeasyPrint libs),
#      only when running as root on a machine with apt-get, and only when something is missing;
#   2. .venv with Python 3.11;
#   3. pip install -e ".[dev]", repeated only when pyproject.toml (or the Python) changed.
# Safe to run again and again: a second run on a ready machine takes well under a second.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

APT_PACKAGES=(fonts-noto-cjk chromium poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)

installed() { [[ $(dpkg -s "$1" 2>/dev/null) == *"Status: install ok installed"* ]]; }

if command -v dpkg >/dev/null 2>&1; then
    missing=()
    for pkg in "${APT_PACKAGES[@]}"; do
        installed "$pkg" || missing+=("$pkg")
    done
    if ((${#missing[@]})); then
        if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
            echo "==> apt-get install ${missing[*]}"
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq
            apt-get install -y -qq "${missing[@]}" >/dev/null
        else
            echo "WARNING: missing Debian packages (install them as root): ${missing[*]}" >&2
        fi
    fi
fi

PYTHON=${PYTHON:-python3.11}
if [[ -x .venv/bin/python ]] && ! .venv/bin/python -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null; then
    echo "==> .venv is broken or not Python 3.11: recreating it"
    rm -rf .venv
fi
if [[ ! -x .venv/bin/python ]]; then
    if ! command -v "$PYTHON" >/dev/null 2>&1; then
        echo "ERROR: $PYTHON not found; install Python 3.11 or set PYTHON=/path/to/python3.11" >&2
        exit 1
    fi
    echo "==> creating .venv with $("$PYTHON" --version 2>&1)"
    "$PYTHON" -m venv .venv
fi

# Reinstall only when the dependency list or the interpreter changed.
stamp_file=.venv/.setup-stamp
stamp="$(sha256sum pyproject.toml | cut -d' ' -f1) $(.venv/bin/python -c 'import sys; print(sys.version)' | head -1)"
if [[ ! -f $stamp_file || $(cat "$stamp_file") != "$stamp" ]]; then
    echo "==> pip install -e .[dev]"
    .venv/bin/python -m pip install --quiet --progress-bar off -e ".[dev]"
    echo "$stamp" >"$stamp_file"
fi
