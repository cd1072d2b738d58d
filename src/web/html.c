/* html.c: the page buffer, HTML escaping and formula-safe CSV cells. */
#include "html.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void html_init(html_t *h)
{
    memset(h, 0, sizeof *h);
}

void html_release(html_t *h)
{
    free(h->data);
    html_init(h);
}

char *html_take(html_t *h, size_t *length)
{
    char *data = h->failed ? NULL : h->data;
    if (h->failed) free(h->data);
    if (length) *length = data ? h->length : 0;
    if (data == NULL && !h->failed) {
        data = calloc(1, 1); /* an empty page is still a page */
    }
    html_init(h);
    return data;
}

static int reserve(html_t *h, size_t extra)
{
    if (h->failed) return -1;
    if (h->length + extra + 1 <= h->capacity) return 0;
    size_t capacity = h->capacity ? h->capacity : 4096;
    while (capacity < h->length + extra + 1)
        capacity *= 2;
    char *grown = realloc(h->data, capacity);
    if (!grown) {
        h->failed = 1;
        return -1;
    }
    h->data = grown;
    h->capacity = capacity;
    return 0;
}

void html_raw_n(html_t *h, const char *text, size_t length)
{
    if (reserve(h, length) < 0) return;
    memcpy(h->data + h->length, text, length);
    h->length += length;
    h->data[h->length] = '\0';
}

void html_raw(html_t *h, const char *text)
{
    if (text) html_raw_n(h, text, strlen(text));
}

void html_rawf(html_t *h, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int needed = vsnprintf(NULL, 0, format, args);
    va_end(args);
    if (needed < 0 || reserve(h, (size_t)needed) < 0) return;
    va_start(args, format);
    vsnprintf(h->data + h->length, (size_t)needed + 1, format, args);
    va_end(args);
    h->length += (size_t)needed;
}

void html_text(html_t *h, const char *text)
{
    if (!text) return;
    const char *run = text;
    for (const char *p = text; *p; p++) {
        const char *entity = NULL;
        switch (*p) {
        case '&':
            entity = "&amp;";
            break;
        case '<':
            entity = "&lt;";
            break;
        case '>':
            entity = "&gt;";
            break;
        case '"':
            entity = "&quot;";
            break;
        case '\'':
            entity = "&#39;";
            break;
        default:
            continue;
        }
        html_raw_n(h, run, (size_t)(p - run));
        html_raw(h, entity);
        run = p + 1;
    }
    html_raw(h, run);
}

void html_int(html_t *h, int64_t value)
{
    char digits[32];
    uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    int n = snprintf(digits, sizeof digits, "%" PRIu64, magnitude);
    if (value < 0) html_raw(h, "-");
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0) html_raw(h, ",");
        html_raw_n(h, digits + i, 1);
    }
}

void csv_cell(html_t *h, const char *text)
{
    if (!text) text = "";
    int risky = strchr("=+-@\t\r", text[0]) != NULL && text[0] != '\0';
    int quote = risky || strpbrk(text, ",\"\r\n") != NULL;
    if (quote) html_raw(h, "\"");
    if (risky) html_raw(h, "'");
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            html_raw(h, "\"\"");
        else
            html_raw_n(h, p, 1);
    }
    if (quote) html_raw(h, "\"");
}
