#!/usr/bin/env python3
"""crash.py: crash safety of the writer. Concurrent clients send transfers (each with its own
Idempotency-Key) while the server is killed with SIGKILL at a random moment; after each kill the
registry is verified with the server down, the server is restarted on the same database, and:

  (1) every acknowledged transfer (201 with an id) is present with its accounts and quantity, and
      re-sending it with the same key replays it (200, "replayed", the same id and quantity);
  (2) no rejected transfer (4xx) left a transaction, and a re-send of one never replays; every
      unanswered transfer, retried with its key, is replayed (committed before the kill) or
      created now or rejected now, never two transactions: the registry holds exactly the
      transfers the clients were told about;
  (3) units are conserved and each account holds its initial units plus/minus the transfers
      that exist;
  (4) `a6reg verify` exits 0.

Usage: crash.py A6REG [--rounds N] [--clients N] [--seed S]. Standard library only, TAP output,
exit 1 on any failure. A6REG_KEEP_TMP=1 keeps the registry directory.
"""
import argparse
import collections
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
from a6api import Registry, Tap  # noqa: E402

API = "/api/v1"
USER = "admin"  # an admin may move any account, and is never held for four-eyes approval
# Six holding accounts in three pairs (holder, {vintage: units}): the second of each pair starts
# poor, so that transfers out of it are sometimes refused inside the writer's batch.
ACCOUNTS = [
    ("Crash Pair A", {2023: 2000, 2024: 3000}),
    ("Crash Pair A", {2024: 150}),
    ("Crash Pair B", {2024: 5000}),
    ("Crash Pair B", {2024: 60}),
    ("Crash Pair C", {2022: 1000, 2024: 3000}),
    ("Crash Pair C", {2024: 20}),
]
KEY_REUSED = 1005  # check idempotency-key-reused: the same key with another request
IMPOSSIBLE = 10 ** 9  # more than the registry holds: always refused by the writer
REPLAY_OLDER_SAMPLE = 60
RESEND_REJECTED_SAMPLE = 25
GET_SAMPLE = 40


class Req:
    """One transfer request and what the clients learnt about it."""
    __slots__ = ("key", "src", "dst", "qty", "round", "state", "id", "status", "answer",
                 "how")

    def __init__(self, key, src, dst, qty, rnd):
        self.key, self.src, self.dst, self.qty, self.round = key, src, dst, qty, rnd
        self.state = None   # "acked", "rejected", "unanswered"
        self.id = None
        self.status = None
        self.answer = None  # short text of the answer or the error
        self.how = "load"   # how it came to its state: load, retry-replayed, retry-created, ...

    def body(self):
        return {"type": "transfer", "from": self.src, "to": self.dst, "quantity": self.qty}

    def describe(self):
        return ("key=%s round=%d %d->%d quantity=%d state=%s id=%s (%s) first answer: %s"
                % (self.key, self.round, self.src, self.dst, self.qty, self.state, self.id,
                   self.how, self.answer))


def refusal(status, doc):
    """A 4xx refusal of the request itself (insufficient holdings, ...), not of its key."""
    error = doc.get("error") if isinstance(doc, dict) else None
    return (400 <= status < 500 and isinstance(error, dict) and isinstance(error.get("code"), int)
            and error["code"] != KEY_REUSED)


