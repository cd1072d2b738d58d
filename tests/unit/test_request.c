/* test_request.c: unit tests of core/request validation and of core/check code names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/check.h"
#include "core/request.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const ledger_range_t two_ranges[] = {{1, 10}, {20, 29}};

static ledger_request_t request_open(void)
{
    return (ledger_request_t){.kind = LEDGER_REQUEST_ACCOUNT_OPEN,
                              .actor = "registrar",
                              .holder = "B\xe1\xbb\x99 T\xc3\xa0i nguy\xc3\xaan v\xc3\xa0 "
                                        "M\xc3\xb4i tr\xc6\xb0\xe1\xbb\x9dng",
                              .account_type = LEDGER_ACCOUNT_HOLDING,
                              .party = "VNM"};
}

static ledger_request_t request_close(void)
{
    return (ledger_request_t){
        .kind = LEDGER_REQUEST_ACCOUNT_CLOSE, .actor = "registrar", .account_id = 5};
}

static ledger_request_t request_issue(void)
{
    return (ledger_request_t){.kind = LEDGER_REQUEST_TRANSACTION,
                              .actor = "registrar",
                              .tx_type = LEDGER_TX_ISSUE,
                              .from = 0,
                              .to = 3,
                              .quantity = 1000,
                              .vintage = 2024,
                              .unit_type = LEDGER_UNIT_JCM_CREDIT};
}

/* A transfer, retirement or cancellation by quantity, oldest first, no filter. */
static ledger_request_t request_move(ledger_tx_type_t type)
{
    return (ledger_request_t){.kind = LEDGER_REQUEST_TRANSACTION,
                              .actor = "registrar",
                              .tx_type = type,
                              .from = 3,
                              .to = 4,
                              .quantity = 10};
}

/* The same by explicit ranges. */
static ledger_request_t request_move_ranges(ledger_tx_type_t type)
{
    ledger_request_t r = request_move(type);
    r.quantity = 0;
    r.ranges = two_ranges;
    r.range_count = COUNT_OF(two_ranges);
    return r;
}

static void expect_ok_at(const ledger_request_t *r, int line)
{
    ledger_result_t result;
    memset(&result, 0x5a, sizeof result); /* validate must reset it */
    a6_check_t check = ledger_request_validate(r, &result);
    if (check != A6_OK)
        fail_msg("line %d: valid request rejected with %d (%s) on field %s", line, check,
                 a6_check_name(check), result.field ? result.field : "(none)");
    assert_int_equal(result.check, A6_OK);
    assert_null(result.field);
}

static void expect_reject_at(const ledger_request_t *r, a6_check_t want, const char *field,
                             int line)
{
    ledger_result_t result;
    memset(&result, 0x5a, sizeof result);
    a6_check_t check = ledger_request_validate(r, &result);
    if (check != want)
        fail_msg("line %d: got %d (%s) on field %s, want %d (%s) on field %s", line, check,
                 a6_check_name(check), check != A6_OK && result.field ? result.field : "(none)",
                 want, a6_check_name(want), field);
    assert_int_equal(result.check, want);
    if (!result.field || strcmp(result.field, field) != 0)
        fail_msg("line %d: check %s named field %s, want %s", line, a6_check_name(want),
                 result.field ? result.field : "(none)", field);
    /* the message names the field, then says what was expected */
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s: ", field);
    if (strncmp(result.message, prefix, strlen(prefix)) != 0)
        fail_msg("line %d: message \"%.200s\" does not start with \"%s\"", line, result.message,
                 prefix);
    assert_non_null(strstr(result.message, a6_check_description(want)));
}

#define expect_ok(r) expect_ok_at((r), __LINE__)
#define expect_reject(r, want, field) expect_reject_at((r), (want), (field), __LINE__)

/* A string of `length` copies of c in buffer (size > length). */
static const char *repeat(char *buffer, char c, size_t length)
{
    memset(buffer, c, length);
    buffer[length] = '\0';
    return buffer;
}

/* ---- every kind ---- */

