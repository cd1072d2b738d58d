/* test_ndc.c: unit tests of core/ndc: the worked example of spec/ARTICLE6.md (trajectory and
 * averaging), uses, rounding, missing figures, targets from BAU and from a trajectory, the budget
 * method, input validation and the CA method lock. Every expected number is computed by hand in
 * the comment next to it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/ndc.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define YEARS 10 /* 2021..2030 */

/* Viet Nam's 2022 NDC: 2021-2030, target 2030, BAU 2030 927.9 Mt CO2e, unconditional 15.8%,
 * conditional 43.5%. */
static a6_ndc_t vietnam_ndc(a6_ca_method_t method)
{
    a6_ndc_t ndc;
    a6_ndc_init(&ndc);
    ndc.first_year = 2021;
    ndc.last_year = 2030;
    ndc.target_year = 2030;
    ndc.bau_tco2e = 927900000;
    ndc.unconditional_bp = 1580;
    ndc.conditional_bp = 4350;
    ndc.method = method;
    return ndc;
}

/* E(t) = 700,000,000 + 9,000,000 * (t - 2021): 700 Mt in 2021 ... 781 Mt in 2030. First
 * transfers of the worked example: 10,000 (2026), 20,000 (2027), 30,000 (2029), 40,000 (2030). */
static void worked_example_years(a6_ndc_year_t years[YEARS])
{
    a6_ndc_years_init(years, YEARS);
    for (int i = 0; i < YEARS; i++)
        years[i].emissions_tco2e = 700000000 + 9000000 * (int64_t)i;
    years[2026 - 2021].first_transferred_tco2e = 10000;
    years[2027 - 2021].first_transferred_tco2e = 20000;
    years[2029 - 2021].first_transferred_tco2e = 30000;
    years[2030 - 2021].first_transferred_tco2e = 40000;
}

static const a6_balance_year_t *year_of(const a6_balance_t *balance, int year)
{
    for (size_t i = 0; i < balance->year_count; i++)
        if (balance->years[i].year == year) return &balance->years[i];
    fail_msg("year %d not in the balance", year);
    return NULL;
}

static void rounding_half_up(void **state)
{
    (void)state;
    assert_int_equal(a6_divide_round_half_up(5, 2), 3);   /* 2.5 -> 3 */
    assert_int_equal(a6_divide_round_half_up(-5, 2), -2); /* -2.5 -> -2 (halves up) */
    assert_int_equal(a6_divide_round_half_up(7, 3), 2);   /* 2.33 */
    assert_int_equal(a6_divide_round_half_up(-7, 3), -2); /* -2.33 */
    assert_int_equal(a6_divide_round_half_up(8, 3), 3);   /* 2.67 */
    assert_int_equal(a6_divide_round_half_up(-8, 3), -3); /* -2.67 */
    assert_int_equal(a6_divide_round_half_up(1, 10), 0);
    assert_int_equal(a6_divide_round_half_up(5, 10), 1);
    assert_int_equal(a6_divide_round_half_up(-5, 10), 0);
    assert_int_equal(a6_divide_round_half_up(-6, 10), -1);
    assert_int_equal(a6_divide_round_half_up(0, 7), 0);
    assert_int_equal(a6_divide_round_half_up(100000, 10), 10000);
    assert_int_equal(a6_divide_round_half_up(10000, 6), 1667);

    assert_int_equal(a6_ndc_level(927900000, 1580), 781291800); /* 927.9 Mt * 0.842 */
    assert_int_equal(a6_ndc_level(927900000, 4350), 524263500); /* 927.9 Mt * 0.565 */
    assert_int_equal(a6_ndc_level(1, 5000), 1);                 /* 0.5 -> 1 */
    assert_int_equal(a6_ndc_level(3, 5000), 2);                 /* 1.5 -> 2 */
    assert_int_equal(a6_ndc_level(3, 6667), 1);                 /* 0.9999 -> 1 */
    assert_int_equal(a6_ndc_level(100, 0), 100);
    assert_int_equal(a6_ndc_level(100, A6_BP_FULL), 0);
    assert_int_equal(a6_ndc_level(A6_NDC_QUANTITY_MAX, 1), 99990000000000); /* no overflow */
    assert_true(a6_ndc_level(A6_NDC_MISSING, 1580) == A6_NDC_MISSING);
    assert_true(a6_ndc_level(927900000, A6_BP_MISSING) == A6_NDC_MISSING);
}

