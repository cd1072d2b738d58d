/* table.c: list pages' rows rendered as an HTML table or a formula-safe CSV file. */
#include "table.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void web_table_init(web_table_t *t)
{
    memset(t, 0, sizeof *t);
    t->rows = json_array();
}

void web_table_release(web_table_t *t)
{
    json_decref(t->rows);
    t->rows = NULL;
}

void web_table_column(web_table_t *t, const char *heading, int numeric)
{
    if (t->column_count == WEB_TABLE_COLUMNS_MAX) return;
    t->numeric[t->column_count] = numeric;
    t->columns[t->column_count++] = heading;
}

void web_table_row(web_table_t *t)
{
    json_array_append_new(t->rows, json_array());
}

static void add_cell(web_table_t *t, json_t *cell)
{
    size_t count = json_array_size(t->rows);
    if (count == 0) {
        json_decref(cell);
        return;
    }
    json_array_append_new(json_array_get(t->rows, count - 1), cell);
}

void web_cell_text(web_table_t *t, const char *text)
{
    add_cell(t, text ? json_string(text) : json_null());
}

void web_cell_int(web_table_t *t, int64_t value)
{
    add_cell(t, json_integer(value));
}

void web_cell_json(web_table_t *t, const json_t *value)
{
    if (json_is_string(value) || json_is_integer(value))
        add_cell(t, json_copy((json_t *)value));
    else
        add_cell(t, json_null());
}

void web_cell_link(web_table_t *t, const char *text, const char *href)
{
    add_cell(t, json_pack("{ss ss}", "text", text ? text : "", "href", href));
}

static void cell_html(html_t *h, const json_t *cell, int numeric)
{
    html_raw(h, numeric ? "<td class=\"n\">" : "<td>");
    if (json_is_integer(cell)) {
        html_int(h, json_integer_value(cell));
    } else if (json_is_string(cell)) {
        html_text(h, json_string_value(cell));
    } else if (json_is_object(cell)) {
        html_raw(h, "<a href=\"");
        html_text(h, json_string_value(json_object_get(cell, "href")));
        html_raw(h, "\">");
        html_text(h, json_string_value(json_object_get(cell, "text")));
        html_raw(h, "</a>");
    } else {
        html_raw(h, "\u2014");
    }
    html_raw(h, "</td>");
}

void web_table_html(const web_request_t *r, html_t *h, const web_table_t *t, const char *caption)
{
    if (json_array_size(t->rows) == 0) {
        html_raw(h, "<p class=\"empty\">");
        html_text(h, T(r, "No data yet."));
        html_raw(h, "</p>");
        return;
    }
    html_raw(h, "<div class=\"scroll\"><table><caption>");
    html_text(h, caption);
    html_raw(h, "</caption><thead><tr>");
    for (size_t c = 0; c < t->column_count; c++) {
        html_raw(h, t->numeric[c] ? "<th scope=\"col\" class=\"n\">" : "<th scope=\"col\">");
        html_text(h, T(r, t->columns[c]));
        html_raw(h, "</th>");
    }
    html_raw(h, "</tr></thead><tbody>");
    size_t i;
    json_t *row;
    json_array_foreach(t->rows, i, row)
    {
        html_raw(h, "<tr>");
        for (size_t c = 0; c < t->column_count; c++)
            cell_html(h, json_array_get(row, c), t->numeric[c]);
        html_raw(h, "</tr>");
    }
    html_raw(h, "</tbody></table></div>");
}

static void cell_csv(html_t *h, const json_t *cell)
{
    char number[32];
    if (json_is_integer(cell)) {
        snprintf(number, sizeof number, "%" JSON_INTEGER_FORMAT, json_integer_value(cell));
        html_raw(h, number); /* a number is data, never a formula: written as it is */
    } else if (json_is_string(cell)) {
        csv_cell(h, json_string_value(cell));
    } else if (json_is_object(cell)) {
        csv_cell(h, json_string_value(json_object_get(cell, "text")));
    }
}

void web_table_csv(web_page_t *page, const web_table_t *t, const char *filename)
{
    html_t *h = &page->body;
    for (size_t c = 0; c < t->column_count; c++) {
        if (c) html_raw(h, ",");
        csv_cell(h, t->columns[c]);
    }
    html_raw(h, "\r\n");
    size_t i;
    json_t *row;
    json_array_foreach(t->rows, i, row)
    {
        for (size_t c = 0; c < t->column_count; c++) {
            if (c) html_raw(h, ",");
            cell_csv(h, json_array_get(row, c));
        }
        html_raw(h, "\r\n");
    }
    page->status = 200;
    page->content_type = "text/csv; charset=utf-8";
    char disposition[160];
    snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", filename);
    web_header(page, "Content-Disposition", disposition);
}

void web_table_csv_link(const web_request_t *r, html_t *h, const char *csv_path)
{
    html_raw(h, "<p class=\"csv\"><a href=\"");
    html_text(h, csv_path);
    const char *keys[] = {"q", "state", "technology", "kind"};
    const char *separator = "?";
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *value = web_query(r, keys[i]);
        if (!value || !*value) continue;
        html_rawf(h, "%s%s=", separator, keys[i]);
        for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
            if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                *p == '-' || *p == '_')
                html_raw_n(h, (const char *)p, 1);
            else
                html_rawf(h, "%%%02X", *p);
        }
        separator = "&amp;";
    }
    html_raw(h, "\" download>");
    html_text(h, T(r, "Download CSV"));
    html_raw(h, "</a></p>");
}