static void actor_and_kind(void **state)
{
    char text[LEDGER_ACTOR_MAX + 2];
    ledger_request_t (*const makers[])(void) = {request_open, request_close, request_issue};
    for (size_t i = 0; i < COUNT_OF(makers); i++) {
        ledger_request_t r = makers[i]();
        expect_ok(&r);
        r.actor = NULL;
        expect_reject(&r, A6_CHECK_FIELD_MISSING, "actor");
        r.actor = "";
        expect_reject(&r, A6_CHECK_FIELD_MISSING, "actor");
        r.actor = repeat(text, 'x', LEDGER_ACTOR_MAX + 1);
        expect_reject(&r, A6_CHECK_FIELD_MISSING, "actor");
        r.actor = repeat(text, 'x', LEDGER_ACTOR_MAX);
        expect_ok(&r);
    }
    ledger_request_t r = request_open();
    r.kind = (ledger_request_kind_t)0;
    expect_reject(&r, A6_CHECK_FIELD_MISSING, "kind");
    r.kind = (ledger_request_kind_t)4;
    expect_reject(&r, A6_CHECK_FIELD_MISSING, "kind");
    r.actor = NULL; /* the actor is checked first */
    expect_reject(&r, A6_CHECK_FIELD_MISSING, "actor");
}

/* ---- account open ---- */

static void account_open(void **state)
{
    ledger_request_t r = request_open();
    expect_ok(&r);
    for (int t = LEDGER_ACCOUNT_HOLDING; t <= LEDGER_ACCOUNT_PARTNER; t++) {
        r.account_type = (ledger_account_type_t)t;
        expect_ok(&r);
    }

    char text[LEDGER_HOLDER_MAX + 2];
    static const char *const bad_holders[] = {"", " padded", "tab\there", "\xff", "\xc0\xaf"};
    r = request_open();
    r.holder = NULL;
    expect_reject(&r, A6_CHECK_HOLDER_INVALID, "holder");
    for (size_t i = 0; i < COUNT_OF(bad_holders); i++) {
        r.holder = bad_holders[i];
        expect_reject(&r, A6_CHECK_HOLDER_INVALID, "holder");
    }
    r.holder = repeat(text, 'h', LEDGER_HOLDER_MAX + 1);
    expect_reject(&r, A6_CHECK_HOLDER_INVALID, "holder");
    r.holder = repeat(text, 'h', LEDGER_HOLDER_MAX);
    expect_ok(&r);

    r = request_open();
    r.account_type = (ledger_account_type_t)0;
    expect_reject(&r, A6_CHECK_ACCOUNT_TYPE_INVALID, "type");
    r.account_type = (ledger_account_type_t)(LEDGER_ACCOUNT_PARTNER + 1);
    expect_reject(&r, A6_CHECK_ACCOUNT_TYPE_INVALID, "type");
    r.account_type = (ledger_account_type_t)-1;
    expect_reject(&r, A6_CHECK_ACCOUNT_TYPE_INVALID, "type");

    r = request_open();
    static const char *const bad_parties[] = {"", "vnm", "VN", "VNMM", "V1M"};
    r.party = NULL;
    expect_reject(&r, A6_CHECK_PARTY_INVALID, "party");
    for (size_t i = 0; i < COUNT_OF(bad_parties); i++) {
        r.party = bad_parties[i];
        expect_reject(&r, A6_CHECK_PARTY_INVALID, "party");
    }
}

/* ---- account close ---- */

static void account_close(void **state)
{
    ledger_request_t r = request_close();
    expect_ok(&r);
    r.account_id = INT64_MAX;
    expect_ok(&r);
    r.account_id = 0;
    expect_reject(&r, A6_CHECK_ID_INVALID, "account");
    r.account_id = -1;
    expect_reject(&r, A6_CHECK_ID_INVALID, "account");
    r.account_id = INT64_MIN;
    expect_reject(&r, A6_CHECK_ID_INVALID, "account");
}

/* ---- transactions ---- */

