/* audit.h: the append-only, SHA-256 hash-chained audit log, written in the same transaction as
 * the change it records. */
#ifndef A6_AUDIT_AUDIT_H
#define A6_AUDIT_AUDIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../store/db.h"

#define AUDIT_HASH_HEX_SIZE 65 /* 64 hex digits and the terminator */

/* The head of the chain as the writer knows it: next sequence number and the last hash. */
typedef struct audit_chain {
    int64_t next_seq;
    char last_hash[AUDIT_HASH_HEX_SIZE];
} audit_chain_t;

/* One record as stored. Strings are owned by whoever filled the struct. */
typedef struct audit_record {
    int64_t seq;
    const char *time;
    const char *actor;
    const char *action;
    const char *object;
    const char *payload; /* canonical JSON */
    const char *prev_hash;
    const char *hash;
} audit_record_t;

/* Reads the chain head from the database (seq 1 and the all-zero hash for an empty log). */
int audit_chain_load(db_t *db, audit_chain_t *chain, db_error_t *err);

/* Canonical JSON text of payload (sorted keys, compact, ASCII); caller frees. NULL on failure. */
char *audit_canonical_json(const json_t *payload);

/* SHA-256 over the record's fields and the previous hash, as lowercase hex into out. */
void audit_record_hash(const audit_record_t *record, char out[AUDIT_HASH_HEX_SIZE]);

#define AUDIT_INT_SIZE 21 /* "-9223372036854775808" and its NUL */

/* A growable text buffer for building canonical JSON by hand on hot paths. */
typedef struct audit_text {
    char *data;
    size_t length;
    size_t capacity;
    char inline_buffer[256];
} audit_text_t;

void audit_text_init(audit_text_t *text);
/* Appends printf-style text; returns false when out of memory (the text is then unusable). */
bool audit_text_appendf(audit_text_t *text, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends text as it is. */
bool audit_text_append(audit_text_t *text, const char *value);
/* Appends an integer in decimal; the writer's hot paths use these rather than printf. */
bool audit_text_append_int(audit_text_t *text, int64_t value);
/* Writes value in decimal with its terminating NUL; returns the length (at most 20). */
size_t audit_format_int(char out[AUDIT_INT_SIZE], int64_t value);
/* Appends a JSON string literal (quotes and escapes included). */
bool audit_text_append_string(audit_text_t *text, const char *value);
void audit_text_release(audit_text_t *text);

/* Appends one record whose payload is already canonical JSON text. */
int audit_append_canonical(db_t *db, audit_chain_t *chain, const char *time, const char *actor,
                           const char *action, const char *object, const char *canonical,
                           db_error_t *err);

/* Appends one record and advances chain. The caller runs it inside the transaction of the change.
 * On error the chain is not advanced. */
int audit_append(db_t *db, audit_chain_t *chain, const char *time, const char *actor,
                 const char *action, const char *object, const json_t *payload, db_error_t *err);

#endif
