/* test_itmo.c: unit tests of core/itmo: the NDC first transfer rule's names, issuance under an
 * authorization (in force, revocation, timeframe, quantity, authorized quantity without
 * overflow), the first transfer an issuance makes by itself, and the checks on a use or
 * cancellation in their documented order, with the first transfer it makes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/block.h"
#include "core/itmo.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static a6_date_t day(const char *text)
{
    a6_date_t date = A6_DATE_NONE;
    if (a6_date_parse(text, &date) != A6_OK) fail_msg("bad date literal \"%s\"", text);
    return date;
}

/* Decided on 2024-03-01 for 10,000 t of vintages 2021..2025, in force. */
static a6_authorization_t test_authorization(a6_purpose_t purpose, a6_first_transfer_t definition)
{
    return (a6_authorization_t){
        .id = "VNM-A6-2024-001",
        .date = day("2024-03-01"),
        .approach_id = "CA0001",
        .version = 1,
        .quantity_tco2e = 10000,
        .timeframe_first = 2021,
        .timeframe_last = 2025,
        .purpose = purpose,
        .oimp_first_transfer = definition,
        .revoked_on = A6_DATE_NONE,
    };
}

static a6_itmo_block_t test_block(const a6_authorization_t *authorization, bool acquired,
                                  bool first_transferred)
{
    return (a6_itmo_block_t){
        .authorization = authorization,
        .vintage = 2023,
        .first_transferred = first_transferred,
        .acquired = acquired,
    };
}

static a6_itmo_action_t test_action(a6_action_type_t type, a6_action_subtype_t subtype,
                                    a6_purpose_t purpose)
{
    return (a6_itmo_action_t){.type = type, .subtype = subtype, .purpose = purpose};
}

/* Runs a6_itmo_action_check with *first_transfer preset to the opposite of what is expected, so
 * that a result left unwritten (or not reset on a refusal) fails too. */
static void expect_action(int line, const a6_itmo_block_t *block, const a6_itmo_action_t *action,
                          a6_date_t on, a6_check_t expected, bool expected_first_transfer)
{
    bool first_transfer = !expected_first_transfer;
    a6_check_t got = a6_itmo_action_check(block, action, on, &first_transfer);
    if (got != expected)
        fail_msg("line %d: expected %d %s, got %d %s", line, (int)expected, a6_check_name(expected),
                 (int)got, a6_check_name(got));
    if (first_transfer != expected_first_transfer)
        fail_msg("line %d: expected first_transfer %s, got %s", line,
                 expected_first_transfer ? "true" : "false", first_transfer ? "true" : "false");
}

#define EXPECT_ACTION(block, action, on, expected, first_transfer)                                 \
    expect_action(__LINE__, (block), (action), (on), (expected), (first_transfer))

/* Shorthand for a refusal: first_transfer must come back false. */
#define EXPECT_REFUSED(block, action, on, expected)                                                \
    expect_action(__LINE__, (block), (action), (on), (expected), false)

/* ---- a6_ndc_first_transfer ---- */

static void ndc_first_transfer_names(void **state)
{
    (void)state;
    assert_string_equal(a6_ndc_first_transfer_name(A6_NDC_FIRST_TRANSFER_INTERNATIONAL),
                        "international transfer");
    assert_string_equal(a6_ndc_first_transfer_name(A6_NDC_FIRST_TRANSFER_ISSUANCE), "issuance");
    assert_string_equal(a6_ndc_first_transfer_name((a6_ndc_first_transfer_t)0), "unknown");
    assert_string_equal(a6_ndc_first_transfer_name((a6_ndc_first_transfer_t)3), "unknown");
}

static void ndc_first_transfer_parse_exact(void **state)
{
    (void)state;
    a6_ndc_first_transfer_t out = (a6_ndc_first_transfer_t)77;
    assert_int_equal(a6_ndc_first_transfer_parse("international transfer", &out), A6_OK);
    assert_int_equal(out, A6_NDC_FIRST_TRANSFER_INTERNATIONAL);
    out = (a6_ndc_first_transfer_t)77;
    assert_int_equal(a6_ndc_first_transfer_parse("issuance", &out), A6_OK);
    assert_int_equal(out, A6_NDC_FIRST_TRANSFER_ISSUANCE);
    /* name and parse are inverses */
    const a6_ndc_first_transfer_t rules[] = {A6_NDC_FIRST_TRANSFER_INTERNATIONAL,
                                             A6_NDC_FIRST_TRANSFER_ISSUANCE};
    for (size_t i = 0; i < COUNT_OF(rules); i++) {
        out = (a6_ndc_first_transfer_t)77;
        assert_int_equal(a6_ndc_first_transfer_parse(a6_ndc_first_transfer_name(rules[i]), &out),
                         A6_OK);
        assert_int_equal(out, rules[i]);
    }
}

static void ndc_first_transfer_parse_refusals(void **state)
{
    (void)state;
    const char *const refused[] = {
        NULL,
        "",
        "International transfer",
        "International Transfer",
        "INTERNATIONAL TRANSFER",
        "Issuance",
        "ISSUANCE",
        "issuance ",
        " issuance",
        "international  transfer",
        "international-transfer",
        "international",
        "issuanc",
        "unknown",
        "authorization",       /* an OIMP definition, not an NDC rule */
        "use or cancellation", /* likewise */
    };
    for (size_t i = 0; i < COUNT_OF(refused); i++) {
        a6_ndc_first_transfer_t out = (a6_ndc_first_transfer_t)77;
        if (a6_ndc_first_transfer_parse(refused[i], &out) !=
            A6_CHECK_FIRST_TRANSFER_DEFINITION_INVALID)
            fail_msg("\"%s\" not refused with 4006", refused[i] ? refused[i] : "(null)");
        if (out != (a6_ndc_first_transfer_t)77)
            fail_msg("\"%s\" refused but *out written", refused[i] ? refused[i] : "(null)");
    }
}

/* ---- a6_itmo_issue_check ---- */