/* The worked example, trajectory method: adjustments 10,000 / 20,000 / 0 / 30,000 / 40,000 in
 * 2026-2030, so 2030 adjusted emissions are E(2030) + 40,000. */
static void worked_example_trajectory(void **state)
{
    (void)state;
    a6_ndc_t ndc = vietnam_ndc(A6_CA_TRAJECTORY);
    a6_ndc_year_t years[YEARS];
    worked_example_years(years);
    a6_balance_t balance;
    assert_int_equal(a6_ndc_balance(&ndc, years, YEARS, &balance), A6_OK);
    assert_int_equal(balance.year_count, 10);
    assert_int_equal(balance.target_index, 9);
    assert_int_equal(balance.years[0].year, 2021);

    static const int64_t adjustments[YEARS] = {0, 0, 0, 0, 0, 10000, 20000, 0, 30000, 40000};
    for (int i = 0; i < YEARS; i++) {
        const a6_balance_year_t *year = &balance.years[i];
        assert_int_equal(year->year, 2021 + i);
        assert_int_equal(year->net_tco2e, adjustments[i]);
        assert_int_equal(year->adjustment_tco2e, adjustments[i]);
        assert_false(year->indicative);
        assert_int_equal(year->adjusted_tco2e, year->emissions_tco2e + adjustments[i]);
    }
    const a6_balance_year_t *y2030 = year_of(&balance, 2030);
    assert_int_equal(y2030->emissions_tco2e, 781000000);
    assert_int_equal(y2030->first_transferred_tco2e, 40000);
    assert_int_equal(y2030->used_tco2e, 0);
    assert_int_equal(y2030->adjusted_tco2e, 781040000); /* E(2030) + 40,000 */
    assert_int_equal(y2030->target_tco2e, 781291800);   /* 927,900,000 * (1 - 15.80%) */
    assert_int_equal(y2030->distance_tco2e, -251800);   /* 781,040,000 - 781,291,800 */
    /* no trajectory given: other years have no target and no distance */
    assert_true(year_of(&balance, 2026)->target_tco2e == A6_NDC_MISSING);
    assert_true(year_of(&balance, 2026)->distance_tco2e == A6_NDC_MISSING);

    assert_int_equal(balance.net_total_tco2e, 100000);
    assert_int_equal(balance.target_level_tco2e, 781291800);
    assert_int_equal(balance.conditional_level_tco2e, 524263500);
    /* sum E = 10 * 700 Mt + 9 Mt * (0 + 1 + ... + 9) = 7,405,000,000; + 100,000 adjustments */
    assert_int_equal(balance.adjusted_total_tco2e, 7405100000);
    assert_true(balance.budget_distance_tco2e == A6_NDC_MISSING);
}

/* The worked example, averaging: the 2030 adjustment is 100,000 / 10 = 10,000; earlier years
 * show the running average (indicative), rounded half up. */
static void worked_example_averaging(void **state)
{
    (void)state;
    a6_ndc_t ndc = vietnam_ndc(A6_CA_AVERAGING);
    a6_ndc_year_t years[YEARS];
    worked_example_years(years);
    a6_balance_t balance;
    assert_int_equal(a6_ndc_balance(&ndc, years, YEARS, &balance), A6_OK);

    static const int64_t adjustments[YEARS] = {
        0,     0, 0, 0, 0, 1667, /* 2026: 10,000 / 6 = 1,666.67 */
        4286,                    /* 2027: 30,000 / 7 = 4,285.71 */
        3750,                    /* 2028: 30,000 / 8 */
        6667,                    /* 2029: 60,000 / 9 = 6,666.67 */
        10000,                   /* 2030: 100,000 / 10, applied */
    };
    for (int i = 0; i < YEARS; i++) {
        assert_int_equal(balance.years[i].adjustment_tco2e, adjustments[i]);
        assert_int_equal(balance.years[i].indicative, i != 9);
    }
    const a6_balance_year_t *y2030 = year_of(&balance, 2030);
    assert_int_equal(y2030->net_tco2e, 40000);
    assert_int_equal(y2030->adjusted_tco2e, 781010000); /* E(2030) + 10,000 */
    assert_int_equal(y2030->distance_tco2e, -281800);   /* 781,010,000 - 781,291,800 */
    assert_int_equal(balance.net_total_tco2e, 100000);
}

