/* envelope.c: building, parsing and verifying signed partner messages (libsodium Ed25519 over the
 * canonical JSON of every field but the signature). */
#include "envelope.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../audit/audit.h"
#include "../core/article6.h"

void envelope_new_id(char out[ENVELOPE_ID_SIZE])
{
    unsigned char bytes[16];
    randombytes_buf(bytes, sizeof bytes);
    envelope_hex_encode(bytes, sizeof bytes, out);
}

void envelope_hex_encode(const unsigned char *bytes, size_t size, char *out)
{
    sodium_bin2hex(out, 2 * size + 1, bytes, size);
}

bool envelope_hex_decode(const char *text, unsigned char *out, size_t size)
{
    size_t length = 0;
    if (!text || strlen(text) != 2 * size) return false;
    for (const char *p = text; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')))
            return false;
    return sodium_hex2bin(out, size, text, 2 * size, NULL, &length, NULL) == 0 && length == size;
}

/* The canonical bytes signed: every field but the signature. Caller frees. */
static char *signed_bytes(json_t *object)
{
    json_t *copy = json_copy(object);
    if (!copy) return NULL;
    json_object_del(copy, "signature");
    char *text = audit_canonical_json(copy);
    json_decref(copy);
    return text;
}

char *envelope_sign(const registry_keys_t *keys, const char *receiver, const char *id,
                    int64_t sequence, const char *type, const char *time, json_t *payload)
{
    json_t *object = json_pack("{ss ss ss sI ss ss sO}", "sender", keys->registry_id, "receiver",
                               receiver, "id", id, "sequence", (json_int_t)sequence, "type", type,
                               "time", time, "payload", payload);
    char *bytes = object ? signed_bytes(object) : NULL;
    if (!bytes) {
        json_decref(object);
        return NULL;
    }
    unsigned char signature[crypto_sign_BYTES];
    crypto_sign_detached(signature, NULL, (const unsigned char *)bytes, strlen(bytes),
                         keys->secret_key);
    free(bytes);
    char hex[2 * crypto_sign_BYTES + 1];
    envelope_hex_encode(signature, sizeof signature, hex);
    json_object_set_new(object, "signature", json_string(hex));
    char *text = json_dumps(object, JSON_COMPACT);
    json_decref(object);
    return text;
}

static bool copy_text(json_t *object, const char *key, char *out, size_t size)
{
    const char *text = json_string_value(json_object_get(object, key));
    if (!text || strlen(text) >= size || !*text) return false;
    snprintf(out, size, "%s", text);
    return true;
}

static bool hex_id(const char *text)
{
    if (strlen(text) != ENVELOPE_ID_SIZE - 1) return false;
    for (const char *p = text; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return false;
    return true;
}

static bool type_valid(const char *text)
{
    for (const char *p = text; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || *p == '.' || *p == '_')) return false;
    return true;
}

a6_check_t envelope_parse(const char *text, size_t length, envelope_t *out, const char **field)
{
    static const char *const keys[] = {"sender", "receiver", "id",      "sequence",
                                       "type",   "time",     "payload", "signature"};
    memset(out, 0, sizeof *out);
    *field = "envelope";
    if (!text || length == 0 || length > ENVELOPE_BYTES_MAX) return A6_CHECK_ENVELOPE_INVALID;
    json_error_t error;
    json_t *object = json_loadb(text, length, JSON_REJECT_DUPLICATES, &error);
    if (!json_is_object(object) || json_object_size(object) != 8) {
        json_decref(object);
        return A6_CHECK_ENVELOPE_INVALID;
    }
    out->object = object;
    for (size_t i = 0; i < 8; i++)
        if (!json_object_get(object, keys[i])) {
            *field = keys[i];
            return A6_CHECK_ENVELOPE_INVALID;
        }
    json_t *sequence = json_object_get(object, "sequence");
    const char *signature = json_string_value(json_object_get(object, "signature"));
    unsigned char raw[64];
    if (!copy_text(object, "sender", out->sender, sizeof out->sender) ||
        a6_registry_id_check(out->sender) != A6_OK)
        *field = "sender";
    else if (!copy_text(object, "receiver", out->receiver, sizeof out->receiver) ||
             a6_registry_id_check(out->receiver) != A6_OK)
        *field = "receiver";
    else if (!copy_text(object, "id", out->id, sizeof out->id) || !hex_id(out->id))
        *field = "id";
    else if (!json_is_integer(sequence) || json_integer_value(sequence) < 0)
        *field = "sequence";
    else if (!copy_text(object, "type", out->type, sizeof out->type) || !type_valid(out->type))
        *field = "type";
    else if (!copy_text(object, "time", out->time, sizeof out->time))
        *field = "time";
    else if (!json_is_object(json_object_get(object, "payload")))
        *field = "payload";
    else if (!envelope_hex_decode(signature, raw, sizeof raw))
        *field = "signature";
    else
        *field = NULL;
    if (*field) return A6_CHECK_ENVELOPE_INVALID;
    out->sequence = json_integer_value(sequence);
    out->payload = json_incref(json_object_get(object, "payload"));
    return A6_OK;
}

a6_check_t envelope_verify(const envelope_t *envelope, const unsigned char public_key[32])
{
    unsigned char signature[crypto_sign_BYTES];
    const char *hex = json_string_value(json_object_get(envelope->object, "signature"));
    if (!envelope_hex_decode(hex, signature, sizeof signature)) return A6_CHECK_SIGNATURE_INVALID;
    char *bytes = signed_bytes(envelope->object);
    if (!bytes) return A6_CHECK_SIGNATURE_INVALID;
    int rc = crypto_sign_verify_detached(signature, (const unsigned char *)bytes, strlen(bytes),
                                         public_key);
    free(bytes);
    return rc == 0 ? A6_OK : A6_CHECK_SIGNATURE_INVALID;
}

void envelope_release(envelope_t *envelope)
{
    json_decref(envelope->payload);
    json_decref(envelope->object);
    envelope->payload = envelope->object = NULL;
}
