/* html.h: a growing text buffer for pages, with HTML escaping, and the CSV writer that list pages
 * share (formula-safe cells). Allocation failures are sticky: the buffer reports them once at the
 * end instead of after every append. */
#ifndef A6_WEB_HTML_H
#define A6_WEB_HTML_H

#include <stddef.h>
#include <stdint.h>

typedef struct html {
    char *data;
    size_t length;
    size_t capacity;
    int failed; /* an allocation failed: the content is incomplete */
} html_t;

void html_init(html_t *h);
void html_release(html_t *h);
/* Hands the NUL-terminated text to the caller (who frees it); NULL when an allocation failed.
 * The buffer is empty afterwards. */
char *html_take(html_t *h, size_t *length);

/* Appends text as is (the caller vouches that it is markup). */
void html_raw(html_t *h, const char *text);
void html_raw_n(html_t *h, const char *text, size_t length);
/* Appends formatted markup; arguments are NOT escaped: pass only numbers or escaped text. */
void html_rawf(html_t *h, const char *format, ...) __attribute__((format(printf, 2, 3)));
/* Appends text escaped for element content and attribute values (& < > " '). NULL appends "". */
void html_text(html_t *h, const char *text);
/* Appends a quantity with thousands separators (12,345). */
void html_int(html_t *h, int64_t value);

/* Appends one CSV cell: quoted when needed, and a cell starting with = + - @ (or a tab or carriage
 * return) gets a leading apostrophe, so a spreadsheet never runs it as a formula. */
void csv_cell(html_t *h, const char *text);

#endif
