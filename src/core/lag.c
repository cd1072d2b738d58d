/* lag.c: issuance lag per monitoring period, its distribution, service-level flags and batch
 * notifications (see lag.h for every definition). */
#include "lag.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

const char *lag_stage_name(lag_stage_t stage)
{
    static const char *const names[] = {"none", "verification", "request", "notification",
                                        "issuance"};
    return (unsigned)stage <= LAG_STAGE_COUNT ? names[stage] : "none";
}

const char *lag_basis_name(lag_basis_t basis)
{
    static const char *const names[] = {"unknown", "issued", "notified", "open"};
    return (unsigned)basis <= LAG_BASIS_OPEN ? names[basis] : "unknown";
}

a6_check_t lag_params_check(lag_params_t *params, const char **field)
{
    if (params->as_of == A6_DATE_NONE) return *field = "as_of", A6_CHECK_DATE_INVALID;
    if (params->service_level_months < 0 ||
        params->service_level_months > LAG_SERVICE_LEVEL_MONTHS_MAX)
        return *field = "service_level_months", A6_CHECK_PARAMETER_INVALID;
    if (params->service_level_days < 0 || params->service_level_days > LAG_SERVICE_LEVEL_DAYS_MAX)
        return *field = "service_level_days", A6_CHECK_PARAMETER_INVALID;
    if (params->service_level_months && params->service_level_days)
        return *field = "service_level_days", A6_CHECK_PARAMETER_INVALID;
    if (params->batch_threshold != 0 && (params->batch_threshold < LAG_BATCH_THRESHOLD_MIN ||
                                         params->batch_threshold > LAG_BATCH_THRESHOLD_MAX))
        return *field = "batch_threshold", A6_CHECK_PARAMETER_INVALID;
    if (!params->service_level_months && !params->service_level_days)
        params->service_level_months = LAG_SERVICE_LEVEL_MONTHS_DEFAULT;
    if (!params->batch_threshold) params->batch_threshold = LAG_BATCH_THRESHOLD_DEFAULT;
    return A6_OK;
}

int32_t lag_percentile(const int32_t *sorted, size_t count, unsigned percent)
{
    assert(count > 0 && percent >= 1 && percent <= 100);
    size_t rank = (count * percent + 99) / 100; /* ceil(percent / 100 * count), >= 1 */
    return sorted[rank - 1];
}

static int compare_int32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

void lag_summarize(int32_t *values, size_t count, lag_summary_t *out)
{
    out->count = count;
    if (count == 0) {
        out->min_days = out->median_days = out->p90_days = out->max_days = LAG_DAYS_UNKNOWN;
        return;
    }
    qsort(values, count, sizeof *values, compare_int32);
    out->min_days = values[0];
    out->median_days = lag_percentile(values, count, 50);
    out->p90_days = lag_percentile(values, count, 90);
    out->max_days = values[count - 1];
}

/* The date that ends step k of the chain (0: end of monitoring .. 4: issuance). */
static a6_date_t chain_date(const lag_period_t *p, int k)
{
    const a6_date_t dates[] = {p->end, p->verified_on, p->requested_on, p->notified_on,
                               p->issued_on};
    return dates[k];
}

static int32_t span(a6_date_t from, a6_date_t to)
{
    if (from == A6_DATE_NONE || to == A6_DATE_NONE) return LAG_DAYS_UNKNOWN;
    return a6_date_days_between(from, to);
}

/* Days of each step; an open period's current step runs to as_of. */
static void measure_stages(const lag_period_t *p, a6_date_t as_of, lag_row_t *row)
{
    for (int k = 1; k <= LAG_STAGE_COUNT; k++)
        row->stage_days[k - 1] = span(chain_date(p, k - 1), chain_date(p, k));
    row->to_notification_days = span(p->end, p->notified_on);
    row->waiting_stage = LAG_STAGE_NONE;
    row->waiting_days = LAG_DAYS_UNKNOWN;
    if (p->stage >= PERIOD_ISSUED || p->stage < PERIOD_REPORTED) return;
    /* period stages count from REPORTED = 1, so the step awaited has the stage's number */
    row->waiting_stage = (lag_stage_t)p->stage;
    row->waiting_days = span(chain_date(p, (int)p->stage - 1), as_of);
    row->stage_days[p->stage - 1] = row->waiting_days;
}

/* Total lag, deadline and late flag. */
static void measure_total(const lag_period_t *p, const lag_params_t *params, lag_row_t *row)
{
    a6_date_t to = A6_DATE_NONE;
    row->basis = LAG_BASIS_UNKNOWN;
    if (p->stage != PERIOD_ISSUED) {
        to = params->as_of;
        row->basis = LAG_BASIS_OPEN;
    } else if (p->issued_on != A6_DATE_NONE) {
        to = p->issued_on;
        row->basis = LAG_BASIS_ISSUED;
    } else if (p->notified_on != A6_DATE_NONE) {
        to = p->notified_on;
        row->basis = LAG_BASIS_NOTIFIED;
    }
    row->deadline = A6_DATE_NONE;
    if (p->end != A6_DATE_NONE)
        row->deadline = params->service_level_months
                            ? a6_date_add_months(p->end, params->service_level_months)
                            : p->end + params->service_level_days;
    if (p->end == A6_DATE_NONE || to == A6_DATE_NONE) {
        row->basis = LAG_BASIS_UNKNOWN;
        row->total_days = row->total_months = LAG_DAYS_UNKNOWN;
        row->late = false;
        return;
    }
    row->total_days = a6_date_days_between(p->end, to);
    row->total_months = a6_date_months_between(p->end, to);
    row->late = to > row->deadline;
}

