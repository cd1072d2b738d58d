#!/usr/bin/env bash
# test_cycle.sh: the project cycle end to end through the a6reg command (TAP): the real JCM Viet Nam
# import (counts, the VN001 2017 split, idempotency, a malformed file changing nothing), a project
# through validation and registration, a PoA with 50 CPAs included without any committee step,
# monitoring to issuance, and every bad input the cycle must refuse.
set -u
a6reg=${1:?usage: test_cycle.sh A6REG_BINARY DATA_DIR}
data=${2:?usage: test_cycle.sh A6REG_BINARY DATA_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/tap.sh"
export A6REG_DB=$("$testdb" new "$work" registry)

sql() { "$testdb" sql "$A6REG_DB" "$1"; }
tables() { "$testdb" sql "$A6REG_DB" "SELECT * FROM methodologies; SELECT * FROM activities; SELECT * FROM activity_events; SELECT * FROM monitoring_periods; SELECT * FROM allocations; SELECT * FROM accounts; SELECT * FROM blocks; SELECT seq, hash FROM audit_log;" | sha256sum; }

# --- the real JCM Viet Nam data ---
"$a6reg" import jcm "$data" >"$work/import.txt" 2>&1
check "import of the real data exits 0" 0 $?
check "20 activities" 20 "$(sql "SELECT COUNT(*) FROM activities")"
check "14 registered" 14 "$(sql "SELECT COUNT(*) FROM activities WHERE state = 'registered'")"
check "6 under validation" 6 "$(sql "SELECT COUNT(*) FROM activities WHERE state = 'under_validation'")"
check "15 methodologies" 15 "$(sql "SELECT COUNT(*) FROM methodologies")"
check "registration dates from 2015-08-04 to 2019-05-28" "2015-08-04|2019-05-28" \
    "$(sql "SELECT MIN(registered_on), MAX(registered_on) FROM activities")"
check "VN001 2017 issuance split 201/29/58" "partner:201 host:29 participants:58" \
    "$("$a6reg" activity show VN001 | json '" ".join("%s:%d" % (a["side"], a["quantity"]) for a in d["periods"][0]["allocations"])')"
check "VN001 notified on 2017-10-10" 2017-10-10 "$("$a6reg" activity show VN001 | json 'd["periods"][0]["notified_on"]')"
check "host shares of VN001 issued into this registry (29 + 58)" 87 "$(sql "SELECT SUM(quantity) FROM issuances")"
check "blank cells are reported as missing, not invented" 1 \
    "$(grep -c 'VN003: expected_annual_tco2e not published' "$work/import.txt")"
check "VN003's unknown expected reductions stay empty" "" "$(sql "SELECT expected_annual_tco2e FROM activities WHERE ref = 'VN003'")"
check "VN017 expects 48,237 t/yr" 48237 "$(sql "SELECT expected_annual_tco2e FROM activities WHERE ref = 'VN017'")"
check "VN011 uses two methodologies" 2 "$(sql "SELECT COUNT(*) FROM activity_methodologies am JOIN activities a ON a.id = am.activity_id WHERE a.ref = 'VN011'")"
before=$(tables)
"$a6reg" import jcm "$data" >/dev/null 2>&1
check "re-import exits 0" 0 $?
check "re-import changes nothing" "$before" "$(tables)"
"$a6reg" verify >/dev/null; check "verify passes after import" 0 $?
timeline=$("$a6reg" timeline VN001 --json)
check "timeline VN001: registered on 2015-08-04" 2015-08-04 "$(echo "$timeline" | json 'd["steps"][0]["date"]')"
check "timeline VN001: 467 days from end of monitoring to notification" 467 \
    "$(echo "$timeline" | json 'd["periods"][0]["days_end_to_notification"]')"

# a malformed projects file: nothing of it is applied, the error names file, line and column
bad="$work/bad"
mkdir "$bad"
cp "$data"/*.csv "$bad"/
sed -i 's/^VN001,\(.*\),registered,2015-08-04,/VN001,\1,registered,2015-13-04,/' "$bad/jcm_vn_projects.csv"
sed -i 's/^VN002,/VN902,/' "$bad/jcm_vn_projects.csv"
registry_db=$A6REG_DB
export A6REG_DB=$("$testdb" new "$work" bad)
msg=$("$a6reg" import jcm "$bad" 2>&1)
check "malformed file: exit 1" 1 $?
case "$msg" in *"jcm_vn_projects.csv:2:8 (registration_date)"*) ok "error names file, line and column" ;; *) not_ok "error names file, line and column" "$msg" ;; esac
check "nothing of the malformed file is applied" 0 "$(sql "SELECT COUNT(*) FROM activities")"
check "the other files are applied" 15 "$(sql "SELECT COUNT(*) FROM methodologies")"
printf 'code,version\nX,1\n' >"$bad/jcm_vn_methodologies.csv"
msg=$("$a6reg" import jcm "$bad" 2>&1)
case "$msg" in *"jcm_vn_methodologies.csv:1:3"*) ok "a wrong header is reported" ;; *) not_ok "a wrong header is reported" "$msg" ;; esac
export A6REG_DB=$registry_db

# --- a project through its cycle ---
"$a6reg" methodology add --code VN_AM016 --version Ver1.0 --title "Biogas recovery" >/dev/null
check "methodology add" 0 $?
reject "duplicate methodology is 5015" 5015 methodology add --code VN_AM016 --version Ver1.0
reject "unknown methodology is 5002" 5002 activity add --ref VN021 --kind project --title "Biogas" --methodology VN_AM999
"$a6reg" activity add --ref VN021 --kind project --title "Biogas in Dong Nai" --methodology VN_AM016 \
    --host-participant "Dong Nai Biogas JSC" --partner-participant "Example KK" --partner-party JPN \
    --technology biogas --expected-annual 12000 >/dev/null
check "activity add" 0 $?
reject "duplicate reference is 5014" 5014 activity add --ref VN021 --kind project --title "Again"
check "a new activity is a draft" draft "$(sql "SELECT state FROM activities WHERE ref = 'VN021'")"
reject "validate from draft is 5001" 5001 activity advance VN021 validate --role auditor --date 2026-01-05
msg=$("$a6reg" activity advance VN021 validate --role auditor --date 2026-01-05 2>&1)
case "$msg" in *"current state draft; allowed: submit, withdraw"*) ok "5001 names the current state and the allowed events" ;; *) not_ok "5001 names the current state and the allowed events" "$msg" ;; esac
"$a6reg" activity advance VN021 submit --role participant --date 2026-01-05 >/dev/null; check "submit" 0 $?
reject "a participant cannot validate (7001)" 7001 activity advance VN021 start_validation --role participant --date 2026-01-06
reject "a date in the future is 5009" 5009 activity advance VN021 start_validation --role auditor --date 2099-01-01
reject "a date before the previous event is 5010" 5010 activity advance VN021 start_validation --role auditor --date 2025-12-01
reject "a malformed date is 1013" 1013 activity advance VN021 start_validation --role auditor --date 2026-02-30
"$a6reg" activity advance VN021 start_validation --role auditor --date 2026-01-10 >/dev/null; check "start validation" 0 $?
"$a6reg" activity advance VN021 validate --role auditor --date 2026-03-01 \
    --document-title "Validation report" --document-sha256 "$(printf x | sha256sum | cut -d' ' -f1)" >/dev/null
check "validate with a document reference" 0 $?
"$a6reg" activity advance VN021 register --role committee --date 2026-04-15 >/dev/null; check "register" 0 $?
check "registered with its date" "registered|2026-04-15" "$(sql "SELECT state, registered_on FROM activities WHERE ref = 'VN021'")"
check "every transition is dated and attributed" 4 "$(sql "SELECT COUNT(*) FROM activity_events e JOIN activities a ON a.id = e.activity_id WHERE a.ref = 'VN021' AND e.event <> 'create' AND e.occurred_on IS NOT NULL AND e.role <> '' AND e.actor <> ''")"

# --- monitoring to issuance ---
period=$("$a6reg" monitoring add VN021 --start 2026-04-15 --end 2026-09-30 --claimed 5000 --date 2026-10-05 | cut -d' ' -f2)
check "monitoring add prints the period" 1 "$([ -n "$period" ] && echo 1)"
reject "an overlapping period is 5005" 5005 monitoring add VN021 --start 2026-09-30 --end 2026-10-01 --claimed 10 --date 2026-10-05
reject "end before start is 5010" 5010 monitoring add VN021 --start 2026-10-20 --end 2026-10-10 --claimed 10 --date 2026-10-25
reject "monitoring of an unregistered activity is 5013" 5013 monitoring add VN017 --start 2026-01-01 --end 2026-02-01 --claimed 10 --date 2026-03-01
reject "request before verification is 5011" 5011 monitoring request "$period" --date 2026-10-06
reject "verified above claimed is 5006" 5006 monitoring verify "$period" --verified 5001 --date 2026-10-20
"$a6reg" monitoring verify "$period" --verified 4800 --date 2026-10-20 >/dev/null; check "verify" 0 $?
"$a6reg" monitoring request "$period" --date 2026-10-22 >/dev/null; check "request" 0 $?
reject "allocations not summing is 5007" 5007 monitoring notify "$period" --total 4800 --allocate "partner:Government of Japan:2400" --allocate "host:Government of Viet Nam:2000" --date 2026-11-01
reject "notified above verified is 5012" 5012 monitoring notify "$period" --total 4900 --allocate "host:Government of Viet Nam:4900" --date 2026-11-01
reject "unknown side is 1018" 1018 monitoring notify "$period" --total 4800 --allocate "moon:X:4800" --date 2026-11-01
before=$(tables)
reject "issuance before notification is 5011" 5011 monitoring issue "$period" --date 2026-11-02
check "rejected steps changed nothing" "$before" "$(tables)"
"$a6reg" monitoring notify "$period" --total 4800 --allocate "partner:Government of Japan:2400" \
    --allocate "host:Government of Viet Nam:400" --allocate "host:Dong Nai Biogas JSC:2000" --date 2026-11-01 >/dev/null
check "notify" 0 $?
gov=$(sql "SELECT id FROM accounts WHERE holder = 'Government of Viet Nam'")
before_gov=$("$a6reg" holdings "$gov" --json | json 'd["total"]')
"$a6reg" monitoring issue "$period" --date 2026-11-03 >/dev/null; check "issue" 0 $?
check "the host government's share is issued into its account" $((before_gov + 400)) "$("$a6reg" holdings "$gov" --json | json 'd["total"]')"
check "the participant's share is issued into an account opened for it" 2000 \
    "$(sql "SELECT SUM(b.last_serial - b.first_serial + 1) FROM blocks b JOIN accounts a ON a.id = b.account_id WHERE a.holder = 'Dong Nai Biogas JSC'")"
check "the partner's share is recorded as notified to the partner registry" notified_to_partner \
    "$(sql "SELECT status FROM allocations WHERE period_id = $period AND side = 'partner'")"
check "the issued units carry the vintage of the period" 2026 "$(sql "SELECT DISTINCT vintage FROM issuances WHERE period_id = $period")"
reject "a second issuance of the period is 5008" 5008 monitoring issue "$period" --date 2026-11-04
check "issued never exceeds verified" 1 "$(sql "SELECT CASE WHEN (SELECT SUM(quantity) FROM issuances WHERE period_id = $period) <= 4800 THEN 1 ELSE 0 END")"

# --- a PoA with 50 CPAs, no committee step for them ---
"$a6reg" activity add --ref PoA001 --kind poa --title "Rooftop solar programme" --methodology VN_AM007 \
    --criteria "Rooftop PV of 0.1 to 5 MW on industrial roofs in Viet Nam" --coordinator "Solar Coordination JSC" >/dev/null
check "PoA add" 0 $?
reject "a CPA of an unknown PoA is 5017" 5017 activity add --ref CPA999 --kind cpa --title "Site" --parent NOPE
"$a6reg" activity add --ref PoA001-CPA000 --kind cpa --title "Early site" --parent PoA001 >/dev/null
"$a6reg" activity advance PoA001-CPA000 submit --role participant --date 2026-05-01 >/dev/null
reject "inclusion into an unregistered PoA is 5004" 5004 poa include PoA001 PoA001-CPA000 --date 2026-05-02
for step in "submit participant" "start_validation auditor" "validate auditor" "register committee"; do
    set -- $step
    "$a6reg" activity advance PoA001 "$1" --role "$2" --date 2026-05-10 >/dev/null || not_ok "PoA $1"
done
check "the PoA is registered once" registered "$(sql "SELECT state FROM activities WHERE ref = 'PoA001'")"
for i in $(seq -w 1 50); do
    "$a6reg" activity add --ref "PoA001-CPA$i" --kind cpa --title "Rooftop site $i" --parent PoA001 >/dev/null &&
        "$a6reg" activity advance "PoA001-CPA$i" submit --role participant --date 2026-06-01 >/dev/null &&
        "$a6reg" poa include PoA001 "PoA001-CPA$i" --role auditor --date 2026-06-15 >/dev/null || not_ok "CPA $i"
done
check "50 CPAs included" 50 "$(sql "SELECT COUNT(*) FROM activities WHERE parent_id = (SELECT id FROM activities WHERE ref = 'PoA001') AND state = 'included'")"
check "no committee step for any CPA" 0 "$(sql "SELECT COUNT(*) FROM activity_events e JOIN activities a ON a.id = e.activity_id WHERE a.kind = 'cpa' AND e.role = 'committee'")"
reject "the committee cannot include a CPA (7001)" 7001 poa include PoA001 PoA001-CPA000 --role committee --date 2026-06-15
reject "a CPA cannot be registered (5001)" 5001 activity advance PoA001-CPA000 register --role committee --date 2026-06-15
check "CPAs listed with their PoA" 51 "$("$a6reg" activity list --kind cpa --json | json 'len([a for a in d if a["parent"] == "PoA001"])')"
cpa_period=$("$a6reg" monitoring add PoA001-CPA01 --start 2026-06-15 --end 2026-08-31 --claimed 300 --date 2026-09-05 | cut -d' ' -f2)
check "an included CPA is monitored on its own" 1 "$([ -n "$cpa_period" ] && echo 1)"
"$a6reg" verify >/dev/null; check "verify passes at the end" 0 $?

tap_done
