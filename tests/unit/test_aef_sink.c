/* test_aef_sink.c: unit tests of report/aef_sink: formula-safe CSV escaping byte for byte, the
 * five CSV files and their headers, JSON parsed back with jansson, the XLSX workbook read back
 * (openpyxl, or its XML with the Python standard library), misuse and unwritable or failing
 * outputs returning -1 with a message and leaving nothing behind, concurrent exports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/aef_sink.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define PATH_BYTES 1024
#define LISTING_BYTES 512
#define COLUMNS_MAX 32

/* initializers of cells, and the same cells as values */
/* clang-format off */
#define EMPTY {.kind = AEF_CELL_EMPTY}
#define TEXT(s) {.kind = AEF_CELL_TEXT, .text = (s)}
#define INTEGER(n) {.kind = AEF_CELL_INTEGER, .integer = (n)}
/* clang-format on */
#define EMPTY_CELL ((aef_cell_t)EMPTY)
#define TEXT_CELL(s) ((aef_cell_t)TEXT(s))
#define INTEGER_CELL(n) ((aef_cell_t)INTEGER(n))

/* ---- fixture: one temporary directory per test ---- */

typedef struct fixture {
    char dir[PATH_BYTES];
} fixture_t;

static int dir_setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    if (!f) return -1;
    const char *base = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/aef_sink_XXXXXX", base && base[0] ? base : "/tmp");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int remove_entry(const char *path, const struct stat *status, int flag, struct FTW *walk)
{
    return remove(path);
}

static int dir_teardown(void **state)
{
    fixture_t *f = *state;
    int result = nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return result;
}

/* ---- helpers ---- */

static void path_in(char *out, const char *dir, const char *name)
{
    int length = snprintf(out, PATH_BYTES, "%s/%s", dir, name);
    assert_true(length > 0 && length < PATH_BYTES);
}

/* Appends to the NUL-terminated text in out (size bytes), truncating. */
__attribute__((format(printf, 3, 4))) static void append(char *out, size_t size, const char *format,
                                                         ...)
{
    size_t used = strlen(out);
    va_list args;
    va_start(args, format);
    vsnprintf(out + used, size - used, format, args);
    va_end(args);
}

/* The whole file, NUL-terminated; the caller frees it. */
static char *file_read(const char *path, size_t *size)
{
    FILE *file = fopen(path, "rb");
    if (!file) fail_msg("cannot open %s", path);
    char *data = NULL;
    size_t length = 0;
    FILE *memory = open_memstream(&data, &length);
    assert_non_null(memory);
    char buffer[4096];
    size_t got;
    while ((got = fread(buffer, 1, sizeof buffer, file)) > 0)
        assert_int_equal(fwrite(buffer, 1, got, memory), got);
    fclose(file);
    fclose(memory);
    if (size) *size = length;
    return data;
}

static int name_compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The directory's entries, sorted, joined by commas ("" when empty or missing). */
static void dir_listing(const char *dir, char *out, size_t size)
{
    char *names[64];
    size_t count = 0;
    out[0] = '\0';
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
        assert_true(count < COUNT_OF(names));
        names[count++] = strdup(entry->d_name);
    }
    closedir(d);
    qsort(names, count, sizeof names[0], name_compare);
    for (size_t i = 0; i < count; i++) {
        append(out, size, "%s%s", i ? "," : "", names[i]);
        free(names[i]);
    }
}

/* Open file descriptors of this process: a discarded sink must not leak any. */
static size_t fd_count(void)
{
    size_t count = 0;
    DIR *d = opendir("/proc/self/fd");
    if (!d) return 0;
    while (readdir(d) != NULL)
        count++;
    closedir(d);
    return count;
}

static void assert_listing(const char *dir, const char *expected)
{
    char listing[LISTING_BYTES];
    dir_listing(dir, listing, sizeof listing);
    assert_string_equal(listing, expected);
}

/* The spec's column names joined by commas, then CRLF: the header record of a CSV file. */
static void header_line(aef_table_id_t table, char *out, size_t size)
{
    const aef_table_spec_t *spec = aef_table_spec(table);
    out[0] = '\0';
    for (size_t i = 0; i < spec->column_count; i++)
        append(out, size, "%s%s", i ? "," : "", spec->columns[i]);
    append(out, size, "\r\n");
}

/* ---- the sample report every format writes ---- */

/* T1 row 1: an ordinary submission row, except a formula and a negative number as text. */
static const aef_cell_t t1_row1[] = {
    TEXT("VNM"),      INTEGER(2),    INTEGER(2025), TEXT("2026-04-15"), EMPTY,
    TEXT("=SUM(A1)"), INTEGER(2021), INTEGER(2030), TEXT("-1"),
};
/* T1 row 2: every tricky CSV case. */
static const aef_cell_t t1_row2[] = {
    TEXT("+1"),         INTEGER(-1),          TEXT("@x"), TEXT("\tx"), TEXT("a,b"),
    TEXT("say \"hi\""), TEXT("line1\nline2"), TEXT(""),   TEXT("\rx"),
};

