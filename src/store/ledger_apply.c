/* ledger_apply.c: applies one ledger request inside the writer's transaction: loads what the core
 * rules need, asks them, writes blocks, the transaction and its audit record. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block_cache.h"
#include "core/sha256.h"
#include "itmo_apply.h"
#include "ledger_store.h"

/* An account as loaded for the rules. */
typedef struct loaded_account {
    ledger_account_t account;
    int64_t last_transaction;
    int found;
} loaded_account_t;

void ledger_account_cache_clear(ledger_account_cache_t *cache)
{
    if (cache && cache->rows) memset(cache->rows, 0, cache->capacity * sizeof *cache->rows);
    block_cache_clear(cache);
}

void ledger_account_cache_release(ledger_account_cache_t *cache)
{
    block_cache_release(cache);
    free(cache->rows);
    cache->rows = NULL;
    cache->capacity = 0;
}

static void account_cache_put(ledger_account_cache_t *cache, const loaded_account_t *loaded)
{
    int64_t id = loaded->account.id;
    if (!cache || id <= 0) return;
    if ((size_t)id >= cache->capacity) {
        size_t capacity = cache->capacity ? cache->capacity : 1024;
        while (capacity <= (size_t)id)
            capacity *= 2;
        ledger_account_row_t *grown = realloc(cache->rows, capacity * sizeof *grown);
        if (!grown) return; /* the cache is an optimisation: the database stays the truth */
        memset(grown + cache->capacity, 0, (capacity - cache->capacity) * sizeof *grown);
        cache->rows = grown;
        cache->capacity = capacity;
    }
    cache->rows[id] = (ledger_account_row_t){.account = loaded->account,
                                             .last_transaction = loaded->last_transaction};
}

static int load_account(db_t *db, ledger_state_t *state, int64_t id, loaded_account_t *out,
                        db_error_t *err)
{
    static const char sql[] = "SELECT a.type, a.status, COALESCE(h.last_transaction, 0) "
                              "FROM accounts a LEFT JOIN account_heads h ON h.account_id = a.id "
                              "WHERE a.id = ?";
    memset(out, 0, sizeof *out);
    ledger_account_cache_t *cache = state->accounts;
    if (cache && id > 0 && (size_t)id < cache->capacity && cache->rows[id].account.id == id) {
        out->found = 1;
        out->account = cache->rows[id].account;
        out->last_transaction = cache->rows[id].last_transaction;
        return 0;
    }
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, id);
    int rc = db_step(stmt, err);
    if (rc < 0) return rc;
    if (rc == DB_ROW) {
        out->found = 1;
        out->account.id = id;
        ledger_account_type_parse(db_column_text(stmt, 0), &out->account.type);
        out->account.open = strcmp(db_column_text(stmt, 1), "open") == 0;
        out->last_transaction = db_column_int64(stmt, 2);
        account_cache_put(cache, out);
    }
    db_reset(stmt);
    return 0;
}

/* Sets one account's chain head (its row appears with its first transaction). One row by its
 * key: SQLite writes it in one pass, where "id = ? OR id = ?" first collects the rows in a
 * temporary set. */
static int account_chain_head(db_t *db, int64_t account_id, int64_t tx_id, db_error_t *err)
{
    static const char sql[] = "INSERT INTO account_heads(last_transaction, account_id) "
                              "VALUES (?, ?) ON CONFLICT (account_id) "
                              "DO UPDATE SET last_transaction = excluded.last_transaction";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, tx_id);
    db_bind_int64(stmt, 2, account_id);
    return db_step_done(stmt, err);
}

/* Makes transaction tx_id the head of the accounts' chains (from may be NULL). */
static int accounts_chain(db_t *db, ledger_state_t *state, loaded_account_t *from,
                          loaded_account_t *to, int64_t tx_id, db_error_t *err)
{
    int rc = account_chain_head(db, to->account.id, tx_id, err);
    if (rc < 0) return rc;
    if (from && from->account.id != to->account.id &&
        (rc = account_chain_head(db, from->account.id, tx_id, err)) < 0)
        return rc;
    to->last_transaction = tx_id;
    account_cache_put(state->accounts, to);
    if (from) {
        from->last_transaction = tx_id;
        account_cache_put(state->accounts, from);
    }
    return 0;
}

void ledger_block_from_row(db_stmt_t *stmt, int64_t account_id, ledger_block_t *block)
{
    block->id = db_column_int64(stmt, 0);
    block->issuance_id = db_column_int64(stmt, 1);
    block->first = db_column_int64(stmt, 2);
    block->last = db_column_int64(stmt, 3);
    block->vintage = (int32_t)db_column_int64(stmt, 4);
    block->unit_type = LEDGER_UNIT_ANY;
    ledger_unit_type_parse(db_column_text(stmt, 5), &block->unit_type);
    block->account_id = account_id;
}

/* Growable array of blocks loaded for one request. */
typedef struct block_list {
    ledger_block_t *items;
    size_t count;
    size_t capacity;
} block_list_t;

static int block_list_push(block_list_t *list, const ledger_block_t *block)
{
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? list->capacity * 2 : 16;
        ledger_block_t *grown = realloc(list->items, capacity * sizeof *grown);
        if (!grown) return -1;
        list->items = grown;
        list->capacity = capacity;
    }
    list->items[list->count++] = *block;
    return 0;
}

