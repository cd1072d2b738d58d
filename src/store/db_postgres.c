/* db_postgres.c: the PostgreSQL driver (libpq) behind db.h. The SQL the store writes once for
 * SQLite is adapted here: `?` placeholders become $1..$n, INTEGER columns and casts become BIGINT
 * (quantities and serials are 64-bit), parameters travel as text and the server infers their
 * types. Writers serialise on one advisory lock taken with their transaction (the single writer,
 * and a CLI command while the server runs); readers see one snapshot per transaction.
 *
 * The single writer's connection sends its INSERT, UPDATE and DELETE statements in libpq's
 * pipeline mode without waiting for them: they travel with the next statement that must answer
 * (a SELECT, a savepoint, the commit) or with db_flush, in one round trip. A failed write is
 * reported by that later statement or flush; the writer then replays the requests involved one
 * by one, flushing after each, so the failure reaches the request that caused it (writer.c). */
#include <ctype.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_driver.h"

#define PG_PARAMS_MAX 64
#define PG_DEFERRED_MAX 256 /* writes in flight at most: their results wait in the socket */
#define PG_WRITE_LOCK_KEY 417525294439 /* 0x6136726567, "a6reg": the lock every writer takes */

typedef struct pg_connection {
    PGconn *conn;
    int64_t total_changes;   /* rows inserted, updated or deleted (or writes sent, deferred) */
    unsigned next_statement; /* names of prepared statements: s1, s2, ... */
    bool defer_writes;       /* the single writer's connection: writes are pipelined */
    int deferred;            /* writes sent whose results are not read yet (pipeline mode) */
} pg_connection_t;

typedef struct pg_statement {
    pg_connection_t *connection;
    char name[16];
    int param_count;
    char *values[PG_PARAMS_MAX];
    char numbers[PG_PARAMS_MAX][24]; /* storage of integer parameters */
    PGresult *result;
    int row;         /* rows returned so far */
    int rows;        /* rows in result */
    bool deferrable; /* INSERT, UPDATE or DELETE returning nothing */
    bool sent;       /* deferred and sent: it is done for the caller */
} pg_statement_t;

/* Maps a failed result's SQLSTATE to db_result_t and fills err. */
static int pg_error(const PGresult *result, PGconn *conn, db_error_t *err)
{
    const char *state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : NULL;
    int code = DB_ERROR;
    if (state && strncmp(state, "23", 2) == 0) code = DB_CONSTRAINT; /* integrity violations */
    if (state &&
        (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0))
        code = DB_BUSY;
    const char *message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn);
    size_t length = strlen(message);
    while (length && (message[length - 1] == '\n' || message[length - 1] == ' '))
        length--;
    return db_error_set(err, code, "postgres: %.*s", (int)length, message);
}

/* Appends text to out (bounded by end); the caller sized out for the worst case. */
static char *append(char *out, const char *text, size_t length)
{
    memcpy(out, text, length);
    return out + length;
}

static int word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* The SQL adapted to PostgreSQL: ? -> $n, the word INTEGER -> BIGINT, and SQLite's table option
 * " WITHOUT ROWID" dropped (a PostgreSQL table has no rowid), outside string literals and quoted
 * names. Returns malloc'ed text and the parameter count, NULL when out of
 * memory. */
static char *adapt_sql(const char *sql, int *param_count)
{
    size_t length = strlen(sql);
    char *out = malloc(length * 2 + 16), *p = out;
    if (!out) return NULL;
    int params = 0;
    char quote = 0;
    for (size_t i = 0; i < length; i++) {
        char c = sql[i];
        if (quote) {
            if (c == quote) quote = 0;
            *p++ = c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            *p++ = c;
        } else if (c == '?') {
            p += snprintf(p, 8, "$%d", ++params); /* "$999" at most: fits the doubled size */
        } else if (strncasecmp(sql + i, "INTEGER", 7) == 0 && (i == 0 || !word_char(sql[i - 1])) &&
                   !word_char(sql[i + 7])) {
            p = append(p, "BIGINT", 6);
            i += 6;
        } else if (strncasecmp(sql + i, " WITHOUT ROWID", 14) == 0 && !word_char(sql[i + 14])) {
            i += 13;
        } else {
            *p++ = c;
        }
    }
    *p = '\0';
    *param_count = params;
    return out;
}