/* The acquiring side: uses subtract. N may be negative; averaging rounds halves upwards. */
static void uses_subtract(void **state)
{
    (void)state;
    a6_ndc_t ndc = vietnam_ndc(A6_CA_TRAJECTORY);
    a6_ndc_year_t years[YEARS];
    worked_example_years(years);
    years[9].used_tco2e = 5000;
    a6_balance_t balance;
    assert_int_equal(a6_ndc_balance(&ndc, years, YEARS, &balance), A6_OK);
    assert_int_equal(balance.years[9].net_tco2e, 35000); /* 40,000 - 5,000 */
    assert_int_equal(balance.years[9].adjusted_tco2e, 781035000);
    assert_int_equal(balance.net_total_tco2e, 95000);

    a6_ndc_year_t only_uses[YEARS];
    a6_ndc_years_init(only_uses, YEARS);
    only_uses[9].emissions_tco2e = 781000000;
    only_uses[1].used_tco2e = 3; /* 2022 */
    ndc.method = A6_CA_AVERAGING;
    assert_int_equal(a6_ndc_balance(&ndc, only_uses, YEARS, &balance), A6_OK);
    assert_int_equal(balance.years[0].adjustment_tco2e, 0);
    assert_int_equal(balance.years[1].adjustment_tco2e, -1); /* -3 / 2 = -1.5 -> -1 */
    assert_int_equal(balance.years[2].adjustment_tco2e, -1); /* -3 / 3 */
    assert_int_equal(balance.years[3].adjustment_tco2e, -1); /* -3 / 4 = -0.75 -> -1 */
    assert_int_equal(balance.years[4].adjustment_tco2e, -1); /* -3 / 5 = -0.6 -> -1 */
    assert_int_equal(balance.years[5].adjustment_tco2e, 0);  /* -3 / 6 = -0.5 -> 0 */
    assert_int_equal(balance.years[9].adjustment_tco2e, 0);  /* -3 / 10 = -0.3 -> 0 */
    assert_int_equal(balance.years[9].adjusted_tco2e, 781000000);
}

/* A year without inventory figures shows its adjustment but no adjusted emissions. */
static void missing_emissions_propagate(void **state)
{
    (void)state;
    a6_ndc_t ndc = vietnam_ndc(A6_CA_TRAJECTORY);
    a6_ndc_year_t years[YEARS];
    worked_example_years(years);
    years[2029 - 2021].emissions_tco2e = A6_NDC_MISSING;
    years[2029 - 2021].trajectory_tco2e = 772000000;
    a6_balance_t balance;
    assert_int_equal(a6_ndc_balance(&ndc, years, YEARS, &balance), A6_OK);
    const a6_balance_year_t *y2029 = year_of(&balance, 2029);
    assert_true(y2029->emissions_tco2e == A6_NDC_MISSING);
    assert_int_equal(y2029->adjustment_tco2e, 30000);
    assert_true(y2029->adjusted_tco2e == A6_NDC_MISSING);
    assert_int_equal(y2029->target_tco2e, 772000000);
    assert_true(y2029->distance_tco2e == A6_NDC_MISSING);
    assert_true(balance.adjusted_total_tco2e == A6_NDC_MISSING);
    assert_int_equal(year_of(&balance, 2030)->distance_tco2e, -251800);
}

