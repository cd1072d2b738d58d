/* test_period.c: unit tests of core/period: new periods (dates, quantity, overlap), the issuance
 * chain (verify, request, notify with allocations, issue), stage order and names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/block.h"
#include "core/period.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* A date from its text; fails the test on a bad literal. */
static a6_date_t day(const char *text)
{
    a6_date_t date = A6_DATE_NONE;
    if (a6_date_parse(text, &date) != A6_OK) fail_msg("bad date literal \"%s\"", text);
    return date;
}

/* VN001's first period: monitored 2016, reported, verified, requested, then notified 288. */
static monitoring_period_t vn001_period(period_stage_t stage)
{
    monitoring_period_t period = {
        .start = day("2016-01-01"),
        .end = day("2016-12-31"),
        .claimed_tco2e = 300,
        .verified_tco2e = 0,
        .notified_tco2e = 0,
        .reported_on = day("2017-02-01"),
        .verified_on = A6_DATE_NONE,
        .requested_on = A6_DATE_NONE,
        .notified_on = A6_DATE_NONE,
        .issued_on = A6_DATE_NONE,
        .stage = stage,
    };
    if (stage >= PERIOD_VERIFIED) {
        period.verified_tco2e = 288;
        period.verified_on = day("2017-04-01");
    }
    if (stage >= PERIOD_REQUESTED) period.requested_on = day("2017-05-01");
    if (stage >= PERIOD_NOTIFIED) {
        period.notified_tco2e = 288;
        period.notified_on = day("2017-09-01");
    }
    if (stage >= PERIOD_ISSUED) period.issued_on = day("2017-10-10");
    return period;
}

static const allocation_t vn001_allocations[] = {
    {SIDE_PARTNER, "Government of Japan", 201},
    {SIDE_HOST, "Government of Viet Nam", 29},
    {SIDE_PARTICIPANTS, "Project participants", 58},
};

#define TODAY day("2025-01-01")

/* ---- names ---- */

static void stage_and_side_names(void **state)
{
    static const char *const stages[] = {NULL,        "reported", "verified",
                                         "requested", "notified", "issued"};
    for (int s = PERIOD_REPORTED; s <= PERIOD_ISSUED; s++) {
        assert_string_equal(period_stage_name((period_stage_t)s), stages[s]);
        period_stage_t out = (period_stage_t)0;
        assert_int_equal(period_stage_parse(stages[s], &out), A6_OK);
        assert_int_equal(out, s);
    }
    assert_string_equal(period_stage_name((period_stage_t)0), "unknown");
    assert_string_equal(period_stage_name((period_stage_t)6), "unknown");
    static const char *const sides[] = {NULL, "host", "partner", "participants"};
    for (int s = SIDE_HOST; s <= SIDE_PARTICIPANTS; s++) {
        assert_string_equal(allocation_side_name((allocation_side_t)s), sides[s]);
        allocation_side_t out = (allocation_side_t)0;
        assert_int_equal(allocation_side_parse(sides[s], &out), A6_OK);
        assert_int_equal(out, s);
    }
    assert_string_equal(allocation_side_name((allocation_side_t)0), "unknown");
    assert_string_equal(allocation_side_name((allocation_side_t)4), "unknown");

    static const char *const bad[] = {"", "Issued", "issued ", "participant", "guest", "unknown"};
    for (size_t i = 0; i < COUNT_OF(bad); i++) {
        period_stage_t stage = PERIOD_ISSUED;
        assert_int_equal(period_stage_parse(bad[i], &stage), A6_CHECK_STATUS_INVALID);
        assert_int_equal(stage, PERIOD_ISSUED);
        allocation_side_t side = SIDE_HOST;
        assert_int_equal(allocation_side_parse(bad[i], &side), A6_CHECK_SIDE_INVALID);
        assert_int_equal(side, SIDE_HOST);
    }
    period_stage_t stage = PERIOD_ISSUED;
    assert_int_equal(period_stage_parse(NULL, &stage), A6_CHECK_STATUS_INVALID);
    allocation_side_t side = SIDE_HOST;
    assert_int_equal(allocation_side_parse(NULL, &side), A6_CHECK_SIDE_INVALID);
    assert_int_equal(allocation_side_parse("hosts", &side), A6_CHECK_SIDE_INVALID);
}

