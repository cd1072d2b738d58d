/* ndc.c: the NDC's figures and the emissions balance (spec/ARTICLE6.md "How the emissions
 * balance is computed"), in integer tonnes: N(t) = F(t) - U(t), the corresponding adjustment of
 * each year by the trajectory, budget or averaging method, adjusted emissions and the distance to
 * the target. Bounds (A6_NDC_QUANTITY_MAX, A6_NDC_YEARS_MAX) keep every sum inside 64 bits. */
#include "ndc.h"

#include <assert.h>

#include "block.h"

void a6_ndc_init(a6_ndc_t *ndc)
{
    assert(ndc);
    *ndc = (a6_ndc_t){
        .first_year = 0,
        .last_year = 0,
        .target_year = 0,
        .bau_tco2e = A6_NDC_MISSING,
        .unconditional_bp = A6_BP_MISSING,
        .conditional_bp = A6_BP_MISSING,
        .method = (a6_ca_method_t)0,
        .budget_tco2e = A6_NDC_MISSING,
    };
}

void a6_ndc_years_init(a6_ndc_year_t *years, size_t count)
{
    assert(years || count == 0);
    for (size_t i = 0; i < count; i++)
        years[i] = (a6_ndc_year_t){
            .emissions_tco2e = A6_NDC_MISSING,
            .first_transferred_tco2e = 0,
            .used_tco2e = 0,
            .trajectory_tco2e = A6_NDC_MISSING,
        };
}

int64_t a6_divide_round_half_up(int64_t numerator, int64_t denominator)
{
    assert(denominator > 0);
    assert(numerator <= INT64_MAX / 4 && numerator >= -(INT64_MAX / 4));
    assert(denominator <= INT64_MAX / 4);
    /* floor((2n + d) / 2d): C division truncates towards zero, so step down for negatives. */
    int64_t twice = 2 * numerator + denominator;
    int64_t divisor = 2 * denominator;
    int64_t quotient = twice / divisor;
    if (twice % divisor != 0 && twice < 0) quotient -= 1;
    return quotient;
}

int64_t a6_ndc_level(int64_t bau_tco2e, int32_t reduction_bp)
{
    if (bau_tco2e == A6_NDC_MISSING || reduction_bp == A6_BP_MISSING) return A6_NDC_MISSING;
    assert(bau_tco2e >= 0 && bau_tco2e <= A6_NDC_QUANTITY_MAX);
    assert(reduction_bp >= 0 && reduction_bp <= A6_BP_FULL);
    /* At most 10^14 * 10^4 = 10^18, inside the rounding helper's bound (INT64_MAX / 4). */
    return a6_divide_round_half_up(bau_tco2e * (A6_BP_FULL - reduction_bp), A6_BP_FULL);
}

/* ---- checking the inputs ---- */

static bool amount_in(int64_t amount, int64_t low, int64_t high)
{
    return amount >= low && amount <= high;
}

/* An amount that may be missing: missing, or within [low, high]. */
static bool optional_in(int64_t amount, int64_t low, int64_t high)
{
    return amount == A6_NDC_MISSING || amount_in(amount, low, high);
}

static bool percentage_valid(int32_t bp)
{
    return bp == A6_BP_MISSING || (bp >= 0 && bp <= A6_BP_FULL);
}

/* The period, the target year and the number of years given. */
static a6_check_t ndc_period_check(const a6_ndc_t *ndc, size_t year_count)
{
    if (year_count == 0) return A6_CHECK_NDC_DATA_MISSING;
    if (ledger_vintage_check(ndc->first_year) != A6_OK ||
        ledger_vintage_check(ndc->last_year) != A6_OK || ndc->first_year > ndc->last_year)
        return A6_CHECK_NDC_INVALID;
    size_t period_years = (size_t)(ndc->last_year - ndc->first_year + 1);
    if (period_years > A6_NDC_YEARS_MAX || year_count != period_years) return A6_CHECK_NDC_INVALID;
    if (ndc->target_year < ndc->first_year || ndc->target_year > ndc->last_year)
        return A6_CHECK_NDC_INVALID;
    return A6_OK;
}

/* BAU, percentages and budget. */
static a6_check_t ndc_figures_check(const a6_ndc_t *ndc)
{
    if (!optional_in(ndc->bau_tco2e, 0, A6_NDC_QUANTITY_MAX)) return A6_CHECK_NDC_INVALID;
    if (!percentage_valid(ndc->unconditional_bp) || !percentage_valid(ndc->conditional_bp))
        return A6_CHECK_NDC_INVALID;
    if (ndc->conditional_bp != A6_BP_MISSING && ndc->unconditional_bp != A6_BP_MISSING &&
        ndc->conditional_bp < ndc->unconditional_bp)
        return A6_CHECK_NDC_INVALID;
    if (!optional_in(ndc->budget_tco2e, 0, A6_NDC_QUANTITY_MAX * A6_NDC_YEARS_MAX))
        return A6_CHECK_NDC_INVALID;
    return A6_OK;
}

static a6_check_t ndc_year_check(const a6_ndc_year_t *year)
{
    const int64_t max = A6_NDC_QUANTITY_MAX;
    if (!optional_in(year->emissions_tco2e, -max, max)) return A6_CHECK_NDC_INVALID;
    if (!amount_in(year->first_transferred_tco2e, 0, max)) return A6_CHECK_NDC_INVALID;
    if (!amount_in(year->used_tco2e, 0, max)) return A6_CHECK_NDC_INVALID;
    if (!optional_in(year->trajectory_tco2e, -max, max)) return A6_CHECK_NDC_INVALID;
    return A6_OK;
}