/* Whether the block passes the request's vintage and unit type filter. */
static bool block_matches(const ledger_request_t *r, const ledger_block_t *block)
{
    return (r->vintage == 0 || r->vintage == block->vintage) &&
           (r->unit_type == LEDGER_UNIT_ANY || r->unit_type == block->unit_type);
}

/* load_oldest's query. */
static int load_oldest_stored(db_t *db, const ledger_request_t *r, block_list_t *list,
                              db_error_t *err)
{
    static const char sql[] = "SELECT id, issuance_id, first_serial, last_serial, vintage, "
                              "unit_type FROM blocks WHERE account_id = ? "
                              "ORDER BY vintage, first_serial";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, r->from);
    int64_t covered = 0;
    size_t matched = 0;
    int rc = 0;
    while (covered < r->quantity && matched <= LEDGER_BLOCKS_PER_TX_MAX &&
           (rc = db_step(stmt, err)) == DB_ROW) {
        ledger_block_t block;
        ledger_block_from_row(stmt, r->from, &block);
        if (block_list_push(list, &block) < 0) {
            db_reset(stmt);
            return db_error_set(err, DB_ERROR, "out of memory");
        }
        if (block_matches(r, &block)) {
            covered += ledger_block_quantity(&block);
            matched++;
        }
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

static bool same_block(const ledger_block_t *a, const ledger_block_t *b)
{
    return a->id == b->id && a->issuance_id == b->issuance_id && a->account_id == b->account_id &&
           a->first == b->first && a->last == b->last && a->vintage == b->vintage &&
           a->unit_type == b->unit_type;
}

static bool same_blocks(const block_list_t *a, const block_list_t *b)
{
    if (a->count != b->count) return false;
    for (size_t i = 0; i < a->count; i++)
        if (!a->items || !b->items || !same_block(&a->items[i], &b->items[i])) return false;
    return true;
}

/* A6REG_CHECK_BLOCK_CACHE: the copy's answer must be the database's. */
static void check_cached_answer(bool same, const char *what, int64_t key)
{
    if (same) return;
    fprintf(stderr, "a6reg: the writer's block cache differs from the database: %s %lld\n", what,
            (long long)key);
    abort();
}

/* Loads the account's blocks oldest vintage first until the filter's units cover quantity (or one
 * block past the per-transaction limit, so the rules can say so), from the writer's copy when it
 * keeps the account's blocks. */
static int load_oldest(db_t *db, ledger_state_t *state, const ledger_request_t *r,
                       block_list_t *list, db_error_t *err)
{
    int rc;
    const ledger_cached_blocks_t *cached =
        block_cache_account(db, state->accounts, r->from, &rc, err);
    if (rc < 0) return rc;
    if (!cached) return load_oldest_stored(db, r, list, err);
    int64_t covered = 0;
    size_t matched = 0;
    for (size_t i = 0;
         i < cached->count && covered < r->quantity && matched <= LEDGER_BLOCKS_PER_TX_MAX; i++) {
        const ledger_block_t *block = &cached->items[i];
        if (block_list_push(list, block) < 0) return db_error_set(err, DB_ERROR, "out of memory");
        if (block_matches(r, block)) {
            covered += ledger_block_quantity(block);
            matched++;
        }
    }
    if (block_cache_checking()) {
        block_list_t stored = {0};
        rc = load_oldest_stored(db, r, &stored, err);
        bool same = rc < 0 || same_blocks(&stored, list);
        free(stored.items);
        check_cached_answer(same, "blocks of account", r->from);
        if (rc < 0) return rc;
    }
    return 0;
}

/* Loads the block containing serial (the first whose last serial is >= serial, if it starts at
 * or before serial); *found says whether there is one. */
static int block_containing(db_t *db, int64_t serial, ledger_block_t *out, int *found,
                            db_error_t *err)
{
    static const char sql[] = "SELECT id, issuance_id, first_serial, last_serial, vintage, "
                              "unit_type, account_id FROM blocks WHERE last_serial >= ? "
                              "ORDER BY last_serial LIMIT 1";
    *found = 0;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, serial);
    int rc = db_step(stmt, err);
    if (rc < 0) return rc;
    if (rc == DB_ROW && db_column_int64(stmt, 2) <= serial) {
        ledger_block_from_row(stmt, db_column_int64(stmt, 6), out);
        *found = 1;
    }
    db_reset(stmt);
    return 0;
}

/* Loads, for each explicit range, the block of the account that contains its first serial. */
static int load_explicit(db_t *db, const ledger_request_t *r, block_list_t *list, db_error_t *err)
{
    for (size_t i = 0; i < r->range_count; i++) {
        ledger_block_t block;
        int found = 0;
        int rc = block_containing(db, r->ranges[i].first, &block, &found, err);
        if (rc < 0) return rc;
        if (!found || block.account_id != r->from) continue;
        int seen = 0;
        for (size_t j = 0; j < list->count && !seen; j++)
            seen = list->items[j].id == block.id;
        if (!seen && block_list_push(list, &block) < 0)
            return db_error_set(err, DB_ERROR, "out of memory");
    }
    return 0;
}

