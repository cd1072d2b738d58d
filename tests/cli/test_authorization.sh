#!/usr/bin/env bash
# test_authorization.sh: the national authorization framework through the a6reg command (TAP):
# only the authority sets the policy; a request is evaluated rule by rule (ineligible sector,
# share of verified reductions, the NDC safeguard refusing without NDC data); a refusal changes
# nothing; only the authority decides; authorized quantities count against the share.
set -u
a6reg=${1:?usage: test_authorization.sh A6REG_BINARY}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/tap.sh"
export A6REG_DB=$("$testdb" new "$work" registry)
tables() { "$testdb" sql "$A6REG_DB" "SELECT * FROM policies; SELECT * FROM authorizations; SELECT seq, hash FROM audit_log;" | sha256sum; }
rules() { json '" ".join(r["rule"] + ":" + ("ok" if r["passed"] else "FAIL") for r in d["evaluation"])'; }

"$a6reg" init >/dev/null
"$a6reg" approach add CA0001 --name "JCM Japan-Viet Nam" --partner JPN --partner-registry JPN01 \
    --ndc-first-transfer issuance --unit-registry JCM --role authority >/dev/null
"$a6reg" activity add --ref VN101 --kind project --title "Rooftop solar" --technology solar-pv \
    --sector energy >/dev/null
for step in "submit participant" "start_validation auditor" "validate auditor" "register committee"; do
    set -- $step
    "$a6reg" activity advance VN101 "$1" --role "$2" --date 2026-01-10 >/dev/null || not_ok "VN101 $1"
done
period=$("$a6reg" monitoring add VN101 --start 2026-01-10 --end 2026-06-30 --claimed 1000 --date 2026-07-05 | cut -d' ' -f2)
"$a6reg" monitoring verify "$period" --verified 1000 --date 2026-07-10 >/dev/null

reject "no policy in force: 4011" 4011 authorization request VN101 --quantity 10 --vintages 2026-2030 --purpose NDC
policy=(--sector energy --technology solar-pv --purpose NDC --max-share-bp 5000 --vintages 2021-2030 --target-year 2030)
reject "only the authority sets the policy (7001)" 7001 policy set --role participant "${policy[@]}"
"$a6reg" policy set --role authority "${policy[@]}" >/dev/null; check "the authority sets the policy" 0 $?
check "the policy is versioned" 1 "$("$a6reg" policy show | json 'd["version"]')"

before=$(tables)
out=$("$a6reg" --json authorization request VN101 --quantity 10 --vintages 2026-2030 --purpose NDC)
check "without NDC data the safeguard refuses (4018), never passes silently" 4018 "$(echo "$out" | json 'd["error"]["code"]')"
check "every rule's result is shown" "policy-valid:ok purpose-allowed:ok sector-eligible:ok technology-eligible:ok vintage-window:ok quantity-valid:ok share-of-reductions:ok ndc-safeguard:FAIL" "$(echo "$out" | rules)"
check "a refusal changes nothing" "$before" "$(tables)"

"$a6reg" ndc set --first-year 2021 --last-year 2030 --target-year 2030 --method trajectory \
    --bau 927900000 --unconditional-bp 1580 >/dev/null
"$a6reg" ndc inventory --year 2030 --emissions 700000000 >/dev/null
reject "above 50% of the verified 1,000 t is 4014" 4014 authorization request VN101 --quantity 501 --vintages 2026-2030 --purpose NDC
reject "vintages outside the window are 4016" 4016 authorization request VN101 --quantity 10 --vintages 2019-2030 --purpose NDC
reject "a purpose the policy does not allow is 4015" 4015 authorization request VN101 --quantity 10 --vintages 2026-2030 --purpose OIMP --oimp-first-transfer issuance
reject "an unknown purpose is 4001" 4001 authorization request VN101 --quantity 10 --vintages 2026-2030 --purpose CORSIA
"$a6reg" activity add --ref VN102 --kind project --title "Cement kiln" --technology industrial-process --sector industry >/dev/null
reject "an unregistered cooperative approach is 4031" 4031 authorization request VN101 --quantity 10 --vintages 2026-2030 --purpose NDC --approach CA0002
reject "an OIMP purpose needs the first transfer definition (4006)" 4006 authorization request VN101 --quantity 10 --vintages 2026-2030 --purpose OIMP
reject "an unknown authorized entity is 4027" 4027 authorization request VN101 --quantity 10 --vintages 2026-2030 --purpose NDC --entity "Nobody Ltd"
reject "an ineligible sector is 4012" 4012 authorization request VN102 --quantity 1 --vintages 2026-2030 --purpose NDC
id=$("$a6reg" --json authorization request VN101 --quantity 400 --vintages 2026-2030 --purpose NDC | json 'd["id"]')
check "a request passing every rule is recorded" requested "$("$a6reg" authorization show "$id" | json 'd["status"]')"
reject "only the authority decides (7001)" 7001 authorization decide "$id" --approve --role participant
"$a6reg" authorization decide "$id" --approve --role authority --date 2026-07-15 >/dev/null
check "the authority authorizes" authorized "$("$a6reg" authorization show "$id" | json 'd["status"]')"
reject "a decided authorization cannot be decided again (5001)" 5001 authorization decide "$id" --decline --role authority
reject "authorized quantities count against the share: 400 + 200 > 500 is 4014" 4014 authorization request VN101 --quantity 200 --vintages 2026-2030 --purpose NDC
# 2030 inventory 300 t below the target: the 400 t in force plus 100 more would pass it.
"$a6reg" ndc inventory --year 2030 --emissions 781291500 >/dev/null
reject "the safeguard refuses what would push 2030 above the target (4019)" 4019 authorization request VN101 --quantity 100 --vintages 2026-2030 --purpose NDC
"$a6reg" verify >/dev/null; check "verify passes" 0 $?
tap_done
