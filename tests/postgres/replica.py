"""replica.py: `a6reg serve --db PRIMARY --read-db REPLICA` on two real PostgreSQL clusters, a
primary and its streaming replica (scripts/pg-cluster): transfers are written on the primary and
read back on the replica. With the replica's replay paused, a committed transfer is not yet visible
through the server, which proves the reads go to the replica; once replay resumes it is. TAP.
usage: replica.py A6REG_BINARY"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "api"))
from a6api import Registry, Tap  # noqa: E402

PG_CLUSTER = os.path.join(HERE, "..", "..", "scripts", "pg-cluster")


def cluster(*args):
    return subprocess.run([PG_CLUSTER] + list(args), check=True, capture_output=True, text=True,
                          timeout=120).stdout.strip()


def psql(url, statement):
    return subprocess.run(["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", url, "-c", statement],
                          check=True, capture_output=True, text=True, timeout=60).stdout.strip()


def caught_up(primary, replica, timeout_s=30):
    """Waits until the replica has replayed everything the primary wrote so far."""
    target = psql(primary + "/postgres", "SELECT pg_current_wal_lsn()")
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if psql(replica + "/postgres",
                "SELECT pg_last_wal_replay_lsn() >= '%s'::pg_lsn" % target) == "t":
            return True
        time.sleep(0.1)
    return False


def holdings(registry, account):
    r = registry.request("GET", "/api/v1/accounts/%d/holdings" % account, user="admin")
    return r.json["total"] if r.status == 200 else ("HTTP %d" % r.status)


def run(tap, exe, primary, replica):
    os.environ["A6REG_TEST_POSTGRES"] = primary
    reg = Registry(exe)
    try:
        seller = int(reg.cli("account", "open", "--holder", "Seller", "--type", "holding").stdout)
        buyer = int(reg.cli("account", "open", "--holder", "Buyer", "--type", "holding").stdout)
        reg.cli("issue", "--to", seller, "--quantity", 1000, "--vintage", 2024)
        tap.ok(caught_up(primary, replica), "the replica catches up with the primary")
        database = reg.db.rsplit("/", 1)[1]
        replica_db = "%s/%s" % (replica, database)
        reg.start("--read-db", replica_db)
        tap.ok(holdings(reg, seller) == 1000, "the holdings are read through the replica")
        psql(replica_db, "SELECT pg_wal_replay_pause()")
        r = reg.request("POST", "/api/v1/transactions", user="admin",
                        body={"type": "transfer", "from": seller, "to": buyer, "quantity": 10})
        tap.ok(r.status == 201, "a transfer is written on the primary", r)
        tap.ok(reg.sql("SELECT COUNT(*) FROM transactions WHERE type = 'transfer'") == "1",
               "the primary holds the transfer")
        tap.ok(holdings(reg, buyer) == 0,
               "with the replica's replay paused, the server does not see it yet: it reads the "
               "replica", holdings(reg, buyer))
        psql(replica_db, "SELECT pg_wal_replay_resume()")
        deadline, seen = time.time() + 30, None
        while time.time() < deadline and seen != 10:
            seen = holdings(reg, buyer)
            time.sleep(0.1)
        tap.ok(seen == 10, "once replay resumes, the buyer's 10 units are read on the replica", seen)
        reg.stop()
        verify = subprocess.run([exe, "--db", replica_db, "verify"], capture_output=True,
                                text=True, timeout=60)
        tap.ok(verify.returncode == 0, "verify passes on the replica", verify.stdout, verify.stderr)
        tap.ok(reg.verify().returncode == 0, "verify passes on the primary")
        bad = subprocess.run([exe, "--db", reg.db, "serve", "--listen", "127.0.0.1:0",
                              "--read-db", replica + "/no_such_database"],
                             capture_output=True, text=True, timeout=60)
        tap.ok(bad.returncode == 1 and "--read-db" in bad.stderr,
               "a replica that cannot be read stops the server from starting", bad.stderr)
    finally:
        reg.cleanup()


def main():
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__ + "\n")
        return 2
    tap = Tap()
    work = tempfile.mkdtemp(prefix="a6reg-replica-")
    primary_dir, replica_dir = os.path.join(work, "primary"), os.path.join(work, "replica")
    try:
        primary = cluster("start", primary_dir)
        replica = cluster("replica", replica_dir, primary_dir)
        tap.ok(psql(replica + "/postgres", "SELECT pg_is_in_recovery()") == "t",
               "the second cluster is a streaming replica")
        run(tap, os.path.abspath(sys.argv[1]), primary, replica)
    except Exception as e:  # noqa: BLE001 - the test reports every failure as TAP
        tap.ok(False, "the replica test ran to its end", repr(e))
    finally:
        for d in (replica_dir, primary_dir):
            subprocess.run([PG_CLUSTER, "stop", d], capture_output=True, timeout=120)
        shutil.rmtree(work, ignore_errors=True)
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
