/* test_aef.c: unit tests of core/aef: a consistent report passes; each deliberately broken row is
 * caught at the right table, row and rule; several faults are all reported, not only the first;
 * overlaps, first transfers above the authorized quantity, controlled values, dates, parties, T2
 * and the limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/aef.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define ROWS_MAX 16
#define FAILURES_MAX 64

static a6_date_t day(const char *text)
{
    a6_date_t date = A6_DATE_NONE;
    if (a6_date_parse(text, &date) != A6_OK) fail_msg("bad date literal \"%s\"", text);
    return date;
}

static const char *const entities[] = {"Japan Carbon Buyer KK", "Viet Nam Solar JSC"};

/* A consistent 2025 report of Viet Nam (registry VNM01, approach CA0001, the JCM):
 *   T2 0  VNM-A6-2024-001  10,000 t, 2021-2025, NDC and OIMP, OIMP first transfer at issuance
 *   T2 1  VNM-A6-2024-002     500 t, 2023-2024, NDC
 *   T3 0  Authorization   1-5000 (2023)
 *   T3 1  First transfer  1-3000 to JPN (first transfer to another Party)
 *   T3 2  First transfer  3001-4000 (issuance: OIMP first transfer at issuance)
 *   T3 3  Transfer        1-1000 to JPN
 *   T3 4  Use             6001-6100 (002, 2024) by JPN's Japan Carbon Buyer KK towards 2025
 *   T3 5  Cancellation    6101-6110 (002) for OMGE
 *   T3 6  Acquisition     1-1000 from JPN (a block may move again)
 *   T4 0  4001-5000 (001, 2023)      T4 1  6111-6500 (002, 2024) */
typedef struct fixture {
    a6_authorization_t authorizations[4];
    a6_aef_row_t actions[ROWS_MAX];
    a6_aef_row_t holdings[ROWS_MAX];
    a6_aef_report_t report;
    a6_aef_failure_t failures[FAILURES_MAX];
    size_t failure_count;
} fixture_t;

static a6_aef_row_t block_row(const char *authorization_id, int64_t first, int64_t last,
                              int32_t vintage)
{
    return (a6_aef_row_t){
        .action_date = A6_DATE_NONE,
        .approach_id = "CA0001",
        .authorization_id = authorization_id,
        .first_transferring_party = "VNM",
        .registry_id = "VNM01",
        .first_id = first,
        .last_id = last,
        .unit_registry = "JCM",
        .quantity_tco2e = last - first + 1,
        .mitigation_type = "Emission reductions",
        .vintage = vintage,
    };
}

static a6_aef_row_t action_row(const char *date, const char *type, const char *subtype,
                               const char *authorization_id, int64_t first, int64_t last,
                               int32_t vintage)
{
    a6_aef_row_t row = block_row(authorization_id, first, last, vintage);
    row.action_date = day(date);
    row.action_type = type;
    row.action_subtype = subtype;
    return row;
}

static void fixture_init(fixture_t *f)
{
    memset(f, 0, sizeof *f);
    f->authorizations[0] = (a6_authorization_t){
        .id = "VNM-A6-2024-001",
        .date = day("2024-03-01"),
        .approach_id = "CA0001",
        .version = 1,
        .quantity_tco2e = 10000,
        .timeframe_first = 2021,
        .timeframe_last = 2025,
        .purpose = A6_PURPOSE_NDC_AND_OIMP,
        .oimp_first_transfer = A6_FIRST_TRANSFER_AT_ISSUANCE,
        .revoked_on = A6_DATE_NONE,
    };
    f->authorizations[1] = (a6_authorization_t){
        .id = "VNM-A6-2024-002",
        .date = day("2024-05-01"),
        .approach_id = "CA0001",
        .version = 1,
        .quantity_tco2e = 500,
        .timeframe_first = 2023,
        .timeframe_last = 2024,
        .purpose = A6_PURPOSE_NDC,
        .revoked_on = A6_DATE_NONE,
    };
    const char *a1 = "VNM-A6-2024-001", *a2 = "VNM-A6-2024-002";
    a6_aef_row_t *t3 = f->actions;
    t3[0] = action_row("2025-01-10", "Authorization", NULL, a1, 1, 5000, 2023);
    t3[1] = action_row("2025-02-01", "First transfer", "First transfer to another Party", a1, 1,
                       3000, 2023);
    t3[1].acquiring_party = "JPN";
    t3[2] = action_row("2025-03-01", "First transfer", "Issuance", a1, 3001, 4000, 2023);
    t3[2].purpose = "OIMP";
    t3[3] = action_row("2025-04-01", "Transfer", "", a1, 1, 1000, 2023);
    t3[3].acquiring_party = "JPN";
    t3[4] = action_row("2025-05-01", "Use", NULL, a2, 6001, 6100, 2024);
    t3[4].purpose = "NDC";
    t3[4].using_party = "JPN";
    t3[4].using_entity = "Japan Carbon Buyer KK";
    t3[4].ndc_year = 2025;
    t3[5] = action_row("2025-06-01", "Cancellation", "Mandatory cancellation for OMGE", a2, 6101,
                       6110, 2024);
    t3[6] = action_row("2025-07-01", "Acquisition", NULL, a1, 1, 1000, 2023);
    t3[6].transferring_party = "JPN";
    f->holdings[0] = block_row(a1, 4001, 5000, 2023);
    f->holdings[1] = block_row(a2, 6111, 6500, 2024);

    f->report = (a6_aef_report_t){
        .reported_year = 2025,
        .authorizations = f->authorizations,
        .authorization_count = 2,
        .entities = entities,
        .entity_count = COUNT_OF(entities),
        .actions = f->actions,
        .action_count = 7,
        .holdings = f->holdings,
        .holding_count = 2,
    };
}

