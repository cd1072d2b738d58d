/* test_authorization.c: unit tests of core/authorization: the policy's own consistency, every
 * rule of a6_authorization_evaluate failing alone and all together, the NDC safeguard by method
 * (trajectory, averaging, budget) at its exact boundaries, refusals when NDC data is missing, and
 * the rules an authorization imposes on its ITMOs. Numbers are computed by hand in comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/authorization.h"
#include "core/block.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define YEARS 10 /* 2021..2030 */

static const char *const sectors[] = {"energy", "waste", "agriculture"};
static const char *const technologies[] = {"solar", "biogas", "energy efficiency"};
static const a6_purpose_t purposes[] = {A6_PURPOSE_NDC, A6_PURPOSE_OIMP};

static a6_policy_t test_policy(void)
{
    return (a6_policy_t){
        .sectors = sectors,
        .sector_count = COUNT_OF(sectors),
        .technologies = technologies,
        .technology_count = COUNT_OF(technologies),
        .max_share_bp = 5000, /* 50.00% */
        .purposes = purposes,
        .purpose_count = COUNT_OF(purposes),
        .vintage_first = 2021,
        .vintage_last = 2030,
        .target_year = 2030,
    };
}

/* Viet Nam's NDC (BAU 2030 927.9 Mt, unconditional 15.80%: target level 781,291,800 t) with the
 * projection of the ARTICLE6.md worked example: E(2030) = 781,000,000 and first transfers of
 * 10,000 / 20,000 / 30,000 / 40,000 in 2026 / 2027 / 2029 / 2030. With the trajectory method the
 * 2030 adjusted emissions are 781,040,000: 251,800 t of headroom. */
typedef struct fixture {
    a6_ndc_t ndc;
    a6_ndc_year_t years[YEARS];
    a6_policy_t policy;
    a6_authorization_request_t request;
} fixture_t;

static void fixture_init(fixture_t *f, a6_ca_method_t method)
{
    memset(f, 0, sizeof *f);
    a6_ndc_init(&f->ndc);
    f->ndc.first_year = 2021;
    f->ndc.last_year = 2030;
    f->ndc.target_year = 2030;
    f->ndc.bau_tco2e = 927900000;
    f->ndc.unconditional_bp = 1580;
    f->ndc.method = method;
    a6_ndc_years_init(f->years, YEARS);
    for (int i = 0; i < YEARS; i++)
        f->years[i].emissions_tco2e = 700000000 + 9000000 * (int64_t)i;
    f->years[2026 - 2021].first_transferred_tco2e = 10000;
    f->years[2027 - 2021].first_transferred_tco2e = 20000;
    f->years[2029 - 2021].first_transferred_tco2e = 30000;
    f->years[2030 - 2021].first_transferred_tco2e = 40000;
    f->policy = test_policy();
    /* 1,000 t of 2023-2025 for an activity with 3,000 t verified and 400 t authorized already:
     * 400 + 1,000 = 1,400 <= 50% of 3,000 = 1,500. */
    f->request = (a6_authorization_request_t){
        .sector = "energy",
        .technology = "solar",
        .purpose = A6_PURPOSE_NDC_AND_OIMP,
        .vintage_first = 2023,
        .vintage_last = 2025,
        .quantity_tco2e = 1000,
        .verified_tco2e = 3000,
        .authorized_tco2e = 400,
        .ndc = &f->ndc,
        .ndc_years = f->years,
        .ndc_year_count = YEARS,
        .first_transfer_year = 0,
    };
}

static const char *const rule_names[A6_AUTHORIZATION_RULE_COUNT] = {
    "policy-valid",   "purpose-allowed", "sector-eligible",     "technology-eligible",
    "vintage-window", "quantity-valid",  "share-of-reductions", "ndc-safeguard",
};

static a6_check_t evaluate(const fixture_t *f, a6_rule_result_t results[])
{
    size_t count = 99;
    a6_check_t check = a6_authorization_evaluate(&f->policy, &f->request, results,
                                                 A6_AUTHORIZATION_RULE_COUNT, &count);
    assert_int_equal(count, A6_AUTHORIZATION_RULE_COUNT);
    for (size_t i = 0; i < count; i++) {
        assert_string_equal(results[i].rule, rule_names[i]);
        assert_int_equal(results[i].passed, results[i].check == A6_OK);
        assert_true(results[i].reason[0] != '\0');
    }
    return check;
}

