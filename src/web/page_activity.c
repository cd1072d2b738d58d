/* page_activity.c: the activities list (search, filters, CSV) and one activity's page: its facts,
 * the timeline of its cycle and monitoring periods as a chart, its periods, issuances and, for a
 * PoA, its component activities. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../core/date.h"
#include "../store/cycle_store.h"
#include "pages.h"
#include "svg.h"
#include "table.h"

#define ACTIVITY_SERVICE_LEVEL_DAYS 365 /* a period waiting longer than this is drawn late */

static const char *field(const json_t *object, const char *key)
{
    return json_string_value(json_object_get(object, key));
}

/* Case-insensitive substring search in ASCII; the query is short and bounded by the server. */
static int contains(const char *text, const char *needle)
{
    if (!needle || !*needle) return 1;
    if (!text) return 0;
    size_t n = strlen(needle);
    for (const char *p = text; *p; p++)
        if (strncasecmp(p, needle, n) == 0) return 1;
    return 0;
}

static int matches_filters(const web_request_t *r, const json_t *activity)
{
    const char *q = web_query(r, "q"), *state = web_query(r, "state");
    const char *technology = web_query(r, "technology"), *kind = web_query(r, "kind");
    if (q && *q && !contains(field(activity, "ref"), q) && !contains(field(activity, "title"), q))
        return 0;
    if (state && *state &&
        strcmp(state, field(activity, "state") ? field(activity, "state") : "") != 0)
        return 0;
    if (kind && *kind && strcmp(kind, field(activity, "kind") ? field(activity, "kind") : "") != 0)
        return 0;
    const char *tech = field(activity, "technology_group");
    return !(technology && *technology && strcmp(technology, tech ? tech : "") != 0);
}

static void activities_table(const web_request_t *r, const json_t *list, web_table_t *t)
{
    web_table_init(t);
    web_table_column(t, N_("Reference"), 0);
    web_table_column(t, N_("Title"), 0);
    web_table_column(t, N_("Kind"), 0);
    web_table_column(t, N_("Status"), 0);
    web_table_column(t, N_("Technology"), 0);
    web_table_column(t, N_("Registered"), 0);
    web_table_column(t, N_("Expected tCO2e/year"), 1);
    web_table_column(t, N_("Issued here (tCO2e)"), 1);
    size_t i;
    json_t *a;
    json_array_foreach(list, i, a)
    {
        if (!matches_filters(r, a)) continue;
        char href[96];
        snprintf(href, sizeof href, "/activities/%s", field(a, "ref"));
        web_table_row(t);
        web_cell_link(t, field(a, "ref"), href);
        web_cell_text(t, field(a, "title"));
        web_cell_text(t, T(r, field(a, "kind")));
        web_cell_text(t, T(r, field(a, "state")));
        web_cell_text(t, field(a, "technology_group"));
        web_cell_json(t, json_object_get(a, "registered_on"));
        web_cell_json(t, json_object_get(a, "expected_annual_tco2e"));
        web_cell_json(t, json_object_get(a, "issued_here_tco2e"));
    }
}

/* A <select> of the distinct values of key in list (the current one selected). */
static void filter_select(const web_request_t *r, html_t *h, const json_t *list, const char *key,
                          const char *name, const char *label)
{
    const char *current = web_query(r, name);
    json_t *seen = json_object();
    html_raw(h, "<label>");
    html_text(h, T(r, label));
    html_rawf(h, "<select name=\"%s\"><option value=\"\">", name);
    html_text(h, T(r, "All"));
    html_raw(h, "</option>");
    size_t i;
    json_t *a;
    json_array_foreach(list, i, a)
    {
        const char *value = field(a, key);
        if (!value || json_object_get(seen, value)) continue;
        json_object_set_new(seen, value, json_true());
        html_raw(h, "<option value=\"");
        html_text(h, value);
        html_raw(h, current && strcmp(current, value) == 0 ? "\" selected>" : "\">");
        html_text(h, T(r, value));
        html_raw(h, "</option>");
    }
    json_decref(seen);
    html_raw(h, "</select></label>");
}

