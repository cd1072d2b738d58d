/* partners.c: the registry's Ed25519 identity in registry_meta, the partners table, and queuing
 * signed outbound messages inside the writer's transaction. */
#include "partners.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../core/article6.h"
#include "../audit/audit.h"
#include "../core/text.h"
#include "../store/ledger_store.h"

static int meta_get(db_t *db, const char *name, char *out, size_t size, db_error_t *err)
{
    static const char sql[] = "SELECT value FROM registry_meta WHERE name = ?";
    out[0] = '\0';
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, name);
    int rc = db_step(stmt, err);
    if (rc == DB_ROW) snprintf(out, size, "%s", db_column_text(stmt, 0));
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

static int meta_set(db_t *db, const char *name, const char *value, db_error_t *err)
{
    static const char sql[] = "INSERT INTO registry_meta(name, value) VALUES (?, ?)";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, name);
    db_bind_text(stmt, 2, value);
    return db_step_done(stmt, err);
}

int registry_identity_ensure(db_t *db, const char *registry_id, db_error_t *err)
{
    char current[16], key[2 * crypto_sign_SECRETKEYBYTES + 1];
    int rc;
    if ((rc = meta_get(db, "registry_id", current, sizeof current, err)) < 0) return rc;
    if (*current && registry_id && strcmp(current, registry_id) != 0)
        return db_error_set(err, DB_ERROR, "this registry is %s, not %s", current, registry_id);
    if ((rc = meta_get(db, "secret_key", key, sizeof key, err)) < 0) return rc;
    if (*current && *key) return 0;
    if ((rc = db_begin(db, err)) < 0) return rc;
    if (!*current) rc = meta_set(db, "registry_id", registry_id, err);
    if (rc >= 0 && !*key) {
        unsigned char public_key[crypto_sign_PUBLICKEYBYTES], secret[crypto_sign_SECRETKEYBYTES];
        char public_hex[2 * sizeof public_key + 1];
        crypto_sign_keypair(public_key, secret);
        envelope_hex_encode(public_key, sizeof public_key, public_hex);
        envelope_hex_encode(secret, sizeof secret, key);
        sodium_memzero(secret, sizeof secret);
        rc = meta_set(db, "public_key", public_hex, err);
        if (rc >= 0) rc = meta_set(db, "secret_key", key, err);
        sodium_memzero(key, sizeof key);
    }
    if (rc < 0) {
        db_error_t ignored;
        db_rollback(db, &ignored);
        return rc;
    }
    return db_commit(db, err);
}

int registry_identity_load(db_t *db, registry_keys_t *keys, int *found, db_error_t *err)
{
    char public_hex[2 * crypto_sign_PUBLICKEYBYTES + 1],
        secret_hex[2 * crypto_sign_SECRETKEYBYTES + 1];
    int rc;
    memset(keys, 0, sizeof *keys);
    *found = 0;
    if ((rc = meta_get(db, "registry_id", keys->registry_id, sizeof keys->registry_id, err)) < 0 ||
        (rc = meta_get(db, "public_key", public_hex, sizeof public_hex, err)) < 0 ||
        (rc = meta_get(db, "secret_key", secret_hex, sizeof secret_hex, err)) < 0)
        return rc;
    *found = *keys->registry_id &&
             envelope_hex_decode(public_hex, keys->public_key, sizeof keys->public_key) &&
             envelope_hex_decode(secret_hex, keys->secret_key, sizeof keys->secret_key);
    sodium_memzero(secret_hex, sizeof secret_hex);
    return 0;
}

int partner_load(db_t *db, const char *id, partner_t *out, int *found, db_error_t *err)
{
    static const char sql[] = "SELECT id, url, public_key, next_out_sequence, last_in_sequence "
                              "FROM partners WHERE id = ?";
    memset(out, 0, sizeof *out);
    *found = 0;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, id);
    int rc = db_step(stmt, err);
    if (rc == DB_ROW) {
        snprintf(out->id, sizeof out->id, "%s", db_column_text(stmt, 0));
        snprintf(out->url, sizeof out->url, "%s", db_column_text(stmt, 1));
        *found =
            envelope_hex_decode(db_column_text(stmt, 2), out->public_key, sizeof out->public_key);
        out->next_out_sequence = db_column_int64(stmt, 3);
        out->last_in_sequence = db_column_int64(stmt, 4);
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

typedef struct add_operation {
    const char *actor;
    a6_role_t role;
    const char *id, *url, *key;
    partner_result_t *result;
} add_operation_t;

static int refuse(partner_result_t *result, a6_check_t check, const char *field, const char *why)
{
    result->check = check;
    result->field = field;
    snprintf(result->message, sizeof result->message, "%s: %s%s%s", field,
             a6_check_description(check), why ? ": " : "", why ? why : "");
    return WRITER_REJECTED;
}

static bool url_valid(const char *url)
{
    return url && a6_text_check(url, PARTNER_URL_MAX) == A6_OK && !strchr(url, ' ') &&
           (strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0);
}

static int apply_partner_add(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    static const char sql[] = "INSERT INTO partners(id, url, public_key, next_out_sequence, "
                              "last_in_sequence, created_at) VALUES (?, ?, ?, 1, 0, ?)";
    add_operation_t *op = context;
    unsigned char key[32];
    char own[16];
    if (op->role != ROLE_ADMIN)
        return refuse(op->result, A6_CHECK_ROLE_NOT_ALLOWED, "role", "partners: admin");
    if (a6_registry_id_check(op->id) != A6_OK)
        return refuse(op->result, A6_CHECK_REGISTRY_ID_INVALID, "id", "like JPN01");
    if (!envelope_hex_decode(op->key, key, sizeof key))
        return refuse(op->result, A6_CHECK_KEY_INVALID, "public_key", NULL);
    if (!url_valid(op->url))
        return refuse(op->result, A6_CHECK_TEXT_INVALID, "url", "an http:// or https:// URL");
    int rc = meta_get(db, "registry_id", own, sizeof own, err);
    if (rc < 0) return rc;
    if (strcmp(own, op->id) == 0)
        return refuse(op->result, A6_CHECK_REGISTRY_ID_INVALID, "id", "this registry's own ID");
    partner_t existing;
    int found;
    if ((rc = partner_load(db, op->id, &existing, &found, err)) < 0) return rc;
    if (*existing.id) return refuse(op->result, A6_CHECK_PARTNER_EXISTS, "id", op->id);
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, op->id);
    db_bind_text(stmt, 2, op->url);
    db_bind_text(stmt, 3, op->key);
    db_bind_text(stmt, 4, state->now);
    if ((rc = db_step_done(stmt, err)) < 0) return rc;
    json_t *payload = json_pack("{ss ss ss}", "id", op->id, "url", op->url, "public_key", op->key);
    char object[24];
    snprintf(object, sizeof object, "partner/%s", op->id);
    rc = payload ? audit_append(db, &state->chain, state->now, op->actor, "partner.add", object,
                                payload, err)
                 : db_error_set(err, DB_ERROR, "out of memory");
    json_decref(payload);
    return rc < 0 ? rc : WRITER_ACCEPTED;
}

