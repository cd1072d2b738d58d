/* page_analysis.c: the analysis the JCM lacks, as pages: issuance delays (distribution, the late
 * list, batch notifications), finance and scaling (support by replication, a PoA against project
 * by project), and the portfolio charts of the dashboard. Figures come from the core's analyses
 * (lag.c, portfolio.c, finance.c) through the same parameter readers as the API and the CLI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/finance.h"
#include "../core/lag.h"
#include "../core/portfolio.h"
#include "../store/analysis_query.h"
#include "pages.h"
#include "svg.h"
#include "table.h"

static const char *lookup_query(void *context, const char *key)
{
    return web_query(context, key);
}

static void heading(const web_request_t *r, html_t *h, const char *text)
{
    html_raw(h, "<h2>");
    html_text(h, T(r, text));
    html_raw(h, "</h2>");
}

static void figure_card(const web_request_t *r, html_t *h, int64_t value, const char *label)
{
    html_raw(h, "<div class=\"card\"><b>");
    if (value == LAG_DAYS_UNKNOWN)
        html_raw(h, "\u2014");
    else
        html_int(h, value);
    html_raw(h, "</b><span>");
    html_text(h, T(r, label));
    html_raw(h, "</span></div>");
}

/* The histogram of total lags in months (buckets of LAG_HISTOGRAM_BUCKET_MONTHS). */
static void lag_histogram(const web_request_t *r, html_t *h, const lag_result_t *result)
{
    char labels_text[LAG_HISTOGRAM_BUCKETS][16];
    const char *labels[LAG_HISTOGRAM_BUCKETS];
    int64_t counts[LAG_HISTOGRAM_BUCKETS];
    for (size_t i = 0; i < LAG_HISTOGRAM_BUCKETS; i++) {
        int from = (int)i * LAG_HISTOGRAM_BUCKET_MONTHS;
        if (i + 1 < LAG_HISTOGRAM_BUCKETS)
            snprintf(labels_text[i], sizeof labels_text[i], "%d\u2013%d", from,
                     from + LAG_HISTOGRAM_BUCKET_MONTHS);
        else
            snprintf(labels_text[i], sizeof labels_text[i], "%d+", from);
        labels[i] = labels_text[i];
        counts[i] = (int64_t)result->histogram[i];
    }
    svg_chart_t chart = {
        .id = "lag-histogram",
        .title = T(r, "Time from the end of monitoring to credits, monitoring periods by months"),
        .x_label = T(r, "Months from the end of monitoring"),
        .y_label = T(r, "Monitoring periods"),
        .count = LAG_HISTOGRAM_BUCKETS,
        .labels = labels,
        .series_count = 1,
        .series = {{T(r, "Monitoring periods"), counts}}};
    svg_histogram(h, &chart);
}

/* Median days in each step of the cycle (completed steps only). */
static void stage_chart(const web_request_t *r, html_t *h, const lag_result_t *result)
{
    const char *labels[LAG_STAGE_COUNT];
    int64_t medians[LAG_STAGE_COUNT], maxima[LAG_STAGE_COUNT];
    size_t known = 0;
    for (size_t i = 0; i < LAG_STAGE_COUNT; i++) {
        labels[i] = T(r, lag_stage_name((lag_stage_t)(i + 1)));
        const lag_summary_t *s = &result->stages[i];
        medians[i] = s->count ? s->median_days : 0;
        maxima[i] = s->count ? s->max_days : 0;
        known += s->count;
    }
    if (!known) return;
    svg_chart_t chart = {.id = "lag-stages",
                         .title = T(r, "Days spent in each step of the cycle"),
                         .x_label = T(r, "Step"),
                         .y_label = T(r, "days"),
                         .count = LAG_STAGE_COUNT,
                         .labels = labels,
                         .series_count = 2,
                         .series = {{T(r, "median"), medians}, {T(r, "longest"), maxima}}};
    svg_bar_chart(h, &chart);
}

static void cell_days(web_table_t *t, int32_t days)
{
    if (days == LAG_DAYS_UNKNOWN)
        web_cell_text(t, NULL);
    else
        web_cell_int(t, days);
}

