/* sha256.c: SHA-256 (FIPS 180-4) on x86-64's SHA extensions, falling back to libsodium's portable
 * code. The accelerated path keeps its own state, buffering and padding; each 64-byte block is
 * compressed with sha256rnds2 (two rounds per instruction) and the message schedule with
 * sha256msg1/sha256msg2. Tests compare both paths with libsodium on random inputs. */
#include "sha256.h"

#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#define A6_SHA256_HAVE_SHANI 1
#else
#define A6_SHA256_HAVE_SHANI 0
#endif

static const uint32_t initial_state[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                          0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

#if A6_SHA256_HAVE_SHANI
static const uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

/* Compresses count 64-byte blocks into state (a, b, ..., h as 32-bit words). The instructions
 * keep the state as two registers, {a, b, e, f} and {c, d, g, h}. */
__attribute__((target("sha,sse4.1,ssse3"))) static void
compress_shani(uint32_t state[8], const uint8_t *data, size_t count)
{
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i dcba = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
    for (; count > 0; count--, data += 64) {
        const __m128i abef_before = abef, cdgh_before = cdgh;
        __m128i w[4]; /* the last four groups of four schedule words */
#pragma GCC unroll 16
        for (int group = 0; group < 16; group++) {
            __m128i words;
            if (group < 4) {
                words = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * group)),
                                         byte_swap);
            } else {
                /* W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four at a time */
                words = _mm_sha256msg1_epu32(w[group & 3], w[(group + 1) & 3]);
                words = _mm_add_epi32(words,
                                      _mm_alignr_epi8(w[(group + 3) & 3], w[(group + 2) & 3], 4));
                words = _mm_sha256msg2_epu32(words, w[(group + 3) & 3]);
            }
            w[group & 3] = words;
            __m128i input =
                _mm_add_epi32(words, _mm_loadu_si128((const __m128i *)&round_constants[4 * group]));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, input);
            input = _mm_shuffle_epi32(input, 0x0E);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, input);
        }
        abef = _mm_add_epi32(abef, abef_before);
        cdgh = _mm_add_epi32(cdgh, cdgh_before);
    }
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

static bool detect_shani(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3)) return false;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
}
#else
/* Never called: without the SHA extensions a6_sha256_accelerated() is false and every digest
 * takes libsodium's path. */
static void compress_shani(uint32_t state[8], const uint8_t *data, size_t count)
{
    (void)state, (void)data, (void)count;
}

static bool detect_shani(void)
{
    return false;
}
#endif

bool a6_sha256_accelerated(void)
{
    /* 0 unknown, 1 no, 2 yes; detection is idempotent, so a race only repeats it */
    static int known;
    int seen = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (!seen) {
        seen = detect_shani() ? 2 : 1;
        __atomic_store_n(&known, seen, __ATOMIC_RELAXED);
    }
    return seen == 2;
}

void a6_sha256_init_impl(a6_sha256_t *sha, a6_sha256_impl_t impl)
{
    if (impl == A6_SHA256_ACCELERATED && !a6_sha256_accelerated()) impl = A6_SHA256_PORTABLE;
    sha->impl = impl;
    sha->length = 0;
    sha->buffered = 0;
    if (impl == A6_SHA256_PORTABLE)
        crypto_hash_sha256_init(&sha->portable);
    else
        memcpy(sha->state, initial_state, sizeof initial_state);
}

void a6_sha256_init(a6_sha256_t *sha)
{
    a6_sha256_init_impl(sha, a6_sha256_accelerated() ? A6_SHA256_ACCELERATED : A6_SHA256_PORTABLE);
}

void a6_sha256_update(a6_sha256_t *sha, const void *data, size_t length)
{
    const uint8_t *in = data;
    if (sha->impl == A6_SHA256_PORTABLE) {
        crypto_hash_sha256_update(&sha->portable, in, length);
        return;
    }
    sha->length += length;
    if (sha->buffered) {
        size_t take = 64 - sha->buffered < length ? 64 - sha->buffered : length;
        memcpy(sha->buffer + sha->buffered, in, take);
        sha->buffered += take;
        in += take;
        length -= take;
        if (sha->buffered < 64) return;
        compress_shani(sha->state, sha->buffer, 1);
        sha->buffered = 0;
    }
    if (length >= 64) {
        compress_shani(sha->state, in, length / 64);
        in += length - length % 64;
        length %= 64;
    }
    if (length) memcpy(sha->buffer, in, length);
    sha->buffered = length;
}

void a6_sha256_final(a6_sha256_t *sha, uint8_t out[A6_SHA256_BYTES])
{
    if (sha->impl == A6_SHA256_PORTABLE) {
        crypto_hash_sha256_final(&sha->portable, out);
        return;
    }
    /* padding: 0x80, zeros up to 56 bytes mod 64, then the length in bits, big-endian */
    uint64_t bits = sha->length * 8;
    sha->buffer[sha->buffered++] = 0x80;
    if (sha->buffered > 56) {
        memset(sha->buffer + sha->buffered, 0, 64 - sha->buffered);
        compress_shani(sha->state, sha->buffer, 1);
        sha->buffered = 0;
    }
    memset(sha->buffer + sha->buffered, 0, 56 - sha->buffered);
    for (int i = 0; i < 8; i++)
        sha->buffer[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    compress_shani(sha->state, sha->buffer, 1);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(sha->state[i] >> 24);
        out[4 * i + 1] = (uint8_t)(sha->state[i] >> 16);
        out[4 * i + 2] = (uint8_t)(sha->state[i] >> 8);
        out[4 * i + 3] = (uint8_t)sha->state[i];
    }
}

void a6_sha256(uint8_t out[A6_SHA256_BYTES], const void *data, size_t length)
{
    a6_sha256_t sha;
    a6_sha256_init(&sha);
    a6_sha256_update(&sha, data, length);
    a6_sha256_final(&sha, out);
}
