/* fuzz_envelope.c: libFuzzer target for partner message envelopes (interop/envelope.h): any bytes
 * go through envelope_parse; a parsed envelope's signature is checked (it must not verify with a
 * key that never signed it); then the same fields are signed with a test key and parsed back,
 * which must give the same fields and a signature that verifies, while the same bytes with one
 * payload character changed must not verify. */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_fail.h"
#include "interop/envelope.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static registry_keys_t keys;
static int ready;

static void setup(void)
{
    unsigned char seed[crypto_sign_SEEDBYTES];
    if (sodium_init() < 0) fuzz_fail("sodium_init");
    memset(seed, 7, sizeof seed);
    crypto_sign_seed_keypair(keys.public_key, keys.secret_key, seed);
    memcpy(keys.registry_id, "VNM01", 6);
    ready = 1;
}

static void same_fields(const envelope_t *a, const envelope_t *b)
{
    if (strcmp(a->receiver, b->receiver) || strcmp(a->id, b->id) || a->sequence != b->sequence ||
        strcmp(a->type, b->type) || strcmp(a->time, b->time) ||
        !json_equal(a->payload, b->payload))
        fuzz_fail("an envelope signed and parsed back differs from its fields");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) setup();
    envelope_t parsed;
    const char *field;
    a6_check_t check = envelope_parse((const char *)data, size, &parsed, &field);
    if (check != A6_OK) {
        if (check != A6_CHECK_ENVELOPE_INVALID || !field) fuzz_fail("parse: unexpected outcome");
        envelope_release(&parsed);
        return 0;
    }
    if (envelope_verify(&parsed, keys.public_key) == A6_OK &&
        strcmp(parsed.sender, keys.registry_id) != 0)
        fuzz_fail("a signature verified although the test key never signed this sender");
    char *text = envelope_sign(&keys, parsed.receiver, parsed.id, parsed.sequence, parsed.type,
                               parsed.time, parsed.payload);
    if (!text) fuzz_fail("sign: out of memory");
    envelope_t again;
    if (envelope_parse(text, strlen(text), &again, &field) != A6_OK)
        fuzz_fail("a signed envelope does not parse back (%s)", field ? field : "?");
    same_fields(&parsed, &again);
    if (envelope_verify(&again, keys.public_key) != A6_OK)
        fuzz_fail("a signed envelope does not verify");
    /* Altering the payload breaks the signature. */
    json_object_set_new(again.payload, "altered", json_true());
    json_object_set(again.object, "payload", again.payload);
    if (envelope_verify(&again, keys.public_key) == A6_OK)
        fuzz_fail("an altered envelope still verifies");
    envelope_release(&again);
    envelope_release(&parsed);
    free(text);
    return 0;
}
