#!/usr/bin/env bash
# Builds, configures, starts and stops the portal's Apache Solr 9.10.1 server.
#
# Solr runs standalone through our launcher (config/solr/launcher), listens on
# 127.0.0.1 only and keeps one core per CKAN portal. Core "ckan" always exists.
#
# Usage: scripts/solr.sh COMMAND [ARGS]
#   build              compile the launcher and copy its jars (skipped when up to date)
#   setup-core NAME    write SOLR_HOME/NAME/{core.properties,conf/}; keeps the index data
#   start [NAME...]    set up core "ckan" and each NAME, start Solr, wait for the ping
#   stop               stop the Solr started for SOLR_HOME (SIGTERM, SIGKILL after 20 s)
#   status             print "running" (exit 0) or "stopped" (exit 3)
#   create-core NAME   add core NAME to the running server through the CoreAdmin API
#
# Environment:
#   SOLR_PORT           TCP port on 127.0.0.1 (default 8983)
#   QUYHOACH_VAR        folder for state and logs, as in scripts/lib.sh (default <repo>/var)
#   SOLR_HOME           Solr home folder (default $QUYHOACH_VAR/solr)
#   QUYHOACH_LOG_DIR    log folder for solr.log and solr-console.log (default $QUYHOACH_VAR/log)
#   SOLR_HEAP           maximum Java heap in -Xmx syntax (default 512m)
#   SOLR_JAVA_OPTS      extra JVM options, split on whitespace (default none)
#   SOLR_START_TIMEOUT  seconds that start waits for the ping (default 90)
#   VENV                virtualenv with CKAN installed (default <repo>/.venv)
#   CKAN_SCHEMA         path of CKAN's schema.xml; skips the lookup through VENV
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SOLR_CONFIG_DIR=$REPO_ROOT/config/solr
CONFIG_SET_DIR=$SOLR_CONFIG_DIR/ckan/conf
LAUNCHER_DIR=$SOLR_CONFIG_DIR/launcher
LAUNCHER_JAR=$LAUNCHER_DIR/target/quyhoach-solr.jar
DEPENDENCY_DIR=$LAUNCHER_DIR/target/dependency
# Touched after each successful Maven build. Sources newer than it trigger a rebuild.
BUILD_STAMP=$LAUNCHER_DIR/target/build.stamp
LAUNCHER_CLASS=vn.quyhoach.solr.QuyhoachSolr

SOLR_PORT=${SOLR_PORT:-8983}
VAR_DIR=${QUYHOACH_VAR:-$REPO_ROOT/var}
SOLR_HOME=$(realpath -m -- "${SOLR_HOME:-$VAR_DIR/solr}")
LOG_DIR=$(realpath -m -- "${QUYHOACH_LOG_DIR:-$VAR_DIR/log}")
SOLR_HEAP=${SOLR_HEAP:-512m}
START_TIMEOUT=${SOLR_START_TIMEOUT:-90}
VENV=${VENV:-$REPO_ROOT/.venv}

PID_FILE=$SOLR_HOME/solr.pid
CONSOLE_LOG=$LOG_DIR/solr-console.log
STOP_TIMEOUT=20
MIN_FREE_DISK_MB=500
DEFAULT_CORE=ckan
JAVA_FIX="apt-get install openjdk-17-jdk-headless maven"

die() {
  printf 'solr.sh: %s\n' "$*" >&2
  exit 1
}

info() {
  printf 'solr.sh: %s\n' "$*"
}

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

validate_settings() {
  if [[ ! $SOLR_PORT =~ ^[0-9]+$ ]] || ((SOLR_PORT < 1 || SOLR_PORT > 65535)); then
    die "invalid SOLR_PORT '$SOLR_PORT': expected a number from 1 to 65535"
  fi
  [[ $START_TIMEOUT =~ ^[0-9]+$ ]] ||
    die "invalid SOLR_START_TIMEOUT '$START_TIMEOUT': expected a number of seconds"
  [[ $SOLR_HEAP =~ ^[0-9]+[kKmMgG]?$ ]] ||
    die "invalid SOLR_HEAP '$SOLR_HEAP': expected a -Xmx size such as 512m or 1g"
}

