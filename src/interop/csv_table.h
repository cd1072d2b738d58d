/* csv_table.h: reads a whole CSV file (RFC 4180, strict quoting) into memory, remembering the
 * line each record starts on, so that errors can name file, line and column. */
#ifndef A6_INTEROP_CSV_TABLE_H
#define A6_INTEROP_CSV_TABLE_H

#include <stddef.h>

#define CSV_TABLE_ROWS_MAX 100000
#define CSV_TABLE_FIELDS_MAX 64
#define CSV_TABLE_FIELD_BYTES_MAX 65536

typedef struct csv_row {
    size_t line; /* 1-based line the record starts on */
    size_t field_count;
    char **fields; /* each NUL-terminated; "" for an empty cell */
} csv_row_t;

typedef struct csv_table {
    csv_row_t *rows; /* rows[0] is the header */
    size_t row_count;
    char error[256]; /* set when csv_table_read fails: "line L: reason" */
} csv_table_t;

/* Reads path; returns 0, or -1 with table->error set (the table is then empty). */
int csv_table_read(const char *path, csv_table_t *table);
void csv_table_release(csv_table_t *table);

#endif
