# tap.sh: TAP helpers shared by the CLI test scripts (sourced, not run). The caller sets a6reg.
# ok DESCRIPTION / not_ok DESCRIPTION [DETAIL...] / check DESCRIPTION EXPECTED ACTUAL
# reject DESCRIPTION CHECK_CODE ARGS...: a6reg --json ARGS must exit 1 with that check code.
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1))
    failed=$((failed + 1))
    echo "not ok $n - $1"
    shift
    for l in "$@"; do echo "# $l"; done
}
check() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "actual:   $3"; fi; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
reject() {
    local description=$1 code=$2 out rc
    shift 2
    out=$("$a6reg" --json "$@" 2>/dev/null)
    rc=$?
    if [ $rc -eq 1 ] && [ "$(echo "$out" | json 'd["error"]["code"]' 2>/dev/null)" = "$code" ]; then
        ok "$description"
    else
        not_ok "$description" "exit $rc, output: $out"
    fi
}
# tap_done: the plan line, and the exit status of the script.
tap_done() {
    echo "1..$n"
    [ $failed -eq 0 ]
}
# testdb: creates test databases and runs SQL on them, SQLite or PostgreSQL (tests/testdb).
testdb="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/testdb"