static void issue_in_force(void **state)
{
    (void)state;
    a6_authorization_t a =
        test_authorization(A6_PURPOSE_NDC_AND_OIMP, A6_FIRST_TRANSFER_AT_ISSUANCE);
    a6_date_t decided = day("2024-03-01");
    assert_int_equal(a6_itmo_issue_check(&a, 2023, decided, 0, 100), A6_OK); /* same day */
    assert_int_equal(a6_itmo_issue_check(&a, 2023, day("2030-12-31"), 0, 100), A6_OK);
    assert_int_equal(a6_itmo_issue_check(NULL, 2023, decided, 0, 100), A6_CHECK_NOT_AUTHORIZED);
    assert_int_equal(a6_itmo_issue_check(&a, 2023, day("2024-02-29"), 0, 100),
                     A6_CHECK_NOT_AUTHORIZED);
    assert_int_equal(a6_itmo_issue_check(&a, 2023, A6_DATE_NONE, 0, 100), A6_CHECK_NOT_AUTHORIZED);
    a.date = A6_DATE_NONE; /* an authorization without a decision date is not in force */
    assert_int_equal(a6_itmo_issue_check(&a, 2023, decided, 0, 100), A6_CHECK_NOT_AUTHORIZED);

    /* 4023 comes first: before revocation, timeframe and quantities */
    assert_int_equal(a6_itmo_issue_check(NULL, 1900, decided, -5, 0), A6_CHECK_NOT_AUTHORIZED);
    a = test_authorization(A6_PURPOSE_NDC, 0);
    assert_int_equal(a6_itmo_issue_check(&a, 2030, day("2024-02-29"), 10000, 0),
                     A6_CHECK_NOT_AUTHORIZED);
    a.revoked_on = day("2024-01-01"); /* inconsistent record: revoked before its decision */
    assert_int_equal(a6_itmo_issue_check(&a, 2023, day("2024-02-01"), 0, 100),
                     A6_CHECK_NOT_AUTHORIZED);
}

static void issue_revocation(void **state)
{
    (void)state;
    a6_authorization_t a = test_authorization(A6_PURPOSE_NDC, 0);
    a6_date_t on = day("2024-06-01");
    a.revoked_on = day("2024-06-02"); /* revoked the day after: still in force on `on` */
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, 0, 100), A6_OK);
    a.revoked_on = on; /* the same day */
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, 0, 100), A6_CHECK_AUTHORIZATION_REVOKED);
    a.revoked_on = day("2024-05-31"); /* the day before */
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, 0, 100), A6_CHECK_AUTHORIZATION_REVOKED);
    a.revoked_on = day("2024-03-01"); /* on its decision day */
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, 0, 100), A6_CHECK_AUTHORIZATION_REVOKED);

    /* 4024 before the timeframe and the quantities */
    assert_int_equal(a6_itmo_issue_check(&a, 2030, on, 0, 100), A6_CHECK_AUTHORIZATION_REVOKED);
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, 0, 0), A6_CHECK_AUTHORIZATION_REVOKED);
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, 10000, 1), A6_CHECK_AUTHORIZATION_REVOKED);
}

static void issue_timeframe(void **state)
{
    (void)state;
    a6_authorization_t a = test_authorization(A6_PURPOSE_OIMP, A6_FIRST_TRANSFER_AT_AUTHORIZATION);
    a6_date_t on = day("2024-06-01");
    assert_int_equal(a6_itmo_issue_check(&a, 2020, on, 0, 100), A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME);
    assert_int_equal(a6_itmo_issue_check(&a, 2021, on, 0, 100), A6_OK); /* first, inclusive */
    assert_int_equal(a6_itmo_issue_check(&a, 2025, on, 0, 100), A6_OK); /* last, inclusive */
    assert_int_equal(a6_itmo_issue_check(&a, 2026, on, 0, 100), A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME);
    assert_int_equal(a6_itmo_issue_check(&a, 0, on, 0, 100), A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME);
    assert_int_equal(a6_itmo_issue_check(&a, INT32_MAX, on, 0, 100),
                     A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME);
    assert_int_equal(a6_itmo_issue_check(&a, INT32_MIN, on, 0, 100),
                     A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME);
    a.timeframe_first = a.timeframe_last = 2024; /* a one-year timeframe */
    assert_int_equal(a6_itmo_issue_check(&a, 2024, on, 0, 100), A6_OK);
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, 0, 100), A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME);
    assert_int_equal(a6_itmo_issue_check(&a, 2025, on, 0, 100), A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME);

    /* 4021 before the quantities */
    assert_int_equal(a6_itmo_issue_check(&a, 2026, on, 0, 0), A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME);
    assert_int_equal(a6_itmo_issue_check(&a, 2026, on, 10000, 1),
                     A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME);
}

static void issue_quantity(void **state)
{
    (void)state;
    a6_authorization_t a = test_authorization(A6_PURPOSE_NDC, 0);
    a6_date_t on = day("2024-06-01");
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, 0, 1), A6_OK);
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, 0, 0), A6_CHECK_QUANTITY_INVALID);
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, 0, -1), A6_CHECK_QUANTITY_INVALID);
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, 0, INT64_MIN), A6_CHECK_QUANTITY_INVALID);
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, 0, LEDGER_QUANTITY_MAX + 1),
                     A6_CHECK_QUANTITY_OVERFLOW);
    /* the codes are ledger_quantity_check's, and they come before 4020 */
    const int64_t quantities[] = {0, -1, INT64_MIN, LEDGER_QUANTITY_MAX + 1, INT64_MAX};
    for (size_t i = 0; i < COUNT_OF(quantities); i++) {
        assert_int_equal(a6_itmo_issue_check(&a, 2023, on, 0, quantities[i]),
                         ledger_quantity_check(quantities[i]));
        assert_int_equal(a6_itmo_issue_check(&a, 2023, on, 10000, quantities[i]),
                         ledger_quantity_check(quantities[i]));
    }
}

static void issue_authorized_quantity(void **state)
{
    (void)state;
    a6_authorization_t a =
        test_authorization(A6_PURPOSE_NDC_AND_OIMP, A6_FIRST_TRANSFER_AT_ISSUANCE);
    a6_date_t on = day("2024-06-01");
    /* 10,000 t authorized */
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, 0, 10000), A6_OK);
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, 9000, 1000), A6_OK);
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, 9999, 1), A6_OK);
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, 0, 10001),
                     A6_CHECK_AUTHORIZED_QUANTITY_EXCEEDED);
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, 9000, 1001),
                     A6_CHECK_AUTHORIZED_QUANTITY_EXCEEDED);
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, 10000, 1),
                     A6_CHECK_AUTHORIZED_QUANTITY_EXCEEDED);
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, 10001, 1),
                     A6_CHECK_AUTHORIZED_QUANTITY_EXCEEDED);
    /* a negative total already issued is not a licence to issue more than authorized */
    assert_int_not_equal(a6_itmo_issue_check(&a, 2023, on, -1, 10001), A6_OK);
    assert_int_not_equal(a6_itmo_issue_check(&a, 2023, on, -1, 1), A6_OK);
}