static void cell_date(web_table_t *t, a6_date_t date)
{
    char text[A6_DATE_TEXT_SIZE];
    a6_date_format(date, text);
    web_cell_text(t, text[0] ? text : NULL);
}

/* Every period, the late ones first (they are the list people come for). */
static void lag_table(const web_request_t *r, const lag_result_t *result, web_table_t *t)
{
    web_table_init(t);
    web_table_column(t, N_("Activity"), 0);
    web_table_column(t, N_("Monitoring end"), 0);
    web_table_column(t, N_("Deadline"), 0);
    web_table_column(t, N_("Days to notification"), 1);
    web_table_column(t, N_("Total days"), 1);
    web_table_column(t, N_("Months"), 1);
    web_table_column(t, N_("Measured to"), 0);
    web_table_column(t, N_("Late"), 0);
    web_table_column(t, N_("Waiting for"), 0);
    web_table_column(t, N_("Days waiting"), 1);
    for (int late = 1; late >= 0; late--) {
        for (size_t i = 0; i < result->row_count; i++) {
            const lag_row_t *row = &result->rows[i];
            if ((int)row->late != late) continue;
            char href[96];
            snprintf(href, sizeof href, "/activities/%s", row->activity_ref);
            web_table_row(t);
            web_cell_link(t, row->activity_ref, href);
            cell_date(t, row->end);
            cell_date(t, row->deadline);
            cell_days(t, row->to_notification_days);
            cell_days(t, row->total_days);
            cell_days(t, row->total_months);
            web_cell_text(t, T(r, lag_basis_name(row->basis)));
            web_cell_text(t, row->late ? T(r, "late") : "");
            web_cell_text(t, row->waiting_stage == LAG_STAGE_NONE
                                 ? NULL
                                 : T(r, lag_stage_name(row->waiting_stage)));
            cell_days(t,
                      row->waiting_stage == LAG_STAGE_NONE ? LAG_DAYS_UNKNOWN : row->waiting_days);
        }
    }
}

static void batches_list(const web_request_t *r, html_t *h, const lag_result_t *result)
{
    heading(r, h, N_("Batch notifications"));
    if (result->batch_count == 0) {
        html_raw(h, "<p class=\"empty\">");
        html_text(h, T(r, "No date with this many notifications."));
        html_raw(h, "</p>");
        return;
    }
    html_raw(h, "<ul>");
    for (size_t i = 0; i < result->batch_count; i++) {
        char date[A6_DATE_TEXT_SIZE];
        a6_date_format(result->batches[i].notified_on, date);
        html_rawf(h, "<li>%s: %zu ", date, result->batches[i].period_count);
        html_text(h, T(r, "periods notified together"));
        html_raw(h, ", ");
        html_int(h, result->batches[i].notified_tco2e);
        html_raw(h, " tCO2e</li>");
    }
    html_raw(h, "</ul>");
}

static void lag_form(const web_request_t *r, html_t *h, const lag_result_t *result)
{
    html_raw(h, "<form class=\"filters\" method=\"get\" action=\"/delays\"><label>");
    html_text(h, T(r, "Service level (months after the end of monitoring)"));
    html_rawf(
        h,
        "<input name=\"service_level_months\" inputmode=\"numeric\" value=\"%d\">"
        "</label><label>",
        (int)(result->params.service_level_months ? result->params.service_level_months : 12));
    html_text(h, T(r, "Batch: periods notified on one date"));
    html_rawf(h, "<input name=\"batch_threshold\" inputmode=\"numeric\" value=\"%d\"></label>",
              (int)result->params.batch_threshold);
    html_raw(h, "<button class=\"primary\">");
    html_text(h, T(r, "Apply"));
    html_raw(h, "</button></form>");
}

static void lag_cards(const web_request_t *r, html_t *h, const lag_result_t *result)
{
    html_raw(h, "<div class=\"cards\">");
    figure_card(r, h, (int64_t)result->row_count, N_("monitoring periods"));
    figure_card(r, h, (int64_t)result->late_count, N_("late (past the service level)"));
    figure_card(r, h, (int64_t)result->late_open_count, N_("stuck: late and still waiting"));
    figure_card(r, h, result->to_notification.median_days,
                N_("median days from end of monitoring to notification"));
    figure_card(r, h, result->total.p90_days, N_("90th percentile of days to credits"));
    figure_card(r, h, result->total.max_days, N_("longest wait in days"));
    html_raw(h, "</div>");
}

