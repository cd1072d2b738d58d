/* auth_store.h: users, API tokens (stored only as SHA-256 hashes, expiring, revocable), passwords
 * (Argon2id hashes made by the caller) and transfers held for a second person's approval. */
#ifndef A6_STORE_AUTH_STORE_H
#define A6_STORE_AUTH_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "../core/cycle.h"
#include "writer.h"

#define AUTH_TOKEN_SIZE 65 /* 64 hex digits and the terminator */
#define AUTH_TOKEN_TTL_API_S (365 * 86400)
#define AUTH_TOKEN_TTL_SESSION_S (12 * 3600)
#define APPROVAL_BLOCKS_MAX 256 /* explicit blocks a held transfer may name */

typedef struct auth_user {
    int64_t id;
    char name[LEDGER_HOLDER_MAX + 1];
    a6_role_t role;
    char holder[LEDGER_HOLDER_MAX + 1]; /* "" when none */
    int active;
} auth_user_t;

typedef struct auth_result {
    a6_check_t check;
    const char *field;
    char message[256];
    int64_t id;
    int replayed; /* an idempotency key returned an earlier approval */
    int store_error;
} auth_result_t;

/* Creates a user and a first API token (written into token, shown once). */
void auth_user_add(writer_t *w, const char *actor, const char *name, a6_role_t role,
                   const char *holder, char token[AUTH_TOKEN_SIZE], auth_result_t *result);
/* Sets a user's password hash (an Argon2id string from crypto_pwhash_str). */
void auth_user_password(writer_t *w, const char *actor, const char *name, const char *hash,
                        auth_result_t *result);
/* Issues a new token for a user, valid ttl_s seconds. */
void auth_token_create(writer_t *w, const char *actor, int64_t user_id, int64_t ttl_s,
                       char token[AUTH_TOKEN_SIZE], auth_result_t *result);
/* Revokes a token (by its text). */
void auth_token_revoke(writer_t *w, const char *actor, const char *token, auth_result_t *result);

/* Finds the user of a valid token: A6_OK, or A6_CHECK_TOKEN_INVALID for an unknown, expired or
 * revoked one. Returns <0 on a database error. */
int auth_token_lookup(db_t *db, const char *token, auth_user_t *user, a6_check_t *check,
                      db_error_t *err);
/* Loads a user by name with its password hash (hash "" when none). *found says. */
int auth_user_by_name(db_t *db, const char *name, auth_user_t *user, char *hash, size_t hash_size,
                      int *found, db_error_t *err);

/* ---- four-eyes approvals ---- */

typedef struct approval_input {
    const char *actor;
    int64_t user_id;
    const char *holder; /* the source account's holder */
    ledger_tx_type_t type;
    int64_t from;
    int64_t to;
    int64_t quantity; /* the total, also when blocks are named */
    int32_t vintage;
    ledger_unit_type_t unit_type; /* LEDGER_UNIT_ANY for any */
    const ledger_range_t *ranges; /* explicit blocks, or NULL */
    size_t range_count;
    const char *idempotency_key;
    const ledger_article6_t *article6; /* a retirement or cancellation's AEF meaning, or NULL */
} approval_input_t;

/* Records a transfer awaiting a second person's approval; result->id is the approval id. */
void approval_create(writer_t *w, const approval_input_t *in, auth_result_t *result);
/* Approves (executes the transfer; result->id is then the transaction id) or rejects a pending
 * transfer. The caller has checked who may decide. */
void approval_decide(writer_t *w, const char *actor, int64_t approval_id, int64_t user_id,
                     int approve, auth_result_t *result);
/* One approval as JSON (NULL with err->code 0 when unknown). */
json_t *approval_query(db_t *db, int64_t approval_id, db_error_t *err);
/* Approvals awaiting a decision, optionally only one holder's. */
json_t *approval_query_pending(db_t *db, const char *holder, db_error_t *err);

#endif
