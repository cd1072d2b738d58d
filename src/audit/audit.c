/* audit.c: canonical JSON, the SHA-256 record hash and appending to the chain. */
#include "audit.h"

#include "core/sha256.h"

#include <sodium.h>
#include <stdarg.h>
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
static void hash_field(a6_sha256_t *state, const char *text)
{
    a6_sha256_update(state, text, strlen(text));
    a6_sha256_update(state, "\x1f", 1);
}

void audit_record_hash(const audit_record_t *record, char out[AUDIT_HASH_HEX_SIZE])
{
    char seq[AUDIT_INT_SIZE];
    audit_format_int(seq, record->seq);
    a6_sha256_t state;
    a6_sha256_init(&state);
    hash_field(&state, record->prev_hash);
    hash_field(&state, seq);
    hash_field(&state, record->time);
    hash_field(&state, record->actor);
    hash_field(&state, record->action);
    hash_field(&state, record->object);
    hash_field(&state, record->payload);
    uint8_t digest[A6_SHA256_BYTES];
    a6_sha256_final(&state, digest);
    sodium_bin2hex(out, AUDIT_HASH_HEX_SIZE, digest, sizeof digest);
}

void audit_text_init(audit_text_t *text)
{
    text->data = text->inline_buffer;
    text->length = 0;
    text->capacity = sizeof text->inline_buffer;
    text->data[0] = '\0';
}

static bool text_reserve(audit_text_t *text, size_t extra)
{
    if (!text->data) return false;
    if (text->length + extra < text->capacity) return true;
    size_t capacity = text->capacity * 2;
    while (capacity <= text->length + extra)
        capacity *= 2;
    char *grown =
        text->data == text->inline_buffer ? malloc(capacity) : realloc(text->data, capacity);
    if (!grown) {
        if (text->data != text->inline_buffer) free(text->data);
        text->data = NULL;
        return false;
    }
    if (text->data == text->inline_buffer) memcpy(grown, text->inline_buffer, text->length + 1);
    text->data = grown;
    text->capacity = capacity;
    return true;
}

bool audit_text_appendf(audit_text_t *text, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int needed = text->data ? vsnprintf(text->data + text->length, text->capacity - text->length,
                                        format, args)
                            : -1;
    va_end(args);
    if (needed < 0) return false;
    if ((size_t)needed >= text->capacity - text->length) {
        if (!text_reserve(text, (size_t)needed + 1)) return false;
        va_start(args, format);
        vsnprintf(text->data + text->length, text->capacity - text->length, format, args);
        va_end(args);
    }
    text->length += (size_t)needed;
    return true;
}

static bool append_bytes(audit_text_t *text, const char *bytes, size_t length)
{
    if (!text_reserve(text, length + 1)) return false;
    memcpy(text->data + text->length, bytes, length);
    text->length += length;
    text->data[text->length] = '\0';
    return true;
}

bool audit_text_append(audit_text_t *text, const char *value)
{
    return append_bytes(text, value, strlen(value));
}

size_t audit_format_int(char out[AUDIT_INT_SIZE], int64_t value)
{
    char digits[AUDIT_INT_SIZE];
    uint64_t magnitude = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
    size_t count = 0;
    do {
        digits[count++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude);
    size_t length = 0;
    if (value < 0) out[length++] = '-';
    while (count)
        out[length++] = digits[--count];
    out[length] = '\0';
    return length;
}

bool audit_text_append_int(audit_text_t *text, int64_t value)
{
    char digits[AUDIT_INT_SIZE];
    size_t length = audit_format_int(digits, value);
    return append_bytes(text, digits, length);
}

bool audit_text_append_string(audit_text_t *text, const char *value)
{
    json_t *string = json_string(value);
    char *encoded = string ? json_dumps(string, JSON_ENCODE_ANY | JSON_ENSURE_ASCII) : NULL;
    bool ok = encoded && audit_text_appendf(text, "%s", encoded);
    free(encoded);
    json_decref(string);
    return ok;
}

void audit_text_release(audit_text_t *text)
{
    if (text->data && text->data != text->inline_buffer) free(text->data);
    text->data = NULL;
}

int audit_append_canonical(db_t *db, audit_chain_t *chain, const char *time, const char *actor,
                           const char *action, const char *object, const char *canonical,
                           db_error_t *err)
{
    static const char sql[] = "INSERT INTO audit_log(seq, time, actor, action, object, payload, "
                              "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    audit_record_t record = {.seq = chain->next_seq,
                             .time = time,
                             .actor = actor,
                             .action = action,
                             .object = object,
                             .payload = canonical,
                             .prev_hash = chain->last_hash};
    char hash[AUDIT_HASH_HEX_SIZE];
    audit_record_hash(&record, hash);
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_int64(stmt, 1, record.seq);
    db_bind_text_static(stmt, 2, time);
    db_bind_text_static(stmt, 3, actor);
    db_bind_text_static(stmt, 4, action);
    db_bind_text_static(stmt, 5, object);
    db_bind_text_static(stmt, 6, canonical);
    db_bind_text_static(stmt, 7, chain->last_hash);
    db_bind_text_static(stmt, 8, hash);
    int rc = db_step_done(stmt, err);
    if (rc < 0) return rc;
    chain->next_seq++;
    memcpy(chain->last_hash, hash, sizeof hash);
    return 0;
}

int audit_append(db_t *db, audit_chain_t *chain, const char *time, const char *actor,
                 const char *action, const char *object, const json_t *payload, db_error_t *err)
{
    char *canonical = audit_canonical_json(payload);
    if (!canonical) return db_error_set(err, DB_ERROR, "audit: cannot encode payload");
    int rc = audit_append_canonical(db, chain, time, actor, action, object, canonical, err);
    free(canonical);
    return rc;
}
