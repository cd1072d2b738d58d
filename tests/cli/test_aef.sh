#!/usr/bin/env bash
# test_aef.sh: Article 6.2 from end to end through the a6reg command (TAP), on a clock set by
# faketime so the scenario does not depend on today's date: policy -> authorization of a JCM
# project -> issuance of host and partner shares (the partner's share first transferred at
# issuance) -> OIMP use with its first transfer -> cancellation -> NDC balance against hand-computed
# figures -> AEF report checked cell by cell in the XLSX (openpyxl), the CSV and the JSON -> year
# end: T4 frozen, submission, CA method locked -> a deliberately broken row caught by the checks.
# Bad input: every 4xxx refusal of the issue, each changing nothing.
set -u
real=${1:?usage: test_aef.sh A6REG_BINARY}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/tap.sh"
export A6REG_DB=$("$testdb" new "$work" registry)
# libfaketime is preloaded: tell AddressSanitizer it need not come first.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
export A6_NOW="2026-11-15 10:00:00"
printf '#!/bin/sh\nexec faketime -f "@$A6_NOW" "%s" "$@"\n' "$real" >"$work/a6reg"
chmod +x "$work/a6reg"
a6reg="$work/a6reg"
py=/usr/bin/python3 # Debian's, with python3-openpyxl
tables() { "$testdb" sql "$A6REG_DB" "SELECT * FROM accounts; SELECT * FROM blocks; SELECT * FROM issuances; SELECT * FROM aef_actions; SELECT * FROM first_transfers; SELECT * FROM ndc_uses; SELECT * FROM authorizations; SELECT seq, hash FROM audit_log;" | sha256sum; }
refused() { # refused DESCRIPTION CODE ARGS...: rejected with CODE and nothing changed
    local description=$1 before
    before=$(tables)
    reject "$@"
    check "$description: nothing changed" "$before" "$(tables)"
}

"$a6reg" init >/dev/null
"$a6reg" approach add CA0001 --name "JCM Japan-Viet Nam" --partner JPN --partner-registry JPN01 \
    --ndc-first-transfer issuance --unit-registry JCM --role authority >/dev/null
check "the authority registers the cooperative approach" 0 $?
reject "a partner registry ID is three letters and two digits (4002)" 4002 approach add CA0002 --name X --partner JPN --partner-registry JP1 --ndc-first-transfer issuance --role authority
reject "an approach is registered once (4034)" 4034 approach add CA0001 --name X --partner JPN --partner-registry JPN01 --ndc-first-transfer issuance --role authority
reject "only the authority registers approaches (7001)" 7001 approach add CA0003 --name X --partner JPN --partner-registry JPN01 --ndc-first-transfer issuance --role participant
"$a6reg" entity add "Japan Airlines Co" --country JPN --identification JP-1234567 --approach CA0001 \
    --conditions "CORSIA offsetting only" --date 2026-01-05 --role authority >/dev/null
check "the authority authorizes an entity (T5)" 0 $?
reject "an entity of an unknown approach is 4031" 4031 entity add "Other Co" --country JPN --identification X --approach CA0009 --role authority

"$a6reg" activity add --ref VN101 --kind project --title "Rooftop solar" --technology solar-pv \
    --sector energy >/dev/null
"$a6reg" activity add --ref VN102 --kind project --title "Cement kiln" --technology industrial-process \
    --sector industry >/dev/null
for ref in VN101 VN102; do
    for step in "submit participant" "start_validation auditor" "validate auditor" "register committee"; do
        set -- $step
        "$a6reg" activity advance "$ref" "$1" --role "$2" --date 2026-01-10 >/dev/null || not_ok "$ref $1"
    done
done
period=$("$a6reg" monitoring add VN101 --start 2026-01-10 --end 2026-06-30 --claimed 1000 --date 2026-07-05 | cut -d' ' -f2)
"$a6reg" monitoring verify "$period" --verified 1000 --date 2026-07-10 >/dev/null
"$a6reg" policy set --role authority --sector energy --technology solar-pv --purpose "NDC and OIMP" \
    --max-share-bp 5000 --vintages 2021-2030 --target-year 2030 >/dev/null
