/* ledger_verify.c: proves the ledger from its audit log. The chain is recomputed record by record;
 * the records are replayed through the core serial map; the rebuilt accounts, issuances,
 * transactions and blocks are compared with the tables. The first difference is reported. */
#include "ledger_verify.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../audit/audit.h"
#include "../core/account.h"
#include "../core/serial_map.h"

typedef struct replay_account {
    int64_t id;
    char holder[256];
    char type[32];
    char party[4];
    int open;
    int64_t last_transaction;
} replay_account_t;

typedef struct replay_transaction {
    int64_t id;
    int64_t from;
    int64_t to;
    int64_t from_previous;
    int64_t to_previous;
    int64_t quantity;
    char type[16];
} replay_transaction_t;

/* An AEF action as its audit record states it. */
typedef struct replay_action {
    int64_t id;
    char date[16];
    char type[32];
    char subtype[64];
    int64_t authorization;
    int64_t first, last;
    int64_t vintage;
} replay_action_t;

typedef struct replay {
    serial_map_t map;
    replay_action_t *actions;
    size_t action_count, action_capacity;
    replay_account_t *accounts;
    size_t account_count, account_capacity;
    replay_transaction_t *transactions;
    size_t transaction_count, transaction_capacity;
    ledger_verify_report_t *report;
} replay_t;

static int problem(replay_t *r, const char *format, ...) __attribute__((format(printf, 2, 3)));

static int problem(replay_t *r, const char *format, ...)
{
    if (r->report->consistent) {
        va_list args;
        va_start(args, format);
        vsnprintf(r->report->first_problem, sizeof r->report->first_problem, format, args);
        va_end(args);
        r->report->consistent = 0;
    }
    return 1;
}

static void *grow(void *items, size_t *capacity, size_t count, size_t size)
{
    if (count < *capacity) return items;
    size_t next = *capacity ? *capacity * 2 : 64;
    void *grown = realloc(items, next * size);
    if (grown) *capacity = next;
    return grown;
}

static replay_account_t *account_find(replay_t *r, int64_t id)
{
    /* Accounts are opened with increasing ids, so the array is sorted. */
    size_t low = 0, high = r->account_count;
    while (low < high) {
        size_t mid = (low + high) / 2;
        if (r->accounts[mid].id == id) return &r->accounts[mid];
        if (r->accounts[mid].id < id)
            low = mid + 1;
        else
            high = mid;
    }
    return NULL;
}

static int replay_account_open(replay_t *r, int64_t seq, json_t *p)
{
    json_int_t id = 0;
    const char *holder = NULL, *type = NULL, *party = NULL;
    if (json_unpack(p, "{sI ss ss ss}", "id", &id, "holder", &holder, "type", &type, "party",
                    &party) != 0 ||
        (r->account_count && r->accounts[r->account_count - 1].id >= id))
        return problem(r, "audit record %lld: malformed account.open", (long long)seq);
    r->accounts = grow(r->accounts, &r->account_capacity, r->account_count, sizeof *r->accounts);
    if (!r->accounts) return problem(r, "out of memory");
    replay_account_t *a = &r->accounts[r->account_count++];
    memset(a, 0, sizeof *a);
    a->id = id;
    a->open = 1;
    snprintf(a->holder, sizeof a->holder, "%s", holder);
    snprintf(a->type, sizeof a->type, "%s", type);
    snprintf(a->party, sizeof a->party, "%s", party);
    return 0;
}

