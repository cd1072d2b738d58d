/* page_public.c: the public pages about units and accounting: credits by vintage, the NDC
 * emissions balance, AEF report downloads and the latest signed audit checkpoint. */
#include <stdio.h>
#include <string.h>

#include "../store/ndc_store.h"
#include "../store/public_query.h"
#include "pages.h"
#include "svg.h"
#include "table.h"

/* Units by vintage as a table (credits page, CSV) and a grouped bar chart. */
static void credits_table(const json_t *rows, web_table_t *t)
{
    web_table_init(t);
    web_table_column(t, N_("Vintage"), 0);
    web_table_column(t, N_("Unit type"), 0);
    web_table_column(t, N_("Held (tCO2e)"), 1);
    web_table_column(t, N_("Partner share (tCO2e)"), 1);
    web_table_column(t, N_("Retired (tCO2e)"), 1);
    web_table_column(t, N_("Cancelled (tCO2e)"), 1);
    web_table_column(t, N_("Total (tCO2e)"), 1);
    static const char *const keys[] = {"held", "partner", "retired", "cancelled", "total"};
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        web_table_row(t);
        web_cell_json(t, json_object_get(row, "vintage"));
        web_cell_json(t, json_object_get(row, "unit_type"));
        for (size_t k = 0; k < 5; k++)
            web_cell_json(t, json_object_get(row, keys[k]));
    }
}

void credits_chart(const web_request_t *r, html_t *h, const json_t *rows)
{
    enum { VINTAGES_MAX = SVG_POINTS_MAX };
    char labels_text[VINTAGES_MAX][8];
    const char *labels[VINTAGES_MAX];
    int64_t held[VINTAGES_MAX] = {0}, retired[VINTAGES_MAX] = {0}, partner[VINTAGES_MAX] = {0};
    size_t count = 0;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_int_t vintage = json_integer_value(json_object_get(row, "vintage"));
        char text[8];
        snprintf(text, sizeof text, "%lld", (long long)vintage);
        if (count == 0 || strcmp(labels_text[count - 1], text) != 0) {
            if (count == VINTAGES_MAX) break;
            snprintf(labels_text[count], sizeof labels_text[count], "%s", text);
            labels[count] = labels_text[count];
            count++;
        }
        held[count - 1] += json_integer_value(json_object_get(row, "held"));
        partner[count - 1] += json_integer_value(json_object_get(row, "partner"));
        retired[count - 1] += json_integer_value(json_object_get(row, "retired")) +
                              json_integer_value(json_object_get(row, "cancelled"));
    }
    if (count == 0) return;
    svg_chart_t chart = {.id = "credits",
                         .title = T(r, "Credits in this registry by vintage"),
                         .x_label = T(r, "Vintage"),
                         .y_label = "tCO2e",
                         .count = count,
                         .labels = labels,
                         .series_count = 3,
                         .series = {{T(r, "Held"), held},
                                    {T(r, "Partner share"), partner},
                                    {T(r, "Retired or cancelled"), retired}}};
    svg_bar_chart(h, &chart);
}

void page_credits(web_request_t *r, web_page_t *page)
{
    db_error_t err = {0};
    json_t *rows = public_query_credits(r->reader, &err);
    if (!rows) {
        layout_error(r, page, 503, N_("The registry could not be read. Please try again."));
        return;
    }
    web_table_t t;
    credits_table(rows, &t);
    if (strstr(r->path, ".csv")) {
        web_table_csv(page, &t, "credits.csv");
    } else {
        layout_begin(r, page, T(r, "Credits"));
        html_raw(&page->body, "<p>");
        html_text(&page->body, T(r, "Every unit in this registry, counted once by where it is "
                                    "now: held in an account, held for the partner Party, "
                                    "retired or cancelled."));
        html_raw(&page->body, "</p>");
        credits_chart(r, &page->body, rows);
        web_table_csv_link(r, &page->body, "/credits.csv");
        web_table_html(r, &page->body, &t, T(r, "Credits by vintage and unit type"));
        layout_end(r, page);
    }
    web_table_release(&t);
    json_decref(rows);
}