static void measure_row(const lag_period_t *p, const lag_params_t *params, lag_row_t *row)
{
    *row = (lag_row_t){.activity_ref = p->activity_ref,
                       .period_id = p->period_id,
                       .stage = p->stage,
                       .end = p->end};
    measure_stages(p, params->as_of, row);
    measure_total(p, params, row);
    row->stuck_stage =
        row->late && row->waiting_stage != LAG_STAGE_NONE ? row->waiting_stage : LAG_STAGE_NONE;
}

/* Counts, stuck stages and histogram of the rows. */
static void count_rows(lag_result_t *r)
{
    for (size_t i = 0; i < r->row_count; i++) {
        const lag_row_t *row = &r->rows[i];
        if (row->stage != PERIOD_ISSUED) r->open_count++;
        if (row->late) r->late_count++;
        if (row->basis == LAG_BASIS_UNKNOWN) r->unknown_count++;
        if (row->stuck_stage != LAG_STAGE_NONE) {
            r->late_open_count++;
            r->stuck_counts[row->stuck_stage - 1]++;
        }
        if (row->basis == LAG_BASIS_UNKNOWN) continue;
        int32_t bucket = row->total_months / LAG_HISTOGRAM_BUCKET_MONTHS;
        if (bucket < 0) bucket = 0;
        if (bucket >= LAG_HISTOGRAM_BUCKETS) bucket = LAG_HISTOGRAM_BUCKETS - 1;
        r->histogram[bucket]++;
    }
}

/* What a summary collects from a row: LAG_DAYS_UNKNOWN leaves the row out. */
typedef int32_t (*row_value_fn)(const lag_row_t *row, int index);

static int32_t total_value(const lag_row_t *row, int index)
{
    (void)index;
    return row->basis == LAG_BASIS_UNKNOWN ? LAG_DAYS_UNKNOWN : row->total_days;
}

static int32_t completed_value(const lag_row_t *row, int index)
{
    bool done = row->basis == LAG_BASIS_ISSUED || row->basis == LAG_BASIS_NOTIFIED;
    return done ? total_value(row, index) : LAG_DAYS_UNKNOWN;
}

static int32_t notification_value(const lag_row_t *row, int index)
{
    (void)index;
    return row->to_notification_days;
}

static int32_t stage_value(const lag_row_t *row, int index)
{
    return row->waiting_stage == (lag_stage_t)(index + 1) ? LAG_DAYS_UNKNOWN
                                                          : row->stage_days[index];
}

static void summarize_rows(const lag_result_t *r, row_value_fn value, int index, int32_t *scratch,
                           lag_summary_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < r->row_count; i++) {
        int32_t v = value(&r->rows[i], index);
        if (v != LAG_DAYS_UNKNOWN) scratch[n++] = v;
    }
    lag_summarize(scratch, n, out);
}

typedef struct notified_entry {
    a6_date_t on;
    int64_t tco2e;
} notified_entry_t;

static int compare_notified(const void *a, const void *b)
{
    a6_date_t x = ((const notified_entry_t *)a)->on, y = ((const notified_entry_t *)b)->on;
    return (x > y) - (x < y);
}

/* Groups the known notification dates; dates with >= threshold periods become batches. */
static int find_batches(const lag_period_t *periods, size_t count, int32_t threshold,
                        lag_result_t *r)
{
    notified_entry_t *entries = malloc((count ? count : 1) * sizeof *entries);
    r->batches = malloc((count ? count : 1) * sizeof *r->batches);
    if (!entries || !r->batches) {
        free(entries);
        return -1;
    }
    size_t n = 0;
    for (size_t i = 0; i < count; i++)
        if (periods[i].notified_on != A6_DATE_NONE)
            entries[n++] = (notified_entry_t){periods[i].notified_on, periods[i].notified_tco2e};
    qsort(entries, n, sizeof *entries, compare_notified);
    for (size_t start = 0, end; start < n; start = end) {
        lag_batch_t batch = {.notified_on = entries[start].on};
        for (end = start; end < n && entries[end].on == entries[start].on; end++) {
            batch.period_count++;
            batch.notified_tco2e += entries[end].tco2e;
        }
        if (batch.period_count >= (size_t)threshold) r->batches[r->batch_count++] = batch;
    }
    free(entries);
    return 0;
}

a6_check_t lag_analyze(const lag_period_t *periods, size_t count, const lag_params_t *params,
                       lag_result_t *out, const char **field)
{
    memset(out, 0, sizeof *out);
    out->params = *params;
    a6_check_t check = lag_params_check(&out->params, field);
    if (check != A6_OK) return check;
    if (count > LAG_PERIODS_MAX) return *field = "periods", A6_CHECK_ANALYSIS_TOO_LARGE;
    out->rows = malloc((count ? count : 1) * sizeof *out->rows);
    int32_t *scratch = malloc((count ? count : 1) * sizeof *scratch);
    if (!out->rows || !scratch || find_batches(periods, count, out->params.batch_threshold, out)) {
        free(scratch);
        lag_result_release(out);
        return *field = "periods", A6_CHECK_ANALYSIS_TOO_LARGE;
    }
    out->row_count = count;
    for (size_t i = 0; i < count; i++)
        measure_row(&periods[i], &out->params, &out->rows[i]);
    count_rows(out);
    summarize_rows(out, total_value, 0, scratch, &out->total);
    summarize_rows(out, completed_value, 0, scratch, &out->completed);
    summarize_rows(out, notification_value, 0, scratch, &out->to_notification);
    for (int k = 0; k < LAG_STAGE_COUNT; k++)
        summarize_rows(out, stage_value, k, scratch, &out->stages[k]);
    free(scratch);
    return A6_OK;
}

void lag_result_release(lag_result_t *result)
{
    free(result->rows);
    free(result->batches);
    result->rows = NULL;
    result->batches = NULL;
    result->row_count = result->batch_count = 0;
}