void partner_add(writer_t *w, const char *actor, a6_role_t role, const char *id, const char *url,
                 const char *public_key_hex, partner_result_t *result)
{
    memset(result, 0, sizeof *result);
    add_operation_t op = {actor, role, id, url, public_key_hex, result};
    db_error_t err = {0};
    int rc = writer_execute(w, apply_partner_add, &op, &err);
    if (rc < 0) {
        result->store_error = rc;
        snprintf(result->message, sizeof result->message, "storage error: %s", err.message);
    }
}

json_t *partner_query_all(db_t *db, db_error_t *err)
{
    static const char sql[] =
        "SELECT p.id, p.url, p.public_key, p.next_out_sequence - 1, p.last_in_sequence, "
        "(SELECT COUNT(*) FROM messages m WHERE m.partner = p.id AND m.direction = 'out' "
        "AND m.status = 'queued') FROM partners p ORDER BY p.id";
    err->code = 0;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return NULL;
    json_t *list = json_array();
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW)
        json_array_append_new(
            list, json_pack("{ss ss ss sI sI sI}", "id", db_column_text(stmt, 0), "url",
                            db_column_text(stmt, 1), "public_key", db_column_text(stmt, 2),
                            "last_sent_sequence", (json_int_t)db_column_int64(stmt, 3),
                            "last_received_sequence", (json_int_t)db_column_int64(stmt, 4),
                            "queued", (json_int_t)db_column_int64(stmt, 5)));
    db_reset(stmt);
    if (rc < 0) {
        json_decref(list);
        return NULL;
    }
    return list;
}

int message_enqueue(db_t *db, ledger_state_t *state, const registry_keys_t *keys,
                    const char *partner, const char *type, json_t *payload,
                    char id[ENVELOPE_ID_SIZE], db_error_t *err)
{
    static const char next_sql[] = "UPDATE partners SET next_out_sequence = next_out_sequence + 1 "
                                   "WHERE id = ?";
    static const char sql[] = "INSERT INTO messages(id, direction, partner, sequence, type, "
                              "envelope, status, attempts, next_attempt_at, created_at) "
                              "VALUES (?, 'out', ?, ?, ?, ?, 'queued', 0, ?, ?)";
    partner_t p;
    int found, rc = partner_load(db, partner, &p, &found, err);
    if (rc < 0) return rc;
    if (!found) return db_error_set(err, DB_ERROR, "unknown partner %s", partner);
    envelope_new_id(id);
    char *text = envelope_sign(keys, partner, id, p.next_out_sequence, type, state->now, payload);
    if (!text) return db_error_set(err, DB_ERROR, "out of memory");
    db_stmt_t *stmt = db_prepare(db, next_sql, err);
    if (stmt) {
        db_bind_text(stmt, 1, partner);
        rc = db_step_done(stmt, err);
    }
    if (stmt && rc >= 0 && (stmt = db_prepare(db, sql, err))) {
        db_bind_text(stmt, 1, id);
        db_bind_text(stmt, 2, partner);
        db_bind_int64(stmt, 3, p.next_out_sequence);
        db_bind_text(stmt, 4, type);
        db_bind_text(stmt, 5, text);
        db_bind_text(stmt, 6, state->now);
        db_bind_text(stmt, 7, state->now);
        rc = db_step_done(stmt, err);
    }
    free(text);
    if (!stmt) return DB_ERROR;
    if (rc < 0) return rc;
    return ledger_audit(db, state, "registry", "message.queue", "message", p.next_out_sequence,
                        json_pack("{ss ss ss sI}", "id", id, "partner", partner, "type", type,
                                  "sequence", (json_int_t)p.next_out_sequence),
                        err);
}