static int replay_transaction(replay_t *r, int64_t seq, const char *action, json_t *p)
{
    json_int_t id = 0, to = 0, from = 0, quantity = 0;
    json_t *blocks = NULL;
    if (json_unpack(p, "{sI sI sI so s?I}", "id", &id, "to", &to, "quantity", &quantity, "blocks",
                    &blocks, "from", &from) != 0 ||
        !json_is_array(blocks))
        return problem(r, "audit record %lld: malformed %s", (long long)seq, action);
    int issue = strcmp(action, "transaction.issue") == 0;
    int64_t moved = 0;
    size_t i;
    json_t *entry;
    json_array_foreach(blocks, i, entry)
    {
        json_int_t issuance = 0, first = 0, last = 0, vintage = 0;
        const char *unit = NULL;
        if (json_unpack(entry, "[IIII!]", &issuance, &first, &last, &vintage) != 0 &&
            json_unpack(entry, "[IIIIs!]", &issuance, &first, &last, &vintage, &unit) != 0)
            return problem(r, "audit record %lld: malformed block", (long long)seq);
        a6_check_t check;
        if (issue) {
            ledger_block_t block = {.issuance_id = issuance,
                                    .account_id = to,
                                    .first = first,
                                    .last = last,
                                    .vintage = (int32_t)vintage};
            if (!unit || ledger_unit_type_parse(unit, &block.unit_type) != A6_OK)
                return problem(r, "audit record %lld: unknown unit type", (long long)seq);
            check = serial_map_issue(&r->map, &block);
            r->report->units_issued += last - first + 1;
        } else {
            check = serial_map_move(&r->map, first, last, from, to);
        }
        if (check != A6_OK)
            return problem(r, "audit record %lld: block %lld-%lld cannot be replayed (%d %s)",
                           (long long)seq, (long long)first, (long long)last, check,
                           a6_check_name(check));
        moved += last - first + 1;
    }
    if (moved != quantity)
        return problem(r, "audit record %lld: blocks sum to %lld, quantity says %lld",
                       (long long)seq, (long long)moved, (long long)quantity);
    r->transactions = grow(r->transactions, &r->transaction_capacity, r->transaction_count,
                           sizeof *r->transactions);
    if (!r->transactions) return problem(r, "out of memory");
    replay_account_t *from_account = from ? account_find(r, from) : NULL;
    replay_account_t *to_account = account_find(r, to);
    if ((from && !from_account) || !to_account)
        return problem(r, "audit record %lld: transaction names an unknown account",
                       (long long)seq);
    replay_transaction_t *t = &r->transactions[r->transaction_count++];
    *t = (replay_transaction_t){.id = id,
                                .from = from,
                                .to = to,
                                .quantity = quantity,
                                .from_previous = from_account ? from_account->last_transaction : 0,
                                .to_previous = to_account->last_transaction};
    if (from_account) from_account->last_transaction = id;
    to_account->last_transaction = id;
    snprintf(t->type, sizeof t->type, "%s", action + strlen("transaction."));
    return 0;
}

static int replay_itmo_action(replay_t *r, int64_t seq, const char *object, json_t *p)
{
    const char *date, *type, *subtype;
    json_int_t authorization, first, last, vintage;
    long long id = 0;
    if (sscanf(object, "aef-action/%lld", &id) != 1 ||
        json_unpack(p, "{ss ss sI sI sI sI}", "date", &date, "type", &type, "authorization",
                    &authorization, "first", &first, "last", &last, "vintage", &vintage) != 0)
        return problem(r, "audit record %lld: malformed itmo.action", (long long)seq);
    subtype = json_string_value(json_object_get(p, "subtype")); /* null: none */
    replay_action_t *grown =
        grow(r->actions, &r->action_capacity, r->action_count, sizeof *r->actions);
    if (!grown) return problem(r, "out of memory");
    r->actions = grown;
    replay_action_t *a = &r->actions[r->action_count++];
    a->id = id;
    snprintf(a->date, sizeof a->date, "%s", date);
    snprintf(a->type, sizeof a->type, "%s", type);
    snprintf(a->subtype, sizeof a->subtype, "%s", subtype ? subtype : "");
    a->authorization = authorization;
    a->first = first;
    a->last = last;
    a->vintage = vintage;
    return 0;
}

static int replay_record(replay_t *r, int64_t seq, const char *action, const char *object,
                         const char *payload)
{
    json_error_t jerr;
    json_t *p = json_loads(payload, JSON_REJECT_DUPLICATES, &jerr);
    if (!p) return problem(r, "audit record %lld: payload is not JSON", (long long)seq);
    int bad = 0;
    if (strcmp(action, "account.open") == 0) {
        bad = replay_account_open(r, seq, p);
    } else if (strcmp(action, "account.close") == 0) {
        json_int_t id = 0;
        replay_account_t *a = json_unpack(p, "{sI}", "id", &id) == 0 ? account_find(r, id) : NULL;
        if (!a)
            bad = problem(r, "audit record %lld: closes an unknown account", (long long)seq);
        else
            a->open = 0;
    } else if (strncmp(action, "transaction.", 12) == 0) {
        bad = replay_transaction(r, seq, action, p);
    } else if (strcmp(action, "itmo.action") == 0) {
        bad = replay_itmo_action(r, seq, object, p);
    }
    json_decref(p);
    return bad;
}