/* ---- a new period ---- */

static a6_check_t new_alone(const char *start, const char *end, int64_t claimed,
                            const char *reported_on)
{
    return period_check_new(NULL, 0, day(start), day(end), claimed, day(reported_on), TODAY);
}

static void new_dates(void **state)
{
    assert_int_equal(new_alone("2020-01-01", "2020-12-31", 100, "2021-03-01"), A6_OK);
    assert_int_equal(new_alone("2020-01-01", "2020-01-01", 100, "2020-01-01"), A6_OK);
    assert_int_equal(new_alone("2020-01-02", "2020-01-01", 100, "2021-03-01"),
                     A6_CHECK_DATES_OUT_OF_ORDER);
    assert_int_equal(new_alone("2020-01-01", "2020-12-31", 100, "2020-12-30"),
                     A6_CHECK_DATES_OUT_OF_ORDER);
    /* today itself is not the future */
    assert_int_equal(new_alone("2024-01-01", "2024-12-31", 100, "2025-01-01"), A6_OK);
    assert_int_equal(new_alone("2024-01-01", "2024-12-31", 100, "2025-01-02"),
                     A6_CHECK_DATE_IN_FUTURE);
    assert_int_equal(new_alone("2024-06-01", "2025-06-01", 100, "2025-07-01"),
                     A6_CHECK_DATE_IN_FUTURE);
    assert_int_equal(new_alone("2026-01-01", "2026-12-31", 100, "2027-01-01"),
                     A6_CHECK_DATE_IN_FUTURE);

    /* a new period needs every date */
    const a6_date_t a = day("2020-01-01"), b = day("2020-12-31"), r = day("2021-01-05");
    assert_int_equal(period_check_new(NULL, 0, A6_DATE_NONE, b, 1, r, TODAY),
                     A6_CHECK_DATE_INVALID);
    assert_int_equal(period_check_new(NULL, 0, a, A6_DATE_NONE, 1, r, TODAY),
                     A6_CHECK_DATE_INVALID);
    assert_int_equal(period_check_new(NULL, 0, a, b, 1, A6_DATE_NONE, TODAY),
                     A6_CHECK_DATE_INVALID);
    assert_int_equal(period_check_new(NULL, 0, a, b, 1, r, A6_DATE_NONE), A6_CHECK_DATE_INVALID);
}

static void new_quantity(void **state)
{
    const char *s = "2020-01-01", *e = "2020-12-31", *r = "2021-02-01";
    assert_int_equal(new_alone(s, e, 1, r), A6_OK);
    assert_int_equal(new_alone(s, e, LEDGER_QUANTITY_MAX, r), A6_OK);
    assert_int_equal(new_alone(s, e, 0, r), A6_CHECK_QUANTITY_INVALID);
    assert_int_equal(new_alone(s, e, -1, r), A6_CHECK_QUANTITY_INVALID);
    assert_int_equal(new_alone(s, e, INT64_MIN, r), A6_CHECK_QUANTITY_INVALID);
    assert_int_equal(new_alone(s, e, LEDGER_QUANTITY_MAX + 1, r), A6_CHECK_QUANTITY_OVERFLOW);
    assert_int_equal(new_alone(s, e, INT64_MAX, r), A6_CHECK_QUANTITY_OVERFLOW);
}

static monitoring_period_t known(const char *start, const char *end)
{
    monitoring_period_t period = vn001_period(PERIOD_ISSUED);
    period.start = day(start);
    period.end = day(end);
    return period;
}

static a6_check_t new_among(const monitoring_period_t *existing, size_t count, const char *start,
                            const char *end)
{
    return period_check_new(existing, count, day(start), day(end), 500, day("2024-06-01"), TODAY);
}