/* Runs the check with freshly allocated working memory of exactly the size asked for. */
static a6_check_t run(fixture_t *f, size_t failures_max)
{
    size_t entries = a6_aef_work_size(&f->report);
    size_t *work = entries ? test_malloc(entries * sizeof *work) : NULL;
    a6_check_t check = a6_aef_check(&f->report, work, f->failures, failures_max, &f->failure_count);
    if (work) test_free(work);
    return check;
}

static const a6_aef_failure_t *find_failure(const fixture_t *f, a6_aef_table_t table, size_t row,
                                            const char *rule)
{
    size_t written = f->failure_count < FAILURES_MAX ? f->failure_count : FAILURES_MAX;
    for (size_t i = 0; i < written; i++)
        if (f->failures[i].table == table && f->failures[i].row == row &&
            strcmp(f->failures[i].rule, rule) == 0)
            return &f->failures[i];
    return NULL;
}

/* Asserts a failure at (table, row, rule) with check, and returns it. */
static const a6_aef_failure_t *expect_failure(const fixture_t *f, a6_aef_table_t table, size_t row,
                                              const char *rule, a6_check_t check)
{
    const a6_aef_failure_t *failure = find_failure(f, table, row, rule);
    if (!failure) {
        for (size_t i = 0; i < f->failure_count && i < FAILURES_MAX; i++)
            print_message("# T%d row %zu %s (%d): %s\n", f->failures[i].table, f->failures[i].row,
                          f->failures[i].rule, f->failures[i].check, f->failures[i].message);
        fail_msg("no failure T%d row %zu %s", table, row, rule);
    }
    assert_int_equal(failure->check, check);
    return failure;
}

/* Exactly one failure, at (table, row, rule) with check. */
static const a6_aef_failure_t *expect_only(fixture_t *f, a6_aef_table_t table, size_t row,
                                           const char *rule, a6_check_t check)
{
    assert_int_equal(run(f, FAILURES_MAX), A6_CHECK_AEF_INCONSISTENT);
    const a6_aef_failure_t *failure = expect_failure(f, table, row, rule, check);
    assert_int_equal(f->failure_count, 1);
    return failure;
}

static void consistent_report_passes(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f);
    assert_int_equal(run(&f, FAILURES_MAX), A6_OK);
    assert_int_equal(f.failure_count, 0);

    /* an empty report needs no working memory */
    a6_aef_report_t empty = {.reported_year = 2025};
    size_t count = 9;
    assert_int_equal(a6_aef_work_size(&empty), 0);
    assert_int_equal(a6_aef_check(&empty, NULL, NULL, 0, &count), A6_OK);
    assert_int_equal(count, 0);
}