/* Walks the chain in order, checking sequence, links and hashes, and replays each record. */
static int verify_chain(db_t *db, replay_t *r, db_error_t *err)
{
    static const char sql[] = "SELECT seq, time, actor, action, object, payload, prev_hash, hash "
                              "FROM audit_log ORDER BY seq";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    char previous[AUDIT_HASH_HEX_SIZE];
    memset(previous, '0', 64);
    previous[64] = '\0';
    int64_t expected = 1;
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW && r->report->consistent) {
        audit_record_t rec = {.seq = db_column_int64(stmt, 0),
                              .time = db_column_text(stmt, 1),
                              .actor = db_column_text(stmt, 2),
                              .action = db_column_text(stmt, 3),
                              .object = db_column_text(stmt, 4),
                              .payload = db_column_text(stmt, 5),
                              .prev_hash = db_column_text(stmt, 6)};
        char computed[AUDIT_HASH_HEX_SIZE];
        if (rec.seq != expected)
            problem(r, "audit record %lld: expected sequence number %lld (a record is missing)",
                    (long long)rec.seq, (long long)expected);
        else if (strcmp(rec.prev_hash, previous) != 0)
            problem(r, "audit record %lld: prev_hash does not link to record %lld",
                    (long long)rec.seq, (long long)expected - 1);
        audit_record_hash(&rec, computed);
        if (r->report->consistent && strcmp(computed, db_column_text(stmt, 7)) != 0)
            problem(r, "audit record %lld: hash mismatch (record was altered)", (long long)rec.seq);
        if (r->report->consistent) replay_record(r, rec.seq, rec.action, rec.object, rec.payload);
        memcpy(previous, db_column_text(stmt, 7), sizeof previous - 1);
        expected++;
        r->report->audit_records++;
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

static int compare_accounts(db_t *db, replay_t *r, db_error_t *err)
{
    static const char sql[] = "SELECT a.id, a.holder, a.type, a.party, a.status, "
                              "COALESCE(h.last_transaction, 0) FROM accounts a "
                              "LEFT JOIN account_heads h ON h.account_id = a.id ORDER BY a.id";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    size_t i = 0;
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW && r->report->consistent) {
        int64_t id = db_column_int64(stmt, 0);
        replay_account_t *a = i < r->account_count ? &r->accounts[i] : NULL;
        if (!a || a->id != id)
            problem(r, "accounts row %lld: not opened in the audit log", (long long)id);
        else if (strcmp(a->holder, db_column_text(stmt, 1)) != 0 ||
                 strcmp(a->type, db_column_text(stmt, 2)) != 0 ||
                 strcmp(a->party, db_column_text(stmt, 3)) != 0 ||
                 strcmp(a->open ? "open" : "closed", db_column_text(stmt, 4)) != 0 ||
                 a->last_transaction != db_column_int64(stmt, 5))
            problem(r, "accounts row %lld: differs from the audit log", (long long)id);
        i++;
    }
    db_reset(stmt);
    if (rc < 0) return rc;
    if (r->report->consistent && i != r->account_count)
        problem(r, "account %lld: in the audit log but missing from the accounts table",
                (long long)r->accounts[i].id);
    r->report->accounts = (int64_t)i;
    return 0;
}

