#!/usr/bin/env python3
"""analytics.py: the three public analyses over HTTP on the real JCM Viet Nam import (TAP): no
token needed, the figures agree with the hand-computed ones of tests/cli/test_analyze.sh (VN001
467 days to notification, VN005 stuck in issuance, the portfolio's 20 / 14 / 6, the JCM support
rates and the PoA comparison), the query parameters change the result, every bad parameter is a
400 naming its field, and the JSON is the same document `a6reg analyze --json` prints.

usage: analytics.py A6REG_BINARY DATA_DIR"""
import json
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from a6api import Registry, Tap, expect_error  # noqa: E402

LAG = "/api/v1/analytics/issuance-lag"
PORTFOLIO = "/api/v1/analytics/portfolio"
FINANCE = "/api/v1/analytics/finance"


def period(document, ref):
    return [p for p in document["periods"] if p["activity"] == ref][0]


def check_lag(tap, reg):
    r = reg.request("GET", LAG + "?as_of=2026-02-02")
    if not tap.ok(r.status == 200 and isinstance(r.json, dict), "GET issuance-lag anonymously", r):
        return
    d = r.json
    tap.ok(period(d, "VN001")["days_to_notification"] == 467, "VN001: 467 days to notification",
           period(d, "VN001"))
    vn005 = period(d, "VN005")
    tap.ok((vn005["total_days"], vn005["late"], vn005["stuck_stage"]) == (3047, True, "issuance"),
           "VN005: 3047 days, late, stuck in issuance", vn005)
    tap.ok(d["summary"]["late"] == 2 and d["summary"]["stuck"] == 1, "2 late, 1 stuck", d["summary"])
    total = d["distribution"]["total"]
    tap.ok((total["median_days"], total["p90_days"]) == (467, 3047), "nearest-rank median and p90",
           total)
    cli = json.loads(reg.cli("analyze", "lag", "--json", "--as-of", "2026-02-02").stdout)
    tap.ok(cli == d, "the API answers the document the CLI prints")
    r = reg.request("GET", LAG + "?as_of=2026-02-02&batch_threshold=2&service_level_days=500")
    ok = r.status == 200 and r.json["batches"] == [
        {"notified_on": "2017-10-10", "periods": 2, "notified_tco2e": 439}]
    tap.ok(ok and not period(r.json, "VN001")["late"] and r.json["service_level"]["days"] == 500,
           "batch_threshold and service_level_days apply", r)
    r = reg.request("GET", LAG, user="observer")
    tap.ok(r.status == 200 and r.json["as_of"] is not None, "today by default, with a token too", r)
    for query, code, field in [("as_of=2026-02-30", 1013, "as_of"),
                               ("service_level_months=0", 1027, "service_level_months"),
                               ("service_level_months=6&service_level_days=10", 1027,
                                "service_level_days"),
                               ("batch_threshold=x", 1021, "batch_threshold")]:
        r = reg.request("GET", LAG + "?" + query)
        if expect_error(tap, r, 400, code, "issuance-lag?" + query):
            tap.ok(r.json["error"].get("field") == field, "the error names " + field, r)


def check_portfolio(tap, reg):
    r = reg.request("GET", PORTFOLIO)
    if not tap.ok(r.status == 200 and isinstance(r.json, dict), "GET portfolio anonymously", r):
        return
    d = r.json
    tap.ok((d["all"]["activities"], d["by_state"]["registered"], d["by_state"]["under_validation"])
           == (20, 14, 6), "20 activities, 14 registered, 6 under validation", d["by_state"])
    tap.ok(d["credits_by_side"] == {"host": 45, "partner": 1611, "participants": 117,
                                    "total": 1773}, "credits by side", d["credits_by_side"])
    tap.ok(d["pipeline"]["refs"] == ["VN0%d" % n for n in range(15, 21)], "the pipeline's refs",
           d["pipeline"])


def check_finance(tap, reg):
    r = reg.request("GET", FINANCE)
    if not tap.ok(r.status == 200 and isinstance(r.json, dict), "GET finance anonymously", r):
        return
    d = r.json
    tap.ok([s["rate_bp"] for s in d["support_schedule"]] == [5000, 4000, 4000, 3000, 3000],
           "support rates 50/40/40/30/30 %", d["support_schedule"])
    tap.ok(d["scenarios"]["project_by_project"]["transaction_cost"] == 1350000
           and d["scenarios"]["poa"]["transaction_cost"] == 270000 and d["poa_saving"] == 1080000,
           "project by project 1,350,000 against PoA 270,000", d["scenarios"])
    r = reg.request("GET", FINANCE + "?sites=2&technology_count=4&cpa_inclusion_cost=0")
    tap.ok(r.status == 200 and r.json["params"]["sites"] == 2
           and r.json["scenarios"]["project_by_project"]["support"] == 600000
           and r.json["scenarios"]["poa"]["costs"]["inclusion"] == 0, "parameters apply", r)
    for query, code, field in [("sites=0", 1027, "sites"), ("investment=1.5", 1021, "investment"),
                               ("consulting_bp=10001", 1027, "consulting_bp"),
                               ("monitoring_days=-3", 1027, "monitoring_days")]:
        r = reg.request("GET", FINANCE + "?" + query)
        if expect_error(tap, r, 400, code, "finance?" + query):
            tap.ok(r.json["error"].get("field") == field, "the error names " + field, r)


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: analytics.py A6REG_BINARY DATA_DIR\n")
        return 2
    tap = Tap()
    reg = Registry(sys.argv[1], data_dir=sys.argv[2], import_jcm=True)
    try:
        reg.start()
        check_lag(tap, reg)
        check_portfolio(tap, reg)
        check_finance(tap, reg)
    finally:
        reg.cleanup()
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
