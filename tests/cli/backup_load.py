#!/usr/bin/env python3
"""backup_load.py: the transfer load of test_backup.sh. Client threads send transfers (and a few
retirements) to a running `a6reg serve` until the file STOP exists; each acknowledged transaction
(201 with its id) is appended to ACKS as one "ID" line, in a single write, the moment its answer
arrives. Refusals for lack of units (4xx) are expected; anything else (5xx, a lost connection, a
201 without an id) is reported on stderr and makes the exit status 1.

usage: backup_load.py PORT TOKEN ACKS STOP RETIREMENT_ACCOUNT ACCOUNT... (standard library only)
"""
import http.client
import json
import os
import random
import sys
import threading
import time

CLIENTS = 4


def client(port, token, acks_fd, stop, retirement, accounts, seed, problems, lock):
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    while not os.path.exists(stop):
        src, dst = rng.sample(accounts, 2)
        body = {"type": "transfer", "from": src, "to": dst, "quantity": rng.randint(1, 20)}
        if rng.random() < 0.05:
            body = {"type": "retire", "from": src, "to": retirement, "quantity": rng.randint(1, 5)}
        try:
            conn.request("POST", "/api/v1/transactions", json.dumps(body), headers)
            response = conn.getresponse()
            status, raw = response.status, response.read()
        except (OSError, http.client.HTTPException) as e:
            with lock:
                problems.append("no answer to %s: %s" % (body, e))
            conn.close()
            time.sleep(0.05)
            continue
        doc = json.loads(raw) if raw else None
        if status == 201 and isinstance(doc, dict) and isinstance(doc.get("id"), int):
            os.write(acks_fd, b"%d\n" % doc["id"])
        elif not (400 <= status < 500):
            with lock:
                problems.append("HTTP %d to %s: %s" % (status, body, raw[:200]))


def main():
    port, token, acks, stop, retirement = sys.argv[1:6]
    accounts = [int(a) for a in sys.argv[6:]]
    acks_fd = os.open(acks, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    problems, lock = [], threading.Lock()
    threads = [threading.Thread(target=client, args=(int(port), token, acks_fd, stop,
                                                     int(retirement), accounts, seed, problems,
                                                     lock))
               for seed in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    os.close(acks_fd)
    for p in problems[:20]:
        print("backup_load: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