/* The deliberately broken row: quantity no longer last - first + 1. */
static void broken_quantity_caught_at_its_row(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f);
    f.actions[2].quantity_tco2e = 999;
    const a6_aef_failure_t *failure =
        expect_only(&f, A6_AEF_T3_ACTIONS, 2, "quantity-matches-block", A6_CHECK_QUANTITY_MISMATCH);
    assert_string_equal(failure->message,
                        "quantity 999 differs from last - first + 1 = 1000 of block 3001-4000");

    fixture_init(&f);
    f.holdings[1].quantity_tco2e = 391;
    expect_only(&f, A6_AEF_T4_HOLDINGS, 1, "quantity-matches-block", A6_CHECK_QUANTITY_MISMATCH);
}

static void every_failure_reported(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f);
    f.actions[1].action_type = "First Transfer";           /* misspelled */
    f.actions[3].vintage = 2019;                           /* before the timeframe 2021-2025 */
    f.actions[4].using_entity = "Unknown Corp";            /* not in T5 */
    f.actions[4].purpose = "OIMP";                         /* 002 authorizes NDC only */
    f.actions[5].authorization_id = "VNM-A6-2099-999";     /* not in T2 */
    f.holdings[0].mitigation_type = "emission reductions"; /* misspelled */
    f.holdings[0].unit_registry = "Verra";                 /* not listed */
    assert_int_equal(run(&f, FAILURES_MAX), A6_CHECK_AEF_INCONSISTENT);
    assert_int_equal(f.failure_count, 7);
    const a6_aef_failure_t *failure =
        expect_failure(&f, A6_AEF_T3_ACTIONS, 1, "action-type", A6_CHECK_ACTION_TYPE_INVALID);
    assert_string_equal(failure->message, "action type \"First Transfer\" is not a listed value");
    failure = expect_failure(&f, A6_AEF_T3_ACTIONS, 3, "vintage-in-timeframe",
                             A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME);
    assert_string_equal(failure->message,
                        "vintage 2019 is outside authorization \"VNM-A6-2024-001\"'s timeframe "
                        "2021-2025");
    expect_failure(&f, A6_AEF_T3_ACTIONS, 4, "entity-known", A6_CHECK_ENTITY_NOT_FOUND);
    expect_failure(&f, A6_AEF_T3_ACTIONS, 4, "purpose-authorized", A6_CHECK_NOT_AUTHORIZED);
    failure = expect_failure(&f, A6_AEF_T3_ACTIONS, 5, "authorization-known",
                             A6_CHECK_AUTHORIZATION_NOT_FOUND);
    assert_string_equal(failure->message, "authorization ID \"VNM-A6-2099-999\" is not in T2");
    expect_failure(&f, A6_AEF_T4_HOLDINGS, 0, "mitigation-type", A6_CHECK_MITIGATION_TYPE_INVALID);
    expect_failure(&f, A6_AEF_T4_HOLDINGS, 0, "unit-registry", A6_CHECK_UNIT_REGISTRY_INVALID);

    /* fewer slots than failures: all counted, the first ones written */
    a6_aef_failure_t few[3];
    size_t entries = a6_aef_work_size(&f.report);
    size_t *work = test_malloc(entries * sizeof *work);
    size_t count = 0;
    assert_int_equal(a6_aef_check(&f.report, work, few, COUNT_OF(few), &count),
                     A6_CHECK_AEF_INCONSISTENT);
    test_free(work);
    assert_int_equal(count, 7);
    assert_string_equal(few[0].rule, "action-type");
    assert_int_equal(few[0].row, 1);
}

