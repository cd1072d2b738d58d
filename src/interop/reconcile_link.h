/* reconcile_link.h: reconciliation with a partner registry over the network. Each side lists, in
 * the origin registries' serials, the units it knows concerning the other (its units in the
 * partner's account, the units it acquired from the partner); core/reconcile.c compares the two
 * lists with totals, a hash tree and the differing blocks, asking the partner signed read-only
 * queries (POST /api/v1/interop/queries). Differences are reported and the units concerned held
 * here are frozen (no transfer, use or cancellation) until an operator resolves them. */
#ifndef A6_INTEROP_RECONCILE_LINK_H
#define A6_INTEROP_RECONCILE_LINK_H

#include <jansson.h>

#include "../core/reconcile.h"
#include "../store/writer.h"
#include "inbox.h"
#include "partners.h"

/* The canonical list of what this registry knows concerning partner (caller frees *blocks). */
int reconcile_blocks_load(db_t *db, const char *registry_id, const char *partner,
                          a6_recon_block_t **blocks, size_t *count, db_error_t *err);

/* The list last built for a partner's queries: read afresh at the first question of each
 * reconciliation (the totals), then reused for its other questions while the audit log has not
 * moved, so that one reconciliation reads the ledger once. */
typedef struct reconcile_cache reconcile_cache_t;
reconcile_cache_t *reconcile_cache_new(void);
void reconcile_cache_free(reconcile_cache_t *cache);

/* Answers a partner's signed query (reconcile.totals, reconcile.nodes, reconcile.blocks):
 * answer->body is the signed answer, or answer->check the refusal (6001 to 6004, 6009). cache
 * may be NULL (the list is then built for this query alone). */
void reconcile_answer(db_t *reader, const registry_keys_t *keys, reconcile_cache_t *cache,
                      const char *body, size_t length, inbox_answer_t *answer);

typedef struct reconcile_outcome {
    a6_check_t check; /* A6_OK when the protocol ran (differences or not) */
    char message[256];
    size_t differences;
    unsigned round_trips;
    size_t blocks_mine;
    size_t blocks_theirs_asked;
    json_t *diffs; /* [{kind, mine, theirs, freeze}] (caller releases) */
    int64_t frozen;
    int store_error;
} reconcile_outcome_t;

/* Asks partner (a signed query) whether it processed our message_id: {"known", "answer" (its
 * signed answer text or null), "last_sequence"}; NULL with error when it cannot be asked. */
json_t *reconcile_ask_status(db_t *reader, const registry_keys_t *keys, const char *partner,
                             const char *message_id, long timeout_ms, char *error,
                             size_t error_size);

/* Runs the protocol with partner and freezes the differing units held here. 0 or a negative
 * db_result_t. */
int reconcile_run(writer_t *w, db_t *reader, const registry_keys_t *keys, const char *partner,
                  long timeout_ms, reconcile_outcome_t *out, db_error_t *err);

/* The partner's handler of "reconcile.freeze": it found these units (origin ranges) in
 * disagreement and froze its own; the units of those ranges held here are frozen too. */
int reconcile_on_freeze(db_t *db, ledger_state_t *state, const registry_keys_t *keys,
                        const envelope_t *message, json_t **result, a6_check_t *check,
                        char *reason, size_t reason_size, db_error_t *err);

/* An operator resolves a freeze: its units move again. 6015 when unknown or resolved. */
void reconcile_resolve(writer_t *w, const char *actor, int64_t freeze, partner_result_t *result);

/* Freezes, unresolved first. */
json_t *reconcile_freezes(db_t *db, db_error_t *err);

#endif
