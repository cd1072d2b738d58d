"""reconcile_naive.py VN_DB JP_URL: the naive comparison bench/reconcile_http measures next to the
protocol: VNM01 fetches every block JPN01 knows of it (signed reconcile.blocks queries, pages of
about 10,000 blocks over the serial space) and compares them one by one with its own list.
Prints reconcile_naive_http_seconds, _round_trips, _bytes and the differences found."""
import ctypes
import http.client
import json
import os
import sqlite3
import sys
import time
import urllib.parse

sodium = ctypes.CDLL("libsodium.so.23")


def sign(secret, envelope):
    body = json.dumps(envelope, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()
    signature = ctypes.create_string_buffer(64)
    sodium.crypto_sign_detached(signature, None, body, ctypes.c_ulonglong(len(body)), secret)
    envelope["signature"] = signature.raw.hex()
    return json.dumps(envelope)


def main():
    db, url = sys.argv[1], urllib.parse.urlparse(sys.argv[2])
    start = time.time()
    con = sqlite3.connect(db)
    meta = dict(con.execute("SELECT name, value FROM registry_meta"))
    secret = bytes.fromhex(meta["secret_key"])
    mine = {}
    for origin, first, last, vintage in con.execute(
            "SELECT COALESCE(i.origin_registry, ?), b.first_serial + COALESCE(i.origin_first - "
            "i.first_serial, 0), b.last_serial + COALESCE(i.origin_first - i.first_serial, 0), "
            "b.vintage FROM blocks b JOIN issuances i ON i.id = b.issuance_id JOIN accounts a "
            "ON a.id = b.account_id WHERE (a.type = 'partner' AND a.holder = 'JPN01') OR "
            "i.acquired_from = 'JPN01'", (meta["registry_id"],)):
        mine[(origin, first)] = (last, vintage)
    top = max(first for _, first in mine) + 1 if mine else 2
    pages = max(1, len(mine) // 10000)
    step = (top - 1) // pages + 1
    round_trips = received = 0
    theirs = {}
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    for page in range(pages):
        lo, hi = 1 + page * step, min(top, 1 + (page + 1) * step)
        if lo >= hi:
            continue
        query = sign(secret, {"sender": meta["registry_id"], "receiver": "JPN01",
                              "id": os.urandom(16).hex(), "sequence": 0, "type": "reconcile.blocks",
                              "time": "2026-01-01T00:00:00.000Z",
                              "payload": {"ranges": [["VNM01", lo, hi]]}})
        conn.request("POST", "/api/v1/interop/queries", body=query,
                     headers={"Content-Type": "application/json"})
        answer = conn.getresponse().read()
        round_trips += 1
        received += len(answer)
        for h in json.loads(answer)["payload"]["result"]["blocks"]:
            raw = bytes.fromhex(h)
            origin = raw[:5].decode()
            first, last = int.from_bytes(raw[5:13], "little"), int.from_bytes(raw[13:21], "little")
            vintage = int.from_bytes(raw[21:25], "little")
            theirs[(origin, first)] = (last, vintage)
    differences = sum(1 for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))
    print("reconcile_naive_http_seconds %.2f s" % (time.time() - start))
    print("reconcile_naive_http_round_trips %d" % round_trips)
    print("reconcile_naive_http_bytes %d bytes" % received)
    print("reconcile_naive_http_differences %d" % differences)


if __name__ == "__main__":
    main()
