#!/usr/bin/env bash
# Stop the portal's CKAN processes and the services that scripts/up.sh started.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

for pidfile in "$VAR_DIR"/run/*.pid; do
    [ -f "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
done
"$REPO_ROOT/scripts/services.sh" stop
say "stopped"
