/* authorization.c: the national authorization framework: a request judged against every rule of
 * the policy (purpose, sector, technology, vintage window, quantity, share of verified reductions,
 * NDC safeguard), each with its own result; and the rules an authorization imposes on its ITMOs. */
#include "authorization.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "block.h"
#include "text.h"
#include "names.h"

/* ---- the policy ---- */

/* A list of names: within limits, storage given, every name valid text. */
static bool name_list_valid(const char *const *names, size_t count)
{
    if (count > A6_POLICY_LIST_MAX || (count > 0 && !names)) return false;
    for (size_t i = 0; i < count; i++)
        if (a6_text_check(names[i], A6_POLICY_NAME_MAX) != A6_OK) return false;
    return true;
}

static bool name_listed(const char *const *names, size_t count, const char *name)
{
    if (!name || !name_list_valid(names, count)) return false;
    for (size_t i = 0; i < count; i++)
        if (strcmp(names[i], name) == 0) return true;
    return false;
}

/* The uses the policy's purposes cover together; 0 when the list is invalid. */
static unsigned policy_uses(const a6_policy_t *policy)
{
    if (policy->purpose_count > A6_POLICY_LIST_MAX ||
        (policy->purpose_count > 0 && !policy->purposes))
        return 0;
    unsigned uses = 0;
    for (size_t i = 0; i < policy->purpose_count; i++) {
        unsigned one = a6_purpose_uses(policy->purposes[i]);
        if (one == 0) return 0;
        uses |= one;
    }
    return uses;
}

a6_check_t a6_policy_check(const a6_policy_t *policy)
{
    if (!policy) return A6_CHECK_POLICY_INVALID;
    if (!name_list_valid(policy->sectors, policy->sector_count) ||
        !name_list_valid(policy->technologies, policy->technology_count))
        return A6_CHECK_POLICY_INVALID;
    if (policy->purpose_count > 0 && policy_uses(policy) == 0) return A6_CHECK_POLICY_INVALID;
    if (policy->max_share_bp < 0 || policy->max_share_bp > A6_BP_FULL)
        return A6_CHECK_POLICY_INVALID;
    if (ledger_vintage_check(policy->vintage_first) != A6_OK ||
        ledger_vintage_check(policy->vintage_last) != A6_OK ||
        policy->vintage_first > policy->vintage_last)
        return A6_CHECK_POLICY_INVALID;
    if (ledger_vintage_check(policy->target_year) != A6_OK) return A6_CHECK_POLICY_INVALID;
    return A6_OK;
}

/* floor(amount * bp / 10000) without overflow for any amount up to INT64_MAX. */
static int64_t share_of(int64_t amount, int32_t bp)
{
    assert(amount >= 0 && bp >= 0 && bp <= A6_BP_FULL);
    return amount / A6_BP_FULL * bp + amount % A6_BP_FULL * bp / A6_BP_FULL;
}

/* ---- the rules ---- */

static void rule_pass(a6_rule_result_t *result)
{
    result->passed = true;
    result->check = A6_OK;
}

static void rule_fail(a6_rule_result_t *result, a6_check_t check)
{
    result->passed = false;
    result->check = check;
}

typedef void (*rule_fn)(const a6_policy_t *policy, const a6_authorization_request_t *request,
                        a6_rule_result_t *result);

static void rule_policy_valid(const a6_policy_t *policy, const a6_authorization_request_t *request,
                              a6_rule_result_t *result)
{
    (void)request;
    if (a6_policy_check(policy) != A6_OK) {
        rule_fail(result, A6_CHECK_POLICY_INVALID);
        snprintf(result->reason, sizeof result->reason,
                 "the policy in force is incomplete or inconsistent (lists, share, years)");
        return;
    }
    rule_pass(result);
    snprintf(result->reason, sizeof result->reason, "policy complete");
}

static void rule_purpose(const a6_policy_t *policy, const a6_authorization_request_t *request,
                         a6_rule_result_t *result)
{
    unsigned wanted = a6_purpose_uses(request->purpose);
    if (wanted == 0) {
        rule_fail(result, A6_CHECK_PURPOSE_INVALID);
        snprintf(result->reason, sizeof result->reason, "purpose is not a listed value");
        return;
    }
    const char *name = a6_purpose_name(request->purpose);
    if ((wanted & policy_uses(policy)) != wanted) {
        rule_fail(result, A6_CHECK_PURPOSE_NOT_ALLOWED);
        snprintf(result->reason, sizeof result->reason, "purpose %s is not allowed by the policy",
                 name);
        return;
    }
    rule_pass(result);
    snprintf(result->reason, sizeof result->reason, "purpose %s allowed", name);
}