static const char unicode_text[] = "Vi\xe1\xbb\x87t Nam \xe2\x80\x94 \xe2\x80\x9cok\xe2\x80\x9d";
static const char control_text[] = "back\\slash, tab\there, \x01 and \x1f";

/* Row cells for T3 and T5, EMPTY except the named columns. */
static void t3_row(aef_cell_t *cells)
{
    const aef_table_spec_t *spec = aef_table_spec(AEF_T3_ACTIONS);
    for (size_t i = 0; i < spec->column_count; i++) {
        const char *name = spec->columns[i];
        cells[i] = EMPTY_CELL;
        if (strcmp(name, "Action date") == 0) cells[i] = TEXT_CELL("2026-01-02");
        if (strcmp(name, "First ID") == 0) cells[i] = INTEGER_CELL(1);
        if (strcmp(name, "Last ID") == 0) cells[i] = INTEGER_CELL(5000);
        if (strcmp(name, "Quantity (t CO2 eq)") == 0) cells[i] = INTEGER_CELL(5000);
        if (strcmp(name, "Vintage") == 0) cells[i] = INTEGER_CELL(2023);
        if (strcmp(name, "Additional information") == 0) cells[i] = TEXT_CELL(unicode_text);
    }
}

static void t5_row(aef_cell_t *cells)
{
    const aef_table_spec_t *spec = aef_table_spec(AEF_T5_ENTITIES);
    for (size_t i = 0; i < spec->column_count; i++) {
        cells[i] = EMPTY_CELL;
        if (strcmp(spec->columns[i], "Name") == 0) cells[i] = TEXT_CELL("Japan Carbon Buyer KK");
        if (strcmp(spec->columns[i], "Conditions") == 0) cells[i] = TEXT_CELL(control_text);
    }
}

/* Writes the sample: T1 two rows, T2 none, T3 one, T4 none, T5 one. Returns close's result. */
static int sample_export(aef_format_t format, const char *path, char *error, size_t error_size)
{
    aef_sink_t *sink = aef_sink_open(format, path, error, error_size);
    if (!sink) return -1;
    aef_cell_t t3[COLUMNS_MAX], t5[COLUMNS_MAX];
    t3_row(t3);
    t5_row(t5);
    int ok =
        aef_sink_begin_table(sink, AEF_T1_SUBMISSION) == 0 && aef_sink_row(sink, t1_row1) == 0 &&
        aef_sink_row(sink, t1_row2) == 0 && aef_sink_end_table(sink) == 0 &&
        aef_sink_begin_table(sink, AEF_T2_AUTHORIZATIONS) == 0 && aef_sink_end_table(sink) == 0 &&
        aef_sink_begin_table(sink, AEF_T3_ACTIONS) == 0 && aef_sink_row(sink, t3) == 0 &&
        aef_sink_end_table(sink) == 0 && aef_sink_begin_table(sink, AEF_T4_HOLDINGS) == 0 &&
        aef_sink_end_table(sink) == 0 && aef_sink_begin_table(sink, AEF_T5_ENTITIES) == 0 &&
        aef_sink_row(sink, t5) == 0 && aef_sink_end_table(sink) == 0;
    int closed = aef_sink_close(sink, error, error_size);
    return ok ? closed : -1;
}

static void sample_export_ok(aef_format_t format, const char *path)
{
    char error[512] = "";
    if (sample_export(format, path, error, sizeof error) != 0)
        fail_msg("export to %s failed: %s", path, error);
}

/* ---- CSV ---- */

typedef struct csv_case {
    aef_cell_t cell;
    const char *expected;
} csv_case_t;