static size_t rule_index(const char *rule)
{
    for (size_t i = 0; i < COUNT_OF(rule_names); i++)
        if (strcmp(rule_names[i], rule) == 0) return i;
    fail_msg("no rule %s", rule);
    return 0;
}

/* Evaluates f and asserts that `rule` ends with `check` (the overall result too) and that every
 * other rule passes; with A6_OK, that all rules pass. */
static void assert_only_failure(const fixture_t *f, const char *rule, a6_check_t check)
{
    a6_rule_result_t results[A6_AUTHORIZATION_RULE_COUNT];
    assert_int_equal(evaluate(f, results), check);
    size_t judged = rule_index(rule);
    assert_int_equal(results[judged].check, check);
    for (size_t i = 0; i < A6_AUTHORIZATION_RULE_COUNT; i++)
        if (i != judged && !results[i].passed)
            fail_msg("rule %s failed too (%d): %s", results[i].rule, results[i].check,
                     results[i].reason);
}

/* ---- the policy ---- */

static void policy_consistency(void **state)
{
    (void)state;
    a6_policy_t policy = test_policy();
    assert_int_equal(a6_policy_check(&policy), A6_OK);
    assert_int_equal(a6_policy_check(NULL), A6_CHECK_POLICY_INVALID);

    policy.max_share_bp = -1;
    assert_int_equal(a6_policy_check(&policy), A6_CHECK_POLICY_INVALID);
    policy.max_share_bp = 10001;
    assert_int_equal(a6_policy_check(&policy), A6_CHECK_POLICY_INVALID);
    policy.max_share_bp = 10000;
    assert_int_equal(a6_policy_check(&policy), A6_OK);

    policy = test_policy();
    policy.vintage_first = 2031;
    assert_int_equal(a6_policy_check(&policy), A6_CHECK_POLICY_INVALID);
    policy = test_policy();
    policy.vintage_first = 1980;
    assert_int_equal(a6_policy_check(&policy), A6_CHECK_POLICY_INVALID);
    policy = test_policy();
    policy.target_year = 0;
    assert_int_equal(a6_policy_check(&policy), A6_CHECK_POLICY_INVALID);

    policy = test_policy();
    policy.sectors = NULL;
    assert_int_equal(a6_policy_check(&policy), A6_CHECK_POLICY_INVALID);
    policy.sector_count = 0; /* an empty list is valid: nothing is eligible */
    assert_int_equal(a6_policy_check(&policy), A6_OK);
    static const char *const bad_names[] = {"energy", ""};
    policy.sectors = bad_names;
    policy.sector_count = COUNT_OF(bad_names);
    assert_int_equal(a6_policy_check(&policy), A6_CHECK_POLICY_INVALID);
    policy = test_policy();
    policy.technologies = bad_names;
    policy.technology_count = COUNT_OF(bad_names);
    assert_int_equal(a6_policy_check(&policy), A6_CHECK_POLICY_INVALID);
    policy = test_policy();
    policy.sector_count = A6_POLICY_LIST_MAX + 1;
    assert_int_equal(a6_policy_check(&policy), A6_CHECK_POLICY_INVALID);

    static const a6_purpose_t bad_purposes[] = {A6_PURPOSE_NDC, (a6_purpose_t)0};
    policy = test_policy();
    policy.purposes = bad_purposes;
    policy.purpose_count = COUNT_OF(bad_purposes);
    assert_int_equal(a6_policy_check(&policy), A6_CHECK_POLICY_INVALID);
    policy.purposes = NULL;
    policy.purpose_count = 1;
    assert_int_equal(a6_policy_check(&policy), A6_CHECK_POLICY_INVALID);
}

/* ---- the evaluation ---- */

static void all_rules_pass(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f, A6_CA_TRAJECTORY);
    a6_rule_result_t results[A6_AUTHORIZATION_RULE_COUNT];
    assert_int_equal(evaluate(&f, results), A6_OK);
    for (size_t i = 0; i < A6_AUTHORIZATION_RULE_COUNT; i++) {
        assert_true(results[i].passed);
        assert_int_equal(results[i].check, A6_OK);
    }
    assert_string_equal(results[rule_index("share-of-reductions")].reason,
                        "authorized 400 + requested 1000 = 1400 t within 50.00% of verified "
                        "3000 t");
    /* 781,040,000 + 1,000 = 781,041,000; 781,291,800 - 781,041,000 = 250,800 */
    assert_string_equal(results[rule_index("ndc-safeguard")].reason,
                        "2030 adjusted emissions 781041000 t stay 250800 t below the target "
                        "781291800 t");
}