static void rule_sector(const a6_policy_t *policy, const a6_authorization_request_t *request,
                        a6_rule_result_t *result)
{
    const char *sector = request->sector ? request->sector : "";
    if (!name_listed(policy->sectors, policy->sector_count, request->sector)) {
        rule_fail(result, A6_CHECK_SECTOR_NOT_ELIGIBLE);
        snprintf(result->reason, sizeof result->reason,
                 "sector \"%s\" is not among the %zu eligible sectors", sector,
                 policy->sector_count);
        return;
    }
    rule_pass(result);
    snprintf(result->reason, sizeof result->reason, "sector \"%s\" eligible", sector);
}

static void rule_technology(const a6_policy_t *policy, const a6_authorization_request_t *request,
                            a6_rule_result_t *result)
{
    const char *technology = request->technology ? request->technology : "";
    if (!name_listed(policy->technologies, policy->technology_count, request->technology)) {
        rule_fail(result, A6_CHECK_TECHNOLOGY_NOT_ELIGIBLE);
        snprintf(result->reason, sizeof result->reason,
                 "technology group \"%s\" is not among the %zu eligible groups", technology,
                 policy->technology_count);
        return;
    }
    rule_pass(result);
    snprintf(result->reason, sizeof result->reason, "technology group \"%s\" eligible", technology);
}

static void rule_vintage(const a6_policy_t *policy, const a6_authorization_request_t *request,
                         a6_rule_result_t *result)
{
    int first = request->vintage_first, last = request->vintage_last;
    if (ledger_vintage_check(first) != A6_OK || ledger_vintage_check(last) != A6_OK ||
        first > last) {
        rule_fail(result, A6_CHECK_VINTAGE_INVALID);
        snprintf(result->reason, sizeof result->reason,
                 "vintages %d-%d must be years 1990-2100, first <= last", first, last);
        return;
    }
    if (first < policy->vintage_first || last > policy->vintage_last) {
        rule_fail(result, A6_CHECK_VINTAGE_OUTSIDE_WINDOW);
        snprintf(result->reason, sizeof result->reason,
                 "vintages %d-%d are outside the window %d-%d", first, last,
                 (int)policy->vintage_first, (int)policy->vintage_last);
        return;
    }
    rule_pass(result);
    snprintf(result->reason, sizeof result->reason, "vintages %d-%d inside the window %d-%d", first,
             last, (int)policy->vintage_first, (int)policy->vintage_last);
}

static void rule_quantity(const a6_policy_t *policy, const a6_authorization_request_t *request,
                          a6_rule_result_t *result)
{
    (void)policy;
    a6_check_t check = ledger_quantity_check(request->quantity_tco2e);
    if (check != A6_OK) {
        rule_fail(result, check);
        snprintf(result->reason, sizeof result->reason, "quantity %lld t must be 1 to 10^15 t",
                 (long long)request->quantity_tco2e);
        return;
    }
    rule_pass(result);
    snprintf(result->reason, sizeof result->reason, "quantity %lld t",
             (long long)request->quantity_tco2e);
}

