/* ledger.c: measures durable transfers per second through the single writer, once with group
 * commit (the default batch size) and once with one commit per transfer, then verifies each
 * ledger (audit chain replay, conservation of units, expected holdings per account).
 *
 * Usage: ledger [--db PATH|postgres://USER@HOST:PORT/NAME] [--seconds S] [--clients N]
 *               [--batch-max M] [--only batched|commit_each]
 * With a PostgreSQL URL, the SQLite figures are measured too (temporary files) and the PostgreSQL
 * ones follow on the fresh databases NAME_batched and NAME_commit_each, with their ratio. Without
 * --db, the databases live in a mkdtemp directory under /tmp, deleted at the end. With --db,
 * figure 1 uses PATH and figure 2 uses PATH.commit_each; both must not exist and are kept.
 * --only measures one of the two SQLite figures (no ratio), e.g. to profile one writer alone; it
 * cannot be combined with a PostgreSQL URL. */
#include <errno.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/request.h"
#include "store/db.h"
#include "store/ledger_store.h"
#include "store/ledger_verify.h"
#include "store/writer.h"

#define ISSUE_QUANTITY INT64_C(10000000)
#define ISSUE_VINTAGE 2024
#define TRANSFER_MAX 10
#define ACTOR "bench"
#define PARTY "JPN"

typedef struct options {
    const char *db;
    double seconds;
    long clients;
    size_t batch_max;
    const char *only; /* --only: one figure (for profiling), or NULL for both */
} options_t;

/* What all clients of one figure share. */
typedef struct run {
    writer_t *writer;
    pthread_barrier_t ready; /* setup done: main takes the start time and stats */
    pthread_barrier_t go;    /* clients start transferring */
    atomic_int stop;
    atomic_int failed;
} run_t;

typedef struct client {
    run_t *run;
    pthread_t thread;
    unsigned seed;
    long index;
    int64_t source;
    int64_t dest;
    int64_t moved;      /* units moved from source to dest */
    uint64_t transfers; /* accepted transfers */
} client_t;

/* One measured figure. */
typedef struct figure {
    const char *name; /* "batched" or "commit_each" */
    const char *path;
    size_t batch_max;
    double rate;
    double mean_batch;
    double apply_us_per_request; /* writer time applying, per request */
    double cpu_us_per_request;   /* the writer thread's processor time, per request */
    double commit_us_per_batch;  /* writer time committing, per batch */
} figure_t;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: ledger [--db PATH] [--seconds S] [--clients N] [--batch-max M] "
                 "[--only batched|commit_each]\n");
}

static int parse_long(const char *text, long min, long max, long *out)
{
    char *end = NULL;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno || end == text || *end || value < min || value > max) return -1;
    *out = value;
    return 0;
}

static int parse_seconds(const char *text, double *out)
{
    char *end = NULL;
    errno = 0;
    double value = strtod(text, &end);
    if (errno || end == text || *end || !(value > 0 && value <= 86400)) return -1;
    *out = value;
    return 0;
}

/* Parses one "--name value" pair; returns -1 when the name or the value is invalid. */
static int parse_option(options_t *o, const char *name, const char *value)
{
    long number = 0;
    if (strcmp(name, "--db") == 0) {
        o->db = value;
        return *value ? 0 : -1;
    }
    if (strcmp(name, "--seconds") == 0) return parse_seconds(value, &o->seconds);
    if (strcmp(name, "--clients") == 0) {
        if (parse_long(value, 1, 4096, &number) < 0) return -1;
        o->clients = number;
        return 0;
    }
    if (strcmp(name, "--only") == 0) {
        o->only = value;
        return strcmp(value, "batched") == 0 || strcmp(value, "commit_each") == 0 ? 0 : -1;
    }
    if (strcmp(name, "--batch-max") == 0) {
        if (parse_long(value, 1, 1000000, &number) < 0) return -1;
        o->batch_max = (size_t)number;
        return 0;
    }
    return -1;
}

static void parse_options(int argc, char **argv, options_t *o)
{
    *o = (options_t){.seconds = 5, .clients = 256, .batch_max = WRITER_BATCH_MAX_DEFAULT};
    for (int i = 1; i < argc; i += 2) {
        if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            exit(0);
        }
        if (i + 1 >= argc || parse_option(o, argv[i], argv[i + 1]) < 0) {
            fprintf(stderr, "ledger: invalid option or value: %s\n", argv[i]);
            usage(stderr);
            exit(2);
        }
    }
}