static void issue_huge_values(void **state)
{
    (void)state;
    a6_authorization_t a = test_authorization(A6_PURPOSE_NDC, 0);
    a6_date_t on = day("2024-06-01");
    /* quantity INT64_MAX with units already issued: a quantity code, never OK */
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, 1, INT64_MAX), A6_CHECK_QUANTITY_OVERFLOW);
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, INT64_MAX, INT64_MAX),
                     A6_CHECK_QUANTITY_OVERFLOW);
    /* issued INT64_MAX: the naive sum would wrap negative and pass */
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, INT64_MAX, 1),
                     A6_CHECK_AUTHORIZED_QUANTITY_EXCEEDED);
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, INT64_MAX, LEDGER_QUANTITY_MAX),
                     A6_CHECK_AUTHORIZED_QUANTITY_EXCEEDED);
    assert_int_not_equal(a6_itmo_issue_check(&a, 2023, on, INT64_MIN, LEDGER_QUANTITY_MAX), A6_OK);

    /* a corrupt authorized quantity (a6_authorization_check refuses it) lets nothing through:
     * -2 - INT64_MAX would wrap to INT64_MAX */
    a.quantity_tco2e = 0;
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, 0, 1),
                     A6_CHECK_AUTHORIZED_QUANTITY_EXCEEDED);
    a.quantity_tco2e = -2;
    assert_int_not_equal(a6_itmo_issue_check(&a, 2023, on, 0, 1), A6_OK);
    assert_int_not_equal(a6_itmo_issue_check(&a, 2023, on, INT64_MAX, 1), A6_OK);

    /* an authorization of INT64_MAX: the sum reaches INT64_MAX exactly, then one more overflows */
    a.quantity_tco2e = INT64_MAX;
    assert_int_equal(
        a6_itmo_issue_check(&a, 2023, on, INT64_MAX - LEDGER_QUANTITY_MAX, LEDGER_QUANTITY_MAX),
        A6_OK);
    assert_int_equal(
        a6_itmo_issue_check(&a, 2023, on, INT64_MAX - LEDGER_QUANTITY_MAX + 1, LEDGER_QUANTITY_MAX),
        A6_CHECK_AUTHORIZED_QUANTITY_EXCEEDED);
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, INT64_MAX - 1, 1), A6_OK);
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, INT64_MAX, 1),
                     A6_CHECK_AUTHORIZED_QUANTITY_EXCEEDED);
    assert_int_equal(a6_itmo_issue_check(&a, 2023, on, INT64_MAX, LEDGER_QUANTITY_MAX),
                     A6_CHECK_AUTHORIZED_QUANTITY_EXCEEDED);
    assert_int_not_equal(a6_itmo_issue_check(&a, 2023, on, INT64_MIN, LEDGER_QUANTITY_MAX), A6_OK);
}

/* ---- a6_itmo_issue_first_transfer ---- */

static void issue_first_transfer(void **state)
{
    (void)state;
    assert_int_equal(a6_itmo_issue_first_transfer(NULL), 0);

    /* NDC only: no OIMP first transfer whatever definition the record carries */
    const a6_first_transfer_t definitions[] = {0, A6_FIRST_TRANSFER_AT_AUTHORIZATION,
                                               A6_FIRST_TRANSFER_AT_ISSUANCE,
                                               A6_FIRST_TRANSFER_AT_USE_OR_CANCELLATION};
    for (size_t i = 0; i < COUNT_OF(definitions); i++) {
        a6_authorization_t a = test_authorization(A6_PURPOSE_NDC, definitions[i]);
        assert_int_equal(a6_itmo_issue_first_transfer(&a), 0);
    }

    /* every purpose covering an OIMP use follows the OIMP definition */
    const a6_purpose_t oimp_purposes[] = {A6_PURPOSE_OIMP,        A6_PURPOSE_IMP,
                                          A6_PURPOSE_OP,          A6_PURPOSE_NDC_AND_OIMP,
                                          A6_PURPOSE_NDC_AND_IMP, A6_PURPOSE_NDC_AND_OP};
    for (size_t i = 0; i < COUNT_OF(oimp_purposes); i++) {
        a6_authorization_t a =
            test_authorization(oimp_purposes[i], A6_FIRST_TRANSFER_AT_AUTHORIZATION);
        assert_int_equal(a6_itmo_issue_first_transfer(&a), A6_SUBTYPE_AUTHORIZATION);
        a.oimp_first_transfer = A6_FIRST_TRANSFER_AT_ISSUANCE;
        assert_int_equal(a6_itmo_issue_first_transfer(&a), A6_SUBTYPE_ISSUANCE);
        a.oimp_first_transfer = A6_FIRST_TRANSFER_AT_USE_OR_CANCELLATION;
        assert_int_equal(a6_itmo_issue_first_transfer(&a), 0);
        a.oimp_first_transfer = 0;
        assert_int_equal(a6_itmo_issue_first_transfer(&a), 0);
    }

    /* an invalid purpose covers nothing */
    a6_authorization_t a = test_authorization((a6_purpose_t)0, A6_FIRST_TRANSFER_AT_ISSUANCE);
    assert_int_equal(a6_itmo_issue_first_transfer(&a), 0);
    a.purpose = (a6_purpose_t)99;
    assert_int_equal(a6_itmo_issue_first_transfer(&a), 0);
}

/* ---- a6_itmo_action_check ---- */