static int block_insert(db_t *db, ledger_state_t *state, const ledger_block_t *b, db_error_t *err)
{
    static const char sql[] = "INSERT INTO blocks(id, issuance_id, account_id, first_serial, "
                              "last_serial, vintage, unit_type) VALUES (?, ?, ?, ?, ?, ?, ?)";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, b->id);
    db_bind_int64(stmt, 2, b->issuance_id);
    db_bind_int64(stmt, 3, b->account_id);
    db_bind_int64(stmt, 4, b->first);
    db_bind_int64(stmt, 5, b->last);
    db_bind_int64(stmt, 6, b->vintage);
    db_bind_text(stmt, 7, ledger_unit_type_name(b->unit_type));
    int rc = db_step_done(stmt, err);
    if (rc >= 0) block_cache_stored(state->accounts, b, NULL);
    return rc;
}

/* Stores a block's new holder and range. Only the columns that changed are set: SQLite rewrites
 * the entries of every index whose columns the statement sets, changed or not, and a transfer
 * usually moves one end of two blocks. was is the row as stored. */
static int block_update(db_t *db, ledger_state_t *state, const ledger_block_t *b,
                        const ledger_block_t *was, db_error_t *err)
{
    static const char move_sql[] =
        "UPDATE blocks SET account_id = ?, first_serial = ?, last_serial = ? WHERE id = ?";
    static const char range_sql[] =
        "UPDATE blocks SET first_serial = ?, last_serial = ? WHERE id = ?";
    static const char first_sql[] = "UPDATE blocks SET first_serial = ? WHERE id = ?";
    static const char last_sql[] = "UPDATE blocks SET last_serial = ? WHERE id = ?";
    bool holder = b->account_id != was->account_id, first = b->first != was->first,
         last = b->last != was->last;
    const char *sql = holder ? move_sql : first && last ? range_sql : first ? first_sql : last_sql;
    if (!holder && !first && !last) return 0;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    int column = 1;
    if (holder) db_bind_int64(stmt, column++, b->account_id);
    if (holder || first) db_bind_int64(stmt, column++, b->first);
    if (holder || last) db_bind_int64(stmt, column++, b->last);
    db_bind_int64(stmt, column, b->id);
    int rc = db_step_done(stmt, err);
    if (rc >= 0) block_cache_stored(state->accounts, b, was);
    return rc;
}

static int block_delete(db_t *db, ledger_state_t *state, const ledger_block_t *b, db_error_t *err)
{
    static const char sql[] = "DELETE FROM blocks WHERE id = ?";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, b->id);
    int rc = db_step_done(stmt, err);
    if (rc >= 0) block_cache_deleted(state->accounts, b->account_id, b->id);
    return rc;
}

/* Loads the block that ends at serial (by_last) or starts at serial; *found says whether one
 * exists. Both use the unique index on last_serial. */
static int block_neighbour_stored(db_t *db, int by_last, int64_t serial, ledger_block_t *out,
                                  int *found, db_error_t *err)
{
    static const char by_last_sql[] = "SELECT id, issuance_id, first_serial, last_serial, "
                                      "vintage, unit_type, account_id FROM blocks "
                                      "WHERE last_serial = ?";
    if (!by_last) {
        int rc = block_containing(db, serial, out, found, err);
        if (rc == 0 && *found && out->first != serial) *found = 0;
        return rc;
    }
    *found = 0;
    db_stmt_t *stmt = db_prepare(db, by_last_sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, serial);
    int rc = db_step(stmt, err);
    if (rc < 0) return rc;
    if (rc == DB_ROW) {
        ledger_block_from_row(stmt, db_column_int64(stmt, 6), out);
        *found = 1;
    }
    db_reset(stmt);
    return 0;
}

/* The block of account that ends at serial (by_last) or starts at serial: the one a block moved
 * there may merge with (a block of another account never merges). From the writer's copy when
 * it keeps the account's blocks. */
static int block_neighbour(db_t *db, ledger_state_t *state, int64_t account, int by_last,
                           int64_t serial, ledger_block_t *out, int *found, db_error_t *err)
{
    int rc;
    *found = 0;
    const ledger_cached_blocks_t *cached =
        block_cache_account(db, state->accounts, account, &rc, err);
    if (rc < 0) return rc;
    if (!cached) {
        rc = block_neighbour_stored(db, by_last, serial, out, found, err);
        if (rc == 0 && *found && out->account_id != account) *found = 0;
        return rc;
    }
    for (size_t i = 0; i < cached->count && !*found; i++) {
        const ledger_block_t *b = &cached->items[i];
        if ((by_last ? b->last : b->first) != serial) continue;
        *out = *b;
        *found = 1;
    }
    if (block_cache_checking()) {
        ledger_block_t stored = {0};
        int stored_found = 0;
        if ((rc = block_neighbour_stored(db, by_last, serial, &stored, &stored_found, err)) < 0)
            return rc;
        if (stored_found && stored.account_id != account) stored_found = 0;
        check_cached_answer(stored_found == *found && (!*found || same_block(&stored, out)),
                            "neighbour at serial", serial);
    }
    return 0;
}

/* Stores `moved` (already carved, account set to the destination) merged with its neighbours.
 * moved->id is its existing row when the whole block moved, else 0. A side whose neighbour is
 * known not to merge (the rest of the source block, held by another account) is not looked up. */