/* A chain head of an account that does not exist (the join above cannot see one). */
static int compare_orphan_heads(db_t *db, replay_t *r, db_error_t *err)
{
    static const char sql[] = "SELECT h.account_id FROM account_heads h "
                              "LEFT JOIN accounts a ON a.id = h.account_id WHERE a.id IS NULL "
                              "ORDER BY h.account_id LIMIT 1";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    int rc = db_step(stmt, err);
    if (rc == DB_ROW)
        problem(r, "account_heads row %lld: no such account", (long long)db_column_int64(stmt, 0));
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

static int compare_transactions(db_t *db, replay_t *r, db_error_t *err)
{
    static const char sql[] = "SELECT id, type, COALESCE(from_account, 0), to_account, quantity, "
                              "COALESCE(from_previous, 0), COALESCE(to_previous, 0) "
                              "FROM transactions ORDER BY id";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    size_t i = 0;
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW && r->report->consistent) {
        int64_t id = db_column_int64(stmt, 0);
        replay_transaction_t *t = i < r->transaction_count ? &r->transactions[i] : NULL;
        if (!t || t->id != id)
            problem(r, "transactions row %lld: not in the audit log", (long long)id);
        else if (strcmp(t->type, db_column_text(stmt, 1)) != 0 ||
                 t->from != db_column_int64(stmt, 2) || t->to != db_column_int64(stmt, 3) ||
                 t->quantity != db_column_int64(stmt, 4) ||
                 t->from_previous != db_column_int64(stmt, 5) ||
                 t->to_previous != db_column_int64(stmt, 6))
            problem(r, "transactions row %lld: differs from the audit log", (long long)id);
        i++;
    }
    db_reset(stmt);
    if (rc < 0) return rc;
    if (r->report->consistent && i != r->transaction_count)
        problem(r, "transaction %lld: in the audit log but missing from the transactions table",
                (long long)r->transactions[i].id);
    r->report->transactions = (int64_t)i;
    return 0;
}

/* Loads every block sorted by first serial, checks they never overlap, and compares the merged
 * list with the replayed map. */
static int compare_blocks(db_t *db, replay_t *r, db_error_t *err)
{
    static const char sql[] = "SELECT id, issuance_id, account_id, first_serial, last_serial, "
                              "vintage, unit_type FROM blocks ORDER BY first_serial";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    ledger_block_t *rows = NULL;
    size_t count = 0, capacity = 0;
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        rows = grow(rows, &capacity, count, sizeof *rows);
        if (!rows) {
            db_reset(stmt);
            return db_error_set(err, DB_ERROR, "out of memory");
        }
        ledger_block_t *b = &rows[count++];
        *b = (ledger_block_t){.id = db_column_int64(stmt, 0),
                              .issuance_id = db_column_int64(stmt, 1),
                              .account_id = db_column_int64(stmt, 2),
                              .first = db_column_int64(stmt, 3),
                              .last = db_column_int64(stmt, 4),
                              .vintage = (int32_t)db_column_int64(stmt, 5)};
        ledger_unit_type_parse(db_column_text(stmt, 6), &b->unit_type);
    }
    db_reset(stmt);
    if (rc < 0) {
        free(rows);
        return rc;
    }
    r->report->blocks = (int64_t)count;
    for (size_t i = 0; i < count && r->report->consistent; i++) {
        if (ledger_block_validate(&rows[i]) != A6_OK)
            problem(r, "blocks row %lld: invalid serial range", (long long)rows[i].id);
        else if (i > 0 && rows[i].first <= rows[i - 1].last)
            problem(r, "blocks rows %lld and %lld: serials overlap", (long long)rows[i - 1].id,
                    (long long)rows[i].id);
    }
    size_t merged = r->report->consistent ? serial_map_normalize(rows, count) : 0;
    for (size_t i = 0, j = 0; r->report->consistent && (i < merged || j < r->map.count); i++, j++) {
        const ledger_block_t *row = i < merged ? &rows[i] : NULL;
        const ledger_block_t *want = j < r->map.count ? &r->map.blocks[j] : NULL;
        if (!row)
            problem(r, "serials %lld-%lld (account %lld): in the audit log but not in blocks",
                    (long long)want->first, (long long)want->last, (long long)want->account_id);
        else if (!want || row->first != want->first || row->last != want->last ||
                 row->account_id != want->account_id || row->issuance_id != want->issuance_id ||
                 row->vintage != want->vintage || row->unit_type != want->unit_type)
            problem(r,
                    "blocks row %lld (serials %lld-%lld, account %lld) differs from the audit "
                    "log (expected serials %lld-%lld held by account %lld)",
                    (long long)row->id, (long long)row->first, (long long)row->last,
                    (long long)row->account_id, want ? (long long)want->first : 0LL,
                    want ? (long long)want->last : 0LL, want ? (long long)want->account_id : 0LL);
    }
    free(rows);
    return 0;
}