static void action_type(void **state)
{
    (void)state;
    a6_authorization_t a = test_authorization(A6_PURPOSE_OIMP, A6_FIRST_TRANSFER_AT_ISSUANCE);
    a6_itmo_block_t block = test_block(&a, false, true);
    a6_date_t on = day("2024-06-01");
    const a6_action_type_t refused[] = {(a6_action_type_t)0,      A6_ACTION_AUTHORIZATION,
                                        A6_ACTION_FIRST_TRANSFER, A6_ACTION_TRANSFER,
                                        A6_ACTION_ACQUISITION,    (a6_action_type_t)8,
                                        (a6_action_type_t)99};
    for (size_t i = 0; i < COUNT_OF(refused); i++) {
        a6_itmo_action_t action = test_action(refused[i], 0, A6_PURPOSE_OIMP);
        EXPECT_REFUSED(&block, &action, on, A6_CHECK_ACTION_TYPE_INVALID);
    }
    a6_itmo_action_t action = test_action(A6_ACTION_USE, 0, A6_PURPOSE_OIMP);
    EXPECT_ACTION(&block, &action, on, A6_OK, false);
    action = test_action(A6_ACTION_CANCELLATION, 0, A6_PURPOSE_OIMP);
    EXPECT_ACTION(&block, &action, on, A6_OK, false);
    action = test_action(A6_ACTION_VOLUNTARY_CANCELLATION, 0, A6_PURPOSE_OIMP);
    EXPECT_ACTION(&block, &action, on, A6_OK, false);

    /* 4004 before everything: a first transfer subtype, no purpose, no authorization */
    action = test_action(A6_ACTION_FIRST_TRANSFER, A6_SUBTYPE_ISSUANCE, 0);
    a6_itmo_block_t unauthorized = test_block(NULL, false, false);
    EXPECT_REFUSED(&unauthorized, &action, A6_DATE_NONE, A6_CHECK_ACTION_TYPE_INVALID);
    action = test_action(A6_ACTION_TRANSFER, A6_SUBTYPE_OMGE_MANDATORY, (a6_purpose_t)99);
    EXPECT_REFUSED(&unauthorized, &action, on, A6_CHECK_ACTION_TYPE_INVALID);
}

static void action_subtype(void **state)
{
    (void)state;
    a6_authorization_t a = test_authorization(A6_PURPOSE_OIMP, A6_FIRST_TRANSFER_AT_ISSUANCE);
    a6_itmo_block_t block = test_block(&a, false, true);
    a6_date_t on = day("2024-06-01");

    /* a Use takes no subtype at all */
    for (int subtype = 1; subtype <= A6_ACTION_SUBTYPE_COUNT; subtype++) {
        a6_itmo_action_t action =
            test_action(A6_ACTION_USE, (a6_action_subtype_t)subtype, A6_PURPOSE_OIMP);
        EXPECT_REFUSED(&block, &action, on, A6_CHECK_ACTION_SUBTYPE_INVALID);
    }

    /* cancellations take the Adaptation Fund, OMGE and other cancellation subtypes only */
    const a6_action_subtype_t fitting[] = {A6_SUBTYPE_AF_MANDATORY, A6_SUBTYPE_AF_VOLUNTARY,
                                           A6_SUBTYPE_OMGE_MANDATORY, A6_SUBTYPE_OMGE_VOLUNTARY,
                                           A6_SUBTYPE_OTHER_CANCELLATION};
    const a6_action_subtype_t unfitting[] = {
        A6_SUBTYPE_FIRST_TRANSFER_TO_PARTY, A6_SUBTYPE_AUTHORIZATION, A6_SUBTYPE_ISSUANCE,
        A6_SUBTYPE_USE_OR_CANCELLATION,     (a6_action_subtype_t)10,  (a6_action_subtype_t)99};
    const a6_action_type_t cancellations[] = {A6_ACTION_CANCELLATION,
                                              A6_ACTION_VOLUNTARY_CANCELLATION};
    for (size_t t = 0; t < COUNT_OF(cancellations); t++) {
        for (size_t i = 0; i < COUNT_OF(fitting); i++) {
            a6_itmo_action_t action = test_action(cancellations[t], fitting[i], 0);
            EXPECT_ACTION(&block, &action, on, A6_OK, false);
            action.purpose = A6_PURPOSE_OIMP;
            EXPECT_ACTION(&block, &action, on, A6_OK, false);
        }
        for (size_t i = 0; i < COUNT_OF(unfitting); i++) {
            a6_itmo_action_t action = test_action(cancellations[t], unfitting[i], 0);
            EXPECT_REFUSED(&block, &action, on, A6_CHECK_ACTION_SUBTYPE_INVALID);
            action.purpose = A6_PURPOSE_OIMP;
            EXPECT_REFUSED(&block, &action, on, A6_CHECK_ACTION_SUBTYPE_INVALID);
        }
    }

    /* the named cases */
    a6_itmo_action_t action = test_action(A6_ACTION_CANCELLATION, A6_SUBTYPE_OMGE_MANDATORY, 0);
    EXPECT_ACTION(&block, &action, on, A6_OK, false);
    action.subtype = A6_SUBTYPE_ISSUANCE;
    EXPECT_REFUSED(&block, &action, on, A6_CHECK_ACTION_SUBTYPE_INVALID);

    /* 4005 before 4001 (a Use without purpose) and 4023 (no authorization) */
    a6_itmo_block_t unauthorized = test_block(NULL, false, false);
    action = test_action(A6_ACTION_USE, A6_SUBTYPE_OMGE_MANDATORY, 0);
    EXPECT_REFUSED(&unauthorized, &action, on, A6_CHECK_ACTION_SUBTYPE_INVALID);
    action = test_action(A6_ACTION_CANCELLATION, A6_SUBTYPE_ISSUANCE, (a6_purpose_t)99);
    EXPECT_REFUSED(&unauthorized, &action, on, A6_CHECK_ACTION_SUBTYPE_INVALID);
}

