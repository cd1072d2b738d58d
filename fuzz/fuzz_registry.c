/* fuzz_registry.c: throwaway registries for the fuzz targets, their fingerprints and checks. */
#include "fuzz_registry.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/ledger_store.h"
#include "store/ledger_verify.h"

void fuzz_temp_dir(const char *label, char dir[FUZZ_PATH_MAX])
{
    struct stat shm;
    const char *base = getenv("TMPDIR");
    if (stat("/dev/shm", &shm) == 0 && S_ISDIR(shm.st_mode) && access("/dev/shm", W_OK) == 0)
        base = "/dev/shm";
    if (!base || !*base) base = "/tmp";
    snprintf(dir, FUZZ_PATH_MAX, "%s/a6reg-fuzz-%s-XXXXXX", base, label);
    if (!mkdtemp(dir)) fuzz_fail("cannot make a temporary directory %s", dir);
}

void fuzz_remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *entry;
        while ((entry = readdir(d))) {
            if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
            char path[FUZZ_PATH_MAX * 2];
            snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

void fuzz_write_file(const char *path, const uint8_t *data, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) fuzz_fail("cannot create %s", path);
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);
        if (n <= 0) fuzz_fail("cannot write %s", path);
        done += (size_t)n;
    }
    close(fd);
}

void fuzz_history_add(fuzz_history_t *history, const uint8_t *data, size_t size)
{
    if (history->count == history->capacity) {
        size_t capacity = history->capacity ? history->capacity * 2 : 64;
        uint8_t **inputs = realloc(history->inputs, capacity * sizeof *inputs);
        if (inputs) history->inputs = inputs;
        size_t *sizes = realloc(history->sizes, capacity * sizeof *sizes);
        if (sizes) history->sizes = sizes;
        if (!inputs || !sizes) fuzz_fail("out of memory");
        history->capacity = capacity;
    }
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy) fuzz_fail("out of memory");
    if (size) memcpy(copy, data, size);
    history->inputs[history->count] = copy;
    history->sizes[history->count++] = size;
}

void fuzz_history_clear(fuzz_history_t *history)
{
    for (size_t i = 0; i < history->count; i++)
        free(history->inputs[i]);
    free(history->inputs);
    free(history->sizes);
    memset(history, 0, sizeof *history);
}

void fuzz_history_save(const fuzz_history_t *history)
{
    const char *base = getenv("FUZZ_HISTORY_DIR");
    char dir[FUZZ_PATH_MAX], path[FUZZ_PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s/fuzz-history-%ld", base && *base ? base : ".", (long)getpid());
    if (mkdir(dir, 0700) < 0) {
        fprintf(stderr, "fuzz: cannot make %s to save the history\n", dir);
        return;
    }
    for (size_t i = 0; i < history->count; i++) {
        snprintf(path, sizeof path, "%s/%05zu", dir, i);
        fuzz_write_file(path, history->inputs[i], history->sizes[i]);
    }
    fprintf(stderr,
            "fuzz: the %zu inputs given to this registry, the failing one last, are in %s;\n"
            "fuzz: replay them in order with: TARGET %s/*\n",
            history->count, dir, dir);
}

void fuzz_registry_open(fuzz_registry_t *registry, const char *label)
{
    memset(registry, 0, sizeof *registry);
    fuzz_temp_dir(label, registry->dir);
    snprintf(registry->path, sizeof registry->path, "%s/registry.db", registry->dir);
    db_error_t err = {0};
    if (writer_start(registry->path, NULL, &registry->writer, &err) < 0)
        fuzz_fail("cannot start the writer on %s: %s", registry->path, err.message);
    if (ledger_store_open_reader(registry->path, &registry->reader, &err) < 0)
        fuzz_fail("cannot open a reader on %s: %s", registry->path, err.message);
}

void fuzz_registry_close(fuzz_registry_t *registry)
{
    writer_stop(registry->writer);
    db_close(registry->reader);
    fuzz_remove_dir(registry->dir);
    memset(registry, 0, sizeof *registry);
}

void fuzz_registry_verify(fuzz_registry_t *registry)
{
    ledger_verify_report_t report;
    db_error_t err = {0};
    if (ledger_verify(registry->reader, &report, &err) < 0)
        fuzz_fail("verify could not read the registry: %s", err.message);
    if (!report.consistent)
        fuzz_fail("verify: the audit log and the tables of %s disagree: %s", registry->path,
                  report.first_problem);
}

void fuzz_registry_check_units(fuzz_registry_t *registry)
{
    static const char sql[] =
        "SELECT (SELECT COALESCE(SUM(last_serial - first_serial + 1), 0) FROM blocks), "
        "(SELECT COALESCE(SUM(quantity), 0) FROM issuances)";
    db_error_t err = {0};
    db_stmt_t *stmt = db_prepare(registry->reader, sql, &err);
    if (!stmt || db_step(stmt, &err) != DB_ROW) fuzz_fail("units: %s", err.message);
    int64_t held = db_column_int64(stmt, 0), issued = db_column_int64(stmt, 1);
    db_reset(stmt);
    if (held != issued)
        fuzz_fail("units held (%lld) differ from units issued (%lld)", (long long)held,
                  (long long)issued);
}

void fuzz_registry_fingerprint(fuzz_registry_t *registry, fuzz_fingerprint_t *out)
{
    static const char sql[] =
        "SELECT (SELECT COUNT(*) FROM accounts) + (SELECT COUNT(*) FROM issuances) + "
        "(SELECT COUNT(*) FROM blocks) + (SELECT COUNT(*) FROM transactions) + "
        "(SELECT COUNT(*) FROM transaction_blocks) + (SELECT COUNT(*) FROM audit_log) + "
        "(SELECT COUNT(*) FROM methodologies) + (SELECT COUNT(*) FROM activities) + "
        "(SELECT COUNT(*) FROM activity_participants) + "
        "(SELECT COUNT(*) FROM activity_methodologies) + (SELECT COUNT(*) FROM activity_events) + "
        "(SELECT COUNT(*) FROM monitoring_periods) + (SELECT COUNT(*) FROM allocations) + "
        "(SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM tokens) + "
        "(SELECT COUNT(*) FROM approvals), "
        "COALESCE((SELECT MAX(seq) FROM audit_log), 0), "
        "COALESCE((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), '')";
    db_error_t err = {0};
    db_stmt_t *stmt = db_prepare(registry->reader, sql, &err);
    if (!stmt) fuzz_fail("fingerprint: %s", err.message);
    if (db_step(stmt, &err) != DB_ROW) fuzz_fail("fingerprint: %s", err.message);
    memset(out, 0, sizeof *out);
    out->rows = db_column_int64(stmt, 0);
    out->audit_last = db_column_int64(stmt, 1);
    snprintf(out->audit_hash, sizeof out->audit_hash, "%s", db_column_text(stmt, 2));
    db_reset(stmt);
}

int fuzz_fingerprint_equal(const fuzz_fingerprint_t *a, const fuzz_fingerprint_t *b)
{
    return a->rows == b->rows && a->audit_last == b->audit_last &&
           strcmp(a->audit_hash, b->audit_hash) == 0;
}
