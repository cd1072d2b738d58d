/* ledger_store.h: applying ledger requests to the database (inside the writer's transaction) and
 * reading accounts, holdings and history back. */
#ifndef A6_STORE_LEDGER_STORE_H
#define A6_STORE_LEDGER_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "../audit/audit.h"
#include "../core/request.h"
#include "clock.h"
#include "db.h"

/* The writer's copy of every account's type and status, indexed by id (accounts change only
 * through the writer). Emptied whenever a change is rolled back after a storage failure. */
typedef struct ledger_account_row {
    ledger_account_t account; /* account.id 0 marks an empty slot */
    int64_t last_transaction; /* head of the account's transaction chain, 0 when none */
} ledger_account_row_t;

/* The blocks one account holds, as the writer knows them (block_cache.c). */
typedef struct ledger_cached_blocks {
    ledger_block_t *items; /* ordered by vintage, then first serial */
    size_t count;
    size_t capacity;
    int known; /* 0: not loaded; 1: items are every block of the account; -1: too many to keep */
} ledger_cached_blocks_t;

typedef struct ledger_account_cache {
    ledger_account_row_t *rows; /* rows[id] */
    size_t capacity;
    ledger_cached_blocks_t *blocks; /* blocks[account id] */
    size_t blocks_capacity;
} ledger_account_cache_t;

/* A block from a row whose first six columns are id, issuance_id, first_serial, last_serial,
 * vintage and unit_type, held by account_id. */
void ledger_block_from_row(db_stmt_t *stmt, int64_t account_id, ledger_block_t *block);

void ledger_account_cache_clear(ledger_account_cache_t *cache);
void ledger_account_cache_release(ledger_account_cache_t *cache);

/* What the single writer remembers between commands: the next ids and the audit chain head.
 * Copied before each command so a rolled-back savepoint also rolls this back. */
typedef struct ledger_state {
    int64_t next_account_id;
    int64_t next_transaction_id;
    int64_t next_issuance_id;
    int64_t next_block_id;
    int64_t next_serial;
    audit_chain_t chain;
    ledger_account_cache_t *accounts; /* shared by every copy of the state; may be NULL */
    char now[CLOCK_ISO_SIZE];         /* time stamped on every change of the current batch */
    int32_t holdings_closed_year;     /* ITMO holdings frozen up to 31 December of this year */
    int64_t frozen_active;            /* unresolved freezes of units held here (reconciliation) */
} ledger_state_t;

/* Opens a database for writing and brings its schema up to date. */
int ledger_store_open(const char *location, db_t **out, db_error_t *err);
/* Opens a database for reading only (a reader connection). */
int ledger_store_open_reader(const char *location, db_t **out, db_error_t *err);

/* Loads the writer state from the database. */
int ledger_state_load(db_t *db, ledger_state_t *state, db_error_t *err);

/* Applies one validated request inside the caller's transaction/savepoint. Returns 0 with
 * result->check telling whether it was accepted (the caller rolls back the savepoint when it was
 * not), or a negative db_result_t on a database failure. */
int ledger_apply(db_t *db, ledger_state_t *state, const ledger_request_t *request,
                 ledger_result_t *result, db_error_t *err);

/* The registry's own retirement (or cancellation) account, held by "Registry", opened inside the
 * caller's transaction when there is none yet. */
int ledger_registry_account(db_t *db, ledger_state_t *state, ledger_tx_type_t type,
                            const char *actor, int64_t *id, db_error_t *err);

/* Appends the audit record of a change to object "kind/id" in the current batch, and releases
 * payload (NULL means it could not be built: out of memory). */
int ledger_audit(db_t *db, ledger_state_t *state, const char *actor, const char *action,
                 const char *kind, int64_t id, json_t *payload, db_error_t *err);

/* Reads. Each returns a new JSON value (caller owns it), or NULL with err set; an unknown account
 * gives NULL with err->code == 0. */
json_t *ledger_query_account(db_t *db, int64_t account_id, db_error_t *err);
json_t *ledger_query_accounts(db_t *db, db_error_t *err);
/* {"account": id, "total": N, "blocks": [{"first", "last", "vintage", "unit_type", "issuance"}]} */
json_t *ledger_query_holdings(db_t *db, int64_t account_id, db_error_t *err);
/* Transactions touching the account (or all when account_id is 0), newest first, at most limit. */
json_t *ledger_query_history(db_t *db, int64_t account_id, int64_t limit, db_error_t *err);
/* One transaction with its blocks. */
json_t *ledger_query_transaction(db_t *db, int64_t transaction_id, db_error_t *err);

#endif