static void action_purpose(void **state)
{
    (void)state;
    a6_authorization_t a =
        test_authorization(A6_PURPOSE_NDC_AND_OIMP, A6_FIRST_TRANSFER_AT_ISSUANCE);
    a6_itmo_block_t block = test_block(&a, true, true);
    a6_date_t on = day("2024-06-01");
    a6_itmo_action_t action = test_action(A6_ACTION_USE, 0, 0);
    EXPECT_REFUSED(&block, &action, on, A6_CHECK_PURPOSE_INVALID);
    /* a purpose outside the enum */
    action.purpose = (a6_purpose_t)8;
    EXPECT_REFUSED(&block, &action, on, A6_CHECK_PURPOSE_INVALID);
    action = test_action(A6_ACTION_CANCELLATION, 0, (a6_purpose_t)99);
    EXPECT_REFUSED(&block, &action, on, A6_CHECK_PURPOSE_INVALID);
    action =
        test_action(A6_ACTION_VOLUNTARY_CANCELLATION, A6_SUBTYPE_OMGE_VOLUNTARY, (a6_purpose_t)99);
    EXPECT_REFUSED(&block, &action, on, A6_CHECK_PURPOSE_INVALID);
    /* a cancellation needs none */
    action = test_action(A6_ACTION_CANCELLATION, 0, 0);
    EXPECT_ACTION(&block, &action, on, A6_OK, false);
    action = test_action(A6_ACTION_VOLUNTARY_CANCELLATION, 0, 0);
    EXPECT_ACTION(&block, &action, on, A6_OK, false);

    /* 4001 before 4023 */
    a6_itmo_block_t unauthorized = test_block(NULL, false, false);
    action = test_action(A6_ACTION_USE, 0, 0);
    EXPECT_REFUSED(&unauthorized, &action, A6_DATE_NONE, A6_CHECK_PURPOSE_INVALID);
}

static void action_unauthorized_block(void **state)
{
    (void)state;
    a6_date_t on = day("2024-06-01");
    const a6_purpose_t purposes[] = {0,
                                     A6_PURPOSE_NDC,
                                     A6_PURPOSE_OIMP,
                                     A6_PURPOSE_IMP,
                                     A6_PURPOSE_OP,
                                     A6_PURPOSE_NDC_AND_OIMP,
                                     A6_PURPOSE_NDC_AND_IMP,
                                     A6_PURPOSE_NDC_AND_OP};
    const a6_action_type_t types[] = {A6_ACTION_USE, A6_ACTION_CANCELLATION,
                                      A6_ACTION_VOLUNTARY_CANCELLATION};
    /* acquired or not: 4023 comes before 4030 */
    for (int acquired = 0; acquired <= 1; acquired++) {
        a6_itmo_block_t block = test_block(NULL, acquired, false);
        for (size_t t = 0; t < COUNT_OF(types); t++)
            for (size_t p = 0; p < COUNT_OF(purposes); p++) {
                if (types[t] == A6_ACTION_USE && !purposes[p]) continue; /* 4001 */
                a6_itmo_action_t action = test_action(types[t], 0, purposes[p]);
                EXPECT_REFUSED(&block, &action, on, A6_CHECK_NOT_AUTHORIZED);
            }
    }

    /* an unknown date: not authorized, with or without a purpose */
    a6_authorization_t a =
        test_authorization(A6_PURPOSE_NDC_AND_OIMP, A6_FIRST_TRANSFER_AT_ISSUANCE);
    a6_itmo_block_t block = test_block(&a, true, false);
    a6_itmo_action_t action = test_action(A6_ACTION_CANCELLATION, 0, 0);
    EXPECT_REFUSED(&block, &action, A6_DATE_NONE, A6_CHECK_NOT_AUTHORIZED);
    action = test_action(A6_ACTION_USE, 0, A6_PURPOSE_NDC);
    EXPECT_REFUSED(&block, &action, A6_DATE_NONE, A6_CHECK_NOT_AUTHORIZED);
    action = test_action(A6_ACTION_USE, 0, A6_PURPOSE_OIMP);
    EXPECT_REFUSED(&block, &action, A6_DATE_NONE, A6_CHECK_NOT_AUTHORIZED);
}

static void action_ndc_use(void **state)
{
    (void)state;
    a6_authorization_t a = test_authorization(A6_PURPOSE_NDC, 0);
    a6_date_t on = day("2024-06-01");
    a6_itmo_action_t use = test_action(A6_ACTION_USE, 0, A6_PURPOSE_NDC);

    /* the host's own units never count towards its own NDC */
    a6_itmo_block_t own = test_block(&a, false, false);
    EXPECT_REFUSED(&own, &use, on, A6_CHECK_NOT_ACQUIRED);
    own.first_transferred = true; /* even once first transferred */
    EXPECT_REFUSED(&own, &use, on, A6_CHECK_NOT_ACQUIRED);
    a6_itmo_action_t both = test_action(A6_ACTION_USE, 0, A6_PURPOSE_NDC_AND_OIMP);
    EXPECT_REFUSED(&own, &both, on, A6_CHECK_NOT_ACQUIRED);
    a6_itmo_action_t cancel = test_action(A6_ACTION_CANCELLATION, 0, A6_PURPOSE_NDC);
    EXPECT_REFUSED(&own, &cancel, on, A6_CHECK_NOT_ACQUIRED);

    /* acquired units under an NDC authorization */
    a6_itmo_block_t acquired = test_block(&a, true, true);
    EXPECT_ACTION(&acquired, &use, on, A6_OK, false);
    EXPECT_ACTION(&acquired, &cancel, on, A6_OK, false);
    EXPECT_ACTION(&acquired, &use, day("2024-03-01"), A6_OK, false); /* on the decision day */
    acquired.first_transferred = false;
    EXPECT_ACTION(&acquired, &use, on, A6_OK, false);
    /* not for OIMP: the authorization does not cover it */
    a6_itmo_action_t oimp = test_action(A6_ACTION_USE, 0, A6_PURPOSE_OIMP);
    EXPECT_REFUSED(&acquired, &oimp, on, A6_CHECK_NOT_AUTHORIZED);
    EXPECT_REFUSED(&acquired, &both, on, A6_CHECK_NOT_AUTHORIZED);

    /* then a6_authorization_covers: before the decision, revoked, timeframe */
    EXPECT_REFUSED(&acquired, &use, day("2024-02-29"), A6_CHECK_NOT_AUTHORIZED);
    acquired.vintage = 2026;
    EXPECT_REFUSED(&acquired, &use, on, A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME);
    acquired.vintage = 2020;
    EXPECT_REFUSED(&acquired, &use, on, A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME);
    a.revoked_on = on;
    EXPECT_REFUSED(&acquired, &use, on, A6_CHECK_AUTHORIZATION_REVOKED); /* 4024 before 4021 */
    acquired.vintage = 2023;
    EXPECT_REFUSED(&acquired, &use, on, A6_CHECK_AUTHORIZATION_REVOKED);
    a.revoked_on = day("2024-06-02");
    EXPECT_ACTION(&acquired, &use, on, A6_OK, false);

    /* acquired units authorized for OIMP only cannot serve an NDC */
    a6_authorization_t oimp_only =
        test_authorization(A6_PURPOSE_OIMP, A6_FIRST_TRANSFER_AT_ISSUANCE);
    acquired.authorization = &oimp_only;
    EXPECT_REFUSED(&acquired, &use, on, A6_CHECK_NOT_AUTHORIZED);
    /* "NDC and OIMP" covers both */
    a6_authorization_t both_authorized =
        test_authorization(A6_PURPOSE_NDC_AND_OIMP, A6_FIRST_TRANSFER_AT_ISSUANCE);
    acquired.authorization = &both_authorized;
    EXPECT_ACTION(&acquired, &use, on, A6_OK, false);
    EXPECT_ACTION(&acquired, &both, on, A6_OK, false);

    /* 4030 comes before every rule of a6_authorization_covers */
    a.revoked_on = day("2024-05-01");
    own.vintage = 2030;
    EXPECT_REFUSED(&own, &use, on, A6_CHECK_NOT_ACQUIRED);
    EXPECT_REFUSED(&own, &use, day("2024-01-01"), A6_CHECK_NOT_ACQUIRED);
    own.authorization = &oimp_only;
    EXPECT_REFUSED(&own, &use, on, A6_CHECK_NOT_ACQUIRED);
}

