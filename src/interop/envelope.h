/* envelope.h: the signed envelope of every message between partner registries: sender and
 * receiver registry IDs, a unique message id, the per-partner sequence number, a type, the time,
 * a JSON payload, and an Ed25519 signature over the canonical bytes of all the other fields (the
 * canonical JSON of the audit log: sorted keys, no spaces). Answers are envelopes too (type
 * "answer", sequence 0), so a forged answer is refused like a forged message. */
#ifndef A6_INTEROP_ENVELOPE_H
#define A6_INTEROP_ENVELOPE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/check.h"

#define ENVELOPE_ID_SIZE 33        /* 32 hex digits and the terminator */
#define ENVELOPE_TYPE_MAX 47       /* bytes of a message type ("transfer.proposal") */
#define ENVELOPE_KEY_HEX_SIZE 65   /* an Ed25519 public key in hex, terminated */
#define ENVELOPE_BYTES_MAX 1048576 /* the largest envelope accepted */

/* This registry's identity: its ID and Ed25519 key pair. */
typedef struct registry_keys {
    char registry_id[8];
    unsigned char public_key[32];
    unsigned char secret_key[64];
} registry_keys_t;

/* A parsed envelope. payload and object are owned (envelope_release). */
typedef struct envelope {
    char sender[8];
    char receiver[8];
    char id[ENVELOPE_ID_SIZE];
    int64_t sequence;
    char type[ENVELOPE_TYPE_MAX + 1];
    char time[32];
    json_t *payload;
    json_t *object; /* the whole envelope as received */
} envelope_t;

/* A new random message id (32 hex digits). */
void envelope_new_id(char out[ENVELOPE_ID_SIZE]);

/* Builds and signs an envelope; returns its JSON text (caller frees) or NULL when out of memory.
 * payload is borrowed. */
char *envelope_sign(const registry_keys_t *keys, const char *receiver, const char *id,
                    int64_t sequence, const char *type, const char *time, json_t *payload);

/* Parses an envelope strictly (exactly the eight fields, their types and shapes): A6_OK, or
 * A6_CHECK_ENVELOPE_INVALID with *field naming the first bad one. */
a6_check_t envelope_parse(const char *text, size_t length, envelope_t *out, const char **field);

/* A6_OK when the signature verifies with public_key, else A6_CHECK_SIGNATURE_INVALID. */
a6_check_t envelope_verify(const envelope_t *envelope, const unsigned char public_key[32]);

void envelope_release(envelope_t *envelope);

/* Hex helpers for keys: false unless text is exactly 2 * size hex digits. */
bool envelope_hex_decode(const char *text, unsigned char *out, size_t size);
void envelope_hex_encode(const unsigned char *bytes, size_t size, char *out);

#endif
