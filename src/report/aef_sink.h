/* aef_sink.h: where an AEF report's tables go, one row at a time, so that a report of a million
 * actions never sits in memory: an XLSX workbook (one sheet per table, libxlsxwriter in constant
 * memory mode), a directory of CSV files (one per table, formula-safe), or one JSON document. The
 * exporter (aef_export.h) calls begin_table, row..., end_table for T1 to T5 in order, then close.
 */
#ifndef A6_REPORT_AEF_SINK_H
#define A6_REPORT_AEF_SINK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One cell. EMPTY: a field left blank (CARP fields, unknown values); TEXT: borrowed for the call;
 * INTEGER: block IDs, quantities, years (never written as text: a known AEF mistake). */
typedef enum aef_cell_kind { AEF_CELL_EMPTY = 0, AEF_CELL_TEXT, AEF_CELL_INTEGER } aef_cell_kind_t;

typedef struct aef_cell {
    aef_cell_kind_t kind;
    const char *text;
    int64_t integer;
} aef_cell_t;

typedef enum aef_format { AEF_FORMAT_XLSX = 1, AEF_FORMAT_CSV, AEF_FORMAT_JSON } aef_format_t;

/* Parses "xlsx", "csv", "json"; 0 otherwise. */
aef_format_t aef_format_parse(const char *name);

/* The five tables with their exact AEF column names (spec/ARTICLE6.md). */
typedef enum aef_table_id {
    AEF_T1_SUBMISSION = 0,
    AEF_T2_AUTHORIZATIONS,
    AEF_T3_ACTIONS,
    AEF_T4_HOLDINGS,
    AEF_T5_ENTITIES,
} aef_table_id_t;
#define AEF_TABLE_COUNT 5

typedef struct aef_table_spec {
    const char *key;   /* "T1" ... "T5": CSV file name stem, JSON member */
    const char *title; /* sheet name: "T1 Submission" ... */
    const char *const *columns;
    size_t column_count;
} aef_table_spec_t;

const aef_table_spec_t *aef_table_spec(aef_table_id_t table);

typedef struct aef_sink aef_sink_t;

/* Opens a sink writing to path: for XLSX a .xlsx file, for CSV a directory (created when missing)
 * receiving T1.csv ... T5.csv, for JSON a file ("-" is standard output for JSON only). NULL with
 * a message in error (error_size bytes) when it cannot. */
aef_sink_t *aef_sink_open(aef_format_t format, const char *path, char *error, size_t error_size);

/* Each returns 0, or -1 with a message available from aef_sink_error. Rows must have exactly the
 * table's column_count cells. */
int aef_sink_begin_table(aef_sink_t *sink, aef_table_id_t table);
int aef_sink_row(aef_sink_t *sink, const aef_cell_t *cells);
int aef_sink_end_table(aef_sink_t *sink);
const char *aef_sink_error(const aef_sink_t *sink);

/* Finishes the output (XLSX: writes the workbook) and releases the sink; -1 when writing failed
 * (the message goes to error). Always releases. */
int aef_sink_close(aef_sink_t *sink, char *error, size_t error_size);

/* CSV escaping of one cell, formula-safe: a text starting with =, +, -, @, tab or carriage return
 * is prefixed with a single quote; fields with comma, quote, CR or LF are quoted (quotes
 * doubled). Integers are plain decimal. Writes to out; -1 on a write error. */
int aef_csv_cell(FILE *out, const aef_cell_t *cell);

#endif
