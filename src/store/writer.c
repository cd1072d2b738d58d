/* writer.c: the single writer thread with group commit. A request is answered only after the
 * transaction holding it has committed and is durable; a rejected or failed request leaves no
 * trace. With SQLite the commit writes the log without an fsync and the syncer thread fsyncs it
 * while the writer applies the next batch (one batch at most waits for its fsync); readers of
 * this process do not see a batch before then (durability.h). */
#include "writer.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "durability.h"
#include "ledger_store.h"

/* One queued operation, living on the submitting thread's stack until it is answered. */
typedef struct writer_item {
    writer_apply_fn apply;
    void *context;
    int outcome; /* writer_outcome_t or a negative db_result_t */
    db_error_t error;
    sem_t done;
    writer_done_fn on_done; /* asynchronous items: called instead of waking a waiter */
    void *on_done_data;
    /* The operation may be applied twice (it only changes the database and the ledger state, and
     * fills its result afresh each time): it may then run without a savepoint of its own. */
    bool replayable;
    struct writer_item *next;
} writer_item_t;

#define WRITER_CHECKPOINT_INTERVAL_MS 100

struct writer {
    db_t *db;
    db_t *checkpoint_db; /* the checkpointer's own connection */
    pthread_t checkpoint_thread;
    pthread_cond_t checkpoint_wake;
    uint64_t commits;
    ledger_state_t state;
    ledger_account_cache_t accounts;
    size_t batch_max;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    writer_item_t *head;
    writer_item_t *tail;
    size_t queued;
    int stopping;
    writer_stats_t stats;
    /* The syncer: makes each committed batch durable, then answers its callers. */
    pthread_t syncer_thread;
    pthread_cond_t syncer_wake; /* a batch was handed over, or stopping */
    pthread_cond_t synced;      /* durable_batches advanced */
    writer_item_t *sync_batch;  /* committed, waiting for its fsync and answers */
    uint64_t committed_batches;
    uint64_t durable_batches;
    int syncer_stopping;
    int log_fd;              /* the log to fsync after each commit, or -1 (db_log_path) */
    durability_gate_t *gate; /* keeps this process's readers from undurable batches */
    db_error_t log_error;    /* set once an fsync failed: every later batch is refused */
};

/* Applies one operation in its own savepoint; rolls the savepoint and the state back unless it
 * was accepted. Returns <0 only when the whole transaction is unusable. */
static int apply_one(writer_t *w, writer_item_t *item)
{
    ledger_state_t saved = w->state;
    if (db_savepoint(w->db, &item->error) < 0) {
        item->outcome = item->error.code < 0 ? item->error.code : DB_ERROR;
        return -1;
    }
    int rc = item->apply(w->db, &w->state, item->context, &item->error);
    /* Its deferred writes (PostgreSQL) answer now: a failure among them is its own. */
    if (rc >= 0 && db_flush(w->db, &item->error) < 0) rc = item->error.code;
    item->outcome = rc < 0 ? rc : rc == WRITER_ACCEPTED ? WRITER_ACCEPTED : WRITER_REJECTED;
    /* A rejected operation may have changed accounts before its rejection (an import, an
     * issuance opening accounts): the savepoint undoes them, so the cache forgets them too. */
    if (item->outcome != WRITER_ACCEPTED) ledger_account_cache_clear(&w->accounts);
    db_error_t err = {0};
    if (item->outcome != WRITER_ACCEPTED) {
        w->state = saved;
        if (db_savepoint_rollback(w->db, &err) < 0) return -1;
    }
    if (db_savepoint_release(w->db, &err) < 0) return -1;
    return 0;
}

/* Applies one replayable operation with no savepoint of its own. Returns 1 when it was
 * accepted, or rejected having changed nothing in the database (then the state is put back as a
 * rollback would); 0 when only a savepoint could undo it (it failed, or was rejected after a
 * write); the caller then rolls back the run it belongs to. */
static int apply_unguarded(writer_t *w, writer_item_t *item)
{
    ledger_state_t saved = w->state;
    int64_t changes = db_total_changes(w->db);
    int rc = item->apply(w->db, &w->state, item->context, &item->error);
    if (rc == WRITER_ACCEPTED) {
        item->outcome = WRITER_ACCEPTED;
        return 1;
    }
    if (rc < 0 || changes < 0 || db_total_changes(w->db) != changes) return 0;
    /* The account cache needs no clearing: it only learns rows as read or after their write. */
    item->outcome = WRITER_REJECTED;
    w->state = saved;
    return 1;
}

