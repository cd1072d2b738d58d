/* fuzz_request.c: libFuzzer target for the JSON API's write handlers. Byte 0 chooses the handler
 * (bit 0: POST /api/v1/transactions or POST /api/v1/accounts), the caller (bits 1-2: admin,
 * committee, participant, observer) and an idempotency key (bit 3: present, bits 4-7: which of 16);
 * the rest is the HTTP body, given to the real handler with a real writer and reader on a
 * temporary registry. After each input: never a 5xx; the body is one JSON object; an error names
 * its check and answers with that check's status; a rejected or replayed request changes nothing;
 * units held equal units issued; every FUZZ_VERIFY_CHANGES changes, the audit log replays to the
 * tables (`a6reg verify`). Every FUZZ_RESET_INPUTS inputs the registry is verified and replaced, so
 * that it stays small; on a failure, every input it was given is saved to replay the failure. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "fuzz_registry.h"

#define FUZZ_RESET_INPUTS 2048
#define FUZZ_VERIFY_CHANGES 64    /* changes between two verifications of the whole registry */
#define FUZZ_FOUR_EYES_ABOVE 1000 /* participants' transfers above this wait for approval */
#define FUZZ_ACTOR "fuzz-setup"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { USER_ADMIN, USER_COMMITTEE, USER_PARTICIPANT, USER_OBSERVER, USER_COUNT };

typedef struct fixture {
    fuzz_registry_t registry;
    api_context_t context;
    auth_user_t users[USER_COUNT];
    fuzz_fingerprint_t fingerprint; /* after the last input */
    fuzz_history_t history;         /* the inputs given to this registry */
    size_t inputs;                  /* handled on this registry */
    size_t changes;                 /* inputs that changed this registry */
} fixture_t;

static fixture_t fixture;

/* Opens an account through the writer; aborts unless accepted. */
static int64_t setup_account(const char *holder, ledger_account_type_t type)
{
    ledger_request_t request = {.kind = LEDGER_REQUEST_ACCOUNT_OPEN,
                                .actor = FUZZ_ACTOR,
                                .holder = holder,
                                .account_type = type,
                                .party = "VNM"};
    ledger_result_t result;
    writer_submit(fixture.registry.writer, &request, &result);
    if (result.store_error < 0 || result.check != A6_OK)
        fuzz_fail("setup: cannot open an account for %s: %s", holder, result.message);
    return result.id;
}

/* Issues units into an account; aborts unless accepted. */
static void setup_issue(int64_t to, int64_t quantity, int32_t vintage, ledger_unit_type_t unit)
{
    ledger_request_t request = {.kind = LEDGER_REQUEST_TRANSACTION,
                                .actor = FUZZ_ACTOR,
                                .tx_type = LEDGER_TX_ISSUE,
                                .to = to,
                                .quantity = quantity,
                                .vintage = vintage,
                                .unit_type = unit};
    ledger_result_t result;
    writer_submit(fixture.registry.writer, &request, &result);
    if (result.store_error < 0 || result.check != A6_OK)
        fuzz_fail("setup: cannot issue %lld units: %s", (long long)quantity, result.message);
}

/* Adds a user and loads it back through its token, as the server does for each request. */
static void setup_user(auth_user_t *user, const char *name, a6_role_t role, const char *holder)
{
    char token[AUTH_TOKEN_SIZE];
    auth_result_t result;
    auth_user_add(fixture.registry.writer, FUZZ_ACTOR, name, role, holder, token, &result);
    if (result.store_error < 0 || result.check != A6_OK)
        fuzz_fail("setup: cannot add user %s: %s", name, result.message);
    a6_check_t check;
    db_error_t err = {0};
    if (auth_token_lookup(fixture.registry.reader, token, user, &check, &err) < 0 || check != A6_OK)
        fuzz_fail("setup: the token of %s does not work: %s", name, err.message);
}

/* A registry with four users, accounts 1-4 (ids the seed corpus uses) and units of several
 * vintages and types. The registry's own retirement and cancellation accounts are opened by the
 * first request that needs them, in that request's own savepoint. */
static void fixture_setup(void)
{
    fuzz_registry_open(&fixture.registry, "request");
    fixture.context = (api_context_t){.writer = fixture.registry.writer,
                                      .db_location = fixture.registry.path,
                                      .four_eyes_above = FUZZ_FOUR_EYES_ABOVE};
    setup_user(&fixture.users[USER_ADMIN], "fuzz-admin", ROLE_ADMIN, NULL);
    setup_user(&fixture.users[USER_COMMITTEE], "fuzz-committee", ROLE_COMMITTEE, NULL);
    setup_user(&fixture.users[USER_PARTICIPANT], "fuzz-participant", ROLE_PARTICIPANT,
               "Alpha Energy");
    setup_user(&fixture.users[USER_OBSERVER], "fuzz-observer", ROLE_OBSERVER, NULL);

    int64_t alpha = setup_account("Alpha Energy", LEDGER_ACCOUNT_HOLDING);
    int64_t alpha_second = setup_account("Alpha Energy", LEDGER_ACCOUNT_HOLDING);
    int64_t beta = setup_account("Beta Cement", LEDGER_ACCOUNT_HOLDING);
    setup_account("Government of Viet Nam", LEDGER_ACCOUNT_HOLDING);
    if (alpha != 1 || beta != 3) fuzz_fail("setup: unexpected account ids");
    setup_issue(alpha, 5000, 2021, LEDGER_UNIT_JCM_CREDIT);
    setup_issue(alpha, 800, 2022, LEDGER_UNIT_DOMESTIC_CREDIT);
    setup_issue(beta, 20000, 2020, LEDGER_UNIT_JCM_CREDIT);
    setup_issue(alpha_second, 50, 2023, LEDGER_UNIT_JCM_CREDIT);
    fuzz_registry_fingerprint(&fixture.registry, &fixture.fingerprint);
    fixture.inputs = fixture.changes = 0;
}