static void identifiers_and_blocks(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f);
    f.actions[0].approach_id = "CA001"; /* no cascade into approach-matches-authorization */
    expect_only(&f, A6_AEF_T3_ACTIONS, 0, "approach-id", A6_CHECK_APPROACH_ID_INVALID);
    fixture_init(&f);
    f.actions[0].approach_id = "CA0002";
    expect_only(&f, A6_AEF_T3_ACTIONS, 0, "approach-matches-authorization",
                A6_CHECK_AEF_INCONSISTENT);
    fixture_init(&f);
    f.actions[0].registry_id = "VN01";
    expect_only(&f, A6_AEF_T3_ACTIONS, 0, "registry-id", A6_CHECK_REGISTRY_ID_INVALID);
    fixture_init(&f);
    f.holdings[0].first_transferring_party = "vnm";
    expect_only(&f, A6_AEF_T4_HOLDINGS, 0, "first-transferring-party", A6_CHECK_PARTY_INVALID);
    fixture_init(&f);
    f.actions[0].first_id = 0; /* an invalid block is not also a quantity mismatch */
    expect_only(&f, A6_AEF_T3_ACTIONS, 0, "block-valid", A6_CHECK_BLOCK_INVALID);
    fixture_init(&f);
    f.holdings[1].first_id = 6501; /* first > last */
    expect_only(&f, A6_AEF_T4_HOLDINGS, 1, "block-valid", A6_CHECK_BLOCK_INVALID);
    fixture_init(&f);
    f.holdings[1].vintage = 1800;
    expect_only(&f, A6_AEF_T4_HOLDINGS, 1, "vintage-valid", A6_CHECK_VINTAGE_INVALID);
    fixture_init(&f);
    f.holdings[1].vintage = 2025; /* 002's timeframe is 2023-2024 */
    expect_only(&f, A6_AEF_T4_HOLDINGS, 1, "vintage-in-timeframe",
                A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME);
    fixture_init(&f);
    f.holdings[1].authorization_id = NULL;
    expect_only(&f, A6_AEF_T4_HOLDINGS, 1, "authorization-known", A6_CHECK_AUTHORIZATION_NOT_FOUND);
    fixture_init(&f);
    f.actions[3].unit_registry = NULL; /* optional */
    f.actions[4].unit_registry = "";
    assert_int_equal(run(&f, FAILURES_MAX), A6_OK);
}

static void first_transferred_twice(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f);
    f.actions[2].first_id = 2501; /* 2501-3500 overlaps row 1's 1-3000 */
    f.actions[2].last_id = 3500;
    const a6_aef_failure_t *failure = expect_only(&f, A6_AEF_T3_ACTIONS, 2, "blocks-disjoint",
                                                  A6_CHECK_ALREADY_FIRST_TRANSFERRED);
    assert_string_equal(failure->message, "block VNM01 2501-3500 overlaps row 1's block 1-3000: "
                                          "first transferred twice");

    /* the same serials in another registry are other units */
    f.actions[2].registry_id = "JPN01";
    assert_int_equal(run(&f, FAILURES_MAX), A6_OK);

    /* used then cancelled: the same units retired twice */
    fixture_init(&f);
    f.actions[5].first_id = 6100;
    f.actions[5].last_id = 6109;
    expect_only(&f, A6_AEF_T3_ACTIONS, 5, "blocks-disjoint", A6_CHECK_BLOCK_OVERLAP);

    /* touching blocks do not overlap: the fixture's rows 1 (1-3000) and 2 (3001-4000) */
    fixture_init(&f);
    assert_int_equal(f.actions[1].last_id + 1, f.actions[2].first_id);
    assert_int_equal(run(&f, FAILURES_MAX), A6_OK);
}

static void holdings_overlap(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f);
    f.holdings[1] = f.holdings[0];
    f.holdings[1].first_id = 4500; /* 4500-5000 inside row 0's 4001-5000 */
    f.holdings[1].quantity_tco2e = 501;
    const a6_aef_failure_t *failure =
        expect_only(&f, A6_AEF_T4_HOLDINGS, 1, "blocks-disjoint", A6_CHECK_BLOCK_OVERLAP);
    assert_string_equal(failure->message, "block VNM01 4500-5000 overlaps row 0's block 4001-5000");

    /* three holdings: the third overlaps the first, which reaches furthest */
    fixture_init(&f);
    f.holdings[1] = block_row("VNM-A6-2024-001", 4100, 4200, 2023);
    f.holdings[2] = block_row("VNM-A6-2024-001", 4900, 4950, 2023);
    f.holdings[3] = block_row("VNM-A6-2024-001", 5001, 5100, 2023);
    f.report.holding_count = 4;
    assert_int_equal(run(&f, FAILURES_MAX), A6_CHECK_AEF_INCONSISTENT);
    assert_int_equal(f.failure_count, 2);
    expect_failure(&f, A6_AEF_T4_HOLDINGS, 1, "blocks-disjoint", A6_CHECK_BLOCK_OVERLAP);
    failure = expect_failure(&f, A6_AEF_T4_HOLDINGS, 2, "blocks-disjoint", A6_CHECK_BLOCK_OVERLAP);
    assert_string_equal(failure->message, "block VNM01 4900-4950 overlaps row 0's block 4001-5000");
}