/* Applies the replayable items from first up to (not including) end inside one savepoint. A
 * savepoint makes SQLite copy each page it changes first to a statement journal: one per run
 * instead of one per item saved ~20% of a transfer's apply time. When an item could only be
 * undone by a savepoint of its own, the run is rolled back and applied again item by item, each
 * in its own savepoint, with the outcomes that gives. Returns <0 only when the whole transaction
 * is unusable. */
static int apply_run(writer_t *w, writer_item_t *first, writer_item_t *end)
{
    ledger_state_t saved = w->state;
    db_error_t err = {0};
    if (db_savepoint(w->db, &err) < 0) {
        first->error = err;
        first->outcome = err.code < 0 ? err.code : DB_ERROR;
        return -1;
    }
    int clean = 1;
    for (writer_item_t *item = first; clean && item != end; item = item->next)
        clean = apply_unguarded(w, item);
    /* A deferred write (PostgreSQL) that failed is reported by a later statement of the run, or
     * here: the run is then replayed item by item, and the failure reaches its own item. */
    if (clean && db_flush(w->db, &err) < 0) clean = 0;
    if (!clean) {
        pthread_mutex_lock(&w->lock);
        w->stats.runs_replayed++;
        pthread_mutex_unlock(&w->lock);
        w->state = saved;
        ledger_account_cache_clear(&w->accounts);
        if (db_savepoint_rollback(w->db, &err) < 0) return -1;
        for (writer_item_t *item = first; item != end; item = item->next) {
            item->error = (db_error_t){0};
            if (apply_one(w, item) < 0) return -1;
        }
    }
    return db_savepoint_release(w->db, &err) < 0 ? -1 : 0;
}

static uint64_t monotonic_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Another writer (an operator's command while the server runs) may have changed the database
 * since the last batch: the audit chain's head tells. Then the cached state (next ids, chain,
 * accounts) is loaded again inside this batch's write transaction, so nothing collides. */
static int state_current(writer_t *w, db_error_t *err)
{
    static const char sql[] = "SELECT COALESCE(MAX(seq), 0) FROM audit_log";
    db_stmt_t *stmt = db_prepare(w->db, sql, err);
    if (!stmt) return DB_ERROR;
    int rc = db_step(stmt, err);
    int64_t head = rc == DB_ROW ? db_column_int64(stmt, 0) : -1;
    db_reset(stmt);
    if (rc < 0) return rc;
    if (head == w->state.chain.next_seq - 1) return 0;
    char now[CLOCK_ISO_SIZE];
    memcpy(now, w->state.now, sizeof now);
    ledger_account_cache_t *accounts = w->state.accounts;
    if ((rc = ledger_state_load(w->db, &w->state, err)) < 0) return rc;
    memcpy(w->state.now, now, sizeof now);
    w->state.accounts = accounts;
    ledger_account_cache_clear(&w->accounts);
    return 0;
}

/* Counts the batch's outcomes, then wakes (or calls back) each caller. */
static void answer_batch(writer_t *w, writer_item_t *batch)
{
    pthread_mutex_lock(&w->lock);
    for (writer_item_t *item = batch; item; item = item->next) {
        w->stats.requests++;
        if (item->outcome < 0)
            w->stats.failed++;
        else if (item->outcome == WRITER_ACCEPTED)
            w->stats.accepted++;
        else
            w->stats.rejected++;
    }
    pthread_mutex_unlock(&w->lock);
    for (writer_item_t *item = batch, *next; item; item = next) {
        next = item->next; /* the item dies once its caller wakes */
        if (item->on_done) {
            item->on_done(item->outcome, &item->error, item->on_done_data);
            free(item);
        } else {
            sem_post(&item->done);
        }
    }
}

static void fail_batch(writer_item_t *batch, const db_error_t *err)
{
    for (writer_item_t *item = batch; item; item = item->next) {
        item->error = *err;
        item->outcome = err->code < 0 ? err->code : DB_ERROR;
    }
}

/* Waits until every committed batch is durable; false when an fsync failed. Called with the
 * lock held. */
static bool wait_synced(writer_t *w)
{
    while (w->durable_batches < w->committed_batches && w->log_error.code == 0)
        pthread_cond_wait(&w->synced, &w->lock);
    return w->log_error.code == 0;
}