static int block_place_merged(db_t *db, ledger_state_t *state, const ledger_block_t *held,
                              ledger_block_t moved, bool look_before, bool look_after,
                              db_error_t *err)
{
    ledger_block_t before, after;
    int has_before = 0, has_after = 0, rc;
    if (look_before && (rc = block_neighbour(db, state, moved.account_id, 1, moved.first - 1,
                                             &before, &has_before, err)) < 0)
        return rc;
    if (look_after && (rc = block_neighbour(db, state, moved.account_id, 0, moved.last + 1, &after,
                                            &has_after, err)) < 0)
        return rc;
    has_before = has_before && ledger_block_mergeable(&before, &moved);
    has_after = has_after && ledger_block_mergeable(&moved, &after);

    ledger_block_t kept = moved;
    if (has_before) {
        kept.id = before.id;
        kept.first = before.first;
    }
    if (has_after) kept.last = after.last;
    /* Rows absorbed into `kept` are deleted first so the unique serial indexes never clash. */
    if (moved.id && moved.id != kept.id && (rc = block_delete(db, state, held, err)) < 0) return rc;
    if (has_after) {
        if (!kept.id && !moved.id)
            kept.id = after.id;
        else if ((rc = block_delete(db, state, &after, err)) < 0)
            return rc;
    }
    if (kept.id && kept.id == moved.id) return block_update(db, state, &kept, held, err);
    if (kept.id) return block_update(db, state, &kept, has_before ? &before : &after, err);
    kept.id = state->next_block_id++;
    return block_insert(db, state, &kept, err);
}

/* Moves the chosen part of a held block to the destination account. */
static int block_move(db_t *db, ledger_state_t *state, const ledger_block_t *held,
                      const ledger_take_t *take, int64_t to, db_error_t *err)
{
    ledger_block_t moved, before, after;
    bool has_before, has_after;
    if (ledger_block_carve(held, take->first, take->last, &moved, &before, &has_before, &after,
                           &has_after) != A6_OK)
        return db_error_set(err, DB_ERROR, "internal: carve outside held block %lld",
                            (long long)held->id);
    int rc;
    if (has_before && (rc = block_update(db, state, &before, held, err)) < 0) return rc;
    if (has_after) {
        if (!has_before)
            rc = block_update(db, state, &after, held, err);
        else {
            after.id = state->next_block_id++;
            rc = block_insert(db, state, &after, err);
        }
        if (rc < 0) return rc;
    }
    /* A remainder left beside the moved part is the source's, and merges only with its own. */
    bool same_holder = held->account_id == to;
    moved.account_id = to;
    return block_place_merged(db, state, held, moved, !has_before || same_holder,
                              !has_after || same_holder, err);
}

/* SHA-256 (hex) of the request's meaningful fields and its actor, to tell a replay from a reused
 * key: another user's request with the same key is a different request. */
static void request_hash(const ledger_request_t *r, char out[AUDIT_HASH_HEX_SIZE])
{
    a6_sha256_t sha;
    a6_sha256_init(&sha);
    char text[160];
    a6_sha256_update(&sha, r->actor, strlen(r->actor) + 1);
    int n = snprintf(text, sizeof text, "%d|%lld|%lld|%lld|%d|%d|%zu", (int)r->tx_type,
                     (long long)r->from, (long long)r->to, (long long)r->quantity, r->vintage,
                     (int)r->unit_type, r->range_count);
    a6_sha256_update(&sha, text, (size_t)n);
    for (size_t i = 0; i < r->range_count; i++) {
        n = snprintf(text, sizeof text, "|%lld-%lld", (long long)r->ranges[i].first,
                     (long long)r->ranges[i].last);
        a6_sha256_update(&sha, text, (size_t)n);
    }
    /* Article 6 meaning: part of the request, so a key reused for another meaning is refused. */
    const ledger_article6_t *a = r->article6;
    if (r->authorization_id || a) {
        n = snprintf(text, sizeof text, "|a%lld|%d|%d|%d|%d", (long long)r->authorization_id,
                     a ? (int)a->action : 0, a ? (int)a->subtype : 0, a ? (int)a->purpose : 0,
                     a ? a->ndc_year : 0);
        a6_sha256_update(&sha, text, (size_t)n);
        /* Each optional text is tagged, so a party and an entity of the same text differ. */
        if (a && a->using_party) {
            a6_sha256_update(&sha, "|p", 2);
            a6_sha256_update(&sha, a->using_party, strlen(a->using_party) + 1);
        }
        if (a && a->using_entity) {
            a6_sha256_update(&sha, "|e", 2);
            a6_sha256_update(&sha, a->using_entity, strlen(a->using_entity) + 1);
        }
    }
    uint8_t digest[A6_SHA256_BYTES];
    a6_sha256_final(&sha, digest);
    sodium_bin2hex(out, AUDIT_HASH_HEX_SIZE, digest, sizeof digest);
}

/* Looks up an idempotency key: *found is 1 when it exists; result filled as replay or reuse. */
static int idempotency_lookup(db_t *db, const ledger_request_t *r, const char *hash,
                              ledger_result_t *result, int *found, db_error_t *err)
{
    static const char sql[] =
        "SELECT id, request_hash, quantity FROM transactions WHERE idempotency_key = ?";
    *found = 0;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, r->idempotency_key);
    int rc = db_step(stmt, err);
    if (rc < 0) return rc;
    if (rc == DB_ROW) {
        *found = 1;
        if (strcmp(db_column_text(stmt, 1), hash) == 0) {
            result->check = A6_OK;
            result->id = db_column_int64(stmt, 0);
            result->quantity = db_column_int64(stmt, 2);
            result->replayed = 1;
        } else {
            ledger_result_reject(result, A6_CHECK_IDEMPOTENCY_KEY_REUSED, "idempotency_key");
        }
    }
    db_reset(stmt);
    return 0;
}