/* Other years are judged against the indicative trajectory when given; the target year against
 * BAU * (1 - unconditional), or its trajectory value when BAU is missing. */
static void targets_from_trajectory_and_bau(void **state)
{
    (void)state;
    a6_ndc_t ndc = vietnam_ndc(A6_CA_TRAJECTORY);
    a6_ndc_year_t years[YEARS];
    worked_example_years(years);
    years[2026 - 2021].trajectory_tco2e = 745000000;
    years[2027 - 2021].trajectory_tco2e = 760000000;
    years[2030 - 2021].trajectory_tco2e = 781100000;
    a6_balance_t balance;
    assert_int_equal(a6_ndc_balance(&ndc, years, YEARS, &balance), A6_OK);
    assert_int_equal(year_of(&balance, 2026)->distance_tco2e, 10000);    /* 745,010,000 - 745 Mt */
    assert_int_equal(year_of(&balance, 2027)->distance_tco2e, -5980000); /* 754.02 - 760 Mt */
    assert_int_equal(year_of(&balance, 2030)->target_tco2e, 781291800);  /* BAU wins */

    ndc.bau_tco2e = A6_NDC_MISSING;
    assert_int_equal(a6_ndc_balance(&ndc, years, YEARS, &balance), A6_OK);
    assert_true(balance.target_level_tco2e == A6_NDC_MISSING);
    assert_true(balance.conditional_level_tco2e == A6_NDC_MISSING);
    assert_int_equal(year_of(&balance, 2030)->target_tco2e, 781100000);
    assert_int_equal(year_of(&balance, 2030)->distance_tco2e, -60000); /* 781,040,000 - 781.1 Mt */

    years[9].trajectory_tco2e = A6_NDC_MISSING;
    assert_int_equal(a6_ndc_balance(&ndc, years, YEARS, &balance), A6_OK);
    assert_true(year_of(&balance, 2030)->target_tco2e == A6_NDC_MISSING);
    assert_true(year_of(&balance, 2030)->distance_tco2e == A6_NDC_MISSING);

    ndc.bau_tco2e = 927900000;
    ndc.unconditional_bp = A6_BP_MISSING;
    assert_int_equal(a6_ndc_balance(&ndc, years, YEARS, &balance), A6_OK);
    assert_true(balance.target_level_tco2e == A6_NDC_MISSING);
}

/* Budget: N(t) every year; the adjusted total compared with the budget. */
static void budget_method(void **state)
{
    (void)state;
    a6_ndc_t ndc = vietnam_ndc(A6_CA_BUDGET);
    a6_ndc_year_t years[YEARS];
    worked_example_years(years);
    a6_balance_t balance;
    assert_int_equal(a6_ndc_balance(&ndc, years, YEARS, &balance), A6_OK);
    assert_int_equal(year_of(&balance, 2030)->adjustment_tco2e, 40000);
    assert_true(balance.budget_distance_tco2e == A6_NDC_MISSING); /* no budget given */

    ndc.budget_tco2e = 7405100000;
    assert_int_equal(a6_ndc_balance(&ndc, years, YEARS, &balance), A6_OK);
    assert_int_equal(balance.budget_distance_tco2e, 0);
    ndc.budget_tco2e = 7405000000;
    assert_int_equal(a6_ndc_balance(&ndc, years, YEARS, &balance), A6_OK);
    assert_int_equal(balance.budget_distance_tco2e, 100000);

    years[3].emissions_tco2e = A6_NDC_MISSING;
    assert_int_equal(a6_ndc_balance(&ndc, years, YEARS, &balance), A6_OK);
    assert_true(balance.adjusted_total_tco2e == A6_NDC_MISSING);
    assert_true(balance.budget_distance_tco2e == A6_NDC_MISSING);
}

