/* outbox.c: the sender side of partner messaging: picking due messages, POSTing them with
 * libcurl, checking the signed answer, and recording the outcome through the writer. */
#include "outbox.h"

#include <curl/curl.h>
#include <sodium.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../audit/audit.h"
#include "../store/clock.h"
#include "../store/ledger_store.h"
#include "http_client.h"
#include "partners.h"
#include "reconcile_link.h"
#include "transfer.h"

/* The answer handlers of the message types that expect one to act on. */
static const struct {
    const char *type;
    outbox_answer_fn handler;
} answer_routes[] = {
    {"ping", NULL},           {"transfer.proposal", transfer_on_answer},
    {"jcm.issuance", NULL},   {"reconcile.freeze", NULL},
    {"message.cancel", NULL},
};

static outbox_answer_fn answer_handler(const char *type)
{
    for (size_t i = 0; i < sizeof answer_routes / sizeof answer_routes[0]; i++)
        if (strcmp(answer_routes[i].type, type) == 0) return answer_routes[i].handler;
    return NULL;
}

/* A queued message at the head of its partner's queue. */
typedef struct due_message {
    char id[ENVELOPE_ID_SIZE];
    char partner[8];
    char type[ENVELOPE_TYPE_MAX + 1];
    char *envelope;
    char url[600];
    unsigned char public_key[32];
    int64_t attempts;
} due_message_t;

/* ISO 8601 UTC of now + seconds (same form as clock_now_iso). */
static void iso_after(long seconds, char out[CLOCK_ISO_SIZE])
{
    time_t t = time(NULL) + seconds;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, CLOCK_ISO_SIZE, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

static int load_due(db_t *db, due_message_t **out, size_t *count, db_error_t *err)
{
    static const char sql[] =
        "SELECT m.id, m.partner, m.type, m.envelope, p.url, p.public_key, m.attempts "
        "FROM messages m JOIN partners p ON p.id = m.partner "
        "WHERE m.direction = 'out' AND m.status = 'queued' AND m.next_attempt_at <= ? "
        "AND m.sequence = (SELECT MIN(x.sequence) FROM messages x WHERE x.partner = m.partner "
        "AND x.direction = 'out' AND x.status = 'queued') ORDER BY m.partner";
    char now[CLOCK_ISO_SIZE];
    clock_now_iso(now);
    *out = NULL;
    *count = 0;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, now);
    int rc;
    size_t capacity = 0;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        if (*count == capacity) {
            capacity = capacity ? capacity * 2 : 8;
            due_message_t *grown = realloc(*out, capacity * sizeof *grown);
            if (!grown) break;
            *out = grown;
        }
        due_message_t *m = &(*out)[(*count)++];
        memset(m, 0, sizeof *m);
        snprintf(m->id, sizeof m->id, "%s", db_column_text(stmt, 0));
        snprintf(m->partner, sizeof m->partner, "%s", db_column_text(stmt, 1));
        snprintf(m->type, sizeof m->type, "%s", db_column_text(stmt, 2));
        m->envelope = strdup(db_column_text(stmt, 3));
        snprintf(m->url, sizeof m->url, "%s/api/v1/interop/messages", db_column_text(stmt, 4));
        envelope_hex_decode(db_column_text(stmt, 5), m->public_key, sizeof m->public_key);
        m->attempts = db_column_int64(stmt, 6);
    }
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}

/* POSTs the envelope; returns the HTTP status (0 when no answer) with the body in *answer. */
static long post(const due_message_t *m, long timeout_ms, http_buffer_t *answer, char *error,
                 size_t error_size)
{
    return http_post_json(m->url, m->envelope, timeout_ms, answer, error, error_size);
}

typedef struct outcome_operation {
    const registry_keys_t *keys;
    const due_message_t *message;
    const char *answer;       /* the signed answer, or NULL for a failed attempt */
    const envelope_t *parsed; /* the answer parsed */
    const char *error;
} outcome_operation_t;