static void every_rule_reported_when_all_fail(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f, A6_CA_TRAJECTORY);
    static const a6_purpose_t ndc_only[] = {A6_PURPOSE_NDC};
    f.policy.purposes = ndc_only;
    f.policy.purpose_count = 1;
    f.request.sector = "transport";
    f.request.technology = "coal";
    f.request.vintage_first = 2018;
    f.request.vintage_last = 2019;
    f.request.quantity_tco2e = 300000;
    f.request.verified_tco2e = 100;
    a6_rule_result_t results[A6_AUTHORIZATION_RULE_COUNT];
    /* the overall code is the first failing rule's */
    assert_int_equal(evaluate(&f, results), A6_CHECK_PURPOSE_NOT_ALLOWED);
    static const a6_check_t expected[A6_AUTHORIZATION_RULE_COUNT] = {
        A6_OK,
        A6_CHECK_PURPOSE_NOT_ALLOWED,
        A6_CHECK_SECTOR_NOT_ELIGIBLE,
        A6_CHECK_TECHNOLOGY_NOT_ELIGIBLE,
        A6_CHECK_VINTAGE_OUTSIDE_WINDOW,
        A6_OK,
        A6_CHECK_SHARE_EXCEEDED,
        A6_CHECK_NDC_SAFEGUARD,
    };
    for (size_t i = 0; i < A6_AUTHORIZATION_RULE_COUNT; i++)
        assert_int_equal(results[i].check, expected[i]);
    assert_string_equal(results[1].reason, "purpose NDC and OIMP is not allowed by the policy");
    assert_string_equal(results[2].reason,
                        "sector \"transport\" is not among the 3 eligible sectors");
    assert_string_equal(results[3].reason,
                        "technology group \"coal\" is not among the 3 eligible groups");
    assert_string_equal(results[4].reason, "vintages 2018-2019 are outside the window 2021-2030");
    assert_string_equal(results[6].reason, "authorized 400 + requested 300000 = 300400 t exceeds "
                                           "50.00% of verified 100 t (50 t)");
    /* 781,040,000 + 300,000 = 781,340,000; above 781,291,800 by 48,200 */
    assert_string_equal(results[7].reason, "2030 adjusted emissions 781340000 t would exceed the "
                                           "target 781291800 t by 48200 t");

    /* an invalid policy fails its own rule first, and the others are still judged */
    f.policy.max_share_bp = 10001;
    assert_int_equal(evaluate(&f, results), A6_CHECK_POLICY_INVALID);
    assert_int_equal(results[0].check, A6_CHECK_POLICY_INVALID);
    assert_int_equal(results[2].check, A6_CHECK_SECTOR_NOT_ELIGIBLE);
}

static void purpose_rule(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f, A6_CA_TRAJECTORY);
    f.request.purpose = (a6_purpose_t)0;
    assert_only_failure(&f, "purpose-allowed", A6_CHECK_PURPOSE_INVALID);
    f.request.purpose = (a6_purpose_t)8;
    assert_only_failure(&f, "purpose-allowed", A6_CHECK_PURPOSE_INVALID);

    static const a6_purpose_t ndc_only[] = {A6_PURPOSE_NDC};
    f.policy.purposes = ndc_only;
    f.policy.purpose_count = 1;
    f.request.purpose = A6_PURPOSE_OIMP;
    assert_only_failure(&f, "purpose-allowed", A6_CHECK_PURPOSE_NOT_ALLOWED);
    f.request.purpose = A6_PURPOSE_NDC;
    assert_only_failure(&f, "purpose-allowed", A6_OK);

    /* OIMP covers IMP and OP; IMP alone does not cover OIMP */
    f.policy = test_policy();
    f.request.purpose = A6_PURPOSE_NDC_AND_IMP;
    assert_only_failure(&f, "purpose-allowed", A6_OK);
    static const a6_purpose_t imp_only[] = {A6_PURPOSE_IMP};
    f.policy.purposes = imp_only;
    f.request.purpose = A6_PURPOSE_OIMP;
    f.policy.purpose_count = 1;
    assert_only_failure(&f, "purpose-allowed", A6_CHECK_PURPOSE_NOT_ALLOWED);
    f.request.purpose = A6_PURPOSE_IMP;
    assert_only_failure(&f, "purpose-allowed", A6_OK);
    f.policy.purpose_count = 0; /* no purpose allowed: nothing can be authorized */
    assert_only_failure(&f, "purpose-allowed", A6_CHECK_PURPOSE_NOT_ALLOWED);
}

