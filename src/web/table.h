/* table.h: a list as rows of cells that renders both as an HTML table and as a CSV download, so
 * every list page offers the same data in both forms. */
#ifndef A6_WEB_TABLE_H
#define A6_WEB_TABLE_H

#include <jansson.h>

#include "web.h"

#define WEB_TABLE_COLUMNS_MAX 16

typedef struct web_table {
    size_t column_count;
    const char *columns[WEB_TABLE_COLUMNS_MAX]; /* English headings (translated in HTML) */
    int numeric[WEB_TABLE_COLUMNS_MAX];         /* right-aligned, thousands separators */
    json_t *rows;                               /* [[cell, ...], ...] */
} web_table_t;

void web_table_init(web_table_t *t);
void web_table_release(web_table_t *t);
void web_table_column(web_table_t *t, const char *heading, int numeric);
/* Starts a new row; the cells that follow go into it. */
void web_table_row(web_table_t *t);
void web_cell_text(web_table_t *t, const char *text); /* NULL: empty */
void web_cell_int(web_table_t *t, int64_t value);
void web_cell_json(web_table_t *t, const json_t *value); /* a string, integer or null */
void web_cell_link(web_table_t *t, const char *text, const char *href);

/* The table as HTML (headings translated, caption given). "No data" when it has no rows. */
void web_table_html(const web_request_t *r, html_t *h, const web_table_t *t, const char *caption);
/* Answers page with the table as a CSV file named filename (English headings). */
void web_table_csv(web_page_t *page, const web_table_t *t, const char *filename);
/* A "Download CSV" link to the page's .csv variant, keeping its query string. */
void web_table_csv_link(const web_request_t *r, html_t *h, const char *csv_path);

#endif