static void csv_cell_escaping(void **state)
{
    /* clang-format off */
    static const csv_case_t cases[] = {
        {TEXT("=SUM(A1)"),        "'=SUM(A1)"},
        {TEXT("+1"),              "'+1"},
        {TEXT("-1"),              "'-1"},
        {INTEGER(-1),             "-1"},
        {INTEGER(0),              "0"},
        {INTEGER(INT64_MAX),      "9223372036854775807"},
        {INTEGER(INT64_MIN),      "-9223372036854775808"},
        {TEXT("@x"),              "'@x"},
        {TEXT("\tx"),             "'\tx"},
        {TEXT("\rx"),             "\"'\rx\""},
        {TEXT("a,b"),             "\"a,b\""},
        {TEXT("say \"hi\""),      "\"say \"\"hi\"\"\""},
        {TEXT("\""),              "\"\"\"\""},
        {TEXT("line1\nline2"),    "\"line1\nline2\""},
        {TEXT("=1,2"),            "\"'=1,2\""},
        {TEXT("-"),               "'-"},
        {TEXT("x=1-2"),           "x=1-2"},
        {TEXT(" =1"),             " =1"},
        {TEXT("a\tb"),            "a\tb"},
        {TEXT(unicode_text),      unicode_text},
        {TEXT(""),                ""},
        {EMPTY,                   ""},
    };
    /* clang-format on */
    for (size_t i = 0; i < COUNT_OF(cases); i++) {
        char *data = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&data, &size);
        assert_non_null(out);
        assert_int_equal(aef_csv_cell(out, &cases[i].cell), 0);
        fclose(out);
        if (size != strlen(cases[i].expected) || memcmp(data, cases[i].expected, size) != 0)
            fail_msg("case %zu: got [%s], expected [%s]", i, data, cases[i].expected);
        free(data);
    }
}

static void csv_cell_rejects(void **state)
{
    FILE *null_out = fopen("/dev/null", "w");
    assert_non_null(null_out);
    aef_cell_t no_text = {.kind = AEF_CELL_TEXT, .text = NULL};
    aef_cell_t bad_kind = {.kind = (aef_cell_kind_t)9};
    assert_int_equal(aef_csv_cell(null_out, &no_text), -1);
    assert_int_equal(aef_csv_cell(null_out, &bad_kind), -1);
    assert_int_equal(aef_csv_cell(null_out, NULL), -1);
    fclose(null_out);
    /* a stream that cannot be written */
    FILE *read_only = fopen("/dev/null", "r");
    assert_non_null(read_only);
    aef_cell_t text = TEXT("x");
    assert_int_equal(aef_csv_cell(read_only, &text), -1);
    fclose(read_only);
}

static void csv_file_byte_for_byte(void **state)
{
    fixture_t *f = *state;
    char dir[PATH_BYTES], file[PATH_BYTES];
    path_in(dir, f->dir, "csv");
    sample_export_ok(AEF_FORMAT_CSV, dir);
    static const char expected_t1[] =
        "Party,Version,Reported year,Date of submission,Review status of the initial report,"
        "Result of the consistency check,First year of the NDC period,Last year of the NDC "
        "period,Reference to the technical expert review report\r\n"
        "VNM,2,2025,2026-04-15,,'=SUM(A1),2021,2030,'-1\r\n"
        "'+1,-1,'@x,'\tx,\"a,b\",\"say \"\"hi\"\"\",\"line1\nline2\",,\"'\rx\"\r\n";
    size_t size = 0;
    path_in(file, dir, "T1.csv");
    char *data = file_read(file, &size);
    assert_int_equal(size, sizeof expected_t1 - 1);
    assert_memory_equal(data, expected_t1, size);
    free(data);

    char expected_t5[1024];
    header_line(AEF_T5_ENTITIES, expected_t5, sizeof expected_t5);
    /* Date, Name, Country, Identification number, Approach, Conditions, Change..., Additional */
    append(expected_t5, sizeof expected_t5, "%s",
           ",Japan Carbon Buyer KK,,,,\"back\\slash, tab\there, \x01 and \x1f\",,\r\n");
    path_in(file, dir, "T5.csv");
    data = file_read(file, &size);
    assert_string_equal(data, expected_t5);
    free(data);
}

static void csv_directory_has_five_tables(void **state)
{
    fixture_t *f = *state;
    char dir[PATH_BYTES], file[PATH_BYTES];
    path_in(dir, f->dir, "csv");
    sample_export_ok(AEF_FORMAT_CSV, dir); /* creates the directory */
    sample_export_ok(AEF_FORMAT_CSV, dir); /* and is fine when it exists */
    assert_listing(dir, "T1.csv,T2.csv,T3.csv,T4.csv,T5.csv");
    struct stat status;
    assert_int_equal(stat(dir, &status), 0);
    assert_true(S_ISDIR(status.st_mode));
    for (int t = 0; t < AEF_TABLE_COUNT; t++) {
        const aef_table_spec_t *spec = aef_table_spec(t);
        char name[16], header[2048];
        snprintf(name, sizeof name, "%s.csv", spec->key);
        path_in(file, dir, name);
        header_line(t, header, sizeof header);
        char *data = file_read(file, NULL);
        if (strncmp(data, header, strlen(header)) != 0)
            fail_msg("%s starts with [%.80s], expected [%s]", name, data, header);
        if (t == AEF_T2_AUTHORIZATIONS || t == AEF_T4_HOLDINGS) assert_string_equal(data, header);
        free(data);
    }
}