static void action_oimp_first_transfer(void **state)
{
    (void)state;
    a6_authorization_t a =
        test_authorization(A6_PURPOSE_OIMP, A6_FIRST_TRANSFER_AT_USE_OR_CANCELLATION);
    a6_date_t on = day("2024-06-01");
    a6_itmo_block_t own = test_block(&a, false, false);

    /* own units not yet first transferred: the use (or cancellation) for OIMP is the first
     * transfer */
    const a6_purpose_t oimp_purposes[] = {A6_PURPOSE_OIMP, A6_PURPOSE_IMP, A6_PURPOSE_OP};
    for (size_t i = 0; i < COUNT_OF(oimp_purposes); i++) {
        a6_itmo_action_t action = test_action(A6_ACTION_USE, 0, oimp_purposes[i]);
        EXPECT_ACTION(&own, &action, on, A6_OK, true);
        action = test_action(A6_ACTION_CANCELLATION, 0, oimp_purposes[i]);
        EXPECT_ACTION(&own, &action, on, A6_OK, true);
        action = test_action(A6_ACTION_VOLUNTARY_CANCELLATION, A6_SUBTYPE_OMGE_VOLUNTARY,
                             oimp_purposes[i]);
        EXPECT_ACTION(&own, &action, on, A6_OK, true);
    }
    a6_itmo_action_t use = test_action(A6_ACTION_USE, 0, A6_PURPOSE_OIMP);
    EXPECT_ACTION(&own, &use, day("2024-03-01"), A6_OK, true); /* on the decision day */
    own.vintage = 2021;
    EXPECT_ACTION(&own, &use, on, A6_OK, true);
    own.vintage = 2025;
    EXPECT_ACTION(&own, &use, on, A6_OK, true);
    own.vintage = 2023;

    /* the same block already first transferred: no second first transfer */
    a6_itmo_block_t transferred = test_block(&a, false, true);
    EXPECT_ACTION(&transferred, &use, on, A6_OK, false);
    /* units acquired from another Party were first transferred by it */
    a6_itmo_block_t acquired = test_block(&a, true, false);
    EXPECT_ACTION(&acquired, &use, on, A6_OK, false);
    acquired.first_transferred = true;
    EXPECT_ACTION(&acquired, &use, on, A6_OK, false);

    /* a cancellation without a purpose is no OIMP use, so no first transfer */
    a6_itmo_action_t cancel = test_action(A6_ACTION_CANCELLATION, 0, 0);
    EXPECT_ACTION(&own, &cancel, on, A6_OK, false);
    cancel = test_action(A6_ACTION_VOLUNTARY_CANCELLATION, A6_SUBTYPE_OTHER_CANCELLATION, 0);
    EXPECT_ACTION(&own, &cancel, on, A6_OK, false);

    /* under an NDC-only authorization the units are not ITMOs for OIMP */
    a6_authorization_t ndc_only = test_authorization(A6_PURPOSE_NDC, 0);
    a6_itmo_block_t ndc_block = test_block(&ndc_only, false, false);
    EXPECT_REFUSED(&ndc_block, &use, on, A6_CHECK_NOT_AUTHORIZED);
    for (size_t i = 0; i < COUNT_OF(oimp_purposes); i++) {
        a6_itmo_action_t action = test_action(A6_ACTION_CANCELLATION, 0, oimp_purposes[i]);
        EXPECT_REFUSED(&ndc_block, &action, on, A6_CHECK_NOT_AUTHORIZED);
    }
    ndc_block.acquired = true;
    EXPECT_REFUSED(&ndc_block, &use, on, A6_CHECK_NOT_AUTHORIZED);
    /* IMP only does not cover OP */
    a6_authorization_t imp_only = test_authorization(A6_PURPOSE_IMP, A6_FIRST_TRANSFER_AT_ISSUANCE);
    a6_itmo_block_t imp_block = test_block(&imp_only, false, true);
    a6_itmo_action_t op_use = test_action(A6_ACTION_USE, 0, A6_PURPOSE_OP);
    EXPECT_REFUSED(&imp_block, &op_use, on, A6_CHECK_NOT_AUTHORIZED);
    a6_itmo_action_t imp_use = test_action(A6_ACTION_USE, 0, A6_PURPOSE_IMP);
    EXPECT_ACTION(&imp_block, &imp_use, on, A6_OK, false);
    /* and before the decision */
    EXPECT_REFUSED(&own, &use, day("2024-02-29"), A6_CHECK_NOT_AUTHORIZED);
}