static void ndc_chart(const web_request_t *r, html_t *h, const json_t *balance)
{
    enum { YEARS_MAX = SVG_POINTS_MAX };
    char labels_text[YEARS_MAX][8];
    const char *labels[YEARS_MAX];
    int64_t emissions[YEARS_MAX], adjusted[YEARS_MAX], target[YEARS_MAX];
    size_t count = 0, i;
    json_t *year;
    json_array_foreach(json_object_get(balance, "years"), i, year)
    {
        if (count == YEARS_MAX) break;
        snprintf(labels_text[count], sizeof labels_text[count], "%lld",
                 (long long)json_integer_value(json_object_get(year, "year")));
        labels[count] = labels_text[count];
        /* kt in the chart: whole Mt would hide adjustments of a few thousand tonnes */
        emissions[count] = json_integer_value(json_object_get(year, "emissions_tco2e")) / 1000;
        adjusted[count] = json_integer_value(json_object_get(year, "adjusted_tco2e")) / 1000;
        target[count] = json_integer_value(json_object_get(year, "target_tco2e")) / 1000;
        count++;
    }
    if (count == 0) return;
    svg_chart_t chart = {
        .id = "ndc",
        .title = T(r, "Emissions balance: inventory, after corresponding adjustments, target"),
        .x_label = T(r, "Year"),
        .y_label = "ktCO2e",
        .count = count,
        .labels = labels,
        .series_count = 3,
        .series = {{T(r, "Inventory emissions"), emissions},
                   {T(r, "Adjusted emissions"), adjusted},
                   {T(r, "Target"), target}},
        .has_reference = json_integer_value(json_object_get(balance, "target_level_tco2e")) > 0,
        .reference = json_integer_value(json_object_get(balance, "target_level_tco2e")) / 1000,
        .reference_label = T(r, "Unconditional target level")};
    svg_bar_chart(h, &chart);
}

static void ndc_table(const web_request_t *r, html_t *h, const json_t *balance)
{
    web_table_t t;
    web_table_init(&t);
    web_table_column(&t, N_("Year"), 0);
    web_table_column(&t, N_("Inventory emissions (tCO2e)"), 1);
    web_table_column(&t, N_("First transferred (tCO2e)"), 1);
    web_table_column(&t, N_("Used (tCO2e)"), 1);
    web_table_column(&t, N_("Corresponding adjustment (tCO2e)"), 1);
    web_table_column(&t, N_("Adjusted emissions (tCO2e)"), 1);
    web_table_column(&t, N_("Target (tCO2e)"), 1);
    static const char *const keys[] = {"year",        "emissions_tco2e",  "first_transferred_tco2e",
                                       "used_tco2e",  "adjustment_tco2e", "adjusted_tco2e",
                                       "target_tco2e"};
    size_t i;
    json_t *year;
    json_array_foreach(json_object_get(balance, "years"), i, year)
    {
        web_table_row(&t);
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            web_cell_json(&t, json_object_get(year, keys[k]));
    }
    web_table_html(r, h, &t, T(r, "Emissions balance per year"));
    web_table_release(&t);
}

void page_ndc(web_request_t *r, web_page_t *page)
{
    a6_check_t check = A6_OK;
    db_error_t err = {0};
    json_t *balance = ndc_query_balance(r->reader, 0, &check, &err);
    if (!balance && err.code < 0) {
        layout_error(r, page, 503, N_("The registry could not be read. Please try again."));
        return;
    }
    layout_begin(r, page, T(r, "Nationally determined contribution"));
    html_t *h = &page->body;
    if (!balance) {
        html_raw(h, "<p class=\"empty\">");
        html_text(h, T(r, "The national authority has not recorded the NDC yet."));
        html_raw(h, "</p>");
        layout_end(r, page);
        return;
    }
    char year[16];
    snprintf(year, sizeof year, "%lld",
             (long long)json_integer_value(json_object_get(balance, "target_year")));
    html_raw(h, "<dl class=\"facts\">");
    layout_fact_text(r, h, N_("Accounting method"),
                     T(r, json_string_value(json_object_get(balance, "method"))));
    layout_fact_text(r, h, N_("Target year"), year);
    layout_fact(r, h, N_("Unconditional target level (tCO2e)"),
                json_object_get(balance, "target_level_tco2e"));
    layout_fact(r, h, N_("Conditional target level (tCO2e)"),
                json_object_get(balance, "conditional_level_tco2e"));
    layout_fact(r, h, N_("Net first transfers and uses (tCO2e)"),
                json_object_get(balance, "net_total_tco2e"));
    html_raw(h, "</dl>");
    ndc_chart(r, h, balance);
    ndc_table(r, h, balance);
    layout_end(r, page);
    json_decref(balance);
}