static void filters_form(const web_request_t *r, html_t *h, const json_t *list)
{
    const char *q = web_query(r, "q");
    html_raw(h, "<form class=\"filters\" method=\"get\" action=\"/activities\" role=\"search\">"
                "<label>");
    html_text(h, T(r, "Search"));
    html_raw(h, "<input type=\"search\" name=\"q\" value=\"");
    html_text(h, q ? q : "");
    html_raw(h, "\" placeholder=\"VN001, solar\u2026\"></label>");
    filter_select(r, h, list, "state", "state", N_("Status"));
    filter_select(r, h, list, "technology_group", "technology", N_("Technology"));
    filter_select(r, h, list, "kind", "kind", N_("Kind"));
    html_raw(h, "<button class=\"primary\">");
    html_text(h, T(r, "Filter"));
    html_raw(h, "</button></form>");
}

void page_activities(web_request_t *r, web_page_t *page)
{
    db_error_t err = {0};
    json_t *list = cycle_query_activities(r->reader, NULL, NULL, &err);
    if (!list) {
        layout_error(r, page, 503, N_("The registry could not be read. Please try again."));
        return;
    }
    web_table_t t;
    activities_table(r, list, &t);
    if (strstr(r->path, ".csv")) {
        web_table_csv(page, &t, "activities.csv");
    } else {
        layout_begin(r, page, T(r, "Activities"));
        filters_form(r, &page->body, list);
        html_rawf(&page->body, "<p class=\"muted\">%zu ", json_array_size(t.rows));
        html_text(&page->body, T(r, "activities match."));
        html_raw(&page->body, "</p>");
        web_table_csv_link(r, &page->body, "/activities.csv");
        web_table_html(r, &page->body, &t, T(r, "Activities"));
        layout_end(r, page);
    }
    web_table_release(&t);
    json_decref(list);
}

static void fact_list(const web_request_t *r, html_t *h, const char *label, const json_t *names)
{
    html_raw(h, "<dt>");
    html_text(h, T(r, label));
    html_raw(h, "</dt><dd>");
    size_t i;
    json_t *name;
    json_array_foreach(names, i, name)
    {
        if (i) html_raw(h, "; ");
        html_text(h, json_is_object(name) ? field(name, "code") : json_string_value(name));
        if (json_is_object(name) && field(name, "version") && *field(name, "version")) {
            html_raw(h, " ");
            html_text(h, field(name, "version"));
        }
    }
    if (json_array_size(names) == 0) html_raw(h, "\u2014");
    html_raw(h, "</dd>");
}

static void activity_facts(const web_request_t *r, html_t *h, const json_t *a)
{
    html_raw(h, "<dl class=\"facts\">");
    layout_fact(r, h, N_("Title"), json_object_get(a, "title"));
    json_t *kind = json_string(T(r, field(a, "kind"))),
           *state = json_string(T(r, field(a, "state")));
    layout_fact(r, h, N_("Kind"), kind);
    layout_fact(r, h, N_("Status"), state);
    json_decref(kind);
    json_decref(state);
    layout_fact(r, h, N_("Host Party"), json_object_get(a, "host_party"));
    layout_fact(r, h, N_("Partner Party"), json_object_get(a, "partner_party"));
    layout_fact(r, h, N_("Technology"), json_object_get(a, "technology_group"));
    layout_fact(r, h, N_("Location"), json_object_get(a, "location"));
    layout_fact(r, h, N_("Expected tCO2e/year"), json_object_get(a, "expected_annual_tco2e"));
    layout_fact(r, h, N_("Source of the estimate"), json_object_get(a, "expected_source"));
    layout_fact(r, h, N_("Registered"), json_object_get(a, "registered_on"));
    fact_list(r, h, N_("Methodologies"), json_object_get(a, "methodologies"));
    fact_list(r, h, N_("Host participants"), json_object_get(a, "host_participants"));
    fact_list(r, h, N_("Partner participants"), json_object_get(a, "partner_participants"));
    const char *parent = field(a, "parent");
    if (parent) {
        html_raw(h, "<dt>");
        html_text(h, T(r, "Programme (PoA)"));
        html_raw(h, "</dt><dd><a href=\"/activities/");
        html_text(h, parent);
        html_raw(h, "\">");
        html_text(h, parent);
        html_raw(h, "</a></dd>");
    }
    html_raw(h, "</dl>");
}

