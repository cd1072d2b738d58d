/* api_analytics.c: the analyses of the registry over HTTP (public, read-only): issuance lag,
 * portfolio, finance and scaling. Parameters come from the query string through a lookup so the
 * command line reads them the same way; the JSON builders are shared with `a6reg analyze`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/analysis_query.h"
#include "api.h"

#define PARAM_VALUE_MAX 1000000000000000LL /* longer numbers are out of every range anyway */

/* ---- parameters ---- */

/* Strict decimal integer (optional '-', 1..16 digits); false otherwise. */
static bool parse_integer(const char *text, int64_t *out)
{
    const char *digits = text[0] == '-' ? text + 1 : text;
    size_t length = strlen(digits);
    if (length == 0 || length > 16 || strspn(digits, "0123456789") != length) return false;
    errno = 0;
    *out = strtoll(text, NULL, 10);
    return errno == 0;
}

/* Reads one integer parameter (absent: *out untouched). Fills field and message on failure. */
static a6_check_t read_integer(api_lookup_fn lookup, void *context, const char *name, int64_t *out,
                               const char **field, char *message)
{
    const char *text = lookup(context, name);
    if (!text) return A6_OK;
    if (!parse_integer(text, out)) {
        *field = name;
        snprintf(message, API_PARAM_MESSAGE_SIZE, "%s: '%.40s' is not a whole number", name, text);
        return A6_CHECK_FIELD_TYPE;
    }
    return A6_OK;
}

static const char *lag_range(const char *field)
{
    if (strcmp(field, "service_level_months") == 0)
        return "calendar months from 1 to 240, not with service_level_days";
    if (strcmp(field, "service_level_days") == 0)
        return "days from 1 to 7305, not with service_level_months";
    if (strcmp(field, "batch_threshold") == 0) return "a whole number from 2 to 100000";
    return "a date YYYY-MM-DD";
}

a6_check_t api_lag_params_read(api_lookup_fn lookup, void *context, a6_date_t today,
                               lag_params_t *out, const char **field, char *message)
{
    *out = (lag_params_t){.as_of = today};
    const char *as_of = lookup(context, "as_of");
    if (as_of && a6_date_parse(as_of, &out->as_of) != A6_OK) {
        *field = "as_of";
        snprintf(message, API_PARAM_MESSAGE_SIZE, "as_of: '%.40s' is not a date YYYY-MM-DD", as_of);
        return A6_CHECK_DATE_INVALID;
    }
    static const char *const names[] = {"service_level_months", "service_level_days",
                                        "batch_threshold"};
    int32_t *slots[] = {&out->service_level_months, &out->service_level_days,
                        &out->batch_threshold};
    for (size_t i = 0; i < 3; i++) {
        int64_t value = 0;
        a6_check_t check = read_integer(lookup, context, names[i], &value, field, message);
        if (check != A6_OK) return check;
        bool given = lookup(context, names[i]) != NULL;
        /* 0 means "default" inside the core: a given 0 (or a value beyond int32) is refused */
        if (given && (value <= 0 || value > 1000000)) value = -1;
        *slots[i] = (int32_t)value;
    }
    lag_params_t checked = *out;
    a6_check_t check = lag_params_check(&checked, field);
    if (check != A6_OK)
        snprintf(message, API_PARAM_MESSAGE_SIZE, "%s: expected %s", *field, lag_range(*field));
    return check;
}

a6_check_t api_finance_params_read(api_lookup_fn lookup, void *context, finance_params_t *out,
                                   const char **field, char *message)
{
    finance_params_default(out);
    for (size_t i = 0; i < finance_param_count; i++) {
        const finance_param_info_t *info = &finance_param_table[i];
        int64_t *slot = finance_param_slot(out, info);
        a6_check_t check = read_integer(lookup, context, info->name, slot, field, message);
        if (check != A6_OK) return check;
        if (*slot < info->min || *slot > info->max) {
            *field = info->name;
            snprintf(message, API_PARAM_MESSAGE_SIZE,
                     "%s: expected a whole number from %lld to "
                     "%lld (%s)",
                     info->name, (long long)info->min, (long long)info->max, info->unit);
            return A6_CHECK_PARAMETER_INVALID;
        }
    }
    return A6_OK;
}

/* ---- JSON ---- */

static json_t *date_json(a6_date_t date)
{
    if (date == A6_DATE_NONE) return json_null();
    char text[A6_DATE_TEXT_SIZE];
    a6_date_format(date, text);
    return json_string(text);
}

