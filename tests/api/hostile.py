#!/usr/bin/env python3
"""hostile.py: hostile input against one `a6reg serve` (TAP). Every case must answer the right 4xx
JSON error (never a 5xx, never a crash) and the server must answer /api/v1/health after each group:
malformed, truncated and trailing JSON, wrong types, huge and negative numbers, 10 MB, 1 MiB + 1 and
chunked bodies, deep nesting, invalid UTF-8 and NUL, duplicate keys, path traversal and %00,
SQL-looking strings, oversized headers, missing/malformed/unknown/expired/revoked tokens, another
holder's accounts, idempotency keys reused, wrong methods and routes, project cycle inputs. Then:
rejected requests left the holdings unchanged; clients closing before their answer and pipelined
requests; 1,000 concurrent requests (every transfer answered 201 is in the final holdings, totals
conserved); SIGTERM while transfers are in flight (several rounds: exit 0, every 201 committed);
`a6reg verify` passes. A server that crashes is reported and restarted so the rest still runs.

usage: hostile.py A6REG_BINARY"""
import http.client
import json
import os
import random
import re
import socket
import sys
import threading
import time

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from a6api import HOLDER, OTHER_HOLDER, Registry, Tap, expect_error  # noqa: E402

API = "/api/v1"
MIB = 1024 * 1024


def open_account(reg, holder, quantity=0, vintage=2020):
    out = reg.cli("account", "open", "--holder", holder, "--type", "holding").stdout.split()
    account = int(out[-1])
    if quantity:
        reg.cli("issue", "--to", account, "--quantity", quantity, "--vintage", vintage)
    return account