static void transaction_type_and_destination(void **state)
{
    ledger_request_t r = request_issue();
    r.tx_type = (ledger_tx_type_t)0;
    expect_reject(&r, A6_CHECK_FIELD_MISSING, "type");
    r.tx_type = (ledger_tx_type_t)(LEDGER_TX_CANCEL + 1);
    expect_reject(&r, A6_CHECK_FIELD_MISSING, "type");

    ledger_request_t all[] = {request_issue(), request_move(LEDGER_TX_TRANSFER),
                              request_move(LEDGER_TX_RETIRE), request_move(LEDGER_TX_CANCEL)};
    for (size_t i = 0; i < COUNT_OF(all); i++) {
        r = all[i];
        expect_ok(&r);
        r.to = 0; /* a retirement or cancellation without destination: the registry's account */
        if (r.tx_type == LEDGER_TX_RETIRE || r.tx_type == LEDGER_TX_CANCEL)
            expect_ok(&r);
        else
            expect_reject(&r, A6_CHECK_ID_INVALID, "to");
        r.to = -4;
        expect_reject(&r, A6_CHECK_ID_INVALID, "to");
    }
}

static void issue_fields(void **state)
{
    ledger_request_t r = request_issue();
    expect_ok(&r);
    for (int u = LEDGER_UNIT_JCM_CREDIT; u <= LEDGER_UNIT_A64_ER; u++) {
        r.unit_type = (ledger_unit_type_t)u;
        expect_ok(&r);
    }
    r = request_issue();
    r.vintage = LEDGER_VINTAGE_MIN;
    expect_ok(&r);
    r.vintage = LEDGER_VINTAGE_MAX;
    expect_ok(&r);
    r.quantity = LEDGER_QUANTITY_MAX;
    expect_ok(&r);
    r.quantity = 1;
    expect_ok(&r);

    r = request_issue();
    r.from = 3;
    expect_reject(&r, A6_CHECK_ID_INVALID, "from");
    r.from = -1;
    expect_reject(&r, A6_CHECK_ID_INVALID, "from");

    r = request_issue();
    r.ranges = two_ranges;
    r.range_count = COUNT_OF(two_ranges);
    r.quantity = 0;
    expect_reject(&r, A6_CHECK_BLOCK_SPEC_INVALID, "blocks");

    static const int32_t bad_vintages[] = {0, LEDGER_VINTAGE_MIN - 1, LEDGER_VINTAGE_MAX + 1, -2024,
                                           INT32_MAX};
    r = request_issue();
    for (size_t i = 0; i < COUNT_OF(bad_vintages); i++) {
        r.vintage = bad_vintages[i];
        expect_reject(&r, A6_CHECK_VINTAGE_INVALID, "vintage");
    }

    r = request_issue();
    r.unit_type = LEDGER_UNIT_ANY;
    expect_reject(&r, A6_CHECK_UNIT_TYPE_INVALID, "unit_type");

    r = request_issue();
    r.quantity = 0;
    expect_reject(&r, A6_CHECK_QUANTITY_INVALID, "quantity");
    r.quantity = -1;
    expect_reject(&r, A6_CHECK_QUANTITY_INVALID, "quantity");
    r.quantity = LEDGER_QUANTITY_MAX + 1;
    expect_reject(&r, A6_CHECK_QUANTITY_OVERFLOW, "quantity");
    r.quantity = INT64_MAX;
    expect_reject(&r, A6_CHECK_QUANTITY_OVERFLOW, "quantity");
}