static int transaction_insert(db_t *db, ledger_state_t *state, const ledger_request_t *r,
                              loaded_account_t *from, loaded_account_t *to, int64_t id,
                              int64_t quantity, const char *hash, db_error_t *err)
{
    static const char sql[] = "INSERT INTO transactions(id, type, from_account, to_account, "
                              "quantity, status, actor, idempotency_key, request_hash, created_at, "
                              "from_previous, to_previous) "
                              "VALUES (?, ?, ?, ?, ?, 'completed', ?, ?, ?, ?, ?, ?)";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, id);
    db_bind_text_static(stmt, 2, ledger_tx_type_name(r->tx_type));
    if (r->from) db_bind_int64(stmt, 3, r->from);
    db_bind_int64(stmt, 4, r->to);
    db_bind_int64(stmt, 5, quantity);
    db_bind_text_static(stmt, 6, r->actor);
    db_bind_text_static(stmt, 7, r->idempotency_key);
    db_bind_text_static(stmt, 8, r->idempotency_key ? hash : NULL);
    db_bind_text_static(stmt, 9, state->now);
    if (from && from->last_transaction) db_bind_int64(stmt, 10, from->last_transaction);
    if (to->last_transaction) db_bind_int64(stmt, 11, to->last_transaction);
    int rc = db_step_done(stmt, err);
    if (rc < 0) return rc;
    return accounts_chain(db, state, from, to, id, err);
}

static int transaction_block_insert(db_t *db, int64_t tx_id, const ledger_block_t *b,
                                    db_error_t *err)
{
    static const char sql[] = "INSERT INTO transaction_blocks(transaction_id, issuance_id, "
                              "first_serial, last_serial, vintage) VALUES (?, ?, ?, ?, ?)";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, tx_id);
    db_bind_int64(stmt, 2, b->issuance_id);
    db_bind_int64(stmt, 3, b->first);
    db_bind_int64(stmt, 4, b->last);
    db_bind_int64(stmt, 5, b->vintage);
    return db_step_done(stmt, err);
}

/* Appends the transaction's audit record. blocks is the canonical JSON array of
 * [issuance, first, last, vintage(, unit type)] rows; keys are written in sorted order so the
 * text is the canonical form audit_canonical_json would give. */
static int transaction_audit(db_t *db, ledger_state_t *state, const ledger_request_t *r,
                             int64_t tx_id, int64_t quantity, const char *blocks, db_error_t *err)
{
    const char *type = ledger_tx_type_name(r->tx_type);
    audit_text_t text;
    audit_text_init(&text);
    bool ok = audit_text_append(&text, "{\"blocks\":") && audit_text_append(&text, blocks);
    if (r->from)
        ok = ok && audit_text_append(&text, ",\"from\":") && audit_text_append_int(&text, r->from);
    ok = ok && audit_text_append(&text, ",\"id\":") && audit_text_append_int(&text, tx_id);
    if (r->idempotency_key)
        ok = ok && audit_text_append(&text, ",\"idempotency_key\":") &&
             audit_text_append_string(&text, r->idempotency_key);
    ok = ok && audit_text_append(&text, ",\"quantity\":") &&
         audit_text_append_int(&text, quantity) && audit_text_append(&text, ",\"to\":") &&
         audit_text_append_int(&text, r->to) && audit_text_append(&text, ",\"type\":\"") &&
         audit_text_append(&text, type) && audit_text_append(&text, "\"}");
    char action[48] = "transaction.", object[48] = "transaction/";
    strncat(action, type, sizeof action - strlen(action) - 1);
    audit_format_int(object + strlen(object), tx_id);
    int rc = ok ? audit_append_canonical(db, &state->chain, state->now, r->actor, action, object,
                                         text.data, err)
                : db_error_set(err, DB_ERROR, "out of memory");
    audit_text_release(&text);
    return rc;
}

/* Appends one block row to a canonical JSON array being built ("[" already written). */
static bool block_text(audit_text_t *text, const ledger_block_t *b, bool first,
                       const char *unit_type)
{
    bool ok = audit_text_append(text, first ? "[" : ",[") &&
              audit_text_append_int(text, b->issuance_id) && audit_text_append(text, ",") &&
              audit_text_append_int(text, b->first) && audit_text_append(text, ",") &&
              audit_text_append_int(text, b->last) && audit_text_append(text, ",") &&
              audit_text_append_int(text, b->vintage);
    if (unit_type)
        ok = ok && audit_text_append(text, ",\"") && audit_text_append(text, unit_type) &&
             audit_text_append(text, "\"");
    return ok && audit_text_append(text, "]");
}