# Core names become folder names and URL parameters, so only a safe subset is allowed.
validate_core_name() {
  [[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9_-]*$ ]] ||
    die "invalid core name '$1': use letters, digits, '_' and '-', starting with a letter or digit"
}

# Takes an exclusive lock on FILE through file descriptor FD and holds it until the script exits
# (skipped when flock from util-linux is missing).
# Parallel test runs call start and create-core at the same time, and without the lock two
# of them could both launch Solr or both create one core.
take_lock() {
  local fd=$1 file=$2 wait_seconds=$((START_TIMEOUT + 60))
  command -v flock >/dev/null 2>&1 || return 0
  mkdir -p -- "$(dirname -- "$file")"
  case $fd in
    8) exec 8>"$file" ;;
    9) exec 9>"$file" ;;
    *) die "take_lock: unsupported file descriptor $fd" ;;
  esac
  flock -w "$wait_seconds" "$fd" ||
    die "timed out after $wait_seconds s waiting for another scripts/solr.sh run that holds $file"
}

# --- tools -------------------------------------------------------------------

require_java() {
  command -v java >/dev/null 2>&1 || die "java not found. Install Java 17 or later: $JAVA_FIX"
  local version
  version=$(java -XshowSettings:properties -version 2>&1 |
    awk -F'= ' '/java.specification.version/ {print $2; exit}')
  if [[ ! $version =~ ^[0-9]+$ ]] || ((version < 17)); then
    die "Java ${version:-of unknown version} found, but Solr 9.10 and the launcher need Java 17 or later: $JAVA_FIX"
  fi
}

require_build_tools() {
  require_java
  command -v javac >/dev/null 2>&1 || die "javac not found; building the launcher needs a JDK: $JAVA_FIX"
  command -v mvn >/dev/null 2>&1 || die "mvn not found; building the launcher needs Maven: $JAVA_FIX"
}

require_curl() {
  command -v curl >/dev/null 2>&1 || die "curl not found; it checks Solr's health. Install it: apt-get install curl"
}

# --- build -------------------------------------------------------------------

launcher_is_built() {
  [[ -f $LAUNCHER_JAR && -f $BUILD_STAMP && -d $DEPENDENCY_DIR ]] || return 1
  compgen -G "$DEPENDENCY_DIR/*.jar" >/dev/null || return 1
  [[ -z $(find "$LAUNCHER_DIR/pom.xml" "$LAUNCHER_DIR/src" -newer "$BUILD_STAMP" -print -quit) ]]
}

