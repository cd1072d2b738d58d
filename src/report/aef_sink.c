/* aef_sink.c: the three destinations of an AEF report (XLSX workbook, CSV directory, JSON
 * document), each written row by row to a temporary file that is renamed into place only once it
 * is complete, so that a failed export never leaves a half file under the final name.
 *
 * No global state: every sink owns its buffers and files, so two exports may run at once in
 * different threads (to different paths: two exports to the same path share its ".tmp" file).
 * One known race is libxlsxwriter's own (1.1.4, seen with TSan): workbook_close formats the
 * document's creation time with gmtime(), whose static buffer two closes share; at worst a
 * workbook gets a wrong creation time in docProps/core.xml, which a lock around the whole close
 * (minutes for a large report) would cost more than it saves. */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "aef_sink.h"

#define AEF_PATH_BYTES_MAX 4096      /* a path given to aef_sink_open, NUL included */
#define AEF_PATH_SUFFIX_BYTES_MAX 16 /* what the sink appends: "/T1.csv.tmp" */
#define AEF_ERROR_BYTES_MAX (AEF_PATH_BYTES_MAX + 512)
#define AEF_XLSX_ROWS_MAX (LXW_ROW_MAX - 1)     /* data rows under the header row */
#define AEF_XLSX_INTEGER_MAX (INT64_C(1) << 53) /* beyond, doubles skip integers */

typedef struct aef_sink_ops aef_sink_ops_t;

struct aef_sink {
    const aef_sink_ops_t *ops;
    int table;              /* the open table, or -1 */
    int tables_done;        /* tables finished: the next begin_table must be this one */
    uint64_t row_count;     /* rows written to the open table */
    bool failed;            /* sticky: every later call returns -1 and close discards the output */
    FILE *file;             /* CSV: the open table's file; JSON: the document */
    bool to_stdout;         /* JSON to "-": never closed, nothing to rename */
    bool created_directory; /* CSV: the directory is ours to remove on failure */
    unsigned committed_tables; /* CSV: bit t set when T(t+1).csv was renamed into place */
    lxw_workbook *workbook;
    lxw_worksheet *sheets[AEF_TABLE_COUNT];
    lxw_format *bold;
    char path[AEF_PATH_BYTES_MAX];                                   /* as given to open */
    char final_path[AEF_PATH_BYTES_MAX + AEF_PATH_SUFFIX_BYTES_MAX]; /* the file being made */
    char temp_path[AEF_PATH_BYTES_MAX + AEF_PATH_SUFFIX_BYTES_MAX];  /* "" when none exists */
    char error[AEF_ERROR_BYTES_MAX];
};

/* One sink format. open, begin, row, end and finish return 0 or -1 after sink_fail; discard
 * releases whatever is left and removes the temporary files, and cannot fail. */
struct aef_sink_ops {
    int (*open)(aef_sink_t *sink);
    int (*begin)(aef_sink_t *sink, const aef_table_spec_t *spec);
    int (*row)(aef_sink_t *sink, const aef_table_spec_t *spec, const aef_cell_t *cells);
    int (*end)(aef_sink_t *sink);
    int (*finish)(aef_sink_t *sink);
    void (*discard)(aef_sink_t *sink);
};

/* ---- errors and paths ---- */

/* Records the first failure (later ones only repeat its consequences) and returns -1. */
__attribute__((format(printf, 2, 3))) static int sink_fail(aef_sink_t *sink, const char *format,
                                                           ...)
{
    if (!sink->failed) {
        va_list args;
        va_start(args, format);
        vsnprintf(sink->error, sizeof sink->error, format, args);
        va_end(args);
    }
    sink->failed = true;
    return -1;
}

/* strerror is not thread-safe; _GNU_SOURCE (set by the build) selects the char * strerror_r. */
static const char *errno_text(int errnum, char *buffer, size_t size)
{
    return strerror_r(errnum, buffer, size);
}

