#!/usr/bin/env bash
# test_backup.sh: `a6reg backup` under load and `a6reg restore` (TAP), on the backend of the run
# (SQLite, or PostgreSQL through tests/on-postgres). The server takes concurrent transfers over
# HTTP while a backup is taken; the backup, restored into a new database, must verify, conserve
# units, hold every transfer acknowledged before the backup began, hold only acknowledged and
# audited transactions, and be the live registry as it was at one moment (its audit chain a prefix
# of the live one). restore refuses a non-empty target, an unknown file and the other backend's
# backup; backup refuses an existing path.
set -u
a6reg=${1:?usage: test_backup.sh A6REG_BINARY}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
server_pid= load_pid=
cleanup() {
    touch "$work/stop"
    [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
. "$here/tap.sh"
export A6REG_DB=$("$testdb" new "$work" registry)
backup=$work/registry.backup
lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }
# wait_for FILE N SECONDS: until FILE has at least N lines; false on timeout.
wait_for() {
    local deadline=$((SECONDS + $3))
    while [ "$(lines "$1")" -lt "$2" ]; do
        [ $SECONDS -ge $deadline ] && return 1
        sleep 0.05
    done
}
audit_chain() { "$testdb" sql "$1" "SELECT seq || ' ' || hash FROM audit_log ORDER BY seq"; }

# --- the registry: six holding accounts of 100,000 units each, a retirement account, a user.
"$a6reg" init >/dev/null || { not_ok "init"; tap_done; exit; }
accounts=
for i in 1 2 3 4 5 6; do
    a=$("$a6reg" account open --holder "Backup Holder $i" --type holding)
    "$a6reg" issue --to "$a" --quantity 100000 --vintage 2021 >/dev/null
    accounts="$accounts $a"
done
retirement=$("$a6reg" account open --holder "Backup Retirement" --type retirement)
token=$("$a6reg" user add loader --role admin | tail -1)
issued=600000

for c in backup restore; do
    "$a6reg" $c --help | grep -q "usage: a6reg $c PATH"; check "$c --help prints its usage" 0 $?
    "$a6reg" $c 2>/dev/null; check "$c without PATH is a usage error (2)" 2 $?
done

# --- the server and the load.
"$a6reg" serve --listen 127.0.0.1:0 --access-log off >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
wait_for "$work/serve.out" 1 15
port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\)$|\1|p' "$work/serve.out")
if [ -z "$port" ]; then
    not_ok "the server starts" "$(cat "$work/serve.out" "$work/serve.err")"
    tap_done
    exit
fi
python3 "$here/backup_load.py" "$port" "$token" "$work/acks" "$work/stop" "$retirement" \
    $accounts 2>"$work/load.err" &
load_pid=$!
wait_for "$work/acks" 100 60
check "the load runs: 100 transfers acknowledged before the backup" 0 $?

# Only whole lines: every transaction in acks.before was acknowledged before the backup began.
head -n "$(lines "$work/acks")" "$work/acks" >"$work/acks.before"
out=$("$a6reg" backup "$backup" --json)
check "backup under load exits 0" 0 $?
during=$(($(lines "$work/acks") - $(wc -l <"$work/acks.before")))
wait_for "$work/acks" $(($(lines "$work/acks") + 50)) 60
check "the server goes on acknowledging transfers after the backup" 0 $?
touch "$work/stop"
wait "$load_pid"
check "the load saw no server error or lost answer" "0:" "$?:$(head -c 600 "$work/load.err")"
load_pid=
kill -TERM "$server_pid"
wait "$server_pid"
check "the server stops cleanly" 0 $?
server_pid=
echo "# $(wc -l <"$work/acks.before") acknowledged before the backup, $during during it, $(lines "$work/acks") in all"

if [ -n "${A6REG_TEST_POSTGRES:-}" ]; then format=pg_dump magic=PGDMP; else format=sqlite magic="SQLite format 3"; fi
check "backup --json names the format of the backend" "$format" "$(echo "$out" | json 'd["format"]')"
check "backup --json gives the file's size" "$(stat -c %s "$backup")" "$(echo "$out" | json 'd["size_bytes"]')"
check "the file starts with the backend's magic" "$magic" "$(head -c ${#magic} "$backup")"
check "the backup is readable by its owner only" 600 "$(stat -c %a "$backup")"
check "no PATH.tmp is left behind" no "$([ -e "$backup.tmp" ] && echo yes || echo no)"

# --- restore into a new database.
restored=$("$testdb" new "$work" restored)
out=$("$a6reg" --db "$restored" restore "$backup" --json)
check "restore exits 0" 0 $?
check "restore reports the restored copy consistent" True "$(echo "$out" | json 'd["verify"]["consistent"]')"
"$a6reg" --db "$restored" verify >/dev/null
check "a6reg verify passes on the restored copy" 0 $?
verify=$("$a6reg" --db "$restored" verify --json)
check "the restored copy has every unit issued" $issued "$(echo "$verify" | json 'd["units_issued"]')"

"$a6reg" --db "$restored" history --json --limit 1000000000 >"$work/history.json"
"$a6reg" --db "$restored" account list --json >"$work/accounts.json"
for a in $(json '" ".join(str(a["id"]) for a in d)' <"$work/accounts.json"); do
    echo "$a $("$a6reg" --db "$restored" holdings "$a" --json | json 'd["total"]')"
done >"$work/holdings"
check "units are conserved: the accounts of the copy hold every unit issued" $issued \
    "$(awk '{ s += $2 } END { print s }' "$work/holdings")"
