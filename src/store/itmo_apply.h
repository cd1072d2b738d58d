/* itmo_apply.h: the Article 6 side of ledger changes, applied by the writer in the same savepoint
 * as the change: ITMO issuance under an authorization (with the first transfer the approach's rule
 * makes at issuance), the AEF actions of uses and cancellations (with the OIMP first transfer at
 * use or cancellation), and the year-end snapshot of ITMO holdings (AEF table T4). */
#ifndef A6_STORE_ITMO_APPLY_H
#define A6_STORE_ITMO_APPLY_H

#include "../core/authorization.h"
#include "../core/itmo.h"
#include "ledger_store.h"

/* This registry's Party and registry ID (registry_meta; "VNM" and "VNM01" by default). */
typedef struct itmo_registry {
    char party[A6_PARTY_SIZE];
    char registry_id[A6_REGISTRY_ID_SIZE];
} itmo_registry_t;

int itmo_registry_load(db_t *db, itmo_registry_t *out, db_error_t *err);

/* An authorization as the rules see it, with storage for its strings. found is 0 when unknown. */
typedef struct itmo_authorization {
    int found;
    a6_authorization_t rule;
    char label[32]; /* the AEF authorization ID: "VNM01-A7" */
    char approach_id[A6_APPROACH_ID_SIZE];
    char status[16]; /* requested, authorized, declined */
    char mitigation_type[48];
    int64_t activity_id;
} itmo_authorization_t;

/* The AEF authorization ID of authorization `id` in this registry: "VNM01-A7". */
void itmo_authorization_label(const itmo_registry_t *registry, int64_t id, char *out, size_t size);

int itmo_authorization_load(db_t *db, const itmo_registry_t *registry, int64_t id,
                            itmo_authorization_t *out, db_error_t *err);

/* After an issuance under request->authorization_id (result->id the transaction): checks it with
 * a6_itmo_issue_check, marks the issuance, and records the first transfer the rules make at
 * issuance (into a partner account under the approach's NDC rule "issuance"; or the OIMP
 * definition at authorization or issuance). A refusal is written to result (the writer then
 * rolls the savepoint back). Returns 0 or a negative db_result_t. */
int itmo_after_issue(db_t *db, ledger_state_t *state, const ledger_request_t *request,
                     ledger_result_t *result, db_error_t *err);

/* After a retirement or cancellation (result->id the transaction): for each block of ITMOs moved,
 * checks the action (a6_itmo_action_check) and records it in the AEF actions, with its first
 * transfer and corresponding adjustment when the action makes one, and the NDC use. An explicit
 * request->article6 on units that are not all ITMOs is refused (4023). */
int itmo_after_move(db_t *db, ledger_state_t *state, const ledger_request_t *request,
                    ledger_result_t *result, db_error_t *err);

/* External transfers of the ITMOs moved by transaction tx_id. check: before the proposal leaves,
 * each ITMO block not yet first transferred must be first transferable now towards the partner's
 * NDC (a6_first_transfer_check; refusal in result). record: once the partner accepted, each such
 * block is first transferred (one CA entry, a T3 "First transfer to another Party" row) and each
 * ITMO block first transferred before gets a T3 "Transfer" row; acquiring_party the partner's. */
int itmo_external_check(db_t *db, ledger_state_t *state, int64_t tx_id, ledger_result_t *result,
                        db_error_t *err);
int itmo_external_record(db_t *db, ledger_state_t *state, const char *actor, int64_t tx_id,
                         const char *acquiring_party, db_error_t *err);

/* Before the first change of a new year: freezes the ITMO holdings of every year that ended since
 * the last change into aef_holdings (they are the holdings as of 31 December). Audited. */
int itmo_close_years(db_t *db, ledger_state_t *state, db_error_t *err);

/* The ITMO holdings of this registry now (holding and pending accounts), as T4 rows, by calling
 * row(context, ...) for each block in serial order. */
typedef int (*itmo_holding_fn)(void *context, db_stmt_t *row);
#define ITMO_HOLDINGS_SQL                                                                          \
    "SELECT b.first_serial, b.last_serial, z.approach_id, i.authorization_id, b.vintage, "         \
    "COALESCE(z.mitigation_type, 'Emission reductions'), p.unit_registry "                         \
    "FROM blocks b JOIN issuances i ON i.id = b.issuance_id "                                      \
    "JOIN authorizations z ON z.id = i.authorization_id "                                          \
    "JOIN approaches p ON p.id = z.approach_id "                                                   \
    "JOIN accounts a ON a.id = b.account_id "                                                      \
    "WHERE a.type IN ('holding', 'pending') ORDER BY b.first_serial"

#endif
