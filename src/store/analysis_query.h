/* analysis_query.h: loads the inputs of the core analyses (core/lag.h, core/portfolio.h) from a
 * registry database: every monitoring period with its activity, every activity with its notified
 * and issued totals, every allocation. Read-only; the web and API layers call these, then the
 * core functions, on the same plain structs. */
#ifndef A6_STORE_ANALYSIS_QUERY_H
#define A6_STORE_ANALYSIS_QUERY_H

#include <stddef.h>

#include "../core/lag.h"
#include "../core/portfolio.h"
#include "db.h"

/* Monitoring periods ordered by activity ref, then period id; the refs are owned. */
typedef struct analysis_periods {
    lag_period_t *items;
    size_t count;
} analysis_periods_t;

/* Activities ordered by ref (refs and technology groups owned), allocations by id. */
typedef struct analysis_portfolio {
    portfolio_activity_t *activities;
    size_t activity_count;
    portfolio_allocation_t *allocations;
    size_t allocation_count;
} analysis_portfolio_t;

/* Fills *out (release with analysis_periods_release, also after a failure). 0, or a negative
 * db_result_t with err filled (DB_ERROR "out of memory" when memory runs out). Unreadable dates
 * load as A6_DATE_NONE. */
int analysis_load_periods(db_t *db, analysis_periods_t *out, db_error_t *err);
void analysis_periods_release(analysis_periods_t *periods);

/* Fills *out (release with analysis_portfolio_release, also after a failure); as above. */
int analysis_load_portfolio(db_t *db, analysis_portfolio_t *out, db_error_t *err);
void analysis_portfolio_release(analysis_portfolio_t *portfolio);

#endif
