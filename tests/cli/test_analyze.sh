#!/usr/bin/env bash
# test_analyze.sh: `a6reg analyze lag|portfolio|finance` on the real JCM Viet Nam data (TAP). Every
# expected figure is computed by hand from data/jcm-vn/jcm_vn_issuances.csv and
# jcm_vn_projects.csv, as of 2026-02-02 with the default 12-month service level:
#   VN001 ended 2016-06-30, notified 2017-10-10, issued (date unpublished): 365 + 102 = 467 days,
#         15 whole months, past its 2017-06-30 deadline (late, issued: stuck nowhere);
#   VN004 end of monitoring unpublished, notified 2017-10-10, not issued: lag unknown, waiting for
#         issuance 3037 days (2017-10-10 to 2026-02-02);
#   VN005 ended 2017-09-30, notified on an unpublished date, not issued: 3047 days (100 months) to
#         2026-02-02, late, stuck in issuance;
#   VN008 no date published: unknown.
# Nearest-rank over the known totals 467, 3047: median 467, p90 3047. 2017-10-10 has two
# notifications (288 + 151 = 439 t): a batch only with --batch-threshold 2.
set -u
a6reg=${1:?usage: test_analyze.sh A6REG_BINARY DATA_DIR}
data=${2:?usage: test_analyze.sh A6REG_BINARY DATA_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/tap.sh"
export A6REG_DB=$("$testdb" new "$work" registry)

"$a6reg" init >/dev/null && "$a6reg" import jcm "$data" >/dev/null 2>&1
check "the real data is imported" 0 $?

lag=$("$a6reg" analyze lag --json --as-of 2026-02-02)
check "lag exits 0" 0 $?
# field values of one activity's period, space-separated
row() { echo "$lag" | json "' '.join(str([p for p in d['periods'] if p['activity'] == '$1'][0][k]) for k in '$2'.split())"; }
check "as_of and default service level" "2026-02-02 12 None 3" \
    "$(echo "$lag" | json 'd["as_of"], d["service_level"]["months"], d["service_level"]["days"], d["batch_threshold"]' | tr -d "(),'")"
check "four periods, by activity" "VN001 VN004 VN005 VN008" "$(echo "$lag" | json '" ".join(p["activity"] for p in d["periods"])')"
check "VN001: 467 days end of monitoring to notification" 467 "$(row VN001 days_to_notification)"
check "VN001: total 467 days, 15 months, measured to the notification" "467 15 notified" \
    "$(row VN001 'total_days total_months basis')"
check "VN001: late, deadline 2017-06-30, stuck nowhere" "True 2017-06-30 None" \
    "$(row VN001 'late deadline stuck_stage')"
check "VN004: lag unknown, waiting 3037 days for issuance" "unknown None issuance 3037 False" \
    "$(row VN004 'basis total_days waiting_stage waiting_days late')"
check "VN005: open 3047 days (100 months), late, stuck in issuance" "open 3047 100 True issuance" \
    "$(row VN005 'basis total_days total_months late stuck_stage')"
check "VN008: nothing known" "unknown None None" "$(row VN008 'basis total_days end')"
check "summary: 4 periods, 3 open, 2 late, 1 stuck (in issuance), 2 unknown" "4 3 2 1 1 2" \
    "$(echo "$lag" | json "' '.join(str(d['summary'][k]) for k in ('periods','open','late','stuck')) + ' ' + str(d['summary']['stuck_by_stage']['issuance']) + ' ' + str(d['summary']['unknown'])")"
check "total lag: nearest rank over 467, 3047" "2 467 467 3047 3047" \
    "$(echo "$lag" | json "' '.join(str(d['distribution']['total'][k]) for k in ('count','min_days','median_days','p90_days','max_days'))")"
check "histogram: 15 months in [12,18), 100 months in the open last bucket" "2:1 15:1" \
    "$(echo "$lag" | json "' '.join('%d:%d' % (i, b['count']) for i, b in enumerate(d['histogram']['buckets']) if b['count'])")"
check "no batch at the default threshold of 3" 0 "$(echo "$lag" | json 'len(d["batches"])')"
check "2017-10-10 is a batch of 2 periods, 439 t, at threshold 2" "2017-10-10 2 439" \
    "$("$a6reg" analyze lag --json --as-of 2026-02-02 --batch-threshold 2 | json "' '.join(str(d['batches'][0][k]) for k in ('notified_on','periods','notified_tco2e'))")"
check "a 500-day service level: VN001 is on time" "False" \
    "$("$a6reg" analyze lag --json --as-of 2026-02-02 --service-level-days 500 | json "[p for p in d['periods'] if p['activity']=='VN001'][0]['late']")"
check "as of 2018-09-30, VN005 is exactly at its deadline: not late" "False 365" \
    "$("$a6reg" analyze lag --json --as-of 2018-09-30 | json "' '.join(str([p for p in d['periods'] if p['activity']=='VN005'][0][k]) for k in ('late','total_days'))")"
text=$("$a6reg" analyze lag --as-of 2026-02-02)
case "$text" in *"VN005"*"stuck in issuance"*) ok "text output names the stuck period" ;; *) not_ok "text output names the stuck period" "$text" ;; esac
reject "service level of 0 months refused" 1027 analyze lag --service-level-months 0
reject "service level of 241 months refused" 1027 analyze lag --service-level-months 241
reject "both service levels refused" 1027 analyze lag --service-level-months 6 --service-level-days 30
reject "batch threshold 1 refused" 1027 analyze lag --batch-threshold 1
reject "a non-number refused" 1021 analyze lag --batch-threshold three
reject "a bad date refused" 1013 analyze lag --as-of 2026-02-30
check "the error names the field" service_level_months \
    "$("$a6reg" --json analyze lag --service-level-months 0 | json 'd["error"]["field"]')"