/* A single-year period and a target year before the period's end. */
static void short_and_early_target_periods(void **state)
{
    (void)state;
    a6_ndc_t ndc = vietnam_ndc(A6_CA_AVERAGING);
    ndc.first_year = ndc.last_year = ndc.target_year = 2030;
    a6_ndc_year_t one;
    a6_ndc_years_init(&one, 1);
    one.emissions_tco2e = 781000000;
    one.first_transferred_tco2e = 7;
    a6_balance_t balance;
    assert_int_equal(a6_ndc_balance(&ndc, &one, 1, &balance), A6_OK);
    assert_int_equal(balance.years[0].adjustment_tco2e, 7);
    assert_false(balance.years[0].indicative);

    /* target 2025 inside 2021-2030: the target year takes the whole period's total / 10 */
    ndc = vietnam_ndc(A6_CA_AVERAGING);
    ndc.target_year = 2025;
    a6_ndc_year_t years[YEARS];
    worked_example_years(years);
    assert_int_equal(a6_ndc_balance(&ndc, years, YEARS, &balance), A6_OK);
    assert_int_equal(balance.target_index, 4);
    assert_int_equal(balance.years[4].adjustment_tco2e, 10000);
    assert_false(balance.years[4].indicative);
    assert_true(balance.years[9].indicative);
}

static void input_validation(void **state)
{
    (void)state;
    a6_ndc_year_t years[YEARS];
    worked_example_years(years);
    a6_balance_t balance;
    memset(&balance, 0x5a, sizeof balance);
    a6_ndc_t ndc = vietnam_ndc(A6_CA_TRAJECTORY);
    assert_int_equal(a6_ndc_check(&ndc, years, YEARS), A6_OK);

    /* missing: no NDC, no years, no method */
    assert_int_equal(a6_ndc_balance(NULL, years, YEARS, &balance), A6_CHECK_NDC_DATA_MISSING);
    assert_int_equal(a6_ndc_check(&ndc, NULL, YEARS), A6_CHECK_NDC_DATA_MISSING);
    assert_int_equal(a6_ndc_check(&ndc, years, 0), A6_CHECK_NDC_DATA_MISSING);
    ndc.method = (a6_ca_method_t)0;
    assert_int_equal(a6_ndc_check(&ndc, years, YEARS), A6_CHECK_NDC_DATA_MISSING);
    ndc.method = (a6_ca_method_t)4;
    assert_int_equal(a6_ndc_check(&ndc, years, YEARS), A6_CHECK_CA_METHOD_INVALID);
    a6_ndc_t fresh;
    a6_ndc_init(&fresh);
    assert_int_equal(a6_ndc_check(&fresh, years, YEARS), A6_CHECK_NDC_INVALID); /* year 0 */

    /* invalid: period, counts, target, figures */
    ndc = vietnam_ndc(A6_CA_TRAJECTORY);
    assert_int_equal(a6_ndc_check(&ndc, years, YEARS - 1), A6_CHECK_NDC_INVALID);
    ndc.target_year = 2031;
    assert_int_equal(a6_ndc_check(&ndc, years, YEARS), A6_CHECK_NDC_INVALID);
    ndc = vietnam_ndc(A6_CA_TRAJECTORY);
    ndc.first_year = 2031;
    assert_int_equal(a6_ndc_check(&ndc, years, YEARS), A6_CHECK_NDC_INVALID);
    ndc = vietnam_ndc(A6_CA_TRAJECTORY);
    ndc.first_year = 1989;
    assert_int_equal(a6_ndc_check(&ndc, years, YEARS), A6_CHECK_NDC_INVALID);
    ndc = vietnam_ndc(A6_CA_TRAJECTORY);
    ndc.unconditional_bp = 10001;
    assert_int_equal(a6_ndc_check(&ndc, years, YEARS), A6_CHECK_NDC_INVALID);
    ndc.unconditional_bp = -2;
    assert_int_equal(a6_ndc_check(&ndc, years, YEARS), A6_CHECK_NDC_INVALID);
    ndc = vietnam_ndc(A6_CA_TRAJECTORY);
    ndc.conditional_bp = 1579; /* below the unconditional 1580 */
    assert_int_equal(a6_ndc_check(&ndc, years, YEARS), A6_CHECK_NDC_INVALID);
    ndc = vietnam_ndc(A6_CA_TRAJECTORY);
    ndc.bau_tco2e = -1;
    assert_int_equal(a6_ndc_check(&ndc, years, YEARS), A6_CHECK_NDC_INVALID);
    ndc.bau_tco2e = A6_NDC_QUANTITY_MAX + 1;
    assert_int_equal(a6_ndc_check(&ndc, years, YEARS), A6_CHECK_NDC_INVALID);
    ndc = vietnam_ndc(A6_CA_BUDGET);
    ndc.budget_tco2e = -5;
    assert_int_equal(a6_ndc_check(&ndc, years, YEARS), A6_CHECK_NDC_INVALID);

    ndc = vietnam_ndc(A6_CA_TRAJECTORY);
    years[2].first_transferred_tco2e = -1;
    assert_int_equal(a6_ndc_check(&ndc, years, YEARS), A6_CHECK_NDC_INVALID);
    worked_example_years(years);
    years[2].used_tco2e = A6_NDC_QUANTITY_MAX + 1;
    assert_int_equal(a6_ndc_check(&ndc, years, YEARS), A6_CHECK_NDC_INVALID);
    worked_example_years(years);
    years[2].emissions_tco2e = -A6_NDC_QUANTITY_MAX - 1;
    assert_int_equal(a6_ndc_check(&ndc, years, YEARS), A6_CHECK_NDC_INVALID);
    years[2].emissions_tco2e = -5000; /* net removals are real */
    assert_int_equal(a6_ndc_check(&ndc, years, YEARS), A6_OK);

    /* more years than the limit */
    ndc.first_year = 2000;
    ndc.last_year = 2060;
    ndc.target_year = 2060;
    a6_ndc_year_t many[61];
    a6_ndc_years_init(many, COUNT_OF(many));
    assert_int_equal(a6_ndc_check(&ndc, many, COUNT_OF(many)), A6_CHECK_NDC_INVALID);
    ndc.first_year = 2001;
    assert_int_equal(a6_ndc_check(&ndc, many, 60), A6_OK);

    /* a refused balance leaves *out untouched */
    unsigned char untouched[sizeof balance];
    memset(untouched, 0x5a, sizeof untouched);
    assert_memory_equal(&balance, untouched, sizeof balance);
}

