#!/usr/bin/env python3
"""role_matrix.py: every operation of the server's own OpenAPI document (GET /api/v1/openapi.json,
"x-roles" per operation: the roles the router lets through, [] = public) called by every role and
anonymously, with a minimal body ({}) and the ids of existing objects (TAP, one line per route and
caller):
  - a role not in x-roles gets 403 with check 7001, an anonymous caller 401 with check 7003;
  - an allowed caller never gets 7001 or 7003, and never a 5xx, 404 1024 or 405 1025 (the
    documented route exists with that method).

usage: role_matrix.py A6REG_BINARY"""
import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from a6api import HOLDER, ROLES, Registry, Tap  # noqa: E402

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: role_matrix.py A6REG_BINARY\n")
        return 2
    tap = Tap()
    # One throwaway user per role for DELETE /api/v1/session, which revokes the token it is sent.
    extra = {"throwaway_" + role: (role, HOLDER if role == "participant" else None)
             for role in ROLES}
    try:
        reg = Registry(sys.argv[1], four_eyes_above=100, extra_users=extra)
    except Exception:  # noqa: BLE001
        import traceback
        tap.ok(False, "a registry for the role matrix", traceback.format_exc())
        return tap.finish()
    try:
        # Existing objects for the path parameters, made through the CLI before the server starts.
        account = int(reg.cli("account", "open", "--holder", HOLDER, "--type",
                              "holding").stdout.split()[-1])
        reg.cli("issue", "--to", account, "--quantity", 1000, "--vintage", 2020)
        destination = int(reg.cli("account", "open", "--holder", HOLDER, "--type",
                                  "holding").stdout.split()[-1])
        transaction = int(reg.sql("SELECT MAX(id) FROM transactions"))
        reg.cli("activity", "add", "--ref", "RM001", "--kind", "project", "--title", "Role matrix")
        for event, role, date in [("submit", "participant", "2025-01-02"),
                                  ("start_validation", "auditor", "2025-01-03"),
                                  ("validate", "auditor", "2025-01-04"),
                                  ("register", "committee", "2025-01-05")]:
            reg.cli("activity", "advance", "RM001", event, "--role", role, "--date", date)
        out = reg.cli("monitoring", "add", "RM001", "--start", "2025-01-05", "--end", "2025-03-31",
                      "--claimed", 100, "--date", "2025-04-02").stdout.split()
        period = int(out[1])
        reg.start()
        # An approval that exists but is decided: asked by participant2, rejected by the admin.
        r = reg.request("POST", "/api/v1/transactions", user="participant2",
                        body={"type": "transfer", "from": account, "to": destination,
                              "quantity": 150})
        approval = r.json.get("approval") if r.status == 201 and r.json else None
        if approval is None:
            tap.ok(False, "a four-eyes request for the approval routes", repr(r))
            approval = 1
        else:
            r = reg.request("POST", "/api/v1/approvals/%d/reject" % approval, user="admin")
            tap.ok(r.status == 200, "the approval used by the matrix is decided (rejected)", repr(r))

        r = reg.request("GET", "/api/v1/openapi.json")
        document = r.json if r.status == 200 else None
        if not tap.ok(isinstance(document, dict) and isinstance(document.get("paths"), dict),
                      "GET /api/v1/openapi.json answers the document", repr(r)):
            return tap.finish()

        def concrete(path):
            ids = {"/accounts/{id}": account, "/transactions/{id}": transaction,
                   "/approvals/{id}": approval, "/periods/{id}": period,
                   "/authorizations/{id}": 1}
            for prefix, value in ids.items():
                path = path.replace(prefix, prefix.replace("{id}", str(value)))
            # This year: its AEF report cannot be submitted yet, so the matrix changes nothing.
            path = path.replace("/reports/aef/{year}", "/reports/aef/%d" % time.gmtime().tm_year)
            return path.replace("{ref}", "RM001")

        operations = []
        for path, item in sorted(document["paths"].items()):
            for method in METHODS:
                if method in (item or {}):
                    operations.append((method.upper(), path, item[method]))
        tap.ok(len(operations) >= 25, "the document lists %d operations" % len(operations))
        for method, path, operation in operations:
            roles = operation.get("x-roles")
            if not isinstance(roles, list) or any(r not in ROLES for r in roles):
                tap.ok(False, "%s %s: x-roles is a list of role names" % (method, path),
                       "x-roles: %r" % (roles,))
                continue
            url = concrete(path)
            if "{" in url:
                tap.ok(False, "%s %s: every path parameter is known to the test" % (method, path))
                continue
            for caller in (None,) + ROLES:
                allowed = not roles or (caller is not None and caller in roles)
                user = None
                if caller is not None:
                    user = "throwaway_" + caller if (method, path) == ("DELETE", "/api/v1/session") \
                        else caller
                body = {} if method in ("POST", "PUT", "PATCH") else None
                try:
                    r = reg.request(method, url, body=body, user=user)
                except OSError as e:
                    tap.ok(False, "%s %s as %s" % (method, path, caller or "anonymous"),
                           "no answer: %r" % (e,))
                    continue
                code = r.error_code()
                who = caller or "anonymous"
                if allowed:
                    problem = None
                    if code in (7001, 7003):
                        problem = "refused with %s" % code
                    elif r.status >= 500:
                        problem = "a server error"
                    elif code in (1024, 1025):
                        problem = "the documented route is not served (%s)" % code
                    elif r.status >= 400 and not r.is_error_shape():
                        problem = "an error without the JSON error shape"
                    tap.ok(problem is None, "%s %s as %s: allowed (%d%s)" % (
                        method, path, who, r.status, " %s" % code if code else ""),
                        "x-roles: %r" % (roles,), "%s: %r" % (problem, r))
                elif caller is None:
                    tap.ok(r.status == 401 and code == 7003 and r.is_error_shape(),
                           "%s %s as anonymous: 401 7003" % (method, path),
                           "x-roles: %r" % (roles,), "actual: %r" % (r,))
                else:
                    tap.ok(r.status == 403 and code == 7001 and r.is_error_shape(),
                           "%s %s as %s: 403 7001" % (method, path, who),
                           "x-roles: %r" % (roles,), "actual: %r" % (r,))
            if not reg.alive():
                tap.ok(False, "the server is still running after %s %s" % (method, path),
                       reg.server_stderr())
                break
        rc = reg.stop()
        tap.ok(rc == 0, "SIGTERM: the server exits 0", "exit status %r" % (rc,),
               reg.server_stderr())
        v = reg.verify()
        tap.ok(v.returncode == 0, "a6reg verify passes", v.stdout + v.stderr)
    except Exception:  # noqa: BLE001
        import traceback
        tap.ok(False, "the role matrix ran to its end", traceback.format_exc(),
               reg.server_stderr())
    finally:
        reg.cleanup()
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
