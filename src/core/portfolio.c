/* portfolio.c: counts and sums of the activity portfolio (see portfolio.h). */
#include "portfolio.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* *sum += value; false on 64-bit overflow (sum unchanged). */
static bool add_checked(int64_t *sum, int64_t value)
{
    int64_t result;
    if (__builtin_add_overflow(*sum, value, &result)) return false;
    *sum = result;
    return true;
}

/* Adds one activity to a group; the name of the failed sum or NULL. */
static const char *group_add(portfolio_group_t *g, const portfolio_activity_t *a)
{
    g->activity_count++;
    if (a->state == ACTIVITY_REGISTERED) g->registered_count++;
    if (a->state == ACTIVITY_UNDER_VALIDATION) g->under_validation_count++;
    if (a->expected_annual_tco2e > 0) {
        g->expected_known_count++;
        if (!add_checked(&g->expected_annual_tco2e, a->expected_annual_tco2e))
            return "expected_annual_tco2e";
    }
    if (!add_checked(&g->notified_tco2e, a->notified_tco2e)) return "notified_tco2e";
    if (!add_checked(&g->issued_tco2e, a->issued_tco2e)) return "issued_tco2e";
    return NULL;
}

/* The group of a technology name, added when new; NULL when the table is full. */
static portfolio_group_t *technology_group(portfolio_result_t *r, const char *name)
{
    if (!name) name = PORTFOLIO_UNKNOWN_TECHNOLOGY;
    for (size_t i = 0; i < r->technology_count; i++)
        if (strcmp(r->technologies[i].name, name) == 0) return &r->technologies[i];
    if (r->technology_count == PORTFOLIO_TECHNOLOGIES_MAX) return NULL;
    portfolio_group_t *g = &r->technologies[r->technology_count++];
    *g = (portfolio_group_t){.name = name};
    return g;
}

static int compare_groups(const void *a, const void *b)
{
    const char *x = ((const portfolio_group_t *)a)->name, *y = ((const portfolio_group_t *)b)->name;
    bool x_unknown = strcmp(x, PORTFOLIO_UNKNOWN_TECHNOLOGY) == 0;
    bool y_unknown = strcmp(y, PORTFOLIO_UNKNOWN_TECHNOLOGY) == 0;
    if (x_unknown != y_unknown) return x_unknown ? 1 : -1;
    return strcmp(x, y);
}

/* Registrations per year, every year from the first to the last. */
static void count_years(const portfolio_activity_t *activities, size_t count, portfolio_result_t *r)
{
    int first = PORTFOLIO_YEAR_MAX + 1, last = PORTFOLIO_YEAR_MIN - 1;
    for (size_t i = 0; i < count; i++) {
        int year = a6_date_year(activities[i].registered_on);
        if (year < PORTFOLIO_YEAR_MIN || year > PORTFOLIO_YEAR_MAX) continue;
        if (year < first) first = year;
        if (year > last) last = year;
    }
    if (first > last) return;
    r->year_count = (size_t)(last - first + 1);
    for (size_t y = 0; y < r->year_count; y++)
        r->years[y] = (portfolio_year_t){.year = first + (int)y};
    for (size_t i = 0; i < count; i++) {
        int year = a6_date_year(activities[i].registered_on);
        if (year >= first && year <= last) r->years[year - first].registered_count++;
    }
}

/* Adds one activity to every group and count it belongs to. */
static a6_check_t add_activity(portfolio_result_t *r, const portfolio_activity_t *a,
                               const char **field)
{
    if (a->expected_annual_tco2e < 0 || a->notified_tco2e < 0 || a->issued_tco2e < 0)
        return *field = "expected_annual_tco2e", A6_CHECK_QUANTITY_INVALID;
    if ((unsigned)a->state < PORTFOLIO_STATE_SLOTS) r->state_counts[a->state]++;
    if ((unsigned)a->kind < PORTFOLIO_KIND_SLOTS) r->kind_counts[a->kind]++;
    portfolio_group_t *tech = technology_group(r, a->technology_group);
    if (!tech) return *field = "technology_group", A6_CHECK_ANALYSIS_TOO_LARGE;
    const char *overflow = group_add(&r->all, a);
    if (!overflow) overflow = group_add(tech, a);
    if (!overflow && a->state == ACTIVITY_REGISTERED) overflow = group_add(&r->registered, a);
    if (!overflow && a->state == ACTIVITY_UNDER_VALIDATION) overflow = group_add(&r->pipeline, a);
    if (overflow) return *field = overflow, A6_CHECK_QUANTITY_OVERFLOW;
    return A6_OK;
}

a6_check_t portfolio_analyze(const portfolio_activity_t *activities, size_t activity_count,
                             const portfolio_allocation_t *allocations, size_t allocation_count,
                             portfolio_result_t *out, const char **field)
{
    memset(out, 0, sizeof *out);
    out->all.name = "all";
    out->registered.name = "registered";
    out->pipeline.name = "under_validation";
    if (activity_count > PORTFOLIO_ACTIVITIES_MAX)
        return *field = "activities", A6_CHECK_ANALYSIS_TOO_LARGE;
    if (allocation_count > PORTFOLIO_ALLOCATIONS_MAX)
        return *field = "allocations", A6_CHECK_ANALYSIS_TOO_LARGE;
    for (size_t i = 0; i < activity_count; i++) {
        a6_check_t check = add_activity(out, &activities[i], field);
        if (check != A6_OK) return check;
    }
    for (size_t i = 0; i < allocation_count; i++) {
        const portfolio_allocation_t *a = &allocations[i];
        if (a->quantity < 0) return *field = "quantity", A6_CHECK_QUANTITY_INVALID;
        if ((unsigned)a->side >= PORTFOLIO_SIDE_SLOTS || a->side == 0)
            return *field = "side", A6_CHECK_SIDE_INVALID;
        if (!add_checked(&out->side_tco2e[a->side], a->quantity) ||
            !add_checked(&out->allocated_tco2e, a->quantity))
            return *field = "quantity", A6_CHECK_QUANTITY_OVERFLOW;
    }
    qsort(out->technologies, out->technology_count, sizeof out->technologies[0], compare_groups);
    count_years(activities, activity_count, out);
    return A6_OK;
}
