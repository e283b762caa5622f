#!/usr/bin/env bash
# Install the system packages, the Python virtual environment and the Solr launcher.
# Idempotent: each step is skipped when what it makes is already there.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

APT_PACKAGES=(
    postgresql-15 postgresql-15-postgis-3 redis-server
    openjdk-17-jdk-headless maven
    gcc libpq-dev libmagic1 python3-venv python3-dev
    chromium iproute2 curl
)

install_system_packages() {
    local missing=()
    for pkg in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        return
    fi
    [ "$(id -u)" -eq 0 ] || die "missing system packages: ${missing[*]}. Run this script as root, or install them with: sudo apt-get install ${missing[*]}"
    say "installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >"$LOG_DIR/apt.log" 2>&1 \
        || die "apt-get install failed; see $LOG_DIR/apt.log"
}

# The stamp records which requirement files the venv was built from, so an
# unchanged venv costs one checksum instead of a pip run.
install_python_packages() {
    local stamp="$VENV/.quyhoach-requirements" want
    want="$(cat "$REPO_ROOT"/requirements*.txt "$REPO_ROOT/setup.py" | sha256sum | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating the virtual environment in $VENV"
        python3 -m venv "$VENV"
    fi
    say "installing Python packages (log: $LOG_DIR/pip.log)"
    {
        "$VENV/bin/pip" install -q -U pip "setuptools>=70,<81" wheel
        "$VENV/bin/pip" install -q -r "$REPO_ROOT/requirements-test.txt"
        "$VENV/bin/pip" install -q -e "$REPO_ROOT"
        "$VENV/bin/pip" check
    } >"$LOG_DIR/pip.log" 2>&1 || die "Python package install failed; see $LOG_DIR/pip.log"
    echo "$want" >"$stamp"
}

install_system_packages
install_python_packages
"$REPO_ROOT/scripts/solr.sh" build