/* Whether adapted SQL is an INSERT, UPDATE or DELETE that returns no rows. */
static bool writes_nothing_back(const char *sql)
{
    while (isspace((unsigned char)*sql))
        sql++;
    if (strncasecmp(sql, "INSERT", 6) != 0 && strncasecmp(sql, "UPDATE", 6) != 0 &&
        strncasecmp(sql, "DELETE", 6) != 0)
        return false;
    for (const char *p = sql; (p = strcasestr(p, "RETURNING")) != NULL; p += 9)
        if ((p == sql || !word_char(p[-1])) && !word_char(p[9])) return false;
    return true;
}

/* Counts the rows a write changed. */
static void count_changes(pg_connection_t *c, const PGresult *result)
{
    const char *tag = PQcmdStatus((PGresult *)result); /* PQcmdTuples counts a SELECT's too */
    if (strncmp(tag, "INSERT", 6) == 0 || strncmp(tag, "UPDATE", 6) == 0 ||
        strncmp(tag, "DELETE", 6) == 0)
        c->total_changes += strtoll(PQcmdTuples((PGresult *)result), NULL, 10);
}

/* Takes s->result as the statement's answer: its rows, or its error. */
static int statement_result(pg_connection_t *c, pg_statement_t *s, db_error_t *err)
{
    ExecStatusType status = PQresultStatus(s->result);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        int rc = pg_error(s->result, c->conn, err);
        PQclear(s->result);
        s->result = NULL;
        return rc;
    }
    s->rows = status == PGRES_TUPLES_OK ? PQntuples(s->result) : 0;
    s->row = 0;
    count_changes(c, s->result);
    return 0;
}

/* Reads one command's results up to its terminating NULL; keeps the first (or NULL). */
static PGresult *command_result(PGconn *conn)
{
    PGresult *first = PQgetResult(conn), *more;
    while (first && PQresultStatus(first) != PGRES_PIPELINE_SYNC && (more = PQgetResult(conn)))
        PQclear(more);
    return first;
}

/* Ends the pipeline: sends s (when given) after the deferred writes, then a sync, and reads
 * every answer. The first failed write's error is returned (s is then not run: the server
 * skipped it); else s's own outcome. Leaves the connection out of pipeline mode. */
static int flush_deferred(pg_connection_t *c, pg_statement_t *s, db_error_t *err)
{
    if (c->deferred == 0) return 0;
    int rc = 0;
    if (s && !PQsendQueryPrepared(c->conn, s->name, s->param_count, (const char *const *)s->values,
                                  NULL, NULL, 0))
        rc = pg_error(NULL, c->conn, err);
    if (!PQpipelineSync(c->conn) && rc == 0) rc = pg_error(NULL, c->conn, err);
    int commands = c->deferred + (s && rc == 0 ? 1 : 0);
    c->deferred = 0;
    for (int i = 0; i < commands; i++) {
        PGresult *result = command_result(c->conn);
        ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
        bool last = s && i == commands - 1;
        if (last && rc == 0) {
            s->result = result;
            rc = statement_result(c, s, err);
            continue;
        }
        if (status == PGRES_COMMAND_OK) {
            count_changes(c, result);
            c->total_changes--; /* counted once already when sent */
        } else if (rc == 0 && status != PGRES_PIPELINE_ABORTED) {
            rc = pg_error(result, c->conn, err);
        }
        PQclear(result);
    }
    /* Up to the sync's own answer, after which the connection is idle again. */
    PGresult *sync;
    while ((sync = PQgetResult(c->conn)) != NULL) {
        ExecStatusType status = PQresultStatus(sync);
        PQclear(sync);
        if (status == PGRES_PIPELINE_SYNC) break;
    }
    if (!PQexitPipelineMode(c->conn) && rc == 0) rc = pg_error(NULL, c->conn, err);
    return rc;
}