static void fail_request(run_t *run, const char *what, const ledger_result_t *result)
{
    fprintf(stderr, "ledger: %s failed: check %d field %s store_error %d: %s\n", what,
            (int)result->check, result->field ? result->field : "-", result->store_error,
            result->message);
    atomic_store(&run->failed, 1);
    atomic_store(&run->stop, 1);
}

/* Submits one request; 0 when accepted, -1 (after reporting it) otherwise. */
static int submit(run_t *run, const char *what, const ledger_request_t *request, int64_t *id)
{
    ledger_result_t result;
    writer_submit(run->writer, request, &result);
    if (result.check != A6_OK || result.store_error != 0) {
        fail_request(run, what, &result);
        return -1;
    }
    if (id) *id = result.id;
    return 0;
}

static int open_account(run_t *run, const char *holder, int64_t *id)
{
    ledger_request_t r = {.kind = LEDGER_REQUEST_ACCOUNT_OPEN,
                          .actor = ACTOR,
                          .holder = holder,
                          .account_type = LEDGER_ACCOUNT_HOLDING,
                          .party = PARTY};
    return submit(run, "account open", &r, id);
}

/* Opens the client's two accounts and issues units to the source. */
static int client_setup(client_t *c)
{
    char holder[64];
    snprintf(holder, sizeof holder, "bench source %ld", c->index);
    if (open_account(c->run, holder, &c->source) < 0) return -1;
    snprintf(holder, sizeof holder, "bench destination %ld", c->index);
    if (open_account(c->run, holder, &c->dest) < 0) return -1;
    ledger_request_t r = {.kind = LEDGER_REQUEST_TRANSACTION,
                          .actor = ACTOR,
                          .tx_type = LEDGER_TX_ISSUE,
                          .to = c->source,
                          .quantity = ISSUE_QUANTITY,
                          .vintage = ISSUE_VINTAGE,
                          .unit_type = LEDGER_UNIT_JCM_CREDIT};
    return submit(c->run, "issue", &r, NULL);
}

static void client_transfer_loop(client_t *c)
{
    ledger_request_t r = {.kind = LEDGER_REQUEST_TRANSACTION,
                          .actor = ACTOR,
                          .tx_type = LEDGER_TX_TRANSFER,
                          .from = c->source,
                          .to = c->dest};
    while (!atomic_load_explicit(&c->run->stop, memory_order_relaxed)) {
        r.quantity = 1 + rand_r(&c->seed) % TRANSFER_MAX;
        if (submit(c->run, "transfer", &r, NULL) < 0) return;
        c->moved += r.quantity;
        c->transfers++;
    }
}

static void *client_main(void *arg)
{
    client_t *c = arg;
    int ok = client_setup(c) == 0;
    pthread_barrier_wait(&c->run->ready);
    pthread_barrier_wait(&c->run->go);
    if (ok && !atomic_load(&c->run->failed)) client_transfer_loop(c);
    return NULL;
}

/* Sleeps for the figure's duration, waking early when a client failed. */
static void wait_run(run_t *run, double seconds)
{
    double end = now_seconds() + seconds;
    while (!atomic_load(&run->failed) && now_seconds() < end) {
        struct timespec step = {.tv_sec = 0, .tv_nsec = 10 * 1000 * 1000};
        nanosleep(&step, NULL);
    }
    atomic_store(&run->stop, 1);
}

static void start_clients(run_t *run, client_t *clients, long count)
{
    for (long i = 0; i < count; i++) {
        clients[i] = (client_t){.run = run, .index = i, .seed = (unsigned)(i * 2654435761u + 1)};
        if (pthread_create(&clients[i].thread, NULL, client_main, &clients[i]) != 0) {
            fprintf(stderr, "ledger: cannot start client thread %ld\n", i);
            exit(1); /* the barriers would never open; nothing sensible to clean up */
        }
    }
}

