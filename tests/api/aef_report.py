#!/usr/bin/env python3
"""aef_report.py: the AEF report over HTTP beyond what a scenario can say (TAP): the bytes of each
format (the XLSX a ZIP workbook of five sheets, every CSV table agreeing with the JSON report row
for row), the server's private temporary directory empty after every request, successful and
failed exports alike, the consistency failures listed (422) when a row is broken, 503 when no
temporary directory can be made, and the submission of an ended year (versions 1.0 then 1.1).

The registry is seeded through the CLI with dates relative to today (actions must fall in the
reported year), the server started with its own TMPDIR.

usage: aef_report.py A6REG_BINARY"""
import csv
import io
import os
import sys
import time
import zipfile

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from a6api import HOLDER, Registry, Tap, expect_error  # noqa: E402

TABLES = ("T1", "T2", "T3", "T4", "T5")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def seed(reg):
    """A JCM project authorized for NDC and OIMP, issued under its authorization today (200 t to
    Japan, 300 t to the host participant), 60 t used for OIMP by an authorized entity."""
    reg.cli("approach", "add", "CA0001", "--name", "JCM Japan-Viet Nam", "--partner", "JPN",
            "--partner-registry", "JPN01", "--ndc-first-transfer", "issuance",
            "--unit-registry", "JCM", "--role", "authority")
    reg.cli("entity", "add", "Example KK", "--country", "JPN", "--identification", "JP-1",
            "--approach", "CA0001", "--role", "authority")
    reg.cli("policy", "set", "--role", "authority", "--sector", "energy", "--technology",
            "solar-pv", "--purpose", "NDC and OIMP", "--max-share-bp", 5000, "--vintages",
            "2021-2030", "--target-year", 2030)
    reg.cli("ndc", "set", "--first-year", 2021, "--last-year", 2035, "--target-year", 2030,
            "--method", "trajectory", "--bau", 927900000, "--unconditional-bp", 1580)
    reg.cli("ndc", "inventory", "--year", 2030, "--emissions", 700000000)
    reg.cli("activity", "add", "--ref", "VN950", "--kind", "project", "--title", "Rooftop solar",
            "--technology", "solar-pv", "--sector", "energy", "--host-participant", HOLDER)
    for event, role, date in [("submit", "participant", "2025-01-05"),
                              ("start_validation", "auditor", "2025-01-10"),
                              ("validate", "auditor", "2025-02-01"),
                              ("register", "committee", "2025-03-01")]:
        reg.cli("activity", "advance", "VN950", event, "--role", role, "--date", date)
    period = reg.cli("monitoring", "add", "VN950", "--start", "2025-03-01", "--end", "2025-06-30",
                     "--claimed", 1000, "--date", "2025-07-05").stdout.split()[1]
    reg.cli("monitoring", "verify", period, "--verified", 1000, "--date", "2025-07-20")
    reg.cli("monitoring", "request", period, "--date", "2025-07-25")
    out = reg.cli("--json", "authorization", "request", "VN950", "--quantity", 500, "--vintages",
                  "2021-2030", "--purpose", "NDC and OIMP", "--oimp-first-transfer",
                  "use or cancellation", "--entity", "Example KK").stdout
    authorization = str(__import__("json").loads(out)["id"])
    reg.cli("authorization", "decide", authorization, "--approve", "--role", "authority")
    reg.cli("monitoring", "notify", period, "--total", 500, "--allocate",
            "partner:Government of Japan:200", "--allocate", "host:%s:300" % HOLDER)
    reg.cli("monitoring", "issue", period, "--authorization", authorization)
    account = reg.sql("SELECT MIN(id) FROM accounts WHERE holder = '%s'" % HOLDER)
    reg.cli("retire", "--from", account, "--quantity", 60, "--action", "Use", "--purpose", "OIMP",
            "--using-party", "JPN", "--using-entity", "Example KK")


class Checks:
    def __init__(self, tap, reg, tmp):
        self.tap, self.reg, self.tmp = tap, reg, tmp

    def clean(self, what):
        left = sorted(os.listdir(self.tmp))
        self.tap.ok(not left, "%s: the temporary directory is removed" % what, "left: %r" % left)

    def get(self, query, what):
        r = self.reg.request("GET", "/api/v1/reports/aef?" + query)
        self.clean(what)
        return r


def content_type(response):
    return next((v for k, v in response.headers.items() if k.lower() == "content-type"), "")