/* ---- JSON ---- */

static json_t *row_at(json_t *root, const char *key, size_t index, size_t column_count)
{
    json_t *rows = json_object_get(root, key);
    assert_true(json_is_array(rows));
    json_t *row = json_array_get(rows, index);
    assert_true(json_is_object(row));
    assert_int_equal(json_object_size(row), column_count);
    return row;
}

static void assert_json_text(json_t *row, const char *column, const char *expected)
{
    json_t *value = json_object_get(row, column);
    if (!json_is_string(value)) fail_msg("\"%s\" is not a string", column);
    assert_string_equal(json_string_value(value), expected);
}

static void assert_json_integer(json_t *row, const char *column, json_int_t expected)
{
    json_t *value = json_object_get(row, column);
    if (!json_is_integer(value)) fail_msg("\"%s\" is not an integer", column);
    assert_int_equal(json_integer_value(value), expected);
}

/* Checks a parsed sample document; text is the raw document, to see the member order. */
static void json_sample_check(const char *text)
{
    json_error_t parse_error;
    json_t *root = json_loads(text, 0, &parse_error);
    if (!root) fail_msg("invalid JSON at line %d: %s", parse_error.line, parse_error.text);
    assert_true(json_is_object(root));
    assert_int_equal(json_object_size(root), AEF_TABLE_COUNT);
    const char *previous = text;
    for (int t = 0; t < AEF_TABLE_COUNT; t++) {
        char member[8];
        snprintf(member, sizeof member, "\"%s\"", aef_table_spec(t)->key);
        const char *at = strstr(text, member);
        assert_non_null(at);
        assert_true(at >= previous); /* T1 ... T5 in table order */
        previous = at;
    }
    assert_int_equal(json_array_size(json_object_get(root, "T1")), 2);
    assert_int_equal(json_array_size(json_object_get(root, "T2")), 0);
    assert_int_equal(json_array_size(json_object_get(root, "T3")), 1);
    assert_int_equal(json_array_size(json_object_get(root, "T4")), 0);
    assert_int_equal(json_array_size(json_object_get(root, "T5")), 1);

    json_t *row = row_at(root, "T1", 0, 9);
    assert_json_text(row, "Party", "VNM");
    assert_json_integer(row, "Version", 2);
    assert_json_integer(row, "Reported year", 2025);
    assert_true(json_is_null(json_object_get(row, "Review status of the initial report")));
    assert_json_text(row, "Result of the consistency check", "=SUM(A1)"); /* no quote in JSON */
    assert_json_text(row, "Reference to the technical expert review report", "-1");
    row = row_at(root, "T1", 1, 9);
    assert_json_integer(row, "Version", -1);
    assert_json_text(row, "Result of the consistency check", "say \"hi\"");
    assert_json_text(row, "First year of the NDC period", "line1\nline2");
    assert_json_text(row, "Last year of the NDC period", "");
    assert_json_text(row, "Reference to the technical expert review report", "\rx");
    row = row_at(root, "T3", 0, aef_table_spec(AEF_T3_ACTIONS)->column_count);
    assert_json_integer(row, "Last ID", 5000);
    assert_json_integer(row, "Vintage", 2023);
    assert_true(json_is_null(json_object_get(row, "Metric")));
    assert_json_text(row, "Additional information", unicode_text);
    row = row_at(root, "T5", 0, aef_table_spec(AEF_T5_ENTITIES)->column_count);
    assert_json_text(row, "Conditions", control_text);
    json_decref(root);
}

static void json_document_round_trip(void **state)
{
    fixture_t *f = *state;
    char file[PATH_BYTES];
    path_in(file, f->dir, "report.json");
    sample_export_ok(AEF_FORMAT_JSON, file);
    assert_listing(f->dir, "report.json");
    char *text = file_read(file, NULL);
    json_sample_check(text);
    free(text);
}

