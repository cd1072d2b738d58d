/* sha256.h: SHA-256 with the processor's SHA instructions (x86-64 SHA-NI) when it has them, and
 * libsodium's portable code otherwise; the same digest either way. The audit chain hashes every
 * record on the single writer's path, where libsodium's portable code was a tenth of a transfer. */
#ifndef A6_SHA256_H
#define A6_SHA256_H

#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define A6_SHA256_BYTES 32

/* Which code computes the digest. */
typedef enum a6_sha256_impl {
    A6_SHA256_PORTABLE,    /* libsodium */
    A6_SHA256_ACCELERATED, /* SHA-NI */
} a6_sha256_impl_t;

typedef struct a6_sha256 {
    a6_sha256_impl_t impl;
    crypto_hash_sha256_state portable;
    uint32_t state[8];
    uint64_t length; /* bytes fed so far */
    uint8_t buffer[64];
    size_t buffered;
} a6_sha256_t;

/* Whether this processor has the SHA instructions (checked once). */
bool a6_sha256_accelerated(void);

/* Starts a digest with the fastest code this processor runs. */
void a6_sha256_init(a6_sha256_t *sha);
/* Starts a digest with the given code; A6_SHA256_ACCELERATED needs a6_sha256_accelerated(). */
void a6_sha256_init_impl(a6_sha256_t *sha, a6_sha256_impl_t impl);
void a6_sha256_update(a6_sha256_t *sha, const void *data, size_t length);
void a6_sha256_final(a6_sha256_t *sha, uint8_t out[A6_SHA256_BYTES]);

/* The digest of one buffer. */
void a6_sha256(uint8_t out[A6_SHA256_BYTES], const void *data, size_t length);

#endif
