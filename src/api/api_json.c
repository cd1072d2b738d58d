/* api_json.c: strict JSON bodies, typed fields, errors with check codes and HTTP statuses, and
 * stable cursor paging. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"

unsigned api_status_for(a6_check_t check)
{
    switch (check) {
    case A6_OK:
        return 200;
    case A6_CHECK_BODY_TOO_LARGE:
        return 413;
    case A6_CHECK_ROUTE_NOT_FOUND:
    case A6_CHECK_ACCOUNT_NOT_FOUND:
    case A6_CHECK_APPROVAL_NOT_FOUND:
    case A6_CHECK_METHODOLOGY_NOT_FOUND:
    case A6_CHECK_ACTIVITY_NOT_FOUND:
    case A6_CHECK_PERIOD_NOT_FOUND:
    case A6_CHECK_USER_NOT_FOUND:
    case A6_CHECK_TRANSACTION_NOT_FOUND:
    case A6_CHECK_AUTHORIZATION_NOT_FOUND:
    case A6_CHECK_APPROACH_NOT_FOUND:
    case A6_CHECK_ENTITY_NOT_FOUND:
    case A6_CHECK_PARTNER_NOT_FOUND:
        return 404;
    case A6_CHECK_METHOD_NOT_ALLOWED:
        return 405;
    case A6_CHECK_AUTHENTICATION_REQUIRED:
    case A6_CHECK_TOKEN_INVALID:
    case A6_CHECK_CREDENTIALS_INVALID:
        return 401;
    case A6_CHECK_ROLE_NOT_ALLOWED:
    case A6_CHECK_ACCOUNT_NOT_OWNED:
    case A6_CHECK_APPROVAL_BY_REQUESTER:
    case A6_CHECK_SENDER_UNKNOWN:
    case A6_CHECK_SIGNATURE_INVALID:
        return 403;
    case A6_CHECK_ENVELOPE_INVALID:
    case A6_CHECK_KEY_INVALID:
        return 400;
    case A6_CHECK_PARTNER_UNREACHABLE:
        return 503;
    case A6_CHECK_IDEMPOTENCY_KEY_REUSED:
    case A6_CHECK_ACCOUNT_CLOSED:
    case A6_CHECK_ACCOUNT_NOT_EMPTY:
    case A6_CHECK_APPROVAL_DECIDED:
    case A6_CHECK_USER_EXISTS:
    case A6_CHECK_INSUFFICIENT_HOLDINGS:
    case A6_CHECK_BLOCK_NOT_HELD:
    case A6_CHECK_SERIAL_OVERFLOW:
    case A6_CHECK_TRANSITION_NOT_ALLOWED:
    case A6_CHECK_ALREADY_ISSUED:
    case A6_CHECK_ACTIVITY_EXISTS:
    case A6_CHECK_METHODOLOGY_EXISTS:
    case A6_CHECK_MONITORING_OVERLAP:
    case A6_CHECK_PERIOD_STAGE:
    case A6_CHECK_APPROACH_EXISTS:
    case A6_CHECK_ENTITY_EXISTS:
    case A6_CHECK_MESSAGE_REPLAYED:
    case A6_CHECK_SEQUENCE_GAP:
    case A6_CHECK_PARTNER_EXISTS:
        return 409;
    default:
        break;
    }
    return check < 2000 ? 400 : 422;
}

void api_json(api_response_t *response, unsigned status, json_t *value)
{
    response->status = status;
    response->content_type = "application/json";
    response->body = value ? json_dumps(value, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (!response->body) {
        response->status = 500;
        response->body = strdup("{\"error\":{\"code\":0,\"check\":\"internal\","
                                "\"message\":\"cannot encode the response\"}}");
    }
    response->length = response->body ? strlen(response->body) : 0;
    json_decref(value);
}

void api_error(api_response_t *response, a6_check_t check, const char *field, const char *message)
{
    json_t *error = json_pack("{si ss ss}", "code", (int)check, "check", a6_check_name(check),
                              "message", message ? message : a6_check_description(check));
    /* A message that is not valid UTF-8 (text cut inside a character) must not turn a refusal
     * into a 500: the check's own description stands in for it. */
    if (!error)
        error = json_pack("{si ss ss}", "code", (int)check, "check", a6_check_name(check),
                          "message", a6_check_description(check));
    json_t *name = field ? json_string(field) : NULL;
    if (name) json_object_set_new(error, "field", name);
    api_json(response, api_status_for(check), json_pack("{so}", "error", error));
}