static void new_overlap(void **state)
{
    const monitoring_period_t existing[] = {known("2020-01-01", "2020-12-31")};
    /* touching days on either side do not overlap */
    assert_int_equal(new_among(existing, 1, "2021-01-01", "2021-06-30"), A6_OK);
    assert_int_equal(new_among(existing, 1, "2019-01-01", "2019-12-31"), A6_OK);
    /* sharing a single day does */
    assert_int_equal(new_among(existing, 1, "2020-12-31", "2021-06-30"),
                     A6_CHECK_MONITORING_OVERLAP);
    assert_int_equal(new_among(existing, 1, "2019-06-01", "2020-01-01"),
                     A6_CHECK_MONITORING_OVERLAP);
    assert_int_equal(new_among(existing, 1, "2020-12-31", "2020-12-31"),
                     A6_CHECK_MONITORING_OVERLAP);
    assert_int_equal(new_among(existing, 1, "2020-01-01", "2020-01-01"),
                     A6_CHECK_MONITORING_OVERLAP);
    /* inside, around, identical */
    assert_int_equal(new_among(existing, 1, "2020-03-01", "2020-04-01"),
                     A6_CHECK_MONITORING_OVERLAP);
    assert_int_equal(new_among(existing, 1, "2019-01-01", "2021-12-31"),
                     A6_CHECK_MONITORING_OVERLAP);
    assert_int_equal(new_among(existing, 1, "2020-01-01", "2020-12-31"),
                     A6_CHECK_MONITORING_OVERLAP);

    /* several periods with a gap: the gap fits exactly, one day more does not */
    const monitoring_period_t several[] = {
        known("2018-01-01", "2018-12-31"),
        known("2019-01-01", "2019-06-30"),
        known("2020-01-01", "2020-12-31"),
    };
    assert_int_equal(new_among(several, 3, "2019-07-01", "2019-12-31"), A6_OK);
    assert_int_equal(new_among(several, 3, "2019-06-30", "2019-12-31"),
                     A6_CHECK_MONITORING_OVERLAP);
    assert_int_equal(new_among(several, 3, "2019-07-01", "2020-01-01"),
                     A6_CHECK_MONITORING_OVERLAP);
    assert_int_equal(new_among(several, 2, "2019-07-01", "2020-01-01"), A6_OK);
    assert_int_equal(new_among(several, 3, "2021-01-01", "2023-12-31"), A6_OK);
}

static void new_overlap_ignores_unknown_dates(void **state)
{
    monitoring_period_t unknown[] = {
        known("2020-01-01", "2020-12-31"),
        known("2020-01-01", "2020-12-31"),
        known("2020-01-01", "2020-12-31"),
    };
    unknown[0].start = A6_DATE_NONE;
    unknown[1].end = A6_DATE_NONE;
    unknown[2].start = A6_DATE_NONE;
    unknown[2].end = A6_DATE_NONE;
    assert_int_equal(new_among(unknown, 3, "2020-03-01", "2020-04-01"), A6_OK);
    assert_int_equal(new_among(unknown, 3, "1900-01-01", "2024-05-31"), A6_OK);
    /* a known one among them still counts */
    monitoring_period_t mixed[] = {unknown[0], unknown[1], known("2020-03-15", "2020-03-15")};
    assert_int_equal(new_among(mixed, 3, "2020-03-01", "2020-04-01"), A6_CHECK_MONITORING_OVERLAP);
}

/* dates validity and order, then future, then quantity, then overlap */
static void new_check_order(void **state)
{
    const monitoring_period_t existing[] = {known("2020-01-01", "2020-12-31")};
    const a6_date_t today = TODAY;
    /* everything wrong: out of order wins */
    assert_int_equal(period_check_new(existing, 1, day("2020-06-01"), day("2020-05-01"), 0,
                                      day("2026-01-01"), today),
                     A6_CHECK_DATES_OUT_OF_ORDER);
    /* in order, but future, bad quantity and overlap: future wins */
    assert_int_equal(period_check_new(existing, 1, day("2020-06-01"), day("2025-05-01"), 0,
                                      day("2026-01-01"), today),
                     A6_CHECK_DATE_IN_FUTURE);
    /* bad quantity and overlap: quantity wins */
    assert_int_equal(period_check_new(existing, 1, day("2020-06-01"), day("2020-07-01"), 0,
                                      day("2021-01-01"), today),
                     A6_CHECK_QUANTITY_INVALID);
    assert_int_equal(period_check_new(existing, 1, day("2020-06-01"), day("2020-07-01"),
                                      LEDGER_QUANTITY_MAX + 1, day("2021-01-01"), today),
                     A6_CHECK_QUANTITY_OVERFLOW);
    assert_int_equal(period_check_new(existing, 1, day("2020-06-01"), day("2020-07-01"), 1,
                                      day("2021-01-01"), today),
                     A6_CHECK_MONITORING_OVERLAP);
    /* a missing date comes before order */
    assert_int_equal(
        period_check_new(existing, 1, A6_DATE_NONE, day("2020-05-01"), 0, day("2026-01-01"), today),
        A6_CHECK_DATE_INVALID);
}

