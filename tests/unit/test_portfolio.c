/* test_portfolio.c: unit tests of core/portfolio: counts by state, kind and technology group,
 * expected against notified and issued reductions, credits by side, registrations per year with
 * gap years, the pipeline under validation, and the limits. Expectations computed by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/portfolio.h"

static a6_date_t day(const char *text)
{
    a6_date_t date = A6_DATE_NONE;
    if (a6_date_parse(text, &date) != A6_OK) fail_msg("bad date literal \"%s\"", text);
    return date;
}

/* Five activities of the real JCM Viet Nam list (VN003's technology left blank on purpose) and
 * the published VN001 2017 split (201 / 29 / 58) plus VN005's partner share (95). */
static void small_portfolio(void **state)
{
    (void)state;
    const portfolio_activity_t activities[] = {
        {"VN001", ACTIVITY_PROJECT, ACTIVITY_REGISTERED, "transport", day("2015-08-04"), 328, 288,
         288},
        {"VN003", ACTIVITY_PROJECT, ACTIVITY_REGISTERED, NULL, day("2016-05-15"), 0, 0, 0},
        {"VN007", ACTIVITY_PROJECT, ACTIVITY_REGISTERED, "solar-pv", day("2018-08-15"), 0, 0, 0},
        {"VN017", ACTIVITY_PROJECT, ACTIVITY_UNDER_VALIDATION, "solar-pv", A6_DATE_NONE, 48237, 0,
         0},
        {"VN005", ACTIVITY_PROJECT, ACTIVITY_REGISTERED, "building-and-air-conditioning",
         day("2017-10-10"), 0, 189, 0},
    };
    const portfolio_allocation_t allocations[] = {
        {SIDE_PARTNER, 201}, {SIDE_HOST, 29}, {SIDE_PARTICIPANTS, 58}, {SIDE_PARTNER, 95}};
    portfolio_result_t r;
    const char *field = NULL;
    assert_int_equal(portfolio_analyze(activities, 5, allocations, 4, &r, &field), A6_OK);
    assert_int_equal(r.all.activity_count, 5);
    assert_int_equal(r.state_counts[ACTIVITY_REGISTERED], 4);
    assert_int_equal(r.state_counts[ACTIVITY_UNDER_VALIDATION], 1);
    assert_int_equal(r.kind_counts[ACTIVITY_PROJECT], 5);
    /* expected: 328 + 48237 from the two that publish it */
    assert_int_equal(r.all.expected_annual_tco2e, 48565);
    assert_int_equal(r.all.expected_known_count, 2);
    assert_int_equal(r.registered.expected_annual_tco2e, 328);
    assert_int_equal(r.registered.activity_count, 4);
    assert_int_equal(r.all.notified_tco2e, 477); /* 288 + 189 */
    assert_int_equal(r.all.issued_tco2e, 288);
    assert_int_equal(r.pipeline.activity_count, 1);
    assert_int_equal(r.pipeline.expected_annual_tco2e, 48237);
    assert_int_equal(r.side_tco2e[SIDE_PARTNER], 296);
    assert_int_equal(r.side_tco2e[SIDE_HOST], 29);
    assert_int_equal(r.side_tco2e[SIDE_PARTICIPANTS], 58);
    assert_int_equal(r.allocated_tco2e, 383);
    /* groups by name, "unknown" last */
    assert_int_equal(r.technology_count, 4);
    assert_string_equal(r.technologies[0].name, "building-and-air-conditioning");
    assert_string_equal(r.technologies[1].name, "solar-pv");
    assert_int_equal(r.technologies[1].activity_count, 2);
    assert_int_equal(r.technologies[1].registered_count, 1);
    assert_int_equal(r.technologies[1].under_validation_count, 1);
    assert_int_equal(r.technologies[1].expected_annual_tco2e, 48237);
    assert_string_equal(r.technologies[2].name, "transport");
    assert_int_equal(r.technologies[2].issued_tco2e, 288);
    assert_string_equal(r.technologies[3].name, PORTFOLIO_UNKNOWN_TECHNOLOGY);
    /* 2015..2018, one registration a year */
    assert_int_equal(r.year_count, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(r.years[i].year, 2015 + (int)i);
        assert_int_equal(r.years[i].registered_count, 1);
    }
}

