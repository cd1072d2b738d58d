"""transfer.py: external transfers between two real registries (VNM01 and JPN01, two servers, two
databases): units proposed, accepted and completed, arriving under their origin serials; the
partner down during a transfer and restarted (delayed, never lost); the answer lost after the
partner committed (retried, the partner answers its first answer, the units arrive once); a
proposal of units already known (double issuance) rejected; the same proposal sent twice applied
once. Afterwards units are conserved on both sides and `verify` passes."""
import http.client
import json
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
from a6api import Registry, Tap  # noqa: E402
from channel import meta, post, sign  # noqa: E402


class LossyProxy:
    """Forwards HTTP requests to a target port; when drop is set, the next answer is dropped
    after the target processed the request (the connection closes without a response)."""

    def __init__(self):
        self.target = None
        self.drop = 0
        self.forwarded = 0
        self.messages = None  # for /api/v1/interop/messages only: "drop" answers, "block" requests
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def handle(self, conn):
        try:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            while len(body) < length:
                body += conn.recv(65536)
            method, path = head.split(b" ")[0].decode(), head.split(b" ")[1].decode()
            message = path == "/api/v1/interop/messages"
            if message and self.messages == "block":
                conn.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                             b"Connection: close\r\n\r\n")
                return
            target = http.client.HTTPConnection("127.0.0.1", self.target, timeout=30)
            target.request(method, path, body=body, headers={"Content-Type": "application/json"})
            answer = target.getresponse()
            payload = answer.read()
            self.forwarded += 1
            if self.drop > 0 or (message and self.messages == "drop"):
                self.drop = max(self.drop - 1, 0)
                return  # the partner committed; its answer is lost on the way back
            conn.sendall(b"HTTP/1.1 %d OK\r\nContent-Type: application/json\r\nContent-Length: %d"
                         b"\r\nConnection: close\r\n\r\n" % (answer.status, len(payload)) + payload)
        except OSError:
            pass
        finally:
            conn.close()


def holdings(registry, account):
    r = registry.request("GET", "/api/v1/accounts/%d/holdings" % account, user="admin")
    return r.json["total"] if r.status == 200 else None


def transfers(registry):
    return registry.request("GET", "/api/v1/external-transfers", user="admin").json["items"]