static void first_transfers_above_authorized(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f);
    /* two first transfers of 300 under 002 (500 t): the second takes the total to 600 */
    f.actions[7] = action_row("2025-08-01", "First transfer", "First transfer to another Party",
                              "VNM-A6-2024-002", 7001, 7300, 2024);
    f.actions[7].acquiring_party = "JPN";
    f.actions[8] = f.actions[7];
    f.actions[8].first_id = 7301;
    f.actions[8].last_id = 7600;
    f.report.action_count = 9;
    const a6_aef_failure_t *failure =
        expect_only(&f, A6_AEF_T3_ACTIONS, 8, "first-transfers-within-authorized",
                    A6_CHECK_AUTHORIZED_QUANTITY_EXCEEDED);
    assert_string_equal(failure->message, "first transfers under authorization "
                                          "\"VNM-A6-2024-002\" reach 600 t here, above the "
                                          "authorized 500 t");
    /* exactly the authorized quantity is fine */
    f.actions[8].last_id = 7500;
    f.actions[8].quantity_tco2e = 200;
    assert_int_equal(run(&f, FAILURES_MAX), A6_OK);
    /* reported once per authorization, at the row that first goes past it */
    f.actions[8].last_id = 7600;
    f.actions[8].quantity_tco2e = 300;
    f.actions[9] = f.actions[8];
    f.actions[9].first_id = 7601;
    f.actions[9].last_id = 7700;
    f.actions[9].quantity_tco2e = 100;
    f.report.action_count = 10;
    expect_only(&f, A6_AEF_T3_ACTIONS, 8, "first-transfers-within-authorized",
                A6_CHECK_AUTHORIZED_QUANTITY_EXCEEDED);
}

static void subtypes(void **state)
{
    (void)state;
    fixture_t f;
    /* the known mistake: an issuance reported as an Authorization action */
    fixture_init(&f);
    f.actions[0].action_subtype = "Issuance";
    const a6_aef_failure_t *failure =
        expect_only(&f, A6_AEF_T3_ACTIONS, 0, "action-subtype", A6_CHECK_ACTION_SUBTYPE_INVALID);
    assert_string_equal(failure->message,
                        "subtype \"Issuance\" does not qualify the action type \"Authorization\"");
    fixture_init(&f);
    f.actions[2].action_subtype = NULL;
    expect_only(&f, A6_AEF_T3_ACTIONS, 2, "action-subtype", A6_CHECK_ACTION_SUBTYPE_INVALID);
    fixture_init(&f);
    f.actions[5].action_subtype = "mandatory cancellation for OMGE";
    expect_only(&f, A6_AEF_T3_ACTIONS, 5, "action-subtype", A6_CHECK_ACTION_SUBTYPE_INVALID);
    fixture_init(&f);
    f.actions[4].action_subtype = "Use or cancellation"; /* a first transfer subtype on a Use */
    expect_only(&f, A6_AEF_T3_ACTIONS, 4, "action-subtype", A6_CHECK_ACTION_SUBTYPE_INVALID);
    fixture_init(&f);
    f.actions[2].action_subtype = "Authorization"; /* 001 defines the first transfer at issuance */
    failure = expect_only(&f, A6_AEF_T3_ACTIONS, 2, "subtype-matches-authorization",
                          A6_CHECK_AEF_INCONSISTENT);
    assert_string_equal(failure->message,
                        "subtype \"Authorization\" but authorization \"VNM-A6-2024-001\" defines "
                        "the OIMP first transfer at \"issuance\"");
    fixture_init(&f);
    f.actions[5].action_type = "Voluntary Cancellation";
    f.actions[5].action_subtype = "Voluntary cancellation for OMGE";
    assert_int_equal(run(&f, FAILURES_MAX), A6_OK);
}

static void dates_and_revocation(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f);
    f.actions[3].action_date = day("2024-12-31");
    expect_only(&f, A6_AEF_T3_ACTIONS, 3, "action-date", A6_CHECK_AEF_INCONSISTENT);
    f.actions[3].action_date = A6_DATE_NONE;
    expect_only(&f, A6_AEF_T3_ACTIONS, 3, "action-date", A6_CHECK_DATE_INVALID);

    fixture_init(&f);
    f.authorizations[1].date = day("2025-05-15"); /* the use of 2025-05-01 precedes it */
    const a6_aef_failure_t *failure =
        expect_only(&f, A6_AEF_T3_ACTIONS, 4, "authorized-on-date", A6_CHECK_NOT_AUTHORIZED);
    assert_string_equal(failure->message, "action precedes authorization \"VNM-A6-2024-002\"");
    fixture_init(&f);
    f.authorizations[1].revoked_on = day("2025-05-01"); /* revoked the day of the use */
    expect_only(&f, A6_AEF_T3_ACTIONS, 4, "authorized-on-date", A6_CHECK_AUTHORIZATION_REVOKED);
    f.authorizations[1].revoked_on = day("2025-05-02");
    assert_int_equal(run(&f, FAILURES_MAX), A6_OK);

    fixture_init(&f);
    f.actions[4].ndc_year = 1800;
    expect_only(&f, A6_AEF_T3_ACTIONS, 4, "ndc-year", A6_CHECK_VINTAGE_INVALID);
}