/* ---- verification ---- */

static void verify_rules(void **state)
{
    monitoring_period_t period = vn001_period(PERIOD_REPORTED);
    const a6_date_t on = day("2017-04-01");
    assert_int_equal(period_check_verify(&period, 288, on, TODAY), A6_OK);
    assert_int_equal(period_check_verify(&period, 300, on, TODAY), A6_OK); /* == claimed */
    assert_int_equal(period_check_verify(&period, 1, on, TODAY), A6_OK);
    assert_int_equal(period_check_verify(&period, 301, on, TODAY),
                     A6_CHECK_VERIFIED_EXCEEDS_CLAIMED);
    assert_int_equal(period_check_verify(&period, 0, on, TODAY), A6_CHECK_QUANTITY_INVALID);
    assert_int_equal(period_check_verify(&period, -288, on, TODAY), A6_CHECK_QUANTITY_INVALID);
    assert_int_equal(period_check_verify(&period, LEDGER_QUANTITY_MAX + 1, on, TODAY),
                     A6_CHECK_QUANTITY_OVERFLOW);

    /* verified on the day of the report is fine, the day before is not */
    assert_int_equal(period_check_verify(&period, 288, period.reported_on, TODAY), A6_OK);
    assert_int_equal(period_check_verify(&period, 288, period.reported_on - 1, TODAY),
                     A6_CHECK_DATES_OUT_OF_ORDER);
    assert_int_equal(period_check_verify(&period, 288, TODAY, TODAY), A6_OK);
    assert_int_equal(period_check_verify(&period, 288, TODAY + 1, TODAY), A6_CHECK_DATE_IN_FUTURE);
    assert_int_equal(period_check_verify(&period, 288, A6_DATE_NONE, TODAY), A6_CHECK_DATE_INVALID);
    /* dates are judged before quantities */
    assert_int_equal(period_check_verify(&period, 301, TODAY + 1, TODAY), A6_CHECK_DATE_IN_FUTURE);

    /* imported history: an unknown claim bounds nothing, an unknown report date orders nothing */
    period.claimed_tco2e = 0;
    assert_int_equal(period_check_verify(&period, 5000, on, TODAY), A6_OK);
    assert_int_equal(period_check_verify(&period, LEDGER_QUANTITY_MAX + 1, on, TODAY),
                     A6_CHECK_QUANTITY_OVERFLOW);
    period.reported_on = A6_DATE_NONE;
    assert_int_equal(period_check_verify(&period, 5000, day("2017-01-05"), TODAY), A6_OK);
    /* ... but the end of the period still does */
    assert_int_equal(period_check_verify(&period, 5000, day("2016-12-30"), TODAY),
                     A6_CHECK_DATES_OUT_OF_ORDER);
}

/* ---- request for issuance ---- */

static void request_rules(void **state)
{
    monitoring_period_t period = vn001_period(PERIOD_VERIFIED);
    assert_int_equal(period_check_request(&period, day("2017-05-01"), TODAY), A6_OK);
    assert_int_equal(period_check_request(&period, period.verified_on, TODAY), A6_OK);
    assert_int_equal(period_check_request(&period, period.verified_on - 1, TODAY),
                     A6_CHECK_DATES_OUT_OF_ORDER);
    assert_int_equal(period_check_request(&period, TODAY + 1, TODAY), A6_CHECK_DATE_IN_FUTURE);
    assert_int_equal(period_check_request(&period, A6_DATE_NONE, TODAY), A6_CHECK_DATE_INVALID);
    assert_int_equal(period_check_request(&period, TODAY, A6_DATE_NONE), A6_CHECK_DATE_INVALID);
}

/* ---- notification and allocation ---- */