static a6_date_t date_of(const json_t *object, const char *key)
{
    a6_date_t date;
    const char *text = field(object, key);
    return text && a6_date_parse(text, &date) == A6_OK ? date : A6_DATE_NONE;
}

/* A step's short label: the state it led to ("register (registered)" -> "registered"),
 * translated, with underscores as spaces. */
static void step_label(const web_request_t *r, const char *step, char *out, size_t size)
{
    const char *open = step ? strchr(step, '(') : NULL;
    char state[64];
    if (open && strchr(open, ')'))
        snprintf(state, sizeof state, "%.*s", (int)(strchr(open, ')') - open - 1), open + 1);
    else
        snprintf(state, sizeof state, "%s", step ? step : "");
    snprintf(out, size, "%s", T(r, state));
    for (char *p = out; *p; p++)
        if (*p == '_') *p = ' ';
}

/* Spans of the cycle (step to next step) and of each monitoring period (the monitoring itself,
 * then the wait from its end to issuance or notification). Labels live in labels[]. */
static size_t timeline_spans(const web_request_t *r, const json_t *timeline, svg_span_t *spans,
                             char labels[][64], size_t max, a6_date_t today)
{
    size_t n = 0;
    const json_t *steps = json_object_get(timeline, "steps");
    for (size_t i = 0; i + 1 < json_array_size(steps) && n < max; i++) {
        const json_t *step = json_array_get(steps, i), *next = json_array_get(steps, i + 1);
        step_label(r, field(next, "step"), labels[n], 64);
        spans[n] = (svg_span_t){labels[n], date_of(step, "date"), date_of(next, "date"), 0};
        n++;
    }
    size_t index;
    json_t *period;
    json_array_foreach(json_object_get(timeline, "periods"), index, period)
    {
        if (n + 2 > max) break;
        a6_date_t start = date_of(period, "start"), end = date_of(period, "end");
        snprintf(labels[n], 64, "%s %zu", T(r, "Monitoring"), index + 1);
        spans[n] = (svg_span_t){labels[n], start, end, 0};
        n++;
        if (end == A6_DATE_NONE) continue;
        a6_date_t done = A6_DATE_NONE;
        const json_t *steps_p = json_object_get(period, "steps");
        for (size_t s = 0; s < json_array_size(steps_p); s++) {
            const json_t *step = json_array_get(steps_p, s);
            const char *name = field(step, "step");
            if (name && (strcmp(name, "notified") == 0 || strcmp(name, "issued") == 0) &&
                date_of(step, "date") != A6_DATE_NONE)
                done = date_of(step, "date");
        }
        a6_date_t until = done == A6_DATE_NONE ? today : done;
        snprintf(labels[n], 64, "%s %zu", T(r, "Wait for credits"), index + 1);
        spans[n] = (svg_span_t){labels[n], end, done,
                                a6_date_days_between(end, until) > ACTIVITY_SERVICE_LEVEL_DAYS};
        n++;
    }
    return n;
}

static void activity_timeline(const web_request_t *r, html_t *h, const char *ref)
{
    db_error_t err = {0};
    a6_date_t today = (a6_date_t)api_today();
    json_t *timeline = cycle_query_timeline(r->reader, ref, today, &err);
    if (!timeline) return;
    svg_span_t spans[40];
    char labels[40][64];
    size_t count = timeline_spans(r, timeline, spans, labels, 40, today);
    html_raw(h, "<h2>");
    html_text(h, T(r, "Timeline"));
    html_raw(h, "</h2>");
    if (count)
        svg_timeline(h, "timeline",
                     T(r, "Cycle and monitoring periods (red: waiting for credits "
                          "longer than 12 months)"),
                     spans, count, today);
    else {
        html_raw(h, "<p class=\"empty\">");
        html_text(h, T(r, "No dated steps yet."));
        html_raw(h, "</p>");
    }
    json_decref(timeline);
}

