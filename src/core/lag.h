/* lag.h: issuance lag of monitoring periods: the days each period spent from the end of monitoring
 * through verification, request, notification and issuance; the portfolio's distribution
 * (nearest-rank percentiles); periods past a service level with the stage they wait in; batch
 * notifications (many periods notified on one date). Pure: the caller loads the periods. */
#ifndef A6_CORE_LAG_H
#define A6_CORE_LAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "date.h"
#include "period.h"

#define LAG_DAYS_UNKNOWN INT32_MIN /* a duration whose dates are not both known (JSON null) */
#define LAG_SERVICE_LEVEL_MONTHS_DEFAULT 12 /* from the end of monitoring */
#define LAG_SERVICE_LEVEL_MONTHS_MAX 240
#define LAG_SERVICE_LEVEL_DAYS_MAX 7305 /* 20 years */
#define LAG_BATCH_THRESHOLD_DEFAULT 3   /* periods notified on one date that make a batch */
#define LAG_BATCH_THRESHOLD_MIN 2
#define LAG_BATCH_THRESHOLD_MAX 100000
#define LAG_PERIODS_MAX 100000
#define LAG_HISTOGRAM_BUCKET_MONTHS 6
#define LAG_HISTOGRAM_BUCKETS 16 /* [0,6), [6,12) ... [90, infinity) months */

/* The steps of the issuance chain; a step is named by the date that ends it. */
typedef enum lag_stage {
    LAG_STAGE_NONE = 0,
    LAG_STAGE_VERIFICATION, /* end of monitoring -> verified_on */
    LAG_STAGE_REQUEST,      /* verified_on -> requested_on */
    LAG_STAGE_NOTIFICATION, /* requested_on -> notified_on */
    LAG_STAGE_ISSUANCE,     /* notified_on -> issued_on */
} lag_stage_t;
#define LAG_STAGE_COUNT 4 /* stage_days[] and friends are indexed by stage - 1 */

/* How a period's total lag was measured. */
typedef enum lag_basis {
    LAG_BASIS_UNKNOWN = 0, /* end of monitoring unknown, or issued with no known date */
    LAG_BASIS_ISSUED,      /* issued: end of monitoring -> issued_on */
    LAG_BASIS_NOTIFIED,    /* issued, issuance date not published: end -> notified_on */
    LAG_BASIS_OPEN,        /* not issued yet: end -> as_of */
} lag_basis_t;

/* One monitoring period as the analysis needs it. Unknown dates are A6_DATE_NONE. */
typedef struct lag_period {
    const char *activity_ref; /* borrowed; copied by pointer into the rows */
    int64_t period_id;
    period_stage_t stage;
    a6_date_t end; /* end of monitoring */
    a6_date_t verified_on;
    a6_date_t requested_on;
    a6_date_t notified_on;
    a6_date_t issued_on;
    int64_t notified_tco2e; /* 0 when not notified */
} lag_period_t;

/* Parameters. Exactly one of service_level_months / service_level_days is non-zero (both zero:
 * lag_params_check fills in the default of 12 months). */
typedef struct lag_params {
    a6_date_t as_of;              /* "today": open periods are measured to it (required) */
    int32_t service_level_months; /* deadline = end of monitoring + this many calendar months */
    int32_t service_level_days;   /* or + this many days */
    int32_t batch_threshold;      /* 0: LAG_BATCH_THRESHOLD_DEFAULT */
} lag_params_t;

