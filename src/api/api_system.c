/* api_system.c: health, the OpenAPI document, sessions (name + password for a token), and the
 * audit log's verification and latest checkpoint. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../audit/audit.h"
#include "../store/ledger_verify.h"
#include "api.h"

void api_health(const api_request_t *r, api_response_t *out)
{
    writer_stats_t stats;
    writer_stats_get(r->context->writer, &stats);
    api_json(out, 200,
             json_pack("{ss ss sI}", "status", "ok", "version", A6REG_VERSION, "queue_depth",
                       (json_int_t)stats.queue_depth));
}

void api_openapi(const api_request_t *r, api_response_t *out)
{
    out->status = 200;
    out->content_type = "application/json";
    out->body = strdup(api_openapi_document);
    out->length = out->body ? strlen(out->body) : 0;
}

void api_session_create(const api_request_t *r, api_response_t *out)
{
    static const char *const fields[] = {"name", "password", NULL};
    json_t *body = api_body_object(r, out);
    if (!body) return;
    const char *name, *password;
    if (!api_only_fields(body, fields, out) || !api_string_field(body, "name", true, &name, out) ||
        !api_string_field(body, "password", true, &password, out)) {
        json_decref(body);
        return;
    }
    auth_user_t user;
    char hash[crypto_pwhash_STRBYTES + 1];
    int found = 0;
    db_error_t err = {0};
    if (auth_user_by_name(r->reader, name, &user, hash, sizeof hash, &found, &err) < 0) {
        json_decref(body);
        {
            api_storage_error(out, err.message);
            return;
        }
    }
    /* The same answer for an unknown name, no password set, a wrong password or a disabled user. */
    int valid = found && user.active && *hash &&
                crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
    json_decref(body);
    if (!valid) {
        api_error(out, A6_CHECK_CREDENTIALS_INVALID, "password", NULL);
        return;
    }
    char token[AUTH_TOKEN_SIZE];
    auth_result_t result;
    auth_token_create(r->context->writer, user.name, user.id, AUTH_TOKEN_TTL_SESSION_S, token,
                      &result);
    if (result.store_error < 0) {
        api_storage_error(out, result.message);
        return;
    }
    api_json(out, 201,
             json_pack("{ss ss ss sI}", "token", token, "user", user.name, "role",
                       a6_role_name(user.role), "expires_in",
                       (json_int_t)AUTH_TOKEN_TTL_SESSION_S));
    sodium_memzero(token, sizeof token);
}

void api_session_delete(const api_request_t *r, api_response_t *out)
{
    const char *token = r->authorization + strlen("Bearer ");
    auth_result_t result;
    auth_token_revoke(r->context->writer, r->user->name, token, &result);
    if (result.store_error < 0) {
        api_storage_error(out, result.message);
        return;
    }
    if (result.check != A6_OK) {
        api_error(out, result.check, result.field, result.message);
        return;
    }
    api_json(out, 200, json_pack("{ss}", "status", "revoked"));
}

void api_audit_verify(const api_request_t *r, api_response_t *out)
{
    ledger_verify_report_t report;
    db_error_t err = {0};
    if (ledger_verify(r->reader, &report, &err) < 0) {
        api_storage_error(out, err.message);
        return;
    }
    json_t *body =
        json_pack("{sb sI sI sI sI sI}", "consistent", report.consistent, "audit_records",
                  (json_int_t)report.audit_records, "accounts", (json_int_t)report.accounts,
                  "transactions", (json_int_t)report.transactions, "blocks",
                  (json_int_t)report.blocks, "units_issued", (json_int_t)report.units_issued);
    if (!report.consistent)
        json_object_set_new(body, "first_problem", json_string(report.first_problem));
    api_json(out, 200, body);
}

void api_audit_checkpoint(const api_request_t *r, api_response_t *out)
{
    static const char sql[] = "SELECT seq, time, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
    db_error_t err = {0};
    db_stmt_t *stmt = db_prepare(r->reader, sql, &err);
    if (!stmt) {
        api_storage_error(out, err.message);
        return;
    }
    int rc = db_step(stmt, &err);
    json_t *body = rc == DB_ROW
                       ? json_pack("{sI ss ss so}", "seq", (json_int_t)db_column_int64(stmt, 0),
                                   "time", db_column_text(stmt, 1), "hash", db_column_text(stmt, 2),
                                   "signature", json_null())
                       : json_pack("{sI s n s n so}", "seq", (json_int_t)0, "time", "hash",
                                   "signature", json_null());
    db_reset(stmt);
    if (rc < 0) {
        json_decref(body);
        {
            api_storage_error(out, err.message);
            return;
        }
    }
    /* Signed by the registry: Ed25519 over the canonical JSON of {registry, seq, time, hash}. */
    const registry_keys_t *keys = r->context->keys;
    if (keys && body) {
        json_object_set_new(body, "registry", json_string(keys->registry_id));
        json_t *signed_part = json_copy(body);
        json_object_del(signed_part, "signature");
        char *bytes = audit_canonical_json(signed_part);
        json_decref(signed_part);
        if (bytes) {
            unsigned char signature[crypto_sign_BYTES];
            char hex[2 * crypto_sign_BYTES + 1], key[ENVELOPE_KEY_HEX_SIZE];
            crypto_sign_detached(signature, NULL, (const unsigned char *)bytes, strlen(bytes),
                                 keys->secret_key);
            free(bytes);
            envelope_hex_encode(signature, sizeof signature, hex);
            envelope_hex_encode(keys->public_key, sizeof keys->public_key, key);
            json_object_set_new(body, "signature", json_string(hex));
            json_object_set_new(body, "public_key", json_string(key));
        }
    }
    api_json(out, 200, body);
}
