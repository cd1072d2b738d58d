#!/usr/bin/env python3
"""scenario_runner.py: runs JSON scenarios against a fresh `a6reg serve` each (TAP).

usage: scenario_runner.py A6REG_BINARY JCM_DATA_DIR SCENARIO.json...

For each scenario: a new registry in a temporary directory (`a6reg init`, `import jcm` when
"import_jcm" is true), a user of every role made with `a6reg user add` (two participants of one
holder, one participant of another), `a6reg serve --listen 127.0.0.1:0 --access-log off
--four-eyes-above 100`, the steps in order, then SIGTERM (the server must exit 0) and
`a6reg verify` (must exit 0).

A scenario: {"description", "import_jcm": bool, "steps": [STEP...]}. A request step:
  {"name": "...",                      optional, for the TAP line
   "as": "admin" | "participant" | "participant2" | "other_participant" | "auditor" |
         "committee" | "authority" | "observer" | null,   null or absent: no token
   "method": "GET", "path": "/api/v1/...",
   "body": JSON value | "raw_body": "text" | "raw_body_hex": "7b7d",
   "headers": {"Name": "value"},
   "expect": {"status": 201 or [200, 201],
              "content_type": "text/plain"  prefix of the Content-Type
              "json": {subset}            objects: listed keys match; lists: same length,
                                          items match in order; "$any" matches anything present
              "error": 7002               shorthand: error shape with this check code
              "absent": ["events.*.actor"]   no value at these paths
              "present": ["events.0.actor"]  a value at each path
              "length": {"items": 5}
              "all": {"items.*.holder": "X"} every value at the path equals X (at least one)
              "body_prefix": "PK"          the raw body starts with this text
              "body_contains": ["a", "b"]  the raw body holds each of these texts
              "save": {"name": "json.path"}  for ${name} later
              "collect": {"name": "items.*.ref"}  appends the values to the list ${name}}}
Other steps:
  {"while_not_null": "name", "max": 50, "steps": [...]}   repeats while ${name} is not null
  {"assert": {"var": "name", "length": 20, "distinct": true}}
  {"assert": {"equal": ["${a}", "${b}"]}}
${name} in paths, bodies, headers and expectations is replaced by saved values (a string that is
exactly "${name}" becomes the saved value itself, so ids stay numbers). Predefined: ${holder},
${other_holder}, ${today} (the UTC date, YYYY-MM-DD, as the server's "today") and ${year} (its
year, a number). Paths use "*" for every item of a list and numbers for list indexes."""
import json
import os
import re
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from a6api import HOLDER, OTHER_HOLDER, Registry, Tap  # noqa: E402

VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
MISSING = object()


class ScenarioError(Exception):
    pass


def substitute(value, variables):
    if isinstance(value, str):
        whole = VARIABLE.fullmatch(value)
        if whole:
            if whole.group(1) not in variables:
                raise ScenarioError("${%s} is not defined" % whole.group(1))
            return variables[whole.group(1)]

        def one(m):
            if m.group(1) not in variables:
                raise ScenarioError("${%s} is not defined" % m.group(1))
            v = variables[m.group(1)]
            return v if isinstance(v, str) else json.dumps(v)
        return VARIABLE.sub(one, value)
    if isinstance(value, list):
        return [substitute(v, variables) for v in value]
    if isinstance(value, dict):
        return {substitute(k, variables): substitute(v, variables) for k, v in value.items()}
    return value


def select(value, path):
    """Every value at a dotted path ("*" for each item of a list or object)."""
    current = [value]
    for part in [p for p in str(path).split(".") if p != ""]:
        found = []
        for v in current:
            if part == "*":
                if isinstance(v, list):
                    found.extend(v)
                elif isinstance(v, dict):
                    found.extend(v.values())
            elif isinstance(v, dict):
                if part in v:
                    found.append(v[part])
            elif isinstance(v, list):
                try:
                    i = int(part)
                except ValueError:
                    continue
                if -len(v) <= i < len(v):
                    found.append(v[i])
        current = found
    return current


