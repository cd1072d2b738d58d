/* api_report.c: the AEF report over HTTP. A year's report is exported into a private temporary
 * directory (removed on every path), then answered from memory as JSON, one CSV table or an XLSX
 * workbook: public, as the AEF report is public information. Also the submission of a year's
 * report (authority). A report that fails the consistency checks answers every failure. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../report/aef_export.h"
#include "api.h"

#define REPORT_PATH_BYTES_MAX 512 /* the temporary directory's path and a file name in it */

/* How one format is exported and answered. */
typedef struct report_format {
    const char *name; /* ?format= */
    aef_format_t format;
    const char *output; /* the file (CSV: directory) written in the temporary directory */
    const char *content_type;
} report_format_t;

static const report_format_t report_formats[] = {
    {"json", AEF_FORMAT_JSON, "report.json", "application/json"},
    {"csv", AEF_FORMAT_CSV, "csv", "text/csv; charset=utf-8"},
    {"xlsx", AEF_FORMAT_XLSX, "report.xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
};

/* Parses a year (query value or path segment) of 1990..2100; false after answering. */
static bool year_parse(const char *text, int32_t *year, api_response_t *out)
{
    if (!text) {
        api_error(out, A6_CHECK_FIELD_MISSING, "year", "year is required (?year=YYYY)");
        return false;
    }
    size_t length = strlen(text);
    bool digits = length > 0 && length <= 4 && strspn(text, "0123456789") == length;
    if (!digits) {
        api_error(out, A6_CHECK_FIELD_TYPE, "year", "year must be a year like 2026");
        return false;
    }
    int value = atoi(text);
    if (value < LEDGER_VINTAGE_MIN || value > LEDGER_VINTAGE_MAX) {
        api_error(out, A6_CHECK_VINTAGE_INVALID, "year", "year must be from 1990 to 2100");
        return false;
    }
    *year = (int32_t)value;
    return true;
}

/* Reads the query: year, format (json by default), table (CSV only: T1..T5). False after
 * answering. */
static bool report_query(const api_request_t *r, int32_t *year, const report_format_t **format,
                         const aef_table_spec_t **table, api_response_t *out)
{
    const char *year_text = r->query ? r->query(r->transport, "year") : NULL;
    const char *name = r->query ? r->query(r->transport, "format") : NULL;
    const char *key = r->query ? r->query(r->transport, "table") : NULL;
    if (!year_parse(year_text, year, out)) return false;
    *format = NULL;
    for (size_t i = 0; i < sizeof report_formats / sizeof report_formats[0]; i++)
        if (strcmp(report_formats[i].name, name ? name : "json") == 0) *format = &report_formats[i];
    if (!*format) {
        api_error(out, A6_CHECK_FIELD_TYPE, "format", "format must be json, csv or xlsx");
        return false;
    }
    *table = NULL;
    if ((*format)->format != AEF_FORMAT_CSV) {
        if (!key) return true;
        api_error(out, A6_CHECK_FIELD_TYPE, "table", "table is only for format=csv");
        return false;
    }
    if (!key) {
        api_error(out, A6_CHECK_FIELD_MISSING, "table",
                  "format=csv answers one table: table=T1, T2, T3, T4 or T5");
        return false;
    }
    for (int t = 0; t < AEF_TABLE_COUNT; t++)
        if (strcmp(aef_table_spec((aef_table_id_t)t)->key, key) == 0)
            *table = aef_table_spec((aef_table_id_t)t);
    if (!*table) {
        api_error(out, A6_CHECK_FIELD_TYPE, "table", "table must be T1, T2, T3, T4 or T5");
        return false;
    }
    return true;
}

/* Creates a private (0700) directory under $TMPDIR or /tmp into path; false when it cannot. */
static bool temp_directory(char *path, size_t size)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base) base = "/tmp";
    int length = snprintf(path, size, "%s/a6reg-aef-XXXXXX", base);
    return length > 0 && (size_t)length < size && mkdtemp(path) != NULL;
}

static int remove_entry(const char *path, const struct stat *status, int flag, struct FTW *walk)
{
    remove(path);
    return 0; /* go on: remove whatever else can be */
}

