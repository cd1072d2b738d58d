/* ndc.h: the NDC (period, target year, BAU and reductions, corresponding adjustment method) and
 * the emissions balance of spec/ARTICLE6.md: per year E, F, U, N = F - U, the adjustment, the
 * adjusted emissions and their distance to the target. Pure integer arithmetic in t CO2 eq;
 * percentages in basis points (1580 = 15.80%). */
#ifndef A6_CORE_NDC_H
#define A6_CORE_NDC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "article6.h"
#include "check.h"

/* Limits. 10^14 t is far above any national inventory (the world emits about 5 * 10^10 t a
 * year) and keeps BAU * 10,000 basis points and sums over 60 years inside 64 bits. */
#define A6_NDC_YEARS_MAX 60
#define A6_NDC_QUANTITY_MAX INT64_C(100000000000000)
#define A6_NDC_MISSING INT64_MIN /* an amount not known (yet) */
#define A6_BP_MISSING (-1)       /* a percentage not known */
#define A6_BP_FULL 10000         /* 100.00% */

/* The NDC's figures. Set with a6_ndc_init first: zero is a real amount, missing is not zero. */
typedef struct a6_ndc {
    int32_t first_year;       /* first year of the NDC implementation period (2021) */
    int32_t last_year;        /* last year (2030) */
    int32_t target_year;      /* the single target year, inside the period (2030) */
    int64_t bau_tco2e;        /* BAU emissions of the target year, or A6_NDC_MISSING */
    int32_t unconditional_bp; /* unconditional reduction below BAU, or A6_BP_MISSING */
    int32_t conditional_bp;   /* conditional reduction (>= unconditional), or A6_BP_MISSING */
    a6_ca_method_t method;    /* 0 while not chosen */
    int64_t budget_tco2e;     /* budget method: emissions allowed over the period, or MISSING */
} a6_ndc_t;

/* Inputs of one year t of the period (years[i] is year first_year + i). */
typedef struct a6_ndc_year {
    int64_t emissions_tco2e;         /* E(t), inventory or projection, or A6_NDC_MISSING */
    int64_t first_transferred_tco2e; /* F(t) >= 0: ITMOs first transferred by the host */
    int64_t used_tco2e;              /* U(t) >= 0: ITMOs acquired and used towards the NDC */
    int64_t trajectory_tco2e;        /* indicative trajectory value, or A6_NDC_MISSING */
} a6_ndc_year_t;

/* One year of the emissions balance. */
typedef struct a6_balance_year {
    int32_t year;
    int64_t emissions_tco2e; /* E, or A6_NDC_MISSING */
    int64_t first_transferred_tco2e;
    int64_t used_tco2e;
    int64_t net_tco2e;        /* N = F - U */
    int64_t adjustment_tco2e; /* the corresponding adjustment added to E */
    bool indicative;          /* averaging outside the target year: shown, not applied */
    int64_t adjusted_tco2e;   /* E + adjustment, or A6_NDC_MISSING when E is */
    int64_t target_tco2e;     /* the level to meet this year, or A6_NDC_MISSING when none */
    int64_t distance_tco2e;   /* adjusted - target (> 0: above target), or A6_NDC_MISSING */
} a6_balance_year_t;

typedef struct a6_balance {
    a6_ca_method_t method;
    int32_t target_year;
    size_t year_count;
    size_t target_index; /* years[target_index].year == target_year */
    a6_balance_year_t years[A6_NDC_YEARS_MAX];
    int64_t net_total_tco2e;         /* sum of N over the period */
    int64_t target_level_tco2e;      /* BAU * (1 - unconditional), or MISSING */
    int64_t conditional_level_tco2e; /* BAU * (1 - conditional), or MISSING */
    int64_t adjusted_total_tco2e;    /* sum of adjusted emissions, or MISSING when any E is */
    int64_t budget_distance_tco2e;   /* budget method: adjusted total - budget, or MISSING */
} a6_balance_t;

/* Sets every figure of ndc to missing (years 0, method not chosen). */
void a6_ndc_init(a6_ndc_t *ndc);
/* Sets count years to E and trajectory missing, F = U = 0. */
void a6_ndc_years_init(a6_ndc_year_t *years, size_t count);

/* Judges the inputs, first failure returned:
 *   A6_CHECK_NDC_DATA_MISSING: ndc NULL, no years given, or no CA method chosen;
 *   A6_CHECK_NDC_INVALID: years outside 1990..2100, first > last, more than A6_NDC_YEARS_MAX
 *     years, year_count not last - first + 1, target outside the period, a percentage outside
 *     0..10000 (conditional below unconditional), an amount outside +-A6_NDC_QUANTITY_MAX
 *     (BAU, F, U and the budget must not be negative; E and the trajectory may be, with removals);
 *   A6_CHECK_CA_METHOD_INVALID: a method outside the enum.
 * Missing E, trajectory, BAU, percentages or budget are not failures here: the balance shows them
 * as missing, and the rules that need them (the safeguard) refuse. */
a6_check_t a6_ndc_check(const a6_ndc_t *ndc, const a6_ndc_year_t *years, size_t year_count);

/* Computes the emissions balance into *out after a6_ndc_check (its failure is returned, *out
 * then untouched). Adjustments:
 *   trajectory and budget: N(t) in every year;
 *   averaging: outside the target year, the indicative sum of N from the first year to t divided
 *     by the years elapsed (t - first + 1); in the target year, the sum of N over the whole period
 *     divided by the number of years of the period. Divisions round half up (to the nearest
 *     tonne, halves towards +infinity: 2.5 -> 3, -2.5 -> -2).
 * Targets: the target year's is BAU * (1 - unconditional), rounded half up, or its trajectory
 * value when BAU or the percentage is missing; another year's is its trajectory value if given. */
a6_check_t a6_ndc_balance(const a6_ndc_t *ndc, const a6_ndc_year_t *years, size_t year_count,
                          a6_balance_t *out);

/* BAU * (10000 - reduction_bp) / 10000 rounded half up; A6_NDC_MISSING when either is missing.
 * Preconditions: 0 <= bau_tco2e <= A6_NDC_QUANTITY_MAX, reduction in 0..10000 (asserted). */
int64_t a6_ndc_level(int64_t bau_tco2e, int32_t reduction_bp);

/* numerator / denominator rounded to the nearest integer, halves towards +infinity.
 * Preconditions: denominator > 0, |numerator| <= INT64_MAX / 4 (asserted). */
int64_t a6_divide_round_half_up(int64_t numerator, int64_t denominator);

/* A Party applies one CA method throughout the period: changing it once any year of the period
 * has been reported is A6_CHECK_CA_METHOD_LOCKED. Choosing a method when none was
 * (current == 0), or proposing the current one, is A6_OK; an invalid proposed method is
 * A6_CHECK_CA_METHOD_INVALID. */
a6_check_t a6_ca_method_change_check(a6_ca_method_t current, a6_ca_method_t proposed,
                                     bool year_reported);

#endif