static void ca_method_lock(void **state)
{
    (void)state;
    assert_int_equal(a6_ca_method_change_check((a6_ca_method_t)0, A6_CA_AVERAGING, true), A6_OK);
    assert_int_equal(a6_ca_method_change_check(A6_CA_TRAJECTORY, A6_CA_TRAJECTORY, true), A6_OK);
    assert_int_equal(a6_ca_method_change_check(A6_CA_TRAJECTORY, A6_CA_AVERAGING, false), A6_OK);
    assert_int_equal(a6_ca_method_change_check(A6_CA_TRAJECTORY, A6_CA_AVERAGING, true),
                     A6_CHECK_CA_METHOD_LOCKED);
    assert_int_equal(a6_ca_method_change_check(A6_CA_AVERAGING, A6_CA_BUDGET, true),
                     A6_CHECK_CA_METHOD_LOCKED);
    assert_int_equal(a6_ca_method_change_check(A6_CA_TRAJECTORY, (a6_ca_method_t)0, false),
                     A6_CHECK_CA_METHOD_INVALID);
    assert_int_equal(a6_ca_method_change_check(A6_CA_TRAJECTORY, (a6_ca_method_t)4, true),
                     A6_CHECK_CA_METHOD_INVALID);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rounding_half_up),
        cmocka_unit_test(worked_example_trajectory),
        cmocka_unit_test(worked_example_averaging),
        cmocka_unit_test(uses_subtract),
        cmocka_unit_test(missing_emissions_propagate),
        cmocka_unit_test(targets_from_trajectory_and_bau),
        cmocka_unit_test(budget_method),
        cmocka_unit_test(short_and_early_target_periods),
        cmocka_unit_test(input_validation),
        cmocka_unit_test(ca_method_lock),
    };
    /* clang-format on */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
