#!/usr/bin/env bash
# Run the test suites shipped with the standard extensions against this stack
# (CKAN 2.12, PostgreSQL, Redis, Solr 9.10), apart from the portal's own tests.
#
# Usage: scripts/test-extensions.sh [scheming|spatial|harvest|dcat ...]
#        (no argument runs all four, in that order)
#
# Each suite runs with config/extension-tests/SUITE.ini, in its own database
# and Solr core, both named ckan_ext_SUITE, and its own Redis databases. The
# tests listed in config/extension-tests/known-failures-SUITE.txt are
# deselected. The script exits non-zero when a selected suite has any other
# failure or error, collects no test, or when a listed id matched no test.
# Logs and JUnit XML go to var/log/extension-tests/.
#
# Environment:
#   EXTENSION_TEST_TIMEOUT  seconds one suite may run (default 1800)
#   PYTEST_ADDOPTS          extra pytest options, e.g. "-x" while debugging
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ALL_SUITES=(scheming spatial harvest dcat)
SUITE_CONFIG_DIR="$REPO_ROOT/config/extension-tests"
REQUIREMENTS="$REPO_ROOT/requirements-extension-tests.txt"
RESULT_DIR="$LOG_DIR/extension-tests"
SUITE_TIMEOUT="${EXTENSION_TEST_TIMEOUT:-1800}"

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

# Install the test-only packages, skipped while the requirements file is unchanged.
install_test_requirements() {
    local stamp="$VENV/.quyhoach-extension-tests" want
    want="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return
    fi
    say "installing $REQUIREMENTS (log: $LOG_DIR/pip-extension-tests.log)"
    {
        "$VENV/bin/pip" install -q -r "$REQUIREMENTS"
        "$VENV/bin/pip" check
    } >"$LOG_DIR/pip-extension-tests.log" 2>&1 \
        || die "installing $REQUIREMENTS failed; see $LOG_DIR/pip-extension-tests.log"
    echo "$want" >"$stamp"
}

# Create the suite's database and Solr core when missing, and migrate the
# database for CKAN core and the plugins of the suite's ini.
prepare_suite() {
    local suite=$1 name="ckan_ext_$1"
    if ! su postgres -c "psql -p $PG_PORT -tAc \"SELECT 1 FROM pg_database WHERE datname = '$name'\"" | grep -q 1; then
        su postgres -c "createdb -p $PG_PORT -O $PG_ROLE -E UTF-8 $name"
    fi
    "$REPO_ROOT/scripts/solr.sh" create-core "$name" >/dev/null

    export CKAN_SQLALCHEMY_URL="postgresql://$PG_ROLE:$(secret db_password)@127.0.0.1:$PG_PORT/$name"
    export CKAN_SOLR_URL="http://127.0.0.1:$SOLR_PORT/solr/$name"
    export CKAN_INI="$SUITE_CONFIG_DIR/$suite.ini"
    # In CKAN 2.12, `db upgrade` also applies the migrations of enabled plugins.
    "$VENV/bin/ckan" -c "$CKAN_INI" db upgrade >>"$LOG_DIR/ckan-cli.log" 2>&1 \
        || die "database migration for suite $suite failed; see $LOG_DIR/ckan-cli.log"
}

# Print the test ids of a known-failures file, without comments and blank lines.
known_failure_ids() {
    sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^[[:space:]]*$/d' "$1"
}