static void sector_and_technology_rules(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f, A6_CA_TRAJECTORY);
    f.request.sector = "Energy"; /* exact match only */
    assert_only_failure(&f, "sector-eligible", A6_CHECK_SECTOR_NOT_ELIGIBLE);
    f.request.sector = NULL;
    assert_only_failure(&f, "sector-eligible", A6_CHECK_SECTOR_NOT_ELIGIBLE);
    f.request.sector = "agriculture";
    assert_only_failure(&f, "sector-eligible", A6_OK);
    f.policy.sector_count = 0;
    assert_only_failure(&f, "sector-eligible", A6_CHECK_SECTOR_NOT_ELIGIBLE);

    fixture_init(&f, A6_CA_TRAJECTORY);
    f.request.technology = "coal";
    assert_only_failure(&f, "technology-eligible", A6_CHECK_TECHNOLOGY_NOT_ELIGIBLE);
    f.request.technology = "";
    assert_only_failure(&f, "technology-eligible", A6_CHECK_TECHNOLOGY_NOT_ELIGIBLE);
    f.request.technology = "energy efficiency";
    assert_only_failure(&f, "technology-eligible", A6_OK);
}

static void vintage_and_quantity_rules(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f, A6_CA_TRAJECTORY);
    f.request.vintage_first = 2020; /* one year before the window */
    assert_only_failure(&f, "vintage-window", A6_CHECK_VINTAGE_OUTSIDE_WINDOW);
    f.request.vintage_first = 2021;
    f.request.vintage_last = 2031;
    assert_only_failure(&f, "vintage-window", A6_CHECK_VINTAGE_OUTSIDE_WINDOW);
    f.request.vintage_last = 2030; /* the whole window */
    assert_only_failure(&f, "vintage-window", A6_OK);
    f.request.vintage_first = 2025;
    f.request.vintage_last = 2023;
    assert_only_failure(&f, "vintage-window", A6_CHECK_VINTAGE_INVALID);
    f.request.vintage_first = 0;
    assert_only_failure(&f, "vintage-window", A6_CHECK_VINTAGE_INVALID);

    fixture_init(&f, A6_CA_TRAJECTORY);
    f.request.quantity_tco2e = LEDGER_QUANTITY_MAX + 1;
    f.request.verified_tco2e = INT64_MAX; /* the share of any amount is computed exactly */
    a6_rule_result_t results[A6_AUTHORIZATION_RULE_COUNT];
    assert_int_equal(evaluate(&f, results), A6_CHECK_QUANTITY_OVERFLOW);
    assert_int_equal(results[rule_index("quantity-valid")].check, A6_CHECK_QUANTITY_OVERFLOW);
    f.request.quantity_tco2e = 0;
    assert_int_equal(evaluate(&f, results), A6_CHECK_QUANTITY_INVALID);
    assert_int_equal(results[rule_index("quantity-valid")].check, A6_CHECK_QUANTITY_INVALID);
    /* the share cannot be judged on an invalid quantity either */
    assert_int_equal(results[rule_index("share-of-reductions")].check, A6_CHECK_QUANTITY_INVALID);
}

static void share_rule(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f, A6_CA_TRAJECTORY);
    f.request.authorized_tco2e = 500; /* 500 + 1,000 = 1,500 = 50% of 3,000: allowed */
    assert_only_failure(&f, "share-of-reductions", A6_OK);
    f.request.authorized_tco2e = 501;
    assert_only_failure(&f, "share-of-reductions", A6_CHECK_SHARE_EXCEEDED);

    /* the share is rounded down: 50% of 3,001 is 1,500.5 -> 1,500 */
    f.request.verified_tco2e = 3001;
    f.request.authorized_tco2e = 500;
    assert_only_failure(&f, "share-of-reductions", A6_OK);
    f.request.authorized_tco2e = 501;
    assert_only_failure(&f, "share-of-reductions", A6_CHECK_SHARE_EXCEEDED);

    /* 15.80% of 10,000 = 1,580 */
    f.policy.max_share_bp = 1580;
    f.request.verified_tco2e = 10000;
    f.request.authorized_tco2e = 580;
    assert_only_failure(&f, "share-of-reductions", A6_OK);
    f.request.authorized_tco2e = 581;
    assert_only_failure(&f, "share-of-reductions", A6_CHECK_SHARE_EXCEEDED);

    /* nothing verified yet: nothing can be authorized */
    f.request.verified_tco2e = 0;
    f.request.authorized_tco2e = 0;
    assert_only_failure(&f, "share-of-reductions", A6_CHECK_SHARE_EXCEEDED);
    f.policy.max_share_bp = 0;
    f.request.verified_tco2e = 1000000;
    assert_only_failure(&f, "share-of-reductions", A6_CHECK_SHARE_EXCEEDED);

    fixture_init(&f, A6_CA_TRAJECTORY);
    f.request.verified_tco2e = -1;
    assert_only_failure(&f, "share-of-reductions", A6_CHECK_QUANTITY_INVALID);
    f.request.verified_tco2e = 3000;
    f.request.authorized_tco2e = -1;
    assert_only_failure(&f, "share-of-reductions", A6_CHECK_QUANTITY_INVALID);
}