static void json_to_stdout(void **state)
{
    fixture_t *f = *state;
    char file[PATH_BYTES];
    path_in(file, f->dir, "stdout.json");
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(saved >= 0 && fd >= 0);
    assert_int_equal(dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
    close(fd);
    char error[512] = "";
    int result = sample_export(AEF_FORMAT_JSON, "-", error, sizeof error);
    bool still_open = fcntl(STDOUT_FILENO, F_GETFD) != -1; /* fclose(stdout) would close fd 1 */
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    assert_int_equal(result, 0);
    assert_true(still_open);
    assert_int_equal(access("-.tmp", F_OK), -1);
    char *text = file_read(file, NULL);
    json_sample_check(text);
    free(text);
}

/* ---- XLSX ---- */

/* Prints the sheet names, then row 1 and chosen cells of the first sheet as kind:value, with
 * openpyxl when it is installed, else from the package's XML. */
static const char xlsx_script[] =
    "import sys, zipfile\n"
    "import xml.etree.ElementTree as ET\n"
    "path = sys.argv[1]\n"
    "refs = [chr(65 + i) + '1' for i in range(9)] + sys.argv[2:]\n"
    "try:\n"
    "    import openpyxl\n"
    "    wb = openpyxl.load_workbook(path)\n"
    "    names = wb.sheetnames\n"
    "    ws = wb.worksheets[0]\n"
    "    def cell(ref):\n"
    "        c = ws[ref]\n"
    "        if c.value is None: return 'blank'\n"
    "        if c.data_type == 'n': return 'n:%d' % c.value\n"
    "        return c.data_type + ':' + str(c.value)\n"
    "except ImportError:\n"
    "    m = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'\n"
    "    z = zipfile.ZipFile(path)\n"
    "    names = [s.get('name') for s in ET.fromstring(z.read('xl/workbook.xml')).iter(m + "
    "'sheet')]\n"
    "    shared = []\n"
    "    if 'xl/sharedStrings.xml' in z.namelist():\n"
    "        for si in ET.fromstring(z.read('xl/sharedStrings.xml')).iter(m + 'si'):\n"
    "            shared.append(''.join(t.text or '' for t in si.iter(m + 't')))\n"
    "    cells = {}\n"
    "    for c in ET.fromstring(z.read('xl/worksheets/sheet1.xml')).iter(m + 'c'):\n"
    "        t, f, v = c.get('t', 'n'), c.find(m + 'f'), c.find(m + 'v')\n"
    "        if f is not None: k = 'f:' + (f.text or '')\n"
    "        elif t == 'inlineStr': k = 's:' + ''.join(x.text or '' for x in c.iter(m + 't'))\n"
    "        elif t == 's': k = 's:' + shared[int(v.text)]\n"
    "        elif v is None: k = 'blank'\n"
    "        elif t == 'n': k = 'n:%d' % float(v.text)\n"
    "        else: k = t + ':' + v.text\n"
    "        cells[c.get('r')] = k\n"
    "    cell = lambda ref: cells.get(ref, 'blank')\n"
    "print('|'.join(names))\n"
    "print('|'.join(cell(r) for r in refs))\n";

static bool python_available(void)
{
    return system("python3 -c 'import zipfile, xml.etree.ElementTree' >/dev/null 2>&1") == 0;
}

static void xlsx_contents_check(const char *dir, const char *workbook)
{
    char script[PATH_BYTES], command[3 * PATH_BYTES], expected[2048];
    path_in(script, dir, "check_xlsx.py");
    FILE *out = fopen(script, "w");
    assert_non_null(out);
    fputs(xlsx_script, out);
    assert_int_equal(fclose(out), 0);
    snprintf(command, sizeof command, "python3 '%s' '%s' A2 B2 C2 E2 F2 I2 B3 H3 2>&1", script,
             workbook);
    FILE *pipe = popen(command, "r");
    assert_non_null(pipe);
    char sheets[512] = "", cells[2048] = "";
    if (!fgets(sheets, sizeof sheets, pipe)) sheets[0] = '\0';
    if (!fgets(cells, sizeof cells, pipe)) cells[0] = '\0';
    int status = pclose(pipe);
    if (status != 0) fail_msg("python3 check failed: %s%s", sheets, cells);
    assert_string_equal(sheets, "T1 Submission|T2 Authorizations|T3 Actions|T4 Holdings|T5 "
                                "Authorized entities\n");
    const aef_table_spec_t *t1 = aef_table_spec(AEF_T1_SUBMISSION);
    expected[0] = '\0';
    for (size_t i = 0; i < t1->column_count; i++)
        append(expected, sizeof expected, "s:%s|", t1->columns[i]);
    /* integers are numbers, "=SUM(A1)" and "-1" strings (not a formula), EMPTY and "" blank */
    append(expected, sizeof expected, "s:VNM|n:2|n:2025|blank|s:=SUM(A1)|s:-1|n:-1|blank\n");
    assert_string_equal(cells, expected);
}

static void xlsx_workbook(void **state)
{
    fixture_t *f = *state;
    char file[PATH_BYTES];
    path_in(file, f->dir, "report.xlsx");
    sample_export_ok(AEF_FORMAT_XLSX, file);
    assert_listing(f->dir, "report.xlsx"); /* no report.xlsx.tmp left */
    size_t size = 0;
    char *data = file_read(file, &size);
    assert_true(size > 1000);
    assert_memory_equal(data, "PK", 2);
    free(data);
    if (!python_available()) {
        print_message("# python3 not found: workbook contents not checked\n");
        return;
    }
    xlsx_contents_check(f->dir, file);
}

static void xlsx_integer_beyond_double(void **state)
{
    fixture_t *f = *state;
    char file[PATH_BYTES], error[512] = "";
    path_in(file, f->dir, "big.xlsx");
    aef_sink_t *sink = aef_sink_open(AEF_FORMAT_XLSX, file, error, sizeof error);
    assert_non_null(sink);
    aef_cell_t row[9];
    memcpy(row, t1_row1, sizeof row);
    row[1] = INTEGER_CELL((INT64_C(1) << 53) + 1);
    assert_int_equal(aef_sink_begin_table(sink, AEF_T1_SUBMISSION), 0);
    assert_int_equal(aef_sink_row(sink, row), -1);
    assert_non_null(strstr(aef_sink_error(sink), "2^53"));
    assert_non_null(strstr(aef_sink_error(sink), "\"Version\""));
    assert_int_equal(aef_sink_close(sink, error, sizeof error), -1);
    assert_non_null(strstr(error, "2^53"));
    assert_listing(f->dir, "");
}

/* ---- errors ---- */

static const aef_format_t formats[] = {AEF_FORMAT_XLSX, AEF_FORMAT_CSV, AEF_FORMAT_JSON};

static void unwritable_path(void **state)
{
    fixture_t *f = *state;
    char blocker[PATH_BYTES], path[PATH_BYTES], error[512];
    path_in(blocker, f->dir, "file");
    FILE *out = fopen(blocker, "w");
    assert_non_null(out);
    fclose(out);
    path_in(path, blocker, "out"); /* a path under a regular file */
    for (size_t i = 0; i < COUNT_OF(formats); i++) {
        error[0] = '\0';
        assert_null(aef_sink_open(formats[i], path, error, sizeof error));
        if (!strstr(error, path))
            fail_msg("format %d: [%s] does not name %s", formats[i], error, path);
        assert_non_null(strstr(error, "Not a directory"));
        assert_listing(f->dir, "file");
    }
    /* CSV into an existing regular file */
    error[0] = '\0';
    assert_null(aef_sink_open(AEF_FORMAT_CSV, blocker, error, sizeof error));
    assert_non_null(strstr(error, blocker));
    assert_non_null(strstr(error, "not a directory"));
    /* standard output is for JSON only; an unknown format or no path is refused */
    assert_null(aef_sink_open(AEF_FORMAT_CSV, "-", error, sizeof error));
    assert_non_null(strstr(error, "JSON"));
    assert_null(aef_sink_open((aef_format_t)0, path, error, sizeof error));
    assert_non_null(strstr(error, "format"));
    assert_null(aef_sink_open(AEF_FORMAT_JSON, "", error, sizeof error));
    assert_listing(f->dir, "file");
}

/* A sink opened on a fresh output under dir: an XLSX or JSON file, or a CSV directory. */
static aef_sink_t *fresh_sink(const char *dir, aef_format_t format, char *path)
{
    static const char *const names[] = {"", "out.xlsx", "out-csv", "out.json"};
    char error[512] = "";
    path_in(path, dir, names[format]);
    aef_sink_t *sink = aef_sink_open(format, path, error, sizeof error);
    if (!sink) fail_msg("cannot open %s: %s", path, error);
    return sink;
}

typedef enum misuse {
    MISUSE_ROW_BEFORE_BEGIN,
    MISUSE_OUT_OF_ORDER,
    MISUSE_END_WITHOUT_BEGIN,
    MISUSE_BEGIN_TWICE,
    MISUSE_NULL_CELLS,
    MISUSE_TEXT_WITHOUT_TEXT,
    MISUSE_UNKNOWN_KIND,
    MISUSE_UNKNOWN_TABLE,
    MISUSE_COUNT
} misuse_t;

/* Commits one misuse on a sink; returns the call's result. */
static int misuse_commit(aef_sink_t *sink, misuse_t misuse)
{
    aef_cell_t row[9];
    memcpy(row, t1_row1, sizeof row);
    if (misuse >= MISUSE_BEGIN_TWICE && misuse <= MISUSE_UNKNOWN_KIND)
        assert_int_equal(aef_sink_begin_table(sink, AEF_T1_SUBMISSION), 0);
    switch (misuse) {
    case MISUSE_ROW_BEFORE_BEGIN:
        return aef_sink_row(sink, t1_row1);
    case MISUSE_OUT_OF_ORDER:
        return aef_sink_begin_table(sink, AEF_T2_AUTHORIZATIONS);
    case MISUSE_END_WITHOUT_BEGIN:
        return aef_sink_end_table(sink);
    case MISUSE_BEGIN_TWICE:
        return aef_sink_begin_table(sink, AEF_T1_SUBMISSION);
    case MISUSE_NULL_CELLS:
        return aef_sink_row(sink, NULL);
    case MISUSE_TEXT_WITHOUT_TEXT:
        row[3].text = NULL;
        return aef_sink_row(sink, row);
    case MISUSE_UNKNOWN_KIND:
        row[4].kind = (aef_cell_kind_t)7;
        return aef_sink_row(sink, row);
    case MISUSE_UNKNOWN_TABLE:
        return aef_sink_begin_table(sink, (aef_table_id_t)7);
    case MISUSE_COUNT:
        break;
    }
    return 0;
}

static void misuse_is_an_error(void **state)
{
    fixture_t *f = *state;
    static const char *const messages[MISUSE_COUNT] = {
        "row outside a table",
        "out of order: expected T1",
        "end_table outside a table",
        "while T1 is open",
        "no cells",
        "text cell without text",
        "unknown cell kind",
        "unknown table 7",
    };
    size_t fds = fd_count();
    for (size_t i = 0; i < COUNT_OF(formats); i++) {
        for (int m = 0; m < MISUSE_COUNT; m++) {
            char path[PATH_BYTES], error[512] = "";
            aef_sink_t *sink = fresh_sink(f->dir, formats[i], path);
            assert_int_equal(misuse_commit(sink, (misuse_t)m), -1);
            if (!strstr(aef_sink_error(sink), messages[m]))
                fail_msg("format %d misuse %d: [%s]", formats[i], m, aef_sink_error(sink));
            /* the failure sticks: the rest of the export is refused */
            assert_int_equal(aef_sink_end_table(sink), -1);
            assert_int_equal(aef_sink_close(sink, error, sizeof error), -1);
            assert_non_null(strstr(error, messages[m]));
            assert_listing(f->dir, ""); /* nothing left behind, not even the new directory */
            assert_int_equal(fd_count(), fds);
        }
    }
}

static void too_many_tables(void **state)
{
    fixture_t *f = *state;
    char path[PATH_BYTES];
    aef_sink_t *sink = fresh_sink(f->dir, AEF_FORMAT_JSON, path);
    for (int t = 0; t < AEF_TABLE_COUNT; t++) {
        assert_int_equal(aef_sink_begin_table(sink, t), 0);
        assert_int_equal(aef_sink_end_table(sink), 0);
    }
    assert_int_equal(aef_sink_begin_table(sink, AEF_T1_SUBMISSION), -1);
    assert_non_null(strstr(aef_sink_error(sink), "no more tables"));
    assert_int_equal(aef_sink_close(sink, NULL, 0), -1);
    assert_listing(f->dir, "");
}

/* Closing before the five tables are written discards the output. */
static void incomplete_export_discarded(void **state)
{
    fixture_t *f = *state;
    size_t fds = fd_count();
    for (size_t i = 0; i < COUNT_OF(formats); i++) {
        char path[PATH_BYTES], error[512] = "";
        aef_sink_t *sink = fresh_sink(f->dir, formats[i], path);
        assert_int_equal(aef_sink_begin_table(sink, AEF_T1_SUBMISSION), 0);
        assert_int_equal(aef_sink_row(sink, t1_row1), 0);
        assert_int_equal(aef_sink_end_table(sink), 0);
        assert_int_equal(aef_sink_begin_table(sink, AEF_T2_AUTHORIZATIONS), 0);
        assert_int_equal(aef_sink_close(sink, error, sizeof error), -1);
        assert_non_null(strstr(error, "incomplete"));
        assert_non_null(strstr(error, path));
        assert_listing(f->dir, "");
        assert_int_equal(fd_count(), fds);
    }
    /* into a directory that existed, the tables already finished stay, complete */
    char dir[PATH_BYTES];
    path_in(dir, f->dir, "existing");
    assert_int_equal(mkdir(dir, 0755), 0);
    aef_sink_t *sink = aef_sink_open(AEF_FORMAT_CSV, dir, NULL, 0);
    assert_non_null(sink);
    assert_int_equal(aef_sink_begin_table(sink, AEF_T1_SUBMISSION), 0);
    assert_int_equal(aef_sink_end_table(sink), 0);
    assert_int_equal(aef_sink_begin_table(sink, AEF_T2_AUTHORIZATIONS), 0);
    assert_int_equal(aef_sink_row(sink, (aef_cell_t[19]){EMPTY}), 0);
    assert_int_equal(aef_sink_close(sink, NULL, 0), -1);
    assert_listing(dir, "T1.csv");
}

/* Write errors: RLIMIT_FSIZE makes every write past 64 KiB fail with EFBIG. */
static void write_error_discarded(void **state)
{
    fixture_t *f = *state;
    struct rlimit saved, limited;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
    limited = saved;
    limited.rlim_cur = 64 * 1024;
    void (*previous)(int) = signal(SIGXFSZ, SIG_IGN);
    static char long_text[4096];
    memset(long_text, 'x', sizeof long_text - 1);
    aef_cell_t row[9];
    memcpy(row, t1_row1, sizeof row);
    row[3] = TEXT_CELL(long_text);
    size_t fds = fd_count();
    for (size_t i = 0; i < COUNT_OF(formats); i++) {
        char path[PATH_BYTES], error[512] = "";
        aef_sink_t *sink = fresh_sink(f->dir, formats[i], path);
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &limited), 0);
        bool ok = aef_sink_begin_table(sink, AEF_T1_SUBMISSION) == 0;
        for (int r = 0; ok && r < 64; r++)
            ok = aef_sink_row(sink, row) == 0;
        ok = ok && aef_sink_end_table(sink) == 0;
        for (int t = 1; ok && t < AEF_TABLE_COUNT; t++)
            ok = aef_sink_begin_table(sink, t) == 0 && aef_sink_end_table(sink) == 0;
        int closed = aef_sink_close(sink, error, sizeof error);
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
        assert_int_equal(closed, -1);
        if (!strstr(error, path))
            fail_msg("format %d: [%s] does not name %s", formats[i], error, path);
        assert_listing(f->dir, "");
        assert_int_equal(fd_count(), fds);
    }
    signal(SIGXFSZ, previous);
}

