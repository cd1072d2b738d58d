/* block_cache.h: the single writer's copy of the blocks each account holds, so that choosing the
 * blocks to move and finding the neighbour a moved block merges with need no query (on
 * PostgreSQL the writer's writes then stream in one pipeline). The database stays the truth:
 * every block write of ledger_apply.c goes through here as well, and the copy is emptied with
 * the account cache whenever a change is rolled back (writer.c). An account holding more than
 * BLOCK_CACHE_ACCOUNT_MAX blocks is not kept: its queries run as before.
 *
 * With A6REG_CHECK_BLOCK_CACHE=1 in the environment every answer from the copy is compared with
 * the database's, and a difference aborts the process (the tests run so). */
#ifndef A6_STORE_BLOCK_CACHE_H
#define A6_STORE_BLOCK_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "ledger_store.h"

#define BLOCK_CACHE_ACCOUNT_MAX 256

/* The account's blocks (loaded on first use), or NULL when they are not kept: no cache, too many
 * blocks, out of memory or a failed query (then *rc < 0 and err says why). */
const ledger_cached_blocks_t *block_cache_account(db_t *db, ledger_account_cache_t *cache,
                                                  int64_t account, int *rc, db_error_t *err);

/* Records a block as stored (inserted, or updated from `was`, NULL for an insert). */
void block_cache_stored(ledger_account_cache_t *cache, const ledger_block_t *block,
                        const ledger_block_t *was);
/* Records the deletion of block id, held by account. */
void block_cache_deleted(ledger_account_cache_t *cache, int64_t account, int64_t id);

void block_cache_clear(ledger_account_cache_t *cache);
void block_cache_release(ledger_account_cache_t *cache);

/* Whether A6REG_CHECK_BLOCK_CACHE asks for every answer to be checked against the database. */
bool block_cache_checking(void);

#endif