"$a6reg" ndc set --first-year 2021 --last-year 2030 --target-year 2030 --method trajectory \
    --bau 927900000 --unconditional-bp 1580 >/dev/null
"$a6reg" ndc inventory --year 2026 --emissions 300000000 --trajectory 310000000 >/dev/null
"$a6reg" ndc inventory --year 2030 --emissions 700000000 >/dev/null

refused "authorizing an ineligible sector is 4012" 4012 authorization request VN102 --quantity 10 --vintages 2026-2030 --purpose NDC
refused "authorizing more than the policy's share is 4014" 4014 authorization request VN101 --quantity 501 --vintages 2026-2030 --purpose "NDC and OIMP" --oimp-first-transfer "use or cancellation"
out=$("$a6reg" --json authorization request VN101 --quantity 500 --vintages 2026-2030 \
    --purpose "NDC and OIMP" --oimp-first-transfer "use or cancellation" --entity "Japan Airlines Co" \
    --terms "JCM rules of implementation")
auth=$(echo "$out" | json 'd["id"]')
check "the JCM project's authorization is requested" 1 "$auth"
"$a6reg" account open --holder "Vintage 2025 Co" --type holding >/dev/null # account 1
refused "units cannot be issued under an authorization not yet decided (4023)" 4023 issue --to 1 --quantity 1 --vintage 2026 --authorization "$auth"
"$a6reg" authorization decide "$auth" --approve --role authority --date 2026-07-15 >/dev/null
check "the authority authorizes it" authorized "$("$a6reg" authorization show "$auth" | json 'd["status"]')"
refused "a change is evaluated again: 600 t is above the share (4014)" 4014 authorization change "$auth" --quantity 600 --vintages 2026-2030 --role authority
reject "only the authority changes an authorization (7001)" 7001 authorization change "$auth" --quantity 500 --vintages 2026-2029 --role participant
"$a6reg" authorization change "$auth" --quantity 500 --vintages 2026-2029 --role authority --date 2026-07-16 >/dev/null
check "a change before any first transfer makes version 2" "2 2026 - 2029" \
    "$("$a6reg" authorization show "$auth" | json 'str(d["version"]) + " " + d["timeframe"]')"

"$a6reg" monitoring request "$period" --date 2026-07-20 >/dev/null
"$a6reg" monitoring notify "$period" --total 500 --allocate "host:Government of Viet Nam:100" \
    --allocate "participants:Solar Co:100" --allocate "partner:Government of Japan:300" --date 2026-10-20 >/dev/null
"$a6reg" monitoring issue "$period" --authorization "$auth" --date 2026-10-25 >/dev/null
check "the period is issued under the authorization" 0 $?
check "host shares into their accounts, the partner's share into the partner registry's account" \
    "Government of Viet Nam:holding:1-100 Solar Co:holding:101-200 JPN01:partner:201-500" \
    "$("$testdb" sql "$A6REG_DB" "SELECT a.holder || ':' || a.type || ':' || b.first_serial || '-' || b.last_serial FROM blocks b JOIN accounts a ON a.id = b.account_id ORDER BY b.first_serial" | tr '\n' ' ' | sed 's/ $//')"
check "every block issued carries the authorization" "3" "$("$testdb" sql "$A6REG_DB" "SELECT COUNT(*) FROM issuances WHERE authorization_id = $auth")"
check "the partner's share is first transferred at issuance: one CA entry" "2026|300|201|500|JPN|2026-10-25" \
    "$("$testdb" sql "$A6REG_DB" "SELECT year, quantity, first_serial, last_serial, acquiring_party, occurred_on FROM first_transfers")"

