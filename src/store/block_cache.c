/* block_cache.c: the single writer's copy of each account's blocks (see block_cache.h). */
#include "block_cache.h"

#include <stdlib.h>
#include <string.h>

static bool before_in_order(const ledger_block_t *a, const ledger_block_t *b)
{
    return a->vintage != b->vintage ? a->vintage < b->vintage : a->first < b->first;
}

/* The slot of an account, grown as needed; NULL when out of memory (nothing is kept then). */
static ledger_cached_blocks_t *slot(ledger_account_cache_t *cache, int64_t account)
{
    if (!cache || account <= 0) return NULL;
    if ((size_t)account >= cache->blocks_capacity) {
        size_t capacity = cache->blocks_capacity ? cache->blocks_capacity : 1024;
        while (capacity <= (size_t)account)
            capacity *= 2;
        ledger_cached_blocks_t *grown = realloc(cache->blocks, capacity * sizeof *grown);
        if (!grown) return NULL;
        memset(grown + cache->blocks_capacity, 0,
               (capacity - cache->blocks_capacity) * sizeof *grown);
        cache->blocks = grown;
        cache->blocks_capacity = capacity;
    }
    return &cache->blocks[account];
}

/* Forgets what is kept of one account: it is loaded again on next use. */
static void forget(ledger_cached_blocks_t *blocks)
{
    free(blocks->items);
    memset(blocks, 0, sizeof *blocks);
}

static bool push(ledger_cached_blocks_t *blocks, const ledger_block_t *block)
{
    if (blocks->count == blocks->capacity) {
        size_t capacity = blocks->capacity ? blocks->capacity * 2 : 8;
        ledger_block_t *grown = realloc(blocks->items, capacity * sizeof *grown);
        if (!grown) return false;
        blocks->items = grown;
        blocks->capacity = capacity;
    }
    blocks->items[blocks->count++] = *block;
    return true;
}

static int load(db_t *db, ledger_cached_blocks_t *blocks, int64_t account, db_error_t *err)
{
    static const char sql[] = "SELECT id, issuance_id, first_serial, last_serial, vintage, "
                              "unit_type FROM blocks WHERE account_id = ? "
                              "ORDER BY vintage, first_serial LIMIT ?";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, account);
    db_bind_int64(stmt, 2, BLOCK_CACHE_ACCOUNT_MAX + 1);
    int rc;
    bool kept = true;
    while ((rc = db_step(stmt, err)) == DB_ROW && kept) {
        ledger_block_t block;
        ledger_block_from_row(stmt, account, &block);
        kept = blocks->count < BLOCK_CACHE_ACCOUNT_MAX && push(blocks, &block);
    }
    db_reset(stmt);
    if (rc < 0) {
        forget(blocks);
        return rc;
    }
    if (!kept) {
        forget(blocks);
        blocks->known = -1;
        return 0;
    }
    blocks->known = 1;
    return 0;
}

const ledger_cached_blocks_t *block_cache_account(db_t *db, ledger_account_cache_t *cache,
                                                  int64_t account, int *rc, db_error_t *err)
{
    *rc = 0;
    ledger_cached_blocks_t *blocks = slot(cache, account);
    if (!blocks || blocks->known < 0) return NULL;
    if (blocks->known == 0 && (*rc = load(db, blocks, account, err)) < 0) return NULL;
    return blocks->known == 1 ? blocks : NULL;
}

/* Removes block id from the account's list; false when it was not there. */
static bool remove_block(ledger_cached_blocks_t *blocks, int64_t id)
{
    for (size_t i = 0; i < blocks->count; i++) {
        if (blocks->items[i].id != id) continue;
        memmove(&blocks->items[i], &blocks->items[i + 1],
                (blocks->count - i - 1) * sizeof *blocks->items);
        blocks->count--;
        return true;
    }
    return false;
}

/* Inserts the block in order; past the bound (or out of memory) the account is no longer kept. */
static void insert_block(ledger_cached_blocks_t *blocks, const ledger_block_t *block)
{
    if (blocks->count >= BLOCK_CACHE_ACCOUNT_MAX || !push(blocks, block)) {
        forget(blocks);
        blocks->known = -1;
        return;
    }
    size_t i = blocks->count - 1;
    for (; i > 0 && before_in_order(block, &blocks->items[i - 1]); i--)
        blocks->items[i] = blocks->items[i - 1];
    blocks->items[i] = *block;
}

void block_cache_stored(ledger_account_cache_t *cache, const ledger_block_t *block,
                        const ledger_block_t *was)
{
    if (was) {
        ledger_cached_blocks_t *old = slot(cache, was->account_id);
        if (old && old->known == 1 && !remove_block(old, was->id)) forget(old);
    }
    ledger_cached_blocks_t *blocks = slot(cache, block->account_id);
    if (!blocks) {
        block_cache_clear(cache); /* out of memory: keep nothing rather than something stale */
        return;
    }
    if (blocks->known != 1) return; /* loaded from the database, with this block, when needed */
    remove_block(blocks, block->id);
    insert_block(blocks, block);
}

void block_cache_deleted(ledger_account_cache_t *cache, int64_t account, int64_t id)
{
    ledger_cached_blocks_t *blocks = slot(cache, account);
    if (!blocks) {
        block_cache_clear(cache);
        return;
    }
    if (blocks->known == 1 && !remove_block(blocks, id)) forget(blocks);
}

void block_cache_clear(ledger_account_cache_t *cache)
{
    if (!cache) return;
    for (size_t i = 0; i < cache->blocks_capacity; i++)
        if (cache->blocks[i].known) forget(&cache->blocks[i]);
}

void block_cache_release(ledger_account_cache_t *cache)
{
    block_cache_clear(cache);
    free(cache->blocks);
    cache->blocks = NULL;
    cache->blocks_capacity = 0;
}

bool block_cache_checking(void)
{
    static int checking = -1;
    if (checking < 0) {
        const char *value = getenv("A6REG_CHECK_BLOCK_CACHE");
        checking = value && strcmp(value, "1") == 0;
    }
    return checking == 1;
}
