/* partners.h: this registry's identity (registry ID and Ed25519 key pair, created by `a6reg
 * init`) and the partner registries it exchanges signed messages with (ID, URL, public key, the
 * sequence numbers of both directions). */
#ifndef A6_INTEROP_PARTNERS_H
#define A6_INTEROP_PARTNERS_H

#include <jansson.h>

#include "../core/access.h"
#include "../store/writer.h"
#include "envelope.h"

#define PARTNER_URL_MAX 512

/* Creates the key pair (and records registry_id) unless the registry has one; keeps an existing
 * identity untouched. Refuses a registry_id other than the one recorded. 0, or a negative
 * db_result_t (err says why). */
int registry_identity_ensure(db_t *db, const char *registry_id, db_error_t *err);

/* Loads the identity; *found 0 when `a6reg init` has not created it yet. */
int registry_identity_load(db_t *db, registry_keys_t *keys, int *found, db_error_t *err);

typedef struct partner {
    char id[8];
    char url[PARTNER_URL_MAX + 1];
    unsigned char public_key[32];
    int64_t next_out_sequence;
    int64_t last_in_sequence;
} partner_t;

/* Loads a partner; *found 0 when unknown. */
int partner_load(db_t *db, const char *id, partner_t *out, int *found, db_error_t *err);

typedef struct partner_result {
    a6_check_t check;
    const char *field;
    char message[256];
    int store_error;
} partner_result_t;

/* Registers a partner (admin): 7001 role, 4002 registry ID (and not this registry's own), 6008
 * key, 1014 URL (http:// or https://, printable, at most PARTNER_URL_MAX bytes), 6007 exists. */
void partner_add(writer_t *w, const char *actor, a6_role_t role, const char *id, const char *url,
                 const char *public_key_hex, partner_result_t *result);

json_t *partner_query_all(db_t *db, db_error_t *err);

/* Inside a writer operation: queues a signed message of type with payload for partner, assigning
 * the partner's next sequence number; *id gets the message id. Audited. 0, or a negative
 * db_result_t (an unknown partner is DB_ERROR with err saying so: callers check first). */
int message_enqueue(db_t *db, ledger_state_t *state, const registry_keys_t *keys,
                    const char *partner, const char *type, json_t *payload,
                    char id[ENVELOPE_ID_SIZE], db_error_t *err);

#endif