/* "cannot <action> <path>: <strerror(errnum)>" */
static int sink_fail_errno(aef_sink_t *sink, int errnum, const char *action, const char *path)
{
    char reason[128];
    return sink_fail(sink, "cannot %s %s: %s", action, path,
                     errno_text(errnum, reason, sizeof reason));
}

/* The file a write error concerns. */
static const char *output_name(const aef_sink_t *sink)
{
    return sink->to_stdout ? "standard output" : sink->temp_path;
}

static int sink_fail_write(aef_sink_t *sink)
{
    return sink_fail_errno(sink, errno ? errno : EIO, "write", output_name(sink));
}

/* Formats a path into buffer; false when it does not fit. */
__attribute__((format(printf, 3, 4))) static bool path_format(char *buffer, size_t size,
                                                              const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int length = vsnprintf(buffer, size, format, args);
    va_end(args);
    return length >= 0 && (size_t)length < size;
}

/* Sets final_path to the given file and temp_path to it plus ".tmp". */
static int paths_set(aef_sink_t *sink, const char *directory, const char *file)
{
    bool fits =
        directory ? path_format(sink->final_path, sizeof sink->final_path, "%s/%s", directory, file)
                  : path_format(sink->final_path, sizeof sink->final_path, "%s", file);
    if (!fits || !path_format(sink->temp_path, sizeof sink->temp_path, "%s.tmp", sink->final_path))
        return sink_fail(sink, "path too long: %s", sink->path);
    return 0;
}

static FILE *temp_create(aef_sink_t *sink)
{
    errno = 0;
    FILE *file = fopen(sink->temp_path, "wb");
    if (!file) {
        sink_fail_errno(sink, errno ? errno : EIO, "create", sink->temp_path);
        sink->temp_path[0] = '\0'; /* nothing to remove */
    }
    return file;
}

/* Closes sink->file (flushes it for stdout), checking the write errors a buffer hid until now. */
static int file_close(aef_sink_t *sink)
{
    FILE *file = sink->file;
    sink->file = NULL;
    errno = 0;
    if (sink->to_stdout) return fflush(file) == 0 && !ferror(file) ? 0 : sink_fail_write(sink);
    bool failed = ferror(file) != 0;
    if (fclose(file) != 0 || failed) return sink_fail_write(sink);
    return 0;
}

/* Renames the finished temporary file to its final name. */
static int temp_commit(aef_sink_t *sink)
{
    if (rename(sink->temp_path, sink->final_path) != 0) {
        int errnum = errno;
        char reason[128];
        sink_fail(sink, "cannot rename %s to %s: %s", sink->temp_path, sink->final_path,
                  errno_text(errnum, reason, sizeof reason));
        return -1; /* temp_path stays set: discard removes it */
    }
    sink->temp_path[0] = '\0';
    return 0;
}

static void temp_remove(aef_sink_t *sink)
{
    if (sink->temp_path[0]) unlink(sink->temp_path);
    sink->temp_path[0] = '\0';
}

/* ---- CSV ---- */

/* Writes text formula-safe: a leading =, +, -, @, tab or CR gets a single quote before it, so a
 * spreadsheet shows the text instead of evaluating it; comma, quote, CR or LF quote the field. */
static int csv_text(FILE *out, const char *text)
{
    bool formula = text[0] != '\0' && strchr("=+-@\t\r", text[0]) != NULL;
    bool quoted = text[strcspn(text, ",\"\r\n")] != '\0';
    if (quoted && fputc('"', out) == EOF) return -1;
    if (formula && fputc('\'', out) == EOF) return -1;
    for (const char *p = text; *p != '\0';) {
        size_t span = strcspn(p, "\"");
        if (span > 0 && fwrite(p, 1, span, out) != span) return -1;
        p += span;
        if (*p == '"') {
            if (fputs("\"\"", out) == EOF) return -1;
            p++;
        }
    }
    if (quoted && fputc('"', out) == EOF) return -1;
    return 0;
}