/* Loads the periods and runs the analysis with the page's parameters; 0 after answering an
 * error page. */
static int run_lag(web_request_t *r, web_page_t *page, analysis_periods_t *periods,
                   lag_result_t *result)
{
    lag_params_t params;
    const char *field = NULL;
    char message[API_PARAM_MESSAGE_SIZE] = "";
    a6_check_t check =
        api_lag_params_read(lookup_query, r, (a6_date_t)api_today(), &params, &field, message);
    if (check != A6_OK) {
        snprintf(r->error, sizeof r->error, "%s: %s", field ? field : "", message);
        layout_error(r, page, 400, r->error);
        return 0;
    }
    db_error_t err = {0};
    memset(periods, 0, sizeof *periods);
    if (analysis_load_periods(r->reader, periods, &err) < 0) {
        analysis_periods_release(periods);
        layout_error(r, page, 503, N_("The registry could not be read. Please try again."));
        return 0;
    }
    check = lag_analyze(periods->items, periods->count, &params, result, &field);
    if (check != A6_OK) {
        analysis_periods_release(periods);
        layout_error(r, page, 422, N_("The analysis could not run on this data."));
        return 0;
    }
    return 1;
}

void page_delays(web_request_t *r, web_page_t *page)
{
    analysis_periods_t periods;
    lag_result_t result;
    if (!run_lag(r, page, &periods, &result)) return;
    web_table_t t;
    lag_table(r, &result, &t);
    if (strstr(r->path, ".csv")) {
        web_table_csv(page, &t, "issuance-delays.csv");
    } else {
        layout_begin(r, page, T(r, "Issuance delays"));
        html_t *h = &page->body;
        html_raw(h, "<p>");
        html_text(h, T(r, "How long credits take, for every monitoring period: from the end of "
                          "monitoring to verification, request, notification and issuance. A "
                          "period is late when its credits came (or are still awaited) after the "
                          "service level."));
        html_raw(h, "</p>");
        lag_form(r, h, &result);
        lag_cards(r, h, &result);
        html_raw(h, "<div class=\"charts\">");
        lag_histogram(r, h, &result);
        stage_chart(r, h, &result);
        html_raw(h, "</div>");
        batches_list(r, h, &result);
        heading(r, h, N_("Monitoring periods, late first"));
        web_table_csv_link(r, h, "/delays.csv");
        web_table_html(r, h, &t, T(r, "Monitoring periods, late first"));
        layout_end(r, page);
    }
    web_table_release(&t);
    lag_result_release(&result);
    analysis_periods_release(&periods);
}

/* The parameters as one GET form (every one editable, the current values filled in). */
static void finance_form(const web_request_t *r, html_t *h, const finance_params_t *params)
{
    html_raw(h, "<form class=\"filters\" method=\"get\" action=\"/finance\">");
    for (size_t i = 0; i < finance_param_count; i++) {
        const finance_param_info_t *info = &finance_param_table[i];
        finance_params_t copy = *params;
        html_raw(h, "<label>");
        html_text(h, T(r, info->description));
        html_raw(h, " (");
        html_text(h, T(r, info->unit));
        html_rawf(h, ")<input name=\"%s\" inputmode=\"numeric\" value=\"%lld\"></label>",
                  info->name, (long long)*finance_param_slot(&copy, info));
    }
    html_raw(h, "<button class=\"primary\">");
    html_text(h, T(r, "Compare"));
    html_raw(h, "</button></form>");
}

