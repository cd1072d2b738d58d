/* inbox.h: receiving a partner registry's signed message: the envelope is parsed, addressed to
 * this registry, from a registered partner, correctly signed, new (or the same message again,
 * which gets its first answer back), and next in the partner's sequence; then its type's handler
 * runs inside the writer's transaction, and the message and the signed answer are stored and
 * audited in that same transaction before the answer leaves. */
#ifndef A6_INTEROP_INBOX_H
#define A6_INTEROP_INBOX_H

#include "../store/writer.h"
#include "envelope.h"

typedef struct inbox_answer {
    a6_check_t check;  /* A6_OK: body is the signed answer; else the message was refused */
    const char *field; /* the refused envelope field */
    char message[256];
    char *body; /* the signed answer envelope (caller frees), when check is A6_OK */
    int store_error;
} inbox_answer_t;

/* A message type's handler, inside the writer's transaction. It fills *result (a new JSON object,
 * the answer's "result") and returns 0 with *check A6_OK to accept, or 0 with *check and reason
 * set to refuse (the message is still processed: the refusal is its answer); a negative
 * db_result_t aborts everything. */
typedef int (*inbox_handler_fn)(db_t *db, ledger_state_t *state, const registry_keys_t *keys,
                                const envelope_t *message, json_t **result, a6_check_t *check,
                                char *reason, size_t reason_size, db_error_t *err);

typedef struct inbox_route {
    const char *type;
    inbox_handler_fn handler;
} inbox_route_t;

/* Receives one message. reader checks the sender and signature outside the writer. */
void inbox_receive(writer_t *w, db_t *reader, const registry_keys_t *keys, const char *body,
                   size_t length, inbox_answer_t *answer);

/* Builds the signed answer to message (status "accepted" when check is A6_OK, else "rejected"
 * with the check and reason). Caller frees. */
char *inbox_answer_sign(const registry_keys_t *keys, const envelope_t *message, const char *time,
                        a6_check_t check, const char *reason, json_t *result);

#endif