static int apply_issue(db_t *db, ledger_state_t *state, const ledger_request_t *r,
                       loaded_account_t *to, ledger_result_t *result, const char *hash,
                       db_error_t *err)
{
    static const char sql[] = "INSERT INTO issuances(id, account_id, unit_type, vintage, "
                              "first_serial, last_serial, quantity, created_at) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    if (state->next_serial > LEDGER_SERIAL_MAX - r->quantity) {
        ledger_result_reject(result, A6_CHECK_SERIAL_OVERFLOW, "quantity");
        return 0;
    }
    ledger_block_t block = {.id = state->next_block_id++,
                            .issuance_id = state->next_issuance_id++,
                            .account_id = r->to,
                            .first = state->next_serial,
                            .last = state->next_serial + r->quantity - 1,
                            .vintage = r->vintage,
                            .unit_type = r->unit_type};
    state->next_serial += r->quantity;
    int64_t tx_id = state->next_transaction_id++;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, block.issuance_id);
    db_bind_int64(stmt, 2, r->to);
    db_bind_text(stmt, 3, ledger_unit_type_name(r->unit_type));
    db_bind_int64(stmt, 4, r->vintage);
    db_bind_int64(stmt, 5, block.first);
    db_bind_int64(stmt, 6, block.last);
    db_bind_int64(stmt, 7, r->quantity);
    db_bind_text(stmt, 8, state->now);
    int rc;
    if ((rc = db_step_done(stmt, err)) < 0 || (rc = block_insert(db, state, &block, err)) < 0 ||
        (rc = transaction_insert(db, state, r, NULL, to, tx_id, r->quantity, hash, err)) < 0 ||
        (rc = transaction_block_insert(db, tx_id, &block, err)) < 0)
        return rc;
    audit_text_t blocks;
    audit_text_init(&blocks);
    bool ok = audit_text_appendf(&blocks, "[") &&
              block_text(&blocks, &block, true, ledger_unit_type_name(r->unit_type)) &&
              audit_text_appendf(&blocks, "]");
    rc = ok ? transaction_audit(db, state, r, tx_id, r->quantity, blocks.data, err)
            : db_error_set(err, DB_ERROR, "out of memory");
    audit_text_release(&blocks);
    if (rc < 0) return rc;
    result->check = A6_OK;
    result->id = tx_id;
    result->quantity = r->quantity;
    return 0;
}

/* Chooses the blocks to move with the core rules; fills takes and *quantity or rejects. */
static int choose_blocks(db_t *db, ledger_state_t *state, const ledger_request_t *r,
                         block_list_t *held, ledger_take_t **takes, size_t *take_count,
                         int64_t *quantity, ledger_result_t *result, db_error_t *err)
{
    int rc = r->ranges ? load_explicit(db, r, held, err) : load_oldest(db, state, r, held, err);
    if (rc < 0) return rc;
    size_t capacity = r->ranges ? r->range_count : held->count;
    *takes = malloc((capacity ? capacity : 1) * sizeof **takes);
    if (!*takes) return db_error_set(err, DB_ERROR, "out of memory");
    a6_check_t check;
    if (r->ranges) {
        check = ledger_select_explicit(held->items, held->count, r->ranges, r->range_count, *takes,
                                       quantity);
        *take_count = r->range_count;
        if (check == A6_OK && (r->vintage || r->unit_type != LEDGER_UNIT_ANY)) {
            for (size_t i = 0; i < *take_count; i++) {
                const ledger_block_t *b = &held->items[(*takes)[i].index];
                /* NOLINTBEGIN(clang-analyzer-core.NullDereference): a take indexes held->items */
                if ((r->vintage && b->vintage != r->vintage) ||
                    (r->unit_type != LEDGER_UNIT_ANY && b->unit_type != r->unit_type))
                    check = A6_CHECK_UNIT_TYPE_NOT_HELD;
                /* NOLINTEND(clang-analyzer-core.NullDereference) */
            }
        }
    } else {
        ledger_filter_t filter = {.vintage = r->vintage, .unit_type = r->unit_type};
        size_t limit = capacity < LEDGER_BLOCKS_PER_TX_MAX ? capacity : LEDGER_BLOCKS_PER_TX_MAX;
        check = ledger_select_oldest(held->items, held->count, r->quantity, &filter, *takes, limit,
                                     take_count);
        *quantity = r->quantity;
    }
    if (check != A6_OK)
        ledger_result_reject(result, check,
                             r->ranges ? "blocks"
                             : check == A6_CHECK_UNIT_TYPE_NOT_HELD
                                 ? (r->unit_type != LEDGER_UNIT_ANY ? "unit_type" : "vintage")
                                 : "quantity");
    return 0;
}

