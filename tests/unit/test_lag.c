/* test_lag.c: unit tests of core/lag: calendar months, nearest-rank percentiles, the days of each
 * step and the total lag of monitoring periods (the published VN014 figure), service-level flags
 * with the stage a period is stuck in, batch notifications and parameter checks. Every expected
 * number is computed by hand in the comment next to it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/lag.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define NONE A6_DATE_NONE

static a6_date_t day(const char *text)
{
    a6_date_t date = NONE;
    if (a6_date_parse(text, &date) != A6_OK) fail_msg("bad date literal \"%s\"", text);
    return date;
}

/* A period with only its end and notification known (imported JCM history). */
static lag_period_t notified(const char *ref, const char *end, const char *on, int64_t tco2e)
{
    return (lag_period_t){.activity_ref = ref,
                          .period_id = 1,
                          .stage = PERIOD_NOTIFIED,
                          .end = end ? day(end) : NONE,
                          .verified_on = NONE,
                          .requested_on = NONE,
                          .notified_on = on ? day(on) : NONE,
                          .issued_on = NONE,
                          .notified_tco2e = tco2e};
}

static lag_params_t params_at(const char *as_of)
{
    return (lag_params_t){.as_of = day(as_of)};
}

static void calendar_months(void **state)
{
    (void)state;
    assert_int_equal(a6_date_add_months(day("2019-01-31"), 1), day("2019-02-28"));
    assert_int_equal(a6_date_add_months(day("2020-01-31"), 1), day("2020-02-29"));
    assert_int_equal(a6_date_add_months(day("2019-06-30"), 12), day("2020-06-30"));
    assert_int_equal(a6_date_add_months(day("2019-03-15"), -3), day("2018-12-15"));
    /* 2019-06-30 + 64 months = 2024-10-30 <= 2024-10-31 < 2024-11-30 = + 65 months */
    assert_int_equal(a6_date_months_between(day("2019-06-30"), day("2024-10-31")), 64);
    assert_int_equal(a6_date_months_between(day("2019-06-30"), day("2024-10-29")), 63);
    assert_int_equal(a6_date_months_between(day("2024-10-31"), day("2019-06-30")), -64);
    assert_int_equal(a6_date_months_between(day("2019-01-31"), day("2019-02-28")), 1);
    assert_int_equal(a6_date_months_between(day("2019-01-31"), day("2019-01-31")), 0);
}