/* ---- concurrency ---- */

typedef struct worker {
    pthread_t thread;
    char dir[PATH_BYTES];
    int result;
} worker_t;

static void *worker_run(void *argument)
{
    worker_t *w = argument;
    char path[PATH_BYTES], error[512];
    w->result = mkdir(w->dir, 0755);
    for (size_t i = 0; w->result == 0 && i < COUNT_OF(formats); i++) {
        static const char *const names[] = {"", "out.xlsx", "out-csv", "out.json"};
        snprintf(path, sizeof path, "%s/%s", w->dir, names[formats[i]]);
        for (int round = 0; w->result == 0 && round < 5; round++)
            w->result = sample_export(formats[i], path, error, sizeof error);
    }
    return NULL;
}

static void concurrent_exports(void **state)
{
    fixture_t *f = *state;
    worker_t workers[4];
    for (size_t i = 0; i < COUNT_OF(workers); i++) {
        char name[16];
        snprintf(name, sizeof name, "w%zu", i);
        path_in(workers[i].dir, f->dir, name);
        assert_int_equal(pthread_create(&workers[i].thread, NULL, worker_run, &workers[i]), 0);
    }
    for (size_t i = 0; i < COUNT_OF(workers); i++) {
        assert_int_equal(pthread_join(workers[i].thread, NULL), 0);
        assert_int_equal(workers[i].result, 0);
    }
    char first[PATH_BYTES], other[PATH_BYTES];
    path_in(first, workers[0].dir, "out.json");
    char *expected = file_read(first, NULL);
    for (size_t i = 1; i < COUNT_OF(workers); i++) {
        path_in(other, workers[i].dir, "out.json");
        char *text = file_read(other, NULL);
        assert_string_equal(text, expected);
        free(text);
        assert_listing(workers[i].dir, "out-csv,out.json,out.xlsx");
    }
    free(expected);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_cell_escaping),
        cmocka_unit_test(csv_cell_rejects),
        cmocka_unit_test_setup_teardown(csv_file_byte_for_byte, dir_setup, dir_teardown),
        cmocka_unit_test_setup_teardown(csv_directory_has_five_tables, dir_setup, dir_teardown),
        cmocka_unit_test_setup_teardown(json_document_round_trip, dir_setup, dir_teardown),
        cmocka_unit_test_setup_teardown(json_to_stdout, dir_setup, dir_teardown),
        cmocka_unit_test_setup_teardown(xlsx_workbook, dir_setup, dir_teardown),
        cmocka_unit_test_setup_teardown(xlsx_integer_beyond_double, dir_setup, dir_teardown),
        cmocka_unit_test_setup_teardown(unwritable_path, dir_setup, dir_teardown),
        cmocka_unit_test_setup_teardown(misuse_is_an_error, dir_setup, dir_teardown),
        cmocka_unit_test_setup_teardown(too_many_tables, dir_setup, dir_teardown),
        cmocka_unit_test_setup_teardown(incomplete_export_discarded, dir_setup, dir_teardown),
        cmocka_unit_test_setup_teardown(write_error_discarded, dir_setup, dir_teardown),
        cmocka_unit_test_setup_teardown(concurrent_exports, dir_setup, dir_teardown),
    };
    /* clang-format on */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