/* Commits the applied batch once the previous one is durable, and hands it to the syncer. */
static bool commit_batch(writer_t *w, writer_item_t *batch, db_error_t *err)
{
    pthread_mutex_lock(&w->lock);
    bool usable = wait_synced(w);
    if (!usable) *err = w->log_error;
    uint64_t number = w->committed_batches + 1;
    pthread_mutex_unlock(&w->lock);
    if (!usable) return false;
    durability_committing(w->gate, number);
    bool ok = db_commit(w->db, err) == 0;
    pthread_mutex_lock(&w->lock);
    w->committed_batches = number;
    if (ok) {
        w->sync_batch = batch;
        pthread_cond_signal(&w->syncer_wake);
    } else {
        w->durable_batches = number; /* nothing of it is visible: nothing to wait for */
    }
    pthread_mutex_unlock(&w->lock);
    if (!ok) durability_reached(w->gate, number);
    return ok;
}

/* Runs one batch: begin, each request in a savepoint (runs of replayable ones in one, see
 * apply_run), commit; the syncer answers once it is durable. A failed batch is answered here. */
static void process_batch(writer_t *w, writer_item_t *batch, size_t count)
{
    uint64_t started_ns = monotonic_ns();
    db_error_t err = {0};
    clock_now_iso(w->state.now);
    int ok = db_begin_write(w->db, &err) == 0 && state_current(w, &err) == 0;
    ledger_state_t before_batch = w->state;
    for (writer_item_t *item = batch, *end; ok && item; item = end) {
        for (end = item; end && end->replayable;)
            end = end->next;
        if (end != item) { /* a run of replayable items */
            ok = apply_run(w, item, end) == 0;
        } else {
            ok = apply_one(w, item) == 0;
            end = item->next;
        }
    }
    uint64_t applied_ns = monotonic_ns();
    if (ok) ok = commit_batch(w, batch, &err);
    uint64_t committed_ns = monotonic_ns();
    if (ok) __atomic_add_fetch(&w->commits, 1, __ATOMIC_RELAXED);
    pthread_mutex_lock(&w->lock);
    w->stats.batches++;
    w->stats.batch_size_last = count;
    w->stats.apply_ns += applied_ns - started_ns;
    w->stats.commit_ns += committed_ns - applied_ns;
    pthread_mutex_unlock(&w->lock);
    if (!ok) {
        db_error_t ignored;
        db_rollback(w->db, &ignored);
        if (err.code == 0) db_error_set(&err, DB_ERROR, "transaction failed");
        w->state = before_batch;
        ledger_account_cache_clear(&w->accounts);
        fail_batch(batch, &err);
        answer_batch(w, batch);
    }
}

/* The syncer thread: fsyncs the log for each committed batch (the writer applies the next one
 * meanwhile), marks it durable, then answers its callers. A failed fsync leaves the log's state
 * unknown: the batch's callers get the error and the writer refuses every later batch. */
static void *syncer_main(void *arg)
{
    writer_t *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->sync_batch && !w->syncer_stopping)
            pthread_cond_wait(&w->syncer_wake, &w->lock);
        writer_item_t *batch = w->sync_batch;
        if (!batch) break;
        w->sync_batch = NULL;
        uint64_t number = w->committed_batches;
        pthread_mutex_unlock(&w->lock);
        db_error_t err = {0};
        if (w->log_fd >= 0 && fdatasync(w->log_fd) != 0)
            db_error_set(&err, DB_ERROR, "cannot make the log durable: %s", strerror(errno));
        pthread_mutex_lock(&w->lock);
        if (err.code == 0) {
            w->durable_batches = number;
        } else if (w->log_error.code == 0) {
            w->log_error = err;
        }
        pthread_cond_broadcast(&w->synced);
        pthread_mutex_unlock(&w->lock);
        /* After a failed fsync the batch may or may not survive a crash; readers are let go
         * rather than blocked for good, and nothing more is committed. */
        durability_reached(w->gate, number);
        if (err.code != 0) fail_batch(batch, &err);
        answer_batch(w, batch);
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

static void *writer_main(void *arg)
{
    writer_t *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->lock);
        while (!w->head && !w->stopping)
            pthread_cond_wait(&w->wake, &w->lock);
        if (!w->head) {
            pthread_mutex_unlock(&w->lock);
            return NULL;
        }
        writer_item_t *batch = w->head, *last = w->head;
        size_t count = 1;
        while (count < w->batch_max && last->next) {
            last = last->next;
            count++;
        }
        w->head = last->next;
        if (!w->head) w->tail = NULL;
        last->next = NULL;
        w->queued -= count;
        pthread_mutex_unlock(&w->lock);
        process_batch(w, batch, count);
    }
}

/* Copies committed WAL pages into the database off the writer's path, every interval when the
 * writer has committed since the last pass, so that the checkpoint the writer itself runs when
 * the log passes its bound finds little left to copy. */