static int pg_open(const char *location, db_open_mode_t mode, void **out, db_error_t *err)
{
    pg_connection_t *c = calloc(1, sizeof *c);
    if (!c) return db_error_set(err, DB_ERROR, "out of memory");
    c->conn = PQconnectdb(location);
    if (PQstatus(c->conn) != CONNECTION_OK) {
        const char *message = PQerrorMessage(c->conn);
        db_error_set(err, DB_ERROR, "cannot connect to PostgreSQL: %.*s",
                     (int)strcspn(message, "\n"), message);
        PQfinish(c->conn);
        free(c);
        return DB_ERROR;
    }
    const char *setup = mode == DB_OPEN_READ ? "SET client_min_messages = error; "
                                               "SET default_transaction_read_only = on"
                                             : "SET client_min_messages = error";
    PGresult *result = PQexec(c->conn, setup);
    int ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    if (!ok) pg_error(result, c->conn, err);
    PQclear(result);
    if (!ok) {
        PQfinish(c->conn);
        free(c);
        return DB_ERROR;
    }
    *out = c;
    return 0;
}

static void pg_close(void *handle)
{
    pg_connection_t *c = handle;
    if (!c) return;
    PQfinish(c->conn);
    free(c);
}

static int pg_exec(void *handle, const char *sql, db_error_t *err)
{
    pg_connection_t *c = handle;
    int rc = flush_deferred(c, NULL, err);
    if (rc < 0) return rc;
    int params = 0;
    char *adapted = adapt_sql(sql, &params);
    if (!adapted) return db_error_set(err, DB_ERROR, "out of memory");
    PGresult *result = PQexec(c->conn, adapted);
    free(adapted);
    ExecStatusType status = PQresultStatus(result);
    rc = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ? 0
                                                                 : pg_error(result, c->conn, err);
    PQclear(result);
    return rc;
}

static int pg_prepare(void *handle, const char *sql, void **out, db_error_t *err)
{
    pg_connection_t *c = handle;
    pg_statement_t *s = calloc(1, sizeof *s);
    char *adapted = s ? adapt_sql(sql, &s->param_count) : NULL;
    if (!adapted) {
        free(s);
        return db_error_set(err, DB_ERROR, "out of memory");
    }
    if (s->param_count > PG_PARAMS_MAX) {
        free(adapted);
        free(s);
        return db_error_set(err, DB_ERROR, "more than %d parameters", PG_PARAMS_MAX);
    }
    s->connection = c;
    s->deferrable = writes_nothing_back(adapted);
    snprintf(s->name, sizeof s->name, "s%u", ++c->next_statement);
    int rc = flush_deferred(c, NULL, err);
    if (rc < 0) {
        free(adapted);
        free(s);
        return rc;
    }
    PGresult *result = PQprepare(c->conn, s->name, adapted, 0, NULL);
    free(adapted);
    rc = PQresultStatus(result) == PGRES_COMMAND_OK ? 0 : pg_error(result, c->conn, err);
    PQclear(result);
    if (rc < 0) {
        free(s);
        return rc;
    }
    *out = s;
    return 0;
}

/* Frees parameter i's text (integers live in the statement) and clears it. */
static void release_param(pg_statement_t *s, int i)
{
    if (s->values[i] && s->values[i] != s->numbers[i]) free(s->values[i]);
    s->values[i] = NULL;
}

/* Frees every parameter and the result. */
static void clear_statement(pg_statement_t *s)
{
    for (int i = 0; i < s->param_count; i++)
        release_param(s, i);
    PQclear(s->result);
    s->result = NULL;
    s->row = s->rows = 0;
}