int aef_csv_cell(FILE *out, const aef_cell_t *cell)
{
    if (!cell) {
        errno = EINVAL;
        return -1;
    }
    switch (cell->kind) {
    case AEF_CELL_EMPTY:
        return 0;
    case AEF_CELL_INTEGER:
        return fprintf(out, "%" PRId64, cell->integer) < 0 ? -1 : 0;
    case AEF_CELL_TEXT:
        if (cell->text) return csv_text(out, cell->text);
        break;
    }
    errno = EINVAL; /* not a write error, but a cell that cannot be written */
    return -1;
}

/* Writes one record: cells separated by commas, ended by CRLF (RFC 4180). */
static int csv_record(FILE *out, const aef_cell_t *cells, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (i > 0 && fputc(',', out) == EOF) return -1;
        if (aef_csv_cell(out, &cells[i]) != 0) return -1;
    }
    return fputs("\r\n", out) == EOF ? -1 : 0;
}

/* The header record: the column names, which need no escaping but get it anyway. */
static int csv_header(FILE *out, const aef_table_spec_t *spec)
{
    for (size_t i = 0; i < spec->column_count; i++) {
        if (i > 0 && fputc(',', out) == EOF) return -1;
        if (csv_text(out, spec->columns[i]) != 0) return -1;
    }
    return fputs("\r\n", out) == EOF ? -1 : 0;
}

static int csv_open(aef_sink_t *sink)
{
    if (mkdir(sink->path, 0755) == 0) {
        sink->created_directory = true;
        return 0;
    }
    int errnum = errno;
    struct stat status;
    if (errnum != EEXIST) return sink_fail_errno(sink, errnum, "create directory", sink->path);
    if (stat(sink->path, &status) != 0) return sink_fail_errno(sink, errno, "open", sink->path);
    if (!S_ISDIR(status.st_mode))
        return sink_fail(sink, "cannot write CSV files into %s: not a directory", sink->path);
    return 0;
}

static int csv_begin(aef_sink_t *sink, const aef_table_spec_t *spec)
{
    char file[AEF_PATH_SUFFIX_BYTES_MAX];
    snprintf(file, sizeof file, "%s.csv", spec->key);
    if (paths_set(sink, sink->path, file) != 0) return -1;
    sink->file = temp_create(sink);
    if (!sink->file) return -1;
    errno = 0;
    return csv_header(sink->file, spec) == 0 ? 0 : sink_fail_write(sink);
}

static int csv_row(aef_sink_t *sink, const aef_table_spec_t *spec, const aef_cell_t *cells)
{
    assert(sink->file);
    errno = 0;
    return csv_record(sink->file, cells, spec->column_count) == 0 ? 0 : sink_fail_write(sink);
}

static int csv_end(aef_sink_t *sink)
{
    assert(sink->file && sink->temp_path[0]);
    if (file_close(sink) != 0 || temp_commit(sink) != 0) return -1;
    sink->committed_tables |= 1u << sink->table;
    return 0;
}

static int csv_finish(aef_sink_t *sink)
{
    return 0; /* every table was renamed into place by its end_table */
}

/* Removes the open table's temporary file; when the directory is ours, also the tables already
 * renamed into it and the directory, so a failed export into a new directory leaves nothing. */
static void csv_discard(aef_sink_t *sink)
{
    if (sink->file) fclose(sink->file);
    sink->file = NULL;
    temp_remove(sink);
    if (!sink->created_directory) return;
    for (int t = 0; t < AEF_TABLE_COUNT; t++) {
        char file[AEF_PATH_BYTES_MAX + AEF_PATH_SUFFIX_BYTES_MAX];
        if ((sink->committed_tables & (1u << t)) &&
            path_format(file, sizeof file, "%s/%s.csv", sink->path, aef_table_spec(t)->key))
            unlink(file);
    }
    rmdir(sink->path);
}

/* ---- JSON ---- */