static void *checkpoint_main(void *arg)
{
    writer_t *w = arg;
    uint64_t seen = 0;
    pthread_mutex_lock(&w->lock);
    while (!w->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += WRITER_CHECKPOINT_INTERVAL_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&w->checkpoint_wake, &w->lock, &until);
        uint64_t commits = __atomic_load_n(&w->commits, __ATOMIC_RELAXED);
        if (commits == seen || w->stopping) continue;
        seen = commits;
        pthread_mutex_unlock(&w->lock);
        db_error_t err = {0};
        db_checkpoint(w->checkpoint_db, &err); /* a failed pass is retried on the next one */
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* The log to fsync after each commit, and the gate that hides undurable commits from this
 * process's readers; neither when a commit is durable on its own (PostgreSQL). */
static int durability_open(writer_t *w, const char *location, db_error_t *err)
{
    w->log_fd = -1;
    const char *log = db_log_path(w->db);
    if (!log) return 0;
    w->log_fd = open(log, O_RDONLY | O_CLOEXEC);
    if (w->log_fd < 0)
        return db_error_set(err, DB_ERROR, "cannot open the log %s: %s", log, strerror(errno));
    w->gate = durability_gate_claim(durability_key_of(location));
    if (!w->gate) {
        close(w->log_fd);
        return db_error_set(err, DB_ERROR, "cannot register the writer of %s", location);
    }
    return 0;
}

int writer_start(const char *location, const writer_config_t *config, writer_t **out,
                 db_error_t *err)
{
    writer_t *w = calloc(1, sizeof *w);
    if (!w) return db_error_set(err, DB_ERROR, "out of memory");
    w->batch_max = config && config->batch_max ? config->batch_max : WRITER_BATCH_MAX_DEFAULT;
    int rc = ledger_store_open(location, &w->db, err);
    if (rc == 0 && (rc = db_open(location, DB_OPEN_EXISTING, &w->checkpoint_db, err)) == 0 &&
        ((rc = db_tune_writer(w->db, err)) < 0 ||
         (rc = ledger_state_load(w->db, &w->state, err)) < 0 ||
         (rc = durability_open(w, location, err)) < 0))
        db_close(w->checkpoint_db);
    w->state.accounts = &w->accounts;
    if (rc < 0) {
        db_close(w->db);
        free(w);
        return rc;
    }
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    pthread_cond_init(&w->checkpoint_wake, NULL);
    pthread_cond_init(&w->syncer_wake, NULL);
    pthread_cond_init(&w->synced, NULL);
    if (pthread_create(&w->syncer_thread, NULL, syncer_main, w) != 0) {
        w->syncer_thread = 0;
        writer_stop(w);
        return db_error_set(err, DB_ERROR, "cannot start the syncer thread");
    }
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        w->thread = 0;
        writer_stop(w);
        return db_error_set(err, DB_ERROR, "cannot start the writer thread");
    }
    if (pthread_create(&w->checkpoint_thread, NULL, checkpoint_main, w) != 0) {
        w->checkpoint_thread = 0;
        writer_stop(w);
        return db_error_set(err, DB_ERROR, "cannot start the checkpoint thread");
    }
    *out = w;
    return 0;
}

/* Appends an item to the queue and wakes the writer. */
static void enqueue(writer_t *w, writer_item_t *item)
{
    pthread_mutex_lock(&w->lock);
    if (w->tail)
        w->tail->next = item;
    else
        w->head = item;
    w->tail = item;
    w->queued++;
    if (w->queued > w->stats.queue_depth) w->stats.queue_depth = w->queued;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
}

/* Queues one operation and waits until it is settled; returns its outcome. */
static int execute(writer_t *w, writer_apply_fn apply, void *context, bool replayable,
                   db_error_t *err)
{
    writer_item_t item = {.apply = apply, .context = context, .replayable = replayable};
    sem_init(&item.done, 0, 0);
    enqueue(w, &item);
    while (sem_wait(&item.done) != 0) {
    }
    sem_destroy(&item.done);
    if (item.outcome < 0 && err) *err = item.error;
    return item.outcome;
}

int writer_execute(writer_t *w, writer_apply_fn apply, void *context, db_error_t *err)
{
    return execute(w, apply, context, false, err);
}

/* Queues one operation without waiting; on_done is called once it is settled. */
static int execute_async(writer_t *w, writer_apply_fn apply, void *context, bool replayable,
                         writer_done_fn on_done, void *on_done_data)
{
    writer_item_t *item = calloc(1, sizeof *item);
    if (!item) return DB_ERROR;
    item->apply = apply;
    item->context = context;
    item->on_done = on_done;
    item->on_done_data = on_done_data;
    item->replayable = replayable;
    enqueue(w, item);
    return 0;
}