static void pg_finalize(void *statement)
{
    pg_statement_t *s = statement;
    clear_statement(s);
    /* The server-side statement goes with the connection, which closes right after. */
    free(s);
}

static int pg_bind_int64(void *statement, int index, int64_t value)
{
    pg_statement_t *s = statement;
    if (index < 1 || index > s->param_count) return DB_ERROR;
    release_param(s, index - 1);
    snprintf(s->numbers[index - 1], sizeof s->numbers[index - 1], "%" PRId64, value);
    s->values[index - 1] = s->numbers[index - 1];
    return 0;
}

/* Length of the valid UTF-8 sequence at p, or 0 when it is not one. */
static size_t utf8_sequence(const unsigned char *p)
{
    if (p[0] < 0x80) return 1;
    size_t length = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
    if (p[0] > 0xf4) return 0;
    for (size_t i = 1; i < length; i++)
        if ((p[i] & 0xc0) != 0x80) return 0;
    if (length == 3 && ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0))) return 0;
    if (length == 4 && ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))) return 0;
    return length;
}

/* A copy of value that PostgreSQL accepts: each byte that is not valid UTF-8 becomes U+FFFD.
 * SQLite compares such bytes as they are and finds nothing; PostgreSQL refuses the whole
 * statement. Every input the registry stores was validated as UTF-8 before, so only look-ups
 * (a path, a query parameter) ever bring such bytes, and they find nothing on either backend. */
static char *utf8_copy(const char *value)
{
    size_t length = strlen(value);
    char *copy = malloc(length * 3 + 1), *out = copy;
    if (!copy) return NULL;
    for (const unsigned char *p = (const unsigned char *)value; *p;) {
        size_t n = utf8_sequence(p);
        if (n) {
            memcpy(out, p, n);
            out += n;
            p += n;
        } else {
            memcpy(out, "\xef\xbf\xbd", 3);
            out += 3;
            p++;
        }
    }
    *out = '\0';
    return copy;
}

static int pg_bind_text(void *statement, int index, const char *value)
{
    pg_statement_t *s = statement;
    if (index < 1 || index > s->param_count) return DB_ERROR;
    char *copy = utf8_copy(value);
    if (!copy) return DB_ERROR;
    release_param(s, index - 1);
    s->values[index - 1] = copy;
    return 0;
}

static int pg_bind_null(void *statement, int index)
{
    pg_statement_t *s = statement;
    if (index < 1 || index > s->param_count) return DB_ERROR;
    release_param(s, index - 1);
    return 0;
}

/* Sends the statement (it then answers like one run at once). */
static int run_now(pg_connection_t *c, pg_statement_t *s, db_error_t *err)
{
    if (c->deferred > 0) return flush_deferred(c, s, err);
    s->result = PQexecPrepared(c->conn, s->name, s->param_count, (const char *const *)s->values,
                               NULL, NULL, 0);
    return statement_result(c, s, err);
}

/* Sends a write without waiting for it (see the file comment). */
static int run_deferred(pg_connection_t *c, pg_statement_t *s, db_error_t *err)
{
    if (c->deferred >= PG_DEFERRED_MAX) {
        int rc = flush_deferred(c, NULL, err);
        if (rc < 0) return rc;
    }
    if (c->deferred == 0 && !PQenterPipelineMode(c->conn)) return pg_error(NULL, c->conn, err);
    if (!PQsendQueryPrepared(c->conn, s->name, s->param_count, (const char *const *)s->values, NULL,
                             NULL, 0))
        return pg_error(NULL, c->conn, err);
    c->deferred++;
    c->total_changes++; /* may change a row: a rejected request that sent one is replayed */
    s->sent = true;
    return 0;
}

