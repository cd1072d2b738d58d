/* jcm_import.c: validates each JCM CSV file completely, then applies it as one writer operation
 * made of the store's cycle operations. */
#include "jcm_import.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/text.h"
#include "../store/cycle_store.h"
#include "csv_table.h"

#define LIST_MAX 16 /* participants or methodologies in one cell */

static const char methodologies_file[] = "jcm_vn_methodologies.csv";
static const char projects_file[] = "jcm_vn_projects.csv";
static const char issuances_file[] = "jcm_vn_issuances.csv";

static const char *const methodology_columns[] = {"code",           "version",       "title",
                                                  "sectoral_scope", "approval_date", "used_by"};
static const char *const project_columns[] = {"ref",
                                              "title",
                                              "host_participants",
                                              "partner_participants",
                                              "methodologies",
                                              "technology_group",
                                              "status",
                                              "registration_date",
                                              "expected_annual_tco2e",
                                              "expected_source"};
static const char *const issuance_columns[] = {
    "ref",         "monitoring_start",      "monitoring_end",     "notified_date",
    "total_tco2e", "to_partner_government", "to_host_government", "to_participants",
    "note"};

static void add_message(char **list, size_t *count, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void add_message(char **list, size_t *count, const char *format, ...)
{
    if (*count >= JCM_IMPORT_MESSAGES_MAX) return;
    char text[512];
    va_list args;
    va_start(args, format);
    vsnprintf(text, sizeof text, format, args);
    va_end(args);
    list[*count] = strdup(text);
    if (list[*count]) (*count)++;
}

/* Context of one file's validation: errors go to the report with file, line and column. */
typedef struct file_check {
    jcm_import_report_t *report;
    const char *file;
    const char *const *columns;
    size_t errors_before;
} file_check_t;

static void row_error(file_check_t *fc, const csv_row_t *row, size_t column, const char *reason)
{
    add_message(fc->report->errors, &fc->report->error_count, "%s:%zu:%zu (%s): %s", fc->file,
                row->line, column + 1, fc->columns[column], reason);
}

static void row_missing(file_check_t *fc, const csv_row_t *row, size_t column)
{
    add_message(fc->report->missing, &fc->report->missing_count, "%s:%zu: %s: %s not published",
                fc->file, row->line, row->fields[0], fc->columns[column]);
}

static int check_header(file_check_t *fc, const csv_table_t *t, size_t column_count)
{
    if (t->row_count == 0) {
        add_message(fc->report->errors, &fc->report->error_count, "%s:1:1: empty file", fc->file);
        return -1;
    }
    const csv_row_t *header = &t->rows[0];
    for (size_t c = 0; c < column_count; c++)
        if (c >= header->field_count || strcmp(header->fields[c], fc->columns[c]) != 0) {
            row_error(fc, header, c, "header must name this column here");
            return -1;
        }
    if (header->field_count != column_count) {
        add_message(fc->report->errors, &fc->report->error_count,
                    "%s:1:%zu: unexpected extra column", fc->file, column_count + 1);
        return -1;
    }
    for (size_t r = 1; r < t->row_count; r++)
        if (t->rows[r].field_count != column_count) {
            char reason[80];
            snprintf(reason, sizeof reason, "row has %zu fields, expected %zu",
                     t->rows[r].field_count, column_count);
            row_error(fc, &t->rows[r], 0, reason);
        }
    return fc->report->error_count > fc->errors_before ? -1 : 0;
}

/* A blank cell is missing data (reported); a non-blank one must be a valid date. */
static a6_date_t cell_date(file_check_t *fc, const csv_row_t *row, size_t column)
{
    const char *cell = row->fields[column];
    a6_date_t date = A6_DATE_NONE;
    if (!*cell)
        row_missing(fc, row, column);
    else if (a6_date_parse(cell, &date) != A6_OK)
        row_error(fc, row, column, "not a date YYYY-MM-DD");
    return date;
}

static int64_t cell_quantity(file_check_t *fc, const csv_row_t *row, size_t column, int required)
{
    const char *cell = row->fields[column];
    int64_t value = 0;
    if (!*cell) {
        if (required)
            row_error(fc, row, column, "required");
        else
            row_missing(fc, row, column);
        return 0;
    }
    if (ledger_quantity_parse(cell, &value) != A6_OK)
        row_error(fc, row, column, "not a whole positive number of t CO2e");
    return value;
}

static const char *cell_text(file_check_t *fc, const csv_row_t *row, size_t column, size_t max)
{
    const char *cell = row->fields[column];
    if (!*cell) {
        row_missing(fc, row, column);
        return NULL;
    }
    if (a6_text_check(cell, max) != A6_OK) {
        row_error(fc, row, column, "not valid printable UTF-8 (or too long)");
        return NULL;
    }
    return cell;
}

/* Splits a ';'-separated cell in place into at most LIST_MAX trimmed items. */
static size_t split_list(file_check_t *fc, const csv_row_t *row, size_t column, const char **items)
{
    char *cell = row->fields[column];
    size_t count = 0;
    if (!*cell) {
        row_missing(fc, row, column);
        return 0;
    }
    char *rest = NULL;
    for (char *part = strtok_r(cell, ";", &rest); part; part = strtok_r(NULL, ";", &rest)) {
        while (*part == ' ')
            part++;
        size_t length = strlen(part);
        while (length && part[length - 1] == ' ')
            part[--length] = '\0';
        if (count == LIST_MAX || a6_text_check(part, LEDGER_HOLDER_MAX) != A6_OK) {
            row_error(fc, row, column, "list item invalid or too many items");
            return count;
        }
        items[count++] = part;
    }
    return count;
}

/* ---- methodologies ---- */

typedef struct methodology_rows {
    methodology_input_t *items;
    size_t count;
} methodology_rows_t;

static void check_methodologies(file_check_t *fc, csv_table_t *t, methodology_rows_t *out,
                                const char *actor)
{
    out->items = calloc(t->row_count, sizeof *out->items);
    if (!out->items) return;
    for (size_t r = 1; r < t->row_count; r++) {
        csv_row_t *row = &t->rows[r];
        if (a6_ref_check(row->fields[0]) != A6_OK) row_error(fc, row, 0, "a code such as VN_AM001");
        const char *version = row->fields[1];
        if (!*version)
            row_missing(fc, row, 1);
        else if (a6_text_check(version, 32) != A6_OK)
            row_error(fc, row, 1, "invalid version");
        methodology_input_t *m = &out->items[out->count++];
        *m = (methodology_input_t){.actor = actor,
                                   .code = row->fields[0],
                                   .version = version,
                                   .title = cell_text(fc, row, 2, CYCLE_TEXT_MAX),
                                   .sectoral_scope = cell_text(fc, row, 3, 200),
                                   .status = "approved",
                                   .approved_on = cell_date(fc, row, 4)};
    }
}

/* ---- projects ---- */

typedef struct project_row {
    activity_input_t input;
    const char *host[LIST_MAX];
    const char *partner[LIST_MAX];
    const char *methodologies[LIST_MAX];
} project_row_t;

static void check_projects(file_check_t *fc, csv_table_t *t, project_row_t *rows, const char *actor)
{
    for (size_t r = 1; r < t->row_count; r++) {
        csv_row_t *row = &t->rows[r];
        project_row_t *p = &rows[r - 1];
        activity_input_t *in = &p->input;
        *in = (activity_input_t){.actor = actor,
                                 .ref = row->fields[0],
                                 .kind = ACTIVITY_PROJECT,
                                 .host_party = "VNM",
                                 .partner_party = "JPN",
                                 .crediting_start = A6_DATE_NONE,
                                 .crediting_end = A6_DATE_NONE};
        if (a6_ref_check(row->fields[0]) != A6_OK)
            row_error(fc, row, 0, "a reference such as VN001");
        in->title = row->fields[1];
        if (a6_text_check(in->title, CYCLE_TEXT_MAX) != A6_OK)
            row_error(fc, row, 1, "required text");
        in->host_count = split_list(fc, row, 2, p->host);
        in->host_participants = p->host;
        in->partner_count = split_list(fc, row, 3, p->partner);
        in->partner_participants = p->partner;
        in->methodology_count = split_list(fc, row, 4, p->methodologies);
        in->methodologies = p->methodologies;
        for (size_t i = 0; i < in->methodology_count; i++)
            if (a6_ref_check(p->methodologies[i]) != A6_OK)
                row_error(fc, row, 4, "methodology codes such as VN_AM001");
        in->technology_group = cell_text(fc, row, 5, 100);
        if (activity_state_parse(row->fields[6], &in->imported_state) != A6_OK ||
            (in->imported_state != ACTIVITY_REGISTERED &&
             in->imported_state != ACTIVITY_UNDER_VALIDATION))
            row_error(fc, row, 6, "registered or under_validation");
        in->imported_on = A6_DATE_NONE;
        if (in->imported_state == ACTIVITY_REGISTERED)
            in->imported_on = cell_date(fc, row, 7);
        else if (*row->fields[7])
            row_error(fc, row, 7, "only a registered project has one");
        in->expected_annual_tco2e = cell_quantity(fc, row, 8, 0);
        in->expected_source = *row->fields[9] ? cell_text(fc, row, 9, 400) : NULL;
    }
}

/* ---- issuances ---- */

typedef struct issuance_row {
    period_import_t input;
    allocation_t allocations[3];
    char participants[64];
    char key[160];
} issuance_row_t;

static void check_issuances(file_check_t *fc, csv_table_t *t, issuance_row_t *rows,
                            const char *actor)
{
    for (size_t r = 1; r < t->row_count; r++) {
        csv_row_t *row = &t->rows[r];
        issuance_row_t *i = &rows[r - 1];
        period_import_t *in = &i->input;
        *in = (period_import_t){.actor = actor, .ref = row->fields[0]};
        if (a6_ref_check(row->fields[0]) != A6_OK)
            row_error(fc, row, 0, "a reference such as VN001");
        in->start = cell_date(fc, row, 1);
        in->end = cell_date(fc, row, 2);
        if (in->start != A6_DATE_NONE && in->end != A6_DATE_NONE && in->end < in->start)
            row_error(fc, row, 2, "monitoring ends before it starts");
        in->notified_on = cell_date(fc, row, 3);
        in->notified_tco2e = cell_quantity(fc, row, 4, 1);
        int64_t partner = cell_quantity(fc, row, 5, 0), host = cell_quantity(fc, row, 6, 0),
                participants = cell_quantity(fc, row, 7, 0);
        snprintf(i->participants, sizeof i->participants, "%s project participants", in->ref);
        if (partner)
            i->allocations[in->allocation_count++] = (allocation_t){
                .side = SIDE_PARTNER, .holder = "Government of Japan", .quantity = partner};
        if (host)
            i->allocations[in->allocation_count++] = (allocation_t){
                .side = SIDE_HOST, .holder = "Government of Viet Nam", .quantity = host};
        if (participants)
            i->allocations[in->allocation_count++] = (allocation_t){
                .side = SIDE_PARTICIPANTS, .holder = i->participants, .quantity = participants};
        in->allocations = i->allocations;
        int64_t shares = partner + host + participants;
        if (shares > in->notified_tco2e)
            row_error(fc, row, 4, "shares add up to more than the total");
        else if (partner && host && participants && shares != in->notified_tco2e)
            row_error(fc, row, 4, "shares do not add up to the total");
        else if (shares < in->notified_tco2e)
            add_message(fc->report->missing, &fc->report->missing_count,
                        "%s:%zu: %s: %lld t of %lld not allocated in the published shares",
                        fc->file, row->line, in->ref, (long long)(in->notified_tco2e - shares),
                        (long long)in->notified_tco2e);
        in->note = *row->fields[8] ? cell_text(fc, row, 8, CYCLE_TEXT_MAX) : NULL;
        snprintf(i->key, sizeof i->key, "jcm-vn:%s:%s:%s:%s:%s", row->fields[0], row->fields[1],
                 row->fields[2], row->fields[3], row->fields[4]);
        in->import_key = i->key;
        in->issue = shares == in->notified_tco2e && in->end != A6_DATE_NONE &&
                    in->notified_on != A6_DATE_NONE;
    }
}

/* ---- applying a file: one writer operation ---- */

typedef enum file_kind { FILE_METHODOLOGIES, FILE_PROJECTS, FILE_ISSUANCES } file_kind_t;

typedef struct file_apply {
    file_kind_t kind;
    const void *rows;
    size_t count;
    jcm_import_file_report_t *file_report;
    cycle_result_t result;
    size_t failed_row; /* 1-based data row that was rejected */
} file_apply_t;

static int apply_row(db_t *db, ledger_state_t *state, file_apply_t *f, size_t i, db_error_t *err)
{
    cycle_result_t *result = &f->result;
    memset(result, 0, sizeof *result);
    int rc;
    if (f->kind == FILE_METHODOLOGIES) {
        rc = cycle_apply_methodology_add(db, state, &((const methodology_input_t *)f->rows)[i],
                                         result, err);
        if (rc == WRITER_REJECTED && result->check == A6_CHECK_METHODOLOGY_EXISTS) {
            f->file_report->existing++;
            return WRITER_ACCEPTED;
        }
    } else if (f->kind == FILE_PROJECTS) {
        rc = cycle_apply_activity_add(db, state, &((const project_row_t *)f->rows)[i].input, result,
                                      err);
        if (rc == WRITER_REJECTED && result->check == A6_CHECK_ACTIVITY_EXISTS) {
            f->file_report->existing++;
            return WRITER_ACCEPTED;
        }
    } else {
        rc = cycle_apply_period_import(db, state, &((const issuance_row_t *)f->rows)[i].input,
                                       result, err);
        if (rc == WRITER_ACCEPTED && result->id == 0) {
            f->file_report->existing++;
            return WRITER_ACCEPTED;
        }
    }
    if (rc == WRITER_ACCEPTED) f->file_report->added++;
    return rc;
}

static int apply_file(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    file_apply_t *f = context;
    f->file_report->added = f->file_report->existing = 0;
    for (size_t i = 0; i < f->count; i++) {
        int rc = apply_row(db, state, f, i, err);
        if (rc != WRITER_ACCEPTED) {
            f->failed_row = i + 1;
            return rc;
        }
    }
    return WRITER_ACCEPTED;
}

/* Validates and applies one file; returns 0 applied, 1 rejected, -1 storage failure. */
static int import_file(writer_t *w, const char *dir, file_kind_t kind, const char *actor,
                       jcm_import_report_t *report)
{
    static const char *const files[] = {methodologies_file, projects_file, issuances_file};
    static const char *const *const columns[] = {methodology_columns, project_columns,
                                                 issuance_columns};
    static const size_t column_counts[] = {6, 10, 9};
    jcm_import_file_report_t *fr = &report->files[kind];
    fr->file = files[kind];
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, files[kind]);
    file_check_t fc = {.report = report,
                       .file = files[kind],
                       .columns = columns[kind],
                       .errors_before = report->error_count};
    csv_table_t table;
    if (csv_table_read(path, &table) < 0) {
        add_message(report->errors, &report->error_count, "%s: %s", files[kind], table.error);
        return 1;
    }
    int outcome = 1;
    void *rows = NULL;
    size_t count = table.row_count ? table.row_count - 1 : 0;
    fr->rows = count;
    if (check_header(&fc, &table, column_counts[kind]) == 0) {
        methodology_rows_t methodologies = {0};
        if (kind == FILE_METHODOLOGIES) {
            check_methodologies(&fc, &table, &methodologies, actor);
            rows = methodologies.items;
        } else if (kind == FILE_PROJECTS) {
            rows = calloc(count ? count : 1, sizeof(project_row_t));
            if (rows) check_projects(&fc, &table, rows, actor);
        } else {
            rows = calloc(count ? count : 1, sizeof(issuance_row_t));
            if (rows) check_issuances(&fc, &table, rows, actor);
        }
        if (!rows)
            add_message(report->errors, &report->error_count, "%s: out of memory", files[kind]);
        else if (report->error_count == fc.errors_before) {
            file_apply_t apply = {.kind = kind, .rows = rows, .count = count, .file_report = fr};
            db_error_t err = {0};
            int rc = writer_execute(w, apply_file, &apply, &err);
            if (rc == WRITER_ACCEPTED) {
                fr->applied = 1;
                outcome = 0;
            } else if (rc == WRITER_REJECTED) {
                fr->added = fr->existing = 0; /* rolled back: nothing of the file was applied */
                const csv_row_t *row = &table.rows[apply.failed_row];
                add_message(report->errors, &report->error_count, "%s:%zu:1 (%s): check %d %s: %s",
                            files[kind], row->line, row->fields[0], (int)apply.result.check,
                            a6_check_name(apply.result.check), apply.result.message);
            } else {
                add_message(report->errors, &report->error_count, "%s: storage error: %s",
                            files[kind], err.message);
                outcome = -1;
            }
        }
    }
    free(rows);
    csv_table_release(&table);
    return outcome;
}

int jcm_import_dir(writer_t *w, const char *dir, const char *actor, jcm_import_report_t *report)
{
    memset(report, 0, sizeof *report);
    int worst = 0;
    for (int kind = FILE_METHODOLOGIES; kind <= FILE_ISSUANCES; kind++) {
        int rc = import_file(w, dir, (file_kind_t)kind, actor, report);
        if (rc < 0) return -1;
        if (rc > 0) worst = 1;
    }
    return worst;
}

void jcm_import_report_release(jcm_import_report_t *report)
{
    for (size_t i = 0; i < report->error_count; i++)
        free(report->errors[i]);
    for (size_t i = 0; i < report->missing_count; i++)
        free(report->missing[i]);
    report->error_count = report->missing_count = 0;
}
