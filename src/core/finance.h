/* finance.h: JCM financing support by replication and the cost of scaling: N sites done project by
 * project against one PoA with N CPAs (transaction cost, time to first issuance, cost per tCO2e).
 * Integers only: money in whole currency units (USD by default), rates in basis points (1/100 of a
 * percent), durations in days, cost per tCO2e in cents (rounded to the nearest, halves up).
 *
 * Model (every figure a parameter, defaults in finance_param_table):
 *  - support rate of the k-th project of a technology: support_first_bp for k = 1,
 *    support_second_third_bp for k = 2..3, support_later_bp from k = 4 (JCM: 50 / 40 / 30 %);
 *    support = investment x rate (rounded down); consulting = support x consulting_bp (rounded
 *    down; JCM: about 10 % of the support); net benefit = support - consulting; own funds =
 *    investment - net benefit.
 *  - project by project: site i (0-based) is the (technology_count + i)-th project of its
 *    technology; each pays validation + registration + verification_count x verification; the
 *    first site reaches issuance after validation + registration + monitoring + verification to
 *    issuance days, and each later site starts project_stagger_days after the previous one.
 *  - PoA: one programme, the (technology_count)-th project of its technology, whose support rate
 *    applies to the investment of all N sites; it pays PoA validation + registration, one CPA
 *    inclusion per site, and verification_count x (PoA verification + N x CPA verification);
 *    first issuance after PoA validation + registration + monitoring + verification to issuance
 *    days; the last site after cpa_inclusion_days more (when N > 1).
 *  - cost per tCO2e: transaction cost / (N x annual_reductions_tco2e x crediting_years). */
#ifndef A6_CORE_FINANCE_H
#define A6_CORE_FINANCE_H

#include <stddef.h>
#include <stdint.h>

#include "check.h"

#define FINANCE_SCHEDULE_RANKS 5 /* the support schedule shows projects 1..5 of a technology */

typedef struct finance_params {
    int64_t sites;
    int64_t investment;       /* of one site */
    int64_t technology_count; /* this is the k-th project of its technology (1 = first) */
    int64_t support_first_bp;
    int64_t support_second_third_bp;
    int64_t support_later_bp;
    int64_t consulting_bp;           /* of the support */
    int64_t annual_reductions_tco2e; /* of one site */
    int64_t crediting_years;
    int64_t verification_count; /* verifications (issuances) over the crediting period */
    int64_t project_validation_cost;
    int64_t project_registration_cost;
    int64_t project_verification_cost;
    int64_t poa_validation_cost;
    int64_t poa_registration_cost;
    int64_t cpa_inclusion_cost;
    int64_t poa_verification_cost;
    int64_t cpa_verification_cost;
    int64_t project_validation_days;
    int64_t project_registration_days;
    int64_t project_stagger_days;
    int64_t poa_validation_days;
    int64_t poa_registration_days;
    int64_t cpa_inclusion_days;
    int64_t monitoring_days; /* first monitoring period */
    int64_t verification_to_issuance_days;
} finance_params_t;

/* One parameter: its name (snake_case, the API query key; the CLI option is the same with '-'),
 * where it lives, its range and default, and its unit for the documentation. */
typedef struct finance_param_info {
    const char *name;
    size_t offset; /* offsetof(finance_params_t, ...) */
    int64_t min;
    int64_t max;
    int64_t default_value;
    const char *unit;
    const char *description;
} finance_param_info_t;

extern const finance_param_info_t finance_param_table[];
extern const size_t finance_param_count;

/* The value slot of a parameter in params. */
int64_t *finance_param_slot(finance_params_t *params, const finance_param_info_t *info);

/* Every parameter at its default. */
void finance_params_default(finance_params_t *params);

/* A6_OK, or 1027 parameter-invalid with *field the first parameter outside its range. */
a6_check_t finance_params_check(const finance_params_t *params, const char **field);

typedef struct finance_support {
    int64_t rank;    /* k-th project of its technology */
    int64_t rate_bp; /* support rate */
    int64_t investment;
    int64_t support;
    int64_t consulting;
    int64_t net_benefit; /* support - consulting */
    int64_t own_funds;   /* investment - net benefit */
} finance_support_t;

typedef struct finance_scenario {
    int64_t validation_cost; /* parts of the transaction cost */
    int64_t registration_cost;
    int64_t inclusion_cost; /* PoA only */
    int64_t verification_cost;
    int64_t transaction_cost;
    int64_t days_to_first_issuance;
    int64_t days_to_last_site_issuance;
    int64_t reductions_tco2e; /* over the crediting period, all sites */
    int64_t cost_per_tco2e_cents;
    int64_t investment; /* all sites */
    int64_t support;
    int64_t consulting;
    int64_t net_benefit;
} finance_scenario_t;

typedef struct finance_result {
    finance_params_t params;
    finance_support_t schedule[FINANCE_SCHEDULE_RANKS]; /* one site's investment, ranks 1..5 */
    finance_support_t project;                          /* one site at rank technology_count */
    finance_scenario_t project_by_project;
    finance_scenario_t poa;
    int64_t poa_saving;     /* project_by_project.transaction_cost - poa.transaction_cost */
    int64_t poa_days_saved; /* difference in days_to_last_site_issuance */
} finance_result_t;

/* Support rate (basis points) of the rank-th project of a technology. */
int64_t finance_support_rate_bp(const finance_params_t *params, int64_t rank);

/* Support, consulting and net benefit of an investment as the rank-th project. */
void finance_support(const finance_params_t *params, int64_t rank, int64_t investment,
                     finance_support_t *out);

/* Nearest cent of cost / tco2e (halves up); tco2e > 0. */
int64_t finance_cents_per_tco2e(int64_t cost, int64_t tco2e);

/* Checks params (finance_params_check) and computes everything into *out (nothing to release).
 * The ranges keep every product within 64 bits. */
a6_check_t finance_analyze(const finance_params_t *params, finance_result_t *out,
                           const char **field);

#endif