static void move_fields(void **state)
{
    static const ledger_tx_type_t types[] = {LEDGER_TX_TRANSFER, LEDGER_TX_RETIRE,
                                             LEDGER_TX_CANCEL};
    for (size_t t = 0; t < COUNT_OF(types); t++) {
        ledger_request_t r = request_move(types[t]);
        expect_ok(&r);
        r.vintage = 2020; /* optional filters */
        r.unit_type = LEDGER_UNIT_A64_ER;
        expect_ok(&r);

        r = request_move(types[t]);
        r.from = 0;
        expect_reject(&r, A6_CHECK_ID_INVALID, "from");
        r.from = -3;
        expect_reject(&r, A6_CHECK_ID_INVALID, "from");
        r.from = r.to;
        expect_reject(&r, A6_CHECK_SAME_ACCOUNT, "to");

        r = request_move(types[t]);
        r.vintage = LEDGER_VINTAGE_MIN - 1;
        expect_reject(&r, A6_CHECK_VINTAGE_INVALID, "vintage");
        r.vintage = LEDGER_VINTAGE_MAX + 1;
        expect_reject(&r, A6_CHECK_VINTAGE_INVALID, "vintage");
        r.vintage = -1;
        expect_reject(&r, A6_CHECK_VINTAGE_INVALID, "vintage");

        r = request_move(types[t]);
        r.quantity = 0;
        expect_reject(&r, A6_CHECK_QUANTITY_INVALID, "quantity");
        r.quantity = -10;
        expect_reject(&r, A6_CHECK_QUANTITY_INVALID, "quantity");
        r.quantity = LEDGER_QUANTITY_MAX + 1;
        expect_reject(&r, A6_CHECK_QUANTITY_OVERFLOW, "quantity");

        /* explicit ranges */
        r = request_move_ranges(types[t]);
        expect_ok(&r);
        r.range_count = 1;
        expect_ok(&r);
        {
            /* range contents are validated: positive, ordered, within the serial space, and
             * their total within the quantity limit */
            ledger_range_t bad[2] = {{0, 5}, {10, 20}};
            r.ranges = bad;
            r.range_count = 2;
            expect_reject(&r, A6_CHECK_BLOCK_INVALID, "blocks");
            bad[0] = (ledger_range_t){7, 6};
            expect_reject(&r, A6_CHECK_BLOCK_INVALID, "blocks");
            bad[0] = (ledger_range_t){1, LEDGER_SERIAL_MAX + 1};
            expect_reject(&r, A6_CHECK_BLOCK_INVALID, "blocks");
            bad[0] = (ledger_range_t){INT64_MIN, INT64_MAX};
            expect_reject(&r, A6_CHECK_BLOCK_INVALID, "blocks");
            bad[0] = (ledger_range_t){1, LEDGER_QUANTITY_MAX};
            bad[1] = (ledger_range_t){LEDGER_QUANTITY_MAX + 1, LEDGER_QUANTITY_MAX + 1};
            expect_reject(&r, A6_CHECK_QUANTITY_OVERFLOW, "blocks");
            bad[1] = (ledger_range_t){LEDGER_QUANTITY_MAX + 1, LEDGER_QUANTITY_MAX};
            expect_reject(&r, A6_CHECK_BLOCK_INVALID, "blocks");
            r = request_move_ranges(types[t]);
        }
        r.range_count = 0;
        expect_reject(&r, A6_CHECK_BLOCK_SPEC_INVALID, "blocks");
        r.range_count = LEDGER_BLOCKS_PER_TX_MAX + 1;
        expect_reject(&r, A6_CHECK_TOO_MANY_BLOCKS, "blocks");
        r = request_move_ranges(types[t]);
        r.quantity = 5; /* ranges give the quantity */
        expect_reject(&r, A6_CHECK_QUANTITY_INVALID, "quantity");
    }
}

static void idempotency_key(void **state)
{
    char text[LEDGER_IDEMPOTENCY_KEY_MAX + 2];
    ledger_request_t all[] = {request_issue(), request_move(LEDGER_TX_TRANSFER),
                              request_move_ranges(LEDGER_TX_RETIRE)};
    for (size_t i = 0; i < COUNT_OF(all); i++) {
        ledger_request_t r = all[i];
        r.idempotency_key = "req-2024-0001";
        expect_ok(&r);
        r.idempotency_key = "~!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}";
        expect_ok(&r);
        r.idempotency_key = repeat(text, 'k', LEDGER_IDEMPOTENCY_KEY_MAX);
        expect_ok(&r);
        r.idempotency_key = repeat(text, 'k', LEDGER_IDEMPOTENCY_KEY_MAX + 1);
        expect_reject(&r, A6_CHECK_IDEMPOTENCY_KEY_INVALID, "idempotency_key");
        static const char *const bad[] = {"",     "two words",   "tab\t", "new\nline",
                                          "\x7f", "caf\xc3\xa9", " lead"};
        for (size_t k = 0; k < COUNT_OF(bad); k++) {
            r.idempotency_key = bad[k];
            expect_reject(&r, A6_CHECK_IDEMPOTENCY_KEY_INVALID, "idempotency_key");
        }
    }
}