# Prints the pids of launcher processes, for any SOLR_HOME, that run from this build's jars.
pids_using_launcher_jars() {
  local cmdline_file pid arguments
  for cmdline_file in /proc/[0-9]*/cmdline; do
    pid=${cmdline_file#/proc/}
    pid=${pid%/cmdline}
    arguments=$(tr '\0' '\n' 2>/dev/null <"$cmdline_file") || continue
    if grep -qxF -- "$LAUNCHER_CLASS" <<<"$arguments" && grep -qF -- "$LAUNCHER_JAR:" <<<"$arguments"; then
      printf '%s\n' "$pid"
    fi
  done
}

build_launcher() {
  if launcher_is_built; then
    return 0
  fi
  local running_pids
  running_pids=$(pids_using_launcher_jars | tr '\n' ' ')
  if [[ -n $running_pids ]]; then
    # Replacing jars under a running JVM can crash it when it loads a class later.
    info "WARNING: launcher sources changed, but Solr (pid ${running_pids% }) runs from the current jars, so the rebuild is skipped. Run scripts/solr.sh stop, then build or start."
    return 0
  fi
  take_lock 8 "$LAUNCHER_DIR/target/.build.lock"
  if launcher_is_built; then
    # Another run built it while this one waited for the lock.
    return 0
  fi
  require_build_tools
  info "building the Solr launcher with Maven in $LAUNCHER_DIR (a first build with an empty ~/.m2 downloads about 110 MB from Maven Central)"
  # Jars of dependencies removed from the pom would otherwise stay on the classpath.
  rm -rf -- "$DEPENDENCY_DIR"
  (cd "$LAUNCHER_DIR" && mvn -q -B -Dstyle.color=never package) || die "Maven build failed in $LAUNCHER_DIR; see the output above"
  touch "$BUILD_STAMP"
  info "launcher built: $LAUNCHER_JAR"
}

# --- cores -------------------------------------------------------------------

# Prints the path of schema.xml in the installed CKAN package.
find_ckan_schema() {
  if [[ -n ${CKAN_SCHEMA:-} ]]; then
    [[ -f $CKAN_SCHEMA ]] || die "CKAN_SCHEMA=$CKAN_SCHEMA: file not found"
    printf '%s\n' "$CKAN_SCHEMA"
    return 0
  fi
  local python=$VENV/bin/python schema
  [[ -x $python ]] ||
    die "no Python at $python to locate CKAN's schema.xml. Set VENV to the virtualenv where CKAN is installed, or CKAN_SCHEMA to the schema.xml file"
  schema=$("$python" -c 'import ckan, os; print(os.path.join(os.path.dirname(ckan.__file__), "config", "solr", "schema.xml"))') ||
    die "cannot import ckan with $python. Install CKAN into $VENV, or set VENV or CKAN_SCHEMA"
  [[ -f $schema ]] || die "CKAN's schema.xml not found at $schema"
  printf '%s\n' "$schema"
}

# Prints a Python 3 interpreter for build_ckan_schema.py, which needs only the standard library.
find_python() {
  if [[ -x $VENV/bin/python ]]; then
    printf '%s\n' "$VENV/bin/python"
  elif command -v python3 >/dev/null 2>&1; then
    command -v python3
  else
    die "python3 not found; it generates the core's schema.xml. Install it: apt-get install python3"
  fi
}

# Writes solr.xml into SOLR_HOME and the config set into SOLR_HOME/NAME/conf.
# The second argument "no" skips core.properties, which CoreAdmin CREATE writes itself.
# The index in SOLR_HOME/NAME/data is left untouched.
setup_core() {
  local name=$1 write_core_properties=${2:-yes}
  validate_core_name "$name"
  local ckan_schema python core_dir=$SOLR_HOME/$name
  ckan_schema=$(find_ckan_schema)
  python=$(find_python)

  mkdir -p -- "$core_dir/conf"
  cp -- "$SOLR_CONFIG_DIR/solr.xml" "$SOLR_HOME/solr.xml"
  cp -- "$CONFIG_SET_DIR"/* "$core_dir/conf/"
  "$python" "$SOLR_CONFIG_DIR/build_ckan_schema.py" "$ckan_schema" "$core_dir/conf/schema.xml" ||
    die "cannot generate $core_dir/conf/schema.xml from $ckan_schema"

  if [[ $write_core_properties == yes && ! -f $core_dir/core.properties ]]; then
    printf 'name=%s\n' "$name" >"$core_dir/core.properties"
  fi
  info "core $name set up in $core_dir (schema from $ckan_schema)"
}

ping_core() {
  local port=$1 name=$2
  curl -sf --noproxy '*' --max-time 5 -o /dev/null "http://127.0.0.1:$port/solr/$name/admin/ping"
}

# Creates core NAME through CoreAdmin on the server at PORT, unless the core already responds
# to the ping.
create_core() {
  local port=$1 name=$2
  local base=http://127.0.0.1:$port/solr
  if ping_core "$port" "$name"; then
    info "core $name already exists: $base/$name"
    return 0
  fi
  setup_core "$name" no
  # CREATE fails when the instanceDir has core.properties, which "setup-core NAME" writes.
  # A core that is defined there but not loaded failed to load, and CREATE reports why.
  rm -f -- "$SOLR_HOME/$name/core.properties"

  local response status
  response=$(curl -sS --noproxy '*' --max-time 120 -w '\n%{http_code}' \
    "$base/admin/cores?action=CREATE&name=$name&instanceDir=$name&wt=json") ||
    die "CoreAdmin CREATE request for core $name failed (Solr at $base)"
  status=${response##*$'\n'}
  if [[ $status != 200 ]]; then
    die "CoreAdmin CREATE of core $name failed with HTTP $status: ${response%$'\n'*}"
  fi
  info "core $name created: $base/$name"
}

# --- process -----------------------------------------------------------------

# Succeeds when PID is a live launcher process for this SOLR_HOME. A zombie has an empty
# cmdline, so it counts as stopped.
is_our_launcher() {
  local pid=$1 arguments
  [[ -r /proc/$pid/cmdline ]] || return 1
  arguments=$(tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline") || return 1
  grep -qxF -- "$LAUNCHER_CLASS" <<<"$arguments" && grep -qxF -- "$SOLR_HOME" <<<"$arguments"
}

# Prints the pid of the launcher started for SOLR_HOME, or fails when none runs.
running_pid() {
  [[ -f $PID_FILE ]] || return 1
  local pid
  pid=$(tr -dc '0-9' <"$PID_FILE")
  if [[ -z $pid ]] || ! is_our_launcher "$pid"; then
    return 1
  fi
  printf '%s\n' "$pid"
}

launcher_port() {
  tr '\0' '\n' <"/proc/$1/cmdline" | awk 'previous == "--port" {print; exit} {previous = $0}'
}

# Succeeds when something accepts TCP connections on 127.0.0.1:PORT. Such a listener,
# including one on 0.0.0.0, makes Solr's bind to 127.0.0.1:PORT fail.
port_in_use() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Prints the name of the program that listens on PORT, or nothing when ss cannot tell.
port_owner() {
  command -v ss >/dev/null 2>&1 || return 0
  ss -ltnpH "sport = :$1" 2>/dev/null | sed -n 's/.*users:(("\([^"]*\)".*/\1/p' | head -n 1
}

check_free_disk() {
  local folder=$SOLR_HOME available_kb
  while [[ ! -d $folder ]]; do
    folder=$(dirname -- "$folder")
  done
  available_kb=$(df -Pk -- "$folder" | awk 'NR == 2 {print $4}')
  if ((available_kb < MIN_FREE_DISK_MB * 1024)); then
    die "only $((available_kb / 1024)) MB free under $folder, but Solr needs at least $MIN_FREE_DISK_MB MB for its index and update log. Free disk space or set SOLR_HOME to a folder on another disk."
  fi
}

print_log_tails() {
  local file errors
  # A Java stack trace can push the ERROR line itself out of the tail.
  errors=$(grep -E '^[0-9-]+ [0-9:.]+ ERROR ' -- "$LOG_DIR/solr.log" 2>/dev/null | tail -n 5 | cut -c 1-600) || true
  if [[ -n $errors ]]; then
    printf '\n--- last ERROR records in %s ---\n%s\n' "$LOG_DIR/solr.log" "$errors" >&2
  fi
  for file in "$LOG_DIR/solr.log" "$CONSOLE_LOG"; do
    if [[ -s $file ]]; then
      printf '\n--- last 25 lines of %s ---\n' "$file" >&2
      tail -n 25 -- "$file" >&2
    fi
  done
}

# Prints Solr's message when core NAME failed to load (CoreAdmin STATUS initFailures).
core_init_failure() {
  local port=$1 name=$2 status
  status=$(curl -sf --noproxy '*' --max-time 5 \
    "http://127.0.0.1:$port/solr/admin/cores?action=STATUS&core=$name&wt=json&indent=off") || return 0
  status=${status#*\"initFailures\":\{}
  grep -o "^\"$name\":\"[^\"]*" <<<"$status" | cut -c 1-600 || true
}

# Waits until every core NAME responds to the ping. Returns 1 on timeout, 2 when PID has exited
# and 3 when a core failed to load.
wait_until_healthy() {
  local pid=$1 deadline=$((SECONDS + START_TIMEOUT)) name failure
  shift
  local -a waiting=("$@") still_waiting
  while ((SECONDS < deadline)); do
    still_waiting=()
    for name in "${waiting[@]}"; do
      if ping_core "$SOLR_PORT" "$name"; then
        continue
      fi
      failure=$(core_init_failure "$SOLR_PORT" "$name")
      if [[ -n $failure ]]; then
        printf 'solr.sh: core %s failed to load: %s\n' "$name" "${failure#*:\"}" >&2
        return 3
      fi
      still_waiting+=("$name")
    done
    if ((${#still_waiting[@]} == 0)); then
      return 0
    fi
    waiting=("${still_waiting[@]}")
    if ! is_our_launcher "$pid"; then
      return 2
    fi
    sleep 0.5
  done
  return 1
}

stop_pid() {
  local pid=$1 deadline=$((SECONDS + STOP_TIMEOUT))
  info "stopping Solr (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  while is_our_launcher "$pid"; do
    if ((SECONDS >= deadline)); then
      info "Solr did not stop within $STOP_TIMEOUT s after SIGTERM; sending SIGKILL to pid $pid"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
      break
    fi
    sleep 0.2
  done
  # The launcher deletes its pid file on a clean stop, but not after SIGKILL.
  if [[ -f $PID_FILE && $(tr -dc '0-9' <"$PID_FILE") == "$pid" ]]; then
    rm -f -- "$PID_FILE"
  fi
}

launch_solr() {
  local -a java_options=(
    "-Xmx$SOLR_HEAP"
    -XX:+ExitOnOutOfMemoryError
    "-XX:ErrorFile=$LOG_DIR/hs_err_pid%p.log"
    -Dfile.encoding=UTF-8
  )
  local -a extra_options=()
  if [[ -n ${SOLR_JAVA_OPTS:-} ]]; then
    read -r -a extra_options <<<"$SOLR_JAVA_OPTS"
    java_options+=("${extra_options[@]}")
  fi

  # setsid detaches Solr from the caller's session, so that Ctrl-C in the calling terminal or
  # the end of the calling job does not stop it. Without job control the subshell is no
  # process group leader, so setsid does not fork and $! is the pid of java itself.
  local -a detach=()
  if command -v setsid >/dev/null 2>&1; then
    detach=(setsid)
  fi
  (
    cd -- "$LOG_DIR"
    # Solr must not keep the locks of this script open for its whole run.
    exec 8>&- 9>&-
    exec "${detach[@]}" nohup java "${java_options[@]}" \
      -cp "$LAUNCHER_JAR:$DEPENDENCY_DIR/*" "$LAUNCHER_CLASS" \
      --port "$SOLR_PORT" --solr-home "$SOLR_HOME" --log-dir "$LOG_DIR" --pid-file "$PID_FILE" \
      >"$CONSOLE_LOG" 2>&1 </dev/null
  ) &
  printf '%s\n' "$!"
}

# --- commands ----------------------------------------------------------------

cmd_start() {
  local name pid port
  for name in "$@"; do
    validate_core_name "$name"
  done
  require_curl

  if pid=$(running_pid); then
    port=$(launcher_port "$pid")
    if [[ $port != "$SOLR_PORT" ]]; then
      die "Solr for $SOLR_HOME already runs on port $port (pid $pid), not on SOLR_PORT=$SOLR_PORT. Stop it first: scripts/solr.sh stop"
    fi
    if ! ping_core "$SOLR_PORT" "$DEFAULT_CORE"; then
      info "Solr (pid $pid) is running, but core $DEFAULT_CORE does not respond to the ping yet; waiting up to $START_TIMEOUT s"
      wait_until_healthy "$pid" "$DEFAULT_CORE" || {
        print_log_tails
        die "Solr (pid $pid) is running, but core $DEFAULT_CORE does not respond to the ping. Check the logs above, then run scripts/solr.sh stop and start again."
      }
    fi
    info "Solr is already running and healthy: http://127.0.0.1:$SOLR_PORT/solr (pid $pid)"
    for name in "$@"; do
      [[ $name == "$DEFAULT_CORE" ]] || create_core "$SOLR_PORT" "$name"
    done
    return 0
  fi

  if [[ -f $PID_FILE ]]; then
    info "removing stale pid file $PID_FILE"
    rm -f -- "$PID_FILE"
  fi
  if port_in_use "$SOLR_PORT"; then
    local owner
    owner=$(port_owner "$SOLR_PORT")
    die "port $SOLR_PORT on 127.0.0.1 is already in use by ${owner:-another program}, which this script did not start. Stop that program or choose a free port, e.g. SOLR_PORT=8984 scripts/solr.sh start"
  fi
  check_free_disk
  require_java
  build_launcher

  local -a cores=("$DEFAULT_CORE")
  for name in "$@"; do
    [[ $name == "$DEFAULT_CORE" ]] || cores+=("$name")
  done
  for name in "${cores[@]}"; do
    setup_core "$name"
  done

  mkdir -p -- "$LOG_DIR"
  local started_at=$SECONDS
  pid=$(launch_solr)
  info "starting Solr on http://127.0.0.1:$SOLR_PORT/solr (pid $pid, heap $SOLR_HEAP, log $LOG_DIR/solr.log)"

  local result=0
  wait_until_healthy "$pid" "${cores[@]}" || result=$?
  if ((result == 2)); then
    print_log_tails
    die "Solr exited during start-up. Check the logs above."
  elif ((result == 3)); then
    print_log_tails
    stop_pid "$pid"
    die "a core failed to load, so Solr was stopped. Fix the conf that the error above names, then start again."
  elif ((result == 1)); then
    print_log_tails
    stop_pid "$pid"
    die "cores ${cores[*]} did not all respond to /admin/ping on http://127.0.0.1:$SOLR_PORT/solr within $START_TIMEOUT s, so Solr was stopped. Check the logs above, or raise SOLR_START_TIMEOUT on a slow machine."
  fi
  info "Solr is running and healthy after $((SECONDS - started_at)) s: http://127.0.0.1:$SOLR_PORT/solr (pid $pid, cores ${cores[*]})"
}

cmd_stop() {
  local pid
  if ! pid=$(running_pid); then
    if [[ -f $PID_FILE ]]; then
      info "removing stale pid file $PID_FILE"
      rm -f -- "$PID_FILE"
    fi
    info "Solr is not running (SOLR_HOME=$SOLR_HOME)"
    return 0
  fi
  stop_pid "$pid"
  info "Solr stopped"
}

cmd_status() {
  local pid port
  if ! pid=$(running_pid); then
    echo "stopped (SOLR_HOME=$SOLR_HOME)"
    return 3
  fi
  port=$(launcher_port "$pid")
  if command -v curl >/dev/null 2>&1 && ping_core "$port" "$DEFAULT_CORE"; then
    echo "running: http://127.0.0.1:$port/solr (pid $pid, core $DEFAULT_CORE responds to the ping)"
  else
    echo "running: http://127.0.0.1:$port/solr (pid $pid, core $DEFAULT_CORE does not respond to the ping)"
  fi
}

cmd_setup_core() {
  local name=$1 pid port
  setup_core "$name"
  if pid=$(running_pid); then
    port=$(launcher_port "$pid")
    if ping_core "$port" "$name"; then
      info "core $name is loaded, so the new conf applies after a reload: curl 'http://127.0.0.1:$port/solr/admin/cores?action=RELOAD&core=$name'"
    fi
  fi
}

cmd_create_core() {
  local name=$1 pid port
  validate_core_name "$name"
  require_curl
  pid=$(running_pid) ||
    die "Solr is not running for SOLR_HOME=$SOLR_HOME. Start it first: scripts/solr.sh start"
  port=$(launcher_port "$pid")
  create_core "$port" "$name"
}

main() {
  local command=${1:-}
  [[ $# -gt 0 ]] && shift
  validate_settings
  case $command in
    build)
      [[ $# -eq 0 ]] || die "build takes no arguments"
      if launcher_is_built; then
        info "launcher is up to date: $LAUNCHER_JAR"
      else
        build_launcher
      fi
      ;;
    setup-core)
      [[ $# -eq 1 ]] || die "usage: scripts/solr.sh setup-core NAME"
      take_lock 9 "$SOLR_HOME/.solr.sh.lock"
      cmd_setup_core "$1"
      ;;
    start)
      take_lock 9 "$SOLR_HOME/.solr.sh.lock"
      cmd_start "$@"
      ;;
    stop)
      [[ $# -eq 0 ]] || die "stop takes no arguments"
      take_lock 9 "$SOLR_HOME/.solr.sh.lock"
      cmd_stop
      ;;
    status)
      [[ $# -eq 0 ]] || die "status takes no arguments"
      local exit_code=0
      cmd_status || exit_code=$?
      return "$exit_code"
      ;;
    create-core)
      [[ $# -eq 1 ]] || die "usage: scripts/solr.sh create-core NAME"
      take_lock 9 "$SOLR_HOME/.solr.sh.lock"
      cmd_create_core "$1"
      ;;
    -h | --help | help)
      usage
      ;;
    *)
      usage >&2
      die "unknown command '${command}'"
      ;;
  esac
}

main "$@"
