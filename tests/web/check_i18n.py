#!/usr/bin/env python3
"""check_i18n.py: every text the web pages translate (T(r, "...") and N_("...") in src/web/) has a
Vietnamese translation in src/web/i18n.c, and no translation is left over. TAP output.
usage: check_i18n.py SRC_WEB_DIR"""
import glob
import os
import re
import sys

LITERALS = r'((?:"(?:[^"\\]|\\.)*"\s*)+)'


def joined(group):
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', group))


def used_texts(directory):
    texts = {}
    for path in sorted(glob.glob(os.path.join(directory, "*.c"))):
        if path.endswith("i18n.c"):
            continue
        source = open(path, encoding="utf-8").read()
        for m in re.finditer(r'\b(?:T\(\s*r\s*,|N_\()\s*' + LITERALS + r'\)', source):
            texts.setdefault(joined(m.group(1)), os.path.basename(path))
    return texts


def translations(directory):
    source = open(os.path.join(directory, "i18n.c"), encoding="utf-8").read()
    table = {}
    for m in re.finditer(r'\{\s*' + LITERALS + r',\s*' + LITERALS + r'\}', source):
        table[joined(m.group(1))] = joined(m.group(2))
    return table


def main():
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__ + "\n")
        return 2
    used, table = used_texts(sys.argv[1]), translations(sys.argv[1])
    checks = [(len(used) > 50, "the pages mark their texts for translation (%d)" % len(used))]
    missing = [t for t in used if t not in table]
    checks.append((not missing, "every marked text has a Vietnamese translation" +
                   "".join("\n# missing: %r (%s)" % (t, used[t]) for t in missing)))
    empty = [en for en, vi in table.items() if not vi.strip()]
    checks.append((not empty, "no translation is empty" + "".join("\n# %r" % t for t in empty)))
    placeholders = [en for en, vi in table.items() if en.count("%s") != vi.count("%s")]
    checks.append((not placeholders, "translations keep their %s placeholder" +
                   "".join("\n# %r" % t for t in placeholders)))
    for number, (passed, text) in enumerate(checks, 1):
        print("%s %d - %s" % ("ok" if passed else "not ok", number, text))
    print("1..%d" % len(checks))
    return 0 if all(p for p, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