a6_check_t a6_ndc_check(const a6_ndc_t *ndc, const a6_ndc_year_t *years, size_t year_count)
{
    if (!ndc) return A6_CHECK_NDC_DATA_MISSING;
    if (!years) year_count = 0;
    a6_check_t check = ndc_period_check(ndc, year_count);
    if (check != A6_OK) return check;
    if (ndc->method == 0) return A6_CHECK_NDC_DATA_MISSING;
    if (ndc->method < A6_CA_TRAJECTORY || ndc->method > A6_CA_AVERAGING)
        return A6_CHECK_CA_METHOD_INVALID;
    check = ndc_figures_check(ndc);
    for (size_t i = 0; check == A6_OK && i < year_count; i++)
        check = ndc_year_check(&years[i]);
    return check;
}

/* ---- the balance ---- */

/* The adjustment of year index i: N(t) for trajectory and budget; for averaging, the indicative
 * running average, or in the target year the period's total over its length. */
static int64_t balance_adjustment(const a6_balance_t *balance, size_t i, int64_t running_net)
{
    if (balance->method != A6_CA_AVERAGING) return balance->years[i].net_tco2e;
    if (i == balance->target_index)
        return a6_divide_round_half_up(balance->net_total_tco2e, (int64_t)balance->year_count);
    return a6_divide_round_half_up(running_net, (int64_t)(i + 1));
}

/* The level year index i is judged against (see a6_ndc_balance). */
static int64_t balance_target(const a6_balance_t *balance, const a6_ndc_year_t *year, size_t i)
{
    if (i == balance->target_index && balance->target_level_tco2e != A6_NDC_MISSING)
        return balance->target_level_tco2e;
    return year->trajectory_tco2e;
}

static void balance_year_fill(a6_balance_t *balance, const a6_ndc_year_t *year, size_t i,
                              int64_t running_net)
{
    a6_balance_year_t *out = &balance->years[i];
    out->adjustment_tco2e = balance_adjustment(balance, i, running_net);
    out->indicative = balance->method == A6_CA_AVERAGING && i != balance->target_index;
    out->adjusted_tco2e = year->emissions_tco2e == A6_NDC_MISSING
                              ? A6_NDC_MISSING
                              : year->emissions_tco2e + out->adjustment_tco2e;
    out->target_tco2e = balance_target(balance, year, i);
    out->distance_tco2e =
        out->adjusted_tco2e == A6_NDC_MISSING || out->target_tco2e == A6_NDC_MISSING
            ? A6_NDC_MISSING
            : out->adjusted_tco2e - out->target_tco2e;
}

a6_check_t a6_ndc_balance(const a6_ndc_t *ndc, const a6_ndc_year_t *years, size_t year_count,
                          a6_balance_t *out)
{
    assert(out);
    a6_check_t check = a6_ndc_check(ndc, years, year_count);
    if (check != A6_OK) return check;

    a6_balance_t balance = {
        .method = ndc->method,
        .target_year = ndc->target_year,
        .year_count = year_count,
        .target_index = (size_t)(ndc->target_year - ndc->first_year),
        .net_total_tco2e = 0,
        .target_level_tco2e = a6_ndc_level(ndc->bau_tco2e, ndc->unconditional_bp),
        .conditional_level_tco2e = a6_ndc_level(ndc->bau_tco2e, ndc->conditional_bp),
        .adjusted_total_tco2e = 0,
        .budget_distance_tco2e = A6_NDC_MISSING,
    };
    for (size_t i = 0; i < year_count; i++) {
        a6_balance_year_t *row = &balance.years[i];
        row->year = ndc->first_year + (int32_t)i;
        row->emissions_tco2e = years[i].emissions_tco2e;
        row->first_transferred_tco2e = years[i].first_transferred_tco2e;
        row->used_tco2e = years[i].used_tco2e;
        row->net_tco2e = years[i].first_transferred_tco2e - years[i].used_tco2e;
        balance.net_total_tco2e += row->net_tco2e;
    }

    int64_t running_net = 0;
    for (size_t i = 0; i < year_count; i++) {
        running_net += balance.years[i].net_tco2e;
        balance_year_fill(&balance, &years[i], i, running_net);
        int64_t adjusted = balance.years[i].adjusted_tco2e;
        if (adjusted == A6_NDC_MISSING || balance.adjusted_total_tco2e == A6_NDC_MISSING)
            balance.adjusted_total_tco2e = A6_NDC_MISSING;
        else
            balance.adjusted_total_tco2e += adjusted;
    }
    if (ndc->method == A6_CA_BUDGET && ndc->budget_tco2e != A6_NDC_MISSING &&
        balance.adjusted_total_tco2e != A6_NDC_MISSING)
        balance.budget_distance_tco2e = balance.adjusted_total_tco2e - ndc->budget_tco2e;
    *out = balance;
    return A6_OK;
}

a6_check_t a6_ca_method_change_check(a6_ca_method_t current, a6_ca_method_t proposed,
                                     bool year_reported)
{
    if (proposed < A6_CA_TRAJECTORY || proposed > A6_CA_AVERAGING)
        return A6_CHECK_CA_METHOD_INVALID;
    if (current == 0 || current == proposed) return A6_OK;
    return year_reported ? A6_CHECK_CA_METHOD_LOCKED : A6_OK;
}