static json_t *days_json(int32_t days)
{
    return days == LAG_DAYS_UNKNOWN ? json_null() : json_integer(days);
}

static json_t *stage_json(lag_stage_t stage)
{
    return stage == LAG_STAGE_NONE ? json_null() : json_string(lag_stage_name(stage));
}

static json_t *lag_row_json(const lag_row_t *row)
{
    json_t *stages = json_object();
    for (int k = 0; k < LAG_STAGE_COUNT; k++)
        json_object_set_new(stages, lag_stage_name((lag_stage_t)(k + 1)),
                            days_json(row->stage_days[k]));
    return json_pack("{ss sI ss so so so so so so ss sb so so so}", "activity", row->activity_ref,
                     "period", (json_int_t)row->period_id, "stage", period_stage_name(row->stage),
                     "end", date_json(row->end), "deadline", date_json(row->deadline), "stage_days",
                     stages, "days_to_notification", days_json(row->to_notification_days),
                     "total_days", days_json(row->total_days), "total_months",
                     days_json(row->total_months), "basis", lag_basis_name(row->basis), "late",
                     row->late, "waiting_stage", stage_json(row->waiting_stage), "waiting_days",
                     days_json(row->waiting_days), "stuck_stage", stage_json(row->stuck_stage));
}

static json_t *summary_json(const lag_summary_t *s)
{
    return json_pack("{sI so so so so}", "count", (json_int_t)s->count, "min_days",
                     days_json(s->min_days), "median_days", days_json(s->median_days), "p90_days",
                     days_json(s->p90_days), "max_days", days_json(s->max_days));
}

static json_t *lag_distribution_json(const lag_result_t *r)
{
    json_t *stages = json_object();
    for (int k = 0; k < LAG_STAGE_COUNT; k++)
        json_object_set_new(stages, lag_stage_name((lag_stage_t)(k + 1)),
                            summary_json(&r->stages[k]));
    return json_pack("{ss so so so so}", "percentile_method", "nearest-rank", "total",
                     summary_json(&r->total), "completed", summary_json(&r->completed),
                     "to_notification", summary_json(&r->to_notification), "stages", stages);
}

static json_t *lag_histogram_json(const lag_result_t *r)
{
    json_t *buckets = json_array();
    for (int b = 0; b < LAG_HISTOGRAM_BUCKETS; b++) {
        int from = b * LAG_HISTOGRAM_BUCKET_MONTHS;
        json_t *to = b == LAG_HISTOGRAM_BUCKETS - 1
                         ? json_null()
                         : json_integer(from + LAG_HISTOGRAM_BUCKET_MONTHS);
        json_array_append_new(buckets, json_pack("{si so sI}", "from_months", from, "to_months", to,
                                                 "count", (json_int_t)r->histogram[b]));
    }
    return json_pack("{si so}", "bucket_months", LAG_HISTOGRAM_BUCKET_MONTHS, "buckets", buckets);
}

static json_t *lag_summary_counts_json(const lag_result_t *r)
{
    json_t *stuck = json_object();
    for (int k = 0; k < LAG_STAGE_COUNT; k++)
        json_object_set_new(stuck, lag_stage_name((lag_stage_t)(k + 1)),
                            json_integer((json_int_t)r->stuck_counts[k]));
    return json_pack("{sI sI sI sI sI so}", "periods", (json_int_t)r->row_count, "open",
                     (json_int_t)r->open_count, "late", (json_int_t)r->late_count, "stuck",
                     (json_int_t)r->late_open_count, "unknown", (json_int_t)r->unknown_count,
                     "stuck_by_stage", stuck);
}

json_t *api_lag_json(const lag_result_t *r)
{
    json_t *rows = json_array(), *batches = json_array();
    for (size_t i = 0; i < r->row_count; i++)
        json_array_append_new(rows, lag_row_json(&r->rows[i]));
    for (size_t i = 0; i < r->batch_count; i++)
        json_array_append_new(
            batches, json_pack("{so sI sI}", "notified_on", date_json(r->batches[i].notified_on),
                               "periods", (json_int_t)r->batches[i].period_count, "notified_tco2e",
                               (json_int_t)r->batches[i].notified_tco2e));
    const lag_params_t *p = &r->params;
    json_t *level = json_pack(
        "{so so}", "months",
        p->service_level_months ? json_integer(p->service_level_months) : json_null(), "days",
        p->service_level_days ? json_integer(p->service_level_days) : json_null());
    return json_pack("{so so si so so so so so}", "as_of", date_json(p->as_of), "service_level",
                     level, "batch_threshold", (int)p->batch_threshold, "summary",
                     lag_summary_counts_json(r), "distribution", lag_distribution_json(r),
                     "histogram", lag_histogram_json(r), "batches", batches, "periods", rows);
}