static void periods_table(const web_request_t *r, html_t *h, const json_t *a)
{
    web_table_t t;
    web_table_init(&t);
    web_table_column(&t, N_("Monitoring start"), 0);
    web_table_column(&t, N_("Monitoring end"), 0);
    web_table_column(&t, N_("Stage"), 0);
    web_table_column(&t, N_("Verified (tCO2e)"), 1);
    web_table_column(&t, N_("Verified on"), 0);
    web_table_column(&t, N_("Notified (tCO2e)"), 1);
    web_table_column(&t, N_("Notified on"), 0);
    web_table_column(&t, N_("Issued on"), 0);
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(a, "periods"), i, p)
    {
        web_table_row(&t);
        web_cell_json(&t, json_object_get(p, "start"));
        web_cell_json(&t, json_object_get(p, "end"));
        web_cell_text(&t, T(r, field(p, "stage") ? field(p, "stage") : "unknown"));
        web_cell_json(&t, json_object_get(p, "verified_tco2e"));
        web_cell_json(&t, json_object_get(p, "verified_on"));
        web_cell_json(&t, json_object_get(p, "notified_tco2e"));
        web_cell_json(&t, json_object_get(p, "notified_on"));
        web_cell_json(&t, json_object_get(p, "issued_on"));
    }
    html_raw(h, "<h2>");
    html_text(h, T(r, "Monitoring periods"));
    html_raw(h, "</h2>");
    web_table_html(r, h, &t, T(r, "Monitoring periods"));
    web_table_release(&t);
}

static void allocations_table(const web_request_t *r, html_t *h, const json_t *a)
{
    web_table_t t;
    web_table_init(&t);
    web_table_column(&t, N_("Monitoring end"), 0);
    web_table_column(&t, N_("Side"), 0);
    web_table_column(&t, N_("Holder"), 0);
    web_table_column(&t, N_("Quantity (tCO2e)"), 1);
    web_table_column(&t, N_("Status"), 0);
    size_t i, j;
    json_t *p, *allocation;
    json_array_foreach(json_object_get(a, "periods"), i, p)
    {
        json_array_foreach(json_object_get(p, "allocations"), j, allocation)
        {
            web_table_row(&t);
            web_cell_json(&t, json_object_get(p, "end"));
            web_cell_text(&t, T(r, field(allocation, "side") ? field(allocation, "side") : ""));
            web_cell_json(&t, json_object_get(allocation, "holder"));
            web_cell_json(&t, json_object_get(allocation, "quantity"));
            web_cell_text(&t, T(r, field(allocation, "status") ? field(allocation, "status") : ""));
        }
    }
    html_raw(h, "<h2>");
    html_text(h, T(r, "Credits notified and issued"));
    html_raw(h, "</h2>");
    web_table_html(r, h, &t, T(r, "Credits notified and issued"));
    web_table_release(&t);
}

static void components_table(const web_request_t *r, html_t *h, const json_t *a)
{
    const json_t *components = json_object_get(a, "components");
    if (strcmp(field(a, "kind") ? field(a, "kind") : "", "poa") != 0) return;
    web_table_t t;
    web_table_init(&t);
    web_table_column(&t, N_("Reference"), 0);
    web_table_column(&t, N_("Title"), 0);
    web_table_column(&t, N_("Status"), 0);
    size_t i;
    json_t *c;
    json_array_foreach(components, i, c)
    {
        char href[96];
        snprintf(href, sizeof href, "/activities/%s", field(c, "ref") ? field(c, "ref") : "");
        web_table_row(&t);
        web_cell_link(&t, field(c, "ref"), href);
        web_cell_json(&t, json_object_get(c, "title"));
        web_cell_text(&t, T(r, field(c, "state") ? field(c, "state") : ""));
    }
    html_raw(h, "<h2>");
    html_text(h, T(r, "Component activities (CPAs)"));
    html_raw(h, "</h2>");
    web_table_html(r, h, &t, T(r, "Component activities (CPAs)"));
    web_table_release(&t);
}

void page_activity(web_request_t *r, web_page_t *page)
{
    db_error_t err = {0};
    json_t *a = cycle_query_activity(r->reader, r->params[0], &err);
    if (!a) {
        layout_error(r, page, err.code ? 503 : 404,
                     err.code ? N_("The registry could not be read. Please try again.")
                              : N_("There is no activity with this reference."));
        return;
    }
    char title[160];
    snprintf(title, sizeof title, "%s", field(a, "ref"));
    layout_begin(r, page, title);
    html_t *h = &page->body;
    activity_facts(r, h, a);
    activity_timeline(r, h, field(a, "ref"));
    components_table(r, h, a);
    periods_table(r, h, a);
    allocations_table(r, h, a);
    layout_end(r, page);
    json_decref(a);
}