/* Runs the statement on its first step; each step then hands out the next row. */
static int pg_step(void *handle, void *statement, db_error_t *err)
{
    pg_statement_t *s = statement;
    pg_connection_t *c = handle;
    if (s->sent) return DB_DONE;
    if (!s->result) {
        int rc = c->defer_writes && s->deferrable ? run_deferred(c, s, err) : run_now(c, s, err);
        if (rc < 0 || s->sent) return rc < 0 ? rc : DB_DONE;
    }
    if (s->row >= s->rows) return DB_DONE;
    s->row++;
    return DB_ROW;
}

static int64_t pg_column_int64(void *statement, int column)
{
    pg_statement_t *s = statement;
    if (!s->result || s->row < 1 || PQgetisnull(s->result, s->row - 1, column)) return 0;
    const char *text = PQgetvalue(s->result, s->row - 1, column);
    if (text[0] == 't' && text[1] == '\0') return 1; /* booleans of comparisons */
    if (text[0] == 'f' && text[1] == '\0') return 0;
    return strtoll(text, NULL, 10); /* SUM of BIGINT answers NUMERIC text: whole numbers here */
}

static const char *pg_column_text(void *statement, int column)
{
    pg_statement_t *s = statement;
    if (!s->result || s->row < 1 || PQgetisnull(s->result, s->row - 1, column)) return NULL;
    return PQgetvalue(s->result, s->row - 1, column);
}

static bool pg_column_is_null(void *statement, int column)
{
    pg_statement_t *s = statement;
    return !s->result || s->row < 1 || PQgetisnull(s->result, s->row - 1, column);
}

static int pg_column_count(void *statement)
{
    pg_statement_t *s = statement;
    return s->result ? PQnfields(s->result) : 0;
}

static const char *pg_column_name(void *statement, int column)
{
    pg_statement_t *s = statement;
    return s->result ? PQfname(s->result, column) : NULL;
}

static void pg_reset(void *statement)
{
    pg_statement_t *s = statement;
    clear_statement(s);
    s->sent = false;
}

/* Commits are durable when acknowledged (synchronous_commit on, the server's default). The
 * writer's writes are pipelined. */
static int pg_tune_writer(void *handle, db_error_t *err)
{
    pg_connection_t *c = handle;
    int rc = pg_exec(handle, "SET synchronous_commit = on", err);
    if (rc == 0) c->defer_writes = true;
    return rc;
}

static int pg_flush(void *handle, db_error_t *err)
{
    return flush_deferred(handle, NULL, err);
}

static int64_t pg_total_changes(void *handle)
{
    const pg_connection_t *c = handle;
    return c->total_changes;
}

static int pg_checkpoint(void *handle, db_error_t *err)
{
    (void)handle;
    (void)err;
    return 0; /* the server checkpoints its own write-ahead log */
}

#define PG_STRINGIFY(x) #x
#define PG_TEXT(x) PG_STRINGIFY(x)

const db_driver_t db_postgres_driver = {
    .name = "postgres",
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .bind_int64 = pg_bind_int64,
    .bind_text = pg_bind_text,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .column_int64 = pg_column_int64,
    .column_text = pg_column_text,
    .column_is_null = pg_column_is_null,
    .column_count = pg_column_count,
    .column_name = pg_column_name,
    .reset = pg_reset,
    .tune_writer = pg_tune_writer,
    .checkpoint = pg_checkpoint,
    .total_changes = pg_total_changes,
    .flush = pg_flush,
    .begin_sql = "BEGIN ISOLATION LEVEL REPEATABLE READ",
    .begin_write_sql = "BEGIN ISOLATION LEVEL READ COMMITTED",
    .write_lock_sql = "SELECT pg_advisory_xact_lock(" PG_TEXT(PG_WRITE_LOCK_KEY) ")",
    .tables_sql = "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                  "WHERE c.relkind = 'r' AND n.nspname = current_schema() ORDER BY c.oid",
    .references_sql =
        "SELECT t.relname, r.relname FROM pg_constraint c "
        "JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid "
        "WHERE c.contype = 'f'",
};
