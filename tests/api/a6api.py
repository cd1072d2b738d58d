"""a6api.py: what the API tests share: a fresh registry in a temporary directory with a user of
every role, the `a6reg serve` process on a free port, HTTP requests (raw bytes and paths allowed),
and TAP output. Standard library only."""
import http.client
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time

ROLES = ("admin", "authority", "committee", "auditor", "participant", "observer")
HOLDER = "Holder A JSC"
OTHER_HOLDER = "Holder B Co., Ltd."

# name -> (role, holder): every role, two participants of one holder (four-eyes) and one of another.
USERS = {
    "admin": ("admin", None),
    "authority": ("authority", None),
    "committee": ("committee", None),
    "auditor": ("auditor", None),
    "participant": ("participant", HOLDER),
    "participant2": ("participant", HOLDER),
    "other_participant": ("participant", OTHER_HOLDER),
    "observer": ("observer", None),
}


class Tap:
    """TAP lines as they happen; finish() prints the plan and returns the exit status."""

    def __init__(self):
        self.count = 0
        self.failed = 0

    def ok(self, passed, description, *diagnostics):
        self.count += 1
        description = " ".join(str(description).split())
        if passed:
            print("ok %d - %s" % (self.count, description), flush=True)
        else:
            self.failed += 1
            print("not ok %d - %s" % (self.count, description), flush=True)
            for d in diagnostics:
                for line in str(d).splitlines() or [""]:
                    print("#   " + line[:2000], flush=True)
        return passed

    def note(self, text):
        for line in str(text).splitlines():
            print("# " + line, flush=True)

    def finish(self):
        print("1..%d" % self.count, flush=True)
        return 1 if self.failed or self.count == 0 else 0


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        try:
            self.json = json.loads(body.decode("utf-8")) if body else None
        except (ValueError, UnicodeDecodeError):
            self.json = None

    def error_code(self):
        if isinstance(self.json, dict) and isinstance(self.json.get("error"), dict):
            return self.json["error"].get("code")
        return None

    def is_error_shape(self):
        """{"error": {"code": int, "check": str, "message": str, ["field": str]}}."""
        e = self.json.get("error") if isinstance(self.json, dict) else None
        return (isinstance(e, dict) and isinstance(e.get("code"), int)
                and isinstance(e.get("check"), str) and isinstance(e.get("message"), str)
                and ("field" not in e or isinstance(e["field"], str)))

    def __repr__(self):
        text = self.body[:600].decode("utf-8", "replace")
        return "HTTP %s %s" % (self.status, text)


TESTDB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdb")


def new_database(directory, name):
    """A new registry database: a SQLite file in directory, or a database on the PostgreSQL server
    that A6REG_TEST_POSTGRES names (tests/testdb)."""
    return subprocess.run([TESTDB, "new", directory, name], check=True, capture_output=True,
                          text=True, timeout=60).stdout.strip()


def run_sql(location, statement):
    """Rows of a statement as "a|b" lines, on either backend (tests/testdb)."""
    p = subprocess.run([TESTDB, "sql", location, statement], capture_output=True, text=True,
                       timeout=60)
    if p.returncode != 0:
        raise RuntimeError("sql: %s" % p.stderr)
    return p.stdout.strip()