static void support_table(const web_request_t *r, html_t *h, const finance_result_t *result)
{
    web_table_t t;
    web_table_init(&t);
    web_table_column(&t, N_("Project of the technology"), 1);
    web_table_column(&t, N_("Support rate (%)"), 1);
    web_table_column(&t, N_("Support"), 1);
    web_table_column(&t, N_("Consulting"), 1);
    web_table_column(&t, N_("Net benefit"), 1);
    web_table_column(&t, N_("Own funds"), 1);
    for (size_t i = 0; i < FINANCE_SCHEDULE_RANKS; i++) {
        const finance_support_t *s = &result->schedule[i];
        web_table_row(&t);
        web_cell_int(&t, s->rank);
        web_cell_int(&t, s->rate_bp / 100);
        web_cell_int(&t, s->support);
        web_cell_int(&t, s->consulting);
        web_cell_int(&t, s->net_benefit);
        web_cell_int(&t, s->own_funds);
    }
    web_table_html(r, h, &t,
                   T(r, "Support for one site by its rank among projects of its technology"));
    web_table_release(&t);
}

static void cost_per_tonne(char *out, size_t size, int64_t cents)
{
    snprintf(out, size, "%lld.%02lld", (long long)(cents / 100), (long long)(cents % 100));
}

static void scenario_table(const web_request_t *r, html_t *h, const finance_result_t *result)
{
    const finance_scenario_t *s[2] = {&result->project_by_project, &result->poa};
    web_table_t t;
    web_table_init(&t);
    web_table_column(&t, N_("Figure"), 0);
    web_table_column(&t, N_("Project by project"), 1);
    web_table_column(&t, N_("One PoA"), 1);
    static const char *const labels[] = {N_("Transaction cost"), N_("Days to first issuance"),
                                         N_("Days until the last site is issued"),
                                         N_("Reductions over the crediting period (tCO2e)"),
                                         N_("Net support to participants")};
    for (size_t row = 0; row < 5; row++) {
        web_table_row(&t);
        web_cell_text(&t, T(r, labels[row]));
        for (size_t k = 0; k < 2; k++) {
            const int64_t values[] = {s[k]->transaction_cost, s[k]->days_to_first_issuance,
                                      s[k]->days_to_last_site_issuance, s[k]->reductions_tco2e,
                                      s[k]->net_benefit};
            web_cell_int(&t, values[row]);
        }
    }
    web_table_row(&t);
    web_cell_text(&t, T(r, "Transaction cost per tCO2e"));
    for (size_t k = 0; k < 2; k++) {
        char text[32];
        cost_per_tonne(text, sizeof text, s[k]->cost_per_tco2e_cents);
        web_cell_text(&t, text);
    }
    web_table_html(r, h, &t, T(r, "N sites: project by project or one PoA"));
    web_table_release(&t);
}

static void scenario_chart(const web_request_t *r, html_t *h, const finance_result_t *result)
{
    const char *labels[] = {T(r, "Project by project"), T(r, "One PoA")};
    int64_t costs[] = {result->project_by_project.transaction_cost, result->poa.transaction_cost};
    svg_chart_t chart = {.id = "finance-cost",
                         .title = T(r, "Transaction cost of N sites"),
                         .x_label = T(r, "Scenario"),
                         .y_label = T(r, "currency units"),
                         .count = 2,
                         .labels = labels,
                         .series_count = 1,
                         .series = {{T(r, "Transaction cost"), costs}}};
    svg_bar_chart(h, &chart);
    int64_t days[] = {result->project_by_project.days_to_last_site_issuance,
                      result->poa.days_to_last_site_issuance};
    svg_chart_t time = {.id = "finance-days",
                        .title = T(r, "Days until the last site is issued"),
                        .x_label = T(r, "Scenario"),
                        .y_label = T(r, "days"),
                        .count = 2,
                        .labels = labels,
                        .series_count = 1,
                        .series = {{T(r, "days"), days}}};
    svg_bar_chart(h, &time);
}