/* Writes text as a JSON string: quote, backslash and the C0 controls escaped, the rest (valid
 * UTF-8 by the caller's contract) copied as it is. */
static int json_string(FILE *out, const char *text)
{
    if (fputc('"', out) == EOF) return -1;
    for (const char *p = text; *p != '\0';) {
        const char *run = p;
        while ((unsigned char)*p >= 0x20 && *p != '"' && *p != '\\')
            p++;
        size_t span = (size_t)(p - run);
        if (span > 0 && fwrite(run, 1, span, out) != span) return -1;
        if (*p == '\0') break;
        unsigned char c = (unsigned char)*p++;
        const char *escape = c == '"'    ? "\\\""
                             : c == '\\' ? "\\\\"
                             : c == '\n' ? "\\n"
                             : c == '\r' ? "\\r"
                             : c == '\t' ? "\\t"
                             : c == '\b' ? "\\b"
                             : c == '\f' ? "\\f"
                                         : NULL;
        if (escape ? fputs(escape, out) == EOF : fprintf(out, "\\u%04x", c) < 0) return -1;
    }
    return fputc('"', out) == EOF ? -1 : 0;
}

static int json_value(FILE *out, const aef_cell_t *cell)
{
    switch (cell->kind) {
    case AEF_CELL_EMPTY:
        return fputs("null", out) == EOF ? -1 : 0;
    case AEF_CELL_INTEGER:
        return fprintf(out, "%" PRId64, cell->integer) < 0 ? -1 : 0;
    case AEF_CELL_TEXT:
        return json_string(out, cell->text);
    }
    return -1;
}

static int json_open(aef_sink_t *sink)
{
    if (strcmp(sink->path, "-") == 0) {
        sink->file = stdout;
        sink->to_stdout = true;
    } else {
        if (paths_set(sink, NULL, sink->path) != 0) return -1;
        sink->file = temp_create(sink);
        if (!sink->file) return -1;
    }
    errno = 0;
    return fputc('{', sink->file) == EOF ? sink_fail_write(sink) : 0;
}

static int json_begin(aef_sink_t *sink, const aef_table_spec_t *spec)
{
    FILE *out = sink->file;
    errno = 0;
    if (fputs(sink->tables_done == 0 ? "\n  " : ",\n  ", out) == EOF ||
        json_string(out, spec->key) != 0 || fputs(": [", out) == EOF)
        return sink_fail_write(sink);
    return 0;
}

/* One row as an object keyed by the exact column names, in column order. */
static int json_row(aef_sink_t *sink, const aef_table_spec_t *spec, const aef_cell_t *cells)
{
    FILE *out = sink->file;
    assert(out);
    errno = 0;
    bool ok = fputs(sink->row_count == 0 ? "\n    {" : ",\n    {", out) != EOF;
    for (size_t i = 0; ok && i < spec->column_count; i++)
        ok = (i == 0 || fputs(", ", out) != EOF) && json_string(out, spec->columns[i]) == 0 &&
             fputs(": ", out) != EOF && json_value(out, &cells[i]) == 0;
    if (!ok || fputc('}', out) == EOF) return sink_fail_write(sink);
    return 0;
}

static int json_end(aef_sink_t *sink)
{
    errno = 0;
    return fputs(sink->row_count == 0 ? "]" : "\n  ]", sink->file) == EOF ? sink_fail_write(sink)
                                                                          : 0;
}

static int json_finish(aef_sink_t *sink)
{
    errno = 0;
    if (fputs("\n}\n", sink->file) == EOF) return sink_fail_write(sink);
    if (file_close(sink) != 0) return -1;
    return sink->to_stdout ? 0 : temp_commit(sink);
}

/* To standard output, what was written stays written: the reader sees a truncated document. */
static void json_discard(aef_sink_t *sink)
{
    if (sink->file && !sink->to_stdout) fclose(sink->file);
    if (sink->file && sink->to_stdout) fflush(sink->file);
    sink->file = NULL;
    temp_remove(sink);
}