class Registry:
    """A registry database in a temporary directory, its users, and its server."""

    def __init__(self, exe, data_dir=None, import_jcm=False, four_eyes_above=100, extra_users=None,
                 init_args=()):
        self.exe = os.path.abspath(exe)
        self.dir = tempfile.mkdtemp(prefix="a6reg-api-")
        self.db = new_database(self.dir, "registry")
        self.env = dict(os.environ, A6REG_DB=self.db)
        self.server = None
        self.port = None
        self.four_eyes_above = four_eyes_above
        self.tokens = {}
        try:
            self.cli("init", *init_args)
            if import_jcm:
                self.cli("import", "jcm", data_dir)
            users = dict(USERS)
            users.update(extra_users or {})
            for name, (role, holder) in users.items():
                self.add_user(name, role, holder)
        except BaseException:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise

    def cli(self, *args, check=True, stdin=None):
        p = subprocess.run([self.exe] + [str(a) for a in args], env=self.env, input=stdin,
                           capture_output=True, text=True, timeout=60)
        if check and p.returncode != 0:
            raise RuntimeError("a6reg %s: exit %d\n%s%s" % (" ".join(map(str, args)), p.returncode,
                                                           p.stdout, p.stderr))
        return p

    def add_user(self, name, role, holder=None):
        args = ["user", "add", name, "--role", role]
        if holder:
            args += ["--holder", holder]
        out = self.cli(*args).stdout.strip().splitlines()
        self.tokens[name] = out[-1].strip()
        return self.tokens[name]

    def sql(self, statement):
        return run_sql(self.db, statement)

    def start(self, *extra):
        args = [self.exe, "serve", "--listen", "127.0.0.1:0", "--access-log", "off",
                "--four-eyes-above", str(self.four_eyes_above)] + list(extra)
        self.server = subprocess.Popen(args, env=self.env, stdout=subprocess.PIPE,
                                       stderr=open(os.path.join(self.dir, "server.err"), "ab"))
        deadline = time.time() + 15
        line = b""
        while time.time() < deadline and not line.endswith(b"\n"):
            ready, _, _ = select.select([self.server.stdout], [], [], 0.2)
            if ready:
                chunk = os.read(self.server.stdout.fileno(), 256)
                if not chunk:
                    break
                line += chunk
        text = line.decode("utf-8", "replace").strip()
        if not text.startswith("listening on http://127.0.0.1:"):
            self.server.kill()
            raise RuntimeError("the server did not start: %r %s" % (text, self.server_stderr()))
        self.port = int(text.rsplit(":", 1)[1])
        return self.port

    def alive(self):
        return self.server is not None and self.server.poll() is None

    def server_stderr(self):
        try:
            with open(os.path.join(self.dir, "server.err"), "rb") as f:
                return f.read()[-4000:].decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self, timeout=30):
        """SIGTERM; the exit status (None if it had to be killed)."""
        if not self.server:
            return None
        if self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
        try:
            rc = self.server.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()
            rc = None
        self.server.stdout.close()
        return rc

    def verify(self):
        return self.cli("verify", check=False)

    def cleanup(self):
        if self.server and self.server.poll() is None:
            self.server.kill()
            self.server.wait()
        if os.environ.get("A6REG_KEEP_TMP"):
            print("# kept %s" % self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    # ---- HTTP ----

    def request(self, method, path, body=None, raw=None, token=None, user=None, headers=None,
                timeout=30):
        """One request on a new connection. body is JSON-encoded; raw is sent as is (bytes or
        str). user names a registry user whose token is sent."""
        h = {}
        if user is not None:
            token = self.tokens[user]
        if token is not None:
            h["Authorization"] = "Bearer " + token
        data = None
        if raw is not None:
            data = raw.encode("utf-8") if isinstance(raw, str) else raw
        elif body is not None:
            data = json.dumps(body).encode("utf-8")
        if data is not None:
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            for k, v in h.items():
                conn.putheader(k, v)
            if data is not None:
                conn.putheader("Content-Length", str(len(data)))
            elif method in ("POST", "PUT", "PATCH"):
                conn.putheader("Content-Length", "0")
            conn.endheaders(data)
            r = conn.getresponse()
            return Response(r.status, dict(r.getheaders()), r.read())
        finally:
            conn.close()

    def raw_exchange(self, payload, timeout=30, shutdown=True):
        """Sends payload bytes on a socket and reads until the server closes (or one response with
        Content-Length has arrived). Returns the parsed Response or None when nothing came back."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        try:
            try:
                s.sendall(payload)
                if shutdown:
                    s.shutdown(socket.SHUT_WR)
            except OSError:
                pass  # the server may answer and close before everything was sent
            return read_response(s)
        finally:
            s.close()

    def health(self):
        try:
            return self.request("GET", "/api/v1/health", timeout=10).status == 200
        except OSError:
            return False


def read_response(s):
    data = b""
    while True:
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        data += chunk
        head, sep, rest = data.partition(b"\r\n\r\n")
        if sep:
            length = None
            for line in head.split(b"\r\n")[1:]:
                k, _, v = line.partition(b":")
                if k.strip().lower() == b"content-length":
                    length = int(v.strip())
            if length is not None and len(rest) >= length:
                break
    if not data:
        return None
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        return Response(0, {}, data)
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        headers[k.strip().decode("latin-1")] = v.strip().decode("latin-1")
    return Response(status, headers, rest)


def expect_error(tap, response, status, code, description):
    """One TAP line: the response is `status` with the JSON error shape and check `code` (code may
    be a set of acceptable codes, status a set of statuses)."""
    statuses = status if isinstance(status, (set, tuple, list)) else {status}
    codes = code if isinstance(code, (set, tuple, list)) else {code}
    good = (response is not None and response.status in statuses and response.is_error_shape()
            and response.error_code() in codes)
    return tap.ok(good, "%s -> %s %s" % (description, "/".join(map(str, sorted(statuses))),
                                        "/".join(map(str, sorted(codes)))),
                  "expected: HTTP %s with check %s" % (sorted(statuses), sorted(codes)),
                  "actual:   %r" % (response,))