/* ---- the NDC safeguard ---- */

/* Trajectory: the request lands on F(2030); the 2030 headroom is exactly 251,800 t. */
static void safeguard_trajectory_boundary(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f, A6_CA_TRAJECTORY);
    f.request.verified_tco2e = 1000000; /* share cap 500,000 */
    f.request.authorized_tco2e = 0;
    f.request.quantity_tco2e = 251800;
    assert_only_failure(&f, "ndc-safeguard", A6_OK);
    f.request.quantity_tco2e = 251801;
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_NDC_SAFEGUARD);
    a6_rule_result_t results[A6_AUTHORIZATION_RULE_COUNT];
    evaluate(&f, results);
    assert_string_equal(results[7].reason, "2030 adjusted emissions 781291801 t would exceed the "
                                           "target 781291800 t by 1 t");

    /* the balance the safeguard computed, with the request first transferred in 2030 */
    a6_balance_t after;
    assert_int_equal(a6_safeguard_check(&f.ndc, f.years, YEARS, 2030, 251800, 0, &after, NULL, 0),
                     A6_OK);
    assert_int_equal(after.years[9].first_transferred_tco2e, 291800); /* 40,000 + 251,800 */
    assert_int_equal(after.years[9].distance_tco2e, 0);
    assert_int_equal(f.years[9].first_transferred_tco2e, 40000); /* the input is not changed */

    /* an NDC already above its target refuses even one tonne */
    fixture_init(&f, A6_CA_TRAJECTORY);
    f.years[9].emissions_tco2e = 781260000; /* + 40,000 = 781,300,000 > 781,291,800 */
    f.request.quantity_tco2e = 1;
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_NDC_SAFEGUARD);
}

/* Averaging: the 2030 adjustment is (100,000 + q) / 10 rounded half up; headroom 291,800. */
static void safeguard_averaging_boundary(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f, A6_CA_AVERAGING);
    f.request.verified_tco2e = 6000000;
    f.request.authorized_tco2e = 0;
    f.request.quantity_tco2e = 300000; /* refused under trajectory, not under averaging */
    assert_only_failure(&f, "ndc-safeguard", A6_OK);
    f.request.quantity_tco2e = 2818004; /* 2,918,004 / 10 = 291,800.4 -> 291,800: distance 0 */
    assert_only_failure(&f, "ndc-safeguard", A6_OK);
    f.request.quantity_tco2e = 2818005; /* 291,800.5 -> 291,801: 1 t above */
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_NDC_SAFEGUARD);
    /* under averaging the year of first transfer does not matter within the period */
    f.request.first_transfer_year = 2022;
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_NDC_SAFEGUARD);
    f.request.quantity_tco2e = 2818004;
    assert_only_failure(&f, "ndc-safeguard", A6_OK);
}

/* Trajectory with an expected first transfer year before the target: that year is judged
 * against its trajectory value when the NDC gives one. */
static void safeguard_trajectory_year(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f, A6_CA_TRAJECTORY);
    f.request.first_transfer_year = 2027;
    f.request.quantity_tco2e = 1;
    /* no trajectory value for 2027: 2030 is unaffected by a 2027 first transfer */
    assert_only_failure(&f, "ndc-safeguard", A6_OK);
    /* E(2027) 754,000,000 + F 20,000 = 754,020,000 = the trajectory: no room for one tonne */
    f.years[2027 - 2021].trajectory_tco2e = 754020000;
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_NDC_SAFEGUARD);
    a6_rule_result_t results[A6_AUTHORIZATION_RULE_COUNT];
    evaluate(&f, results);
    assert_string_equal(results[7].reason, "2027 adjusted emissions 754020001 t would exceed the "
                                           "trajectory 754020000 t by 1 t");
    f.years[2027 - 2021].trajectory_tco2e = 754020001;
    assert_only_failure(&f, "ndc-safeguard", A6_OK);
    /* the trajectory value is known but not that year's emissions: refused, not passed */
    f.years[2027 - 2021].emissions_tco2e = A6_NDC_MISSING;
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_NDC_DATA_MISSING);
}