class Client:
    """One keep-alive HTTP connection."""

    def __init__(self, port, token, timeout=20):
        self.port, self.token, self.timeout = port, token, timeout
        self.conn = None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def call(self, method, path, body=None, key=None):
        """(status, json or None, raw text); raises OSError / HTTPException without an answer."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = {"Authorization": "Bearer " + self.token}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if key is not None:
            headers["Idempotency-Key"] = key
        try:
            self.conn.request(method, path, body=data, headers=headers)
            r = self.conn.getresponse()
            raw = r.read()
        except BaseException:
            self.close()
            raise
        if r.getheader("Connection", "").lower() == "close":
            self.close()
        try:
            doc = json.loads(raw.decode("utf-8")) if raw else None
        except (ValueError, UnicodeDecodeError):
            doc = None
        return r.status, doc, raw[:300].decode("utf-8", "replace")


def classify_first(req, status, doc, text):
    """Records the answer to a new request. Returns an anomaly text or None."""
    req.status = status
    req.answer = "HTTP %d %s" % (status, text)
    if status == 201:
        if (isinstance(doc, dict) and isinstance(doc.get("id"), int)
                and doc.get("status") == "completed" and doc.get("quantity") == req.qty
                and not doc.get("replayed")):
            req.state, req.id = "acked", doc["id"]
            return None
        req.state = "unanswered"  # resolved (and reported) by the retry
        return "201 without the expected body: %s" % req.describe()
    if refusal(status, doc):
        req.state = "rejected"
        return None
    req.state = "unanswered"  # 200 (a replay of a new key) or 5xx: resolved by the retry
    return "unexpected answer to a new request: %s" % req.describe()


class Crash:
    def __init__(self, exe, rounds, clients, seed):
        self.tap = Tap()
        self.rounds = rounds
        self.clients = clients
        self.rng = random.Random(seed)
        self.seed = seed
        self.reg = Registry(exe)
        self.requests = []           # every Req ever sent
        self.lock = threading.Lock()
        self.accounts = []
        self.initial = {}
        self.issued = 0
        self.totals = collections.Counter()
        self.failures = []

    # ---- setup ----

    def setup(self):
        reg = self.reg
        for holder, vintages in ACCOUNTS:
            out = reg.cli("account", "open", "--holder", holder, "--type", "holding")
            account = int(out.stdout.strip().splitlines()[-1])
            self.accounts.append(account)
            self.initial[account] = 0
            for vintage, quantity in sorted(vintages.items()):
                reg.cli("issue", "--to", account, "--quantity", quantity, "--vintage", vintage)
                self.initial[account] += quantity
                self.issued += quantity
        self.token = reg.tokens[USER]
        history = self.history()
        self.issue_ids = {t["id"] for t in history if t.get("type") == "issue"}
        self.tap.note("seed %d; accounts %s holding %s; %d units issued" % (
            self.seed, self.accounts, [self.initial[a] for a in self.accounts], self.issued))

    def history(self):
        p = self.reg.cli("history", "--json", "--limit", 1000000000)
        return json.loads(p.stdout)

    # ---- load ----

    def new_request(self, rnd, thread_rng):
        src, dst = thread_rng.sample(self.accounts, 2)
        qty = IMPOSSIBLE if thread_rng.random() < 0.03 else thread_rng.randint(1, 25)
        key = "crash-r%d-%s" % (rnd, uuid.uuid4().hex)
        return Req(key, src, dst, qty, rnd)

    def client_loop(self, rnd, port, seed, killed, stop, anomalies):
        thread_rng = random.Random(seed)
        client = Client(port, self.token, timeout=20)
        try:
            while not stop.is_set():
                req = self.new_request(rnd, thread_rng)
                with self.lock:
                    self.requests.append(req)
                try:
                    status, doc, text = client.call("POST", API + "/transactions", req.body(),
                                                    req.key)
                except (OSError, http.client.HTTPException) as e:
                    req.state, req.answer = "unanswered", "no answer: %r" % (e,)
                    if killed.is_set():
                        break
                    time.sleep(0.01)
                    continue
                anomaly = classify_first(req, status, doc, text)
                if anomaly:
                    with self.lock:
                        anomalies.append(anomaly)
        finally:
            client.close()

    def load_and_kill(self, rnd):
        """Starts the clients, kills the server after a random delay, waits for the clients."""
        port = self.reg.port
        killed, stop = threading.Event(), threading.Event()
        anomalies = []
        first = len(self.requests)
        threads = [threading.Thread(target=self.client_loop,
                                    args=(rnd, port, self.rng.getrandbits(64), killed, stop,
                                          anomalies), daemon=True)
                   for _ in range(self.clients)]
        for t in threads:
            t.start()
        delay = self.rng.uniform(0.2, 1.5)
        time.sleep(delay)
        pid = self.reg.server.pid
        killed.set()
        os.kill(pid, signal.SIGKILL)
        rc = self.reg.server.wait()
        self.reg.server.stdout.close()
        stop.set()
        for t in threads:
            t.join(30)
        stuck = sum(t.is_alive() for t in threads)
        sent = self.requests[first:]
        counts = collections.Counter(r.state for r in sent)
        self.tap.note("round %d: killed pid %d after %.2f s (exit %s): %d sent, %d acknowledged, "
                      "%d rejected, %d unanswered" % (rnd, pid, delay, rc, len(sent),
                                                      counts["acked"], counts["rejected"],
                                                      counts["unanswered"]))
        self.tap.ok(rc == -signal.SIGKILL and not stuck and counts["acked"] > 0 and not anomalies
                    and counts[None] == 0,
                    "round %d: transfers acknowledged under load, then the server was killed "
                    "with SIGKILL" % rnd,
                    "server exit %r (expected %d), %d clients stuck, %d acknowledged, "
                    "%d requests without a state" % (rc, -signal.SIGKILL, stuck, counts["acked"],
                                                     counts[None]),
                    *anomalies[:20])
        return sent

    # ---- checks ----

    def verify(self, rnd, when):
        started = time.time()
        p = self.reg.verify()
        self.tap.ok(p.returncode == 0, "round %d: a6reg verify exits 0 %s (%.2f s)"
                    % (rnd, when, time.time() - started),
                    "exit %d" % p.returncode, p.stdout[-2000:], p.stderr[-2000:])

    def pool_map(self, fn, items):
        """fn(client, item) on a few keep-alive connections; results in order."""
        local = threading.local()
        clients = []

        def run(item):
            c = getattr(local, "client", None)
            if c is None:
                c = local.client = Client(self.reg.port, self.token, timeout=30)
                with self.lock:
                    clients.append(c)
            try:
                return fn(c, item)
            except (OSError, http.client.HTTPException) as e:
                c.close()
                return e

        try:
            with ThreadPoolExecutor(max_workers=max(1, min(8, len(items)))) as ex:
                return list(ex.map(run, items))
        finally:
            for c in clients:
                c.close()

    @staticmethod
    def post_again(client, req):
        return client.call("POST", API + "/transactions", req.body(), req.key)

    def resolve_unanswered(self, rnd, sent):
        """Retries every unanswered request with its key: a replay (committed before the kill),
        a creation now, or a rejection now; never a conflict, never a 5xx."""
        pending = [r for r in sent if r.state == "unanswered"]
        problems = []
        outcome = collections.Counter()
        for req, res in zip(pending, self.pool_map(self.post_again, pending)):
            if isinstance(res, Exception):
                problems.append("no answer to the retry (%r): %s" % (res, req.describe()))
                continue
            status, doc, text = res
            ok_body = (isinstance(doc, dict) and isinstance(doc.get("id"), int)
                       and doc.get("status") == "completed" and doc.get("quantity") == req.qty)
            if status == 200 and ok_body and doc.get("replayed") is True:
                req.state, req.id, req.how = "acked", doc["id"], "retry-replayed"
            elif status == 201 and ok_body and not doc.get("replayed"):
                req.state, req.id, req.how = "acked", doc["id"], "retry-created"
            elif refusal(status, doc):
                req.state, req.how = "rejected", "retry-rejected"
            else:
                problems.append("retry answered HTTP %d %s: %s" % (status, text, req.describe()))
                continue
            outcome[req.how] += 1
        self.totals.update(outcome)
        self.tap.ok(not problems,
                    "round %d: %d unanswered transfers retried with their keys: %d replayed "
                    "(committed before the kill), %d created now, %d rejected now"
                    % (rnd, len(pending), outcome["retry-replayed"], outcome["retry-created"],
                       outcome["retry-rejected"]),
                    *problems[:20])

    def replay_acknowledged(self, rnd, sent):
        """Every transfer acknowledged in this round, and a sample of older ones, re-sent with
        the same key: 200, replayed, the same id and quantity."""
        current = [r for r in sent if r.state == "acked"]
        older = [r for r in self.requests if r.state == "acked" and r.round < rnd]
        sample = current + self.rng.sample(older, min(REPLAY_OLDER_SAMPLE, len(older)))
        problems = []
        for req, res in zip(sample, self.pool_map(self.post_again, sample)):
            if isinstance(res, Exception):
                problems.append("no answer to the replay (%r): %s" % (res, req.describe()))
                continue
            status, doc, text = res
            if not (status == 200 and isinstance(doc, dict) and doc.get("replayed") is True
                    and doc.get("id") == req.id and doc.get("quantity") == req.qty):
                problems.append("expected 200 replayed id %s quantity %d, got HTTP %d %s: %s"
                                % (req.id, req.qty, status, text, req.describe()))
        self.tap.ok(not problems,
                    "round %d: %d acknowledged transfers (%d of this round) re-sent with their "
                    "keys replay the same id and quantity" % (rnd, len(sample), len(current)),
                    *problems[:20])

    def resend_rejected(self, rnd, sent):
        """A sample of refused transfers re-sent with their keys: never a replay (nothing was
        stored); they may be refused again or, the balances having moved, be created now."""
        rejected = [r for r in sent if r.state == "rejected"]
        sample = self.rng.sample(rejected, min(RESEND_REJECTED_SAMPLE, len(rejected)))
        problems = []
        created = 0
        for req, res in zip(sample, self.pool_map(self.post_again, sample)):
            if isinstance(res, Exception):
                problems.append("no answer to the re-send (%r): %s" % (res, req.describe()))
                continue
            status, doc, text = res
            replayed = isinstance(doc, dict) and doc.get("replayed")
            if status == 201 and isinstance(doc, dict) and isinstance(doc.get("id"), int) \
                    and doc.get("quantity") == req.qty and not replayed:
                req.state, req.id, req.how = "acked", doc["id"], "resent-created"
                created += 1
            elif refusal(status, doc) and not replayed:
                pass
            else:
                problems.append("a refused transfer re-sent with its key answered HTTP %d %s "
                                "(a replay means the refusal left a transaction): %s"
                                % (status, text, req.describe()))
        self.tap.ok(not problems,
                    "round %d: %d refused transfers re-sent with their keys are never replayed "
                    "(%d created now)" % (rnd, len(sample), created), *problems[:20])

    def check_ledger(self, rnd):
        """The registry's transfers are exactly the acknowledged ones; holdings match."""
        history = self.history()
        stored = {}
        for t in history:
            if t["id"] in self.issue_ids:
                continue
            stored[t["id"]] = t
        acked = [r for r in self.requests if r.state == "acked"]
        by_id = collections.defaultdict(list)
        for r in acked:
            by_id[r.id].append(r)
        missing, wrong, dup = [], [], []
        for tid, reqs in by_id.items():
            if len(reqs) > 1:
                dup.append("transaction %d acknowledged to %d different requests: %s"
                           % (tid, len(reqs), "; ".join(r.describe() for r in reqs)))
            r = reqs[0]
            t = stored.get(tid)
            if t is None:
                missing.append("acknowledged transfer missing: %s" % r.describe())
            elif (t.get("type"), t.get("from"), t.get("to"), t.get("quantity"),
                  t.get("status")) != ("transfer", r.src, r.dst, r.qty, "completed"):
                wrong.append("transaction %d is %s, expected transfer %d->%d quantity %d: %s"
                             % (tid, json.dumps(t), r.src, r.dst, r.qty, r.describe()))
        # A sample of this round's acknowledgements also read through the API.
        sample = [r for r in acked if r.round == rnd]
        sample = self.rng.sample(sample, min(GET_SAMPLE, len(sample)))

        def get(client, req):
            return client.call("GET", "%s/transactions/%d" % (API, req.id))
        for req, res in zip(sample, self.pool_map(get, sample)):
            if isinstance(res, Exception):
                missing.append("GET transaction %d: no answer (%r)" % (req.id, res))
                continue
            status, doc, text = res
            if not (status == 200 and isinstance(doc, dict) and doc.get("quantity") == req.qty
                    and doc.get("from") == req.src and doc.get("to") == req.dst):
                missing.append("GET transaction %d: HTTP %d %s; expected: %s"
                               % (req.id, status, text, req.describe()))
        self.tap.ok(not missing and not wrong and not dup,
                    "round %d: all %d acknowledged transfers are present with their accounts "
                    "and quantities (%d also read by GET)" % (rnd, len(by_id), len(sample)),
                    *(missing + wrong + dup)[:30])

        extra = []
        for tid in sorted(set(stored) - set(by_id)):
            t = stored[tid]
            like = [r.describe() for r in self.requests
                    if r.state != "acked" and (r.src, r.dst, r.qty)
                    == (t.get("from"), t.get("to"), t.get("quantity"))][:3]
            extra.append("transaction %s in the registry that no client was told about "
                         "(a refused or duplicated transfer): %s; requests alike: %s"
                         % (tid, json.dumps(t), like or "none"))
        self.tap.ok(not extra,
                    "round %d: no refused or duplicated transfer is stored (%d transfers "
                    "stored, %d acknowledged)" % (rnd, len(stored), len(by_id)), *extra[:30])

        expected = dict(self.initial)
        for r in acked:
            expected[r.src] -= r.qty
            expected[r.dst] += r.qty
        actual = {}

        def holdings(client, account):
            return client.call("GET", "%s/accounts/%d/holdings" % (API, account))
        problems = []
        for account, res in zip(self.accounts, self.pool_map(holdings, self.accounts)):
            if isinstance(res, Exception) or res[0] != 200 or not isinstance(res[1], dict):
                problems.append("holdings of %d: %r" % (account, res))
                continue
            doc = res[1]
            actual[account] = doc.get("total")
            block_sum = sum(b["last"] - b["first"] + 1 for b in doc.get("blocks", []))
            if block_sum != doc.get("total"):
                problems.append("account %d: total %s but its blocks hold %d"
                                % (account, doc.get("total"), block_sum))
        total = sum(v for v in actual.values() if isinstance(v, int))
        if len(actual) == len(self.accounts) and total != self.issued:
            problems.append("units not conserved: the accounts hold %d, %d were issued"
                            % (total, self.issued))
        for account in self.accounts:
            if account in actual and actual[account] != expected[account]:
                problems.append("account %d holds %s, expected %d (initial %d plus/minus the "
                                "stored transfers)" % (account, actual[account],
                                                       expected[account], self.initial[account]))
        self.tap.ok(not problems,
                    "round %d: units conserved (%d) and each account holds its initial units "
                    "plus/minus the stored transfers %s" % (rnd, total,
                                                            [actual.get(a) for a in self.accounts]),
                    *problems)

    # ---- run ----

    def run(self):
        started = time.time()
        self.setup()
        self.reg.start()
        for rnd in range(1, self.rounds + 1):
            sent = self.load_and_kill(rnd)
            self.verify(rnd, "after the kill, server down")
            try:
                port = self.reg.start()
            except RuntimeError as e:
                self.tap.ok(False, "round %d: the server restarts on the same database" % rnd,
                            str(e))
                return
            self.tap.ok(self.reg.health(), "round %d: the server restarts on the same database "
                        "(port %d) and answers health" % (rnd, port), self.reg.server_stderr())
            self.resolve_unanswered(rnd, sent)
            self.replay_acknowledged(rnd, sent)
            self.resend_rejected(rnd, sent)
            self.check_ledger(rnd)
        rc = self.reg.stop()
        self.tap.ok(rc == 0, "the server stops on SIGTERM after the last round (exit %r)" % rc,
                    self.reg.server_stderr())
        self.verify(self.rounds, "at the end, server stopped")
        counts = collections.Counter(r.state for r in self.requests)
        self.tap.note("%d rounds in %.1f s: %d requests, %d acknowledged, %d refused; of the "
                      "unanswered, %d had been committed before the kill (replayed), %d were "
                      "created by the retry, %d refused by it"
                      % (self.rounds, time.time() - started, len(self.requests), counts["acked"],
                         counts["rejected"], self.totals["retry-replayed"],
                         self.totals["retry-created"], self.totals["retry-rejected"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a6reg")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else int(os.environ.get("A6REG_CRASH_SEED", "0")) \
        or random.SystemRandom().randrange(1, 2 ** 31)
    crash = Crash(args.a6reg, args.rounds, args.clients, seed)
    try:
        crash.run()
    except Exception as e:  # a broken harness is a failure, not a crash of the TAP stream
        crash.tap.ok(False, "the crash test ran to its end", "%s: %s" % (type(e).__name__, e),
                     crash.reg.server_stderr())
    finally:
        crash.reg.cleanup()
    sys.exit(crash.tap.finish())


if __name__ == "__main__":
    main()
