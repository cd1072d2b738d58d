"""tls.py: partner messages over https. JPN01 sits behind a TLS proxy with its own certificate
authority; VNM01 reaches it at an https:// URL: refused while the authority is unknown (the
message stays queued), delivered once A6REG_CA_FILE names it."""
import json
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
from a6api import Registry, Tap  # noqa: E402
from channel import meta  # noqa: E402


def certificate(directory):
    key, cert = os.path.join(directory, "key.pem"), os.path.join(directory, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return key, cert


class TlsProxy:
    """Terminates TLS on a free port and relays each connection to the target port."""

    def __init__(self, key, cert, target):
        self.target = target
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while True:
            try:
                raw, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self.handle, args=(raw,), daemon=True).start()

    def handle(self, raw):
        try:
            conn = self.context.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            raw.close()
            return
        upstream = socket.create_connection(("127.0.0.1", self.target))
        def pump(a, b):
            try:
                while True:
                    data = a.recv(65536)
                    if not data:
                        break
                    b.sendall(data)
            except OSError:
                pass
            finally:
                try:
                    b.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
        t = threading.Thread(target=pump, args=(upstream, conn), daemon=True)
        t.start()
        pump(conn, upstream)
        t.join(timeout=10)
        conn.close()
        upstream.close()


def main():
    exe = sys.argv[1]
    tap = Tap()
    work = tempfile.mkdtemp(prefix="a6reg-tls-")
    vn = Registry(exe, init_args=("--party", "VNM"))
    jp = Registry(exe, init_args=("--party", "JPN"))
    try:
        key, cert = certificate(work)
        jp.start()
        proxy = TlsProxy(key, cert, jp.port)
        vn.cli("partner", "add", "JPN01", "https://127.0.0.1:%d" % proxy.port, meta(jp, "public_key"))
        jp.cli("partner", "add", "VNM01", "http://127.0.0.1:1", meta(vn, "public_key"))
        out = vn.cli("--json", "partner", "ping", "JPN01", "--timeout-ms", "3000", check=False)
        queue = json.loads(vn.cli("partner", "queue").stdout)
        tap.ok(out.returncode != 0 and queue and "certificate" in (queue[0]["last_error"] or "").lower(),
               "an https partner whose certificate authority is unknown is refused; the message waits",
               out.stdout, queue)
        vn.env["A6REG_CA_FILE"] = cert
        deadline, answered = time.time() + 15, 0
        while time.time() < deadline and not answered:  # the retry waits out its backoff
            out = vn.cli("--json", "partner", "send", "--timeout-ms", "3000", check=False)
            answered = json.loads(out.stdout)["answered"] if out.stdout.strip() else 0
            time.sleep(0.3)
        tap.ok(out.returncode == 0 and answered == 1,
               "with A6REG_CA_FILE naming its authority, the message is delivered over TLS",
               out.stdout, out.stderr)
        tap.ok(jp.sql("SELECT last_in_sequence FROM partners WHERE id = 'VNM01'") == "1",
               "JPN01 processed it once")
        tap.ok(jp.stop() == 0, "JPN01 stops cleanly", jp.server_stderr())
    finally:
        vn.cleanup()
        jp.cleanup()
        subprocess.run(["rm", "-rf", work])
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
