/* test_sha256.c: the SHA-256 of core/sha256.c, on both its paths, against the FIPS 180-4 example
 * digests and against libsodium on random inputs fed in random pieces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/sha256.h"

static const a6_sha256_impl_t impls[] = {A6_SHA256_PORTABLE, A6_SHA256_ACCELERATED};

static void hex(const uint8_t digest[A6_SHA256_BYTES], char out[2 * A6_SHA256_BYTES + 1])
{
    for (int i = 0; i < A6_SHA256_BYTES; i++)
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

static void digest_with(a6_sha256_impl_t impl, const void *data, size_t length, size_t piece,
                        uint8_t out[A6_SHA256_BYTES])
{
    a6_sha256_t sha;
    a6_sha256_init_impl(&sha, impl);
    const uint8_t *in = data;
    for (size_t done = 0; done < length;) {
        size_t take = piece && piece < length - done ? piece : length - done;
        a6_sha256_update(&sha, in + done, take);
        done += take;
    }
    a6_sha256_final(&sha, out);
}

static void test_known_digests(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *digest;
    } known[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqr"
         "lmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
    };
    for (size_t i = 0; i < sizeof impls / sizeof impls[0]; i++) {
        for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
            uint8_t digest[A6_SHA256_BYTES];
            char text[2 * A6_SHA256_BYTES + 1];
            digest_with(impls[i], known[k].text, strlen(known[k].text), 0, digest);
            hex(digest, text);
            assert_string_equal(text, known[k].digest);
        }
    }
}

static void test_million_a(void **state)
{
    (void)state;
    enum { LENGTH = 1000000 };
    char *data = malloc(LENGTH);
    assert_non_null(data);
    memset(data, 'a', LENGTH);
    for (size_t i = 0; i < sizeof impls / sizeof impls[0]; i++) {
        uint8_t digest[A6_SHA256_BYTES];
        char text[2 * A6_SHA256_BYTES + 1];
        digest_with(impls[i], data, LENGTH, 997, digest);
        hex(digest, text);
        assert_string_equal(text,
                            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }
    free(data);
}

/* Every length around the block and padding boundaries, and random ones, in random pieces. */
static void test_random_inputs_match_libsodium(void **state)
{
    (void)state;
    enum { MAX = 1200 };
    uint8_t data[MAX];
    unsigned seed = 20261207;
    for (size_t i = 0; i < MAX; i++)
        data[i] = (uint8_t)rand_r(&seed);
    for (size_t round = 0; round < 3000; round++) {
        size_t length = round < 300 ? round : (size_t)rand_r(&seed) % MAX;
        size_t piece = round % 3 == 0 ? 0 : 1 + (size_t)rand_r(&seed) % 130;
        uint8_t expected[A6_SHA256_BYTES];
        crypto_hash_sha256(expected, data, length);
        for (size_t i = 0; i < sizeof impls / sizeof impls[0]; i++) {
            uint8_t digest[A6_SHA256_BYTES];
            digest_with(impls[i], data, length, piece, digest);
            assert_memory_equal(digest, expected, A6_SHA256_BYTES);
        }
    }
    uint8_t one_shot[A6_SHA256_BYTES], expected[A6_SHA256_BYTES];
    a6_sha256(one_shot, data, MAX);
    crypto_hash_sha256(expected, data, MAX);
    assert_memory_equal(one_shot, expected, A6_SHA256_BYTES);
}

/* The accelerated path is the one in use wherever the processor has it (this test is meant for
 * such machines: without SHA-NI it says so and checks the fallback only). */
static void test_fastest_path_is_chosen(void **state)
{
    (void)state;
    a6_sha256_t sha;
    a6_sha256_init(&sha);
    if (!a6_sha256_accelerated()) {
        printf("# this processor has no SHA extensions: the portable path is the only one\n");
        assert_int_equal(sha.impl, A6_SHA256_PORTABLE);
        return;
    }
    assert_int_equal(sha.impl, A6_SHA256_ACCELERATED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_digests),
        cmocka_unit_test(test_million_a),
        cmocka_unit_test(test_random_inputs_match_libsodium),
        cmocka_unit_test(test_fastest_path_is_chosen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