static void notify_allocation_sum(void **state)
{
    monitoring_period_t period = vn001_period(PERIOD_REQUESTED);
    const a6_date_t on = day("2017-09-01");
    /* 201 + 29 + 58 = 288 */
    assert_int_equal(period_check_notify(&period, 288, vn001_allocations, 3, on, TODAY), A6_OK);
    assert_int_equal(period_check_notify(&period, 287, vn001_allocations, 3, on, TODAY),
                     A6_CHECK_ALLOCATION_SUM_MISMATCH);
    assert_int_equal(period_check_notify(&period, 288, vn001_allocations, 2, on, TODAY),
                     A6_CHECK_ALLOCATION_SUM_MISMATCH);
    assert_int_equal(period_check_notify(&period, 288, NULL, 0, on, TODAY),
                     A6_CHECK_ALLOCATION_SUM_MISMATCH);
    allocation_t more[4];
    memcpy(more, vn001_allocations, sizeof vn001_allocations);
    more[3] = (allocation_t){SIDE_HOST, "Ministry", 1};
    assert_int_equal(period_check_notify(&period, 288, more, 4, on, TODAY),
                     A6_CHECK_ALLOCATION_SUM_MISMATCH);
    /* all to one side, one holder */
    const allocation_t one = {SIDE_HOST, "Government of Viet Nam", 100};
    assert_int_equal(period_check_notify(&period, 100, &one, 1, on, TODAY), A6_OK);

    /* many huge allocations: the sum never overflows */
    allocation_t huge[20];
    for (size_t i = 0; i < COUNT_OF(huge); i++)
        huge[i] = (allocation_t){SIDE_PARTNER, "Government of Japan", LEDGER_QUANTITY_MAX};
    period.verified_tco2e = LEDGER_QUANTITY_MAX;
    assert_int_equal(period_check_notify(&period, LEDGER_QUANTITY_MAX, huge, 1, on, TODAY), A6_OK);
    assert_int_equal(
        period_check_notify(&period, LEDGER_QUANTITY_MAX, huge, COUNT_OF(huge), on, TODAY),
        A6_CHECK_ALLOCATION_SUM_MISMATCH);
}

static void notify_allocation_entries(void **state)
{
    monitoring_period_t period = vn001_period(PERIOD_REQUESTED);
    const a6_date_t on = day("2017-09-01");
    allocation_t bad[3];

    static const int64_t bad_quantities[] = {0, -1, INT64_MIN};
    for (size_t i = 0; i < COUNT_OF(bad_quantities); i++) {
        memcpy(bad, vn001_allocations, sizeof bad);
        bad[1].quantity = bad_quantities[i];
        assert_int_equal(period_check_notify(&period, 288, bad, 3, on, TODAY),
                         A6_CHECK_QUANTITY_INVALID);
    }
    memcpy(bad, vn001_allocations, sizeof bad);
    bad[2].quantity = LEDGER_QUANTITY_MAX + 1;
    assert_int_equal(period_check_notify(&period, 288, bad, 3, on, TODAY),
                     A6_CHECK_QUANTITY_OVERFLOW);

    static const int bad_sides[] = {0, 4, -1, 99};
    for (size_t i = 0; i < COUNT_OF(bad_sides); i++) {
        memcpy(bad, vn001_allocations, sizeof bad);
        bad[0].side = (allocation_side_t)bad_sides[i];
        assert_int_equal(period_check_notify(&period, 288, bad, 3, on, TODAY),
                         A6_CHECK_SIDE_INVALID);
    }

    static const char *const bad_holders[] = {NULL, "", " Japan", "Japan\n", "\xff"};
    for (size_t i = 0; i < COUNT_OF(bad_holders); i++) {
        memcpy(bad, vn001_allocations, sizeof bad);
        bad[2].holder = bad_holders[i];
        assert_int_equal(period_check_notify(&period, 288, bad, 3, on, TODAY),
                         A6_CHECK_HOLDER_INVALID);
    }
    /* a bad entry is reported before the sum */
    memcpy(bad, vn001_allocations, sizeof bad);
    bad[0].side = (allocation_side_t)0;
    assert_int_equal(period_check_notify(&period, 287, bad, 3, on, TODAY), A6_CHECK_SIDE_INVALID);
}