/* One row per input period, in input order. */
typedef struct lag_row {
    const char *activity_ref;
    int64_t period_id;
    period_stage_t stage;
    a6_date_t end;
    a6_date_t deadline; /* end + service level; A6_DATE_NONE when end is unknown */
    /* Days of each step, indexed by lag_stage_t - 1: LAG_DAYS_UNKNOWN unless both dates are known;
     * for an open period the step it waits in runs from its start date to as_of (ongoing). */
    int32_t stage_days[LAG_STAGE_COUNT];
    int32_t to_notification_days; /* end -> notified_on (the figure the JCM publishes) */
    int32_t total_days;           /* measured as basis says; LAG_DAYS_UNKNOWN with BASIS_UNKNOWN */
    int32_t total_months;         /* whole calendar months of the same span, or LAG_DAYS_UNKNOWN */
    lag_basis_t basis;
    bool late;                 /* total span ends after the deadline */
    lag_stage_t waiting_stage; /* open periods: the step awaited (stage + 1); NONE when issued */
    lag_stage_t stuck_stage;   /* waiting_stage of a late open period, NONE otherwise */
    int32_t waiting_days;      /* open periods: stage_days of waiting_stage (may be unknown) */
} lag_row_t;

/* Distribution of a set of day counts; every value LAG_DAYS_UNKNOWN when count is 0.
 * Percentiles are nearest-rank: the value at rank ceil(p/100 * count) of the ascending values
 * (the median of an even count is the lower middle value). */
typedef struct lag_summary {
    size_t count;
    int32_t min_days;
    int32_t median_days;
    int32_t p90_days;
    int32_t max_days;
} lag_summary_t;

/* A date on which at least batch_threshold periods were notified. */
typedef struct lag_batch {
    a6_date_t notified_on;
    size_t period_count;
    int64_t notified_tco2e;
} lag_batch_t;

typedef struct lag_result {
    lag_params_t params; /* as applied (defaults filled in) */
    lag_row_t *rows;     /* row_count rows, owned (lag_result_release) */
    size_t row_count;
    lag_summary_t total;           /* total_days of every row with a known total */
    lag_summary_t completed;       /* total_days of issued rows (BASIS_ISSUED or NOTIFIED) */
    lag_summary_t to_notification; /* to_notification_days where known */
    lag_summary_t stages[LAG_STAGE_COUNT]; /* completed steps only (ongoing ones left out) */
    size_t open_count;                     /* rows not issued */
    size_t late_count;                     /* rows late, issued or open */
    size_t late_open_count;                /* open rows late: stuck */
    size_t unknown_count;                  /* rows with BASIS_UNKNOWN */
    size_t stuck_counts[LAG_STAGE_COUNT];  /* late open rows by the step they wait in */
    /* Rows with a known total by total_months / LAG_HISTOGRAM_BUCKET_MONTHS; the last bucket
     * takes everything longer. */
    size_t histogram[LAG_HISTOGRAM_BUCKETS];
    lag_batch_t *batches; /* batch_count batches by date ascending, owned */
    size_t batch_count;
} lag_result_t;

/* "verification", "request", "notification", "issuance"; "none" for LAG_STAGE_NONE. */
const char *lag_stage_name(lag_stage_t stage);
/* "issued", "notified", "open", "unknown". */
const char *lag_basis_name(lag_basis_t basis);

/* Validates params and fills in defaults. On failure returns the check and sets *field to the
 * parameter's name: as_of (1013 date-invalid when A6_DATE_NONE), service_level_months (0..240),
 * service_level_days (0..7305; 1027 also when both are given), batch_threshold (2..100000). */
a6_check_t lag_params_check(lag_params_t *params, const char **field);

/* Nearest-rank percentile (1..100) of count >= 1 ascending values. */
int32_t lag_percentile(const int32_t *sorted, size_t count, unsigned percent);

/* Sorts values (count of them) in place and summarises them. */
void lag_summarize(int32_t *values, size_t count, lag_summary_t *out);

/* Analyses count periods. On A6_OK *out owns its rows and batches (lag_result_release); otherwise
 * *out holds nothing to release and *field names the cause: a parameter (see lag_params_check),
 * or "periods" with 1028 when count exceeds LAG_PERIODS_MAX or memory runs out. */
a6_check_t lag_analyze(const lag_period_t *periods, size_t count, const lag_params_t *params,
                       lag_result_t *out, const char **field);

void lag_result_release(lag_result_t *result);

#endif