/* An enum value outside ledger_unit_type_t would be stored as "unknown" and later fail verify. */
static void transaction_unknown_unit_type(void **state)
{
    ledger_request_t r = request_issue();
    r.unit_type = (ledger_unit_type_t)(LEDGER_UNIT_A64_ER + 1);
    expect_reject(&r, A6_CHECK_UNIT_TYPE_INVALID, "unit_type");
    r = request_move(LEDGER_TX_TRANSFER);
    r.unit_type = (ledger_unit_type_t)99;
    expect_reject(&r, A6_CHECK_UNIT_TYPE_INVALID, "unit_type");
}

static void result_reject_message(void **state)
{
    ledger_result_t result;
    memset(&result, 0, sizeof result);
    assert_int_equal(ledger_result_reject(&result, A6_CHECK_QUANTITY_INVALID, "quantity"),
                     A6_CHECK_QUANTITY_INVALID);
    assert_int_equal(result.check, A6_CHECK_QUANTITY_INVALID);
    assert_string_equal(result.field, "quantity");
    assert_string_equal(result.message, "quantity: quantity must be a positive whole number");
    assert_int_equal(ledger_result_reject(&result, A6_CHECK_BLOCK_OVERLAP, NULL),
                     A6_CHECK_BLOCK_OVERLAP);
    assert_null(result.field);
    assert_string_equal(result.message, "requested serial blocks overlap");
}

/* ---- check names ---- */

static bool kebab_case(const char *name)
{
    if (!*name || name[0] == '-' || name[strlen(name) - 1] == '-') return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')) return false;
    return true;
}

/* Every code in the check table has a kebab-case name and a description, none shared; the
 * table's codes are unique and numbered within their families. */
static void check_names_known_and_unique(void **state)
{
    size_t count = a6_check_count();
    assert_true(count >= 60);
    for (size_t i = 0; i < count; i++) {
        a6_check_t code = a6_check_at(i);
        assert_true(code >= 1001 && code <= 7999);
        const char *name = a6_check_name(code);
        if (strcmp(name, "unknown") == 0) fail_msg("check %d has no name", code);
        if (!kebab_case(name)) fail_msg("check %d name \"%s\" is not kebab-case", code, name);
        const char *description = a6_check_description(code);
        if (strcmp(description, "unknown check") == 0 || strlen(description) < 8)
            fail_msg("check %d has no description", code);
        for (size_t j = 0; j < i; j++) {
            a6_check_t other = a6_check_at(j);
            if (other == code) fail_msg("code %d listed twice", code);
            if (strcmp(a6_check_name(other), name) == 0)
                fail_msg("checks %d and %d share the name \"%s\"", other, code, name);
            if (strcmp(a6_check_description(other), description) == 0)
                fail_msg("checks %d and %d share a description", other, code);
        }
    }
    assert_string_equal(a6_check_name(A6_OK), "ok");
    assert_string_equal(a6_check_name(A6_CHECK_BLOCK_NOT_HELD), "block-not-held");
    assert_int_equal(a6_check_at(count), A6_OK);
}

static void check_unknown_codes(void **state)
{
    static const int unknown[] = {-1,   1,    999,  1000, 1999, 2000, 2999, 3000,
                                  3999, 4999, 5000, 5999, 7000, 7999, 9999};
    for (size_t i = 0; i < COUNT_OF(unknown); i++) {
        assert_string_equal(a6_check_name((a6_check_t)unknown[i]), "unknown");
        assert_string_equal(a6_check_description((a6_check_t)unknown[i]), "unknown check");
    }
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(actor_and_kind),
        cmocka_unit_test(account_open),
        cmocka_unit_test(account_close),
        cmocka_unit_test(transaction_type_and_destination),
        cmocka_unit_test(issue_fields),
        cmocka_unit_test(move_fields),
        cmocka_unit_test(idempotency_key),
        cmocka_unit_test(transaction_unknown_unit_type),
        cmocka_unit_test(result_reject_message),
        cmocka_unit_test(check_names_known_and_unique),
        cmocka_unit_test(check_unknown_codes),
    };
    /* clang-format on */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