# Each account holds its issuance plus what the copy's transactions moved into it, less what they
# moved out of it: the copy's tables and its history agree.
check "each account's holdings are its issuance moved by the copy's transactions" "" "$(python3 - "$work/history.json" "$work/holdings" <<'PY'
import collections, json, sys
expected = collections.Counter()
for t in json.load(open(sys.argv[1])):
    if t["type"] == "issue":
        expected[t["to"]] += t["quantity"]
    else:
        expected[t["from"]] -= t["quantity"]
        expected[t["to"]] += t["quantity"]
for line in open(sys.argv[2]):
    account, total = map(int, line.split())
    if expected[account] != total:
        print("account %d holds %d, its history says %d" % (account, total, expected[account]))
PY
)"
ids() { json '"\n".join(str(t["id"]) for t in d)' <"$work/history.json" | sort; }
check "every transfer acknowledged before the backup began is in the copy" "" \
    "$(comm -23 <(sort "$work/acks.before") <(ids) | head -5)"
check "every transaction of the copy was acknowledged (or is a setup issuance)" "" \
    "$(comm -23 <(ids) <(sort "$work/acks" <(json '"\n".join(str(t["id"]) for t in d if t["type"] == "issue")' <"$work/history.json") | sort) | head -5)"
check "every transaction of the copy is in its audit log" "" "$(comm -23 \
    <("$testdb" sql "$restored" "SELECT id FROM transactions" | sort) \
    <("$testdb" sql "$restored" "SELECT substr(object, 13) FROM audit_log WHERE object LIKE 'transaction/%'" | sort) | head -5)"
audit_chain "$restored" >"$work/chain.restored"
audit_chain "$A6REG_DB" >"$work/chain.live"
check "the copy's audit chain is the live chain as it was at one moment (a prefix of it)" "" \
    "$(head -n "$(wc -l <"$work/chain.restored")" "$work/chain.live" | diff - "$work/chain.restored" | head -5)"
check "the copy is older than the live registry: the load went on after the backup" yes \
    "$([ "$(wc -l <"$work/chain.restored")" -lt "$(wc -l <"$work/chain.live")" ] && echo yes || echo no)"

# --- refusals.
"$a6reg" --db "$restored" restore "$backup" 2>"$work/err"
check "restore into a database that holds a registry exits 1" 1 $?
grep -q "never overwrites" "$work/err"; check "... saying it never overwrites one" 0 $?
check "... with check 1029 database-not-empty" 1029 \
    "$("$a6reg" --json --db "$restored" restore "$backup" 2>/dev/null | json 'd["error"]["code"]')"
check "... and leaves it unchanged" "" "$(audit_chain "$restored" | diff - "$work/chain.restored")"
"$a6reg" restore "$backup" 2>/dev/null
check "restore into the live registry exits 1" 1 $?
check "... and leaves it unchanged" "" "$(audit_chain "$A6REG_DB" | diff - "$work/chain.live")"

target=$("$testdb" new "$work" target)
printf 'not a backup\n' >"$work/junk"
"$a6reg" --db "$target" restore "$work/junk" 2>"$work/err"
check "restore of an unknown file exits 1" 1 $?
grep -q "not an a6reg backup" "$work/err"; check "... saying it is not an a6reg backup" 0 $?
check "... with check 1032 backup-invalid on field path" "1032 path" \
    "$("$a6reg" --json --db "$target" restore "$work/junk" 2>/dev/null | json 'd["error"]["code"], d["error"]["field"]' | tr -d "(),'")"
if [ -n "${A6REG_TEST_POSTGRES:-}" ]; then printf 'SQLite format 3\0' >"$work/other"; else printf 'PGDMP' >"$work/other"; fi
head -c 4096 /dev/zero >>"$work/other"
"$a6reg" --db "$target" restore "$work/other" 2>"$work/err"
check "restore of the other backend's backup exits 1" 1 $?
grep -q "a6reg migrate" "$work/err"; check "... pointing at a6reg migrate" 0 $?
check "... with check 1032 backup-invalid" 1032 \
    "$("$a6reg" --json --db "$target" restore "$work/other" 2>/dev/null | json 'd["error"]["code"]')"
"$a6reg" --db "$target" restore "$work/missing" 2>/dev/null
check "restore of a missing file exits 1" 1 $?
"$a6reg" --db "$target" restore "$backup" >/dev/null
check "the refused restores left the target empty: the backup restores into it" 0 $?

before=$(sha256sum <"$backup")
"$a6reg" backup "$backup" 2>"$work/err"
check "backup to an existing path exits 1" 1 $?
grep -q "already exists" "$work/err"; check "... saying the path exists" 0 $?
check "... with check 1031 file-exists on field path" "1031 path" \
    "$("$a6reg" --json backup "$backup" 2>/dev/null | json 'd["error"]["code"], d["error"]["field"]' | tr -d "(),'")"
check "... and leaves the file unchanged" "$before" "$(sha256sum <"$backup")"
echo "another backup's" >"$work/busy.backup.tmp"
"$a6reg" backup "$work/busy.backup" 2>"$work/err"
check "backup while PATH.tmp exists (another backup's, running or interrupted) exits 1" 1 $?
check "... leaving that file alone and writing no PATH" "another backup's:no" \
    "$(cat "$work/busy.backup.tmp"):$([ -e "$work/busy.backup" ] && echo yes || echo no)"
"$a6reg" backup "$work/no-such-dir/b" 2>/dev/null
check "backup into a missing directory exits 1" 1 $?
"$a6reg" --db "$target" backup "$work/second.backup" >/dev/null
check "a restored registry can be backed up again" 0 $?
check "... into the same format" "$magic" "$(head -c ${#magic} "$work/second.backup")"

tap_done