static int apply_move(db_t *db, ledger_state_t *state, const ledger_request_t *r,
                      loaded_account_t *from, loaded_account_t *to, ledger_result_t *result,
                      const char *hash, db_error_t *err)
{
    block_list_t held = {0};
    ledger_take_t *takes = NULL;
    size_t take_count = 0;
    int64_t quantity = 0;
    audit_text_t blocks;
    audit_text_init(&blocks);
    int rc = choose_blocks(db, state, r, &held, &takes, &take_count, &quantity, result, err);
    if (rc < 0 || result->check != A6_OK) goto done;

    int64_t tx_id = state->next_transaction_id++;
    if ((rc = transaction_insert(db, state, r, from, to, tx_id, quantity, hash, err)) < 0)
        goto done;
    if (!audit_text_appendf(&blocks, "[")) rc = db_error_set(err, DB_ERROR, "out of memory");
    for (size_t i = 0; i < take_count && rc >= 0; i++) {
        ledger_block_t *source = &held.items[takes[i].index];
        /* NOLINTNEXTLINE(clang-analyzer-core.NullDereference): a take indexes held.items */
        ledger_block_t moved = *source;
        moved.first = takes[i].first;
        moved.last = takes[i].last;
        if (!block_text(&blocks, &moved, i == 0, NULL)) {
            rc = db_error_set(err, DB_ERROR, "out of memory");
            break;
        }
        if ((rc = transaction_block_insert(db, tx_id, &moved, err)) < 0) break;
        /* An earlier take of this request from the same block changed it: reload it. */
        ledger_block_t current = *source;
        int found = 1, reused = 0;
        for (size_t j = 0; j < i && !reused; j++)
            reused = takes[j].index == takes[i].index;
        if (reused && (rc = block_containing(db, takes[i].first, &current, &found, err)) < 0) break;
        if (!found || current.last < takes[i].last || current.account_id != r->from) {
            rc = db_error_set(err, DB_ERROR, "internal: block %lld changed during transaction",
                              (long long)source->id);
            break;
        }
        rc = block_move(db, state, &current, &takes[i], r->to, err);
    }
    if (rc >= 0)
        rc = audit_text_appendf(&blocks, "]")
                 ? transaction_audit(db, state, r, tx_id, quantity, blocks.data, err)
                 : db_error_set(err, DB_ERROR, "out of memory");
    if (rc >= 0) {
        result->check = A6_OK;
        result->id = tx_id;
        result->quantity = quantity;
    }
done:
    audit_text_release(&blocks);
    free(takes);
    free(held.items);
    return rc < 0 ? rc : 0;
}

int ledger_registry_account(db_t *db, ledger_state_t *state, ledger_tx_type_t type,
                            const char *actor, int64_t *id, db_error_t *err)
{
    static const char sql[] = "SELECT MIN(id) FROM accounts WHERE type = ? AND status = 'open' "
                              "AND holder = 'Registry'";
    static const char party_sql[] = "SELECT value FROM registry_meta WHERE name = 'party'";
    ledger_account_type_t account_type =
        type == LEDGER_TX_RETIRE ? LEDGER_ACCOUNT_RETIREMENT : LEDGER_ACCOUNT_CANCELLATION;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, ledger_account_type_name(account_type));
    int rc = db_step(stmt, err);
    *id = rc == DB_ROW ? db_column_int64(stmt, 0) : 0;
    db_reset(stmt);
    if (rc < 0) return rc;
    if (*id) return 0;
    char party[4] = "VNM";
    if (!(stmt = db_prepare(db, party_sql, err))) return DB_ERROR;
    if ((rc = db_step(stmt, err)) == DB_ROW)
        snprintf(party, sizeof party, "%s", db_column_text(stmt, 0));
    db_reset(stmt);
    if (rc < 0) return rc;
    ledger_request_t open = {.kind = LEDGER_REQUEST_ACCOUNT_OPEN,
                             .actor = actor,
                             .holder = "Registry",
                             .account_type = account_type,
                             .party = party};
    ledger_result_t opened;
    if ((rc = ledger_apply(db, state, &open, &opened, err)) < 0) return rc;
    if (opened.check != A6_OK) return db_error_set(err, DB_ERROR, "%s", opened.message);
    *id = opened.id;
    return 0;
}

/* Units frozen by a reconciliation never move: refuses the transaction (the caller's savepoint
 * undoes it) when a block it moved overlaps an unresolved freeze. */
static int frozen_check(db_t *db, ledger_result_t *result, db_error_t *err)
{
    static const char sql[] =
        "SELECT f.id FROM transaction_blocks tb JOIN frozen_blocks f ON f.resolved_at IS NULL "
        "AND f.local_first <= tb.last_serial AND f.local_last >= tb.first_serial "
        "WHERE tb.transaction_id = ? LIMIT 1";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, result->id);
    int rc = db_step(stmt, err);
    int64_t freeze = rc == DB_ROW ? db_column_int64(stmt, 0) : 0;
    db_reset(stmt);
    if (rc < 0) return rc;
    if (freeze) {
        ledger_result_reject(result, A6_CHECK_BLOCKS_FROZEN, "blocks");
        size_t used = strlen(result->message);
        snprintf(result->message + used, sizeof result->message - used, " (freeze %lld)",
                 (long long)freeze);
    }
    return 0;
}

