/* transfer.h: external transfers between partner registries. The sender moves the blocks into a
 * pending account and queues a signed proposal; the receiver checks it (blocks valid, not already
 * known there, the destination account open) and either accepts (the units are created in its
 * ledger, keeping their serials in the origin registry) or rejects; the sender then completes
 * (units leave into the partner registry's account; an ITMO's first transfer and CA entry, or its
 * Transfer, are recorded) or terminates (units return to the sender's account). */
#ifndef A6_INTEROP_TRANSFER_H
#define A6_INTEROP_TRANSFER_H

#include <jansson.h>

#include "../core/request.h"
#include "../store/writer.h"
#include "envelope.h"

typedef struct transfer_input {
    const char *actor;
    int64_t from;        /* our account */
    const char *partner; /* the receiving registry */
    int64_t to_account;  /* its account */
    int64_t quantity;    /* or explicit ranges */
    int32_t vintage;     /* optional filter */
    const ledger_range_t *ranges;
    size_t range_count;
} transfer_input_t;

typedef struct transfer_result {
    a6_check_t check;
    const char *field;
    char message[256];
    int64_t id; /* the external transfer */
    int64_t quantity;
    int store_error;
} transfer_result_t;

/* Proposes an external transfer: units to pending, proposal queued (delivered by the outbox). */
void transfer_propose(writer_t *w, const registry_keys_t *keys, const transfer_input_t *in,
                      transfer_result_t *result);

/* The receiver's handler of "transfer.proposal" (an inbox handler). */
int transfer_on_proposal(db_t *db, ledger_state_t *state, const registry_keys_t *keys,
                         const envelope_t *message, json_t **result, a6_check_t *check,
                         char *reason, size_t reason_size, db_error_t *err);

/* The receiver's handler of "jcm.issuance": a partner issued units straight into this registry's
 * account there (the JCM partner share); they are created here for the holder it names (an
 * account opened for it if needed), under the partner's serials. */
int transfer_on_issuance(db_t *db, ledger_state_t *state, const registry_keys_t *keys,
                         const envelope_t *message, json_t **result, a6_check_t *check,
                         char *reason, size_t reason_size, db_error_t *err);

/* Queues the announcements of issuances made into partners' accounts and not announced yet (run
 * by the delivery pass). Returns how many were queued, or a negative db_result_t. */
int transfer_announce_issuances(writer_t *w, db_t *reader, const registry_keys_t *keys,
                                db_error_t *err);

/* The sender's handler of the proposal's answer (an outbox answer handler). */
int transfer_on_answer(db_t *db, ledger_state_t *state, const registry_keys_t *keys,
                       const char *partner, json_t *sent, json_t *answer, db_error_t *err);

/* External transfers, newest first (both directions). */
json_t *transfer_query_all(db_t *db, db_error_t *err);

#endif