/* ---- XLSX ---- */

/* Creates the temporary file first: libxlsxwriter opens its output only in workbook_close, so
 * an unwritable path would otherwise show only after the whole export. */
static int xlsx_open(aef_sink_t *sink)
{
    if (paths_set(sink, NULL, sink->path) != 0) return -1;
    FILE *probe = temp_create(sink);
    if (!probe) return -1;
    fclose(probe);
    char *tmpdir = getenv("TMPDIR");
    lxw_workbook_options options = {
        .constant_memory = LXW_TRUE,
        .tmpdir = tmpdir && tmpdir[0] ? tmpdir : NULL,
    };
    sink->workbook = workbook_new_opt(sink->temp_path, &options);
    if (!sink->workbook)
        return sink_fail(sink, "cannot create workbook %s: out of memory", sink->path);
    sink->bold = workbook_add_format(sink->workbook);
    if (!sink->bold) return sink_fail(sink, "cannot create workbook %s: out of memory", sink->path);
    format_set_bold(sink->bold);
    return 0;
}

static int xlsx_cell_fail(aef_sink_t *sink, const aef_table_spec_t *spec, size_t column,
                          const char *reason)
{
    return sink_fail(sink, "%s: %s row %" PRIu64 " column \"%s\": %s", sink->path, spec->key,
                     sink->row_count + 1, spec->columns[column], reason);
}

static int xlsx_begin(aef_sink_t *sink, const aef_table_spec_t *spec)
{
    lxw_worksheet *sheet = workbook_add_worksheet(sink->workbook, spec->title);
    if (!sheet)
        return sink_fail(sink, "cannot add sheet \"%s\" to %s: out of memory or no temporary file",
                         spec->title, sink->path);
    sink->sheets[sink->table] = sheet;
    for (size_t i = 0; i < spec->column_count; i++) {
        lxw_error error =
            worksheet_write_string(sheet, 0, (lxw_col_t)i, spec->columns[i], sink->bold);
        if (error != LXW_NO_ERROR)
            return sink_fail(sink, "%s: %s header: %s", sink->path, spec->key, lxw_strerror(error));
    }
    return 0;
}

/* Text with worksheet_write_string, never as a formula even when it starts with '='. */
static int xlsx_row(aef_sink_t *sink, const aef_table_spec_t *spec, const aef_cell_t *cells)
{
    if (sink->row_count >= AEF_XLSX_ROWS_MAX)
        return sink_fail(sink, "%s: %s has more than %d rows, the most an XLSX sheet holds",
                         sink->path, spec->key, AEF_XLSX_ROWS_MAX);
    lxw_worksheet *sheet = sink->sheets[sink->table];
    assert(sheet);
    lxw_row_t row = (lxw_row_t)(sink->row_count + 1);
    for (size_t i = 0; i < spec->column_count; i++) {
        const aef_cell_t *cell = &cells[i];
        lxw_error error = LXW_NO_ERROR;
        if (cell->kind == AEF_CELL_TEXT) {
            error = worksheet_write_string(sheet, row, (lxw_col_t)i, cell->text, NULL);
        } else if (cell->kind == AEF_CELL_INTEGER) {
            if (cell->integer > AEF_XLSX_INTEGER_MAX || cell->integer < -AEF_XLSX_INTEGER_MAX)
                return xlsx_cell_fail(sink, spec, i, "integer beyond 2^53, not exact in XLSX");
            error = worksheet_write_number(sheet, row, (lxw_col_t)i, (double)cell->integer, NULL);
        }
        if (error != LXW_NO_ERROR) return xlsx_cell_fail(sink, spec, i, lxw_strerror(error));
    }
    return 0;
}

/* libxlsxwriter (1.1.4) does not check its writes to a sheet's constant-memory temporary file
 * (in $TMPDIR): a full disk there would give a truncated sheet in a valid-looking workbook. */
