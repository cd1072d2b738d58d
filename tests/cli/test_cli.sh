#!/usr/bin/env bash
# test_cli.sh: end-to-end tests of the a6reg command's contract (TAP): output shapes, exit codes,
# --db placement, rejected requests leaving the tables unchanged, and verify catching tampering.
set -u
a6reg=${1:?usage: test_cli.sh A6REG_BINARY}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/tap.sh"
export A6REG_DB=$("$testdb" new "$work" registry)

tables() { "$testdb" sql "$A6REG_DB" "SELECT * FROM accounts; SELECT * FROM blocks ORDER BY id; SELECT * FROM transactions; SELECT seq, hash FROM audit_log;" | sha256sum; }

"$a6reg" init >/dev/null; check "init exits 0" 0 $?
"$a6reg" --version | grep -q '^a6reg [0-9]'; check "--version prints the version" 0 $?
"$a6reg" --help >/dev/null; check "--help exits 0" 0 $?
for c in init account issue transfer retire cancel holdings history verify; do
    "$a6reg" $c --help | grep -q usage; check "$c --help prints usage" 0 $?
done

gov=$("$a6reg" account open --holder "Government of Viet Nam" --type holding)
check "account open prints the id" 1 "$gov"
pp=$("$a6reg" account open --holder "Công ty Cổ phần" --type holding --party VNM)
check "second account id" 2 "$pp"
jp=$("$a6reg" --json account open --holder "Government of Japan" --type holding --party JPN | json 'd["id"]')
check "account open --json gives the id" 3 "$jp"
ret=$("$a6reg" account open --holder "Retirement" --type retirement)

out=$("$a6reg" issue --to "$gov" --quantity 1000 --vintage 2021 --json)
check "issue --json reports completed" completed "$(echo "$out" | json 'd["status"]')"
"$a6reg" issue --to "$gov" --quantity 500 --vintage 2019 --unit-type domestic-credit >/dev/null
check "issue of another vintage and unit type" 0 $?

out=$("$a6reg" transfer --from "$gov" --to "$pp" --quantity 600 --json)
check "transfer moves the quantity" 600 "$(echo "$out" | json 'd["quantity"]')"
holdings=$("$a6reg" holdings "$pp" --json)
check "holdings total" 600 "$(echo "$holdings" | json 'd["total"]')"
check "oldest vintage first: 500 of 2019, then 100 of 2021" "2019:500 2021:100" \
    "$(echo "$holdings" | json '" ".join("%d:%d" % (b["vintage"], b["last"]-b["first"]+1) for b in d["blocks"])')"
check "holdings names the account" "$pp" "$(echo "$holdings" | json 'd["account"]')"

"$a6reg" holdings "$gov" --db "$A6REG_DB" --json >/dev/null; check "--db after the command" 0 $?
db=$A6REG_DB
(unset A6REG_DB; "$a6reg" --db "$db" holdings "$gov" >/dev/null); check "--db before the command" 0 $?

"$a6reg" retire --from "$pp" --quantity 10 --to "$ret" >/dev/null; check "retire exits 0" 0 $?
check "retired units land in the named retirement account" 10 "$("$a6reg" holdings "$ret" --json | json 'd["total"]')"
"$a6reg" retire --from "$pp" --quantity 2 >/dev/null; check "retire without --to" 0 $?
check "... lands in the registry's own retirement account" "Registry:2" \
    "$("$a6reg" account list --json | json '" ".join(a["holder"] for a in d if a["type"] == "retirement" and a["holder"] == "Registry")'):$("$testdb" sql "$A6REG_DB" "SELECT SUM(last_serial - first_serial + 1) FROM blocks b JOIN accounts a ON a.id = b.account_id WHERE a.holder = 'Registry' AND a.type = 'retirement'")"
"$a6reg" cancel --from "$pp" --quantity 5 >/dev/null; check "cancel exits 0 (opens the cancellation account)" 0 $?