# Run one suite and return 0 when it passed apart from its known failures.
run_suite() {
    local suite=$1 site_packages tests_dir known log status=0 id
    site_packages="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"
    tests_dir="$site_packages/ckanext/$suite/tests"
    known="$SUITE_CONFIG_DIR/known-failures-$suite.txt"
    log="$RESULT_DIR/$suite.log"
    [ -d "$tests_dir" ] || die "tests of ckanext-$suite not found in $tests_dir; is the extension installed in $VENV?"
    [ -f "$known" ] || die "$known is missing; create it (it may list no test)"

    prepare_suite "$suite"

    local -a args=(
        -c "$SUITE_CONFIG_DIR/pytest.ini"
        --rootdir="$tests_dir"
        # Only the suite's own conftest.py files apply, none of the repository's.
        --confcutdir="$tests_dir"
        --ckan-ini="$CKAN_INI"
        -p no:cacheprovider
        -q -rfE
        --junitxml="$RESULT_DIR/$suite.xml"
    )
    # The harvest and dcat suites use the clean_queues fixture, which only the
    # conftest.py at the root of the ckanext-harvest repository registers.
    case $suite in
        harvest | dcat) args+=(-p ckanext.harvest.tests.fixtures) ;;
    esac
    local known_count=0
    while IFS= read -r id; do
        args+=(--deselect "$id")
        known_count=$((known_count + 1))
    done < <(known_failure_ids "$known")

    # A report left by an earlier run must not stand in for a run that is cut short.
    rm -f "$RESULT_DIR/$suite.xml"
    say "running the ckanext-$suite suite (database and Solr core ckan_ext_$suite, log $log)"
    # bin/pytest rather than `python -m pytest`, which would put the current
    # folder first on sys.path. With pipefail the status is pytest's.
    timeout "$SUITE_TIMEOUT" "$VENV/bin/pytest" "${args[@]}" "$tests_dir" 2>&1 \
        | tee "$log" || status=$?
    report_suite "$suite" "$status" "$known_count" "$log"
}

# Print the counts of one run and return non-zero when the run does not count as passed.
report_suite() {
    local suite=$1 status=$2 known_count=$3 log=$4 deselected
    deselected="$(tail -n 1 "$log" | sed -n 's/.* \([0-9][0-9]*\) deselected.*/\1/p')"
    "$VENV/bin/python" - "$RESULT_DIR/$suite.xml" "$suite" "${deselected:-0}" <<'PY' \
        | tee "$RESULT_DIR/$suite.summary" || true
import sys
import xml.etree.ElementTree as ET

path, suite, deselected = sys.argv[1:]
try:
    root = ET.parse(path).getroot()
except (OSError, ET.ParseError) as error:
    print(f"{suite}: no JUnit report ({error})")
    sys.exit(0)
node = root if root.tag == "testsuite" else root.find("testsuite")
tests, failures, errors, skipped = (
    int(node.get(key, 0)) for key in ("tests", "failures", "errors", "skipped")
)
passed = tests - failures - errors - skipped
print(
    f"{suite}: {passed} passed, {failures} failed, {errors} errors, "
    f"{skipped} skipped, {deselected} deselected as known failures"
)
PY
    case $status in
        0) ;;
        124) echo "ERROR: suite $suite timed out after $SUITE_TIMEOUT s" >&2; return 1 ;;
        5) echo "ERROR: suite $suite collected no tests" >&2; return 1 ;;
        *) echo "ERROR: suite $suite has failures or errors not listed in known-failures-$suite.txt" >&2; return 1 ;;
    esac
    # Each listed id deselects at least one test. More are deselected when
    # PYTEST_ADDOPTS has -k or an id names a whole class.
    if [ "${deselected:-0}" -lt "$known_count" ]; then
        echo "ERROR: known-failures-$suite.txt lists $known_count tests, but pytest deselected only ${deselected:-0}." \
            "Remove or correct the ids that match no test." >&2
        return 1
    fi
}

main() {
    local suite
    local -a suites=()
    for suite in "$@"; do
        case $suite in
            scheming | spatial | harvest | dcat) suites+=("$suite") ;;
            -h | --help) usage; exit 0 ;;
            *) usage >&2; die "unknown suite '$suite'; choose from: ${ALL_SUITES[*]}" ;;
        esac
    done
    [ ${#suites[@]} -gt 0 ] || suites=("${ALL_SUITES[@]}")

    "$REPO_ROOT/scripts/install.sh"
    install_test_requirements
    "$REPO_ROOT/scripts/services.sh" start
    mkdir -p "$RESULT_DIR"

    local -a failed=()
    for suite in "${suites[@]}"; do
        run_suite "$suite" || failed+=("$suite")
    done

    echo
    for suite in "${suites[@]}"; do
        grep -h "^$suite: " "$RESULT_DIR/$suite.summary" 2>/dev/null || true
    done
    if [ ${#failed[@]} -gt 0 ]; then
        die "suites with unexpected results: ${failed[*]}"
    fi
    say "all selected suites passed apart from their known failures: ${suites[*]}"
}

main "$@"
