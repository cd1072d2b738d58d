/* period.c: the pure rules of monitoring periods and their issuance chain (report, verification,
 * request for issuance, committee notification with its allocation, issuance).
 *
 * Every check judges in one fixed order and returns the first failure:
 *   1. stage (5011, or 5008 when issuing an issued period); period_check_new has no stage,
 *   2. dates known (1013: a new step's date, the period's start and end, today),
 *   3. dates in order (5010: start <= end <= reported_on <= verified_on <= requested_on <=
 *      notified_on <= issued_on, comparing only with the earlier dates that are known),
 *   4. nothing after today (5009),
 *   5. quantities (1001 not positive, 1002 above LEDGER_QUANTITY_MAX, then 5006 / 5012 against
 *      the previous step's amount, then each allocation and their sum, 5007),
 *   6. overlap with the activity's other periods (5005, period_check_new only).
 * Amounts of 0 in an existing period mean "unknown" (imported history) and bound nothing. */
#include "period.h"

#include <assert.h>
#include <stdbool.h>
#include <string.h>

#include "account.h"
#include "block.h"
#include "names.h"

static const char *const stage_names[] = {
    [PERIOD_REPORTED] = "reported",   [PERIOD_VERIFIED] = "verified",
    [PERIOD_REQUESTED] = "requested", [PERIOD_NOTIFIED] = "notified",
    [PERIOD_ISSUED] = "issued",
};

static const char *const side_names[] = {
    [SIDE_HOST] = "host",
    [SIDE_PARTNER] = "partner",
    [SIDE_PARTICIPANTS] = "participants",
};

const char *period_stage_name(period_stage_t stage)
{
    if ((int)stage <= 0 || (size_t)stage >= A6_COUNT_OF(stage_names)) return "unknown";
    return stage_names[stage];
}

a6_check_t period_stage_parse(const char *name, period_stage_t *out)
{
    int found = a6_name_find(stage_names, A6_COUNT_OF(stage_names), name);
    if (!found) return A6_CHECK_STATUS_INVALID;
    *out = (period_stage_t)found;
    return A6_OK;
}

const char *allocation_side_name(allocation_side_t side)
{
    if ((int)side <= 0 || (size_t)side >= A6_COUNT_OF(side_names)) return "unknown";
    return side_names[side];
}

a6_check_t allocation_side_parse(const char *name, allocation_side_t *out)
{
    int found = a6_name_find(side_names, A6_COUNT_OF(side_names), name);
    if (!found) return A6_CHECK_SIDE_INVALID;
    *out = (allocation_side_t)found;
    return A6_OK;
}

/* ---- dates ---- */

/* The date of a new step, judged against the earlier dates of the chain (unknown ones skipped)
 * and today: 1013 when the date or today is unknown, 5010 before an earlier date, 5009 after
 * today. */
static a6_check_t step_date_check(a6_date_t date, const a6_date_t *earlier, size_t earlier_count,
                                  a6_date_t today)
{
    if (date == A6_DATE_NONE || today == A6_DATE_NONE) return A6_CHECK_DATE_INVALID;
    for (size_t i = 0; i < earlier_count; i++)
        if (earlier[i] != A6_DATE_NONE && date < earlier[i]) return A6_CHECK_DATES_OUT_OF_ORDER;
    if (date > today) return A6_CHECK_DATE_IN_FUTURE;
    return A6_OK;
}

/* ---- a new period ---- */

static bool periods_overlap(a6_date_t start, a6_date_t end, const monitoring_period_t *other)
{
    if (other->start == A6_DATE_NONE || other->end == A6_DATE_NONE) return false;
    return start <= other->end && other->start <= end; /* closed intervals: one shared day counts */
}

a6_check_t period_check_new(const monitoring_period_t *existing, size_t existing_count,
                            a6_date_t start, a6_date_t end, int64_t claimed_tco2e,
                            a6_date_t reported_on, a6_date_t today)
{
    assert(existing || existing_count == 0);
    if (start == A6_DATE_NONE || end == A6_DATE_NONE) return A6_CHECK_DATE_INVALID;
    if (reported_on == A6_DATE_NONE || today == A6_DATE_NONE) return A6_CHECK_DATE_INVALID;
    if (start > end || end > reported_on) return A6_CHECK_DATES_OUT_OF_ORDER;
    if (start > today || end > today || reported_on > today) return A6_CHECK_DATE_IN_FUTURE;

    a6_check_t check = ledger_quantity_check(claimed_tco2e);
    if (check != A6_OK) return check;

    for (size_t i = 0; i < existing_count; i++)
        if (periods_overlap(start, end, &existing[i])) return A6_CHECK_MONITORING_OVERLAP;
    return A6_OK;
}