static void gap_years_and_empty(void **state)
{
    (void)state;
    const portfolio_activity_t activities[] = {
        {"A", ACTIVITY_PROJECT, ACTIVITY_REGISTERED, "x", day("2015-01-01"), 0, 0, 0},
        {"B", ACTIVITY_POA, ACTIVITY_REGISTERED, "x", day("2019-12-31"), 0, 0, 0},
        {"C", ACTIVITY_CPA, ACTIVITY_INCLUDED, "x", A6_DATE_NONE, 0, 0, 0},
        {"D", ACTIVITY_PROJECT, ACTIVITY_REGISTERED, "x", day("2019-05-28"), 0, 0, 0},
    };
    portfolio_result_t r;
    const char *field = NULL;
    assert_int_equal(portfolio_analyze(activities, 4, NULL, 0, &r, &field), A6_OK);
    assert_int_equal(r.year_count, 5);
    assert_int_equal(r.years[0].registered_count, 1);
    assert_int_equal(r.years[1].registered_count, 0); /* 2016 */
    assert_int_equal(r.years[4].year, 2019);
    assert_int_equal(r.years[4].registered_count, 2);
    assert_int_equal(r.kind_counts[ACTIVITY_CPA], 1);
    assert_int_equal(r.state_counts[ACTIVITY_INCLUDED], 1);
    assert_int_equal(portfolio_analyze(NULL, 0, NULL, 0, &r, &field), A6_OK);
    assert_int_equal(r.year_count, 0);
    assert_int_equal(r.technology_count, 0);
    assert_int_equal(r.all.activity_count, 0);
}

static void limits(void **state)
{
    (void)state;
    static portfolio_activity_t many[PORTFOLIO_TECHNOLOGIES_MAX + 1];
    static char names[PORTFOLIO_TECHNOLOGIES_MAX + 1][16];
    for (size_t i = 0; i <= PORTFOLIO_TECHNOLOGIES_MAX; i++) {
        snprintf(names[i], sizeof names[i], "t%zu", i);
        many[i] = (portfolio_activity_t){.ref = "X",
                                         .kind = ACTIVITY_PROJECT,
                                         .state = ACTIVITY_REGISTERED,
                                         .technology_group = names[i],
                                         .registered_on = A6_DATE_NONE};
    }
    portfolio_result_t r;
    const char *field = NULL;
    assert_int_equal(portfolio_analyze(many, PORTFOLIO_TECHNOLOGIES_MAX, NULL, 0, &r, &field),
                     A6_OK);
    assert_int_equal(portfolio_analyze(many, PORTFOLIO_TECHNOLOGIES_MAX + 1, NULL, 0, &r, &field),
                     A6_CHECK_ANALYSIS_TOO_LARGE);
    assert_string_equal(field, "technology_group");
    many[0].expected_annual_tco2e = INT64_MAX;
    many[1].expected_annual_tco2e = 1;
    assert_int_equal(portfolio_analyze(many, 2, NULL, 0, &r, &field), A6_CHECK_QUANTITY_OVERFLOW);
    assert_string_equal(field, "expected_annual_tco2e");
    const portfolio_allocation_t bad_side[] = {{(allocation_side_t)7, 1}};
    assert_int_equal(portfolio_analyze(NULL, 0, bad_side, 1, &r, &field), A6_CHECK_SIDE_INVALID);
    const portfolio_allocation_t negative[] = {{SIDE_HOST, -1}};
    assert_int_equal(portfolio_analyze(NULL, 0, negative, 1, &r, &field),
                     A6_CHECK_QUANTITY_INVALID);
    assert_int_equal(portfolio_analyze(NULL, PORTFOLIO_ACTIVITIES_MAX + 1, NULL, 0, &r, &field),
                     A6_CHECK_ANALYSIS_TOO_LARGE);
    assert_string_equal(field, "activities");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(small_portfolio),
        cmocka_unit_test(gap_years_and_empty),
        cmocka_unit_test(limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