/* The AEF actions (T3) against their audit records, and the first transfers (the F(t) of the
 * emissions balance) against the "First transfer" actions: one each, same block. */
static int compare_actions(db_t *db, replay_t *r, db_error_t *err)
{
    static const char sql[] = "SELECT id, action_date, action_type, COALESCE(action_subtype, ''), "
                              "authorization_id, first_serial, last_serial, vintage "
                              "FROM aef_actions ORDER BY id";
    static const char transfers_sql[] =
        "SELECT f.id FROM first_transfers f WHERE f.quantity <> f.last_serial - f.first_serial + 1 "
        "OR (SELECT COUNT(*) FROM aef_actions a WHERE a.action_type = 'First transfer' "
        "AND a.first_serial = f.first_serial AND a.last_serial = f.last_serial "
        "AND a.authorization_id = f.authorization_id) <> 1 "
        "OR (SELECT COUNT(*) FROM first_transfers g WHERE g.last_serial >= f.first_serial "
        "AND g.first_serial <= f.last_serial) <> 1 LIMIT 1";
    static const char counts_sql[] =
        "SELECT (SELECT COUNT(*) FROM first_transfers), "
        "(SELECT COUNT(*) FROM aef_actions WHERE action_type = 'First transfer')";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    size_t k = 0;
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW && r->report->consistent) {
        int64_t id = db_column_int64(stmt, 0);
        const replay_action_t *a = k < r->action_count ? &r->actions[k] : NULL;
        k++;
        if (!a || a->id != id || strcmp(a->date, db_column_text(stmt, 1)) != 0 ||
            strcmp(a->type, db_column_text(stmt, 2)) != 0 ||
            strcmp(a->subtype, db_column_text(stmt, 3)) != 0 ||
            a->authorization != db_column_int64(stmt, 4) || a->first != db_column_int64(stmt, 5) ||
            a->last != db_column_int64(stmt, 6) || a->vintage != db_column_int64(stmt, 7))
            problem(r, "aef action %lld differs from its audit record", (long long)id);
    }
    db_reset(stmt);
    if (rc < 0 || !r->report->consistent) return rc < 0 ? rc : 0;
    if (k != r->action_count)
        return problem(r, "aef action %lld of the audit log is missing from the table",
                       (long long)r->actions[k].id),
               0;
    if (!(stmt = db_prepare(db, transfers_sql, err))) return DB_ERROR;
    rc = db_step(stmt, err);
    if (rc == DB_ROW)
        problem(r, "first transfer %lld does not match exactly one First transfer action",
                (long long)db_column_int64(stmt, 0));
    db_reset(stmt);
    if (rc < 0 || !r->report->consistent) return rc < 0 ? rc : 0;
    if (!(stmt = db_prepare(db, counts_sql, err))) return DB_ERROR;
    rc = db_step(stmt, err);
    if (rc == DB_ROW && db_column_int64(stmt, 0) != db_column_int64(stmt, 1))
        problem(r, "%lld first transfers but %lld First transfer actions",
                (long long)db_column_int64(stmt, 0), (long long)db_column_int64(stmt, 1));
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

int ledger_verify(db_t *db, ledger_verify_report_t *report, db_error_t *err)
{
    memset(report, 0, sizeof *report);
    report->consistent = 1;
    replay_t r = {.report = report};
    serial_map_init(&r.map);
    int rc = verify_chain(db, &r, err);
    if (rc == 0 && report->consistent) rc = compare_accounts(db, &r, err);
    if (rc == 0 && report->consistent) rc = compare_orphan_heads(db, &r, err);
    if (rc == 0 && report->consistent) rc = compare_transactions(db, &r, err);
    if (rc == 0 && report->consistent) rc = compare_blocks(db, &r, err);
    if (rc == 0 && report->consistent) rc = compare_actions(db, &r, err);
    serial_map_release(&r.map);
    free(r.actions);
    free(r.accounts);
    free(r.transactions);
    return rc;
}