/* ---- the issuance chain ---- */

a6_check_t period_check_verify(const monitoring_period_t *period, int64_t verified_tco2e,
                               a6_date_t verified_on, a6_date_t today)
{
    assert(period);
    if (period->stage != PERIOD_REPORTED) return A6_CHECK_PERIOD_STAGE;

    const a6_date_t earlier[] = {period->start, period->end, period->reported_on};
    a6_check_t check = step_date_check(verified_on, earlier, A6_COUNT_OF(earlier), today);
    if (check != A6_OK) return check;

    check = ledger_quantity_check(verified_tco2e);
    if (check != A6_OK) return check;
    if (period->claimed_tco2e > 0 && verified_tco2e > period->claimed_tco2e)
        return A6_CHECK_VERIFIED_EXCEEDS_CLAIMED;
    return A6_OK;
}

a6_check_t period_check_request(const monitoring_period_t *period, a6_date_t requested_on,
                                a6_date_t today)
{
    assert(period);
    if (period->stage != PERIOD_VERIFIED) return A6_CHECK_PERIOD_STAGE;

    const a6_date_t earlier[] = {period->start, period->end, period->reported_on,
                                 period->verified_on};
    return step_date_check(requested_on, earlier, A6_COUNT_OF(earlier), today);
}

/* Each allocation positive and at most LEDGER_QUANTITY_MAX (1001/1002), on a known side (1018),
 * to a valid holder (1008); then their sum equal to notified (5007). */
static a6_check_t allocations_check(int64_t notified_tco2e, const allocation_t *allocations,
                                    size_t allocation_count)
{
    assert(allocations || allocation_count == 0);
    int64_t sum = 0;
    for (size_t i = 0; i < allocation_count; i++) {
        const allocation_t *allocation = &allocations[i];
        a6_check_t check = ledger_quantity_check(allocation->quantity);
        if (check != A6_OK) return check;
        if (allocation->side < SIDE_HOST || allocation->side > SIDE_PARTICIPANTS)
            return A6_CHECK_SIDE_INVALID;
        check = ledger_holder_check(allocation->holder);
        if (check != A6_OK) return check;
        /* Saturate just above notified: enough to know the sum is wrong, never overflows. */
        sum += allocation->quantity;
        if (sum > notified_tco2e) sum = notified_tco2e + 1;
    }
    if (sum != notified_tco2e) return A6_CHECK_ALLOCATION_SUM_MISMATCH;
    return A6_OK;
}

a6_check_t period_check_notify(const monitoring_period_t *period, int64_t notified_tco2e,
                               const allocation_t *allocations, size_t allocation_count,
                               a6_date_t notified_on, a6_date_t today)
{
    assert(period);
    if (period->stage != PERIOD_REQUESTED) return A6_CHECK_PERIOD_STAGE;

    const a6_date_t earlier[] = {period->start, period->end, period->reported_on,
                                 period->verified_on, period->requested_on};
    a6_check_t check = step_date_check(notified_on, earlier, A6_COUNT_OF(earlier), today);
    if (check != A6_OK) return check;

    check = ledger_quantity_check(notified_tco2e);
    if (check != A6_OK) return check;
    if (period->verified_tco2e > 0 && notified_tco2e > period->verified_tco2e)
        return A6_CHECK_NOTIFIED_EXCEEDS_VERIFIED;
    return allocations_check(notified_tco2e, allocations, allocation_count);
}

a6_check_t period_check_issue(const monitoring_period_t *period, a6_date_t issued_on,
                              a6_date_t today)
{
    assert(period);
    if (period->stage == PERIOD_ISSUED) return A6_CHECK_ALREADY_ISSUED;
    if (period->stage != PERIOD_NOTIFIED) return A6_CHECK_PERIOD_STAGE;

    const a6_date_t earlier[] = {period->start,       period->end,          period->reported_on,
                                 period->verified_on, period->requested_on, period->notified_on};
    return step_date_check(issued_on, earlier, A6_COUNT_OF(earlier), today);
}