period2=$("$a6reg" monitoring add VN101 --start 2026-07-01 --end 2026-09-30 --claimed 10 --date 2026-10-26 | cut -d' ' -f2)
"$a6reg" monitoring verify "$period2" --verified 10 --date 2026-10-27 >/dev/null
"$a6reg" monitoring request "$period2" --date 2026-10-28 >/dev/null
"$a6reg" monitoring notify "$period2" --total 1 --allocate "host:Government of Viet Nam:1" --date 2026-10-29 >/dev/null
refused "issuing past the authorized quantity is 4020" 4020 monitoring issue "$period2" --authorization "$auth" --date 2026-10-30
refused "a vintage outside the authorized timeframe is 4021" 4021 issue --to 1 --quantity 1 --vintage 2025 --authorization "$auth"
refused "an unknown authorization is 4026" 4026 issue --to 1 --quantity 1 --vintage 2026 --authorization 99
"$a6reg" issue --to 1 --quantity 10 --vintage 2026 >/dev/null # plain units, not authorized
refused "using unauthorized units for OIMP is 4023" 4023 retire --from 1 --quantity 1 --action Use --purpose OIMP
refused "using unauthorized units for the NDC is 4023" 4023 retire --from 1 --quantity 1 --action Use --purpose NDC
refused "the host cannot use its own ITMOs towards its NDC (4030)" 4030 retire --from 3 --quantity 1 --action Use --purpose NDC
refused "a Use without a purpose is 4001" 4001 retire --from 3 --quantity 1 --action Use
refused "a using entity must be authorized (4027)" 4027 retire --from 3 --quantity 1 --action Use --purpose OIMP --using-entity "Nobody Ltd"
refused "a cancellation subtype must fit (4005)" 4005 cancel --from 2 --quantity 1 --action Cancellation --subtype Issuance

"$a6reg" retire --from 3 --quantity 50 --action Use --purpose OIMP --using-party JPN \
    --using-entity "Japan Airlines Co" >/dev/null
check "an OIMP use of ITMOs is accepted" 0 $?
check "the OIMP use is their first transfer (use or cancellation): one more CA entry" "101|150|2026" \
    "$("$testdb" sql "$A6REG_DB" "SELECT first_serial, last_serial, year FROM first_transfers WHERE id = 2")"
check "holdings show each ITMO block's unique identifier and authorization" "CA0001-VNM01-VNM-151-200-2026 1" \
    "$("$a6reg" --json holdings 3 | json 'd["blocks"][0]["itmo_id"] + " " + str(d["blocks"][0]["authorization"])')"
check "plain units carry no ITMO identifier" "None" "$("$a6reg" --json holdings 1 | json 'd["blocks"][0].get("itmo_id")')"
"$a6reg" cancel --from 2 --quantity 5 --action Cancellation --subtype "Voluntary cancellation for OMGE" >/dev/null
check "a cancellation for OMGE is accepted" 0 $?
check "first transfers are never repeated: two CA entries, 350 t" "2|350" \
    "$("$testdb" sql "$A6REG_DB" "SELECT COUNT(*), SUM(quantity) FROM first_transfers")"
refused "revoking after a first transfer is 4033" 4033 authorization revoke "$auth" --role authority
refused "changing after a first transfer is 4033" 4033 authorization change "$auth" --quantity 450 --vintages 2026-2029 --role authority
"$a6reg" activity add --ref VN103 --kind project --title "Biogas" --technology solar-pv --sector energy >/dev/null
for step in "submit participant" "start_validation auditor" "validate auditor" "register committee"; do
    set -- $step
    "$a6reg" activity advance VN103 "$1" --role "$2" --date 2026-02-10 >/dev/null || not_ok "VN103 $1"