static int apply_transaction(db_t *db, ledger_state_t *state, const ledger_request_t *request,
                             ledger_result_t *result, db_error_t *err)
{
    char hash[AUDIT_HASH_HEX_SIZE] = "";
    int rc, found = 0;
    if (request->idempotency_key) {
        request_hash(request, hash);
        if ((rc = idempotency_lookup(db, request, hash, result, &found, err)) < 0) return rc;
        if (found) return 0;
    }
    /* The registry's own account is opened, if needed, in this same savepoint: a rejected
     * retirement leaves no account behind. */
    ledger_request_t resolved = *request;
    const ledger_request_t *r = &resolved;
    if (resolved.to == 0 && (rc = ledger_registry_account(db, state, resolved.tx_type,
                                                          resolved.actor, &resolved.to, err)) < 0)
        return rc;
    loaded_account_t from = {0}, to;
    if (r->from && (rc = load_account(db, state, r->from, &from, err)) < 0) return rc;
    if ((rc = load_account(db, state, r->to, &to, err)) < 0) return rc;
    if (r->from && !from.found) {
        ledger_result_reject(result, A6_CHECK_ACCOUNT_NOT_FOUND, "from");
        return 0;
    }
    if (!to.found) {
        ledger_result_reject(result, A6_CHECK_ACCOUNT_NOT_FOUND, "to");
        return 0;
    }
    a6_check_t check =
        ledger_check_accounts(r->tx_type, r->from ? &from.account : NULL, &to.account);
    if (check != A6_OK) {
        const char *field = "to";
        if (r->from && (!from.account.open || ledger_account_is_terminal(from.account.type)))
            field = "from";
        ledger_result_reject(result, check, field);
        return 0;
    }
    /* ITMO holdings as of 31 December are frozen before the first change of a new year. */
    if ((rc = itmo_close_years(db, state, err)) < 0) return rc;
    if (r->tx_type == LEDGER_TX_ISSUE) {
        rc = apply_issue(db, state, r, &to, result, hash, err);
        if (rc < 0 || result->check != A6_OK || !r->authorization_id) return rc;
        return itmo_after_issue(db, state, r, result, err);
    }
    rc = apply_move(db, state, r, &from, &to, result, hash, err);
    if (rc < 0 || result->check != A6_OK) return rc;
    if (state->frozen_active > 0 && (rc = frozen_check(db, result, err)) < 0) return rc;
    if (result->check != A6_OK || r->tx_type == LEDGER_TX_TRANSFER) return rc;
    return itmo_after_move(db, state, r, result, err);
}

static int apply_account_open(db_t *db, ledger_state_t *state, const ledger_request_t *r,
                              ledger_result_t *result, db_error_t *err)
{
    static const char sql[] = "INSERT INTO accounts(id, holder, type, party, status, opened_at) "
                              "VALUES (?, ?, ?, ?, 'open', ?)";
    int64_t id = state->next_account_id++;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, id);
    db_bind_text(stmt, 2, r->holder);
    db_bind_text(stmt, 3, ledger_account_type_name(r->account_type));
    db_bind_text(stmt, 4, r->party);
    db_bind_text(stmt, 5, state->now);
    int rc = db_step_done(stmt, err);
    if (rc < 0) return rc;
    json_t *payload = json_pack("{sI ss ss ss}", "id", (json_int_t)id, "holder", r->holder, "type",
                                ledger_account_type_name(r->account_type), "party", r->party);
    char object[40];
    snprintf(object, sizeof object, "account/%lld", (long long)id);
    rc =
        audit_append(db, &state->chain, state->now, r->actor, "account.open", object, payload, err);
    json_decref(payload);
    if (rc < 0) return rc;
    loaded_account_t opened = {.account = {.id = id, .type = r->account_type, .open = true},
                               .found = 1};
    account_cache_put(state->accounts, &opened);
    result->check = A6_OK;
    result->id = id;
    return 0;
}

static int apply_account_close(db_t *db, ledger_state_t *state, const ledger_request_t *r,
                               ledger_result_t *result, db_error_t *err)
{
    static const char held_sql[] =
        "SELECT COALESCE(SUM(last_serial - first_serial + 1), 0) FROM blocks WHERE account_id = ?";
    static const char close_sql[] =
        "UPDATE accounts SET status = 'closed', closed_at = ? WHERE id = ?";
    loaded_account_t account;
    int rc = load_account(db, state, r->account_id, &account, err);
    if (rc < 0) return rc;
    if (!account.found) {
        ledger_result_reject(result, A6_CHECK_ACCOUNT_NOT_FOUND, "account");
        return 0;
    }
    db_stmt_t *stmt = db_prepare(db, held_sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, r->account_id);
    if ((rc = db_step(stmt, err)) != DB_ROW) return rc < 0 ? rc : DB_ERROR;
    int64_t held = db_column_int64(stmt, 0);
    db_reset(stmt);
    a6_check_t check = ledger_check_close(&account.account, held);
    if (check != A6_OK) {
        ledger_result_reject(result, check, "account");
        return 0;
    }
    if (!(stmt = db_prepare(db, close_sql, err))) return DB_ERROR;
    db_bind_text(stmt, 1, state->now);
    db_bind_int64(stmt, 2, r->account_id);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    json_t *payload = json_pack("{sI}", "id", (json_int_t)r->account_id);
    char object[40];
    snprintf(object, sizeof object, "account/%lld", (long long)r->account_id);
    rc = audit_append(db, &state->chain, state->now, r->actor, "account.close", object, payload,
                      err);
    json_decref(payload);
    if (rc < 0) return rc;
    account.account.open = false;
    account_cache_put(state->accounts, &account);
    result->check = A6_OK;
    result->id = r->account_id;
    return 0;
}

int ledger_apply(db_t *db, ledger_state_t *state, const ledger_request_t *request,
                 ledger_result_t *result, db_error_t *err)
{
    if (ledger_request_validate(request, result) != A6_OK) return 0;
    switch (request->kind) {
    case LEDGER_REQUEST_ACCOUNT_OPEN:
        return apply_account_open(db, state, request, result, err);
    case LEDGER_REQUEST_ACCOUNT_CLOSE:
        return apply_account_close(db, state, request, result, err);
    case LEDGER_REQUEST_TRANSACTION:
        return apply_transaction(db, state, request, result, err);
    }
    return db_error_set(err, DB_ERROR, "unknown request kind");
}
