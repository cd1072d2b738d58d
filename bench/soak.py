"""soak.py A6REG [--seconds S] [--clients N]: mixed traffic on two partner registries for a set
time: holdings reads, transfers and retirements on VNM01, external transfers to JPN01 (partner
messages), all at once from N client threads. Prints throughput and p50/p99 latency per kind,
errors, and the resident memory of both servers at the start and at the end (it must not grow),
then the same one figure a line (throughput and memory by quarter, growth after warm-up, database
size) for bench/run_all. Ends with `verify` on both registries and a reconciliation that must find
no difference."""
import json
import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "api"))
from a6api import Registry  # noqa: E402


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def percentile(values, p):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def main():
    exe = sys.argv[1]
    seconds = float(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else 60
    clients = int(sys.argv[sys.argv.index("--clients") + 1]) if "--clients" in sys.argv else 8
    vn = Registry(exe, init_args=("--party", "VNM"), four_eyes_above=10**12)
    jp = Registry(exe, init_args=("--party", "JPN"))
    try:
        vn.start("--reconcile-every", "0")
        jp.start("--reconcile-every", "0")
        vn.cli("partner", "add", "JPN01", "http://127.0.0.1:%d" % jp.port,
               jp.sql("SELECT value FROM registry_meta WHERE name = 'public_key'"))
        jp.cli("partner", "add", "VNM01", "http://127.0.0.1:%d" % vn.port,
               vn.sql("SELECT value FROM registry_meta WHERE name = 'public_key'"))
        accounts = []
        for i in range(clients * 2):
            a = vn.request("POST", "/api/v1/accounts", user="admin",
                           body={"holder": "Holder %d" % i, "type": "holding"}).json["id"]
            vn.request("POST", "/api/v1/transactions", user="admin",
                       body={"type": "issue", "to": a, "quantity": 10**9, "vintage": 2024})
            accounts.append(a)
        b = jp.request("POST", "/api/v1/accounts", user="admin",
                       body={"holder": "JP Buyer KK", "type": "holding"}).json["id"]
        rss_start = (rss_kb(vn.server.pid), rss_kb(jp.server.pid))
        latencies = {"read": [], "transfer": [], "retire": [], "external": []}
        errors = {k: 0 for k in latencies}
        lock = threading.Lock()
        stop = time.time() + seconds

        def client(n):
            rng = random.Random(n)
            while time.time() < stop:
                kind = rng.choices(["read", "transfer", "retire", "external"], [70, 20, 8, 2])[0]
                src = accounts[rng.randrange(len(accounts))]
                t0 = time.perf_counter()
                if kind == "read":
                    r = vn.request("GET", "/api/v1/accounts/%d/holdings" % src, user="admin")
                    ok = r.status == 200
                elif kind == "transfer":
                    dst = accounts[rng.randrange(len(accounts))]
                    if dst == src:
                        continue
                    r = vn.request("POST", "/api/v1/transactions", user="admin",
                                   body={"type": "transfer", "from": src, "to": dst, "quantity": 3})
                    ok = r.status == 201
                elif kind == "retire":
                    r = vn.request("POST", "/api/v1/transactions", user="admin",
                                   body={"type": "retire", "from": src, "quantity": 1})
                    ok = r.status == 201
                else:
                    r = vn.request("POST", "/api/v1/external-transfers", user="admin",
                                   body={"from": src, "partner": "JPN01", "to_account": b,
                                         "quantity": 2})
                    ok = r.status == 201
                elapsed = (time.perf_counter() - t0) * 1000
                with lock:
                    latencies[kind].append(elapsed)
                    errors[kind] += 0 if ok else 1

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for t in threads:
            t.start()
        # Resident memory through the run: caches fill up first (SQLite's page caches, the
        # writer's), so the second half is the one that must stay flat.
        samples = []
        counts = [0]  # requests answered by the end of each quarter
        started = time.time()
        for quarter in (1, 2, 3):
            time.sleep(max(0, started + seconds * quarter / 4 - time.time()))
            samples.append((rss_kb(vn.server.pid), rss_kb(jp.server.pid)))
            with lock:
                counts.append(sum(len(v) for v in latencies.values()))
        for t in threads:
            t.join()
        traffic_end = (rss_kb(vn.server.pid), rss_kb(jp.server.pid))
        counts.append(sum(len(v) for v in latencies.values()))
        deadline = time.time() + 60  # the queued partner messages drain
        while time.time() < deadline and json.loads(vn.cli("partner", "queue").stdout):
            time.sleep(0.5)
        rss_end = (rss_kb(vn.server.pid), rss_kb(jp.server.pid))
        total = sum(len(v) for v in latencies.values())
        print("soak_seconds %.0f s" % seconds)
        print("soak_clients %d" % clients)
        print("soak_requests_per_s %.0f req/s" % (total / seconds))
        for kind, values in latencies.items():
            print("soak_%s_per_s %.0f/s p50 %.2f ms p99 %.2f ms errors %d" % (
                kind, len(values) / seconds, percentile(values, 0.5), percentile(values, 0.99),
                errors[kind]))
        samples.append(rss_end)
        for i, name in ((0, "vnm01"), (1, "jpn01")):
            series = [rss_start[i]] + [x[i] for x in samples]
            growth = (series[-1] - series[2]) / series[2] * 100 if series[2] else 0
            print("soak_rss_%s_kb start %d, quarters %s, end %d; second half %+.1f%%" % (
                name, series[0], " ".join(str(x) for x in series[1:-1]), series[-1], growth))
        # The same, one figure a line for bench/run_all: throughput and memory by quarter (q4 at
        # the end of the traffic), growth after warm-up (end over the second quarter), database size.
        for q in range(4):
            print("soak_requests_per_s_q%d %.0f req/s" % (q + 1, (counts[q + 1] - counts[q]) /
                                                          (seconds / 4)))
        for kind, values in latencies.items():
            print("soak_%s_p50_ms %.2f ms" % (kind, percentile(values, 0.5)))
            print("soak_%s_p99_ms %.2f ms" % (kind, percentile(values, 0.99)))
            print("soak_%s_errors %d errors" % (kind, errors[kind]))
        for i, (name, registry) in enumerate((("vnm01", vn), ("jpn01", jp))):
            quarters = [x[i] for x in samples[:3]] + [traffic_end[i]]
            print("soak_rss_%s_start_kb %d kB" % (name, rss_start[i]))
            for q, value in enumerate(quarters):
                print("soak_rss_%s_q%d_kb %d kB" % (name, q + 1, value))
            print("soak_rss_%s_end_kb %d kB (after the partner queue drained)" % (name, rss_end[i]))
            growth = (rss_end[i] - quarters[1]) / quarters[1] * 100 if quarters[1] else 0
            print("soak_rss_%s_second_half_growth_pct %.1f %% (end over second quarter)" % (
                name, growth))
            size = sum(os.path.getsize(registry.db + s) for s in ("", "-wal")
                       if os.path.exists(registry.db + s))
            print("soak_db_%s_mb %.1f MB (database and write-ahead log)" % (name, size / 1048576))
        out = vn.cli("--json", "reconcile", "JPN01", check=False)
        print("soak_reconcile_differences %s" % json.loads(out.stdout).get("differences"))
        ok = out.returncode == 0
        for name, registry in (("vnm01", vn), ("jpn01", jp)):
            registry.stop()
            v = registry.verify()
            print("soak_verify_%s %s" % (name, "ok" if v.returncode == 0 else "FAIL " + v.stdout))
            ok = ok and v.returncode == 0
        return 0 if ok and not any(errors.values()) else 1
    finally:
        vn.cleanup()
        jp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