def subset_mismatch(expected, actual, where="$"):
    """None when actual contains expected, else a description of the first difference."""
    if expected == "$any":
        return None if actual is not MISSING else "%s: missing" % where
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return "%s: expected an object, got %s" % (where, json.dumps(actual)[:200])
        for k, v in expected.items():
            problem = subset_mismatch(v, actual.get(k, MISSING), "%s.%s" % (where, k))
            if problem:
                return problem
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return "%s: expected a list of %d, got %s" % (where, len(expected),
                                                          json.dumps(actual)[:200]
                                                          if actual is not MISSING else "nothing")
        for i, (e, a) in enumerate(zip(expected, actual)):
            problem = subset_mismatch(e, a, "%s.%d" % (where, i))
            if problem:
                return problem
        return None
    if actual is MISSING:
        return "%s: missing (expected %s)" % (where, json.dumps(expected))
    if type(expected) is not type(actual) and not (
            isinstance(expected, (int, float)) and isinstance(actual, (int, float))
            and not isinstance(expected, bool) and not isinstance(actual, bool)):
        return "%s: expected %s, got %s" % (where, json.dumps(expected), json.dumps(actual))
    if expected != actual:
        return "%s: expected %s, got %s" % (where, json.dumps(expected), json.dumps(actual))
    return None


