/* outbox.h: delivering queued messages to partner registries over HTTP (libcurl): per partner, the
 * lowest queued sequence number first, once it is due; a signed answer from that partner ends it
 * (its type's answer handler runs in the writer's transaction); no answer, a timeout or anything
 * else leaves it queued and retries it later with exponential backoff (1 s doubling to 5 min). A
 * partner that is down delays a message but never loses or duplicates it: the receiver answers a
 * message it already processed with its first answer. */
#ifndef A6_INTEROP_OUTBOX_H
#define A6_INTEROP_OUTBOX_H

#include <jansson.h>

#include "../store/writer.h"
#include "envelope.h"

#define OUTBOX_TIMEOUT_MS_DEFAULT 5000
#define OUTBOX_BACKOFF_MAX_S 300

typedef struct outbox_stats {
    int attempted;
    int answered;
    int failed;
} outbox_stats_t;

/* An answer handler: the original message's type, its payload, the answer's payload (status,
 * result...), inside the writer's transaction. 0 or a negative db_result_t. */
typedef int (*outbox_answer_fn)(db_t *db, ledger_state_t *state, const registry_keys_t *keys,
                                const char *partner, json_t *sent, json_t *answer, db_error_t *err);

/* One pass over the queue. Returns 0 (see stats) or a negative db_result_t. */
int outbox_run_once(writer_t *w, db_t *reader, const registry_keys_t *keys, long timeout_ms,
                    outbox_stats_t *stats, db_error_t *err);

/* The delivery thread of `a6reg serve`: a pass every interval_ms until stopped. */
typedef struct outbox_worker outbox_worker_t;
/* Also reconciles with every partner every reconcile_every_s seconds (0: never), the first time
 * one period after the start; differences are frozen and reported on stderr. */
outbox_worker_t *outbox_worker_start(writer_t *w, const char *db_location,
                                     const registry_keys_t *keys, long interval_ms,
                                     long reconcile_every_s);
void outbox_worker_stop(outbox_worker_t *worker);

/* An operator settles a queued message that does not get through, by asking the partner (a
 * signed query) what became of it: processed there (its signed answer is recorded as if it had
 * arrived), or never received while it is the next the partner expects (the message is cancelled:
 * a signed "message.cancel" takes its sequence number, and its effect is undone: an external
 * transfer's units return, an announcement is made again later). Anything else is refused with
 * the reason: it would risk a unit counted twice. 0 with *resolution ("answered", "cancelled") or
 * -1 with reason. */
int outbox_resolve(writer_t *w, db_t *reader, const registry_keys_t *keys, const char *message_id,
                   long timeout_ms, const char **resolution, char *reason, size_t reason_size);

/* Whether an outbound message was answered (by this process or by a server's delivery thread). */
int outbox_message_answered(db_t *db, const char *message_id, int *answered, db_error_t *err);

/* The queue as JSON: every outbound message not yet answered, with attempts and last error. */
json_t *outbox_query(db_t *db, db_error_t *err);

#endif
