/* test_finance.c: unit tests of core/finance: the JCM support schedule 50 / 40 / 30 % with 10 %
 * consulting, net benefit, project by project against one PoA (transaction cost, days to first
 * and last issuance, cost per tCO2e in cents), rounding, and parameter checks. Every expected
 * number is computed by hand in the comment next to it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/finance.h"

static void support_schedule_defaults(void **state)
{
    (void)state;
    finance_params_t p;
    finance_params_default(&p);
    finance_result_t r;
    const char *field = NULL;
    assert_int_equal(finance_analyze(&p, &r, &field), A6_OK);
    /* investment 1,000,000: rank 1 at 50 % = 500,000, consulting 10 % = 50,000, net 450,000 */
    const int64_t rates[] = {5000, 4000, 4000, 3000, 3000};
    const int64_t support[] = {500000, 400000, 400000, 300000, 300000};
    for (int i = 0; i < FINANCE_SCHEDULE_RANKS; i++) {
        assert_int_equal(r.schedule[i].rank, i + 1);
        assert_int_equal(r.schedule[i].rate_bp, rates[i]);
        assert_int_equal(r.schedule[i].support, support[i]);
        assert_int_equal(r.schedule[i].consulting, support[i] / 10);
        assert_int_equal(r.schedule[i].net_benefit, support[i] - support[i] / 10);
        assert_int_equal(r.schedule[i].own_funds, 1000000 - (support[i] - support[i] / 10));
    }
    assert_int_equal(r.project.rank, 1);
    assert_int_equal(r.project.net_benefit, 450000);
    assert_int_equal(r.project.own_funds, 550000);
    assert_int_equal(finance_support_rate_bp(&p, 100), 3000);
}

/* Defaults, 10 sites of 1,000,000 and 1,000 t/year for 10 years (100,000 t), 5 verifications:
 * project by project: validation 10 x 30,000 = 300,000, registration 10 x 5,000 = 50,000,
 *   verification 10 x 5 x 20,000 = 1,000,000: 1,350,000, 1350 cents/t; first issuance after
 *   270 + 90 + 365 + 365 = 1090 days, the tenth site 9 x 90 = 810 days later: 1900; support for
 *   ranks 1..10: 500,000 + 2 x 400,000 + 7 x 300,000 = 3,400,000, consulting 340,000.
 * PoA: 60,000 + 5,000 + 10 x 3,000 + 5 x (25,000 + 10 x 1,000) = 270,000, 270 cents/t; first
 *   issuance 365 + 90 + 365 + 365 = 1185 days, the last CPA 30 days later: 1215; support as one
 *   first project on 10,000,000: 5,000,000, consulting 500,000. */
static void poa_against_project_by_project(void **state)
{
    (void)state;
    finance_params_t p;
    finance_params_default(&p);
    finance_result_t r;
    const char *field = NULL;
    assert_int_equal(finance_analyze(&p, &r, &field), A6_OK);
    const finance_scenario_t *s = &r.project_by_project, *poa = &r.poa;
    assert_int_equal(s->validation_cost, 300000);
    assert_int_equal(s->registration_cost, 50000);
    assert_int_equal(s->inclusion_cost, 0);
    assert_int_equal(s->verification_cost, 1000000);
    assert_int_equal(s->transaction_cost, 1350000);
    assert_int_equal(s->reductions_tco2e, 100000);
    assert_int_equal(s->cost_per_tco2e_cents, 1350);
    assert_int_equal(s->days_to_first_issuance, 1090);
    assert_int_equal(s->days_to_last_site_issuance, 1900);
    assert_int_equal(s->investment, 10000000);
    assert_int_equal(s->support, 3400000);
    assert_int_equal(s->consulting, 340000);
    assert_int_equal(s->net_benefit, 3060000);
    assert_int_equal(poa->validation_cost, 60000);
    assert_int_equal(poa->inclusion_cost, 30000);
    assert_int_equal(poa->verification_cost, 175000);
    assert_int_equal(poa->transaction_cost, 270000);
    assert_int_equal(poa->cost_per_tco2e_cents, 270);
    assert_int_equal(poa->days_to_first_issuance, 1185);
    assert_int_equal(poa->days_to_last_site_issuance, 1215);
    assert_int_equal(poa->support, 5000000);
    assert_int_equal(poa->net_benefit, 4500000);
    assert_int_equal(r.poa_saving, 1080000);
    assert_int_equal(r.poa_days_saved, 685);
}