static int xlsx_sheets_check(aef_sink_t *sink)
{
    for (int t = 0; t < AEF_TABLE_COUNT; t++) {
        FILE *file = sink->sheets[t] ? sink->sheets[t]->optimize_tmpfile : NULL;
        errno = 0;
        if (file && (fflush(file) != 0 || ferror(file))) {
            char reason[128];
            return sink_fail(sink, "cannot write the temporary file of sheet \"%s\" of %s: %s",
                             aef_table_spec(t)->title, sink->path,
                             errno_text(errno ? errno : EIO, reason, sizeof reason));
        }
    }
    return 0;
}

static int xlsx_end(aef_sink_t *sink)
{
    return xlsx_sheets_check(sink); /* the sheet stays in the workbook until workbook_close */
}

static int xlsx_finish(aef_sink_t *sink)
{
    if (xlsx_sheets_check(sink) != 0) return -1;
    lxw_error error = workbook_close(sink->workbook); /* frees the workbook, even on error */
    sink->workbook = NULL;
    if (error != LXW_NO_ERROR)
        return sink_fail(sink, "cannot write %s: %s", sink->temp_path, lxw_strerror(error));
    return temp_commit(sink);
}

/* lxw_workbook_free (1.1.4) frees without closing the sheets' constant-memory temporary files,
 * so they are closed here first. */
static void xlsx_discard(aef_sink_t *sink)
{
    if (sink->workbook) {
        for (int t = 0; t < AEF_TABLE_COUNT; t++) {
            if (sink->sheets[t] && sink->sheets[t]->optimize_tmpfile) {
                fclose(sink->sheets[t]->optimize_tmpfile);
                sink->sheets[t]->optimize_tmpfile = NULL;
            }
        }
        lxw_workbook_free(sink->workbook);
        sink->workbook = NULL;
    }
    temp_remove(sink);
}

/* ---- the sink ---- */

static const aef_sink_ops_t xlsx_ops = {xlsx_open, xlsx_begin,  xlsx_row,
                                        xlsx_end,  xlsx_finish, xlsx_discard};
static const aef_sink_ops_t csv_ops = {csv_open, csv_begin,  csv_row,
                                       csv_end,  csv_finish, csv_discard};
static const aef_sink_ops_t json_ops = {json_open, json_begin,  json_row,
                                        json_end,  json_finish, json_discard};

static const aef_sink_ops_t *ops_of(aef_format_t format)
{
    switch (format) {
    case AEF_FORMAT_XLSX:
        return &xlsx_ops;
    case AEF_FORMAT_CSV:
        return &csv_ops;
    case AEF_FORMAT_JSON:
        return &json_ops;
    }
    return NULL;
}

static void error_copy(char *error, size_t error_size, const char *message)
{
    if (error && error_size > 0) snprintf(error, error_size, "%s", message);
}

aef_sink_t *aef_sink_open(aef_format_t format, const char *path, char *error, size_t error_size)
{
    const aef_sink_ops_t *ops = ops_of(format);
    if (!ops) {
        error_copy(error, error_size, "unknown report format (expected xlsx, csv or json)");
        return NULL;
    }
    if (!path || path[0] == '\0') {
        error_copy(error, error_size, "no output path");
        return NULL;
    }
    if (strlen(path) >= AEF_PATH_BYTES_MAX) {
        if (error && error_size > 0)
            snprintf(error, error_size, "output path too long (%zu bytes, at most %d)",
                     strlen(path), AEF_PATH_BYTES_MAX - 1);
        return NULL;
    }
    if (strcmp(path, "-") == 0 && format != AEF_FORMAT_JSON) {
        error_copy(error, error_size, "standard output (\"-\") is only for JSON");
        return NULL;
    }
    aef_sink_t *sink = calloc(1, sizeof *sink);
    if (!sink) {
        error_copy(error, error_size, "out of memory");
        return NULL;
    }
    sink->ops = ops;
    sink->table = -1;
    snprintf(sink->path, sizeof sink->path, "%s", path);
    if (ops->open(sink) != 0) {
        aef_sink_close(sink, error, error_size);
        return NULL;
    }
    return sink;
}