int writer_execute_async(writer_t *w, writer_apply_fn apply, void *context, writer_done_fn on_done,
                         void *on_done_data)
{
    return execute_async(w, apply, context, false, on_done, on_done_data);
}

/* The ledger request operation: its context is the request and its result. */
typedef struct ledger_operation {
    const ledger_request_t *request;
    ledger_result_t *result;
} ledger_operation_t;

/* Replayable: it changes only the database and the state, and fills its result afresh. */
static int apply_ledger_request(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    ledger_operation_t *operation = context;
    memset(operation->result, 0, sizeof *operation->result);
    int rc = ledger_apply(db, state, operation->request, operation->result, err);
    if (rc < 0) return rc;
    return operation->result->check == A6_OK ? WRITER_ACCEPTED : WRITER_REJECTED;
}

/* An asynchronous ledger request: the operation and what to call once it is durable. */
typedef struct ledger_async {
    ledger_operation_t operation;
    writer_submit_done_fn done;
    void *data;
} ledger_async_t;

static void ledger_async_done(int outcome, const db_error_t *err, void *data)
{
    ledger_async_t *async = data;
    ledger_result_t *result = async->operation.result;
    if (outcome < 0) {
        memset(result, 0, sizeof *result);
        result->store_error = outcome;
        snprintf(result->message, sizeof result->message, "storage error: %s", err->message);
    }
    async->done(result, async->data);
    free(async);
}

int writer_submit_async(writer_t *w, const ledger_request_t *request, ledger_result_t *result,
                        writer_submit_done_fn done, void *data)
{
    memset(result, 0, sizeof *result);
    if (ledger_request_validate(request, result) != A6_OK) {
        done(result, data);
        return 0;
    }
    ledger_async_t *async = calloc(1, sizeof *async);
    if (!async) return DB_ERROR;
    *async = (ledger_async_t){
        .operation = {.request = request, .result = result}, .done = done, .data = data};
    int rc =
        execute_async(w, apply_ledger_request, &async->operation, true, ledger_async_done, async);
    if (rc < 0) free(async);
    return rc;
}

void writer_submit(writer_t *w, const ledger_request_t *request, ledger_result_t *result)
{
    memset(result, 0, sizeof *result);
    if (ledger_request_validate(request, result) != A6_OK) return; /* never reaches the queue */
    ledger_operation_t operation = {.request = request, .result = result};
    db_error_t err = {0};
    int outcome = execute(w, apply_ledger_request, &operation, true, &err);
    if (outcome < 0) {
        memset(result, 0, sizeof *result);
        result->store_error = outcome;
        snprintf(result->message, sizeof result->message, "storage error: %s", err.message);
    }
}

void writer_stop(writer_t *w)
{
    if (!w) return;
    pthread_mutex_lock(&w->lock);
    w->stopping = 1;
    pthread_cond_signal(&w->wake);
    pthread_cond_signal(&w->checkpoint_wake);
    pthread_mutex_unlock(&w->lock);
    if (w->thread) pthread_join(w->thread, NULL);
    if (w->checkpoint_thread) pthread_join(w->checkpoint_thread, NULL);
    /* The writer has handed over its last batch: the syncer makes it durable and answers it. */
    pthread_mutex_lock(&w->lock);
    w->syncer_stopping = 1;
    pthread_cond_signal(&w->syncer_wake);
    pthread_mutex_unlock(&w->lock);
    if (w->syncer_thread) pthread_join(w->syncer_thread, NULL);
    durability_gate_release(w->gate);
    if (w->log_fd >= 0) close(w->log_fd);
    db_close(w->checkpoint_db);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->wake);
    pthread_cond_destroy(&w->checkpoint_wake);
    pthread_cond_destroy(&w->syncer_wake);
    pthread_cond_destroy(&w->synced);
    db_close(w->db);
    ledger_account_cache_release(&w->accounts);
    free(w);
}

void writer_stats_get(writer_t *w, writer_stats_t *out)
{
    pthread_mutex_lock(&w->lock);
    *out = w->stats;
    out->queue_depth = w->queued;
    pthread_mutex_unlock(&w->lock);
    clockid_t clock;
    struct timespec used;
    out->cpu_ns = pthread_getcpuclockid(w->thread, &clock) == 0 && clock_gettime(clock, &used) == 0
                      ? (uint64_t)used.tv_sec * 1000000000u + (uint64_t)used.tv_nsec
                      : 0;
}