first=$("$a6reg" transfer --from "$gov" --to "$jp" --quantity 7 --idempotency-key inv-1 --json | json 'd["id"]')
again=$("$a6reg" transfer --from "$gov" --to "$jp" --quantity 7 --idempotency-key inv-1 --json | json 'd["id"]')
check "same idempotency key returns the first transaction" "$first" "$again"
check "idempotent replay moved the units once" 7 "$("$a6reg" holdings "$jp" --json | json 'd["total"]')"

before=$(tables)
reject "unknown account is 2001" 2001 transfer --from "$gov" --to 999 --quantity 1
reject "wrong unit type is 3005" 3005 transfer --from "$gov" --to "$pp" --quantity 1 --unit-type a64-er
reject "unknown unit type is 1006" 1006 transfer --from "$gov" --to "$pp" --quantity 1 --unit-type bogus
reject "more than held is 3001" 3001 transfer --from "$gov" --to "$pp" --quantity 100000
reject "blocks not held is 3002" 3002 transfer --from "$gov" --to "$pp" --blocks 1-10
reject "zero quantity is 1001" 1001 transfer --from "$gov" --to "$pp" --quantity 0
reject "negative quantity is 1001" 1001 transfer --from "$gov" --to "$pp" --quantity -5
reject "overflowing quantity is 1002" 1002 transfer --from "$gov" --to "$pp" --quantity 9223372036854775808
reject "reused idempotency key is 1005" 1005 transfer --from "$gov" --to "$jp" --quantity 8 --idempotency-key inv-1
reject "malformed blocks is 1010" 1010 transfer --from "$gov" --to "$pp" --blocks 5-x
reject "bad account id is 1012" 1012 transfer --from abc --to "$pp" --quantity 1
reject "bad vintage is 1003" 1003 issue --to "$gov" --quantity 1 --vintage 1800
reject "issue into a retirement account is 2004" 2004 issue --to "$ret" --quantity 1 --vintage 2020
reject "same account is 2003" 2003 transfer --from "$gov" --to "$gov" --quantity 1
reject "unknown account type is 1007" 1007 account open --holder X --type bogus
reject "closing a non-empty account is 2005" 2005 account close "$gov"
check "rejected requests left every table unchanged" "$before" "$(tables)"

closed=$("$a6reg" account open --holder "Short-lived" --type holding)
"$a6reg" account close "$closed" >/dev/null; check "closing an empty account" 0 $?
reject "transfer into a closed account is 2002" 2002 transfer --from "$gov" --to "$closed" --quantity 1

"$a6reg" transfer --from "$gov" 2>/dev/null; check "missing option is a usage error (2)" 2 $?
"$a6reg" frobnicate 2>/dev/null; check "unknown command is a usage error (2)" 2 $?
"$a6reg" transfer --from 1 --to 2 --quantity 1 --bogus 2>/dev/null; check "unknown option is a usage error (2)" 2 $?
msg=$("$a6reg" transfer --from "$gov" --to "$pp" --quantity 0 2>&1 >/dev/null)
case "$msg" in *1001*quantity*) ok "text error names the check code and the field" ;; *) not_ok "text error names the check code and the field" "$msg" ;; esac

check "history lists transactions" 1 "$("$a6reg" history --json | json 'int(len(d) >= 6)')"
check "account history: only its transactions, newest first" "cancel retire retire transfer" \
    "$("$a6reg" history "$pp" --json | json '" ".join(t["type"] for t in d)')"
check "account history --limit" 1 "$("$a6reg" history "$gov" --limit 1 --json | json 'len(d)')"
"$a6reg" verify >/dev/null; check "verify passes on a clean registry" 0 $?
"$testdb" sql "$A6REG_DB" "UPDATE blocks SET account_id = $jp WHERE account_id = $pp AND vintage = 2019"
msg=$("$a6reg" verify 2>&1)
check "verify exits 1 after a direct edit" 1 $?
case "$msg" in *"blocks row"*) ok "verify names the edited record" ;; *) not_ok "verify names the edited record" "$msg" ;; esac

tap_done