static void rule_share(const a6_policy_t *policy, const a6_authorization_request_t *request,
                       a6_rule_result_t *result)
{
    int64_t verified = request->verified_tco2e, authorized = request->authorized_tco2e;
    int64_t quantity = request->quantity_tco2e;
    if (verified < 0 || authorized < 0 || ledger_quantity_check(quantity) != A6_OK ||
        authorized > LEDGER_QUANTITY_MAX) {
        rule_fail(result, A6_CHECK_QUANTITY_INVALID);
        snprintf(result->reason, sizeof result->reason,
                 "verified, authorized and requested amounts must be whole tonnes >= 0");
        return;
    }
    int32_t bp = policy->max_share_bp;
    if (bp < 0 || bp > A6_BP_FULL) bp = 0; /* an invalid policy authorizes nothing */
    int64_t cap = share_of(verified, bp);
    int64_t total = authorized + quantity; /* both <= 10^15: no overflow */
    if (total > cap) {
        rule_fail(result, A6_CHECK_SHARE_EXCEEDED);
        snprintf(result->reason, sizeof result->reason,
                 "authorized %lld + requested %lld = %lld t exceeds %d.%02d%% of verified %lld t "
                 "(%lld t)",
                 (long long)authorized, (long long)quantity, (long long)total, (int)(bp / 100),
                 (int)(bp % 100), (long long)verified, (long long)cap);
        return;
    }
    rule_pass(result);
    snprintf(result->reason, sizeof result->reason,
             "authorized %lld + requested %lld = %lld t within %d.%02d%% of verified %lld t",
             (long long)authorized, (long long)quantity, (long long)total, (int)(bp / 100),
             (int)(bp % 100), (long long)verified);
}

static void rule_safeguard(const a6_policy_t *policy, const a6_authorization_request_t *request,
                           a6_rule_result_t *result)
{
    int64_t quantity = request->quantity_tco2e > 0 ? request->quantity_tco2e : 0;
    a6_check_t check = a6_safeguard_check(
        request->ndc, request->ndc_years, request->ndc_year_count, policy->target_year, quantity,
        request->first_transfer_year, NULL, result->reason, sizeof result->reason);
    if (check != A6_OK)
        rule_fail(result, check);
    else
        rule_pass(result);
}

static const struct {
    const char *name;
    rule_fn judge;
} authorization_rules[] = {
    {"policy-valid", rule_policy_valid}, {"purpose-allowed", rule_purpose},
    {"sector-eligible", rule_sector},    {"technology-eligible", rule_technology},
    {"vintage-window", rule_vintage},    {"quantity-valid", rule_quantity},
    {"share-of-reductions", rule_share}, {"ndc-safeguard", rule_safeguard},
};
_Static_assert(A6_COUNT_OF(authorization_rules) == A6_AUTHORIZATION_RULE_COUNT, "rule count");

a6_check_t a6_authorization_evaluate(const a6_policy_t *policy,
                                     const a6_authorization_request_t *request,
                                     a6_rule_result_t *results, size_t results_max, size_t *count)
{
    assert(policy && request && count);
    assert(results || results_max == 0);
    a6_check_t overall = A6_OK;
    size_t written = 0;
    for (size_t i = 0; i < A6_COUNT_OF(authorization_rules); i++) {
        a6_rule_result_t result;
        memset(&result, 0, sizeof result);
        result.rule = authorization_rules[i].name;
        authorization_rules[i].judge(policy, request, &result);
        if (!result.passed && overall == A6_OK) overall = result.check;
        if (written < results_max) results[written++] = result;
    }
    *count = written;
    return overall;
}

/* ---- the NDC safeguard ---- */

/* Writes a reason when the caller wants one. */
#define REASON(...)                                                                                \
    do {                                                                                           \
        if (reason && reason_size > 0) snprintf(reason, reason_size, __VA_ARGS__);                 \
    } while (0)

/* The first year of the balance whose emissions are missing, or 0. */
static int32_t first_missing_year(const a6_balance_t *balance)
{
    for (size_t i = 0; i < balance->year_count; i++)
        if (balance->years[i].emissions_tco2e == A6_NDC_MISSING) return balance->years[i].year;
    return 0;
}

/* The inputs the safeguard needs before any balance: returns the check and writes the reason. */
static a6_check_t safeguard_inputs_check(const a6_ndc_t *ndc, const a6_ndc_year_t *years,
                                         size_t year_count, int32_t target_year,
                                         int32_t transfer_year, char *reason, size_t reason_size)
{
    a6_check_t check = a6_ndc_check(ndc, years, year_count);
    if (check == A6_CHECK_NDC_DATA_MISSING) {
        REASON("NDC data missing (period, yearly figures or CA method): cannot judge");
        return check;
    }
    if (check != A6_OK) {
        REASON("NDC figures refused (%s)", a6_check_name(check));
        return check;
    }
    if (ndc->target_year != target_year) {
        REASON("no NDC data for target year %d (the NDC given targets %d)", (int)target_year,
               (int)ndc->target_year);
        return A6_CHECK_NDC_DATA_MISSING;
    }
    if (ndc->bau_tco2e == A6_NDC_MISSING || ndc->unconditional_bp == A6_BP_MISSING) {
        REASON("NDC BAU or unconditional reduction missing: no target level to judge against");
        return A6_CHECK_NDC_DATA_MISSING;
    }
    if (transfer_year < ndc->first_year || transfer_year > ndc->last_year) {
        REASON("first transfer year %d outside the NDC period %d-%d: no NDC data to judge it",
               (int)transfer_year, (int)ndc->first_year, (int)ndc->last_year);
        return A6_CHECK_NDC_DATA_MISSING;
    }
    return A6_OK;
}

