#!/usr/bin/env bash
# Time scripts/up.sh on a fresh clone, twice, and measure idle memory.
#
#   bench/bench_startup.sh
#
# The clone gets its own ports (CKAN 5020, Solr 8993), database and Solr home,
# so a portal already running from this checkout keeps running. PostgreSQL and
# Redis are shared. The machine is "warm": Debian packages are installed and
# the pip and Maven caches are filled, so the first run measures the virtual
# environment, the Solr build, the migrations and the catalogue load, not
# downloads. Results go to bench/results/startup.md.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RESULTS="$REPO_ROOT/bench/results/startup.md"
WORK="$(mktemp -d /tmp/quyhoach-bench-startup.XXXXXX)"
CLONE="$WORK/clone"
export CKAN_PORT=5020 SOLR_PORT=8993 QUYHOACH_DB=ckan_bench_startup

cleanup() {
    for pidfile in "$CLONE"/var/run/*.pid; do
        [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
    done
    [ -x "$CLONE/scripts/solr.sh" ] && "$CLONE/scripts/solr.sh" stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

git clone -q "$REPO_ROOT" "$CLONE"
su postgres -c "dropdb --if-exists $QUYHOACH_DB" >/dev/null

# Print "seconds peak_rss_mb" of one timed run of scripts/up.sh.
timed_up() {
    local log=$1
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$CLONE/scripts/up.sh" >"$log" 2>&1 \
        || { tail -n 30 "$log" >&2; exit 1; }
    awk '{printf "%.1f %.0f\n", $1, $2 / 1024}' "$WORK/time.txt"
}

rss_mb() {
    ps -o rss= -p "$1" | awk '{printf "%.0f", $1 / 1024}'
}

read -r first_s first_mb < <(timed_up "$WORK/first.log")
read -r second_s second_mb < <(timed_up "$WORK/second.log")
sleep 30
ckan_mb="$(rss_mb "$(cat "$CLONE/var/run/ckan.pid")")"
solr_mb="$(rss_mb "$(cat "$CLONE/var/solr/solr.pid")")"
catalogue="$(grep -m1 "^Catalogue:\|^Nothing changed" "$WORK/first.log" || true)"

cat >"$RESULTS" <<MD
# Start-up: scripts/up.sh on a fresh clone

Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, by
\`bench/bench_startup.sh\`. Warm machine: Debian packages installed, pip and
Maven caches filled. Peak RSS is that of the largest single process of the
run (GNU time), not the sum over processes.

| Run | wall time (s) | peak RSS (MB) |
| --- | ---: | ---: |
| first (new venv, Solr build, migrations, catalogue load) | $first_s | $first_mb |
| second (everything already there) | $second_s | $second_mb |

First run's catalogue report: \`$catalogue\`

| Idle after 30 s | RSS (MB) |
| --- | ---: |
| CKAN (\`ckan run\`, one process) | $ckan_mb |
| Solr (JVM, -Xmx512m, cores ckan and ckan_test) | $solr_mb |
MD
cat "$RESULTS"
