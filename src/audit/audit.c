/* audit.c: canonical JSON, the SHA-256 record hash and appending to the chain. */
#include "audit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char genesis_hash[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

int audit_chain_load(db_t *db, audit_chain_t *chain, db_error_t *err)
{
    static const char sql[] = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    int rc = db_step(stmt, err);
    if (rc < 0) return rc;
    if (rc == DB_ROW) {
        chain->next_seq = db_column_int64(stmt, 0) + 1;
        snprintf(chain->last_hash, sizeof chain->last_hash, "%s", db_column_text(stmt, 1));
    } else {
        chain->next_seq = 1;
        memcpy(chain->last_hash, genesis_hash, sizeof genesis_hash);
    }
    db_reset(stmt);
    return 0;
}

char *audit_canonical_json(const json_t *payload)
{
    return json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
}

/* Feeds a field and a separator byte that cannot occur inside canonical fields. */
static void hash_field(crypto_hash_sha256_state *state, const char *text)
{
    crypto_hash_sha256_update(state, (const unsigned char *)text, strlen(text));
    crypto_hash_sha256_update(state, (const unsigned char *)"\x1f", 1);
}

void audit_record_hash(const audit_record_t *record, char out[AUDIT_HASH_HEX_SIZE])
{
    char seq[24];
    snprintf(seq, sizeof seq, "%lld", (long long)record->seq);
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    hash_field(&state, record->prev_hash);
    hash_field(&state, seq);
    hash_field(&state, record->time);
    hash_field(&state, record->actor);
    hash_field(&state, record->action);
    hash_field(&state, record->object);
    hash_field(&state, record->payload);
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&state, digest);
    sodium_bin2hex(out, AUDIT_HASH_HEX_SIZE, digest, sizeof digest);
}

int audit_append(db_t *db, audit_chain_t *chain, const char *time, const char *actor,
                 const char *action, const char *object, const json_t *payload, db_error_t *err)
{
    static const char sql[] = "INSERT INTO audit_log(seq, time, actor, action, object, payload, "
                              "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    char *canonical = audit_canonical_json(payload);
    if (!canonical) return db_error_set(err, DB_ERROR, "audit: cannot encode payload");
    audit_record_t record = {.seq = chain->next_seq,
                             .time = time,
                             .actor = actor,
                             .action = action,
                             .object = object,
                             .payload = canonical,
                             .prev_hash = chain->last_hash};
    char hash[AUDIT_HASH_HEX_SIZE];
    audit_record_hash(&record, hash);

    int rc = DB_ERROR;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (stmt) {
        db_bind_int64(stmt, 1, record.seq);
        db_bind_text(stmt, 2, time);
        db_bind_text(stmt, 3, actor);
        db_bind_text(stmt, 4, action);
        db_bind_text(stmt, 5, object);
        db_bind_text(stmt, 6, canonical);
        db_bind_text(stmt, 7, chain->last_hash);
        db_bind_text(stmt, 8, hash);
        rc = db_step_done(stmt, err);
    }
    free(canonical);
    if (rc < 0) return rc;
    chain->next_seq++;
    memcpy(chain->last_hash, hash, sizeof hash);
    return 0;
}