static void parties_and_purposes(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f);
    f.actions[3].acquiring_party = NULL; /* a Transfer needs its acquiring Party */
    const a6_aef_failure_t *failure =
        expect_only(&f, A6_AEF_T3_ACTIONS, 3, "acquiring-party", A6_CHECK_PARTY_INVALID);
    assert_string_equal(failure->message, "acquiring Party \"\" must be an ISO alpha-3 code "
                                          "(required for this action type)");
    fixture_init(&f);
    f.actions[1].acquiring_party = ""; /* so does a first transfer to another Party */
    expect_only(&f, A6_AEF_T3_ACTIONS, 1, "acquiring-party", A6_CHECK_PARTY_INVALID);
    fixture_init(&f);
    f.actions[6].transferring_party = NULL; /* an Acquisition needs its transferring Party */
    expect_only(&f, A6_AEF_T3_ACTIONS, 6, "transferring-party", A6_CHECK_PARTY_INVALID);
    fixture_init(&f);
    f.actions[4].using_party = "Japan";
    expect_only(&f, A6_AEF_T3_ACTIONS, 4, "using-party", A6_CHECK_PARTY_INVALID);
    fixture_init(&f);
    f.actions[4].purpose = "ndc";
    expect_only(&f, A6_AEF_T3_ACTIONS, 4, "purpose", A6_CHECK_PURPOSE_INVALID);
    fixture_init(&f);
    f.actions[2].purpose = "OP"; /* OIMP of 001 covers OP */
    assert_int_equal(run(&f, FAILURES_MAX), A6_OK);
}

static void authorizations_table(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f);
    f.authorizations[2] = f.authorizations[0];
    f.report.authorization_count = 3;
    const a6_aef_failure_t *failure = expect_only(
        &f, A6_AEF_T2_AUTHORIZATIONS, 2, "authorization-id-unique", A6_CHECK_AEF_INCONSISTENT);
    assert_string_equal(failure->message,
                        "authorization ID \"VNM-A6-2024-001\" already used by T2 row 0");

    fixture_init(&f);
    f.authorizations[2] = f.authorizations[1];
    f.authorizations[2].id = "VNM-A6-2024-003";
    f.authorizations[2].approach_id = "CA1";
    f.report.authorization_count = 3;
    failure = expect_only(&f, A6_AEF_T2_AUTHORIZATIONS, 2, "authorization-valid",
                          A6_CHECK_APPROACH_ID_INVALID);
    assert_string_equal(failure->message, "authorization \"VNM-A6-2024-003\": cooperative approach "
                                          "ID must be CA and four digits (CA0001)");

    /* T2 given in any order: IDs are looked up, not assumed sorted */
    fixture_init(&f);
    a6_authorization_t swap = f.authorizations[0];
    f.authorizations[0] = f.authorizations[1];
    f.authorizations[1] = swap;
    assert_int_equal(run(&f, FAILURES_MAX), A6_OK);
}