def peak_memory_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class Hostile:
    def __init__(self, exe):
        self.tap = Tap()
        self.reg = Registry(exe, four_eyes_above=100, extra_users={
            "expired": ("participant", HOLDER),
            "revoked": ("participant", HOLDER),
            "session": ("participant", HOLDER),
            "quitter": ("participant", HOLDER),
        })
        try:
            self.setup(self.reg)
        except BaseException:
            self.reg.cleanup()
            raise

    def setup(self, reg):
        # Accounts (opened and filled through the CLI before the server starts).
        self.a = open_account(reg, HOLDER, 100000, 2020)        # rejected requests aim here
        self.b = open_account(reg, HOLDER, 100000, 2021)
        self.c = open_account(reg, OTHER_HOLDER, 1000, 2020)    # another holder's account
        self.d = open_account(reg, HOLDER, 1000, 2022)          # idempotency
        self.e = open_account(reg, HOLDER)
        self.x = open_account(reg, HOLDER, 10000, 2019)         # the concurrency pair
        self.y = open_account(reg, HOLDER, 10000, 2023)
        self.p = open_account(reg, HOLDER, 10000, 2018)         # shutdown under load
        self.q = open_account(reg, HOLDER)
        self.g = open_account(reg, HOLDER, 1000, 2017)          # clients that go away
        self.h = open_account(reg, HOLDER)
        # An expired token (edited in the database before the server reads it) and a revoked one.
        reg.sql("UPDATE tokens SET expires_at = '2001-01-01T00:00:00.000Z' WHERE user_id = "
                "(SELECT id FROM users WHERE name = 'expired')")
        reg.cli("user", "revoke", reg.tokens["revoked"])
        self.password = "correct horse battery staple"
        reg.cli("user", "passwd", "session", stdin=self.password + "\n")
        reg.start()

    # ---- helpers ----

    def req(self, method, path, **kw):
        self.ensure_server("%s %s" % (method, path[:80]))
        try:
            return self.reg.request(method, path, **kw)
        except OSError as e:
            return e

    def err(self, response, status, code, description):
        if isinstance(response, Exception):
            return self.tap.ok(False, description, "no answer: %r" % (response,))
        return expect_error(self.tap, response, status, code, description)

    def post_tx(self, body, user="admin", raw=None, headers=None):
        return self.req("POST", API + "/transactions", body=body, raw=raw, user=user,
                        headers=headers)

    def post_account(self, body=None, raw=None, user="admin", headers=None):
        return self.req("POST", API + "/accounts", body=body, raw=raw, user=user, headers=headers)

    def ensure_server(self, before):
        """A crashed server is a failure; it is restarted on the same database so that the
        remaining groups still run."""
        if self.reg.alive():
            return
        rc = self.reg.stop()
        self.tap.ok(False, "the server is running before %s" % before,
                    "it exited with status %r; its stderr ends with:" % (rc,),
                    self.reg.server_stderr()[-3000:])
        self.reg.start()

    def alive(self, group):
        up = self.reg.alive() and self.reg.health()
        self.tap.ok(up, "server up after %s (health 200)" % group,
                    "server stderr: %s" % self.reg.server_stderr())
        return up

    def holdings(self, account, user="admin"):
        r = self.req("GET", "%s/accounts/%d/holdings" % (API, account), user=user)
        if isinstance(r, Exception) or r.status != 200 or not isinstance(r.json, dict):
            return None
        return r.json

    def snapshot(self, accounts):
        return {a: self.holdings(a) for a in accounts}

    # ---- groups ----

    def malformed_json(self):
        transfer = '{"type":"transfer","from":%d,"to":%d,"quantity":' % (self.a, self.b)
        cases = [
            ("not JSON at all", "hello"),
            ("a lone brace", "{"),
            ("an empty body", ""),
            ("whitespace only", "   \n"),
            ("a trailing comma", '{"holder":"x","type":"holding",}'),
            ("single quotes", "{'holder':'x','type':'holding'}"),
            ("an unquoted key", '{holder:"x","type":"holding"}'),
            ("NaN", '{"holder":"x","type":"holding","party":NaN}'),
            ("a JSON array body", '[{"holder":"x","type":"holding"}]'),
            ("a JSON string body", '"holding"'),
            ("a JSON null body", "null"),
            ("a comment", '{"holder":"x", /* c */ "type":"holding"}'),
            ("truncated in a string", '{"holder":"x","type":"hold'),
            ("truncated after a colon", '{"holder":"x","type":'),
            ("truncated before the brace", '{"holder":"x","type":"holding"'),
            ("duplicate keys", '{"holder":"x","holder":"y","type":"holding"}'),
            ("duplicate keys, same value", '{"holder":"x","type":"holding","type":"holding"}'),
            ("trailing object", '{"holder":"x","type":"holding"} {}'),
            ("trailing garbage", '{"holder":"x","type":"holding"}garbage'),
            ("trailing comma after the object", '{"holder":"x","type":"holding"},'),
            ("two bodies", '{"holder":"x","type":"holding"}{"holder":"y","type":"holding"}'),
        ]
        for name, raw in cases:
            self.err(self.post_account(raw=raw), 400, 1020, "POST accounts: %s" % name)
        for name, raw in [("truncated transfer", transfer),
                          ("truncated transfer number", transfer + "1"),
                          ("transfer with trailing data", transfer + "1}x")]:
            self.err(self.post_tx(None, raw=raw), 400, 1020, "POST transactions: %s" % name)
        # Bytes that are not UTF-8 inside a string.
        for name, bad in [("0xff 0xfe", b"\xff\xfe"), ("overlong '/'", b"\xc0\xaf"),
                          ("a UTF-16 surrogate", b"\xed\xa0\x80"),
                          ("a truncated sequence", b"\xe2\x82"),
                          ("above U+10FFFF", b"\xf4\x90\x80\x80"),
                          ("a lone continuation byte", b"\x80")]:
            raw = b'{"holder":"A' + bad + b'B","type":"holding"}'
            self.err(self.post_account(raw=raw), 400, 1020, "invalid UTF-8 in a holder: %s" % name)
        self.err(self.post_account(raw=b'{"holder":"A\x00B","type":"holding"}'), 400, 1020,
                 "a raw NUL byte in a string")
        self.err(self.post_account(raw=b'{"holder":"A\x01B","type":"holding"}'), 400, 1020,
                 "a raw control byte in a string")
        self.err(self.post_account(raw='{"holder":"A\\u0000B","type":"holding"}'), 400,
                 {1020, 1014, 1008}, "a \\u0000 escape in a holder name")
        self.err(self.post_account(raw='{"holder":"A\\u0001B","type":"holding"}'), 400,
                 {1008, 1014}, "a \\u0001 escape (unprintable) in a holder name")
        self.err(self.post_account(raw='{"holder":"\\ud800","type":"holding"}'), 400,
                 {1020, 1008, 1014}, "a lone surrogate escape in a holder name")
        self.err(self.post_account(raw='{"holder":"","type":"holding"}'), 400, {1008, 1004},
                 "an empty holder name")
        self.err(self.post_account(raw='{"holder":"%s","type":"holding"}' % ("H" * 201)), 400,
                 1008, "a holder name of 201 bytes")
        self.err(self.post_account({"holder": "x", "type": "holding", "extra": 1}), 400, 1022,
                 "an unknown field")
        self.err(self.post_account({"type": "holding"}), 400, 1004, "a missing holder")
        self.err(self.post_account({"holder": "x", "type": "vault"}), 400, 1007,
                 "an unknown account type")
        self.err(self.post_account({"holder": "x", "type": "holding", "party": "XX'"}), 400,
                 1009, "a malformed party")
        self.alive("malformed JSON")

    def wrong_types(self):
        base = {"type": "transfer", "from": self.a, "to": self.b}
        for name, value in [('"5"', "5"), ("5.5", 5.5), ("5.0", 5.0), ("true", True),
                            ("[5]", [5]), ('{"n":5}', {"n": 5}), ("1e2", None)]:
            if value is None:
                raw = json.dumps(base)[:-1] + ',"quantity":1e2}'
                r = self.post_tx(None, raw=raw)
            else:
                r = self.post_tx(dict(base, quantity=value))
            self.err(r, 400, 1021, "quantity %s is the wrong type" % name)
        self.err(self.post_tx(dict(base, quantity=None)), 400, {1001, 1004},
                 "quantity null counts as missing")
        self.err(self.post_tx(dict(base, quantity=5, **{"from": str(self.a)})), 400, 1021,
                 "from as a string")
        self.err(self.post_tx(dict(base, quantity=5, to=[self.b])), 400, 1021, "to as a list")
        self.err(self.post_tx(dict(base, quantity=5, type=5)), 400, 1021, "type as a number")
        self.err(self.post_tx(dict(base, quantity=5, type="steal")), 400, 1021,
                 "an unknown transaction type")
        self.err(self.post_tx(dict(base, quantity=5, vintage="2020")), 400, 1021,
                 "vintage as a string")
        self.err(self.post_tx(dict(base, quantity=5, unit_type=7)), 400, 1021,
                 "unit_type as a number")
        self.err(self.post_tx(dict(base, quantity=5, unit_type="gold")), 400, 1006,
                 "an unknown unit type")
        self.err(self.post_tx(dict(base, quantity=5, blocks="1-5")), 400, 1010,
                 "blocks as a string")
        self.err(self.post_tx(dict(base, blocks=[[1, "5"]])), 400, 1010,
                 "a block bound as a string")
        self.err(self.post_tx(dict(base, blocks=[[1, 2, 3]])), 400, 1010,
                 "a block of three numbers")
        self.err(self.post_account({"holder": 5, "type": "holding"}), 400, 1021,
                 "holder as a number")
        self.err(self.post_account({"holder": None, "type": "holding"}), 400, 1004,
                 "holder null counts as missing")
        self.alive("wrong types")

    def numbers(self):
        prefix = '{"type":"transfer","from":%d,"to":%d,"quantity":' % (self.a, self.b)
        cases = [
            ("2^63", "9223372036854775808", 400, 1020),
            ("2^63-1", "9223372036854775807", 400, 1002),
            ("-2^63", "-9223372036854775808", 400, 1001),
            ("-2^63-1", "-9223372036854775809", 400, 1020),
            ("1e400", "1e400", 400, 1020),
            ("-1e400", "-1e400", 400, 1020),
            ("99999999999999999999999", "99999999999999999999999", 400, 1020),
            ("10^15+1", "1000000000000001", 400, 1002),
            ("zero", "0", 400, 1001),
            ("-1", "-1", 400, 1001),
            ("-5", "-5", 400, 1001),
            ("-0", "-0", 400, 1001),
        ]
        for name, text, status, code in cases:
            self.err(self.post_tx(None, raw=prefix + text + "}"), status, code,
                     "transfer quantity %s" % name)
        self.err(self.post_tx(None, raw=prefix + "1000000000000000}"), 409, 3001,
                 "transfer quantity 10^15 (the largest allowed) above the holdings")
        for kind in ("retire", "cancel"):
            self.err(self.post_tx({"type": kind, "from": self.a, "quantity": 0}), 400, 1001,
                     "%s quantity zero" % kind)
            self.err(self.post_tx({"type": kind, "from": self.a, "quantity": -7}), 400, 1001,
                     "%s quantity negative" % kind)
        self.err(self.post_tx({"type": "issue", "to": self.a, "quantity": 0, "vintage": 2020}),
                 400, 1001, "issue quantity zero")
        self.err(self.post_tx({"type": "issue", "to": self.a, "quantity": -1, "vintage": 2020}),
                 400, 1001, "issue quantity negative")
        self.err(self.post_tx(None, raw='{"type":"issue","to":%d,"quantity":9223372036854775807,'
                                        '"vintage":2020}' % self.a), 400, 1002,
                 "issue quantity 2^63-1")
        self.err(self.post_tx({"type": "issue", "to": self.a, "quantity": 5,
                               "vintage": 9223372036854775807}), 400, 1003, "vintage 2^63-1")
        self.err(self.post_tx({"type": "issue", "to": self.a, "quantity": 5, "vintage": -2020}),
                 400, 1003, "vintage negative")
        self.err(self.post_tx({"type": "transfer", "from": 9223372036854775807, "to": self.b,
                               "quantity": 5}), 404, 2001, "from account 2^63-1")
        self.err(self.post_tx({"type": "transfer", "from": -1, "to": self.b, "quantity": 5}),
                 400, {1004, 1012}, "from account -1")
        self.err(self.post_tx({"type": "transfer", "from": self.a, "to": 9223372036854775807,
                               "quantity": 5}), 404, 2001, "to account 2^63-1")
        self.err(self.post_tx({"type": "transfer", "from": self.a, "to": self.a, "quantity": 5}),
                 422, 2003, "transfer to the same account")
        self.err(self.post_tx({"type": "transfer", "from": self.a, "to": self.b,
                               "blocks": [[0, 5]]}), 422, {3006, 1010}, "a block from serial 0")
        self.err(self.post_tx({"type": "transfer", "from": self.a, "to": self.b,
                               "blocks": [[10, 5]]}), 422, {3006, 1010}, "a block with first > last")
        self.err(self.post_tx({"type": "transfer", "from": self.a, "to": self.b,
                               "blocks": [[-9223372036854775808, 9223372036854775807]]}),
                 422, {3006, 1010}, "a block over the whole int64 range")
        self.err(self.post_tx({"type": "transfer", "from": self.a, "to": self.b,
                               "blocks": [[1, 9223372036854775807]]}), 422, 3006,
                 "a block up to 2^63-1 (above the largest serial)")
        self.err(self.post_tx({"type": "transfer", "from": self.a, "to": self.b,
                               "blocks": [[1, 4611686018427387903]]}), {400, 409}, {1002, 3002},
                 "a block up to the largest serial, 2^62-1, not held")
        self.err(self.post_tx({"type": "transfer", "from": self.a, "to": self.b,
                               "blocks": [[200001, 200005]]}), 409, 3002,
                 "a block not held by the account")
        self.err(self.post_tx({"type": "transfer", "from": self.a, "to": self.b,
                               "blocks": [[1, 5], [3, 8]]}), 422, 3003, "overlapping blocks")
        self.err(self.post_tx({"type": "transfer", "from": self.a, "to": self.b,
                               "blocks": [[i, i] for i in range(1, 300)]}), 422, 3007,
                 "299 blocks in one request")
        self.err(self.req("GET", API + "/activities?limit=99999999999999999999"), 400, 1012,
                 "limit of 20 digits")
        self.err(self.req("GET", API + "/activities?limit=-1"), 400, 1012, "negative limit")
        self.err(self.req("GET", API + "/activities?limit=0"), 400, 1012, "limit zero")
        self.err(self.req("GET", API + "/activities?cursor=%00"), 400, 1026, "a NUL cursor")
        self.err(self.req("GET", API + "/activities?cursor=zz"), 400, 1026, "a non-hex cursor")
        self.err(self.req("GET", API + "/activities?cursor=" + "41" * 400), 400, 1026,
                 "a cursor of 800 hex digits")
        self.alive("numbers")

    def big_bodies(self):
        admin = self.reg.tokens["admin"].encode()
        pid = self.reg.server.pid
        before = peak_memory_kib(pid)
        body = b'{"holder":"' + b"A" * (10 * MIB) + b'","type":"holding"}'
        head = (b"POST /api/v1/accounts HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + admin +
                b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body))
        r = self.reg.raw_exchange(head + body, timeout=60)
        self.err(r, 413, 1023, "a 10 MB holder string")
        after = peak_memory_kib(pid)
        if before is not None and after is not None:
            grown = (after - before) / 1024.0
            self.tap.ok(grown < 8, "the 10 MB body was not kept in memory (peak grew by %.1f MiB)"
                        % grown, "peak memory before %d KiB, after %d KiB" % (before, after))
        # 1 MiB + 1 and exactly 1 MiB (valid JSON padded with spaces).
        core = '{"holder":"Padded Holder","type":"holding"}'
        self.err(self.post_account(raw=core + " " * (MIB + 1 - len(core))), 413, 1023,
                 "a body of 1 MiB + 1 byte")
        r = self.post_account(raw=core + " " * (MIB - len(core)))
        self.tap.ok(not isinstance(r, Exception) and r.status == 201,
                    "a valid body of exactly 1 MiB is accepted (201)", "actual: %r" % (r,))
        # Chunked transfer encoding, no Content-Length: bounded as it arrives.
        chunk = b"A" * 65536
        payload = (b"POST /api/v1/accounts HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + admin +
                   b"\r\nTransfer-Encoding: chunked\r\n\r\n" + b'b\r\n{"holder":"\r\n' +
                   (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * 40 +
                   b'13\r\n","type":"holding"}\r\n0\r\n\r\n')
        self.err(self.reg.raw_exchange(payload, timeout=60), 413, 1023,
                 "a chunked body of 2.5 MiB")
        # A body shorter than its Content-Length, then the client goes away.
        self.reg.raw_exchange(b"POST /api/v1/accounts HTTP/1.1\r\nHost: t\r\nAuthorization: "
                              b"Bearer " + admin + b"\r\nContent-Length: 100\r\n\r\n{\"holder\"",
                              timeout=5)
        self.tap.ok(True, "a client closing in the middle of its body (no answer expected)")
        self.alive("big bodies")

    def nesting(self):
        deep = "[" * 100000 + "]" * 100000
        self.err(self.post_account(raw=deep), 400, 1020, "[[[...]]] 100,000 deep")
        self.err(self.post_account(raw='{"holder":' + deep + ',"type":"holding"}'), 400, 1020,
                 "a field 100,000 arrays deep")
        self.err(self.post_account(raw='{"a":' * 100000 + "1" + "}" * 100000), 400, 1020,
                 '{"a":{"a":...}} 100,000 deep')
        nested = '{"a":' * 50 + "1" + "}" * 50
        self.err(self.post_account(raw=nested), 400, 1020, '{"a":{"a":...}} 50 deep')
        self.err(self.post_tx(None, raw=nested), 400, 1020,
                 '{"a":{"a":...}} 50 deep as a transaction')
        self.err(self.req("POST", API + "/activities", raw=nested, user="participant"), 400,
                 1020, '{"a":{"a":...}} 50 deep as an activity')
        self.err(self.post_tx(None, raw='{"type":"transfer","blocks":' + "[" * 40 + "]" * 40 +
                              "}"), 400, {1020, 1010}, "blocks 40 arrays deep")
        self.alive("deep nesting")

    def paths(self):
        cases = [
            ("/api/v1/../../etc/passwd", 404, 1024),
            ("/api/v1/accounts/..%2f..%2f", {400, 404}, {1012, 1024}),
            ("/api/v1/accounts/1%00", {400, 404}, {1012, 1024}),
            ("/api/v1/accounts%00/1", {400, 404}, {1012, 1024}),
            ("/api/v1/accounts/%2e%2e/%2e%2e/etc/passwd", 404, 1024),
            ("/api/v1/accounts/1/../2", 404, 1024),
            ("/api/v1/accounts/1/holdings/../../2", 404, 1024),
            ("/api/v1//accounts", 404, 1024),
            ("/api/v1/accounts/", 404, 1024),
            ("/api/v1/accounts/0", 400, 1012),
            ("/api/v1/accounts/-1", 400, 1012),
            ("/api/v1/accounts/0x10", 400, 1012),
            ("/api/v1/accounts/%20%201", 400, 1012),
            ("/api/v1/accounts/1e3", 400, 1012),
            ("/api/v1/accounts/9223372036854775807", 400, 1012),
            ("/api/v1/accounts/999999999999999999", 404, 2001),
            ("/api/v1/" + "a" * 5000, 404, 1024),
        ]
        for path, status, code in cases:
            self.err(self.req("GET", path, user="admin"), status, code, "GET %s" % path[:80])
        self.err(self.req("GET", "/api/v1/activities/%ff%fe"), 404, 5003,
                 "an activity ref of invalid UTF-8")
        self.err(self.req("GET", "/api/v1/activities/VN001%27%20OR%20%271%27%3D%271"), 404, 5003,
                 "an activity ref that looks like SQL")
        self.err(self.req("GET", "/api/v1/activities/%00"), 404, {1024, 5003},
                 "an activity ref of one NUL")
        r = self.reg.raw_exchange(b"GET /api/v1/" + b"a" * 60000 + b" HTTP/1.1\r\nHost: t\r\n\r\n")
        self.tap.ok(r is not None and 400 <= r.status < 500,
                    "a path of 60,000 bytes is refused with a 4xx", "actual: %r" % (r,))
        r = self.reg.raw_exchange(b"GET ../../etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n")
        self.tap.ok(r is None or 400 <= r.status < 500,
                    "a request target without a leading slash gets a 4xx or nothing",
                    "actual: %r" % (r,))
        self.alive("path traversal")

    def sql_looking(self):
        names = ["1; DROP TABLE accounts; --", "Robert'); DROP TABLE accounts;--",
                 "x' OR '1'='1", '"; DELETE FROM blocks; --']
        for name in names:
            r = self.post_account({"holder": name, "type": "holding"})
            if not isinstance(r, Exception) and r.status == 201:
                got = self.req("GET", "%s/accounts/%s" % (API, r.json.get("id")), user="admin")
                self.tap.ok(not isinstance(got, Exception) and got.status == 200
                            and got.json.get("holder") == name,
                            "holder %r is stored literally" % name, "actual: %r" % (got,))
            else:
                self.err(r, 400, 1008, "holder %r is rejected" % name)
        for path in ["/api/v1/accounts/1;%20DROP%20TABLE%20accounts;%20--",
                     "/api/v1/accounts/1%3B%20DROP%20TABLE%20accounts%3B%20--",
                     "/api/v1/accounts/1%20OR%201%3D1",
                     "/api/v1/accounts/1'--/holdings"]:
            self.err(self.req("GET", path, user="admin"), 400, 1012, "GET %s" % path)
        tables = self.reg.sql(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "ORDER BY table_name" if self.reg.db.startswith("postgres")
            else "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        tables = set(tables.split())
        wanted = {"accounts", "blocks", "transactions", "audit_log", "users", "tokens"}
        self.tap.ok(wanted <= tables, "the tables still exist", "tables: %s" % sorted(tables))
        r = self.req("GET", API + "/accounts?limit=1000", user="admin")
        self.tap.ok(not isinstance(r, Exception) and r.status == 200 and
                    len(r.json.get("items", [])) >= 7, "accounts still listed",
                    "actual: %r" % (r,))
        self.alive("SQL-looking strings")

    def headers(self):
        admin = self.reg.tokens["admin"].encode()
        cases = [
            ("a 100 KB header", b"X-Big: " + b"a" * 100000 + b"\r\n"),
            ("3,000 small headers", b"".join(b"X-H%d: v\r\n" % i for i in range(3000))),
            ("a 40 KB Authorization header", b"Authorization: Bearer " + b"t" * 40000 + b"\r\n"),
            ("a 40 KB Idempotency-Key", b"Authorization: Bearer " + admin +
             b"\r\nIdempotency-Key: " + b"k" * 40000 + b"\r\n"),
        ]
        notes = set()
        for name, lines in cases:
            r = self.reg.raw_exchange(b"GET /api/v1/accounts HTTP/1.1\r\nHost: t\r\n" + lines +
                                      b"\r\n")
            self.tap.ok(r is not None and r.status in (400, 413, 414, 431),
                        "%s is refused with 400/413/414/431" % name, "actual: %r" % (r,))
            if r is not None and not r.is_error_shape():
                notes.add(r.status)
        if notes:
            self.tap.note("note: oversized headers are answered by libmicrohttpd itself (HTTP %s, "
                          "an HTML body, not the JSON error shape)" % sorted(notes))
        # A header line with no colon and a request line that is not HTTP.
        for name, payload in [("a header line without a colon",
                               b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\nno colon here\r\n\r\n"),
                              ("a request line that is not HTTP", b"\x16\x03\x01\x02\x00\x01\r\n\r\n"),
                              ("HTTP/9.9", b"GET /api/v1/health HTTP/9.9\r\nHost: t\r\n\r\n")]:
            r = self.reg.raw_exchange(payload, timeout=10)
            self.tap.ok(r is None or r.status < 500 or r.status == 505,
                        "%s: no 5xx other than 505" % name, "actual: %r" % (r,))
        self.alive("oversized headers")

    def authentication(self):
        t = self.reg.tokens
        path = API + "/accounts"
        self.err(self.req("GET", path), 401, 7003, "GET accounts without a token")
        self.err(self.req("POST", API + "/transactions", body={"type": "issue", "to": self.a,
                                                              "quantity": 5, "vintage": 2020}),
                 401, 7003, "issue without a token")
        for name, value in [("Basic", "Basic YWRtaW46c2VjcmV0"), ("Bearer and nothing", "Bearer"),
                            ("Bearer and a space", "Bearer "), ("Token scheme", "Token " + t["admin"]),
                            ("a token and junk", "Bearer " + t["admin"] + "x"),
                            ("two tokens", "Bearer %s %s" % (t["admin"], t["admin"])),
                            ("a 4,000-byte token", "Bearer " + "a" * 4000),
                            ("a token of quotes", "Bearer '\" OR 1=1 --"),
                            ("a JWT-looking token", "Bearer eyJhbGciOiJub25lIn0.eyJyb2xlIjoiYWRtaW4ifQ.")]:
            self.err(self.req("GET", path, headers={"Authorization": value}), 401, 7004,
                     "Authorization: %s" % name)
        real = t["admin"]
        unknown = real[:-1] + ("A" if real[-1] != "A" else "B")
        self.err(self.req("GET", path, token=unknown), 401, 7004, "an unknown token")
        self.err(self.req("GET", path, token="".join(random.choice("abcdef0123456789")
                                                     for _ in real)), 401, 7004,
                 "a random token of the right length")
        self.err(self.req("GET", path, user="expired"), 401, 7004, "an expired token")
        self.err(self.req("GET", path, user="revoked"), 401, 7004,
                 "a token revoked with a6reg user revoke")
        self.err(self.req("GET", API + "/activities", user="expired"), 401, 7004,
                 "an expired token on a public route")
        # Revoking through the API takes effect at once.
        r = self.req("GET", path, user="quitter")
        self.tap.ok(not isinstance(r, Exception) and r.status == 200, "a fresh token works",
                    "actual: %r" % (r,))
        r = self.req("DELETE", API + "/session", user="quitter")
        self.tap.ok(not isinstance(r, Exception) and r.status == 200,
                    "DELETE /session revokes the token used", "actual: %r" % (r,))
        self.err(self.req("GET", path, user="quitter"), 401, 7004, "the revoked token is refused")
        self.err(self.req("DELETE", API + "/session", user="quitter"), 401, 7004,
                 "revoking it again is refused")
        # Sessions: name and password.
        self.err(self.req("POST", API + "/session", body={"name": "session", "password": "wrong"}),
                 401, 7005, "a wrong password")
        self.err(self.req("POST", API + "/session", body={"name": "nobody", "password": "x" * 20}),
                 401, 7005, "an unknown user")
        self.err(self.req("POST", API + "/session", body={"name": "admin", "password": ""}),
                 401, 7005, "a user without a password, empty password")
        self.err(self.req("POST", API + "/session", body={"name": "session", "password": 5}),
                 400, 1021, "a password as a number")
        self.err(self.req("POST", API + "/session",
                          raw='{"name":"session","password":"%s\\u0000x"}' % self.password),
                 {400, 401}, {1020, 1014, 7005}, "a password with a NUL after the real one")
        self.err(self.req("POST", API + "/session",
                          body={"name": "session", "password": "p" * 200000}), 401, 7005,
                 "a password of 200,000 bytes")
        r = self.req("POST", API + "/session", body={"name": "session", "password": self.password})
        good = not isinstance(r, Exception) and r.status == 201 and isinstance(r.json, dict)
        self.tap.ok(good and r.json.get("role") == "participant", "a session with the password",
                    "actual: %r" % (r,))
        if good:
            r = self.req("GET", "%s/accounts/%d/holdings" % (API, self.a), token=r.json["token"])
            self.tap.ok(not isinstance(r, Exception) and r.status == 200,
                        "the session token reads the holder's holdings", "actual: %r" % (r,))
        self.alive("authentication")

    def cycle_inputs(self):
        p = "participant"
        act = API + "/activities"
        base = {"kind": "project", "title": "Hostile test project"}
        for name, body, status, code in [
            ("a title of 100,000 bytes", dict(base, ref="H1", title="T" * 100000), 400, 1014),
            ("a ref with ../", dict(base, ref="../x"), 400, 1014),
            ("a ref with a slash", dict(base, ref="a/b"), 400, 1014),
            ("an empty ref", dict(base, ref=""), 400, 1014),
            ("a ref of 1,000 bytes", dict(base, ref="R" * 1000), 400, 1014),
            ("a ref that looks like SQL", dict(base, ref="X'; DROP TABLE activities; --"), 400,
             1014),
            ("February 30", dict(base, ref="H2", crediting_start="2025-02-30"), 400, 1013),
            ("a five-digit year", dict(base, ref="H3", crediting_start="99999-01-01"), 400, 1013),
            ("65 methodologies", dict(base, ref="H4", methodologies=["x"] * 65), 400, 1021),
            ("a methodology as a number", dict(base, ref="H5", methodologies=[1]), 400, 1021),
            ("negative expected reductions", dict(base, ref="H6", expected_annual_tco2e=-5), 400,
             1001),
            ("an unknown kind", dict(base, ref="H7", kind="spaceship"), 400, 1015),
        ]:
            self.err(self.req("POST", act, body=body, user=p), status, code,
                     "activity with %s" % name)
        r = self.req("POST", act, body=dict(base, ref="HOSTILE1"), user=p)
        self.tap.ok(not isinstance(r, Exception) and r.status == 201, "a plain activity (201)",
                    "actual: %r" % (r,))
        ev = act + "/HOSTILE1/events"
        self.err(self.req("POST", ev, body={"event": "submit; DROP TABLE activities"}, user=p),
                 400, 1016, "an event that looks like SQL")
        self.err(self.req("POST", ev, body={"event": "submit", "date": "2025-13-01"}, user=p),
                 400, 1013, "an event in month 13")
        self.err(self.req("POST", ev, body={"event": "submit", "document_sha256": "zz"}, user=p),
                 400, 1014, "a document hash that is not hex")
        self.err(self.req("POST", act + "/NOPE/events", body={"event": "submit"}, user=p), 404,
                 5003, "an event of an unknown activity")
        self.err(self.req("POST", act + "/HOSTILE1/periods",
                          body={"start": "2025-01-01", "end": "2025-02-01", "claimed_tco2e": 10},
                          user=p), 422, 5013, "monitoring of a draft")
        self.err(self.req("POST", API + "/periods/99999/verification",
                          body={"verified_tco2e": 10}, user="auditor"), 404, 5016,
                 "verifying an unknown period")
        self.err(self.req("POST", API + "/periods/abc/verification", body={"verified_tco2e": 10},
                          user="auditor"), 400, 1012, "verifying period 'abc'")
        self.err(self.req("POST", API + "/periods/1/notification",
                          body={"notified_tco2e": 10, "allocations": "x"}, user="committee"), 400,
                 1018, "allocations as a string")
        self.err(self.req("POST", API + "/periods/1/issuance", body={"accounts": {"x": "1"}},
                          user="committee"), 400, 1021, "an issuance account id as a string")
        self.err(self.req("POST", API + "/methodologies", body={"code": "M" * 10000},
                          user="committee"), 400, 1014, "a methodology code of 10,000 bytes")
        self.err(self.req("POST", API + "/poas/HOSTILE1/inclusions", body={"cpa": "NOPE"},
                          user="auditor"), 404, 5003, "including an unknown CPA")
        r = self.req("GET", act + "?kind=%27%20OR%201%3D1")
        self.tap.ok(not isinstance(r, Exception) and r.status in (200, 400) and
                    (r.status == 400 or r.json.get("items") == []),
                    "a kind filter that looks like SQL matches nothing", "actual: %r" % (r,))
        self.alive("project cycle inputs")

    def access(self):
        c = self.c
        self.err(self.req("GET", "%s/accounts/%d/holdings" % (API, c), user="participant"), 403,
                 7002, "participant reads another holder's holdings")
        self.err(self.req("GET", "%s/accounts/%d" % (API, c), user="participant"), 403, 7002,
                 "participant reads another holder's account")
        self.err(self.req("GET", "%s/accounts/%d/transactions" % (API, c), user="participant"),
                 403, 7002, "participant reads another holder's transactions")
        self.err(self.post_tx({"type": "transfer", "from": c, "to": self.a, "quantity": 1},
                              user="participant"), 403, 7002,
                 "participant transfers from another holder's account")
        self.err(self.post_tx({"type": "transfer", "from": c, "to": self.a, "quantity": 500},
                              user="participant"), 403, 7002,
                 "participant transfers above four-eyes from another holder's account")
        self.err(self.post_tx({"type": "retire", "from": c, "quantity": 1}, user="participant"),
                 403, 7002, "participant retires from another holder's account")
        self.err(self.post_tx({"type": "cancel", "from": c, "quantity": 1}, user="participant"),
                 403, 7002, "participant cancels from another holder's account")
        self.err(self.post_tx({"type": "transfer", "from": c, "to": self.a,
                               "blocks": [[1, 1]]}, user="participant"), 403, 7002,
                 "participant moves a block of another holder's account")
        self.err(self.post_account({"holder": OTHER_HOLDER, "type": "holding"},
                                   user="participant"), 403, 7002,
                 "participant opens an account for another holder")
        self.err(self.post_tx({"type": "issue", "to": self.a, "quantity": 5, "vintage": 2020},
                              user="participant"), 403, 7001, "participant issues units")
        self.err(self.post_tx({"type": "transfer", "from": self.a, "to": self.b, "quantity": 1},
                              user="auditor"), 403, 7001, "auditor transfers")
        self.err(self.req("GET", "%s/accounts/%d/holdings" % (API, self.a), user="observer"), 403,
                 7001, "observer reads holdings")
        # A transaction of the other holder, then another holder's four-eyes request.
        r = self.req("GET", "%s/accounts/%d/transactions" % (API, c), user="admin")
        ids = [i["id"] for i in (r.json or {}).get("items", [])] if not isinstance(r, Exception) else []
        if ids:
            self.err(self.req("GET", "%s/transactions/%d" % (API, ids[0]), user="participant"),
                     403, 7002, "participant reads another holder's transaction")
        r = self.post_tx({"type": "transfer", "from": c, "to": c, "quantity": 1},
                         user="other_participant")
        self.err(r, 422, 2003, "transfer to the same account")
        other_target = self.other_target
        r = self.post_tx({"type": "transfer", "from": c, "to": other_target, "quantity": 500},
                         user="other_participant")
        ok = (not isinstance(r, Exception) and r.status == 201 and isinstance(r.json, dict)
              and r.json.get("status") == "awaiting_approval")
        self.tap.ok(ok, "other holder's transfer of 500 awaits approval", "actual: %r" % (r,))
        if ok:
            approval = r.json.get("approval", r.json.get("id"))
            self.err(self.req("POST", "%s/approvals/%d/approve" % (API, approval),
                              user="participant"), 403, 7002,
                     "participant approves another holder's transfer")
            self.err(self.req("POST", "%s/approvals/%d/reject" % (API, approval),
                              user="participant"), 403, 7002,
                     "participant rejects another holder's transfer")
            self.err(self.req("POST", "%s/approvals/%d/approve" % (API, approval),
                              user="other_participant"), 403, 7006,
                     "the requester approves its own transfer")
            self.err(self.req("POST", "%s/approvals/%d/approve" % (API, approval),
                              user="observer"), 403, 7001, "observer approves")
            r = self.req("GET", API + "/approvals", user="participant")
            self.tap.ok(not isinstance(r, Exception) and r.status == 200 and
                        all(i.get("holder") == HOLDER for i in r.json.get("items", [])),
                        "participant's approval list has only its holder's requests",
                        "actual: %r" % (r,))
        self.err(self.req("POST", API + "/approvals/999999/approve", user="participant2"), 404,
                 2006, "approving an approval that does not exist")
        self.err(self.req("POST", API + "/approvals/0/approve", user="participant2"), 400, 1012,
                 "approving approval 0")
        self.alive("access across holders")

    def idempotency(self):
        body = {"type": "transfer", "from": self.d, "to": self.e, "quantity": 3}
        key = {"Idempotency-Key": "hostile-key-1"}
        first = self.post_tx(body, user="participant", headers=key)
        ok = not isinstance(first, Exception) and first.status == 201
        self.tap.ok(ok, "transfer with an Idempotency-Key (201)", "actual: %r" % (first,))
        first_id = first.json.get("id") if ok else None
        r = self.post_tx(body, user="participant", headers=key)
        self.tap.ok(not isinstance(r, Exception) and r.status == 200 and r.json.get("id") == first_id
                    and r.json.get("replayed") is True, "the same request replayed: 200, same id, "
                    "replayed true", "actual: %r" % (r,))
        for name, changed in [("another quantity", dict(body, quantity=4)),
                              ("another destination", dict(body, to=self.a)),
                              ("another type", {"type": "retire", "from": self.d, "quantity": 3})]:
            self.err(self.post_tx(changed, user="participant", headers=key), 409, 1005,
                     "the key reused with %s" % name)
        # Keys are registry-wide: another user of the holder sending the same request with the
        # same key gets the first result or 1005, never a second transfer.
        r = self.post_tx(body, user="participant2", headers=key)
        self.tap.ok(not isinstance(r, Exception) and (
            (r.status == 200 and r.json.get("id") == first_id and r.json.get("replayed") is True)
            or (r.status == 409 and r.error_code() == 1005)),
            "the key reused by another user of the holder: replayed or 409 1005",
            "actual: %r" % (r,))
        self.err(self.post_tx(body, user="participant", headers={"Idempotency-Key": "k" * 129}),
                 400, 1011, "an Idempotency-Key of 129 characters")
        self.err(self.post_tx(body, user="participant", headers={"Idempotency-Key": "caf\xe9"}),
                 400, 1011, "an Idempotency-Key with a byte above ASCII")
        total_d = (self.holdings(self.d) or {}).get("total")
        total_e = (self.holdings(self.e) or {}).get("total")
        self.tap.ok((total_d, total_e) == (997, 3), "the idempotent transfer moved 3 units once",
                    "holdings d, e: %s, %s" % (total_d, total_e))
        self.alive("idempotency")

    def methods(self):
        for method, path in [("DELETE", "/accounts"), ("PUT", "/health"), ("POST", "/health"),
                             ("PATCH", "/transactions"), ("GET", "/transactions"),
                             ("DELETE", "/accounts/1"), ("PUT", "/accounts/1/holdings"),
                             ("GET", "/approvals/1/approve"), ("OPTIONS", "/accounts"),
                             ("TRACE", "/health"), ("BREW", "/health")]:
            self.err(self.req(method, API + path, user="admin"), 405, 1025,
                     "%s %s" % (method, path))
        for path in ["/api/v1/nope", "/api/v2/health", "/api/v1", "/api/v1/health/x",
                     "/api/v1/accounts/1/holdings/x"]:
            self.err(self.req("GET", path, user="admin"), 404, 1024, "GET %s" % path)
        # Paths outside /api/ belong to the web site: an HTML page, or its HTML 404.
        for path, status in [("/", 200), ("/API/V1/HEALTH", 404), ("/metrics/x", 404),
                             ("/nope", 404), ("/activities/%00", 404)]:
            r = self.req("GET", path)
            ok = (not isinstance(r, Exception) and r.status == status and
                  r.headers.get("Content-Type", "").startswith("text/html") and
                  "default-src 'none'" in r.headers.get("Content-Security-Policy", ""))
            self.tap.ok(ok, "GET %s is the web site's %d page" % (path, status),
                        "" if ok else repr(getattr(r, "status", r)))
        self.alive("methods and routes")

    def connections(self, clients=200):
        """Clients that send a transfer and close at once (the server answers into a closed
        connection), and pipelined requests on one connection."""
        token = self.reg.tokens["participant"].encode()
        body = json.dumps({"type": "transfer", "from": self.g, "to": self.h,
                           "quantity": 1}).encode()
        request = (b"POST /api/v1/transactions HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
                   token + b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                   % len(body) + body)
        sockets = []
        for _ in range(clients):
            try:
                c = socket.create_connection(("127.0.0.1", self.reg.port), timeout=10)
                c.sendall(request)
                sockets.append(c)
            except OSError:
                pass
        for c in sockets:
            c.close()
        time.sleep(0.5)
        self.tap.ok(len(sockets) == clients, "%d clients sent a transfer and closed without "
                    "reading the answer" % len(sockets))
        self.alive("clients closing before their answer")
        g = (self.holdings(self.g) or {}).get("total")
        h = (self.holdings(self.h) or {}).get("total")
        committed = self.reg.sql("SELECT COUNT(*) FROM transactions WHERE from_account = %d AND "
                                 "to_account = %d" % (self.g, self.h))
        self.tap.ok(g is not None and h is not None and g + h == 1000 and str(h) == committed,
                    "units conserved, one transaction per unit moved (%s moved)" % h,
                    "holdings %s + %s, transactions %s" % (g, h, committed))
        # Three pipelined requests on one connection: answered in order.
        health = b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n"
        last = b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        c = socket.create_connection(("127.0.0.1", self.reg.port), timeout=10)
        data = b""
        try:
            c.sendall(health + request + last)
            while True:
                chunk = c.recv(65536)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
        finally:
            c.close()
        # Each answer's status line follows the previous body directly (no separator).
        statuses = [int(code) for code in re.findall(rb"HTTP/1\.1 (\d{3}) ", data)]
        self.tap.ok(statuses == [200, 201, 200], "pipelined health, transfer, health answered "
                    "200, 201, 200 in order", "statuses: %r" % (statuses,),
                    data[:800].decode("utf-8", "replace"))
        self.alive("pipelined requests")

    def concurrency(self, total=1000):
        th = threading
        th.stack_size(256 * 1024)
        x0 = (self.holdings(self.x) or {}).get("total")
        y0 = (self.holdings(self.y) or {}).get("total")
        plan = []
        for i in range(total):
            kind = ("health", "holdings", "xy", "yx")[i % 4]
            plan.append(kind)
        random.Random(7).shuffle(plan)
        results = [None] * total
        barrier = th.Barrier(total, timeout=60)

        def work(i, kind):
            try:
                barrier.wait()
            except th.BrokenBarrierError:
                pass
            try:
                if kind == "health":
                    results[i] = self.reg.request("GET", API + "/health", timeout=60)
                elif kind == "holdings":
                    account = self.x if i % 2 else self.y
                    results[i] = self.reg.request("GET", "%s/accounts/%d/holdings" % (API, account),
                                                  user="participant", timeout=60)
                else:
                    src, dst = (self.x, self.y) if kind == "xy" else (self.y, self.x)
                    results[i] = self.reg.request(
                        "POST", API + "/transactions", user="participant", timeout=60,
                        body={"type": "transfer", "from": src, "to": dst, "quantity": 1})
            except Exception as e:  # noqa: BLE001 - every failure is reported
                results[i] = e

        started = time.time()
        threads = [th.Thread(target=work, args=(i, k)) for i, k in enumerate(plan)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        elapsed = time.time() - started
        answered = [r for r in results if r is not None and not isinstance(r, Exception)]
        errors = [r for r in results if r is None or isinstance(r, Exception)]
        self.tap.ok(not errors, "all %d concurrent requests answered (%.1f s)" % (total, elapsed),
                    "%d without an answer, e.g. %r" % (len(errors), errors[:3]))
        five = [r for r in answered if r.status >= 500]
        self.tap.ok(not five, "no 5xx among the concurrent answers",
                    "%d 5xx, e.g. %r" % (len(five), five[:3]))
        bad_reads = [r for i, r in enumerate(results) if plan[i] in ("health", "holdings")
                     and (isinstance(r, Exception) or r is None or r.status != 200)]
        self.tap.ok(not bad_reads, "every health and holdings read answered 200",
                    "%d failed, e.g. %r" % (len(bad_reads), bad_reads[:3]))
        moved = {"xy": 0, "yx": 0}
        refused = []
        tx_ids = []
        for i, r in enumerate(results):
            if plan[i] in moved and not isinstance(r, Exception) and r is not None:
                if r.status == 201 and r.json.get("status") == "completed":
                    moved[plan[i]] += 1
                    tx_ids.append(r.json.get("id"))
                else:
                    refused.append(r)
        self.tap.ok(not refused, "every concurrent 1-unit transfer completed (201)",
                    "%d not completed, e.g. %r" % (len(refused), refused[:3]))
        self.tap.ok(len(set(tx_ids)) == len(tx_ids), "each completed transfer has its own id",
                    "%d ids, %d distinct" % (len(tx_ids), len(set(tx_ids))))
        x1 = (self.holdings(self.x) or {}).get("total")
        y1 = (self.holdings(self.y) or {}).get("total")
        want_x = x0 - moved["xy"] + moved["yx"] if x0 is not None else None
        want_y = y0 - moved["yx"] + moved["xy"] if y0 is not None else None
        self.tap.ok(x1 == want_x and y1 == want_y,
                    "holdings reflect exactly the %d + %d transfers answered 201"
                    % (moved["xy"], moved["yx"]),
                    "x: %s -> %s (expected %s); y: %s -> %s (expected %s)"
                    % (x0, x1, want_x, y0, y1, want_y))
        self.tap.ok(x1 is not None and y1 is not None and x1 + y1 == x0 + y0,
                    "the pair's total is conserved (%s)" % (x0 + y0 if x0 is not None else "?"),
                    "before %s + %s, after %s + %s" % (x0, y0, x1, y1))
        count = self.reg.sql("SELECT COUNT(*) FROM transactions WHERE type = 'transfer' AND "
                             "from_account IN (%d, %d) AND to_account IN (%d, %d)"
                             % (self.x, self.y, self.x, self.y))
        self.tap.ok(count == str(moved["xy"] + moved["yx"]),
                    "the ledger holds exactly one transaction per transfer answered 201",
                    "transactions between x and y: %s, answered 201: %d"
                    % (count, moved["xy"] + moved["yx"]))
        self.alive("1,000 concurrent requests")

    def shutdown_under_load(self, rounds=5, workers=40):
        """SIGTERM while transfers are in flight, several times (the server restarted on the same
        database): it exits 0 each time, and every transfer answered 201 is in the database
        afterwards (answers only after the commit)."""
        before = 0
        for round_number in range(1, rounds + 1):
            if round_number > 1:
                try:
                    self.reg.start()
                except RuntimeError as e:
                    self.tap.ok(False, "round %d: the server restarts" % round_number, str(e))
                    return
            before = self.shutdown_round(round_number, workers, before)
            if before is None:
                return

    def shutdown_round(self, round_number, workers, before):
        stop = threading.Event()
        answers = []
        lock = threading.Lock()

        body = json.dumps({"type": "transfer", "from": self.p, "to": self.q, "quantity": 1})
        headers = {"Authorization": "Bearer " + self.reg.tokens["participant"],
                   "Content-Type": "application/json"}

        def work(keep_alive):
            # Half the clients keep their connection open between requests, half do not.
            conn = None
            while not stop.is_set():
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection("127.0.0.1", self.reg.port, timeout=30)
                    conn.request("POST", API + "/transactions", body=body, headers=headers)
                    r = conn.getresponse()
                    r.read()
                    with lock:
                        answers.append(r.status)
                    if not keep_alive or r.getheader("Connection", "").lower() == "close":
                        conn.close()
                        conn = None
                except (OSError, http.client.HTTPException):
                    with lock:
                        answers.append(None)
                    if conn is not None:
                        conn.close()
                        conn = None
                    time.sleep(0.01)
            if conn is not None:
                conn.close()

        threads = [threading.Thread(target=work, args=(i % 2 == 0,)) for i in range(workers)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        rc = self.reg.stop()
        stop.set()
        for t in threads:
            t.join(60)
        completed = answers.count(201)
        label = "shutdown round %d" % round_number
        self.tap.ok(rc == 0, "%s: SIGTERM with %d clients sending transfers, the server exits 0"
                    % (label, workers), "exit status %r (%s)" % (
                        rc, "killed by signal %d" % -rc if isinstance(rc, int) and rc < 0 else
                        "see stderr"), self.reg.server_stderr()[-1500:])
        self.tap.ok(completed > 0, "%s: %d transfers completed before the SIGTERM"
                    % (label, completed))
        server_errors = [a for a in answers if a is not None and a >= 500 and a != 503]
        self.tap.ok(not server_errors, "%s: no 5xx other than 503" % label,
                    "statuses: %r" % sorted(set(a for a in answers if a is not None)))
        committed = int(self.reg.sql("SELECT COUNT(*) FROM transactions WHERE from_account = %d "
                                     "AND to_account = %d" % (self.p, self.q)) or 0)
        try:
            total_q = json.loads(self.reg.cli("--json", "holdings", self.q).stdout).get("total")
            total_p = json.loads(self.reg.cli("--json", "holdings", self.p).stdout).get("total")
        except (ValueError, RuntimeError) as e:
            self.tap.ok(False, "%s: holdings read after the shutdown" % label, str(e))
            return None
        self.tap.ok(committed - before >= completed and total_q == committed,
                    "%s: every transfer answered 201 is in the database (%d answered, %d "
                    "committed)" % (label, completed, committed - before),
                    "destination holds %s, %d transactions in all" % (total_q, committed))
        self.tap.ok(total_p is not None and total_q is not None and total_p + total_q == 10000,
                    "%s: units conserved" % label, "%s + %s" % (total_p, total_q))
        return committed

    def run(self):
        reg = self.reg
        try:
            # A destination of the other holder for its four-eyes request.
            r = self.post_account({"holder": OTHER_HOLDER, "type": "holding"},
                                  user="other_participant")
            self.other_target = r.json["id"] if not isinstance(r, Exception) and r.status == 201 \
                else self.c
            watched = [self.a, self.b, self.c, self.other_target]
            before = self.snapshot(watched)
            self.tap.ok(all(v is not None for v in before.values()),
                        "holdings of the watched accounts read", "%r" % (before,))
            tx_before = reg.sql("SELECT COUNT(*) FROM transactions")
            for group in (self.malformed_json, self.wrong_types, self.numbers, self.big_bodies,
                          self.nesting, self.paths, self.sql_looking, self.headers,
                          self.authentication, self.cycle_inputs, self.access, self.methods):
                self.ensure_server(group.__name__)
                group()
            self.ensure_server("the holdings check")
            after = self.snapshot(watched)
            for account in watched:
                self.tap.ok(before[account] == after[account],
                            "holdings of account %d unchanged by rejected requests" % account,
                            "before: %s" % json.dumps(before[account]),
                            "after:  %s" % json.dumps(after[account]))
            self.tap.ok(reg.sql("SELECT COUNT(*) FROM transactions") == tx_before,
                        "no transaction recorded by rejected requests",
                        "before %s, after %s" % (tx_before,
                                                 reg.sql("SELECT COUNT(*) FROM transactions")))
            for phase in (self.idempotency, self.connections, self.concurrency,
                          self.shutdown_under_load):
                self.ensure_server(phase.__name__)
                phase()
            v = reg.verify()
            self.tap.ok(v.returncode == 0, "a6reg verify passes", v.stdout + v.stderr)
        except Exception as e:  # noqa: BLE001
            import traceback
            self.tap.ok(False, "the test ran to its end", traceback.format_exc())
        finally:
            reg.cleanup()
        return self.tap.finish()


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: hostile.py A6REG_BINARY\n")
        return 2
    try:
        hostile = Hostile(sys.argv[1])
    except Exception:  # noqa: BLE001
        import traceback
        tap = Tap()
        tap.ok(False, "a registry and its server for the hostile tests", traceback.format_exc())
        return tap.finish()
    return hostile.run()


if __name__ == "__main__":
    sys.exit(main())