/* Runs the clients against a started writer; fills the figure's rate and mean batch size. */
static int measure(run_t *run, client_t *clients, const options_t *o, figure_t *f)
{
    pthread_barrier_init(&run->ready, NULL, (unsigned)o->clients + 1);
    pthread_barrier_init(&run->go, NULL, (unsigned)o->clients + 1);
    start_clients(run, clients, o->clients);
    pthread_barrier_wait(&run->ready);
    writer_stats_t before, after;
    writer_stats_get(run->writer, &before);
    double start = now_seconds();
    pthread_barrier_wait(&run->go);
    wait_run(run, o->seconds);
    uint64_t transfers = 0;
    for (long i = 0; i < o->clients; i++) {
        pthread_join(clients[i].thread, NULL);
        transfers += clients[i].transfers;
    }
    double elapsed = now_seconds() - start;
    writer_stats_get(run->writer, &after);
    pthread_barrier_destroy(&run->ready);
    pthread_barrier_destroy(&run->go);
    uint64_t batches = after.batches - before.batches;
    f->rate = (double)transfers / elapsed;
    uint64_t requests = after.requests - before.requests;
    f->mean_batch = batches ? (double)requests / (double)batches : 0;
    f->apply_us_per_request =
        requests ? (double)(after.apply_ns - before.apply_ns) / 1e3 / (double)requests : 0;
    f->cpu_us_per_request =
        requests ? (double)(after.cpu_ns - before.cpu_ns) / 1e3 / (double)requests : 0;
    f->commit_us_per_batch =
        batches ? (double)(after.commit_ns - before.commit_ns) / 1e3 / (double)batches : 0;
    return atomic_load(&run->failed) ? -1 : 0;
}

/* The "total" of an account's holdings, or -1 when it cannot be read. */
static int64_t holdings_total(db_t *db, int64_t account)
{
    db_error_t err = {0};
    json_t *h = ledger_query_holdings(db, account, &err);
    if (!h) {
        fprintf(stderr, "ledger: cannot read holdings of account %lld: %s\n", (long long)account,
                err.message);
        return -1;
    }
    int64_t total = (int64_t)json_integer_value(json_object_get(h, "total"));
    json_decref(h);
    return total;
}

static int check_holdings(db_t *db, const client_t *clients, long count)
{
    for (long i = 0; i < count; i++) {
        const client_t *c = &clients[i];
        int64_t source = holdings_total(db, c->source), dest = holdings_total(db, c->dest);
        if (source != ISSUE_QUANTITY - c->moved || dest != c->moved) {
            fprintf(stderr,
                    "ledger: holdings of accounts %lld/%lld are %lld/%lld, expected "
                    "%lld/%lld\n",
                    (long long)c->source, (long long)c->dest, (long long)source, (long long)dest,
                    (long long)(ISSUE_QUANTITY - c->moved), (long long)c->moved);
            return -1;
        }
    }
    return 0;
}

static int query_sum(db_t *db, const char *sql, int64_t *out)
{
    db_error_t err = {0};
    db_stmt_t *stmt = db_prepare(db, sql, &err);
    if (!stmt || db_step(stmt, &err) != DB_ROW) {
        fprintf(stderr, "ledger: cannot sum units: %s\n", err.message);
        return -1;
    }
    *out = db_column_int64(stmt, 0);
    db_reset(stmt);
    return 0;
}

/* Conservation: units held in blocks equal units issued (tables and audit replay agree). */
static int check_conservation(db_t *db, const ledger_verify_report_t *report, long clients)
{
    static const char held_sql[] =
        "SELECT COALESCE(SUM(last_serial - first_serial + 1), 0) FROM blocks";
    static const char issued_sql[] = "SELECT COALESCE(SUM(quantity), 0) FROM issuances";
    int64_t held = 0, issued = 0;
    if (query_sum(db, held_sql, &held) < 0 || query_sum(db, issued_sql, &issued) < 0) return -1;
    int64_t expected = ISSUE_QUANTITY * clients;
    if (held != issued || issued != report->units_issued || issued != expected) {
        fprintf(stderr, "ledger: units held %lld, issued %lld, replayed %lld, expected %lld\n",
                (long long)held, (long long)issued, (long long)report->units_issued,
                (long long)expected);
        return -1;
    }
    return 0;
}