done
period3=$("$a6reg" monitoring add VN103 --start 2026-02-10 --end 2026-08-31 --claimed 100 --date 2026-09-05 | cut -d' ' -f2)
"$a6reg" monitoring verify "$period3" --verified 100 --date 2026-09-10 >/dev/null
auth2=$("$a6reg" --json authorization request VN103 --quantity 50 --vintages 2026-2030 --purpose NDC | json 'd["id"]')
"$a6reg" authorization decide "$auth2" --approve --role authority --date 2026-09-15 >/dev/null
"$a6reg" authorization revoke "$auth2" --role authority --date 2026-11-01 >/dev/null
check "an authorization with nothing first transferred can be revoked" "2026-11-01" \
    "$("$a6reg" authorization show "$auth2" | json 'd["revoked_on"]')"
refused "no unit is issued under a revoked authorization (4024)" 4024 issue --to 1 --quantity 1 --vintage 2026 --authorization "$auth2"

# NDC balance, by hand: F(2026) = 300 (partner share) + 50 (OIMP use) = 350, U(2026) = 0, so
# adjusted 2026 emissions are 300,000,000 + 350 = 300,000,350, 9,999,650 below the trajectory.
balance=$("$a6reg" ndc balance --year 2026 --json)
check "NDC balance 2026: first transferred, used, adjusted, trajectory, distance" \
    "350 0 300000350 310000000 -9999650" \
    "$(echo "$balance" | json '" ".join(str(d["years"][0][k]) for k in ("first_transferred_tco2e", "used_tco2e", "adjusted_tco2e", "target_tco2e", "distance_tco2e"))')"

"$a6reg" report aef --year 2026 --format xlsx -o "$work/aef.xlsx" >/dev/null
check "the AEF report is written as XLSX" 0 $?
"$a6reg" report aef --year 2026 --format csv -o "$work/csv" >/dev/null
check "the AEF report is written as CSV, one file per table" "T1.csv T2.csv T3.csv T4.csv T5.csv" "$(ls "$work/csv" | tr '\n' ' ' | sed 's/ $//')"
"$a6reg" report aef --year 2026 --format json -o "$work/aef.json" >/dev/null
check "the AEF report is written as JSON" 0 $?
cat >"$work/expected.py" <<'PY'
# The AEF tables of the scenario, written out by hand.
T3_HEADER = ["Action date", "Action type", "Action subtype", "Cooperative approach ID", "Authorization ID",
    "First transferring Party", "Party ITMO registry ID", "First ID", "Last ID",
    "Underlying unit registry ID", "First unit ID", "Last unit ID", "Metric", "GWP", "Non-GHG metric",
    "Quantity (t CO2 eq)", "Quantity (non-GHG)", "Mitigation type", "Vintage", "Transferring Party",
    "Acquiring Party", "Purpose used or cancelled for OIMP", "Using or cancelling Party",
    "Using or cancelling entity", "Calendar year used towards the NDC", "Result of the consistency checks",
    "Additional information"]
def t3(date, kind, subtype, first, last, acquiring=None, purpose=None, party=None, entity=None):
    return [date, kind, subtype, "CA0001", "VNM01-A1", "VNM", "VNM01", first, last, "JCM", first, last,
            "t CO2 eq", None, None, last - first + 1, None, "Emission reductions", 2026, None, acquiring,
            purpose, party, entity, None, None, "ITMO CA0001-VNM01-VNM-%d-%d-2026" % (first, last)]
T3 = [t3("2026-10-25", "First transfer", "First transfer to another Party", 201, 500, acquiring="JPN"),
      t3("2026-11-15", "First transfer", "Use or cancellation", 101, 150),
      t3("2026-11-15", "Use", None, 101, 150, purpose="OIMP", party="JPN", entity="Japan Airlines Co"),
      t3("2026-11-15", "Cancellation", "Voluntary cancellation for OMGE", 1, 5, party="VNM")]
def t4(first, last):
    return ["CA0001", "VNM01-A1", "VNM", "VNM01", first, last, "JCM", first, last, "t CO2 eq", None, None,
            last - first + 1, None, "Emission reductions", 2026, "ITMO CA0001-VNM01-VNM-%d-%d-2026" % (first, last)]