static int apply_outcome(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    static const char answered_sql[] = "UPDATE messages SET status = 'answered', answer = ?, "
                                       "answered_at = ?, attempts = attempts + 1, "
                                       "last_error = NULL WHERE id = ? AND status = 'queued'";
    static const char retry_sql[] = "UPDATE messages SET attempts = attempts + 1, "
                                    "next_attempt_at = ?, last_error = ? WHERE id = ? "
                                    "AND status = 'queued'";
    static const char status_sql[] = "SELECT status FROM messages WHERE id = ?";
    outcome_operation_t *op = context;
    const due_message_t *m = op->message;
    /* Another delivery pass (serve's thread and an operator's `partner send`) may have ended it
     * meanwhile: then there is nothing left to record. */
    db_stmt_t *stmt = db_prepare(db, status_sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, m->id);
    int found = db_step(stmt, err);
    bool queued = found == DB_ROW && strcmp(db_column_text(stmt, 0), "queued") == 0;
    db_reset(stmt);
    if (found < 0) return found;
    if (!queued) return WRITER_REJECTED;
    stmt = db_prepare(db, op->answer ? answered_sql : retry_sql, err);
    if (!stmt) return DB_ERROR;
    if (op->answer) {
        db_bind_text(stmt, 1, op->answer);
        db_bind_text(stmt, 2, state->now);
        db_bind_text(stmt, 3, m->id);
    } else {
        long delay = 1L << (m->attempts < 8 ? m->attempts : 8);
        char next[CLOCK_ISO_SIZE];
        iso_after(delay < OUTBOX_BACKOFF_MAX_S ? delay : OUTBOX_BACKOFF_MAX_S, next);
        db_bind_text(stmt, 1, next);
        db_bind_text(stmt, 2, op->error);
        db_bind_text(stmt, 3, m->id);
        return db_step_done(stmt, err) < 0 ? DB_ERROR : WRITER_ACCEPTED;
    }
    int rc = db_step_done(stmt, err);
    if (rc < 0) return rc;
    outbox_answer_fn handler = answer_handler(m->type);
    if (handler) {
        json_t *sent = json_loads(m->envelope, 0, NULL);
        rc = handler(db, state, op->keys, m->partner, json_object_get(sent, "payload"),
                     op->parsed->payload, err);
        json_decref(sent);
        if (rc < 0) return rc;
    }
    char object[48];
    snprintf(object, sizeof object, "message/%s", m->id);
    json_t *payload = json_pack("{ss ss sO}", "partner", m->partner, "type", m->type, "status",
                                json_object_get(op->parsed->payload, "status"));
    rc = payload ? audit_append(db, &state->chain, state->now, m->partner, "message.answered",
                                object, payload, err)
                 : db_error_set(err, DB_ERROR, "out of memory");
    json_decref(payload);
    return rc < 0 ? rc : WRITER_ACCEPTED;
}

/* Checks that body is the partner's signed answer to m. */
static a6_check_t answer_check(const registry_keys_t *keys, const due_message_t *m,
                               const http_buffer_t *body, envelope_t *parsed, char *error,
                               size_t error_size)
{
    const char *field;
    a6_check_t check = envelope_parse(body->data, body->length, parsed, &field);
    if (check == A6_OK &&
        (strcmp(parsed->sender, m->partner) != 0 ||
         strcmp(parsed->receiver, keys->registry_id) != 0 || strcmp(parsed->type, "answer") != 0 ||
         !json_is_string(json_object_get(parsed->payload, "in_reply_to")) ||
         strcmp(json_string_value(json_object_get(parsed->payload, "in_reply_to")), m->id) != 0))
        check = A6_CHECK_ENVELOPE_INVALID;
    if (check == A6_OK) check = envelope_verify(parsed, m->public_key);
    if (check != A6_OK) snprintf(error, error_size, "answer refused: %s", a6_check_name(check));
    return check;
}

int outbox_run_once(writer_t *w, db_t *reader, const registry_keys_t *keys, long timeout_ms,
                    outbox_stats_t *stats, db_error_t *err)
{
    memset(stats, 0, sizeof *stats);
    /* Issuances made straight into a partner's account are announced to it first. */
    int rc = transfer_announce_issuances(w, reader, keys, err);
    if (rc < 0) return rc;
    due_message_t *due = NULL;
    size_t count = 0;
    rc = load_due(reader, &due, &count, err);
    for (size_t i = 0; rc == 0 && i < count; i++) {
        due_message_t *m = &due[i];
        http_buffer_t body = {0};
        char error[320] = "";
        envelope_t parsed = {0};
        stats->attempted++;
        long status = m->envelope ? post(m, timeout_ms, &body, error, sizeof error) : 0;
        const char *answer = NULL;
        if (status == 200 && body.data &&
            answer_check(keys, m, &body, &parsed, error, sizeof error) == A6_OK)
            answer = body.data;
        else if (status && !*error)
            snprintf(error, sizeof error, "HTTP %ld: %.200s", status, body.data ? body.data : "");
        outcome_operation_t op = {keys, m, answer, &parsed, error};
        rc = writer_execute(w, apply_outcome, &op, err);
        if (rc > 0) rc = 0;
        if (answer)
            stats->answered++;
        else
            stats->failed++;
        envelope_release(&parsed);
        free(body.data);
    }
    for (size_t i = 0; i < count; i++)
        free(due[i].envelope);
    free(due);
    return rc;
}