def formats(c, year):
    tap = c.tap
    r = c.get("year=%d&format=json" % year, "JSON")
    report = r.json if r.status == 200 and isinstance(r.json, dict) else {}
    tap.ok(content_type(r) == "application/json" and set(report) == set(TABLES),
           "JSON: application/json with the five tables", repr(r))
    kinds = [(row.get("Action type"), row.get("Action subtype")) for row in report.get("T3", [])]
    tap.ok(kinds == [("First transfer", "First transfer to another Party"),
                     ("First transfer", "Use or cancellation"), ("Use", None)],
           "JSON: T3 lists the partner's first transfer, the OIMP first transfer and the use",
           "T3: %r" % (kinds,))
    for table in TABLES:
        r = c.get("year=%d&format=csv&table=%s" % (year, table), "CSV %s" % table)
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8"), newline=""))) \
            if r.status == 200 else []
        expected = report.get(table, [])
        header_ok = not expected or rows and rows[0] == list(expected[0].keys())
        tap.ok(r.status == 200 and content_type(r) == "text/csv; charset=utf-8" and header_ok
               and len(rows) == len(expected) + 1 and r.body.endswith(b"\r\n"),
               "CSV %s: the header and %d rows of the JSON report, CRLF" % (table, len(expected)),
               repr(r))
    r = c.get("year=%d&format=xlsx" % year, "XLSX")
    sheets = []
    try:
        with zipfile.ZipFile(io.BytesIO(r.body)) as z:
            bad = z.testzip()
            sheets = sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    except zipfile.BadZipFile as e:
        bad = str(e)
    tap.ok(r.status == 200 and content_type(r) == XLSX and bad is None and len(sheets) == 5,
           "XLSX: a sound ZIP workbook with five sheets (%d bytes)" % len(r.body),
           "sheets: %r, bad: %r" % (sheets, bad), repr(r))


def refusals(c, year):
    reg, tap = c.reg, c.tap
    for query, field, code in [("format=json", "year", 1004), ("year=%d&format=ods" % year,
                               "format", 1021), ("year=%d&format=csv" % year, "table", 1004)]:
        r = c.get(query, "refused %s" % query)
        expect_error(tap, r, 400, code, "?%s names %s" % (query, field))
    # A broken row (an action under another approach than its authorization's) fails the checks.
    reg.sql("UPDATE aef_actions SET approach_id = 'CA0009' WHERE action_type = 'Use'")
    for fmt in ("json", "xlsx", "csv&table=T3"):
        r = c.get("year=%d&format=%s" % (year, fmt), "inconsistent %s" % fmt)
        failures = r.json.get("failures") if isinstance(r.json, dict) else None
        expect_error(tap, r, 422, 4029, "a broken row: %s is refused" % fmt)
        tap.ok(isinstance(failures, list) and failures and r.json.get("failure_count") ==
               len(failures) and all({"table", "row", "rule", "code", "check", "message"}
                                     <= set(f) for f in failures),
               "a broken row: %s lists every failure with its table, row and rule" % fmt, repr(r))
    reg.sql("UPDATE aef_actions SET approach_id = 'CA0001' WHERE action_type = 'Use'")
    r = c.get("year=%d" % year, "repaired")
    tap.ok(r.status == 200, "the repaired report is answered again", repr(r))


def submissions(c, year):
    reg, tap = c.reg, c.tap
    url = "/api/v1/reports/aef/%d/submission"
    for version in ("1.0", "1.1"):
        r = reg.request("POST", url % (year - 1), user="authority")
        tap.ok(r.status == 200 and isinstance(r.json, dict) and r.json.get("status") ==
               "submitted" and r.json.get("year") == year - 1 and r.json.get("message", "")
               .endswith("version %s" % version),
               "an ended year is submitted, version %s" % version, repr(r))
    r = c.get("year=%d" % (year - 1), "submitted year")
    t1 = (r.json or {}).get("T1", [{}])[0] if r.status == 200 else {}
    tap.ok(t1.get("Version") == "1.1" and t1.get("Date of submission") == time.strftime(
        "%Y-%m-%d", time.gmtime()), "T1 of the submitted year: version 1.1, submitted today",
        "T1: %r" % (t1,))
    expect_error(tap, reg.request("POST", url % year, user="authority"), 422, 4032,
                 "this year cannot be submitted before it ends")
    expect_error(tap, reg.request("POST", url % 1900, user="authority"), 400, 1003,
                 "a year before 1990")


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: aef_report.py A6REG_BINARY\n")
        return 2
    tap = Tap()
    try:
        reg = Registry(sys.argv[1], four_eyes_above=100)
    except Exception:  # noqa: BLE001
        import traceback
        tap.ok(False, "a registry for the AEF report", traceback.format_exc())
        return tap.finish()
    try:
        seed(reg)
        tmp = os.path.join(reg.dir, "tmp")
        os.mkdir(tmp)
        reg.env["TMPDIR"] = os.path.join(reg.dir, "missing")
        reg.start()
        r = reg.request("GET", "/api/v1/reports/aef?year=%d" % time.gmtime().tm_year)
        tap.ok(r.status == 503 and r.is_error_shape(),
               "without a usable temporary directory: 503, nothing else", repr(r))
        tap.ok(reg.stop() == 0, "SIGTERM: the server exits 0", reg.server_stderr())
        reg.env["TMPDIR"] = tmp
        reg.start()
        c = Checks(tap, reg, tmp)
        year = time.gmtime().tm_year
        formats(c, year)
        refusals(c, year)
        submissions(c, year)
        rc = reg.stop()
        tap.ok(rc == 0, "SIGTERM: the server exits 0", "exit status %r" % (rc,),
               reg.server_stderr())
        v = reg.verify()
        tap.ok(v.returncode == 0, "a6reg verify passes", v.stdout + v.stderr)
    except Exception:  # noqa: BLE001
        import traceback
        tap.ok(False, "the AEF report test ran to its end", traceback.format_exc(),
               reg.server_stderr())
    finally:
        reg.cleanup()
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