static void notify_amount_and_dates(void **state)
{
    monitoring_period_t period = vn001_period(PERIOD_REQUESTED);
    const a6_date_t on = day("2017-09-01");
    const allocation_t all = {SIDE_PARTNER, "Government of Japan", 289};
    assert_int_equal(period_check_notify(&period, 289, &all, 1, on, TODAY),
                     A6_CHECK_NOTIFIED_EXCEEDS_VERIFIED);
    assert_int_equal(period_check_notify(&period, 0, NULL, 0, on, TODAY),
                     A6_CHECK_QUANTITY_INVALID);
    assert_int_equal(period_check_notify(&period, -5, NULL, 0, on, TODAY),
                     A6_CHECK_QUANTITY_INVALID);
    assert_int_equal(period_check_notify(&period, LEDGER_QUANTITY_MAX + 1, NULL, 0, on, TODAY),
                     A6_CHECK_QUANTITY_OVERFLOW);
    /* notified below verified is the committee's call */
    const allocation_t part = {SIDE_HOST, "Government of Viet Nam", 200};
    assert_int_equal(period_check_notify(&period, 200, &part, 1, on, TODAY), A6_OK);

    assert_int_equal(
        period_check_notify(&period, 288, vn001_allocations, 3, period.requested_on, TODAY), A6_OK);
    assert_int_equal(
        period_check_notify(&period, 288, vn001_allocations, 3, period.requested_on - 1, TODAY),
        A6_CHECK_DATES_OUT_OF_ORDER);
    assert_int_equal(period_check_notify(&period, 288, vn001_allocations, 3, TODAY + 1, TODAY),
                     A6_CHECK_DATE_IN_FUTURE);
    assert_int_equal(period_check_notify(&period, 288, vn001_allocations, 3, A6_DATE_NONE, TODAY),
                     A6_CHECK_DATE_INVALID);
    /* dates first, then the amount, then the allocations */
    assert_int_equal(period_check_notify(&period, 289, vn001_allocations, 3, TODAY + 1, TODAY),
                     A6_CHECK_DATE_IN_FUTURE);
    assert_int_equal(period_check_notify(&period, 289, vn001_allocations, 3, on, TODAY),
                     A6_CHECK_NOTIFIED_EXCEEDS_VERIFIED);
}

/* ---- issuance ---- */

static void issue_rules(void **state)
{
    monitoring_period_t period = vn001_period(PERIOD_NOTIFIED);
    assert_int_equal(period_check_issue(&period, day("2017-10-10"), TODAY), A6_OK);
    assert_int_equal(period_check_issue(&period, period.notified_on, TODAY), A6_OK);
    assert_int_equal(period_check_issue(&period, period.notified_on - 1, TODAY),
                     A6_CHECK_DATES_OUT_OF_ORDER);
    assert_int_equal(period_check_issue(&period, TODAY + 1, TODAY), A6_CHECK_DATE_IN_FUTURE);
    assert_int_equal(period_check_issue(&period, A6_DATE_NONE, TODAY), A6_CHECK_DATE_INVALID);

    monitoring_period_t issued = vn001_period(PERIOD_ISSUED);
    assert_int_equal(period_check_issue(&issued, day("2018-01-01"), TODAY),
                     A6_CHECK_ALREADY_ISSUED);
    /* already issued is said before any date problem */
    assert_int_equal(period_check_issue(&issued, TODAY + 100, TODAY), A6_CHECK_ALREADY_ISSUED);
    assert_int_equal(period_check_issue(&issued, A6_DATE_NONE, TODAY), A6_CHECK_ALREADY_ISSUED);
}

/* ---- stage order: at each stage exactly one step applies ---- */