/* Cancels a queued message the partner never received: a signed "message.cancel" takes its
 * sequence number, and the message's effect is undone. */
typedef struct cancel_operation {
    const registry_keys_t *keys;
    const due_message_t *message;
    int64_t sequence;
} cancel_operation_t;

static int apply_cancel(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    static const char status_sql[] = "SELECT status FROM messages WHERE id = ?";
    static const char cancel_sql[] = "UPDATE messages SET status = 'cancelled', answered_at = ? "
                                     "WHERE id = ?";
    static const char insert_sql[] =
        "INSERT INTO messages(id, direction, partner, sequence, type, "
        "envelope, status, attempts, next_attempt_at, created_at) "
        "VALUES (?, 'out', ?, ?, 'message.cancel', ?, 'queued', 0, ?, ?)";
    static const char announce_sql[] = "DELETE FROM announcements WHERE message_id = ?";
    cancel_operation_t *op = context;
    const due_message_t *m = op->message;
    db_stmt_t *stmt = db_prepare(db, status_sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, m->id);
    int rc = db_step(stmt, err);
    bool queued = rc == DB_ROW && strcmp(db_column_text(stmt, 0), "queued") == 0;
    db_reset(stmt);
    if (rc < 0) return rc;
    if (!queued) return WRITER_REJECTED;
    json_t *payload = json_pack("{ss}", "cancels", m->id);
    char id[ENVELOPE_ID_SIZE];
    envelope_new_id(id);
    char *text = payload ? envelope_sign(op->keys, m->partner, id, op->sequence, "message.cancel",
                                         state->now, payload)
                         : NULL;
    json_decref(payload);
    if (!text) return db_error_set(err, DB_ERROR, "out of memory");
    if ((stmt = db_prepare(db, cancel_sql, err))) {
        db_bind_text(stmt, 1, state->now);
        db_bind_text(stmt, 2, m->id);
        rc = db_step_done(stmt, err);
    }
    if (stmt && rc >= 0 && (stmt = db_prepare(db, insert_sql, err))) {
        db_bind_text(stmt, 1, id);
        db_bind_text(stmt, 2, m->partner);
        db_bind_int64(stmt, 3, op->sequence);
        db_bind_text(stmt, 4, text);
        db_bind_text(stmt, 5, state->now);
        db_bind_text(stmt, 6, state->now);
        rc = db_step_done(stmt, err);
    }
    free(text);
    if (!stmt) return DB_ERROR;
    if (rc < 0) return rc;
    /* Undo what the message was for. */
    if (strcmp(m->type, "transfer.proposal") == 0) {
        json_t *sent = json_loads(m->envelope, 0, NULL);
        json_t *answer = json_pack("{ss ss}", "status", "rejected", "message",
                                   "cancelled by the operator: never received by the partner");
        rc = transfer_on_answer(db, state, op->keys, m->partner, json_object_get(sent, "payload"),
                                answer, err);
        json_decref(sent);
        json_decref(answer);
        if (rc < 0) return rc;
    } else if (strcmp(m->type, "jcm.issuance") == 0) {
        if (!(stmt = db_prepare(db, announce_sql, err))) return DB_ERROR;
        db_bind_text(stmt, 1, m->id);
        if ((rc = db_step_done(stmt, err)) < 0) return rc;
    }
    char object[48];
    snprintf(object, sizeof object, "message/%s", m->id);
    json_t *audit = json_pack("{ss ss sI ss}", "partner", m->partner, "type", m->type, "sequence",
                              (json_int_t)op->sequence, "replaced_by", id);
    rc = audit ? audit_append(db, &state->chain, state->now, "operator", "message.cancel", object,
                              audit, err)
               : db_error_set(err, DB_ERROR, "out of memory");
    json_decref(audit);
    return rc < 0 ? rc : WRITER_ACCEPTED;
}