/* The method's comparisons on the balance that includes the new first transfers. */
static a6_check_t safeguard_judge(const a6_ndc_t *ndc, const a6_balance_t *balance,
                                  int32_t transfer_year, char *reason, size_t reason_size)
{
    const a6_balance_year_t *target = &balance->years[balance->target_index];
    if (target->emissions_tco2e == A6_NDC_MISSING) {
        REASON("emissions of target year %d missing: cannot judge", (int)target->year);
        return A6_CHECK_NDC_DATA_MISSING;
    }
    if (target->distance_tco2e > 0) {
        REASON("%d adjusted emissions %lld t would exceed the target %lld t by %lld t",
               (int)target->year, (long long)target->adjusted_tco2e,
               (long long)target->target_tco2e, (long long)target->distance_tco2e);
        return A6_CHECK_NDC_SAFEGUARD;
    }
    if (ndc->method == A6_CA_TRAJECTORY && transfer_year != target->year) {
        const a6_balance_year_t *year = &balance->years[transfer_year - ndc->first_year];
        if (year->target_tco2e != A6_NDC_MISSING && year->adjusted_tco2e == A6_NDC_MISSING) {
            REASON("emissions of first transfer year %d missing: cannot judge it against the "
                   "trajectory",
                   (int)year->year);
            return A6_CHECK_NDC_DATA_MISSING;
        }
        if (year->distance_tco2e != A6_NDC_MISSING && year->distance_tco2e > 0) {
            REASON("%d adjusted emissions %lld t would exceed the trajectory %lld t by %lld t",
                   (int)year->year, (long long)year->adjusted_tco2e, (long long)year->target_tco2e,
                   (long long)year->distance_tco2e);
            return A6_CHECK_NDC_SAFEGUARD;
        }
    }
    if (ndc->method == A6_CA_BUDGET) {
        int32_t missing = first_missing_year(balance);
        if (ndc->budget_tco2e == A6_NDC_MISSING || missing != 0) {
            REASON("budget or emissions of year %d missing: cannot judge the budget", (int)missing);
            return A6_CHECK_NDC_DATA_MISSING;
        }
        if (balance->budget_distance_tco2e > 0) {
            REASON("adjusted emissions %lld t over the period would exceed the budget %lld t",
                   (long long)balance->adjusted_total_tco2e, (long long)ndc->budget_tco2e);
            return A6_CHECK_NDC_SAFEGUARD;
        }
    }
    REASON("%d adjusted emissions %lld t stay %lld t below the target %lld t", (int)target->year,
           (long long)target->adjusted_tco2e, (long long)-target->distance_tco2e,
           (long long)target->target_tco2e);
    return A6_OK;
}

a6_check_t a6_safeguard_check(const a6_ndc_t *ndc, const a6_ndc_year_t *years, size_t year_count,
                              int32_t target_year, int64_t quantity_tco2e,
                              int32_t first_transfer_year, a6_balance_t *after, char *reason,
                              size_t reason_size)
{
    int32_t transfer_year = first_transfer_year != 0 ? first_transfer_year : target_year;
    a6_check_t check = safeguard_inputs_check(ndc, years, year_count, target_year, transfer_year,
                                              reason, reason_size);
    if (check != A6_OK) return check;

    a6_ndc_year_t projected[A6_NDC_YEARS_MAX];
    assert(year_count <= A6_NDC_YEARS_MAX); /* a6_ndc_check bounds it */
    memcpy(projected, years, year_count * sizeof years[0]);
    a6_ndc_year_t *year = &projected[transfer_year - ndc->first_year];
    if (quantity_tco2e < 0 ||
        quantity_tco2e > A6_NDC_QUANTITY_MAX - year->first_transferred_tco2e) {
        REASON("quantity %lld t cannot fit in any NDC balance", (long long)quantity_tco2e);
        return A6_CHECK_NDC_SAFEGUARD;
    }
    year->first_transferred_tco2e += quantity_tco2e;

    a6_balance_t balance;
    check = a6_ndc_balance(ndc, projected, year_count, &balance);
    assert(check == A6_OK); /* the same inputs passed a6_ndc_check, F still within bounds */
    if (after) *after = balance;
    return safeguard_judge(ndc, &balance, transfer_year, reason, reason_size);
}

