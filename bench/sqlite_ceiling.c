/* sqlite_ceiling.c: the SQLite raw insert ceiling bench/ledger is compared with: rows per second
 * inserted into a WAL database with synchronous=FULL (the writer's settings), one row per commit
 * and in batches of 1,000 rows per commit, through one prepared statement and no other work.
 *
 * Usage: sqlite_ceiling [--seconds S] [--batch N] [--dir PATH]
 * The database lives in a mkdtemp directory (under --dir, default /tmp), deleted at the end.
 * Prints sqlite_commit_each_rows_per_s, sqlite_batched_rows_per_s and their ratio. */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CEILING_SECONDS_DEFAULT 3.0
#define CEILING_BATCH_DEFAULT 1000
#define CEILING_BATCH_MAX 1000000

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Runs sql on db; returns 0, or -1 after printing SQLite's message. */
static int exec_sql(sqlite3 *db, const char *sql)
{
    char *message = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &message) == SQLITE_OK) return 0;
    fprintf(stderr, "sqlite_ceiling: %s: %s\n", sql, message ? message : "error");
    sqlite3_free(message);
    return -1;
}

/* Inserts rows of a block-sized record (ids, serial range, vintage, a short text) in transactions
 * of `batch` rows for about `seconds`; returns rows per second, or -1 on error. next_id carries
 * the primary key across runs so that both figures append to the same growing table. */
static double insert_rate(sqlite3 *db, sqlite3_stmt *insert, long batch, double seconds,
                          int64_t *next_id)
{
    int64_t rows = 0;
    double start = now_seconds(), elapsed = 0;
    while (elapsed < seconds) {
        if (exec_sql(db, "BEGIN IMMEDIATE") < 0) return -1;
        for (long i = 0; i < batch; i++, rows++) {
            int64_t id = (*next_id)++;
            sqlite3_bind_int64(insert, 1, id);
            sqlite3_bind_int64(insert, 2, 1 + id % 64);
            sqlite3_bind_int64(insert, 3, id * 10 + 1);
            sqlite3_bind_int64(insert, 4, id * 10 + 10);
            sqlite3_bind_int64(insert, 5, 2021 + id % 5);
            sqlite3_bind_text(insert, 6, "jcm-credit", -1, SQLITE_STATIC);
            if (sqlite3_step(insert) != SQLITE_DONE) {
                fprintf(stderr, "sqlite_ceiling: insert: %s\n", sqlite3_errmsg(db));
                return -1;
            }
            sqlite3_reset(insert);
        }
        if (exec_sql(db, "COMMIT") < 0) return -1;
        elapsed = now_seconds() - start;
    }
    return (double)rows / elapsed;
}

int main(int argc, char **argv)
{
    double seconds = CEILING_SECONDS_DEFAULT;
    long batch = CEILING_BATCH_DEFAULT;
    const char *parent = "/tmp";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = strtod(argv[++i], NULL);
        else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc)
            batch = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            parent = argv[++i];
        else
            return fprintf(stderr,
                           "usage: sqlite_ceiling [--seconds S] [--batch N] [--dir PATH]\n"),
                   2;
    }
    if (!(seconds > 0) || batch < 1 || batch > CEILING_BATCH_MAX)
        return fprintf(stderr, "sqlite_ceiling: --seconds > 0, --batch in 1..1000000\n"), 2;
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/a6reg-bench-sqlite-XXXXXX", parent);
    if (!mkdtemp(dir)) return perror("sqlite_ceiling: mkdtemp"), 1;
    snprintf(path, sizeof path, "%s/ceiling.db", dir);
    sqlite3 *db = NULL;
    sqlite3_stmt *insert = NULL;
    int status = 1;
    if (sqlite3_open(path, &db) != SQLITE_OK) {
        fprintf(stderr, "sqlite_ceiling: cannot open %s\n", path);
        goto done;
    }
    if (exec_sql(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                     "CREATE TABLE blocks(id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, "
                     "first_serial INTEGER NOT NULL, last_serial INTEGER NOT NULL, "
                     "vintage INTEGER NOT NULL, unit_type TEXT NOT NULL)") < 0)
        goto done;
    if (sqlite3_prepare_v2(db, "INSERT INTO blocks VALUES (?, ?, ?, ?, ?, ?)", -1, &insert, NULL) !=
        SQLITE_OK) {
        fprintf(stderr, "sqlite_ceiling: prepare: %s\n", sqlite3_errmsg(db));
        goto done;
    }
    int64_t next_id = 1;
    double each = insert_rate(db, insert, 1, seconds, &next_id);
    double batched = each < 0 ? -1 : insert_rate(db, insert, batch, seconds, &next_id);
    if (batched < 0) goto done;
    printf("sqlite_commit_each_rows_per_s %.0f rows/s (WAL, synchronous=FULL, 1 row per commit)\n",
           each);
    printf("sqlite_batched_rows_per_s %.0f rows/s (%ld rows per commit)\n", batched, batch);
    printf("sqlite_batched_over_commit_each %.1f x\n", batched / each);
    status = 0;
done:
    sqlite3_finalize(insert);
    sqlite3_close(db);
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char name[640];
        snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
        unlink(name);
    }
    rmdir(dir);
    return status;
}
