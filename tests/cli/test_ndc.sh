#!/usr/bin/env bash
# test_ndc.sh: the NDC and the emissions balance through the a6reg command (TAP): refusal without
# an NDC, bad inputs, and the worked example of spec/ARTICLE6.md under both methods (first
# transfers of 10,000 / 20,000 / 30,000 / 40,000 t in 2026 / 2027 / 2029 / 2030).
set -u
a6reg=${1:?usage: test_ndc.sh A6REG_BINARY}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/tap.sh"
export A6REG_DB=$("$testdb" new "$work" registry)

"$a6reg" init >/dev/null
reject "no NDC: the balance refuses (4018), never a silent zero" 4018 ndc balance
reject "an unknown method is 4009" 4009 ndc set --first-year 2021 --last-year 2030 --target-year 2030 --method guess
reject "a target year outside the period is 4017" 4017 ndc set --first-year 2021 --last-year 2030 --target-year 2035 --method trajectory
"$a6reg" ndc set --first-year 2021 --last-year 2030 --target-year 2030 --method trajectory \
    --bau 927900000 --unconditional-bp 1580 --conditional-bp 4350 >/dev/null
check "ndc set" 0 $?
for year in $(seq 2021 2030); do
    "$a6reg" ndc inventory --year "$year" --emissions 700000000 >/dev/null || not_ok "inventory $year"
done
# First transfers are the ledger's records (written by authorized first transfers, see
# test_aef.sh): to check the arithmetic on the worked example, the test records them directly.
"$testdb" sql "$A6REG_DB" "INSERT INTO first_transfers(id, year, quantity, occurred_on, created_at)
    VALUES (1, 2026, 10000, '2026-06-01', 't'), (2, 2027, 20000, '2027-06-01', 't'),
    (3, 2029, 30000, '2029-06-01', 't'), (4, 2030, 40000, '2030-06-01', 't')"
balance=$("$a6reg" ndc balance --json)
check "the target level is BAU x (1 - 15.80%)" 781291800 "$(echo "$balance" | json 'd["target_level_tco2e"]')"
check "trajectory: adjustments 10,000 / 20,000 / 0 / 30,000 / 40,000 in 2026-2030" "10000 20000 0 30000 40000" \
    "$(echo "$balance" | json '" ".join(str(y["adjustment_tco2e"]) for y in d["years"][5:])')"
check "trajectory: 2030 adjusted emissions are E(2030) + 40,000" 700040000 \
    "$("$a6reg" ndc balance --year 2030 --json | json 'd["years"][0]["adjusted_tco2e"]')"
check "trajectory: distance to the target in 2030" -81251800 \
    "$("$a6reg" ndc balance --year 2030 --json | json 'd["years"][0]["distance_tco2e"]')"
"$a6reg" ndc set --first-year 2021 --last-year 2030 --target-year 2030 --method averaging \
    --bau 927900000 --unconditional-bp 1580 >/dev/null
check "averaging: 2030 adjustment is 100,000 / 10" 10000 \
    "$("$a6reg" ndc balance --year 2030 --json | json 'd["years"][0]["adjustment_tco2e"]')"
check "averaging: 2030 adjusted emissions are E(2030) + 10,000" 700010000 \
    "$("$a6reg" ndc balance --year 2030 --json | json 'd["years"][0]["adjusted_tco2e"]')"
check "averaging: earlier years are indicative" True \
    "$("$a6reg" ndc balance --year 2027 --json | json 'd["years"][0]["indicative"]')"
reject "a year outside the period is 4017" 4017 ndc balance --year 2035
# The worked example's first transfers have no ledger actions behind them: verify says so, and
# passes once they are gone.
check "verify refuses first transfers without their First transfer action" 1 "$("$a6reg" verify >/dev/null 2>&1; echo $?)"
"$testdb" sql "$A6REG_DB" "DELETE FROM first_transfers"
"$a6reg" verify >/dev/null; check "verify passes (NDC changes are audited)" 0 $?
check "NDC changes are in the audit log" 1 "$("$testdb" sql "$A6REG_DB" "SELECT CASE WHEN COUNT(*) > 0 THEN 1 ELSE 0 END FROM audit_log WHERE action = 'ndc.set'")"
tap_done