static void percentiles_nearest_rank(void **state)
{
    (void)state;
    int32_t five[] = {5, 1, 3, 2, 4};
    lag_summary_t s;
    lag_summarize(five, 5, &s);
    /* sorted 1..5: median rank ceil(2.5) = 3, p90 rank ceil(4.5) = 5 */
    assert_int_equal(s.count, 5);
    assert_int_equal(s.min_days, 1);
    assert_int_equal(s.median_days, 3);
    assert_int_equal(s.p90_days, 5);
    assert_int_equal(s.max_days, 5);
    int32_t four[] = {40, 10, 30, 20};
    lag_summarize(four, 4, &s);
    /* even count: median rank ceil(2) = 2 (the lower middle), p90 rank ceil(3.6) = 4 */
    assert_int_equal(s.median_days, 20);
    assert_int_equal(s.p90_days, 40);
    int32_t ten[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    lag_summarize(ten, 10, &s);
    assert_int_equal(s.median_days, 5);                /* rank 5 */
    assert_int_equal(s.p90_days, 9);                   /* rank 9 */
    assert_int_equal(lag_percentile(ten, 10, 91), 10); /* rank ceil(9.1) = 10 */
    assert_int_equal(lag_percentile(ten, 10, 1), 1);
    int32_t one[] = {7};
    lag_summarize(one, 1, &s);
    assert_int_equal(s.median_days, 7);
    assert_int_equal(s.p90_days, 7);
    lag_summarize(NULL, 0, &s);
    assert_int_equal(s.count, 0);
    assert_int_equal(s.median_days, LAG_DAYS_UNKNOWN);
    assert_int_equal(s.max_days, LAG_DAYS_UNKNOWN);
}

/* VN014: the public record says about 5 years 4 months from the end of monitoring to the
 * notification, which came in the 31 Oct 2024 batch; the end date 2019-06-30 is that span taken
 * back from the notification (the CSV publishes no VN014 monitoring dates). 2019-06-30 to
 * 2024-06-30 is 5 x 365 + 2 leap days = 1827, then July..October 31 + 31 + 30 + 31 = 123: 1950
 * days, 64 whole months. VN011 (5 y 3 m: 2019-07-31, 1919 days) and VN013 (3 y 10 m: 2020-12-31,
 * 1400 days) are reconstructed the same way. */
static void vn014_published_lag(void **state)
{
    (void)state;
    lag_period_t periods[] = {notified("VN014", "2019-06-30", "2024-10-31", 0),
                              notified("VN011", "2019-07-31", "2024-10-31", 0),
                              notified("VN013", "2020-12-31", "2024-10-31", 0)};
    for (size_t i = 0; i < COUNT_OF(periods); i++)
        periods[i].stage = PERIOD_ISSUED;
    lag_params_t params = params_at("2026-02-02");
    lag_result_t r;
    const char *field = NULL;
    assert_int_equal(lag_analyze(periods, 3, &params, &r, &field), A6_OK);
    assert_string_equal(r.rows[0].activity_ref, "VN014");
    assert_int_equal(r.rows[0].to_notification_days, 1950);
    assert_int_equal(r.rows[0].total_days, 1950); /* issued, issuance date unpublished */
    assert_int_equal(r.rows[0].basis, LAG_BASIS_NOTIFIED);
    assert_int_equal(r.rows[0].total_months, 64);
    assert_int_equal(r.rows[1].to_notification_days, 1919);
    assert_int_equal(r.rows[1].total_months, 63);
    assert_int_equal(r.rows[2].to_notification_days, 1400);
    assert_int_equal(r.rows[2].total_months, 46);
    /* sorted 1400, 1919, 1950: median rank 2, p90 rank ceil(2.7) = 3 */
    assert_int_equal(r.to_notification.median_days, 1919);
    assert_int_equal(r.to_notification.p90_days, 1950);
    assert_int_equal(r.to_notification.max_days, 1950);
    assert_int_equal(r.completed.count, 3);
    assert_int_equal(r.total.median_days, 1919);
    /* all three far past 12 months, but issued: late, stuck nowhere */
    assert_int_equal(r.late_count, 3);
    assert_int_equal(r.late_open_count, 0);
    assert_int_equal(r.rows[0].stuck_stage, LAG_STAGE_NONE);
    assert_int_equal(r.rows[0].deadline, day("2020-06-30"));
    /* histogram by 6 months: 64 -> [60,66) bucket 10, 63 -> 10, 46 -> [42,48) bucket 7 */
    assert_int_equal(r.histogram[10], 2);
    assert_int_equal(r.histogram[7], 1);
    /* three periods notified on 31 Oct 2024: a batch at the default threshold of 3 */
    assert_int_equal(r.batch_count, 1);
    assert_int_equal(r.batches[0].notified_on, day("2024-10-31"));
    assert_int_equal(r.batches[0].period_count, 3);
    lag_result_release(&r);
}

/* A portfolio on 2026-02-02 with a 12-month service level:
 *  0 reported, monitoring ended 2025-06-30: waits for verification 217 days, due 2026-06-30;
 *  1 verified: ended 2024-12-31, verified 2025-03-31 (90 days), waits for the request since then
 *    (308 days); total 398 days, 13 months, past its 2025-12-31 deadline: stuck in "request";
 *  2 issued through every step: 2023-01-31, 03-01 (29), 04-01 (31), 06-01 (61), 07-01 (30): 151;
 *  3 VN001 (real): ended 2016-06-30, notified 2017-10-10, issued undated: 467 days, late;
 *  4 VN004 (real): end unknown, notified 2017-10-10, not issued: waits 3037 days for issuance. */
static void fill_portfolio(lag_period_t p[5])
{
    p[0] = notified("A", "2025-06-30", NULL, 0);
    p[0].stage = PERIOD_REPORTED;
    p[1] = notified("B", "2024-12-31", NULL, 0);
    p[1].stage = PERIOD_VERIFIED;
    p[1].verified_on = day("2025-03-31");
    p[2] = notified("C", "2023-01-31", "2023-06-01", 500);
    p[2].stage = PERIOD_ISSUED;
    p[2].verified_on = day("2023-03-01");
    p[2].requested_on = day("2023-04-01");
    p[2].issued_on = day("2023-07-01");
    p[3] = notified("VN001", "2016-06-30", "2017-10-10", 288);
    p[3].stage = PERIOD_ISSUED;
    p[4] = notified("VN004", NULL, "2017-10-10", 151);
}

static void stages_and_service_level(void **state)
{
    (void)state;
    lag_period_t p[5];
    fill_portfolio(p);
    lag_params_t params = params_at("2026-02-02");
    lag_result_t r;
    const char *field = NULL;
    assert_int_equal(lag_analyze(p, 5, &params, &r, &field), A6_OK);
    assert_int_equal(r.params.service_level_months, 12);
    assert_int_equal(r.params.batch_threshold, 3);
    const lag_row_t *a = &r.rows[0], *b = &r.rows[1], *c = &r.rows[2], *d = &r.rows[3],
                    *e = &r.rows[4];
    assert_int_equal(a->waiting_stage, LAG_STAGE_VERIFICATION);
    assert_int_equal(a->waiting_days, 217);
    assert_int_equal(a->stage_days[0], 217);
    assert_int_equal(a->total_days, 217);
    assert_false(a->late);
    assert_int_equal(a->stuck_stage, LAG_STAGE_NONE);
    assert_int_equal(a->deadline, day("2026-06-30"));
    assert_int_equal(b->stage_days[0], 90);
    assert_int_equal(b->waiting_stage, LAG_STAGE_REQUEST);
    assert_int_equal(b->waiting_days, 308);
    assert_int_equal(b->total_days, 398);
    assert_int_equal(b->total_months, 13);
    assert_int_equal(b->basis, LAG_BASIS_OPEN);
    assert_true(b->late);
    assert_int_equal(b->stuck_stage, LAG_STAGE_REQUEST);
    assert_int_equal(b->stage_days[2], LAG_DAYS_UNKNOWN);
    int32_t steps[] = {29, 31, 61, 30};
    for (int k = 0; k < 4; k++)
        assert_int_equal(c->stage_days[k], steps[k]);
    assert_int_equal(c->total_days, 151);
    assert_int_equal(c->basis, LAG_BASIS_ISSUED);
    assert_false(c->late);
    assert_int_equal(d->total_days, 467);
    assert_int_equal(d->total_months, 15);
    assert_true(d->late);
    assert_int_equal(d->stuck_stage, LAG_STAGE_NONE);
    assert_int_equal(e->basis, LAG_BASIS_UNKNOWN);
    assert_int_equal(e->total_days, LAG_DAYS_UNKNOWN);
    assert_false(e->late);
    assert_int_equal(e->waiting_stage, LAG_STAGE_ISSUANCE);
    assert_int_equal(e->waiting_days, 3037); /* 2017-10-10 .. 2026-02-02 */
    assert_int_equal(r.open_count, 3);
    assert_int_equal(r.late_count, 2);
    assert_int_equal(r.late_open_count, 1);
    assert_int_equal(r.stuck_counts[LAG_STAGE_REQUEST - 1], 1);
    assert_int_equal(r.unknown_count, 1);
    /* totals known: 217, 398, 151, 467: median rank 2 = 217, p90 rank 4 = 467 */
    assert_int_equal(r.total.count, 4);
    assert_int_equal(r.total.median_days, 217);
    assert_int_equal(r.total.p90_days, 467);
    assert_int_equal(r.completed.count, 2);
    assert_int_equal(r.completed.median_days, 151);
    /* completed verification steps only: B's 90 and C's 29 (A's ongoing 217 left out) */
    assert_int_equal(r.stages[0].count, 2);
    assert_int_equal(r.stages[0].max_days, 90);
    /* 2017-10-10 has two notifications only: no batch at 3 */
    assert_int_equal(r.batch_count, 0);
    lag_result_release(&r);
}

static void service_level_boundaries(void **state)
{
    (void)state;
    lag_period_t p[5];
    fill_portfolio(p);
    lag_result_t r;
    const char *field = NULL;
    /* B's 398 days: late past 397 days, on time at exactly 398 (the deadline day itself) */
    lag_params_t params = {.as_of = day("2026-02-02"), .service_level_days = 397};
    assert_int_equal(lag_analyze(p, 5, &params, &r, &field), A6_OK);
    assert_true(r.rows[1].late);
    lag_result_release(&r);
    params.service_level_days = 398;
    assert_int_equal(lag_analyze(p, 5, &params, &r, &field), A6_OK);
    assert_false(r.rows[1].late);
    assert_int_equal(r.rows[1].stuck_stage, LAG_STAGE_NONE);
    lag_result_release(&r);
    /* 13 months: deadline 2026-01-31, late; 14 months: 2026-02-28, on time */
    params = (lag_params_t){.as_of = day("2026-02-02"), .service_level_months = 13};
    assert_int_equal(lag_analyze(p, 5, &params, &r, &field), A6_OK);
    assert_int_equal(r.rows[1].deadline, day("2026-01-31"));
    assert_true(r.rows[1].late);
    lag_result_release(&r);
    params.service_level_months = 14;
    assert_int_equal(lag_analyze(p, 5, &params, &r, &field), A6_OK);
    assert_false(r.rows[1].late);
    lag_result_release(&r);
    /* as of an earlier day, the open periods are younger */
    params = params_at("2025-12-31");
    assert_int_equal(lag_analyze(p, 5, &params, &r, &field), A6_OK);
    assert_int_equal(r.rows[1].total_days, 365);
    assert_false(r.rows[1].late);
    lag_result_release(&r);
}

static void batches_by_threshold(void **state)
{
    (void)state;
    lag_period_t p[] = {
        notified("X1", NULL, "2024-10-31", 100), notified("X2", NULL, "2017-10-10", 288),
        notified("X3", NULL, "2024-10-31", 200), notified("X4", NULL, "2017-10-10", 151),
        notified("X5", NULL, "2024-10-31", 300), notified("X6", NULL, NULL, 0)};
    lag_result_t r;
    const char *field = NULL;
    lag_params_t params = params_at("2026-02-02");
    assert_int_equal(lag_analyze(p, COUNT_OF(p), &params, &r, &field), A6_OK);
    assert_int_equal(r.batch_count, 1);
    assert_int_equal(r.batches[0].notified_on, day("2024-10-31"));
    assert_int_equal(r.batches[0].period_count, 3);
    assert_int_equal(r.batches[0].notified_tco2e, 600);
    lag_result_release(&r);
    params.batch_threshold = 2; /* both dates, by date */
    assert_int_equal(lag_analyze(p, COUNT_OF(p), &params, &r, &field), A6_OK);
    assert_int_equal(r.batch_count, 2);
    assert_int_equal(r.batches[0].notified_on, day("2017-10-10"));
    assert_int_equal(r.batches[0].notified_tco2e, 439);
    assert_int_equal(r.batches[1].period_count, 3);
    lag_result_release(&r);
    params.batch_threshold = 4;
    assert_int_equal(lag_analyze(p, COUNT_OF(p), &params, &r, &field), A6_OK);
    assert_int_equal(r.batch_count, 0);
    lag_result_release(&r);
}

static void expect_rejected(lag_params_t params, a6_check_t check, const char *name)
{
    lag_result_t r;
    const char *field = NULL;
    lag_period_t p = notified("A", "2025-01-31", NULL, 0);
    assert_int_equal(lag_analyze(&p, 1, &params, &r, &field), check);
    assert_non_null(field);
    assert_string_equal(field, name);
    assert_null(r.rows);
}

static void parameters_checked(void **state)
{
    (void)state;
    expect_rejected((lag_params_t){.as_of = NONE}, A6_CHECK_DATE_INVALID, "as_of");
    a6_date_t today = day("2026-02-02");
    expect_rejected((lag_params_t){.as_of = today, .service_level_months = 241},
                    A6_CHECK_PARAMETER_INVALID, "service_level_months");
    expect_rejected((lag_params_t){.as_of = today, .service_level_months = -1},
                    A6_CHECK_PARAMETER_INVALID, "service_level_months");
    expect_rejected((lag_params_t){.as_of = today, .service_level_days = 7306},
                    A6_CHECK_PARAMETER_INVALID, "service_level_days");
    expect_rejected(
        (lag_params_t){.as_of = today, .service_level_months = 6, .service_level_days = 30},
        A6_CHECK_PARAMETER_INVALID, "service_level_days");
    expect_rejected((lag_params_t){.as_of = today, .batch_threshold = 1},
                    A6_CHECK_PARAMETER_INVALID, "batch_threshold");
    lag_result_t r;
    const char *field = NULL;
    lag_params_t params = params_at("2026-02-02");
    assert_int_equal(lag_analyze(NULL, 0, &params, &r, &field), A6_OK);
    assert_int_equal(r.row_count, 0);
    assert_int_equal(r.total.count, 0);
    lag_result_release(&r);
    assert_int_equal(lag_analyze(NULL, LAG_PERIODS_MAX + 1, &params, &r, &field),
                     A6_CHECK_ANALYSIS_TOO_LARGE);
    assert_string_equal(field, "periods");
}

static void names(void **state)
{
    (void)state;
    assert_string_equal(lag_stage_name(LAG_STAGE_VERIFICATION), "verification");
    assert_string_equal(lag_stage_name(LAG_STAGE_ISSUANCE), "issuance");
    assert_string_equal(lag_stage_name(LAG_STAGE_NONE), "none");
    assert_string_equal(lag_basis_name(LAG_BASIS_NOTIFIED), "notified");
    assert_string_equal(lag_basis_name(LAG_BASIS_OPEN), "open");
    assert_string_equal(a6_check_name(A6_CHECK_PARAMETER_INVALID), "parameter-invalid");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calendar_months),          cmocka_unit_test(percentiles_nearest_rank),
        cmocka_unit_test(vn014_published_lag),      cmocka_unit_test(stages_and_service_level),
        cmocka_unit_test(service_level_boundaries), cmocka_unit_test(batches_by_threshold),
        cmocka_unit_test(parameters_checked),       cmocka_unit_test(names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