int aef_sink_begin_table(aef_sink_t *sink, aef_table_id_t table)
{
    if (!sink) return -1;
    if (sink->failed) return -1;
    const aef_table_spec_t *spec = aef_table_spec(table);
    if (!spec) return sink_fail(sink, "begin_table: unknown table %d", (int)table);
    if (sink->table >= 0)
        return sink_fail(sink, "begin_table(%s) while %s is open (end_table missing)", spec->key,
                         aef_table_spec(sink->table)->key);
    if ((int)table != sink->tables_done)
        return sink_fail(sink, "begin_table(%s) out of order: expected %s", spec->key,
                         sink->tables_done < AEF_TABLE_COUNT
                             ? aef_table_spec(sink->tables_done)->key
                             : "no more tables");
    sink->table = (int)table;
    sink->row_count = 0;
    return sink->ops->begin(sink, spec);
}

/* A cell the sinks can write: a known kind, text present for TEXT. */
static int cells_check(aef_sink_t *sink, const aef_table_spec_t *spec, const aef_cell_t *cells)
{
    if (!cells)
        return sink_fail(sink, "%s row %" PRIu64 ": no cells", spec->key, sink->row_count + 1);
    for (size_t i = 0; i < spec->column_count; i++) {
        bool known = cells[i].kind == AEF_CELL_EMPTY || cells[i].kind == AEF_CELL_INTEGER ||
                     (cells[i].kind == AEF_CELL_TEXT && cells[i].text);
        if (!known)
            return sink_fail(sink, "%s row %" PRIu64 " column \"%s\": %s", spec->key,
                             sink->row_count + 1, spec->columns[i],
                             cells[i].kind == AEF_CELL_TEXT ? "text cell without text"
                                                            : "unknown cell kind");
    }
    return 0;
}

int aef_sink_row(aef_sink_t *sink, const aef_cell_t *cells)
{
    if (!sink) return -1;
    if (sink->failed) return -1;
    if (sink->table < 0) return sink_fail(sink, "row outside a table (begin_table missing)");
    const aef_table_spec_t *spec = aef_table_spec(sink->table);
    if (cells_check(sink, spec, cells) != 0) return -1;
    if (sink->ops->row(sink, spec, cells) != 0) return -1;
    sink->row_count++;
    return 0;
}

int aef_sink_end_table(aef_sink_t *sink)
{
    if (!sink) return -1;
    if (sink->failed) return -1;
    if (sink->table < 0) return sink_fail(sink, "end_table outside a table");
    if (sink->ops->end(sink) != 0) return -1;
    sink->table = -1;
    sink->tables_done++;
    return 0;
}

/* "" while nothing failed. */
const char *aef_sink_error(const aef_sink_t *sink)
{
    return sink ? sink->error : "no sink";
}

/* Closing before the five tables are complete is a failure too: the output is discarded. A NULL
 * sink (open failed) is nothing to close: 0, error untouched. */
int aef_sink_close(aef_sink_t *sink, char *error, size_t error_size)
{
    if (!sink) return 0;
    if (!sink->failed && sink->table >= 0)
        sink_fail(sink, "%s: closed while %s is open (incomplete report discarded)", sink->path,
                  aef_table_spec(sink->table)->key);
    if (!sink->failed && sink->tables_done < AEF_TABLE_COUNT)
        sink_fail(sink, "%s: closed after %d of %d tables (incomplete report discarded)",
                  sink->path, sink->tables_done, AEF_TABLE_COUNT);
    if (!sink->failed) sink->ops->finish(sink);
    if (sink->failed) sink->ops->discard(sink);
    int result = sink->failed ? -1 : 0;
    error_copy(error, error_size, sink->error);
    free(sink);
    return result;
}