static void action_timeframe(void **state)
{
    (void)state;
    a6_authorization_t a =
        test_authorization(A6_PURPOSE_NDC_AND_OIMP, A6_FIRST_TRANSFER_AT_USE_OR_CANCELLATION);
    a6_date_t on = day("2024-06-01");
    a6_itmo_action_t oimp = test_action(A6_ACTION_USE, 0, A6_PURPOSE_OIMP);
    a6_itmo_action_t ndc = test_action(A6_ACTION_USE, 0, A6_PURPOSE_NDC);
    a6_itmo_action_t cancel = test_action(A6_ACTION_CANCELLATION, 0, A6_PURPOSE_IMP);
    const int32_t outside[] = {2020, 2026, 0, INT32_MIN, INT32_MAX};
    for (size_t i = 0; i < COUNT_OF(outside); i++) {
        a6_itmo_block_t own = test_block(&a, false, false);
        own.vintage = outside[i];
        EXPECT_REFUSED(&own, &oimp, on, A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME);
        EXPECT_REFUSED(&own, &cancel, on, A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME);
        a6_itmo_block_t acquired = test_block(&a, true, true);
        acquired.vintage = outside[i];
        EXPECT_REFUSED(&acquired, &ndc, on, A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME);
        EXPECT_REFUSED(&acquired, &oimp, on, A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME);
    }
    const int32_t inside[] = {2021, 2025};
    for (size_t i = 0; i < COUNT_OF(inside); i++) {
        a6_itmo_block_t own = test_block(&a, false, false);
        own.vintage = inside[i];
        EXPECT_ACTION(&own, &oimp, on, A6_OK, true);
        a6_itmo_block_t acquired = test_block(&a, true, true);
        acquired.vintage = inside[i];
        EXPECT_ACTION(&acquired, &ndc, on, A6_OK, false);
    }
}

static void action_revocation(void **state)
{
    (void)state;
    a6_authorization_t a =
        test_authorization(A6_PURPOSE_NDC_AND_OIMP, A6_FIRST_TRANSFER_AT_USE_OR_CANCELLATION);
    a6_date_t on = day("2024-06-01");
    a6_itmo_block_t own = test_block(&a, false, false);
    a6_itmo_block_t acquired = test_block(&a, true, true);
    a6_itmo_action_t oimp = test_action(A6_ACTION_USE, 0, A6_PURPOSE_OIMP);
    a6_itmo_action_t ndc = test_action(A6_ACTION_USE, 0, A6_PURPOSE_NDC);
    a6_itmo_action_t cancel = test_action(A6_ACTION_CANCELLATION, 0, 0);
    a6_itmo_action_t omge = test_action(A6_ACTION_CANCELLATION, A6_SUBTYPE_OMGE_MANDATORY, 0);
    a6_itmo_action_t voluntary = test_action(A6_ACTION_VOLUNTARY_CANCELLATION, 0, 0);

    /* revoked the day after: still in force */
    a.revoked_on = day("2024-06-02");
    EXPECT_ACTION(&own, &oimp, on, A6_OK, true);
    EXPECT_ACTION(&acquired, &ndc, on, A6_OK, false);
    EXPECT_ACTION(&own, &cancel, on, A6_OK, false);
    EXPECT_ACTION(&own, &omge, on, A6_OK, false);
    EXPECT_ACTION(&own, &voluntary, on, A6_OK, false);

    /* revoked the same day, the day before, or long before */
    const char *const revoked[] = {"2024-06-01", "2024-05-31", "2024-03-01"};
    for (size_t i = 0; i < COUNT_OF(revoked); i++) {
        a.revoked_on = day(revoked[i]);
        EXPECT_REFUSED(&own, &oimp, on, A6_CHECK_AUTHORIZATION_REVOKED);
        EXPECT_REFUSED(&acquired, &ndc, on, A6_CHECK_AUTHORIZATION_REVOKED);
        EXPECT_REFUSED(&acquired, &oimp, on, A6_CHECK_AUTHORIZATION_REVOKED);
        EXPECT_REFUSED(&own, &cancel, on, A6_CHECK_AUTHORIZATION_REVOKED);
        EXPECT_REFUSED(&acquired, &cancel, on, A6_CHECK_AUTHORIZATION_REVOKED);
        EXPECT_REFUSED(&own, &omge, on, A6_CHECK_AUTHORIZATION_REVOKED);
        EXPECT_REFUSED(&own, &voluntary, on, A6_CHECK_AUTHORIZATION_REVOKED);
    }

    /* 4024 before 4021, with or without a purpose */
    a.revoked_on = on;
    own.vintage = 2030;
    acquired.vintage = 2030;
    EXPECT_REFUSED(&own, &oimp, on, A6_CHECK_AUTHORIZATION_REVOKED);
    EXPECT_REFUSED(&acquired, &ndc, on, A6_CHECK_AUTHORIZATION_REVOKED);
    EXPECT_REFUSED(&own, &cancel, on, A6_CHECK_AUTHORIZATION_REVOKED);
    /* 4024 before 4023 for a purpose the authorization does not cover */
    a6_authorization_t ndc_only = test_authorization(A6_PURPOSE_NDC, 0);
    ndc_only.revoked_on = on;
    a6_itmo_block_t ndc_block = test_block(&ndc_only, true, true);
    EXPECT_REFUSED(&ndc_block, &oimp, on, A6_CHECK_AUTHORIZATION_REVOKED);
}

static void action_cancellation_without_purpose(void **state)
{
    (void)state;
    a6_date_t on = day("2024-06-01");
    const a6_purpose_t purposes[] = {A6_PURPOSE_NDC, A6_PURPOSE_OIMP, A6_PURPOSE_NDC_AND_OIMP};
    const a6_first_transfer_t definitions[] = {A6_FIRST_TRANSFER_AT_AUTHORIZATION,
                                               A6_FIRST_TRANSFER_AT_ISSUANCE,
                                               A6_FIRST_TRANSFER_AT_USE_OR_CANCELLATION};
    const a6_action_type_t types[] = {A6_ACTION_CANCELLATION, A6_ACTION_VOLUNTARY_CANCELLATION};
    for (size_t p = 0; p < COUNT_OF(purposes); p++)
        for (size_t d = 0; d < COUNT_OF(definitions); d++) {
            a6_authorization_t a = test_authorization(purposes[p], definitions[d]);
            for (int bits = 0; bits < 4; bits++) {
                /* own or acquired, first transferred or not: never 4030, never a first
                 * transfer */
                a6_itmo_block_t block = test_block(&a, bits & 1, bits & 2);
                for (size_t t = 0; t < COUNT_OF(types); t++) {
                    a6_itmo_action_t action = test_action(types[t], 0, 0);
                    EXPECT_ACTION(&block, &action, on, A6_OK, false);
                    action.subtype = A6_SUBTYPE_AF_MANDATORY;
                    EXPECT_ACTION(&block, &action, on, A6_OK, false);
                }
            }
        }
}