static json_t *group_json(const portfolio_group_t *g)
{
    return json_pack("{ss sI sI sI sI sI sI sI}", "name", g->name, "activities",
                     (json_int_t)g->activity_count, "registered", (json_int_t)g->registered_count,
                     "under_validation", (json_int_t)g->under_validation_count, "expected_known",
                     (json_int_t)g->expected_known_count, "expected_annual_tco2e",
                     (json_int_t)g->expected_annual_tco2e, "notified_tco2e",
                     (json_int_t)g->notified_tco2e, "issued_tco2e", (json_int_t)g->issued_tco2e);
}

static json_t *counts_json(const size_t *counts, size_t slots, const char *(*name)(int))
{
    json_t *object = json_object();
    for (size_t i = 1; i < slots; i++)
        json_object_set_new(object, name((int)i), json_integer((json_int_t)counts[i]));
    return object;
}

static const char *state_name(int state)
{
    return activity_state_name((activity_state_t)state);
}

static const char *kind_name(int kind)
{
    return activity_kind_name((activity_kind_t)kind);
}

json_t *api_portfolio_json(const portfolio_result_t *r, const portfolio_activity_t *activities,
                           size_t activity_count)
{
    json_t *technologies = json_array(), *years = json_array(), *sides = json_object();
    for (size_t i = 0; i < r->technology_count; i++)
        json_array_append_new(technologies, group_json(&r->technologies[i]));
    for (size_t i = 0; i < r->year_count; i++)
        json_array_append_new(years, json_pack("{si sI}", "year", r->years[i].year, "registered",
                                               (json_int_t)r->years[i].registered_count));
    for (int s = SIDE_HOST; s <= SIDE_PARTICIPANTS; s++)
        json_object_set_new(sides, allocation_side_name((allocation_side_t)s),
                            json_integer(r->side_tco2e[s]));
    json_object_set_new(sides, "total", json_integer(r->allocated_tco2e));
    json_t *pipeline = group_json(&r->pipeline), *refs = json_array();
    for (size_t i = 0; i < activity_count; i++)
        if (activities[i].state == ACTIVITY_UNDER_VALIDATION)
            json_array_append_new(refs, json_string(activities[i].ref));
    json_object_set_new(pipeline, "refs", refs);
    return json_pack("{so so so so so so so so so}", "all", group_json(&r->all), "registered",
                     group_json(&r->registered), "pipeline", pipeline, "by_state",
                     counts_json(r->state_counts, PORTFOLIO_STATE_SLOTS, state_name), "by_kind",
                     counts_json(r->kind_counts, PORTFOLIO_KIND_SLOTS, kind_name), "technologies",
                     technologies, "credits_by_side", sides, "registrations_per_year", years,
                     "unknown_technology", json_string(PORTFOLIO_UNKNOWN_TECHNOLOGY));
}

static json_t *support_json(const finance_support_t *s)
{
    return json_pack("{sI sI sI sI sI sI sI}", "rank", (json_int_t)s->rank, "rate_bp",
                     (json_int_t)s->rate_bp, "investment", (json_int_t)s->investment, "support",
                     (json_int_t)s->support, "consulting", (json_int_t)s->consulting, "net_benefit",
                     (json_int_t)s->net_benefit, "own_funds", (json_int_t)s->own_funds);
}

static json_t *scenario_json(const finance_scenario_t *s)
{
    char per_tonne[32];
    snprintf(per_tonne, sizeof per_tonne, "%lld.%02lld", (long long)(s->cost_per_tco2e_cents / 100),
             (long long)(s->cost_per_tco2e_cents % 100));
    json_t *costs =
        json_pack("{sI sI sI sI}", "validation", (json_int_t)s->validation_cost, "registration",
                  (json_int_t)s->registration_cost, "inclusion", (json_int_t)s->inclusion_cost,
                  "verification", (json_int_t)s->verification_cost);
    return json_pack("{so sI sI sI sI sI ss sI sI sI sI}", "costs", costs, "transaction_cost",
                     (json_int_t)s->transaction_cost, "days_to_first_issuance",
                     (json_int_t)s->days_to_first_issuance, "days_to_last_site_issuance",
                     (json_int_t)s->days_to_last_site_issuance, "reductions_tco2e",
                     (json_int_t)s->reductions_tco2e, "cost_per_tco2e_cents",
                     (json_int_t)s->cost_per_tco2e_cents, "cost_per_tco2e", per_tonne, "investment",
                     (json_int_t)s->investment, "support", (json_int_t)s->support, "consulting",
                     (json_int_t)s->consulting, "net_benefit", (json_int_t)s->net_benefit);
}