/* ---- authorizations and their ITMOs ---- */

a6_check_t a6_authorization_check(const a6_authorization_t *authorization)
{
    assert(authorization);
    const a6_authorization_t *a = authorization;
    if (a6_text_check(a->id, A6_AUTHORIZATION_ID_MAX) != A6_OK) return A6_CHECK_TEXT_INVALID;
    if (a->date == A6_DATE_NONE) return A6_CHECK_DATE_INVALID;
    a6_check_t check = a6_approach_id_check(a->approach_id);
    if (check != A6_OK) return check;
    if (a->version < 1) return A6_CHECK_ID_INVALID;
    check = ledger_quantity_check(a->quantity_tco2e);
    if (check != A6_OK) return check;
    if (ledger_vintage_check(a->timeframe_first) != A6_OK ||
        ledger_vintage_check(a->timeframe_last) != A6_OK || a->timeframe_first > a->timeframe_last)
        return A6_CHECK_VINTAGE_INVALID;
    unsigned uses = a6_purpose_uses(a->purpose);
    if (uses == 0) return A6_CHECK_PURPOSE_INVALID;
    bool has_definition = a->oimp_first_transfer != 0;
    if (has_definition && (a->oimp_first_transfer < A6_FIRST_TRANSFER_AT_AUTHORIZATION ||
                           a->oimp_first_transfer > A6_FIRST_TRANSFER_AT_USE_OR_CANCELLATION))
        return A6_CHECK_FIRST_TRANSFER_DEFINITION_INVALID;
    if ((uses & A6_USE_OIMP) && !has_definition) return A6_CHECK_FIRST_TRANSFER_DEFINITION_INVALID;
    if (a->revoked_on != A6_DATE_NONE && a->revoked_on < a->date)
        return A6_CHECK_DATES_OUT_OF_ORDER;
    return A6_OK;
}

a6_check_t a6_authorization_covers(const a6_authorization_t *authorization, a6_purpose_t purpose,
                                   int32_t vintage, a6_date_t on)
{
    if (!authorization || on == A6_DATE_NONE) return A6_CHECK_NOT_AUTHORIZED;
    if (authorization->date == A6_DATE_NONE || on < authorization->date)
        return A6_CHECK_NOT_AUTHORIZED;
    if (authorization->revoked_on != A6_DATE_NONE && authorization->revoked_on <= on)
        return A6_CHECK_AUTHORIZATION_REVOKED;
    if (!a6_purpose_covers(authorization->purpose, purpose)) return A6_CHECK_NOT_AUTHORIZED;
    if (vintage < authorization->timeframe_first || vintage > authorization->timeframe_last)
        return A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME;
    return A6_OK;
}

a6_check_t a6_first_transfer_check(const a6_authorization_t *authorization, a6_purpose_t purpose,
                                   int32_t vintage, a6_date_t on, bool already_first_transferred,
                                   int64_t first_transferred_tco2e, int64_t quantity_tco2e)
{
    if (already_first_transferred) return A6_CHECK_ALREADY_FIRST_TRANSFERRED;
    a6_check_t check = a6_authorization_covers(authorization, purpose, vintage, on);
    if (check != A6_OK) return check;
    check = ledger_quantity_check(quantity_tco2e);
    if (check != A6_OK) return check;
    assert(first_transferred_tco2e >= 0 && first_transferred_tco2e <= INT64_MAX / 2);
    if (first_transferred_tco2e + quantity_tco2e > authorization->quantity_tco2e)
        return A6_CHECK_AUTHORIZED_QUANTITY_EXCEEDED;
    return A6_OK;
}