/* Verifies the figure's database after its writer stopped; prints verify_<name> ok or fail. */
static int verify(const figure_t *f, const client_t *clients, long count)
{
    db_t *db = NULL;
    db_error_t err = {0};
    ledger_verify_report_t report;
    int ok = db_open(f->path, DB_OPEN_READ, &db, &err) == 0;
    if (!ok) fprintf(stderr, "ledger: cannot open %s: %s\n", f->path, err.message);
    if (ok && ledger_verify(db, &report, &err) < 0) {
        fprintf(stderr, "ledger: verify could not read %s: %s\n", f->path, err.message);
        ok = 0;
    } else if (ok && !report.consistent) {
        fprintf(stderr, "ledger: ledger inconsistent: %s\n", report.first_problem);
        ok = 0;
    }
    ok = ok && check_conservation(db, &report, count) == 0 &&
         check_holdings(db, clients, count) == 0;
    if (db) db_close(db);
    printf("verify_%s %s\n", f->name, ok ? "ok" : "fail");
    fflush(stdout);
    return ok ? 0 : -1;
}

/* Starts a writer on the figure's fresh database, measures, stops it and verifies the ledger. */
static int run_figure(const options_t *o, figure_t *f)
{
    run_t run = {0};
    db_error_t err = {0};
    writer_config_t config = {.batch_max = f->batch_max};
    if (writer_start(f->path, &config, &run.writer, &err) < 0) {
        fprintf(stderr, "ledger: cannot start the writer on %s: %s\n", f->path, err.message);
        return -1;
    }
    client_t *clients = calloc((size_t)o->clients, sizeof *clients);
    if (!clients) {
        fprintf(stderr, "ledger: out of memory\n");
        writer_stop(run.writer);
        return -1;
    }
    int rc = measure(&run, clients, o, f);
    writer_stop(run.writer);
    if (rc == 0) {
        printf("transfers_per_s_%s %.0f transfers/s\n", f->name, f->rate);
        printf("mean_batch_size_%s %.1f requests\n", f->name, f->mean_batch);
        printf("writer_apply_%s %.1f us/request\n", f->name, f->apply_us_per_request);
        printf("writer_commit_%s %.1f us/batch\n", f->name, f->commit_us_per_batch);
        printf("writer_cpu_%s %.1f us/request\n", f->name, f->cpu_us_per_request);
        fflush(stdout);
        rc = verify(f, clients, o->clients);
    }
    free(clients);
    return rc;
}

/* Removes a database and its WAL side files; missing files are fine. */
static void remove_database(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char name[4096];
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
        if (unlink(name) < 0 && errno != ENOENT)
            fprintf(stderr, "ledger: cannot remove %s: %s\n", name, strerror(errno));
    }
}

/* Fills the two database paths; dir is filled only when a temporary directory was made. */
static int choose_paths(const options_t *o, char *dir, char *batched, char *each, size_t size)
{
    if (o->db) {
        snprintf(batched, size, "%s", o->db);
        snprintf(each, size, "%s.commit_each", o->db);
        if (access(batched, F_OK) == 0 || access(each, F_OK) == 0) {
            fprintf(stderr,
                    "ledger: %s or %s already exists; the benchmark needs fresh "
                    "databases\n",
                    batched, each);
            return -1;
        }
        return 0;
    }
    snprintf(dir, size, "/tmp/a6reg-bench-XXXXXX");
    if (!mkdtemp(dir)) {
        fprintf(stderr, "ledger: cannot create a temporary directory: %s\n", strerror(errno));
        return -1;
    }
    snprintf(batched, size, "%s/batched.db", dir);
    snprintf(each, size, "%s/commit_each.db", dir);
    return 0;
}

static int run_all(const options_t *o, const char *batched_path, const char *each_path)
{
    figure_t batched = {.name = "batched", .path = batched_path, .batch_max = o->batch_max};
    figure_t each = {.name = "commit_each", .path = each_path, .batch_max = 1};
    printf("clients %ld count\n", o->clients);
    fflush(stdout);
    bool both = !o->only;
    if ((both || strcmp(o->only, batched.name) == 0) && run_figure(o, &batched) < 0) return -1;
    if ((both || strcmp(o->only, each.name) == 0) && run_figure(o, &each) < 0) return -1;
    if (!both) return 0;
    printf("batched_over_commit_each_ratio %.1f x\n", each.rate > 0 ? batched.rate / each.rate : 0);
    return 0;
}

