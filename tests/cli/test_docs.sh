#!/usr/bin/env bash
# test_docs.sh: every check code defined in src/core/check.h is documented in docs/checks.md (TAP).
set -u
root=${1:?usage: test_docs.sh SOURCE_ROOT}
n=0
failed=0
while read -r name code; do
    n=$((n + 1))
    if grep -q "^| $code | " "$root/docs/checks.md"; then
        echo "ok $n - $name ($code) is documented"
    else
        failed=$((failed + 1))
        echo "not ok $n - $name ($code) is missing from docs/checks.md"
    fi
done < <(sed -n 's/^ *A6_CHECK_\([A-Z0-9_]*\) = \([0-9]*\),.*/\1 \2/p' "$root/src/core/check.h")
echo "1..$n"
[ $n -gt 0 ] && [ $failed -eq 0 ]