T4 = [t4(6, 100), t4(151, 200)]
T1 = ["VNM", "1.0", 2026, None, None, None, 2021, 2030, None]
T2 = ["VNM01-A1", "2026-07-16", "CA0001", 2, 500, "t CO2 eq", None, None, "energy", "solar-pv",
      "NDC and OIMP", "JPN", "Japan Airlines Co", "Yes", "2026 - 2029", "JCM rules of implementation", None,
      "use or cancellation", "activity VN101"]
T2_REVOKED = ["VNM01-A2", "2026-09-15", "CA0001", 1, 50, "t CO2 eq", None, None, "energy", "solar-pv", "NDC",
      "JPN", None, "No", "2026 - 2030", None, None, None, "activity VN103; revoked on 2026-11-01"]
T5 = ["2026-01-05", "Japan Airlines Co", "JPN", "JP-1234567", "CA0001", "CORSIA offsetting only", None, None]
PY
cat >"$work/xlsx.py" <<'PY'
import sys, openpyxl
sys.path.insert(0, sys.argv[2])
from expected import T1, T2, T2_REVOKED, T3, T3_HEADER, T4, T5
book = openpyxl.load_workbook(sys.argv[1], read_only=True)
def rows(title):
    return [list(r) for r in book[title].iter_rows(values_only=True)]
assert book.sheetnames == ["T1 Submission", "T2 Authorizations", "T3 Actions", "T4 Holdings",
                           "T5 Authorized entities"], book.sheetnames
for title, expected in (("T1 Submission", [T1]), ("T2 Authorizations", [T2, T2_REVOKED]), ("T4 Holdings", T4),
                        ("T5 Authorized entities", [T5])):
    got = rows(title)[1:]
    assert got == expected, (title, got, expected)
t3 = rows("T3 Actions")
assert t3[0] == T3_HEADER, t3[0]
for i, (got, want) in enumerate(zip(t3[1:], T3)):
    for c, (g, w) in enumerate(zip(got, want)):
        assert g == w and type(g) == type(w), ("T3 row %d %s" % (i + 1, T3_HEADER[c]), g, w)
assert len(t3) == len(T3) + 1, len(t3)
print("ok")
PY
check "XLSX: every cell of T1 to T5 as computed by hand (integers as numbers)" ok \
    "$("$py" "$work/xlsx.py" "$work/aef.xlsx" "$work" 2>&1 | tail -3)"
check "CSV: T3 has the AEF columns, in order" \
    "Action date,Action type,Action subtype,Cooperative approach ID,Authorization ID,First transferring Party,Party ITMO registry ID,First ID,Last ID,Underlying unit registry ID,First unit ID,Last unit ID,Metric,GWP,Non-GHG metric,Quantity (t CO2 eq),Quantity (non-GHG),Mitigation type,Vintage,Transferring Party,Acquiring Party,Purpose used or cancelled for OIMP,Using or cancelling Party,Using or cancelling entity,Calendar year used towards the NDC,Result of the consistency checks,Additional information" \
    "$(sed -n 1p "$work/csv/T3.csv" | tr -d '\r')"
check "CSV: the partner share's first transfer" \
    "2026-10-25,First transfer,First transfer to another Party,CA0001,VNM01-A1,VNM,VNM01,201,500,JCM,201,500,t CO2 eq,,,300,,Emission reductions,2026,,JPN,,,,,,ITMO CA0001-VNM01-VNM-201-500-2026" \
    "$(sed -n 2p "$work/csv/T3.csv" | tr -d '\r')"
check "JSON: same T3 as the XLSX" ok "$("$py" -c "
import json, sys
sys.path.insert(0, '$work')
from expected import T3, T3_HEADER, T4
d = json.load(open('$work/aef.json'))
assert [[r[c] for c in T3_HEADER] for r in d['T3']] == T3, d['T3']
assert len(d['T4']) == len(T4)
print('ok')" 2>&1 | tail -1)"
check "the report passes every consistency check" 0 "$("$a6reg" report aef --year 2026 --check >/dev/null; echo $?)"
refused "the year cannot be submitted before it ends (4032)" 4032 report aef --year 2026 --submit --role authority

