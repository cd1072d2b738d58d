#!/usr/bin/env bash
# test_migrate.sh: `a6reg migrate` copies a whole registry (the real JCM Viet Nam import, the NDC,
# users, transfers, a retirement) from a SQLite file into a new database (SQLite here, PostgreSQL
# in the suite 'postgres') and back, and each copy passes verify, ends its audit log on the
# source's hash, holds the same blocks and keeps working. TAP.
# usage: test_migrate.sh A6REG_BINARY DATA_DIR
a6reg=${1:?usage: test_migrate.sh A6REG_BINARY DATA_DIR}
data=${2:?usage: test_migrate.sh A6REG_BINARY DATA_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/tap.sh"

source_db="$work/source.db"
export A6REG_DB="$source_db"
"$a6reg" init >/dev/null
"$a6reg" import jcm "$data" >/dev/null
"$a6reg" ndc set --first-year 2021 --last-year 2030 --target-year 2030 --method trajectory \
    --bau 927900000 --unconditional-bp 1580 >/dev/null
"$a6reg" user add ops --role admin >/dev/null
buyer=$("$a6reg" account open --holder "Buyer Co" --type holding)
"$a6reg" transfer --from 2 --to "$buyer" --quantity 20 >/dev/null
"$a6reg" transfer --from 2 --to "$buyer" --quantity 7 >/dev/null
"$a6reg" retire --from "$buyer" --quantity 5 >/dev/null
last_hash() { "$testdb" sql "$1" "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1"; }
holdings() { for id in 1 2 "$buyer"; do "$a6reg" --db "$1" holdings "$id" --json; done; }

target=$("$testdb" new "$work" target)
out=$("$a6reg" --json migrate --from "$source_db" --to "$target")
check "migrate copies the registry (exit 0)" 0 $?
check "the copy is consistent" True "$(echo "$out" | json 'd["consistent"]')"
check "the copy's audit log ends on the source's hash" "$(last_hash "$source_db")" \
    "$(echo "$out" | json 'd["audit_hash"]')"
check "the copy's last audit record is the source's" "$(last_hash "$source_db")" "$(last_hash "$target")"
"$a6reg" --db "$target" verify >/dev/null
check "verify passes on the copy" 0 $?
check "the copy holds the same blocks" "$(holdings "$source_db")" "$(holdings "$target")"
check "the copy has the same history" "$("$a6reg" --db "$source_db" history)" \
    "$("$a6reg" --db "$target" history)"
check "the copy keeps the NDC" "$("$a6reg" --db "$source_db" ndc balance --json)" \
    "$("$a6reg" --db "$target" ndc balance --json)"

msg=$("$a6reg" migrate --from "$source_db" --to "$target" 2>&1)
check "a second copy into the same database is refused (exit 1)" 1 $?
case "$msg" in *"not empty"*) ok "the refusal says the target is not empty" ;;
*) not_ok "the refusal says the target is not empty" "$msg" ;; esac
check "the refused copy changed nothing" "$(last_hash "$source_db")" "$(last_hash "$target")"
check "the refusal is check 1029 database-not-empty on field to" "1029 to" \
    "$("$a6reg" --json migrate --from "$source_db" --to "$target" | json 'd["error"]["code"], d["error"]["field"]' | tr -d "(),'")"

# A source at an older schema version is refused before anything is copied.
cp "$source_db" "$work/old.db"
"$testdb" sql "$work/old.db" "DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)"
fresh=$("$testdb" new "$work" fresh)
check "a source at another schema version is check 1030 on field from" "1030 from" \
    "$("$a6reg" --json migrate --from "$work/old.db" --to "$fresh" | json 'd["error"]["code"], d["error"]["field"]' | tr -d "(),'")"
check "... and copies nothing" "" "$(last_hash "$fresh")"

"$a6reg" --db "$target" transfer --from "$buyer" --to 2 --quantity 3 >/dev/null
check "the copy keeps working: a transfer" 0 $?
"$a6reg" --db "$target" verify >/dev/null
check "verify passes after the transfer" 0 $?

back="$work/back.db"
"$a6reg" migrate --from "$target" --to "$back" >/dev/null
check "the copy copies back into a new SQLite file" 0 $?
check "the way back ends on the copy's hash" "$(last_hash "$target")" "$(last_hash "$back")"
check "the way back holds the same blocks" "$(holdings "$target")" "$(holdings "$back")"

"$a6reg" migrate --from "$source_db" >/dev/null 2>&1
check "--to is required (usage error 2)" 2 $?
"$a6reg" migrate --from "$work/missing.db" --to "$("$testdb" new "$work" other)" >/dev/null 2>&1
check "a missing source is refused (exit 1)" 1 $?
tap_done