class Runner:
    def __init__(self, exe, data_dir):
        self.exe = exe
        self.data_dir = data_dir
        self.tap = Tap()

    def run_file(self, path):
        label = os.path.splitext(os.path.basename(path))[0]
        try:
            with open(path) as f:
                scenario = json.load(f)
        except (OSError, ValueError) as e:
            self.tap.ok(False, "%s: the scenario file loads" % label, str(e))
            return
        self.tap.note("%s: %s" % (label, scenario.get("description", "")))
        try:
            reg = Registry(self.exe, self.data_dir, import_jcm=bool(scenario.get("import_jcm")),
                           four_eyes_above=100)
        except Exception as e:  # noqa: BLE001
            self.tap.ok(False, "%s: a fresh registry" % label, str(e))
            return
        try:
            reg.start()
            today = time.gmtime()
            variables = {"holder": HOLDER, "other_holder": OTHER_HOLDER,
                         "today": time.strftime("%Y-%m-%d", today), "year": today.tm_year}
            self.steps(reg, label, scenario.get("steps", []), variables, [0])
            rc = reg.stop()
            self.tap.ok(rc == 0, "%s: SIGTERM, the server exits 0" % label,
                        "exit status %r" % (rc,), reg.server_stderr())
            v = reg.verify()
            self.tap.ok(v.returncode == 0, "%s: a6reg verify passes" % label, v.stdout + v.stderr)
        except Exception as e:  # noqa: BLE001
            import traceback
            self.tap.ok(False, "%s: the scenario runs" % label, traceback.format_exc(),
                        reg.server_stderr())
        finally:
            reg.cleanup()

    def steps(self, reg, label, steps, variables, counter):
        for step in steps:
            counter[0] += 1
            if "while_not_null" in step:
                name = step["while_not_null"]
                limit = step.get("max", 100)
                rounds = 0
                while variables.get(name) is not None and rounds < limit:
                    rounds += 1
                    self.steps(reg, label, step.get("steps", []), variables, counter)
                self.tap.ok(variables.get(name) is None, "%s: ${%s} reached null within %d rounds"
                            % (label, name, limit), "after %d rounds: %r"
                            % (rounds, variables.get(name)))
            elif "assert" in step:
                self.assertion(label, step["assert"], variables)
            else:
                self.request(reg, label, step, variables, counter[0])

    def assertion(self, label, spec, variables):
        if "var" in spec:
            value = variables.get(spec["var"])
            problems = []
            if not isinstance(value, list):
                problems.append("${%s} is not a list: %r" % (spec["var"], value))
            else:
                if "length" in spec and len(value) != spec["length"]:
                    problems.append("length %d, expected %d" % (len(value), spec["length"]))
                if spec.get("distinct") and len(set(map(json.dumps, value))) != len(value):
                    problems.append("not distinct: %r" % (value,))
            self.tap.ok(not problems, "%s: %s" % (label, spec.get("name", "${%s} %s" % (
                spec["var"], ", ".join("%s %s" % (k, v) for k, v in spec.items() if k != "var")))),
                *problems)
        elif "equal" in spec:
            values = substitute(spec["equal"], variables)
            self.tap.ok(all(v == values[0] for v in values),
                        "%s: %s" % (label, spec.get("name", "equal %r" % (spec["equal"],))),
                        "values: %r" % (values,))
        else:
            self.tap.ok(False, "%s: a known assertion" % label, json.dumps(spec))

    def request(self, reg, label, step, variables, number):
        expect = step.get("expect", {})
        method = step.get("method", "GET")
        try:
            path = substitute(step["path"], variables)
            headers = substitute(step.get("headers", {}), variables)
            body = raw = None
            if "raw_body_hex" in step:
                raw = bytes.fromhex(step["raw_body_hex"])
            elif "raw_body" in step:
                raw = substitute(step["raw_body"], variables)
            elif "body" in step:
                body = substitute(step["body"], variables)
            expect = {k: v if k in ("save", "collect") else substitute(v, variables)
                      for k, v in expect.items()}
        except ScenarioError as e:
            self.tap.ok(False, "%s: step %d %s" % (label, number, step.get("name", "")), str(e))
            return
        who = step.get("as")
        if who is not None and who not in reg.tokens:
            self.tap.ok(False, "%s: step %d: unknown user %r" % (label, number, who))
            return
        status = expect.get("status")
        title = step.get("name") or "%s %s" % (method, path)
        description = "%s: %s [%s] -> %s%s" % (label, title, who or "anonymous",
                                               status if status is not None else "any",
                                               " %s" % expect["error"] if "error" in expect else "")
        try:
            response = reg.request(method, path, body=body, raw=raw, user=who, headers=headers)
        except OSError as e:
            self.tap.ok(False, description, "no answer: %r" % (e,), reg.server_stderr())
            return
        problems = []
        statuses = status if isinstance(status, list) else [status] if status is not None else []
        if statuses and response.status not in statuses:
            problems.append("status %d, expected %s" % (response.status, status))
        if response.status >= 500:
            problems.append("a server error")
        content_type = next((v for k, v in response.headers.items()
                             if k.lower() == "content-type"), "")
        if "content_type" in expect and not content_type.startswith(expect["content_type"]):
            problems.append("Content-Type %r, expected %r" % (content_type, expect["content_type"]))
        if "body_prefix" in expect and not response.body.startswith(
                str(expect["body_prefix"]).encode("utf-8")):
            problems.append("the body starts with %r, expected %r" % (
                response.body[:40], expect["body_prefix"]))
        for text in expect.get("body_contains", []):
            if text.encode("utf-8") not in response.body:
                problems.append("the body does not hold %r" % text)
        if "json" in content_type and response.json is None:
            problems.append("the body is not valid JSON")
        if response.status >= 400 and not response.is_error_shape():
            problems.append("an error without the JSON error shape")
        doc = response.json
        if "error" in expect:
            codes = expect["error"] if isinstance(expect["error"], list) else [expect["error"]]
            if not response.is_error_shape():
                problems.append("not the error shape {error: {code, check, message, field?}}")
            elif response.error_code() not in codes:
                problems.append("check %s, expected %s" % (response.error_code(), expect["error"]))
        if "json" in expect:
            mismatch = subset_mismatch(expect["json"], doc if doc is not None else MISSING)
            if mismatch:
                problems.append(mismatch)
        for p in expect.get("absent", []):
            if select(doc, p):
                problems.append("%s is present: %s" % (p, json.dumps(select(doc, p))[:200]))
        for p in expect.get("present", []):
            if not select(doc, p):
                problems.append("%s is absent" % p)
        for p, n in expect.get("length", {}).items():
            found = select(doc, p)
            if len(found) != 1 or not isinstance(found[0], (list, dict)) or len(found[0]) != n:
                problems.append("%s: expected length %d, got %s" % (p, n, json.dumps(found)[:200]))
        for p, want in expect.get("all", {}).items():
            found = select(doc, p)
            if not found or any(v != want for v in found):
                problems.append("%s: expected every value %s, got %s" % (p, json.dumps(want),
                                                                       json.dumps(found)[:300]))
        for name, p in expect.get("save", {}).items():
            found = select(doc, p)
            if len(found) != 1:
                problems.append("save %s: %s matched %d values" % (name, p, len(found)))
            else:
                variables[name] = found[0]
        for name, p in expect.get("collect", {}).items():
            variables.setdefault(name, [])
            variables[name] = list(variables[name]) + select(doc, p)
        self.tap.ok(not problems, description, *(problems + ["response: %r" % (response,)]))


def main():
    if len(sys.argv) < 4:
        sys.stderr.write("usage: scenario_runner.py A6REG_BINARY JCM_DATA_DIR SCENARIO.json...\n")
        return 2
    runner = Runner(sys.argv[1], sys.argv[2])
    for path in sys.argv[3:]:
        runner.run_file(path)
    return runner.tap.finish()


if __name__ == "__main__":
    sys.exit(main())