/* Removes the temporary directory and everything in it (depth first, links not followed). */
static void temp_remove(const char *path)
{
    nftw(path, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* Reads a file of at most API_REPORT_BYTES_MAX bytes into a malloc'ed buffer; 0, -1 when it
 * cannot be read, -2 when it is larger. */
static int read_file(const char *path, char **data, size_t *length)
{
    FILE *file = fopen(path, "rb");
    if (!file) return -1;
    struct stat status;
    int rc = fstat(fileno(file), &status) == 0 && S_ISREG(status.st_mode) ? 0 : -1;
    if (rc == 0 && (uint64_t)status.st_size > API_REPORT_BYTES_MAX) rc = -2;
    size_t size = rc == 0 ? (size_t)status.st_size : 0;
    char *buffer = rc == 0 ? malloc(size + 1) : NULL;
    if (rc == 0 && (!buffer || fread(buffer, 1, size, file) != size || ferror(file))) rc = -1;
    fclose(file);
    if (rc != 0) {
        free(buffer);
        return rc;
    }
    buffer[size] = '\0';
    *data = buffer;
    *length = size;
    return 0;
}

/* A refusal of an export or a submission: the error, and every consistency failure listed. */
static void answer_refusal(api_response_t *out, const aef_export_outcome_t *outcome)
{
    json_t *error = json_pack("{si ss ss}", "code", (int)outcome->check, "check",
                              a6_check_name(outcome->check), "message", outcome->message);
    if (outcome->field) json_object_set_new(error, "field", json_string(outcome->field));
    json_t *reply = json_pack("{so}", "error", error);
    if (outcome->check == A6_CHECK_AEF_INCONSISTENT && outcome->failures) {
        json_object_set(reply, "failures", outcome->failures);
        json_object_set_new(reply, "failure_count",
                            json_integer((json_int_t)outcome->failure_count));
    }
    api_json(out, api_status_for(outcome->check), reply);
}

/* Answers the file the export wrote into directory (for CSV: the table's file). */
static void answer_file(api_response_t *out, const char *directory, const report_format_t *format,
                        const aef_table_spec_t *table)
{
    char path[REPORT_PATH_BYTES_MAX + 32];
    if (table)
        snprintf(path, sizeof path, "%s/%s/%s.csv", directory, format->output, table->key);
    else
        snprintf(path, sizeof path, "%s/%s", directory, format->output);
    char *data = NULL;
    size_t length = 0;
    int rc = read_file(path, &data, &length);
    if (rc == -2) {
        char message[160];
        snprintf(message, sizeof message,
                 "the report is larger than %u bytes: export it with a6reg report aef",
                 API_REPORT_BYTES_MAX);
        api_error(out, A6_CHECK_BODY_TOO_LARGE, "format", message);
        return;
    }
    if (rc != 0) {
        api_storage_error(out, "cannot read the exported report");
        return;
    }
    out->status = 200;
    out->body = data;
    out->length = length;
    out->content_type = format->content_type;
}

void api_report_aef(const api_request_t *r, api_response_t *out)
{
    int32_t year;
    const report_format_t *format;
    const aef_table_spec_t *table;
    if (!report_query(r, &year, &format, &table, out)) return;
    char directory[REPORT_PATH_BYTES_MAX], output[REPORT_PATH_BYTES_MAX + 16];
    if (!temp_directory(directory, sizeof directory)) {
        api_storage_error(out, "cannot create a temporary directory for the report");
        return;
    }
    snprintf(output, sizeof output, "%s/%s", directory, format->output);
    aef_export_options_t options = {.year = year, .format = format->format, .path = output};
    aef_export_outcome_t outcome;
    db_error_t err = {0};
    int rc = aef_export(r->reader, &options, &outcome, &err);
    if (rc < 0)
        api_storage_error(out, err.message);
    else if (outcome.check != A6_OK && outcome.field && strcmp(outcome.field, "output") == 0)
        api_storage_error(out, outcome.message); /* our temporary directory, not the caller's */
    else if (outcome.check != A6_OK)
        answer_refusal(out, &outcome);
    else
        answer_file(out, directory, format, table);
    json_decref(outcome.failures);
    temp_remove(directory);
}

void api_report_aef_submit(const api_request_t *r, api_response_t *out)
{
    static const char *const fields[] = {NULL};
    int32_t year;
    if (!year_parse(r->params[0], &year, out)) return;
    json_t *body = r->body_length ? api_body_object(r, out) : json_object();
    if (!body) return;
    bool ok = api_only_fields(body, fields, out);
    json_decref(body);
    if (!ok) return;
    aef_export_outcome_t outcome;
    aef_submit(r->context->writer, r->user->name, r->user->role, year, &outcome);
    if (outcome.store_error < 0)
        api_storage_error(out, outcome.message);
    else if (outcome.check != A6_OK)
        answer_refusal(out, &outcome);
    else
        api_json(out, 200,
                 json_pack("{sI ss ss}", "year", (json_int_t)year, "status", "submitted", "message",
                           outcome.message));
    json_decref(outcome.failures);
}
