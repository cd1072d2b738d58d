/* csv_table.c: libcsv fed one physical line at a time, so every record knows its line. */
#include "csv_table.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
    csv_table_t *table;
    csv_row_t current;
    size_t line;      /* physical line being fed */
    size_t row_start; /* line the current record started on (0: none yet) */
    int failed;
} reader_t;

static void fail(reader_t *r, const char *reason)
{
    if (!r->failed)
        snprintf(r->table->error, sizeof r->table->error, "line %zu: %s", r->line, reason);
    r->failed = 1;
}

static void on_field(void *data, size_t length, void *context)
{
    reader_t *r = context;
    if (r->failed) return;
    if (!r->row_start) r->row_start = r->line;
    if (r->current.field_count == CSV_TABLE_FIELDS_MAX) {
        fail(r, "too many fields");
        return;
    }
    if (length > CSV_TABLE_FIELD_BYTES_MAX) {
        fail(r, "field too long");
        return;
    }
    if (memchr(data ? data : "", '\0', length)) {
        fail(r, "NUL byte in a field");
        return;
    }
    if (!r->current.fields) {
        r->current.fields = calloc(CSV_TABLE_FIELDS_MAX, sizeof *r->current.fields);
        if (!r->current.fields) {
            fail(r, "out of memory");
            return;
        }
    }
    char *copy = malloc(length + 1);
    if (!copy) {
        fail(r, "out of memory");
        return;
    }
    /* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker): libcsv gives data when length */
    if (length) memcpy(copy, data, length);
    copy[length] = '\0';
    r->current.fields[r->current.field_count++] = copy;
}

static void on_row(int terminator, void *context)
{
    reader_t *r = context;
    if (r->failed) return;
    csv_table_t *t = r->table;
    if (t->row_count == CSV_TABLE_ROWS_MAX) {
        fail(r, "too many rows");
        return;
    }
    if (t->row_count % 64 == 0) {
        csv_row_t *grown = realloc(t->rows, (t->row_count + 64) * sizeof *grown);
        if (!grown) {
            fail(r, "out of memory");
            return;
        }
        t->rows = grown;
    }
    r->current.line = r->row_start ? r->row_start : r->line;
    t->rows[t->row_count++] = r->current;
    memset(&r->current, 0, sizeof r->current);
    r->row_start = 0;
}

static void row_release(csv_row_t *row)
{
    for (size_t i = 0; i < row->field_count; i++)
        free(row->fields[i]);
    free(row->fields);
}

void csv_table_release(csv_table_t *table)
{
    for (size_t i = 0; i < table->row_count; i++)
        row_release(&table->rows[i]);
    free(table->rows);
    table->rows = NULL;
    table->row_count = 0;
}

int csv_table_read(const char *path, csv_table_t *table)
{
    memset(table, 0, sizeof *table);
    FILE *file = fopen(path, "rb");
    if (!file) {
        snprintf(table->error, sizeof table->error, "cannot open the file");
        return -1;
    }
    struct csv_parser parser;
    csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI);
    reader_t r = {.table = table};
    char *line = NULL;
    size_t capacity = 0;
    ssize_t length;
    while (!r.failed && (length = getline(&line, &capacity, file)) > 0) {
        r.line++;
        if ((size_t)csv_parse(&parser, line, (size_t)length, on_field, on_row, &r) !=
            (size_t)length)
            fail(&r, csv_strerror(csv_error(&parser)));
    }
    if (!r.failed && csv_fini(&parser, on_field, on_row, &r) != 0)
        fail(&r, "unterminated quoted field at end of file");
    csv_free(&parser);
    free(line);
    fclose(file);
    row_release(&r.current);
    if (r.failed) {
        csv_table_release(table);
        return -1;
    }
    return 0;
}