# Year end: the first change of 2027 freezes the ITMO holdings as of 31 December 2026.
export A6_NOW="2027-01-10 09:00:00"
"$a6reg" transfer --from 3 --to 2 --quantity 20 >/dev/null
check "a transfer in the new year is accepted" 0 $?
check "T4 2026 is frozen as of 31 December" "6-100 151-200" \
    "$("$testdb" sql "$A6REG_DB" "SELECT first_serial || '-' || last_serial FROM aef_holdings WHERE year = 2026 ORDER BY first_serial" | tr '\n' ' ' | sed 's/ $//')"
reject "only the authority submits (7001)" 7001 report aef --year 2026 --submit --role participant
out=$("$a6reg" --json report aef --year 2026 --submit --role authority)
check "the authority submits the 2026 report" "False True" "$(echo "$out" | json 'str(d["draft"]) + " " + str(d["holdings_frozen"])')"
refused "the CA method cannot change once a year is reported (4025)" 4025 ndc set --first-year 2021 --last-year 2030 --target-year 2030 --method averaging --bau 927900000 --unconditional-bp 1580
"$a6reg" transfer --from 2 --to 3 --quantity 30 >/dev/null
"$a6reg" report aef --year 2026 --format json -o "$work/after.json" >/dev/null
check "after submission T1 carries the version and date; later transfers leave T4 unchanged" \
    "1.0 2027-01-10 [6, 151]" \
    "$("$py" -c "
import json
d = json.load(open('$work/after.json'))
t1 = d['T1'][0]
print(t1['Version'], t1['Date of submission'], [r['First ID'] for r in d['T4']])")"

"$a6reg" account open --holder "Registry OMGE" --type omge >/dev/null
omge=$("$testdb" sql "$A6REG_DB" "SELECT id FROM accounts WHERE type = 'omge'")
"$a6reg" cancel --from 3 --to "$omge" --quantity 1 >/dev/null
check "a cancellation into an OMGE account is reported as one, without --action" \
    "Cancellation|Voluntary cancellation for OMGE" \
    "$("$testdb" sql "$A6REG_DB" "SELECT action_type || '|' || action_subtype FROM aef_actions ORDER BY id DESC LIMIT 1")"

# A deliberately broken row: the checks name the table, row and rule, and nothing is written.
"$testdb" sql "$A6REG_DB" "UPDATE aef_actions SET action_type = 'First Transfer' WHERE id = 2"
out=$("$a6reg" --json report aef --year 2026 --format xlsx -o "$work/broken.xlsx" 2>/dev/null)
check "a misspelled action type fails the checks (4029)" 4029 "$(echo "$out" | json 'd["error"]["code"]')"
check "the failure names table, row and rule" "T3 2 action-type 4004" \
    "$(echo "$out" | json '" ".join(str(d["failures"][0][k]) for k in ("table", "row", "rule", "code"))')"
check "nothing is written when the checks fail" no "$([ -e "$work/broken.xlsx" ] && echo yes || echo no)"
out=$("$a6reg" verify 2>&1)
check "verify reports the edited AEF action against its audit record" "1 aef action 2 differs from its audit record" \
    "$?$(echo "$out" | grep -o ' aef action 2 differs from its audit record')"
"$testdb" sql "$A6REG_DB" "UPDATE first_transfers SET last_serial = 499 WHERE id = 1"
check "verify reports a first transfer without its action" 1 "$("$a6reg" verify >/dev/null 2>&1; echo $?)"
"$testdb" sql "$A6REG_DB" "UPDATE first_transfers SET last_serial = 500 WHERE id = 1"
"$testdb" sql "$A6REG_DB" "UPDATE aef_actions SET action_type = 'First transfer' WHERE id = 2"
"$a6reg" verify >/dev/null
check "verify passes" 0 $?
tap_done