/* Creates the fresh database NAME+suffix on the server of url (postgres://.../NAME) and writes
 * its URL into out. -1 with a message when it exists already or the server refuses. */
static int create_postgres_database(const char *url, const char *suffix, char *out, size_t size)
{
    const char *host = strstr(url, "://");
    const char *slash = host ? strchr(host + 3, '/') : NULL;
    if (!slash || !slash[1]) {
        fprintf(stderr, "ledger: --db %s names no database (postgres://USER@HOST:PORT/NAME)\n",
                url);
        return -1;
    }
    char server[2048], name[256], sql[512];
    snprintf(server, sizeof server, "%.*s/postgres", (int)(slash - url), url);
    snprintf(name, sizeof name, "%.*s%s", (int)strcspn(slash + 1, "?"), slash + 1, suffix);
    snprintf(sql, sizeof sql,
             "CREATE DATABASE \"%s\" TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'", name);
    PGconn *conn = PQconnectdb(server);
    PGresult *result = PQstatus(conn) == CONNECTION_OK ? PQexec(conn, sql) : NULL;
    int ok = result && PQresultStatus(result) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "ledger: cannot create database %s (the benchmark needs fresh ones): %s\n",
                name, result ? PQresultErrorMessage(result) : PQerrorMessage(conn));
    PQclear(result);
    PQfinish(conn);
    snprintf(out, size, "%.*s/%s", (int)(slash - url), url, name);
    return ok ? 0 : -1;
}

/* --db postgres://...: the SQLite figures (temporary files) and the PostgreSQL ones, in one run,
 * on the databases NAME_batched and NAME_commit_each of that server. */
static int run_postgres(const options_t *o)
{
    options_t sqlite_options = *o;
    sqlite_options.db = NULL;
    char dir[4096] = "", batched[4096], each[4096], pg_batched[4096], pg_each[4096];
    if (choose_paths(&sqlite_options, dir, batched, each, sizeof dir) < 0) return 2;
    if (create_postgres_database(o->db, "_batched", pg_batched, sizeof pg_batched) < 0 ||
        create_postgres_database(o->db, "_commit_each", pg_each, sizeof pg_each) < 0)
        return 2;
    figure_t sqlite_batched = {.name = "batched", .path = batched, .batch_max = o->batch_max};
    figure_t sqlite_each = {.name = "commit_each", .path = each, .batch_max = 1};
    figure_t pg_batch = {.name = "batched_postgres", .path = pg_batched, .batch_max = o->batch_max};
    figure_t pg_commit = {.name = "commit_each_postgres", .path = pg_each, .batch_max = 1};
    printf("clients %ld count\n", o->clients);
    fflush(stdout);
    int rc = run_figure(o, &sqlite_batched) < 0 || run_figure(o, &sqlite_each) < 0 ||
                     run_figure(o, &pg_batch) < 0 || run_figure(o, &pg_commit) < 0
                 ? -1
                 : 0;
    if (rc == 0) {
        printf("batched_over_commit_each_ratio %.1f x\n", sqlite_batched.rate / sqlite_each.rate);
        printf("postgres_over_sqlite_batched_ratio %.2f x\n", pg_batch.rate / sqlite_batched.rate);
    }
    remove_database(batched);
    remove_database(each);
    rmdir(dir);
    return rc < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
    options_t o;
    parse_options(argc, argv, &o);
    if (o.db && db_location_is_postgres(o.db)) {
        if (o.only) {
            fprintf(stderr, "ledger: --only measures SQLite alone; it cannot be used with a "
                            "PostgreSQL URL\n");
            return 2;
        }
        return run_postgres(&o);
    }
    char dir[4096] = "", batched[4096], each[4096];
    if (choose_paths(&o, dir, batched, each, sizeof dir) < 0) return 2;
    int rc = run_all(&o, batched, each);
    if (*dir) {
        remove_database(batched);
        remove_database(each);
        if (rmdir(dir) < 0) fprintf(stderr, "ledger: cannot remove %s: %s\n", dir, strerror(errno));
    }
    return rc < 0 ? 1 : 0;
}