# --- portfolio: 20 projects, 14 registered, 6 under validation ---
portfolio=$("$a6reg" analyze portfolio --json)
check "portfolio exits 0" 0 $?
check "20 activities, 14 registered, 6 under validation" "20 14 6" \
    "$(echo "$portfolio" | json "' '.join(str(x) for x in (d['all']['activities'], d['by_state']['registered'], d['by_state']['under_validation']))")"
check "pipeline VN015..VN020 expecting 48,237 t/yr (VN017)" "VN015 VN016 VN017 VN018 VN019 VN020 48237" \
    "$(echo "$portfolio" | json "' '.join(d['pipeline']['refs']) + ' ' + str(d['pipeline']['expected_annual_tco2e'])")"
check "registrations per year 2015..2019" "2015:2 2016:2 2017:1 2018:4 2019:5" \
    "$(echo "$portfolio" | json "' '.join('%d:%d' % (y['year'], y['registered']) for y in d['registrations_per_year'])")"
check "credits by side: host 29+16, partner 201+76+95+1239, participants 58+59" "45 1611 117 1773" \
    "$(echo "$portfolio" | json "' '.join(str(d['credits_by_side'][k]) for k in ('host','partner','participants','total'))")"
check "notified 288+151+189+2477, issued 288 (VN001)" "3105 288" \
    "$(echo "$portfolio" | json "'%d %d' % (d['all']['notified_tco2e'], d['all']['issued_tco2e'])")"
check "expected 328 + 574 + 48237 from the 3 that publish it" "49139 3" \
    "$(echo "$portfolio" | json "'%d %d' % (d['all']['expected_annual_tco2e'], d['all']['expected_known'])")"
check "7 technology groups; solar PV: 4 activities, 1 registered" "7 4 1" \
    "$(echo "$portfolio" | json "' '.join(str(x) for x in [len(d['technologies'])] + [[t['activities'], t['registered']] for t in d['technologies'] if t['name']=='solar-pv'][0])")"

# --- finance: the JCM rates and the PoA comparison (hand-computed in tests/unit/test_finance.c) ---
finance=$("$a6reg" analyze finance --json)
check "finance exits 0" 0 $?
check "support 50/40/40/30/30 % of 1,000,000, consulting 10 %" "500000:50000 400000:40000 400000:40000 300000:30000 300000:30000" \
    "$(echo "$finance" | json "' '.join('%d:%d' % (s['support'], s['consulting']) for s in d['support_schedule'])")"
check "10 sites: project by project 1,350,000 (13.50/t), PoA 270,000 (2.70/t)" "1350000 13.50 270000 2.70" \
    "$(echo "$finance" | json "' '.join(str(d['scenarios'][k][f]) for k in ('project_by_project','poa') for f in ('transaction_cost','cost_per_tco2e'))")"
check "days to first issuance 1090 / 1185, last site 1900 / 1215" "1090 1900 1185 1215" \
    "$(echo "$finance" | json "' '.join(str(d['scenarios'][k][f]) for k in ('project_by_project','poa') for f in ('days_to_first_issuance','days_to_last_site_issuance'))")"
check "4th and 5th project of a technology, 2 sites: 300,000 + 300,000" "600000 600000" \
    "$("$a6reg" analyze finance --json --technology-count 4 --sites 2 | json "'%d %d' % (d['scenarios']['project_by_project']['support'], d['scenarios']['poa']['support'])")"
check "custom costs: validation 0 and verification 1 per project" 20 \
    "$("$a6reg" analyze finance --json --sites 2 --project-validation-cost 0 --project-registration-cost 0 --project-verification-cost 2 --verification-count 5 | json "d['scenarios']['project_by_project']['transaction_cost']")"
reject "0 sites refused" 1027 analyze finance --sites 0
reject "a support rate above 100 % refused" 1027 analyze finance --support-first-bp 10001
reject "a negative cost refused" 1027 analyze finance --poa-validation-cost -1
reject "a non-number refused" 1021 analyze finance --investment 1e6
check "the error names the field" investment "$("$a6reg" --json analyze finance --investment 0 | json 'd["error"]["field"]')"
"$a6reg" analyze finance --no-such-option >/dev/null 2>&1
check "an unknown option is a usage error" 2 $?
"$a6reg" analyze >/dev/null 2>&1
check "analyze without a command is a usage error" 2 $?
"$a6reg" analyze nothing >/dev/null 2>&1
check "an unknown analysis is a usage error" 2 $?
"$a6reg" analyze finance --help | grep -q -- "--cpa-inclusion-days"
check "finance --help lists every parameter" 0 $?
tap_done