/* Budget: the adjusted total 7,405,100,000 plus the request against the budget. */
static void safeguard_budget(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f, A6_CA_BUDGET);
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_NDC_DATA_MISSING); /* no budget */
    f.ndc.budget_tco2e = 7405101000;
    assert_only_failure(&f, "ndc-safeguard", A6_OK); /* + 1,000 = the budget */
    f.request.authorized_tco2e = 0;
    f.request.quantity_tco2e = 1001;
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_NDC_SAFEGUARD);
    f.request.quantity_tco2e = 1000;
    f.years[0].emissions_tco2e = A6_NDC_MISSING; /* the budget needs every year */
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_NDC_DATA_MISSING);
}

/* Missing NDC data never lets the safeguard pass. */
static void safeguard_refuses_missing_ndc_data(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f, A6_CA_TRAJECTORY);
    f.request.ndc = NULL;
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_NDC_DATA_MISSING);
    a6_rule_result_t results[A6_AUTHORIZATION_RULE_COUNT];
    evaluate(&f, results);
    assert_string_equal(results[7].reason,
                        "NDC data missing (period, yearly figures or CA method): cannot judge");

    fixture_init(&f, A6_CA_TRAJECTORY);
    f.request.ndc_years = NULL;
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_NDC_DATA_MISSING);
    fixture_init(&f, A6_CA_TRAJECTORY);
    f.request.ndc_year_count = 0;
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_NDC_DATA_MISSING);
    fixture_init(&f, (a6_ca_method_t)0); /* no CA method chosen */
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_NDC_DATA_MISSING);
    fixture_init(&f, A6_CA_TRAJECTORY);
    f.ndc.bau_tco2e = A6_NDC_MISSING;
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_NDC_DATA_MISSING);
    fixture_init(&f, A6_CA_TRAJECTORY);
    f.ndc.unconditional_bp = A6_BP_MISSING;
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_NDC_DATA_MISSING);
    /* a target year's trajectory value does not stand in for a missing BAU in the safeguard */
    f.years[9].trajectory_tco2e = 800000000;
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_NDC_DATA_MISSING);
    fixture_init(&f, A6_CA_TRAJECTORY);
    f.years[9].emissions_tco2e = A6_NDC_MISSING; /* no projection for 2030 */
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_NDC_DATA_MISSING);
    evaluate(&f, results);
    assert_string_equal(results[7].reason, "emissions of target year 2030 missing: cannot judge");
    fixture_init(&f, A6_CA_AVERAGING);
    f.years[9].emissions_tco2e = A6_NDC_MISSING;
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_NDC_DATA_MISSING);

    /* the NDC given is for another target year than the policy protects */
    fixture_init(&f, A6_CA_TRAJECTORY);
    f.ndc.target_year = 2025;
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_NDC_DATA_MISSING);
    /* first transfers expected outside the period: no NDC figures to judge them */
    fixture_init(&f, A6_CA_TRAJECTORY);
    f.request.first_transfer_year = 2031;
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_NDC_DATA_MISSING);
    f.request.first_transfer_year = 2020;
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_NDC_DATA_MISSING);

    /* inconsistent figures are refused with their own codes */
    fixture_init(&f, A6_CA_TRAJECTORY);
    f.ndc.unconditional_bp = 10001;
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_NDC_INVALID);
    fixture_init(&f, A6_CA_TRAJECTORY);
    f.ndc.method = (a6_ca_method_t)7;
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_CA_METHOD_INVALID);
    fixture_init(&f, A6_CA_TRAJECTORY);
    f.request.ndc_year_count = YEARS - 1;
    assert_only_failure(&f, "ndc-safeguard", A6_CHECK_NDC_INVALID);

    /* direct call: a quantity no NDC balance can hold */
    fixture_init(&f, A6_CA_TRAJECTORY);
    char reason[A6_REASON_SIZE];
    assert_int_equal(a6_safeguard_check(&f.ndc, f.years, YEARS, 2030, A6_NDC_QUANTITY_MAX, 0, NULL,
                                        reason, sizeof reason),
                     A6_CHECK_NDC_SAFEGUARD);
    assert_int_equal(a6_safeguard_check(NULL, NULL, 0, 2030, 1, 0, NULL, NULL, 0),
                     A6_CHECK_NDC_DATA_MISSING);
}

