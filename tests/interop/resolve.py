"""resolve.py: an operator settles partner messages that do not get through, by asking the partner
(`a6reg partner resolve MESSAGE`): a transfer whose answers are all lost after the partner
committed is completed from the partner's record of its answer; a transfer that never reaches
the partner is cancelled (its units return, a signed cancel takes its sequence number) and later
messages flow again. Units are never counted twice; `verify` passes on both sides."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
from a6api import Registry, Tap  # noqa: E402
from channel import meta  # noqa: E402
from transfer import LossyProxy, holdings, wait_status  # noqa: E402


def queued(registry):
    return json.loads(registry.cli("partner", "queue").stdout)


def main():
    exe = sys.argv[1]
    tap = Tap()
    proxy = LossyProxy()
    vn = Registry(exe, init_args=("--party", "VNM"))
    jp = Registry(exe, init_args=("--party", "JPN"))
    try:
        vn.start()
        proxy.target = jp.start()
        vn.cli("partner", "add", "JPN01", "http://127.0.0.1:%d" % proxy.port, meta(jp, "public_key"))
        jp.cli("partner", "add", "VNM01", "http://127.0.0.1:%d" % vn.port, meta(vn, "public_key"))
        a = vn.request("POST", "/api/v1/accounts", body={"holder": "Solar Co", "type": "holding"},
                       user="admin").json["id"]
        vn.request("POST", "/api/v1/transactions", user="admin",
                   body={"type": "issue", "to": a, "quantity": 100, "vintage": 2024})
        b = jp.request("POST", "/api/v1/accounts", body={"holder": "JP Buyer KK", "type": "holding"},
                       user="admin").json["id"]

        proxy.messages = "drop"
        r = vn.request("POST", "/api/v1/external-transfers", user="admin",
                       body={"from": a, "partner": "JPN01", "to_account": b, "quantity": 10})
        first = r.json["id"]
        deadline = time.time() + 10
        while time.time() < deadline and holdings(jp, b) != 10:
            time.sleep(0.1)
        tap.ok(holdings(jp, b) == 10 and wait_status(vn, first, ("proposed",), 1) == "proposed",
               "every answer lost: Japan holds the 10 units, Viet Nam still waits", holdings(jp, b))
        stuck = queued(vn)
        out = vn.cli("--json", "partner", "resolve", stuck[0]["id"], check=False)
        tap.ok(out.returncode == 0 and json.loads(out.stdout)["resolution"] == "answered",
               "the operator resolves it from the partner's record of its answer", out.stdout,
               out.stderr)
        tap.ok(wait_status(vn, first, ("completed",), 5) == "completed" and holdings(vn, a) == 90 and
               holdings(jp, b) == 10, "the transfer is completed once (90 here, 10 there)")

        proxy.messages = "block"
        r = vn.request("POST", "/api/v1/external-transfers", user="admin",
                       body={"from": a, "partner": "JPN01", "to_account": b, "quantity": 5})
        second = r.json["id"]
        time.sleep(1.0)
        stuck = queued(vn)
        tap.ok(len(stuck) == 1 and stuck[0]["attempts"] >= 1 and holdings(vn, a) == 85,
               "a proposal that never reaches the partner stays queued, its units pending", stuck)
        out = vn.cli("--json", "partner", "resolve", stuck[0]["id"], check=False)
        tap.ok(out.returncode == 0 and json.loads(out.stdout)["resolution"] == "cancelled",
               "the partner never received it: the operator cancels it", out.stdout, out.stderr)
        tap.ok(wait_status(vn, second, ("terminated",), 5) == "terminated" and
               holdings(vn, a) == 90, "its units are back (90)", holdings(vn, a))
        proxy.messages = None
        deadline = time.time() + 15
        while time.time() < deadline and queued(vn):
            time.sleep(0.2)
        tap.ok(not queued(vn) and
               jp.sql("SELECT type FROM messages WHERE direction = 'in' ORDER BY sequence DESC "
                      "LIMIT 1") == "message.cancel",
               "the signed cancel takes the sequence number at the partner", queued(vn))
        r = vn.request("POST", "/api/v1/external-transfers", user="admin",
                       body={"from": a, "partner": "JPN01", "to_account": b, "quantity": 3})
        tap.ok(wait_status(vn, r.json["id"], ("completed",), 20) == "completed" and
               holdings(jp, b) == 13 and holdings(vn, a) == 87,
               "later messages flow again (13 in Japan, 87 here)", holdings(jp, b), holdings(vn, a))
        out = vn.cli("partner", "resolve", "0" * 32, check=False)
        tap.ok(out.returncode == 1, "an unknown message cannot be resolved", out.stderr)
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