/* The third project of a technology, three sites: ranks 3, 4, 5 at 40 / 30 / 30 % of 200,000:
 * 80,000 + 60,000 + 60,000 = 200,000; the PoA at rank 3 on 600,000: 240,000. One site: the PoA's
 * last site is its first (no inclusion wait). */
static void replication_and_one_site(void **state)
{
    (void)state;
    finance_params_t p;
    finance_params_default(&p);
    p.technology_count = 3;
    p.sites = 3;
    p.investment = 200000;
    finance_result_t r;
    const char *field = NULL;
    assert_int_equal(finance_analyze(&p, &r, &field), A6_OK);
    assert_int_equal(r.project.rate_bp, 4000);
    assert_int_equal(r.project_by_project.support, 200000);
    assert_int_equal(r.project_by_project.consulting, 20000);
    assert_int_equal(r.poa.support, 240000);
    p.sites = 1;
    assert_int_equal(finance_analyze(&p, &r, &field), A6_OK);
    assert_int_equal(r.poa.days_to_last_site_issuance, r.poa.days_to_first_issuance);
    assert_int_equal(r.project_by_project.days_to_last_site_issuance, 1090);
    /* one site alone: 30,000 + 5,000 + 100,000 = 135,000 against 60,000 + 5,000 + 3,000 +
     * 5 x 26,000 = 198,000: the PoA costs more for a single site */
    assert_int_equal(r.project_by_project.transaction_cost, 135000);
    assert_int_equal(r.poa.transaction_cost, 198000);
    assert_int_equal(r.poa_saving, -63000);
}

static void cents_rounding(void **state)
{
    (void)state;
    assert_int_equal(finance_cents_per_tco2e(1, 3), 33);   /* 33.3 */
    assert_int_equal(finance_cents_per_tco2e(2, 3), 67);   /* 66.7 */
    assert_int_equal(finance_cents_per_tco2e(1, 200), 1);  /* 0.5: halves up */
    assert_int_equal(finance_cents_per_tco2e(4, 1000), 0); /* 0.4 */
    assert_int_equal(finance_cents_per_tco2e(0, 7), 0);
    assert_int_equal(finance_cents_per_tco2e(1350000, 100000), 1350);
}

static void expect_field(finance_params_t p, const char *name)
{
    finance_result_t r;
    const char *field = NULL;
    assert_int_equal(finance_analyze(&p, &r, &field), A6_CHECK_PARAMETER_INVALID);
    assert_non_null(field);
    assert_string_equal(field, name);
}

static void parameters_checked(void **state)
{
    (void)state;
    finance_params_t p, bad;
    finance_params_default(&p);
    bad = p, bad.investment = 0, expect_field(bad, "investment");
    bad = p, bad.sites = 10001, expect_field(bad, "sites");
    bad = p, bad.sites = 0, expect_field(bad, "sites");
    bad = p, bad.technology_count = 0, expect_field(bad, "technology_count");
    bad = p, bad.support_first_bp = 10001, expect_field(bad, "support_first_bp");
    bad = p, bad.consulting_bp = -1, expect_field(bad, "consulting_bp");
    bad = p, bad.poa_validation_cost = -5, expect_field(bad, "poa_validation_cost");
    bad = p, bad.monitoring_days = 0, expect_field(bad, "monitoring_days");
    /* the table names every field once, with its default inside its range */
    finance_params_t defaults;
    finance_params_default(&defaults);
    const char *field = NULL;
    assert_int_equal(finance_params_check(&defaults, &field), A6_OK);
    assert_int_equal(finance_param_count, sizeof(finance_params_t) / sizeof(int64_t));
    for (size_t i = 0; i < finance_param_count; i++)
        for (size_t j = i + 1; j < finance_param_count; j++) {
            assert_true(finance_param_table[i].offset != finance_param_table[j].offset);
            assert_true(strcmp(finance_param_table[i].name, finance_param_table[j].name) != 0);
        }
    /* the largest values stay within 64 bits */
    finance_params_t big;
    for (size_t i = 0; i < finance_param_count; i++)
        *finance_param_slot(&big, &finance_param_table[i]) = finance_param_table[i].max;
    finance_result_t r;
    assert_int_equal(finance_analyze(&big, &r, &field), A6_OK);
    assert_true(r.poa.support > 0);
    assert_true(r.project_by_project.transaction_cost > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(support_schedule_defaults),
        cmocka_unit_test(poa_against_project_by_project),
        cmocka_unit_test(replication_and_one_site),
        cmocka_unit_test(cents_rounding),
        cmocka_unit_test(parameters_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