void api_storage_error(api_response_t *response, const char *message)
{
    json_t *error = json_pack("{si ss ss}", "code", 0, "check", "storage-unavailable", "message",
                              message ? message : "storage error");
    api_json(response, 503, json_pack("{so}", "error", error));
}

json_t *api_body_object(const api_request_t *request, api_response_t *response)
{
    if (!request->body || request->body_length == 0) {
        api_error(response, A6_CHECK_JSON_INVALID, NULL, "the request needs a JSON object body");
        return NULL;
    }
    json_error_t error;
    json_t *value = json_loadb(request->body, request->body_length, JSON_REJECT_DUPLICATES, &error);
    if (!value) {
        char message[256];
        snprintf(message, sizeof message, "invalid JSON at line %d column %d: %s", error.line,
                 error.column, error.text);
        /* jansson quotes the offending bytes, which may not be UTF-8: keep printable ASCII. */
        for (char *p = message; *p; p++)
            if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e) *p = '?';
        api_error(response, A6_CHECK_JSON_INVALID, NULL, message);
        return NULL;
    }
    if (!json_is_object(value)) {
        json_decref(value);
        api_error(response, A6_CHECK_JSON_INVALID, NULL, "the body must be a JSON object");
        return NULL;
    }
    return value;
}

/* Depth of a JSON value (1 for a scalar). */
static size_t json_depth(json_t *value, size_t limit)
{
    if (limit == 0) return 1;
    size_t deepest = 0, i;
    const char *key;
    json_t *child;
    if (json_is_object(value)) {
        json_object_foreach(value, key, child)
        {
            size_t d = json_depth(child, limit - 1);
            if (d > deepest) deepest = d;
        }
    } else if (json_is_array(value)) {
        json_array_foreach(value, i, child)
        {
            size_t d = json_depth(child, limit - 1);
            if (d > deepest) deepest = d;
        }
    }
    return deepest + 1;
}

bool api_only_fields(json_t *object, const char *const *allowed, api_response_t *response)
{
    if (json_depth(object, API_JSON_DEPTH_MAX + 1) > API_JSON_DEPTH_MAX) {
        api_error(response, A6_CHECK_JSON_INVALID, NULL, "the body is nested too deeply");
        return false;
    }
    const char *key;
    json_t *value;
    json_object_foreach(object, key, value)
    {
        bool known = false;
        for (const char *const *a = allowed; *a && !known; a++)
            known = strcmp(*a, key) == 0;
        if (!known) {
            char message[160];
            /* at most 80 bytes of the name, cut between characters, not inside one */
            int shown = 80;
            if ((int)strlen(key) > shown)
                while (shown > 0 && ((unsigned char)key[shown] & 0xC0) == 0x80)
                    shown--;
            snprintf(message, sizeof message, "unknown field '%.*s'", shown, key);
            api_error(response, A6_CHECK_FIELD_UNKNOWN, key, message);
            return false;
        }
    }
    return true;
}

bool api_int_field(json_t *object, const char *key, bool required, int64_t *out, bool *present,
                   api_response_t *response)
{
    json_t *value = json_object_get(object, key);
    if (present) *present = value != NULL && !json_is_null(value);
    if (!value || json_is_null(value)) {
        if (!required) return true;
        char message[120];
        snprintf(message, sizeof message, "%s is required", key);
        api_error(response, A6_CHECK_FIELD_MISSING, key, message);
        return false;
    }
    if (!json_is_integer(value)) {
        char message[120];
        snprintf(message, sizeof message, "%s must be a whole number", key);
        api_error(response, A6_CHECK_FIELD_TYPE, key, message);
        return false;
    }
    *out = json_integer_value(value);
    return true;
}