static int load_queued(db_t *db, const char *id, due_message_t *m, int64_t *sequence,
                       db_error_t *err)
{
    static const char sql[] =
        "SELECT m.id, m.partner, m.type, m.envelope, p.url, p.public_key, m.attempts, m.sequence "
        "FROM messages m JOIN partners p ON p.id = m.partner WHERE m.id = ? "
        "AND m.direction = 'out' AND m.status = 'queued'";
    memset(m, 0, sizeof *m);
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, id);
    int rc = db_step(stmt, err);
    if (rc == DB_ROW) {
        snprintf(m->id, sizeof m->id, "%s", db_column_text(stmt, 0));
        snprintf(m->partner, sizeof m->partner, "%s", db_column_text(stmt, 1));
        snprintf(m->type, sizeof m->type, "%s", db_column_text(stmt, 2));
        m->envelope = strdup(db_column_text(stmt, 3));
        snprintf(m->url, sizeof m->url, "%s/api/v1/interop/messages", db_column_text(stmt, 4));
        envelope_hex_decode(db_column_text(stmt, 5), m->public_key, sizeof m->public_key);
        m->attempts = db_column_int64(stmt, 6);
        *sequence = db_column_int64(stmt, 7);
    }
    db_reset(stmt);
    return rc < 0 ? rc : rc == DB_ROW;
}

int outbox_resolve(writer_t *w, db_t *reader, const registry_keys_t *keys, const char *message_id,
                   long timeout_ms, const char **resolution, char *reason, size_t reason_size)
{
    due_message_t m;
    int64_t sequence = 0;
    db_error_t err = {0};
    int rc = load_queued(reader, message_id, &m, &sequence, &err);
    if (rc <= 0) {
        snprintf(reason, reason_size, "%s",
                 rc < 0 ? err.message : "no queued message to a partner has this id");
        return -1;
    }
    json_t *status =
        reconcile_ask_status(reader, keys, m.partner, m.id, timeout_ms, reason, reason_size);
    rc = -1;
    if (status) {
        const char *answer = json_string_value(json_object_get(status, "answer"));
        int64_t last = json_integer_value(json_object_get(status, "last_sequence"));
        if (json_is_true(json_object_get(status, "known")) && answer) {
            http_buffer_t body = {.data = (char *)answer, .length = strlen(answer)};
            envelope_t parsed = {0};
            if (answer_check(keys, &m, &body, &parsed, reason, reason_size) == A6_OK) {
                outcome_operation_t op = {keys, &m, answer, &parsed, ""};
                rc = writer_execute(w, apply_outcome, &op, &err) < 0 ? -1 : 0;
                if (rc < 0) snprintf(reason, reason_size, "%s", err.message);
                *resolution = "answered";
            }
            envelope_release(&parsed);
        } else if (json_is_true(json_object_get(status, "known"))) {
            snprintf(reason, reason_size, "the partner received it but has no answer for it");
        } else if (last == sequence - 1) {
            cancel_operation_t op = {keys, &m, sequence};
            rc = writer_execute(w, apply_cancel, &op, &err) < 0 ? -1 : 0;
            if (rc < 0) snprintf(reason, reason_size, "%s", err.message);
            *resolution = "cancelled";
        } else if (last < sequence - 1) {
            snprintf(reason, reason_size,
                     "the partner has not processed the messages before it (its last is %lld): "
                     "resolve those first",
                     (long long)last);
        } else {
            snprintf(reason, reason_size,
                     "the partner took sequence %lld with another message: investigate before "
                     "anything is cancelled",
                     (long long)sequence);
        }
        json_decref(status);
    }
    free(m.envelope);
    return rc;
}

json_t *outbox_query(db_t *db, db_error_t *err)
{
    static const char sql[] = "SELECT id, partner, sequence, type, attempts, next_attempt_at, "
                              "last_error, created_at FROM messages WHERE direction = 'out' AND "
                              "status = 'queued' ORDER BY partner, sequence";
    err->code = 0;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return NULL;
    json_t *list = json_array();
    int rc;
    while ((rc = db_step(stmt, err)) == DB_ROW) {
        json_t *row = json_pack(
            "{ss ss sI ss sI ss ss}", "id", db_column_text(stmt, 0), "partner",
            db_column_text(stmt, 1), "sequence", (json_int_t)db_column_int64(stmt, 2), "type",
            db_column_text(stmt, 3), "attempts", (json_int_t)db_column_int64(stmt, 4),
            "next_attempt_at", db_column_text(stmt, 5), "created_at", db_column_text(stmt, 7));
        json_object_set_new(row, "last_error",
                            db_column_is_null(stmt, 6) ? json_null()
                                                       : json_string(db_column_text(stmt, 6)));
        json_array_append_new(list, row);
    }
    db_reset(stmt);
    if (rc < 0) {
        json_decref(list);
        return NULL;
    }
    return list;
}