json_t *api_finance_json(const finance_result_t *r)
{
    json_t *params = json_object(), *schedule = json_array();
    for (size_t i = 0; i < finance_param_count; i++)
        json_object_set_new(params, finance_param_table[i].name,
                            json_integer(*finance_param_slot((finance_params_t *)&r->params,
                                                             &finance_param_table[i])));
    for (int i = 0; i < FINANCE_SCHEDULE_RANKS; i++)
        json_array_append_new(schedule, support_json(&r->schedule[i]));
    json_t *units = json_pack("{ss ss ss ss}", "money", "whole currency units", "rates",
                              "basis points", "durations", "days", "cost_per_tco2e_cents",
                              "cents per tCO2e, nearest, halves up");
    return json_pack("{so so so so s{so so} sI sI}", "params", params, "units", units,
                     "support_schedule", schedule, "project", support_json(&r->project),
                     "scenarios", "project_by_project", scenario_json(&r->project_by_project),
                     "poa", scenario_json(&r->poa), "poa_saving", (json_int_t)r->poa_saving,
                     "poa_days_saved", (json_int_t)r->poa_days_saved);
}

/* ---- handlers ---- */

static const char *request_query(void *context, const char *key)
{
    const api_request_t *r = context;
    return r->query ? r->query(r->transport, key) : NULL;
}

void api_analytics_lag(const api_request_t *r, api_response_t *out)
{
    lag_params_t params;
    const char *field = NULL;
    char message[API_PARAM_MESSAGE_SIZE];
    a6_check_t check =
        api_lag_params_read(request_query, (void *)r, api_today(), &params, &field, message);
    if (check != A6_OK) {
        api_error(out, check, field, message);
        return;
    }
    analysis_periods_t periods;
    db_error_t err = {0};
    if (analysis_load_periods(r->reader, &periods, &err) < 0) {
        analysis_periods_release(&periods);
        api_storage_error(out, err.message);
        return;
    }
    lag_result_t result;
    check = lag_analyze(periods.items, periods.count, &params, &result, &field);
    if (check == A6_OK) {
        api_json(out, 200, api_lag_json(&result));
        lag_result_release(&result);
    } else {
        api_error(out, check, field, a6_check_description(check));
    }
    analysis_periods_release(&periods);
}

void api_analytics_portfolio(const api_request_t *r, api_response_t *out)
{
    analysis_portfolio_t input;
    db_error_t err = {0};
    if (analysis_load_portfolio(r->reader, &input, &err) < 0) {
        analysis_portfolio_release(&input);
        api_storage_error(out, err.message);
        return;
    }
    portfolio_result_t *result = malloc(sizeof *result);
    const char *field = NULL;
    a6_check_t check =
        result ? portfolio_analyze(input.activities, input.activity_count, input.allocations,
                                   input.allocation_count, result, &field)
               : A6_CHECK_ANALYSIS_TOO_LARGE;
    if (check == A6_OK)
        api_json(out, 200, api_portfolio_json(result, input.activities, input.activity_count));
    else
        api_error(out, check, field ? field : "activities", a6_check_description(check));
    free(result);
    analysis_portfolio_release(&input);
}

void api_analytics_finance(const api_request_t *r, api_response_t *out)
{
    finance_params_t params;
    finance_result_t result;
    const char *field = NULL;
    char message[API_PARAM_MESSAGE_SIZE];
    a6_check_t check = api_finance_params_read(request_query, (void *)r, &params, &field, message);
    if (check == A6_OK && (check = finance_analyze(&params, &result, &field)) != A6_OK)
        snprintf(message, sizeof message, "%s", a6_check_description(check));
    if (check != A6_OK)
        api_error(out, check, field, message);
    else
        api_json(out, 200, api_finance_json(&result));
}