/* Block order of a table's rows (registry, first, last, index), by insertion sort. */
static void block_order(const a6_aef_row_t *rows, size_t count, size_t *order)
{
    for (size_t i = 0; i < count; i++) {
        size_t j = i;
        while (j > 0) {
            const a6_aef_row_t *a = &rows[order[j - 1]], *b = &rows[i];
            int c = strcmp(a->registry_id, b->registry_id);
            bool after =
                c > 0 || (c == 0 && (a->first_id > b->first_id ||
                                     (a->first_id == b->first_id && a->last_id > b->last_id)));
            if (!after) break;
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
}

/* The streaming check finds exactly the failures of the whole-report check. */
static void streaming_matches_whole_report(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f);
    f.actions[2].first_id = 2500; /* first transfer overlapping row 1's */
    f.actions[2].quantity_tco2e = 1501;
    f.actions[5].action_type = "cancellation"; /* misspelled */
    f.actions[4].first_id = 6001;
    f.holdings[1].first_id = 4500; /* holdings overlap */
    f.holdings[1].authorization_id = f.holdings[0].authorization_id;
    f.holdings[1].vintage = 2023;
    f.holdings[1].quantity_tco2e = 6500 - 4500 + 1;
    assert_int_equal(run(&f, FAILURES_MAX), A6_CHECK_AEF_INCONSISTENT);
    size_t whole = f.failure_count;
    assert_true(whole >= 3);
    a6_aef_failure_t expected[FAILURES_MAX];
    memcpy(expected, f.failures, sizeof expected);

    size_t work[4], order[7], count = 0;
    a6_aef_failure_t streamed[FAILURES_MAX];
    a6_aef_stream_t stream;
    assert_int_equal(a6_aef_stream_begin(&stream, &f.report, work, streamed, FAILURES_MAX), A6_OK);
    for (size_t i = 0; i < f.report.action_count; i++)
        a6_aef_stream_row(&stream, A6_AEF_T3_ACTIONS, i, &f.actions[i]);
    for (size_t i = 0; i < f.report.holding_count; i++)
        a6_aef_stream_row(&stream, A6_AEF_T4_HOLDINGS, i, &f.holdings[i]);
    block_order(f.actions, f.report.action_count, order);
    for (size_t k = 0; k < f.report.action_count; k++)
        a6_aef_stream_block(&stream, A6_AEF_T3_ACTIONS, order[k], &f.actions[order[k]]);
    block_order(f.holdings, f.report.holding_count, order);
    for (size_t k = 0; k < f.report.holding_count; k++)
        a6_aef_stream_block(&stream, A6_AEF_T4_HOLDINGS, order[k], &f.holdings[order[k]]);
    assert_int_equal(a6_aef_stream_end(&stream, &count), A6_CHECK_AEF_INCONSISTENT);
    assert_int_equal(count, whole);
    for (size_t i = 0; i < whole; i++) {
        bool found = false;
        for (size_t j = 0; j < count && !found; j++)
            found = streamed[j].table == expected[i].table && streamed[j].row == expected[i].row &&
                    streamed[j].check == expected[i].check &&
                    strcmp(streamed[j].rule, expected[i].rule) == 0;
        if (!found)
            fail_msg("streamed check misses T%d row %zu %s", expected[i].table, expected[i].row,
                     expected[i].rule);
    }
    assert_non_null(find_failure(&f, A6_AEF_T3_ACTIONS, 2, "blocks-disjoint"));
    assert_non_null(find_failure(&f, A6_AEF_T4_HOLDINGS, 1, "blocks-disjoint"));
    assert_non_null(find_failure(&f, A6_AEF_T3_ACTIONS, 5, "action-type"));
}

static void table_limits(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f);
    f.report.action_count = A6_AEF_ROWS_MAX + 1; /* refused before any row is read */
    size_t count = 0;
    assert_int_equal(a6_aef_check(&f.report, NULL, f.failures, FAILURES_MAX, &count),
                     A6_CHECK_AEF_INCONSISTENT);
    assert_int_equal(count, 1);
    assert_string_equal(f.failures[0].rule, "table-size");
    /* the working memory covers sorted T2, the first transfer totals and one sort of the larger
     * table; the streaming check needs only the first two */
    fixture_init(&f);
    assert_int_equal(a6_aef_work_size(&f.report), 2 + 2 + 7);
    assert_int_equal(a6_aef_stream_work_size(&f.report), 2 + 2);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(consistent_report_passes),
        cmocka_unit_test(broken_quantity_caught_at_its_row),
        cmocka_unit_test(every_failure_reported),
        cmocka_unit_test(identifiers_and_blocks),
        cmocka_unit_test(first_transferred_twice),
        cmocka_unit_test(holdings_overlap),
        cmocka_unit_test(first_transfers_above_authorized),
        cmocka_unit_test(subtypes),
        cmocka_unit_test(dates_and_revocation),
        cmocka_unit_test(parties_and_purposes),
        cmocka_unit_test(authorizations_table),
        cmocka_unit_test(streaming_matches_whole_report),
        cmocka_unit_test(table_limits),
    };
    /* clang-format on */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