void page_finance(web_request_t *r, web_page_t *page)
{
    finance_params_t params;
    const char *field = NULL;
    char message[API_PARAM_MESSAGE_SIZE] = "";
    finance_result_t result;
    a6_check_t check = api_finance_params_read(lookup_query, r, &params, &field, message);
    if (check == A6_OK) check = finance_analyze(&params, &result, &field);
    if (check != A6_OK) {
        snprintf(r->error, sizeof r->error, "%s: %s", field ? field : "",
                 message[0] ? message : T(r, "out of range"));
        finance_params_default(&params);
        check = finance_analyze(&params, &result, &field);
        page->status = 400;
    }
    if (check != A6_OK) {
        layout_error(r, page, 500, N_("The analysis could not run on this data."));
        return;
    }
    layout_begin(r, page, T(r, "Finance and scaling"));
    html_t *h = &page->body;
    html_raw(h, "<p>");
    html_text(h, T(r, "JCM financing support falls with replication (by default 50% of the "
                      "investment for the first project of a technology, 40% for the second and "
                      "third, 30% from the fourth; consulting about 10% of the support). A "
                      "Programme of Activities validates and registers once for many sites. "
                      "Every figure below is a parameter: change them and compare."));
    html_raw(h, "</p>");
    finance_form(r, h, &result.params);
    heading(r, h, N_("Support by replication"));
    support_table(r, h, &result);
    heading(r, h, N_("Project by project or one PoA"));
    html_raw(h, "<div class=\"charts\">");
    scenario_chart(r, h, &result);
    html_raw(h, "</div>");
    scenario_table(r, h, &result);
    layout_end(r, page);
}

static void technology_chart(const web_request_t *r, html_t *h, const portfolio_result_t *p)
{
    const char *labels[PORTFOLIO_TECHNOLOGIES_MAX];
    int64_t registered[PORTFOLIO_TECHNOLOGIES_MAX], pipeline[PORTFOLIO_TECHNOLOGIES_MAX];
    size_t count = 0;
    for (size_t i = 0; i < p->technology_count && i < SVG_POINTS_MAX; i++, count++) {
        labels[i] = p->technologies[i].name;
        registered[i] = (int64_t)p->technologies[i].registered_count;
        pipeline[i] = (int64_t)p->technologies[i].under_validation_count;
    }
    svg_chart_t chart = {
        .id = "technologies",
        .title = T(r, "Activities by technology"),
        .x_label = T(r, "Technology"),
        .y_label = T(r, "activities"),
        .count = count,
        .labels = labels,
        .series_count = 2,
        .series = {{T(r, "registered"), registered}, {T(r, "under validation"), pipeline}}};
    svg_bar_chart(h, &chart);
}

static void registrations_chart(const web_request_t *r, html_t *h, const portfolio_result_t *p)
{
    char text[SVG_POINTS_MAX][8];
    const char *labels[SVG_POINTS_MAX];
    int64_t counts[SVG_POINTS_MAX];
    size_t count = 0;
    for (size_t i = 0; i < p->year_count && i < SVG_POINTS_MAX; i++, count++) {
        snprintf(text[i], sizeof text[i], "%d", p->years[i].year);
        labels[i] = text[i];
        counts[i] = (int64_t)p->years[i].registered_count;
    }
    svg_chart_t chart = {.id = "registrations",
                         .title = T(r, "Registrations per year"),
                         .x_label = T(r, "Year"),
                         .y_label = T(r, "activities"),
                         .count = count,
                         .labels = labels,
                         .series_count = 1,
                         .series = {{T(r, "registered"), counts}}};
    svg_bar_chart(h, &chart);
}

void dashboard_charts(web_request_t *r, html_t *h)
{
    analysis_portfolio_t portfolio = {0};
    db_error_t err = {0};
    portfolio_result_t *result = malloc(sizeof *result); /* ~9 KB: not on the stack */
    const char *field = NULL;
    if (result && analysis_load_portfolio(r->reader, &portfolio, &err) == 0 &&
        portfolio_analyze(portfolio.activities, portfolio.activity_count, portfolio.allocations,
                          portfolio.allocation_count, result, &field) == A6_OK) {
        technology_chart(r, h, result);
        registrations_chart(r, h, result);
    }
    analysis_portfolio_release(&portfolio);
    free(result);
    analysis_periods_t periods = {0};
    lag_params_t params = {.as_of = (a6_date_t)api_today()};
    lag_result_t lag;
    if (analysis_load_periods(r->reader, &periods, &err) == 0 &&
        lag_params_check(&params, &field) == A6_OK &&
        lag_analyze(periods.items, periods.count, &params, &lag, &field) == A6_OK) {
        if (lag.row_count) lag_histogram(r, h, &lag);
        lag_result_release(&lag);
    }
    analysis_periods_release(&periods);
}