struct outbox_worker {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int stop;
    writer_t *writer;
    db_t *reader;
    registry_keys_t keys;
    long interval_ms;
    long reconcile_every_s;
    time_t next_reconcile;
};

/* The periodic reconciliation with every partner. */
static void reconcile_all(outbox_worker_t *worker)
{
    db_error_t err = {0};
    json_t *partners = partner_query_all(worker->reader, &err);
    size_t i;
    json_t *p;
    json_array_foreach(partners, i, p)
    {
        const char *id = json_string_value(json_object_get(p, "id"));
        reconcile_outcome_t out;
        if (reconcile_run(worker->writer, worker->reader, &worker->keys, id,
                          OUTBOX_TIMEOUT_MS_DEFAULT, &out, &err) < 0)
            fprintf(stderr, "a6reg: reconciliation with %s: %s\n", id, err.message);
        else if (out.check != A6_OK)
            fprintf(stderr, "a6reg: reconciliation with %s: %s\n", id, out.message);
        else if (out.differences)
            fprintf(stderr, "a6reg: reconciliation with %s: %zu difference(s), %lld freeze(s)\n",
                    id, out.differences, (long long)out.frozen);
        json_decref(out.diffs);
    }
    json_decref(partners);
}

static void *worker_main(void *context)
{
    outbox_worker_t *worker = context;
    pthread_mutex_lock(&worker->lock);
    while (!worker->stop) {
        pthread_mutex_unlock(&worker->lock);
        outbox_stats_t stats;
        db_error_t err = {0};
        if (outbox_run_once(worker->writer, worker->reader, &worker->keys,
                            OUTBOX_TIMEOUT_MS_DEFAULT, &stats, &err) < 0)
            fprintf(stderr, "a6reg: partner messages: %s\n", err.message);
        if (worker->reconcile_every_s > 0 && time(NULL) >= worker->next_reconcile) {
            reconcile_all(worker);
            worker->next_reconcile = time(NULL) + worker->reconcile_every_s;
        }
        pthread_mutex_lock(&worker->lock);
        if (worker->stop) break;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += (worker->interval_ms % 1000) * 1000000L;
        until.tv_sec += worker->interval_ms / 1000 + until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&worker->wake, &worker->lock, &until);
    }
    pthread_mutex_unlock(&worker->lock);
    return NULL;
}

outbox_worker_t *outbox_worker_start(writer_t *w, const char *db_location,
                                     const registry_keys_t *keys, long interval_ms,
                                     long reconcile_every_s)
{
    outbox_worker_t *worker = calloc(1, sizeof *worker);
    if (!worker) return NULL;
    db_error_t err = {0};
    if (ledger_store_open_reader(db_location, &worker->reader, &err) < 0) {
        fprintf(stderr, "a6reg: partner messages: %s\n", err.message);
        free(worker);
        return NULL;
    }
    worker->writer = w;
    worker->keys = *keys;
    worker->interval_ms = interval_ms > 0 ? interval_ms : 200;
    worker->reconcile_every_s = reconcile_every_s;
    worker->next_reconcile = time(NULL) + reconcile_every_s;
    pthread_mutex_init(&worker->lock, NULL);
    pthread_cond_init(&worker->wake, NULL);
    if (pthread_create(&worker->thread, NULL, worker_main, worker) != 0) {
        db_close(worker->reader);
        free(worker);
        return NULL;
    }
    return worker;
}

void outbox_worker_stop(outbox_worker_t *worker)
{
    if (!worker) return;
    pthread_mutex_lock(&worker->lock);
    worker->stop = 1;
    pthread_cond_signal(&worker->wake);
    pthread_mutex_unlock(&worker->lock);
    pthread_join(worker->thread, NULL);
    pthread_cond_destroy(&worker->wake);
    pthread_mutex_destroy(&worker->lock);
    db_close(worker->reader);
    sodium_memzero(&worker->keys, sizeof worker->keys);
    free(worker);
}

int outbox_message_answered(db_t *db, const char *message_id, int *answered, db_error_t *err)
{
    static const char sql[] = "SELECT status FROM messages WHERE id = ? AND direction = 'out'";
    *answered = 0;
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    db_bind_text(stmt, 1, message_id);
    int rc = db_step(stmt, err);
    if (rc == DB_ROW) *answered = strcmp(db_column_text(stmt, 0), "answered") == 0;
    db_reset(stmt);
    return rc < 0 ? rc : 0;
}
