/* ledger_store.c: opening the registry database, loading the writer's state, and the read queries
 * (accounts, holdings, history) that the CLI and the API share. */
#include <stdio.h>
#include <string.h>

#include "ledger_store.h"
#include "itmo_apply.h"
#include "schema.h"

int ledger_store_open(const char *location, db_t **out, db_error_t *err)
{
    db_t *db = NULL;
    int rc = db_open(location, DB_OPEN_WRITE, &db, err);
    if (rc < 0) return rc;
    if ((rc = schema_migrate(db, err)) < 0) {
        db_close(db);
        return rc;
    }
    *out = db;
    return 0;
}

int ledger_store_open_reader(const char *location, db_t **out, db_error_t *err)
{
    return db_open(location, DB_OPEN_READ, out, err);
}

int ledger_state_load(db_t *db, ledger_state_t *state, db_error_t *err)
{
    static const char accounts_sql[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM accounts";
    static const char transactions_sql[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM transactions";
    static const char issuances_sql[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM issuances";
    static const char blocks_sql[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM blocks";
    static const char serial_sql[] = "SELECT COALESCE(MAX(last_serial), 0) + 1 FROM issuances";
    memset(state, 0, sizeof *state);
    int rc;
    if ((rc = db_query_int64(db, accounts_sql, &state->next_account_id, err)) < 0 ||
        (rc = db_query_int64(db, transactions_sql, &state->next_transaction_id, err)) < 0 ||
        (rc = db_query_int64(db, issuances_sql, &state->next_issuance_id, err)) < 0 ||
        (rc = db_query_int64(db, blocks_sql, &state->next_block_id, err)) < 0 ||
        (rc = db_query_int64(db, serial_sql, &state->next_serial, err)) < 0)
        return rc;
    static const char closed_sql[] = "SELECT COALESCE(MAX(CAST(value AS INTEGER)), 0) FROM "
                                     "registry_meta WHERE name = 'holdings_closed_year'";
    int64_t closed = 0;
    if ((rc = db_query_int64(db, closed_sql, &closed, err)) < 0) return rc;
    state->holdings_closed_year = (int32_t)closed;
    static const char frozen_sql[] = "SELECT COUNT(*) FROM frozen_blocks WHERE resolved_at IS NULL "
                                     "AND local_first IS NOT NULL";
    if ((rc = db_query_int64(db, frozen_sql, &state->frozen_active, err)) < 0) return rc;
    clock_now_iso(state->now);
    return audit_chain_load(db, &state->chain, err);
}

int ledger_audit(db_t *db, ledger_state_t *state, const char *actor, const char *action,
                 const char *kind, int64_t id, json_t *payload, db_error_t *err)
{
    char object[64];
    snprintf(object, sizeof object, "%s/%lld", kind, (long long)id);
    int rc = payload
                 ? audit_append(db, &state->chain, state->now, actor, action, object, payload, err)
                 : db_error_set(err, DB_ERROR, "out of memory");
    json_decref(payload);
    return rc;
}

static json_t *account_json(db_stmt_t *stmt)
{
    json_t *account = json_pack("{sI ss ss ss ss ss}", "id", (json_int_t)db_column_int64(stmt, 0),
                                "holder", db_column_text(stmt, 1), "type", db_column_text(stmt, 2),
                                "party", db_column_text(stmt, 3), "status", db_column_text(stmt, 4),
                                "opened_at", db_column_text(stmt, 5));
    if (account && !db_column_is_null(stmt, 6))
        json_object_set_new(account, "closed_at", json_string(db_column_text(stmt, 6)));
    return account;
}

json_t *ledger_query_account(db_t *db, int64_t account_id, db_error_t *err)
{
    static const char sql[] = "SELECT id, holder, type, party, status, opened_at, closed_at "
                              "FROM accounts WHERE id = ?";
    err->code = 0;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return NULL;
    db_bind_int64(stmt, 1, account_id);
    int rc = db_step(stmt, err);
    json_t *account = rc == DB_ROW ? account_json(stmt) : NULL;
    db_reset(stmt);
    return account;
}

json_t *ledger_query_accounts(db_t *db, db_error_t *err)
{
    static const char sql[] = "SELECT id, holder, type, party, status, opened_at, closed_at "
                              "FROM accounts ORDER BY id";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return NULL;
    json_t *accounts = json_array();
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW)
        json_array_append_new(accounts, account_json(stmt));
    db_reset(stmt);
    if (rc < 0) {
        json_decref(accounts);
        return NULL;
    }
    return accounts;
}

json_t *ledger_query_holdings(db_t *db, int64_t account_id, db_error_t *err)
{
    static const char sql[] =
        "SELECT b.first_serial, b.last_serial, b.vintage, b.unit_type, b.issuance_id, "
        "i.authorization_id, z.approach_id, i.itmo_approach, i.origin_registry, "
        "i.origin_first - i.first_serial, i.itmo_party, i.itmo_authorization "
        "FROM blocks b JOIN issuances i ON i.id = b.issuance_id "
        "LEFT JOIN authorizations z ON z.id = i.authorization_id "
        "WHERE b.account_id = ? ORDER BY b.vintage, b.first_serial";
    itmo_registry_t registry = {0}; /* read once, only when there are ITMOs */
    json_t *account = ledger_query_account(db, account_id, err);
    if (!account) return NULL;
    json_decref(account);
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return NULL;
    db_bind_int64(stmt, 1, account_id);
    json_t *blocks = json_array();
    int64_t total = 0;
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        int64_t first = db_column_int64(stmt, 0), last = db_column_int64(stmt, 1);
        total += last - first + 1;
        json_t *block = json_pack(
            "{sI sI sI sI ss sI}", "first", (json_int_t)first, "last", (json_int_t)last, "quantity",
            (json_int_t)(last - first + 1), "vintage", (json_int_t)db_column_int64(stmt, 2),
            "unit_type", db_column_text(stmt, 3), "issuance", (json_int_t)db_column_int64(stmt, 4));
        if (!db_column_is_null(stmt, 7) && !db_column_is_null(stmt, 8)) {
            /* An ITMO acquired from a partner: identified in its origin registry's serials. */
            char itmo[A6_ITMO_ID_SIZE];
            int64_t offset = db_column_int64(stmt, 9);
            if (a6_itmo_id_format(db_column_text(stmt, 7), db_column_text(stmt, 8),
                                  db_column_text(stmt, 10), first + offset, last + offset,
                                  (int32_t)db_column_int64(stmt, 2), itmo) == A6_OK)
                json_object_set_new(block, "itmo_id", json_string(itmo));
            json_object_set_new(block, "authorization_id", json_string(db_column_text(stmt, 11)));
        } else if (!db_column_is_null(stmt, 5) && !db_column_is_null(stmt, 6)) {
            /* An ITMO: its authorization and its unique identifier (6/CMA.4 annex I). */
            json_object_set_new(block, "authorization", json_integer(db_column_int64(stmt, 5)));
            json_object_set_new(block, "approach", json_string(db_column_text(stmt, 6)));
        }
        json_array_append_new(blocks, block);
    }
    db_reset(stmt);
    /* The identifiers need this registry's Party and ID. */
    size_t i;
    json_t *block;
    json_array_foreach(blocks, i, block)
    {
        json_t *approach = json_object_get(block, "approach");
        if (!approach || rc < 0) continue;
        if (!registry.party[0] && (rc = itmo_registry_load(db, &registry, err)) < 0) break;
        char itmo[A6_ITMO_ID_SIZE];
        if (a6_itmo_id_format(json_string_value(approach), registry.registry_id, registry.party,
                              json_integer_value(json_object_get(block, "first")),
                              json_integer_value(json_object_get(block, "last")),
                              (int32_t)json_integer_value(json_object_get(block, "vintage")),
                              itmo) == A6_OK)
            json_object_set_new(block, "itmo_id", json_string(itmo));
        json_object_del(block, "approach");
    }
    if (rc < 0) {
        json_decref(blocks);
        return NULL;
    }
    return json_pack("{sI sI so}", "account", (json_int_t)account_id, "total", (json_int_t)total,
                     "blocks", blocks);
}

static json_t *transaction_json(db_stmt_t *stmt)
{
    json_t *tx =
        json_pack("{sI ss sI sI ss ss ss}", "id", (json_int_t)db_column_int64(stmt, 0), "type",
                  db_column_text(stmt, 1), "to", (json_int_t)db_column_int64(stmt, 3), "quantity",
                  (json_int_t)db_column_int64(stmt, 4), "status", db_column_text(stmt, 5), "actor",
                  db_column_text(stmt, 6), "created_at", db_column_text(stmt, 7));
    if (tx && !db_column_is_null(stmt, 2))
        json_object_set_new(tx, "from", json_integer(db_column_int64(stmt, 2)));
    return tx;
}

/* Appends the transactions of one account, newest first, by following its chain. */
static int history_of_account(db_t *db, int64_t account_id, int64_t limit, json_t *list,
                              db_error_t *err)
{
    static const char head_sql[] =
        "SELECT COALESCE(MAX(last_transaction), 0) FROM account_heads WHERE account_id = ?";
    static const char tx_sql[] = "SELECT id, type, from_account, to_account, quantity, status, "
                                 "actor, created_at, COALESCE(from_previous, 0), "
                                 "COALESCE(to_previous, 0) FROM transactions WHERE id = ?";
    db_stmt_t *stmt = db_prepare(db, head_sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, account_id);
    int rc = db_step(stmt, err);
    int64_t next = rc == DB_ROW ? db_column_int64(stmt, 0) : 0;
    db_reset(stmt);
    if (rc < 0) return rc;
    for (int64_t count = 0; next > 0 && count < limit; count++) {
        if (!(stmt = db_prepare(db, tx_sql, err))) return DB_ERROR;
        db_bind_int64(stmt, 1, next);
        if ((rc = db_step(stmt, err)) != DB_ROW) {
            db_reset(stmt);
            return rc < 0 ? rc
                          : db_error_set(err, DB_ERROR, "broken history chain at %lld",
                                         (long long)next);
        }
        json_array_append_new(list, transaction_json(stmt));
        int64_t current = next;
        next = db_column_int64(stmt, 2) == account_id ? db_column_int64(stmt, 8)
                                                      : db_column_int64(stmt, 9);
        db_reset(stmt);
        if (next >= current)
            return db_error_set(err, DB_ERROR, "history chain loops at %lld", (long long)current);
    }
    return 0;
}

json_t *ledger_query_history(db_t *db, int64_t account_id, int64_t limit, db_error_t *err)
{
    static const char all_sql[] = "SELECT id, type, from_account, to_account, quantity, status, "
                                  "actor, created_at FROM transactions ORDER BY id DESC LIMIT ?";
    json_t *list = json_array();
    if (account_id) {
        if (history_of_account(db, account_id, limit, list, err) < 0) {
            json_decref(list);
            return NULL;
        }
        return list;
    }
    db_stmt_t *stmt = db_prepare(db, all_sql, err);
    if (!stmt) {
        json_decref(list);
        return NULL;
    }
    db_bind_int64(stmt, 1, limit);
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW)
        json_array_append_new(list, transaction_json(stmt));
    db_reset(stmt);
    if (rc < 0) {
        json_decref(list);
        return NULL;
    }
    return list;
}

json_t *ledger_query_transaction(db_t *db, int64_t transaction_id, db_error_t *err)
{
    static const char sql[] = "SELECT id, type, from_account, to_account, quantity, status, "
                              "actor, created_at FROM transactions WHERE id = ?";
    static const char blocks_sql[] = "SELECT issuance_id, first_serial, last_serial, vintage "
                                     "FROM transaction_blocks WHERE transaction_id = ? "
                                     "ORDER BY first_serial";
    err->code = 0;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return NULL;
    db_bind_int64(stmt, 1, transaction_id);
    int rc = db_step(stmt, err);
    json_t *tx = rc == DB_ROW ? transaction_json(stmt) : NULL;
    db_reset(stmt);
    if (!tx) return NULL;
    if (!(stmt = db_prepare(db, blocks_sql, err))) {
        json_decref(tx);
        return NULL;
    }
    db_bind_int64(stmt, 1, transaction_id);
    json_t *blocks = json_array();
    while ((rc = db_step(stmt, err)) == DB_ROW)
        json_array_append_new(blocks, json_pack("{sI sI sI sI}", "issuance",
                                                (json_int_t)db_column_int64(stmt, 0), "first",
                                                (json_int_t)db_column_int64(stmt, 1), "last",
                                                (json_int_t)db_column_int64(stmt, 2), "vintage",
                                                (json_int_t)db_column_int64(stmt, 3)));
    db_reset(stmt);
    if (rc < 0) { /* not a partial block list: the error, as for the first statement */
        json_decref(blocks);
        json_decref(tx);
        return NULL;
    }
    json_object_set_new(tx, "blocks", blocks);
    return tx;
}