def wait_status(registry, transfer, statuses, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        for t in transfers(registry):
            if t["id"] == transfer and t["direction"] == "out" and t["status"] in statuses:
                return t["status"]
        time.sleep(0.1)
    return None


def main():
    exe = sys.argv[1]
    tap = Tap()
    proxy = LossyProxy()
    vn = Registry(exe, init_args=("--party", "VNM"))
    jp = Registry(exe, init_args=("--party", "JPN"))
    try:
        vn.start()
        jp_port = jp.start()
        proxy.target = jp_port
        vn.cli("partner", "add", "JPN01", "http://127.0.0.1:%d" % proxy.port, meta(jp, "public_key"))
        jp.cli("partner", "add", "VNM01", "http://127.0.0.1:%d" % vn.port, meta(vn, "public_key"))
        a = vn.request("POST", "/api/v1/accounts", body={"holder": "Solar Co", "type": "holding"},
                       user="admin").json["id"]
        vn.request("POST", "/api/v1/transactions", user="admin",
                   body={"type": "issue", "to": a, "quantity": 100, "vintage": 2024})
        b = jp.request("POST", "/api/v1/accounts", body={"holder": "JP Buyer KK", "type": "holding"},
                       user="admin").json["id"]

        r = vn.request("POST", "/api/v1/external-transfers", user="admin",
                       body={"from": a, "partner": "JPN01", "to_account": b, "quantity": 40})
        tap.ok(r.status == 201 and r.json["status"] == "proposed", "VNM01 proposes 40 units to JPN01", r)
        first = r.json["id"]
        tap.ok(wait_status(vn, first, ("completed",)) == "completed",
               "the partner accepts and the transfer completes", transfers(vn))
        tap.ok(holdings(vn, a) == 60 and holdings(jp, b) == 40,
               "60 units stay in Viet Nam, 40 arrived in Japan", holdings(vn, a), holdings(jp, b))
        tap.ok(jp.sql("SELECT origin_registry || ' ' || origin_first || ' ' || quantity FROM issuances")
               == "VNM01 1 40", "the units keep their serials in the origin registry (VNM01 1-40)")
        tap.ok(vn.sql("SELECT SUM(b.last_serial - b.first_serial + 1) FROM blocks b JOIN accounts c "
                      "ON c.id = b.account_id WHERE c.type = 'partner' AND c.holder = 'JPN01'") == "40",
               "in VNM01 the units left into JPN01's account")

        # The partner is down: the transfer waits in pending, then completes once it is back.
        jp.stop()
        r = vn.request("POST", "/api/v1/external-transfers", user="admin",
                       body={"from": a, "partner": "JPN01", "to_account": b, "quantity": 10})
        second = r.json["id"]
        time.sleep(1.5)
        queue = json.loads(vn.cli("partner", "queue").stdout)
        tap.ok(wait_status(vn, second, ("proposed",), 1) == "proposed" and queue and
               queue[0]["attempts"] >= 1 and queue[0]["last_error"],
               "with the partner down the transfer stays proposed and is retried", queue)
        tap.ok(holdings(vn, a) == 50, "its units wait in the pending account meanwhile")
        jp.start("--listen", "127.0.0.1:%d" % jp_port)
        tap.ok(wait_status(vn, second, ("completed",), 30) == "completed",
               "the partner restarted: the transfer completes", transfers(vn))
        tap.ok(holdings(jp, b) == 50, "Japan holds 50", holdings(jp, b))

        # The answer is lost after the partner committed: retried, applied once.
        proxy.drop = 1
        r = vn.request("POST", "/api/v1/external-transfers", user="admin",
                       body={"from": a, "partner": "JPN01", "to_account": b, "quantity": 5})
        third = r.json["id"]
        tap.ok(wait_status(vn, third, ("completed",), 30) == "completed" and proxy.forwarded >= 4,
               "an answer lost after the partner committed: the retry completes it", proxy.forwarded)
        tap.ok(holdings(jp, b) == 55 and holdings(vn, a) == 45,
               "the units arrived once (55 in Japan, 45 left in Viet Nam)", holdings(jp, b))

        # The same proposal again, and a new proposal of units Japan already knows.
        sent = vn.sql("SELECT envelope FROM messages WHERE type = 'transfer.proposal' ORDER BY sequence LIMIT 1")
        again = post(jp, sent)
        tap.ok(again.status == 200 and again.json["payload"]["status"] == "accepted" and
               holdings(jp, b) == 55, "the same proposal sent twice is applied once", again)

        # The partner killed (SIGKILL) while transfers are in flight, then restarted: every transfer
        # completes exactly once.
        burst = []
        for _ in range(10):
            r = vn.request("POST", "/api/v1/external-transfers", user="admin",
                           body={"from": a, "partner": "JPN01", "to_account": b, "quantity": 1})
            burst.append(r.json["id"])
        time.sleep(0.05)
        jp.server.kill()
        jp.server.wait()
        jp.server.stdout.close()
        time.sleep(0.5)
        jp.start("--listen", "127.0.0.1:%d" % jp_port)
        done = [wait_status(vn, t, ("completed",), 30) for t in burst]
        tap.ok(done == ["completed"] * 10,
               "the partner killed mid-transfer and restarted: all 10 transfers complete", done)
        tap.ok(holdings(jp, b) == 65 and holdings(vn, a) == 35,
               "each unit arrived exactly once (65 in Japan, 35 left in Viet Nam)",
               holdings(jp, b), holdings(vn, a))

        # JCM: a period's partner share issued in Viet Nam straight into JPN01's account is
        # announced to Japan, which holds the same units (same VNM01 serials) for the holder named.
        steps = [
            ["approach", "add", "CA0001", "--name", "JCM Japan-Viet Nam", "--partner", "JPN",
             "--partner-registry", "JPN01", "--ndc-first-transfer", "issuance", "--unit-registry",
             "JCM", "--role", "authority"],
            ["activity", "add", "--ref", "VN101", "--kind", "project", "--title", "Rooftop solar",
             "--technology", "solar-pv", "--sector", "energy"]]
        for event, role in (("submit", "participant"), ("start_validation", "auditor"),
                            ("validate", "auditor"), ("register", "committee")):
            steps.append(["activity", "advance", "VN101", event, "--role", role, "--date", "2026-01-10"])
        steps += [
            ["monitoring", "add", "VN101", "--start", "2026-01-10", "--end", "2026-06-30",
             "--claimed", "1000", "--date", "2026-07-05"],
            ["monitoring", "verify", "1", "--verified", "1000", "--date", "2026-07-10"],
            ["policy", "set", "--role", "authority", "--sector", "energy", "--technology", "solar-pv",
             "--purpose", "NDC", "--max-share-bp", "5000", "--vintages", "2021-2030",
             "--target-year", "2030"],
            ["ndc", "set", "--first-year", "2021", "--last-year", "2030", "--target-year", "2030",
             "--method", "trajectory", "--bau", "927900000", "--unconditional-bp", "1580"],
            ["ndc", "inventory", "--year", "2030", "--emissions", "700000000"],
            ["authorization", "request", "VN101", "--quantity", "500", "--vintages", "2026-2030",
             "--purpose", "NDC"],
            ["authorization", "decide", "1", "--approve", "--role", "authority", "--date", "2026-07-15"],
            ["monitoring", "request", "1", "--date", "2026-07-20"],
            ["monitoring", "notify", "1", "--total", "500", "--allocate", "host:Government of Viet Nam:200",
             "--allocate", "partner:Government of Japan:300", "--date", "2026-10-20"],
            ["monitoring", "issue", "1", "--authorization", "1", "--date", "2026-10-25"]]
        jp.cli("approach", "add", "CA0001", "--name", "JCM Japan-Viet Nam", "--partner", "VNM",
               "--partner-registry", "VNM01", "--ndc-first-transfer", "issuance", "--unit-registry",
               "JCM", "--role", "authority")
        failed = [" ".join(step) + ": " + p.stderr for step in steps
                  for p in [vn.cli(*step, check=False)] if p.returncode != 0]
        tap.ok(not failed, "VNM01 issues a JCM period with a 300 t partner share under an authorization",
               *failed)
        deadline = time.time() + 15
        japan = None
        while time.time() < deadline and not japan:
            japan = jp.sql("SELECT a.holder || ' ' || i.origin_registry || ' ' || i.quantity FROM "
                           "issuances i JOIN accounts a ON a.id = i.account_id WHERE "
                           "a.holder = 'Government of Japan'")
            time.sleep(0.2)
        tap.ok(japan == "Government of Japan VNM01 300",
               "JPN01 holds the partner share for the Government of Japan, under VNM01's serials",
               japan)
        gov = jp.sql("SELECT id FROM accounts WHERE holder = 'Government of Japan'")
        block = jp.request("GET", "/api/v1/accounts/%s/holdings" % gov, user="admin").json["blocks"][0]
        tap.ok(block.get("itmo_id") == "CA0001-VNM01-VNM-301-600-2026" and
               block.get("authorization_id") == "VNM01-A1",
               "they arrive as ITMOs: the same unique identifier and authorization as in Viet Nam",
               block)
        tap.ok(vn.sql("SELECT COUNT(*) FROM first_transfers") == "1",
               "in VNM01 the partner share's issuance is its first transfer (one CA entry)")

        # Japan sends units the other way; then both sides reconcile.
        j = jp.request("POST", "/api/v1/accounts", body={"holder": "JP Seller KK", "type": "holding"},
                       user="admin").json["id"]
        jp.request("POST", "/api/v1/transactions", user="admin",
                   body={"type": "issue", "to": j, "quantity": 30, "vintage": 2025})
        c = vn.request("POST", "/api/v1/accounts", body={"holder": "VN Buyer JSC", "type": "holding"},
                       user="admin").json["id"]
        r = jp.request("POST", "/api/v1/external-transfers", user="admin",
                       body={"from": j, "partner": "VNM01", "to_account": c, "quantity": 30})
        tap.ok(wait_status(jp, r.json["id"], ("completed",)) == "completed" and holdings(vn, c) == 30,
               "JPN01 transfers 30 units to VNM01", transfers(jp))
        out = vn.cli("--json", "reconcile", "JPN01", check=False)
        result = json.loads(out.stdout) if out.stdout.strip().startswith("{") else {}
        tap.ok(out.returncode == 0 and result.get("differences") == 0 and result.get("blocks") == 3,
               "VNM01 and JPN01 reconcile: zero differences over both directions", out.stdout,
               out.stderr)
        tap.ok(0 < result.get("round_trips", 99) <= 10, "in a few round trips",
               result.get("round_trips"))
        out = jp.cli("--json", "reconcile", "VNM01", check=False)
        tap.ok(out.returncode == 0 and json.loads(out.stdout)["differences"] == 0,
               "and the same from Japan's side", out.stdout, out.stderr)

        # A deliberately planted difference: Japan's record of the units it sent says 2024.
        jp.sql("UPDATE blocks SET vintage = 2024 WHERE account_id = (SELECT id FROM accounts "
               "WHERE type = 'partner' AND holder = 'VNM01') AND issuance_id IN "
               "(SELECT id FROM issuances WHERE origin_registry IS NULL)")
        out = vn.cli("--json", "reconcile", "JPN01", check=False)
        result = json.loads(out.stdout) if out.stdout.strip().startswith("{") else {}
        diffs = result.get("diffs", [])
        tap.ok(out.returncode == 1 and result.get("differences") == 1 and
               diffs[0]["mine"]["origin"] == "JPN01" and diffs[0]["mine"]["vintage"] == 2025 and
               diffs[0]["mine"]["last"] - diffs[0]["mine"]["first"] == 29 and
               diffs[0]["theirs"]["vintage"] == 2024,
               "the planted difference is found: JPN01's 30 units, vintage 2025 here, 2024 there",
               out.stdout, out.stderr)
        tap.ok(result.get("frozen") == 1, "and the units concerned are frozen here", result)
        deadline, japan_frozen = time.time() + 15, "0"
        while time.time() < deadline and japan_frozen == "0":
            japan_frozen = jp.sql("SELECT COUNT(*) FROM frozen_blocks WHERE resolved_at IS NULL "
                                  "AND local_first IS NOT NULL")
            time.sleep(0.2)
        tap.ok(japan_frozen == "1", "and on the partner's side too (reconcile.freeze)", japan_frozen)
        d = vn.request("POST", "/api/v1/accounts", body={"holder": "VN Other JSC", "type": "holding"},
                       user="admin").json["id"]
        r = vn.request("POST", "/api/v1/transactions", user="admin",
                       body={"type": "transfer", "from": c, "to": d, "quantity": 5})
        tap.ok(r.status == 422 and r.error_code() == 6014,
               "frozen units cannot move (6014)", r)
        freezes = json.loads(vn.cli("reconcile", "freezes").stdout)
        vn.cli("reconcile", "resolve", str(freezes[0]["id"]))
        r = vn.request("POST", "/api/v1/transactions", user="admin",
                       body={"type": "transfer", "from": c, "to": d, "quantity": 5})
        tap.ok(r.status == 201, "once an operator resolves the freeze they move again", r)
        jp.sql("UPDATE blocks SET vintage = 2025 WHERE account_id = (SELECT id FROM accounts "
               "WHERE type = 'partner' AND holder = 'VNM01') AND issuance_id IN "
               "(SELECT id FROM issuances WHERE origin_registry IS NULL)")
        out = vn.cli("--json", "reconcile", "JPN01", check=False)
        tap.ok(out.returncode == 0 and json.loads(out.stdout)["differences"] == 0,
               "Japan's record repaired: zero differences again", out.stdout, out.stderr)
        # Japan sends 5 of Viet Nam's units back home: they leave JPN01's account in Viet Nam.
        r = jp.request("POST", "/api/v1/external-transfers", user="admin",
                       body={"from": b, "partner": "VNM01", "to_account": a, "quantity": 5})
        tap.ok(r.status == 201 and wait_status(jp, r.json["id"], ("completed",)) == "completed",
               "JPN01 sends 5 VNM01 units back to their origin registry", r, transfers(jp))
        tap.ok(holdings(vn, a) == 40 and holdings(jp, b) == 60,
               "they are back in Viet Nam's account (40), out of Japan's (60)", holdings(vn, a),
               holdings(jp, b))
        out = vn.cli("--json", "reconcile", "JPN01", check=False)
        tap.ok(out.returncode == 0 and json.loads(out.stdout)["differences"] == 0,
               "after the return both registries still agree", out.stdout, out.stderr)
        # The server reconciles by itself (--reconcile-every): a new difference gets frozen.
        vn_port = vn.port
        vn.stop()
        jp.sql("UPDATE blocks SET vintage = 2024 WHERE account_id = (SELECT id FROM accounts "
               "WHERE type = 'partner' AND holder = 'VNM01') AND issuance_id IN "
               "(SELECT id FROM issuances WHERE origin_registry IS NULL)")
        vn.start("--listen", "127.0.0.1:%d" % vn_port, "--reconcile-every", "1")
        deadline, unresolved = time.time() + 15, "0"
        while time.time() < deadline and unresolved == "0":
            unresolved = vn.sql("SELECT COUNT(*) FROM frozen_blocks WHERE resolved_at IS NULL")
            time.sleep(0.2)
        tap.ok(unresolved == "1", "the periodic reconciliation finds and freezes a new difference",
               unresolved, vn.server_stderr())
        jp.sql("UPDATE blocks SET vintage = 2025 WHERE account_id = (SELECT id FROM accounts "
               "WHERE type = 'partner' AND holder = 'VNM01') AND issuance_id IN "
               "(SELECT id FROM issuances WHERE origin_registry IS NULL)")
        vn.cli("reconcile", "resolve", vn.sql("SELECT id FROM frozen_blocks WHERE resolved_at IS NULL"))

        # Last (it takes a sequence number VNM01 itself never sent): a forged proposal of units
        # Japan already knows.
        sequence = int(jp.sql("SELECT last_in_sequence FROM partners WHERE id = 'VNM01'")) + 1
        double = sign(meta(vn, "secret_key"), {
            "sender": "VNM01", "receiver": "JPN01", "id": os.urandom(16).hex(), "sequence": sequence,
            "type": "transfer.proposal", "time": "2026-11-28T00:00:00.000Z",
            "payload": {"transfer": 99, "to_account": b, "quantity": 40,
                        "blocks": [{"origin": "VNM01", "first": 1, "last": 40, "vintage": 2024,
                                    "unit_type": "jcm-credit"}]}})
        r = post(jp, double)
        tap.ok(r.status == 200 and r.json["payload"]["status"] == "rejected" and
               r.json["payload"]["code"] == 6012 and holdings(jp, b) == 60,
               "a proposal of units already known is rejected (6012): no double issuance", r)

        vn_units = vn.sql("SELECT SUM(last_serial - first_serial + 1) FROM blocks")
        tap.ok(vn_units == "630", "Viet Nam accounts for its 600 units and the 30 acquired", vn_units)
        for name, registry in (("VNM01", vn), ("JPN01", jp)):
            tap.ok(registry.stop() == 0, "%s stops cleanly" % name, registry.server_stderr())
            v = registry.verify()
            tap.ok(v.returncode == 0, "%s verify passes" % name, v.stdout, v.stderr)
    finally:
        vn.cleanup()
        jp.cleanup()
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
