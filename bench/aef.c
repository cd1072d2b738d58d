/* aef.c: measures the AEF report export of a year with many actions: builds a registry whose 2026
 * T3 holds N actions (first transfers of disjoint blocks and their OIMP uses, under one
 * authorization), then exports it to XLSX and to CSV through the real exporter (consistency
 * checks included), each in a child process so that its peak resident memory is its own.
 *
 * Usage: aef [--actions N] [--db PATH]   (defaults: 1,000,000 actions; a mkdtemp directory)
 * Prints: aef_actions, aef_setup_seconds, aef_export_{xlsx,csv}_seconds,
 * aef_export_{xlsx,csv}_peak_mb with their targets (XLSX: < 10 s, < 64 MB). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "report/aef_export.h"
#include "store/db.h"
#include "store/ledger_store.h"

#define BLOCK 10 /* units per first transferred block */

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int exec_sql(db_t *db, const char *sql)
{
    db_error_t err = {0};
    if (db_exec(db, sql, &err) < 0) {
        fprintf(stderr, "aef: %s: %s\n", sql, err.message);
        return -1;
    }
    return 0;
}

/* The registry: one approach, one entity, one activity, one authorization covering every block. */
static int setup_registry(db_t *db, long actions)
{
    char sql[4096];
    snprintf(
        sql, sizeof sql,
        "INSERT INTO registry_meta(name, value) VALUES ('party', 'VNM'), "
        "('registry_id', 'VNM01');"
        "INSERT INTO approaches VALUES ('CA0001', 'JCM Japan-Viet Nam', 'VNM', 'JPN', "
        "'JPN01', 'issuance', 'JCM', '2026-01-01T00:00:00.000Z');"
        "INSERT INTO entities VALUES (1, 'Japan Airlines Co', 'JPN', 'JP-1', 'CA0001', NULL, "
        "NULL, '2026-01-01', '2026-01-01T00:00:00.000Z');"
        "INSERT INTO activities(id, ref, kind, title, state, host_party, sector, "
        "technology_group, created_at) VALUES (1, 'VN001', 'project', 'Bench', "
        "'registered', 'VNM', 'energy', 'solar-pv', '2026-01-01T00:00:00.000Z');"
        "INSERT INTO policies VALUES (1, '{}', 'bench', '2026-01-01T00:00:00.000Z');"
        "INSERT INTO authorizations(id, activity_id, approach_id, version, purpose, quantity, "
        "timeframe_first, timeframe_last, policy_version, evaluation, status, requested_by, "
        "requested_at, decided_by, decided_on, oimp_first_transfer, entities, mitigation_type) "
        "VALUES (1, 1, 'CA0001', 1, 'NDC and OIMP', %ld, 2021, 2030, 1, '[]', 'authorized', "
        "'bench', '2026-01-01T00:00:00.000Z', 'bench', '2026-01-01', 'use or cancellation', "
        "'[\"Japan Airlines Co\"]', 'Emission reductions');",
        (actions + 1) * BLOCK);
    return exec_sql(db, sql);
}

/* N actions dated through 2026: even rows first transfer block k, odd rows its OIMP use. */
static int setup_actions(db_t *db, long actions)
{
    static const char sql[] =
        "INSERT INTO aef_actions(id, action_date, action_type, action_subtype, approach_id, "
        "authorization_id, first_transferring_party, registry_id, first_serial, last_serial, "
        "unit_registry, quantity, mitigation_type, vintage, acquiring_party, purpose, "
        "using_party, using_entity, created_at) VALUES (?, ?, ?, ?, 'CA0001', 1, 'VNM', 'VNM01', "
        "?, ?, 'JCM', ?, 'Emission reductions', 2026, ?, ?, ?, ?, '2026-01-01T00:00:00.000Z')";
    db_error_t err = {0};
    if (db_begin(db, &err) < 0) return -1;
    for (long i = 0; i < actions; i++) {
        db_stmt_t *stmt = db_prepare(db, sql, &err);
        if (!stmt) break;
        long k = i / 2;
        int use = (int)(i % 2);
        char date[16];
        snprintf(date, sizeof date, "2026-%02ld-%02ld", 1 + (i * 12) / actions, 1 + (i % 28));
        db_bind_int64(stmt, 1, i + 1);
        db_bind_text(stmt, 2, date);
        db_bind_text(stmt, 3, use ? "Use" : "First transfer");
        if (use)
            db_bind_null(stmt, 4);
        else
            db_bind_text(stmt, 4, "Use or cancellation");
        db_bind_int64(stmt, 5, k * BLOCK + 1);
        db_bind_int64(stmt, 6, k * BLOCK + BLOCK);
        db_bind_int64(stmt, 7, BLOCK);
        db_bind_null(stmt, 8);
        if (use) {
            db_bind_text(stmt, 9, "OIMP");
            db_bind_text(stmt, 10, "JPN");
            db_bind_text(stmt, 11, "Japan Airlines Co");
        } else {
            db_bind_null(stmt, 9);
            db_bind_null(stmt, 10);
            db_bind_null(stmt, 11);
        }
        if (db_step_done(stmt, &err) < 0) break;
    }
    if (err.code < 0) {
        fprintf(stderr, "aef: inserting actions: %s\n", err.message);
        return -1;
    }
    return db_commit(db, &err);
}