static void fixture_release(void)
{
    fuzz_history_clear(&fixture.history);
    if (fixture.registry.writer) fuzz_registry_close(&fixture.registry);
}

/* On a failure: what led this registry to its state, to replay it. */
static void save_history(void)
{
    fuzz_history_save(&fixture.history);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fixture_setup();
    atexit(fixture_release);
    fuzz_fail_hook = save_history;
    return 0;
}

/* An error body: {"error": {"code", "check", "message", "field"?}} whose code answers status. */
static void check_error(json_t *reply, unsigned status)
{
    json_t *error = json_object_get(reply, "error");
    json_t *code = json_object_get(error, "code");
    if (!json_is_object(error) || !json_is_integer(code) ||
        !json_is_string(json_object_get(error, "check")) ||
        !json_is_string(json_object_get(error, "message")))
        fuzz_fail("status %u without a well-formed error object", status);
    unsigned expected = api_status_for((a6_check_t)json_integer_value(code));
    if (expected != status)
        fuzz_fail("check %lld answers %u, not %u", (long long)json_integer_value(code), status,
                  expected);
}

/* A success of POST /transactions: completed or awaiting approval, 201 when new (and stored), 200
 * when an idempotency key replayed an earlier one (nothing stored). */
static void check_transaction_reply(json_t *reply, unsigned status, int changed)
{
    json_t *id = json_object_get(reply, "id");
    const char *state = json_string_value(json_object_get(reply, "status"));
    if (!json_is_integer(id) || json_integer_value(id) <= 0 || !state)
        fuzz_fail("transaction reply %u without id and status", status);
    int replayed = json_is_true(json_object_get(reply, "replayed"));
    json_t *quantity = json_object_get(reply, "quantity");
    if (strcmp(state, "awaiting_approval") != 0 &&
        (strcmp(state, "completed") != 0 || !json_is_integer(quantity) ||
         json_integer_value(quantity) <= 0))
        fuzz_fail("transaction reply with status '%s' and no positive quantity", state);
    if (status != (replayed ? 200u : 201u))
        fuzz_fail("'%s' answered %u (replayed: %d)", state, status, replayed);
    if (changed == replayed)
        fuzz_fail(replayed ? "a replayed '%s' changed the registry" : "a new '%s' changed nothing",
                  state);
}

/* Checks one response and the registry after it; aborts on any broken invariant. */
static void check_response(const api_response_t *response, int accounts)
{
    unsigned status = response->status;
    if (status < 200 || status >= 500)
        fuzz_fail("status %u: %.*s", status, (int)response->length,
                  response->body ? response->body : "");
    if (!response->body || response->length != strlen(response->body))
        fuzz_fail("status %u with no body or a body of the wrong length", status);
    json_error_t error;
    json_t *reply = json_loadb(response->body, response->length, JSON_REJECT_DUPLICATES, &error);
    if (!json_is_object(reply))
        fuzz_fail("status %u with a body that is not a JSON object (%s): %s", status, error.text,
                  response->body);

    fuzz_fingerprint_t after;
    fuzz_registry_fingerprint(&fixture.registry, &after);
    int changed = !fuzz_fingerprint_equal(&fixture.fingerprint, &after);
    if (status >= 400) {
        check_error(reply, status);
        if (changed) fuzz_fail("a rejected request (%u) changed the registry", status);
    } else if (accounts) {
        json_t *id = json_object_get(reply, "id");
        if (status != 201 || !json_is_integer(id) || json_integer_value(id) <= 0 || !changed)
            fuzz_fail("account reply %u without a new id, or nothing stored", status);
    } else {
        check_transaction_reply(reply, status, changed);
    }
    json_decref(reply);
    if (changed) fuzz_registry_check_units(&fixture.registry);
    if (changed && ++fixture.changes % FUZZ_VERIFY_CHANGES == 0)
        fuzz_registry_verify(&fixture.registry);
    fixture.fingerprint = after;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    if (fixture.inputs++ == FUZZ_RESET_INPUTS) {
        fuzz_history_add(&fixture.history, data, size); /* a replay of the history resets too */
        fuzz_registry_verify(&fixture.registry);
        fuzz_registry_close(&fixture.registry);
        fuzz_history_clear(&fixture.history);
        fixture_setup();
    }
    fuzz_history_add(&fixture.history, data, size);
    uint8_t control = data[0];
    int accounts = control & 1;
    char key[32];
    api_request_t request = {.context = &fixture.context,
                             .method = "POST",
                             .path = accounts ? "/api/v1/accounts" : "/api/v1/transactions",
                             .body = (const char *)data + 1,
                             .body_length = size - 1,
                             .user = &fixture.users[(control >> 1) & 3],
                             .reader = fixture.registry.reader};
    if (control & 8) {
        snprintf(key, sizeof key, "fuzz-key-%u", (unsigned)(control >> 4));
        request.idempotency_key = key;
    }
    api_response_t response = {0};
    if (accounts)
        api_accounts_create(&request, &response);
    else
        api_transactions_create(&request, &response);
    check_response(&response, accounts);
    free(response.body);
    return 0;
}
