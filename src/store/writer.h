/* writer.h: the single writer. Every change is a request queued to one thread that applies a batch
 * in one database transaction (each request in a savepoint, or consecutive ledger requests in one
 * that is replayed request by request when one of them must be undone), commits once, and only
 * then answers each caller. */
#ifndef A6_STORE_WRITER_H
#define A6_STORE_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "../core/request.h"
#include "db.h"
#include "ledger_store.h"

#define WRITER_BATCH_MAX_DEFAULT 1024

typedef struct writer writer_t;

typedef struct writer_config {
    size_t batch_max; /* requests per transaction; 1 commits each request on its own */
} writer_config_t;

typedef struct writer_stats {
    uint64_t batches;
    uint64_t requests;
    uint64_t accepted;
    uint64_t rejected;
    uint64_t failed;
    size_t queue_depth;
    size_t batch_size_last;
    uint64_t apply_ns;      /* time spent applying requests (wall clock, all batches) */
    uint64_t commit_ns;     /* time spent committing (wall clock, all batches) */
    uint64_t cpu_ns;        /* processor time the writer thread has used since it started */
    uint64_t runs_replayed; /* runs of ledger requests applied again item by item (apply_run) */
} writer_stats_t;

/* Opens the database (migrating it), loads the state and starts the writer thread. */
int writer_start(const char *location, const writer_config_t *config, writer_t **out,
                 db_error_t *err);

/* What an operation applied by the writer says of itself. */
typedef enum writer_outcome {
    WRITER_REJECTED = 0, /* refused by a check: everything it wrote is rolled back */
    WRITER_ACCEPTED = 1, /* kept, and durable once writer_execute returns */
} writer_outcome_t;

/* An operation run on the writer thread inside the batch's transaction, in its own savepoint.
 * Returns a writer_outcome_t, or a negative db_result_t on a storage failure (rolled back). */
typedef int (*writer_apply_fn)(db_t *db, ledger_state_t *state, void *context, db_error_t *err);

/* Queues an operation and blocks until its batch has committed (or it was rolled back). Returns
 * WRITER_ACCEPTED, WRITER_REJECTED, or a negative db_result_t with err filled (nothing applied).
 * Thread-safe. */
int writer_execute(writer_t *writer, writer_apply_fn apply, void *context, db_error_t *err);

/* Called on the writer thread once an asynchronous operation's batch has committed (or it was
 * rejected or failed): outcome as writer_execute returns it. Must be quick and must not call
 * the writer synchronously. */
typedef void (*writer_done_fn)(int outcome, const db_error_t *err, void *data);

/* Queues an operation without waiting; on_done is called when it is settled. context and
 * on_done_data must stay valid until then. Returns 0, or a negative db_result_t when it could
 * not be queued (on_done is then not called). */
int writer_execute_async(writer_t *writer, writer_apply_fn apply, void *context,
                         writer_done_fn on_done, void *on_done_data);

/* Called on the writer thread when an asynchronous ledger request is settled (result filled). */
typedef void (*writer_submit_done_fn)(ledger_result_t *result, void *data);

/* writer_submit without waiting: request and result must stay valid until done is called (done
 * may be called before this returns, for a request rejected by validation). Returns 0, or a
 * negative db_result_t when it could not be queued (done is then not called). */
int writer_submit_async(writer_t *writer, const ledger_request_t *request, ledger_result_t *result,
                        writer_submit_done_fn done, void *data);

/* Queues a request and blocks until it is committed (result->check == A6_OK), rejected by a check
 * (nothing changed) or failed (result->store_error < 0, nothing changed). Thread-safe. */
void writer_submit(writer_t *writer, const ledger_request_t *request, ledger_result_t *result);

/* Finishes every queued request, stops the thread and closes the database. */
void writer_stop(writer_t *writer);

void writer_stats_get(writer_t *writer, writer_stats_t *out);

#endif