void page_reports(web_request_t *r, web_page_t *page)
{
    a6_check_t check = A6_OK;
    db_error_t err = {0};
    json_t *balance = ndc_query_balance(r->reader, 0, &check, &err);
    layout_begin(r, page, T(r, "Article 6.2 reports (AEF)"));
    html_t *h = &page->body;
    html_raw(h, "<p>");
    html_text(h, T(r, "The Agreed Electronic Format tables of each year (T1 to T5), as the "
                      "registry would submit them, checked for consistency before download."));
    html_raw(h, "</p>");
    int first = 2021, last = 2030;
    if (balance) {
        first = (int)json_integer_value(json_object_get(balance, "first_year"));
        last = (int)json_integer_value(json_object_get(balance, "last_year"));
    }
    int this_year = a6_date_year((a6_date_t)api_today());
    if (last > this_year) last = this_year;
    web_table_t t;
    web_table_init(&t);
    web_table_column(&t, N_("Year"), 0);
    web_table_column(&t, N_("Excel (XLSX)"), 0);
    web_table_column(&t, N_("JSON"), 0);
    web_table_column(&t, N_("CSV: actions (T3)"), 0);
    for (int year = last; year >= first; year--) {
        char xlsx[96], json[96], csv[96];
        snprintf(xlsx, sizeof xlsx, "/api/v1/reports/aef?year=%d&format=xlsx", year);
        snprintf(json, sizeof json, "/api/v1/reports/aef?year=%d&format=json", year);
        snprintf(csv, sizeof csv, "/api/v1/reports/aef?year=%d&format=csv&table=T3", year);
        web_table_row(&t);
        web_cell_int(&t, year);
        web_cell_link(&t, "XLSX", xlsx);
        web_cell_link(&t, "JSON", json);
        web_cell_link(&t, "CSV", csv);
    }
    web_table_html(r, h, &t, T(r, "Reports by year"));
    web_table_release(&t);
    json_decref(balance);
    layout_end(r, page);
}

void page_audit(web_request_t *r, web_page_t *page)
{
    unsigned status;
    json_t *checkpoint = web_call_api(r, api_audit_checkpoint, NULL, NULL, &status);
    layout_begin(r, page, T(r, "Audit log checkpoint"));
    html_t *h = &page->body;
    html_raw(h, "<p>");
    html_text(h, T(r, "Every change of state is appended to a hash-chained audit log in the same "
                      "database transaction. The registry signs the latest record with its "
                      "Ed25519 key: anyone holding the public key can check that no recorded "
                      "change was altered or removed afterwards."));
    html_raw(h, "</p><dl class=\"facts\">");
    static const char *const keys[] = {"registry", "seq",       "time",
                                       "hash",     "signature", "public_key"};
    static const char *const labels[] = {
        N_("Registry"),     N_("Record number"),     N_("Time"),
        N_("SHA-256 hash"), N_("Ed25519 signature"), N_("Public key")};
    for (size_t i = 0; i < 6; i++) {
        const json_t *value = json_object_get(checkpoint, keys[i]);
        html_raw(h, "<dt>");
        html_text(h, T(r, labels[i]));
        html_raw(h, "</dt><dd><code>");
        if (json_is_integer(value))
            html_int(h, json_integer_value(value));
        else
            html_text(h, json_is_string(value) ? json_string_value(value) : "\u2014");
        html_raw(h, "</code></dd>");
    }
    html_raw(h, "</dl><p><a href=\"/api/v1/audit/checkpoint\">JSON</a></p>");
    json_decref(checkpoint);
    layout_end(r, page);
}