/* Every refusal resets *first_transfer, whatever it held before. */
static void first_transfer_reset_on_refusal(void **state)
{
    (void)state;
    a6_authorization_t a =
        test_authorization(A6_PURPOSE_OIMP, A6_FIRST_TRANSFER_AT_USE_OR_CANCELLATION);
    a6_authorization_t ndc_only = test_authorization(A6_PURPOSE_NDC, 0);
    a6_authorization_t revoked = a;
    revoked.revoked_on = day("2024-05-01");
    a6_date_t on = day("2024-06-01");
    struct {
        a6_itmo_block_t block;
        a6_itmo_action_t action;
        a6_check_t expected;
    } cases[] = {
        {test_block(&a, false, false), test_action(A6_ACTION_TRANSFER, 0, A6_PURPOSE_OIMP),
         A6_CHECK_ACTION_TYPE_INVALID},
        {test_block(&a, false, false),
         test_action(A6_ACTION_USE, A6_SUBTYPE_OMGE_MANDATORY, A6_PURPOSE_OIMP),
         A6_CHECK_ACTION_SUBTYPE_INVALID},
        {test_block(&a, false, false), test_action(A6_ACTION_USE, 0, 0), A6_CHECK_PURPOSE_INVALID},
        {test_block(NULL, false, false), test_action(A6_ACTION_USE, 0, A6_PURPOSE_OIMP),
         A6_CHECK_NOT_AUTHORIZED},
        {test_block(&ndc_only, false, false), test_action(A6_ACTION_USE, 0, A6_PURPOSE_NDC),
         A6_CHECK_NOT_ACQUIRED},
        {test_block(&ndc_only, false, false), test_action(A6_ACTION_USE, 0, A6_PURPOSE_OIMP),
         A6_CHECK_NOT_AUTHORIZED},
        {test_block(&revoked, false, false), test_action(A6_ACTION_USE, 0, A6_PURPOSE_OIMP),
         A6_CHECK_AUTHORIZATION_REVOKED},
        {test_block(&revoked, false, false), test_action(A6_ACTION_CANCELLATION, 0, 0),
         A6_CHECK_AUTHORIZATION_REVOKED},
        {{.authorization = &a, .vintage = 2026},
         test_action(A6_ACTION_USE, 0, A6_PURPOSE_OIMP),
         A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME},
    };
    for (size_t i = 0; i < COUNT_OF(cases); i++) {
        bool first_transfer = true;
        a6_check_t got =
            a6_itmo_action_check(&cases[i].block, &cases[i].action, on, &first_transfer);
        if (got != cases[i].expected)
            fail_msg("case %zu: expected %s, got %s", i, a6_check_name(cases[i].expected),
                     a6_check_name(got));
        if (first_transfer) fail_msg("case %zu: first_transfer left true on a refusal", i);
    }
    /* and the same block accepted sets it */
    bool first_transfer = false;
    a6_itmo_block_t block = test_block(&a, false, false);
    a6_itmo_action_t action = test_action(A6_ACTION_USE, 0, A6_PURPOSE_OIMP);
    assert_int_equal(a6_itmo_action_check(&block, &action, on, &first_transfer), A6_OK);
    assert_true(first_transfer);
}

static void default_actions(void **state)
{
    (void)state;
    a6_itmo_action_t a = a6_itmo_default_action(LEDGER_TX_RETIRE, LEDGER_ACCOUNT_RETIREMENT);
    assert_int_equal(a.type, A6_ACTION_VOLUNTARY_CANCELLATION);
    assert_int_equal(a.subtype, 0);
    a = a6_itmo_default_action(LEDGER_TX_CANCEL, LEDGER_ACCOUNT_OMGE);
    assert_int_equal(a.type, A6_ACTION_CANCELLATION);
    assert_int_equal(a.subtype, A6_SUBTYPE_OMGE_VOLUNTARY);
    a = a6_itmo_default_action(LEDGER_TX_CANCEL, LEDGER_ACCOUNT_SHARE_OF_PROCEEDS);
    assert_int_equal(a.subtype, A6_SUBTYPE_AF_VOLUNTARY);
    a = a6_itmo_default_action(LEDGER_TX_CANCEL, LEDGER_ACCOUNT_VOLUNTARY_CANCELLATION);
    assert_int_equal(a.type, A6_ACTION_VOLUNTARY_CANCELLATION);
    assert_int_equal(a.subtype, 0);
    a = a6_itmo_default_action(LEDGER_TX_CANCEL, LEDGER_ACCOUNT_CANCELLATION);
    assert_int_equal(a.type, A6_ACTION_CANCELLATION);
    assert_int_equal(a.subtype, A6_SUBTYPE_OTHER_CANCELLATION);
    assert_int_equal(a.purpose, 0);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_actions),
        cmocka_unit_test(ndc_first_transfer_names),
        cmocka_unit_test(ndc_first_transfer_parse_exact),
        cmocka_unit_test(ndc_first_transfer_parse_refusals),
        cmocka_unit_test(issue_in_force),
        cmocka_unit_test(issue_revocation),
        cmocka_unit_test(issue_timeframe),
        cmocka_unit_test(issue_quantity),
        cmocka_unit_test(issue_authorized_quantity),
        cmocka_unit_test(issue_huge_values),
        cmocka_unit_test(issue_first_transfer),
        cmocka_unit_test(action_type),
        cmocka_unit_test(action_subtype),
        cmocka_unit_test(action_purpose),
        cmocka_unit_test(action_unauthorized_block),
        cmocka_unit_test(action_ndc_use),
        cmocka_unit_test(action_oimp_first_transfer),
        cmocka_unit_test(action_timeframe),
        cmocka_unit_test(action_revocation),
        cmocka_unit_test(action_cancellation_without_purpose),
        cmocka_unit_test(first_transfer_reset_on_refusal),
    };
    /* clang-format on */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