/* Exports in a child process; returns its wall seconds and peak resident memory (MB). */
static int export_in_child(const char *db_path, aef_format_t format, const char *out,
                           double *seconds, double *peak_mb)
{
    double start = now_seconds();
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        db_t *db = NULL;
        db_error_t err = {0};
        if (ledger_store_open_reader(db_path, &db, &err) < 0) _exit(2);
        aef_export_options_t options = {.year = 2026, .format = format, .path = out};
        aef_export_outcome_t outcome;
        int rc = aef_export(db, &options, &outcome, &err);
        if (rc < 0 || outcome.check != A6_OK) {
            fprintf(stderr, "aef: export failed: %s %s (%zu failures)\n", err.message,
                    outcome.message, outcome.failure_count);
            _exit(1);
        }
        db_close(db);
        _exit(outcome.rows[AEF_T3_ACTIONS] > 0 ? 0 : 1);
    }
    int status = 0;
    struct rusage usage;
    if (wait4(pid, &status, 0, &usage) < 0) return -1;
    *seconds = now_seconds() - start;
    *peak_mb = (double)usage.ru_maxrss / 1024.0; /* kilobytes on Linux */
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* The reference: libxlsxwriter alone (constant memory) writing as many rows of 18 cells, the
 * average of the T3 rows above (numbers for IDs, text for the rest), without database or checks. */
static double library_ceiling(long rows, const char *path)
{
    static const char *const texts[] = {"2026-06-15",
                                        "First transfer",
                                        "Use or cancellation",
                                        "CA0001",
                                        "VNM01-A1",
                                        "VNM",
                                        "VNM01",
                                        "JCM",
                                        "t CO2 eq",
                                        "Emission reductions",
                                        "OIMP",
                                        "JPN",
                                        "Japan Airlines Co"};
    double start = now_seconds();
    lxw_workbook_options options = {.constant_memory = LXW_TRUE, .tmpdir = getenv("TMPDIR")};
    lxw_workbook *book = workbook_new_opt(path, &options);
    lxw_worksheet *sheet = book ? workbook_add_worksheet(book, "T3 Actions") : NULL;
    if (!sheet) return -1;
    for (long r = 0; r < rows; r++)
        for (int c = 0; c < 18; c++) {
            if (c % 4 == 3)
                worksheet_write_number(sheet, (lxw_row_t)r + 1, (lxw_col_t)c,
                                       (double)(r * BLOCK + c), NULL);
            else
                worksheet_write_string(sheet, (lxw_row_t)r + 1, (lxw_col_t)c, texts[(r + c) % 13],
                                       NULL);
        }
    if (workbook_close(book) != LXW_NO_ERROR) return -1;
    return now_seconds() - start;
}

int main(int argc, char **argv)
{
    long actions = 1000000;
    const char *db_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--actions") == 0 && i + 1 < argc)
            actions = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            db_path = argv[++i];
        else
            return fprintf(stderr, "usage: aef [--actions N] [--db PATH]\n"), 2;
    }
    if (actions < 2) return fprintf(stderr, "aef: --actions must be at least 2\n"), 2;
    char dir[] = "/tmp/a6reg-bench-aef-XXXXXX", path[512], xlsx[600], csv[600];
    if (!mkdtemp(dir)) return perror("mkdtemp"), 1;
    snprintf(path, sizeof path, "%s", db_path ? db_path : dir);
    if (!db_path) strncat(path, "/registry.db", sizeof path - strlen(path) - 1);
    snprintf(xlsx, sizeof xlsx, "%s/aef.xlsx", dir);
    snprintf(csv, sizeof csv, "%s/csv", dir);
    db_t *db = NULL;
    db_error_t err = {0};
    double start = now_seconds();
    if (ledger_store_open(path, &db, &err) < 0) return fprintf(stderr, "aef: %s\n", err.message), 1;
    int rc = setup_registry(db, actions) < 0 || setup_actions(db, actions) < 0;
    db_close(db);
    if (rc) return 1;
    printf("aef_actions %ld rows\n", actions);
    printf("aef_setup_seconds %.1f s\n", now_seconds() - start);
    double seconds = 0, peak = 0;
    int failed = 0;
    if (export_in_child(path, AEF_FORMAT_XLSX, xlsx, &seconds, &peak) == 0) {
        struct stat st;
        stat(xlsx, &st);
        printf("aef_export_xlsx_seconds %.2f s (target < 10 s)\n", seconds);
        printf("aef_export_xlsx_peak_mb %.1f MB (target < 64 MB)\n", peak);
        printf("aef_export_xlsx_size_mb %.1f MB\n", (double)st.st_size / 1048576.0);
    } else {
        failed = 1;
    }
    double xlsx_seconds = seconds;
    double ceiling = library_ceiling(actions, xlsx);
    if (ceiling > 0) {
        printf("aef_xlsx_library_ceiling_seconds %.2f s (libxlsxwriter alone, same rows)\n",
               ceiling);
        printf("aef_export_xlsx_over_ceiling %.2f x\n", xlsx_seconds / ceiling);
    }
    if (export_in_child(path, AEF_FORMAT_CSV, csv, &seconds, &peak) == 0) {
        printf("aef_export_csv_seconds %.2f s\n", seconds);
        printf("aef_export_csv_peak_mb %.1f MB\n", peak);
    } else {
        failed = 1;
    }
    char command[700];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    if (system(command) != 0) fprintf(stderr, "aef: could not remove %s\n", dir);
    return failed;
}