bool api_string_field(json_t *object, const char *key, bool required, const char **out,
                      api_response_t *response)
{
    json_t *value = json_object_get(object, key);
    *out = NULL;
    if (!value || json_is_null(value)) {
        if (!required) return true;
        char message[120];
        snprintf(message, sizeof message, "%s is required", key);
        api_error(response, A6_CHECK_FIELD_MISSING, key, message);
        return false;
    }
    if (!json_is_string(value)) {
        char message[120];
        snprintf(message, sizeof message, "%s must be a string", key);
        api_error(response, A6_CHECK_FIELD_TYPE, key, message);
        return false;
    }
    *out = json_string_value(value);
    if (strlen(*out) != json_string_length(value)) {
        api_error(response, A6_CHECK_TEXT_INVALID, key, "strings may not contain NUL characters");
        return false;
    }
    return true;
}

bool api_id_param(const char *text, const char *field, int64_t *out, api_response_t *response)
{
    int64_t value = 0;
    bool ok = text && *text && strlen(text) <= 18;
    for (const char *p = text; ok && *p; p++) {
        ok = *p >= '0' && *p <= '9';
        value = value * 10 + (*p - '0');
    }
    if (!ok || value <= 0) {
        api_error(response, A6_CHECK_ID_INVALID, field, "ids are positive whole numbers");
        return false;
    }
    *out = value;
    return true;
}

/* Cursor text of a key value: hex of its text, so that any key is a safe query parameter. */
static void cursor_of(json_t *key, char *out, size_t size)
{
    char text[256];
    if (json_is_integer(key))
        snprintf(text, sizeof text, "%lld", (long long)json_integer_value(key));
    else
        snprintf(text, sizeof text, "%s", json_is_string(key) ? json_string_value(key) : "");
    size_t length = strlen(text), i = 0;
    for (; i < length && 2 * i + 2 < size; i++)
        snprintf(out + 2 * i, 3, "%02x", (unsigned char)text[i]);
    out[2 * i] = '\0';
}

void api_page(const api_request_t *request, api_response_t *response, json_t *items,
              const char *key_field)
{
    const char *limit_text = request->query ? request->query(request->transport, "limit") : NULL;
    const char *cursor = request->query ? request->query(request->transport, "cursor") : NULL;
    int64_t limit = API_PAGE_LIMIT_DEFAULT;
    if (limit_text && (!api_id_param(limit_text, "limit", &limit, response))) {
        json_decref(items);
        return;
    }
    if (limit > API_PAGE_LIMIT_MAX) limit = API_PAGE_LIMIT_MAX;
    size_t start = 0, count = json_array_size(items);
    if (cursor) {
        /* The cursor is the hex of the last key returned; the page starts after it (items are
         * sorted by key), so it stays valid whatever is added or removed meanwhile. */
        char key[260];
        size_t length = strlen(cursor);
        bool ok = length > 0 && length % 2 == 0 && length / 2 < sizeof key;
        for (size_t i = 0; ok && i < length / 2; i++) {
            unsigned byte;
            ok = sscanf(cursor + 2 * i, "%2x", &byte) == 1 && byte >= 0x20;
            key[i] = (char)byte;
        }
        if (ok) key[length / 2] = '\0';
        if (!ok) {
            json_decref(items);
            api_error(response, A6_CHECK_CURSOR_INVALID, "cursor", NULL);
            return;
        }
        while (start < count) {
            json_t *k = json_object_get(json_array_get(items, start), key_field);
            int after = json_is_integer(k)
                            ? json_integer_value(k) > strtoll(key, NULL, 10)
                            : strcmp(json_string_value(k) ? json_string_value(k) : "", key) > 0;
            if (after) break;
            start++;
        }
    }
    json_t *page = json_array();
    for (size_t i = start; i < count && (int64_t)(i - start) < limit; i++)
        json_array_append(page, json_array_get(items, i));
    json_t *next = json_null();
    if (start + (size_t)limit < count) {
        char key[520];
        cursor_of(json_object_get(json_array_get(page, json_array_size(page) - 1), key_field), key,
                  sizeof key);
        next = json_string(key);
    }
    json_decref(items);
    api_json(response, 200, json_pack("{so so}", "items", page, "next_cursor", next));
}

int api_today(void)
{
    return (int)(time(NULL) / 86400);
}