static void results_array_bounded(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f, A6_CA_TRAJECTORY);
    f.request.ndc = NULL; /* only the last rule fails */
    a6_rule_result_t results[3];
    size_t count = 0;
    assert_int_equal(a6_authorization_evaluate(&f.policy, &f.request, results, 3, &count),
                     A6_CHECK_NDC_DATA_MISSING);
    assert_int_equal(count, 3);
    for (size_t i = 0; i < count; i++)
        assert_true(results[i].passed);
    assert_int_equal(a6_authorization_evaluate(&f.policy, &f.request, NULL, 0, &count),
                     A6_CHECK_NDC_DATA_MISSING);
    assert_int_equal(count, 0);
}

/* ---- authorizations and their ITMOs ---- */

static a6_date_t day(const char *text)
{
    a6_date_t date = A6_DATE_NONE;
    if (a6_date_parse(text, &date) != A6_OK) fail_msg("bad date literal \"%s\"", text);
    return date;
}

static a6_authorization_t test_authorization(void)
{
    return (a6_authorization_t){
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
}

static void authorization_record(void **state)
{
    (void)state;
    a6_authorization_t a = test_authorization();
    assert_int_equal(a6_authorization_check(&a), A6_OK);
    a.id = "";
    assert_int_equal(a6_authorization_check(&a), A6_CHECK_TEXT_INVALID);
    a.id = " VNM-1";
    assert_int_equal(a6_authorization_check(&a), A6_CHECK_TEXT_INVALID);
    a = test_authorization();
    a.date = A6_DATE_NONE;
    assert_int_equal(a6_authorization_check(&a), A6_CHECK_DATE_INVALID);
    a = test_authorization();
    a.approach_id = "CA1";
    assert_int_equal(a6_authorization_check(&a), A6_CHECK_APPROACH_ID_INVALID);
    a = test_authorization();
    a.version = 0;
    assert_int_equal(a6_authorization_check(&a), A6_CHECK_ID_INVALID);
    a = test_authorization();
    a.quantity_tco2e = 0;
    assert_int_equal(a6_authorization_check(&a), A6_CHECK_QUANTITY_INVALID);
    a.quantity_tco2e = LEDGER_QUANTITY_MAX + 1;
    assert_int_equal(a6_authorization_check(&a), A6_CHECK_QUANTITY_OVERFLOW);
    a = test_authorization();
    a.timeframe_first = 2026;
    assert_int_equal(a6_authorization_check(&a), A6_CHECK_VINTAGE_INVALID);
    a.timeframe_first = 1989;
    assert_int_equal(a6_authorization_check(&a), A6_CHECK_VINTAGE_INVALID);
    a = test_authorization();
    a.purpose = (a6_purpose_t)0;
    assert_int_equal(a6_authorization_check(&a), A6_CHECK_PURPOSE_INVALID);
    a = test_authorization();
    a.oimp_first_transfer = (a6_first_transfer_t)0; /* OIMP needs a first transfer definition */
    assert_int_equal(a6_authorization_check(&a), A6_CHECK_FIRST_TRANSFER_DEFINITION_INVALID);
    a.purpose = A6_PURPOSE_NDC; /* NDC alone does not */
    assert_int_equal(a6_authorization_check(&a), A6_OK);
    a.oimp_first_transfer = (a6_first_transfer_t)4;
    assert_int_equal(a6_authorization_check(&a), A6_CHECK_FIRST_TRANSFER_DEFINITION_INVALID);
    a = test_authorization();
    a.revoked_on = day("2024-02-29");
    assert_int_equal(a6_authorization_check(&a), A6_CHECK_DATES_OUT_OF_ORDER);
    a.revoked_on = day("2024-03-01");
    assert_int_equal(a6_authorization_check(&a), A6_OK);
}

static void authorization_covers_units(void **state)
{
    (void)state;
    a6_authorization_t a = test_authorization();
    assert_int_equal(a6_authorization_covers(&a, A6_PURPOSE_NDC, 2023, day("2024-06-01")), A6_OK);
    assert_int_equal(a6_authorization_covers(&a, A6_PURPOSE_OP, 2021, day("2024-03-01")), A6_OK);
    assert_int_equal(a6_authorization_covers(&a, A6_PURPOSE_NDC, 2025, day("2030-01-01")), A6_OK);
    assert_int_equal(a6_authorization_covers(NULL, A6_PURPOSE_NDC, 2023, day("2024-06-01")),
                     A6_CHECK_NOT_AUTHORIZED);
    assert_int_equal(a6_authorization_covers(&a, A6_PURPOSE_NDC, 2023, A6_DATE_NONE),
                     A6_CHECK_NOT_AUTHORIZED);
    assert_int_equal(a6_authorization_covers(&a, A6_PURPOSE_NDC, 2023, day("2024-02-29")),
                     A6_CHECK_NOT_AUTHORIZED);
    assert_int_equal(a6_authorization_covers(&a, A6_PURPOSE_NDC, 2020, day("2024-06-01")),
                     A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME);
    assert_int_equal(a6_authorization_covers(&a, A6_PURPOSE_NDC, 2026, day("2024-06-01")),
                     A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME);
    a.purpose = A6_PURPOSE_NDC; /* unauthorized for OIMP */
    assert_int_equal(a6_authorization_covers(&a, A6_PURPOSE_OIMP, 2023, day("2024-06-01")),
                     A6_CHECK_NOT_AUTHORIZED);
    a.revoked_on = day("2024-06-01");
    assert_int_equal(a6_authorization_covers(&a, A6_PURPOSE_NDC, 2023, day("2024-05-31")), A6_OK);
    assert_int_equal(a6_authorization_covers(&a, A6_PURPOSE_NDC, 2023, day("2024-06-01")),
                     A6_CHECK_AUTHORIZATION_REVOKED);
}

static void first_transfers(void **state)
{
    (void)state;
    a6_authorization_t a = test_authorization();
    a6_date_t on = day("2024-06-01");
    assert_int_equal(a6_first_transfer_check(&a, A6_PURPOSE_NDC, 2023, on, false, 0, 10000), A6_OK);
    assert_int_equal(a6_first_transfer_check(&a, A6_PURPOSE_NDC, 2023, on, false, 9000, 1000),
                     A6_OK);
    assert_int_equal(a6_first_transfer_check(&a, A6_PURPOSE_NDC, 2023, on, false, 9000, 1001),
                     A6_CHECK_AUTHORIZED_QUANTITY_EXCEEDED);
    assert_int_equal(a6_first_transfer_check(&a, A6_PURPOSE_NDC, 2023, on, true, 0, 1),
                     A6_CHECK_ALREADY_FIRST_TRANSFERRED);
    assert_int_equal(a6_first_transfer_check(NULL, A6_PURPOSE_NDC, 2023, on, true, 0, 1),
                     A6_CHECK_ALREADY_FIRST_TRANSFERRED);
    assert_int_equal(a6_first_transfer_check(NULL, A6_PURPOSE_NDC, 2023, on, false, 0, 1),
                     A6_CHECK_NOT_AUTHORIZED);
    assert_int_equal(a6_first_transfer_check(&a, A6_PURPOSE_NDC, 2023, on, false, 0, 0),
                     A6_CHECK_QUANTITY_INVALID);
    assert_int_equal(a6_first_transfer_check(&a, A6_PURPOSE_NDC, 2019, on, false, 0, 1),
                     A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME);
    a.revoked_on = day("2024-05-01");
    assert_int_equal(a6_first_transfer_check(&a, A6_PURPOSE_NDC, 2023, on, false, 0, 1),
                     A6_CHECK_AUTHORIZATION_REVOKED);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(policy_consistency),
        cmocka_unit_test(all_rules_pass),
        cmocka_unit_test(every_rule_reported_when_all_fail),
        cmocka_unit_test(purpose_rule),
        cmocka_unit_test(sector_and_technology_rules),
        cmocka_unit_test(vintage_and_quantity_rules),
        cmocka_unit_test(share_rule),
        cmocka_unit_test(safeguard_trajectory_boundary),
        cmocka_unit_test(safeguard_averaging_boundary),
        cmocka_unit_test(safeguard_trajectory_year),
        cmocka_unit_test(safeguard_budget),
        cmocka_unit_test(safeguard_refuses_missing_ndc_data),
        cmocka_unit_test(results_array_bounded),
        cmocka_unit_test(authorization_record),
        cmocka_unit_test(authorization_covers_units),
        cmocka_unit_test(first_transfers),
    };
    /* clang-format on */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
