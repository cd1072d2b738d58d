"""channel.py: two real registries (Viet Nam's VNM01 and Japan's JPN01), each its own `a6reg serve`
and database, exchange signed messages: a ping goes through both ways and is stored and audited on
both sides; then hostile messages are refused with their 6xxx check and change nothing: a forged
signature, a message from an unknown registry, one addressed to another registry, a replay (old
sequence number, or an id reused with other content), a gap in the sequence. The same message sent
again gets its first answer back without being processed twice. Messages are signed here with the
sender's own key (read from its database) through libsodium, as a misbehaving partner could."""
import ctypes
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
from a6api import Registry, Tap  # noqa: E402

sodium = ctypes.CDLL("libsodium.so.23")


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def sign(secret_hex, envelope):
    body = dict(envelope)
    body.pop("signature", None)
    message = canonical(body).encode()
    signature = ctypes.create_string_buffer(64)
    secret = bytes.fromhex(secret_hex)
    sodium.crypto_sign_detached(signature, None, message, ctypes.c_ulonglong(len(message)), secret)
    body["signature"] = signature.raw.hex()
    return body


def meta(registry, name):
    return registry.sql("SELECT value FROM registry_meta WHERE name = '%s'" % name)


def post(registry, envelope):
    raw = envelope if isinstance(envelope, str) else json.dumps(envelope)
    return registry.request("POST", "/api/v1/interop/messages", raw=raw)


def state(registry):
    return registry.sql("SELECT COUNT(*) FROM messages; SELECT last_in_sequence FROM partners; "
                        "SELECT COUNT(*) FROM audit_log")


def main():
    exe = sys.argv[1]
    tap = Tap()
    vn = Registry(exe, init_args=("--party", "VNM"))
    jp = Registry(exe, init_args=("--party", "JPN"))
    try:
        vn.start()
        jp.start()
        vn_key, jp_key = meta(vn, "public_key"), meta(jp, "public_key")
        tap.ok(meta(vn, "registry_id") == "VNM01" and meta(jp, "registry_id") == "JPN01",
               "each registry has its ID and an Ed25519 key pair from a6reg init")
        # Partners are registered while both servers run: the servers' writers pick it up.
        vn.cli("partner", "add", "JPN01", "http://127.0.0.1:%d" % jp.port, jp_key)
        jp.cli("partner", "add", "VNM01", "http://127.0.0.1:%d" % vn.port, vn_key)
        bad = vn.cli("--json", "partner", "add", "KHM01", "http://127.0.0.1:1", "00" * 31, check=False)
        tap.ok(bad.returncode == 1 and json.loads(bad.stdout)["error"]["code"] == 6008,
               "a public key that is not 32 bytes of hex is refused (6008)", bad.stdout)

        checkpoint = vn.request("GET", "/api/v1/audit/checkpoint").json
        signed = {k: checkpoint[k] for k in ("registry", "seq", "time", "hash")}
        message = canonical(signed).encode()
        verified = sodium.crypto_sign_verify_detached(
            bytes.fromhex(checkpoint["signature"]), message, ctypes.c_ulonglong(len(message)),
            bytes.fromhex(vn_key)) == 0
        tap.ok(verified and checkpoint["public_key"] == vn_key,
               "the audit checkpoint is signed with the registry's key", checkpoint)
        ping = vn.cli("--json", "partner", "ping", "JPN01", check=False)
        tap.ok(ping.returncode == 0 and json.loads(ping.stdout)["answered"] == 1,
               "VNM01 pings JPN01: signed both ways, answered", ping.stdout, ping.stderr)
        tap.ok(jp.sql("SELECT last_in_sequence FROM partners WHERE id = 'VNM01'") == "1",
               "JPN01 took VNM01's message 1 in sequence")
        tap.ok(jp.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'message.receive'") == "1" and
               vn.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'message.answered'") == "1",
               "the message is audited on both sides")
        back = jp.cli("--json", "partner", "ping", "VNM01", check=False)
        tap.ok(back.returncode == 0 and json.loads(back.stdout)["answered"] == 1,
               "JPN01 pings VNM01 the other way", back.stdout, back.stderr)

        sent = vn.sql("SELECT envelope FROM messages WHERE direction = 'out' ORDER BY sequence LIMIT 1")
        original = json.loads(sent)
        before = state(jp)
        again = post(jp, sent)
        answer = again.json if again.status == 200 else {}
        tap.ok(again.status == 200 and answer.get("type") == "answer" and
               answer["payload"]["in_reply_to"] == original["id"],
               "the same message sent again gets its first answer back", again)
        tap.ok(state(jp) == before, "and is not processed twice", state(jp), before)

        forged = dict(original)
        forged["payload"] = {"forged": True}
        r = post(jp, forged)
        tap.ok(r.status == 403 and r.error_code() == 6004, "a forged message is refused (6004)", r)

        vn_secret = meta(vn, "secret_key")
        def message(sequence, **changes):
            m = {"sender": "VNM01", "receiver": "JPN01", "id": os.urandom(16).hex(),
                 "sequence": sequence, "type": "ping", "time": "2026-11-28T00:00:00.000Z",
                 "payload": {}}
            m.update(changes)
            return sign(vn_secret, m)

        r = post(jp, message(1))
        tap.ok(r.status == 409 and r.error_code() == 6005,
               "a new message with an old sequence number is a replay (6005)", r)
        reused = message(2, id=original["id"])
        r = post(jp, reused)
        tap.ok(r.status == 409 and r.error_code() == 6005,
               "a message id reused with other content is refused (6005)", r)
        r = post(jp, message(4))
        tap.ok(r.status == 409 and r.error_code() == 6006,
               "a gap in the sequence is refused until the missing message arrives (6006)", r)
        r = post(jp, message(2, receiver="KHM01"))
        tap.ok(r.status == 422 and r.error_code() == 6003,
               "a message addressed to another registry is refused (6003)", r)
        stranger = message(1, sender="KHM01")
        r = post(jp, stranger)
        tap.ok(r.status == 403 and r.error_code() == 6002,
               "a message from an unknown registry is refused (6002)", r)
        r = post(jp, '{"sender": "VNM01"}')
        tap.ok(r.status == 400 and r.error_code() == 6001, "a malformed envelope is refused (6001)", r)
        unknown_type = message(2, type="unheard.of")
        r = post(jp, unknown_type)
        tap.ok(r.status == 200 and r.json["payload"]["status"] == "rejected" and
               r.json["payload"]["code"] == 6009,
               "a well signed message of an unknown type is answered 'rejected' (6009), in sequence", r)
        tap.ok(state(jp) != before and
               jp.sql("SELECT last_in_sequence FROM partners WHERE id = 'VNM01'") == "2",
               "only the valid messages moved JPN01's sequence")
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