static void stage_order(void **state)
{
    for (int s = PERIOD_REPORTED; s <= PERIOD_ISSUED; s++) {
        monitoring_period_t period = vn001_period((period_stage_t)s);
        const a6_date_t on = day("2024-01-01");
        a6_check_t verify = period_check_verify(&period, 288, on, TODAY);
        a6_check_t request = period_check_request(&period, on, TODAY);
        a6_check_t notify = period_check_notify(&period, 288, vn001_allocations, 3, on, TODAY);
        a6_check_t issue = period_check_issue(&period, on, TODAY);
        assert_int_equal(verify, s == PERIOD_REPORTED ? A6_OK : A6_CHECK_PERIOD_STAGE);
        assert_int_equal(request, s == PERIOD_VERIFIED ? A6_OK : A6_CHECK_PERIOD_STAGE);
        assert_int_equal(notify, s == PERIOD_REQUESTED ? A6_OK : A6_CHECK_PERIOD_STAGE);
        assert_int_equal(issue, s == PERIOD_NOTIFIED ? A6_OK
                                : s == PERIOD_ISSUED ? A6_CHECK_ALREADY_ISSUED
                                                     : A6_CHECK_PERIOD_STAGE);
    }
    /* an unknown stage allows nothing */
    static const int bad_stages[] = {0, 6, -1};
    for (size_t i = 0; i < COUNT_OF(bad_stages); i++) {
        monitoring_period_t period = vn001_period(PERIOD_NOTIFIED);
        period.stage = (period_stage_t)bad_stages[i];
        const a6_date_t on = day("2024-01-01");
        assert_int_equal(period_check_verify(&period, 1, on, TODAY), A6_CHECK_PERIOD_STAGE);
        assert_int_equal(period_check_request(&period, on, TODAY), A6_CHECK_PERIOD_STAGE);
        assert_int_equal(period_check_notify(&period, 288, vn001_allocations, 3, on, TODAY),
                         A6_CHECK_PERIOD_STAGE);
        assert_int_equal(period_check_issue(&period, on, TODAY), A6_CHECK_PERIOD_STAGE);
    }
    /* the stage is judged before everything else */
    monitoring_period_t period = vn001_period(PERIOD_VERIFIED);
    assert_int_equal(period_check_verify(&period, 0, A6_DATE_NONE, TODAY), A6_CHECK_PERIOD_STAGE);
}

/* VN001 from report to issuance, each step moving the stage as the store would. */
static void whole_chain(void **state)
{
    const a6_date_t today = day("2017-10-10");
    assert_int_equal(period_check_new(NULL, 0, day("2016-01-01"), day("2016-12-31"), 300,
                                      day("2017-02-01"), today),
                     A6_OK);
    monitoring_period_t period = vn001_period(PERIOD_REPORTED);
    assert_int_equal(period_check_verify(&period, 288, day("2017-04-01"), today), A6_OK);
    period.verified_tco2e = 288;
    period.verified_on = day("2017-04-01");
    period.stage = PERIOD_VERIFIED;
    assert_int_equal(period_check_request(&period, day("2017-05-01"), today), A6_OK);
    period.requested_on = day("2017-05-01");
    period.stage = PERIOD_REQUESTED;
    assert_int_equal(
        period_check_notify(&period, 288, vn001_allocations, 3, day("2017-09-01"), today), A6_OK);
    period.notified_tco2e = 288;
    period.notified_on = day("2017-09-01");
    period.stage = PERIOD_NOTIFIED;
    assert_int_equal(period_check_issue(&period, today, today), A6_OK);
    period.issued_on = today;
    period.stage = PERIOD_ISSUED;
    assert_int_equal(period_check_issue(&period, today, today), A6_CHECK_ALREADY_ISSUED);

    /* the next period may start the day after; it may not reuse the last day */
    assert_int_equal(period_check_new(&period, 1, day("2017-01-01"), day("2017-06-30"), 150,
                                      day("2017-07-15"), today),
                     A6_OK);
    assert_int_equal(period_check_new(&period, 1, day("2016-12-31"), day("2017-06-30"), 150,
                                      day("2017-07-15"), today),
                     A6_CHECK_MONITORING_OVERLAP);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stage_and_side_names),
        cmocka_unit_test(new_dates),
        cmocka_unit_test(new_quantity),
        cmocka_unit_test(new_overlap),
        cmocka_unit_test(new_overlap_ignores_unknown_dates),
        cmocka_unit_test(new_check_order),
        cmocka_unit_test(verify_rules),
        cmocka_unit_test(request_rules),
        cmocka_unit_test(notify_allocation_sum),
        cmocka_unit_test(notify_allocation_entries),
        cmocka_unit_test(notify_amount_and_dates),
        cmocka_unit_test(issue_rules),
        cmocka_unit_test(stage_order),
        cmocka_unit_test(whole_chain),
    };
    /* clang-format on */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
