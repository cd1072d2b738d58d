/* portfolio.h: the registry's portfolio of activities: counts by state, kind and technology group,
 * expected against notified and issued reductions, credits by allocation side, registrations per
 * year and the pipeline under validation. Pure: the caller loads activities and allocations. */
#ifndef A6_CORE_PORTFOLIO_H
#define A6_CORE_PORTFOLIO_H

#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "cycle.h"
#include "date.h"
#include "period.h"

#define PORTFOLIO_ACTIVITIES_MAX 100000
#define PORTFOLIO_ALLOCATIONS_MAX 1000000
#define PORTFOLIO_TECHNOLOGIES_MAX 64
#define PORTFOLIO_STATE_SLOTS 10 /* indexed by activity_state_t (1..9); slot 0 unused */
#define PORTFOLIO_KIND_SLOTS 4   /* indexed by activity_kind_t (1..3) */
#define PORTFOLIO_SIDE_SLOTS 4   /* indexed by allocation_side_t (1..3) */
#define PORTFOLIO_YEAR_MIN 1900
#define PORTFOLIO_YEAR_MAX 2200
#define PORTFOLIO_UNKNOWN_TECHNOLOGY "unknown" /* the group of activities that publish none */

typedef struct portfolio_activity {
    const char *ref; /* borrowed */
    activity_kind_t kind;
    activity_state_t state;
    const char *technology_group;  /* borrowed; NULL when not published */
    a6_date_t registered_on;       /* A6_DATE_NONE when not registered (or not known) */
    int64_t expected_annual_tco2e; /* 0 when not published */
    int64_t notified_tco2e;        /* sum of its periods' notified amounts */
    int64_t issued_tco2e;          /* sum of the notified amounts of its issued periods */
} portfolio_activity_t;

/* One allocation of a notification (every side, issued or only notified). */
typedef struct portfolio_allocation {
    allocation_side_t side;
    int64_t quantity;
} portfolio_allocation_t;

/* The figures of one technology group (or of the whole portfolio). */
typedef struct portfolio_group {
    const char *name; /* borrowed from the input, or PORTFOLIO_UNKNOWN_TECHNOLOGY */
    size_t activity_count;
    size_t registered_count;
    size_t under_validation_count;
    size_t expected_known_count;   /* activities that publish expected reductions */
    int64_t expected_annual_tco2e; /* sum over those */
    int64_t notified_tco2e;
    int64_t issued_tco2e;
} portfolio_group_t;

typedef struct portfolio_year {
    int year;
    size_t registered_count;
} portfolio_year_t;

typedef struct portfolio_result {
    portfolio_group_t all;        /* name "all" */
    portfolio_group_t registered; /* the registered activities only */
    portfolio_group_t pipeline;   /* under validation: the pipeline */
    size_t state_counts[PORTFOLIO_STATE_SLOTS];
    size_t kind_counts[PORTFOLIO_KIND_SLOTS];
    int64_t side_tco2e[PORTFOLIO_SIDE_SLOTS];                   /* allocated credits by side */
    int64_t allocated_tco2e;                                    /* sum over the sides */
    portfolio_group_t technologies[PORTFOLIO_TECHNOLOGIES_MAX]; /* by name, "unknown" last */
    size_t technology_count;
    /* Every year from the first registration to the last (gap years with 0); none when no
     * activity has a registration date. */
    portfolio_year_t years[PORTFOLIO_YEAR_MAX - PORTFOLIO_YEAR_MIN + 1];
    size_t year_count;
} portfolio_result_t;

/* Summarises the portfolio into *out (no allocation: nothing to release). Returns 1028 with
 * *field "activities", "allocations" or "technology_group" when a limit is passed, 1002 with
 * *field naming the sum that would overflow 64 bits, 1001 "expected_annual_tco2e" or "quantity"
 * for a negative amount. */
a6_check_t portfolio_analyze(const portfolio_activity_t *activities, size_t activity_count,
                             const portfolio_allocation_t *allocations, size_t allocation_count,
                             portfolio_result_t *out, const char **field);

#endif
