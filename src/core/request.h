/* request.h: a ledger request (open/close an account, issue, transfer, retire, cancel) and its
 * pure input validation, shared by the CLI, the API and the writer. */
#ifndef A6_CORE_REQUEST_H
#define A6_CORE_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "account.h"
#include "article6.h"
#include "block.h"
#include "check.h"

#define LEDGER_IDEMPOTENCY_KEY_MAX 128
#define LEDGER_ACTOR_MAX 200

typedef enum ledger_request_kind {
    LEDGER_REQUEST_ACCOUNT_OPEN = 1,
    LEDGER_REQUEST_ACCOUNT_CLOSE,
    LEDGER_REQUEST_TRANSACTION,
} ledger_request_kind_t;

/* Everything a change needs. Pointers are borrowed from the caller for the life of the request. */
/* What a retirement or cancellation of ITMOs means in the AEF (T3). Strings borrowed. */
typedef struct ledger_article6 {
    a6_action_type_t action;     /* Use, Cancellation or Voluntary Cancellation */
    a6_action_subtype_t subtype; /* cancellations only, optional */
    a6_purpose_t purpose;        /* required for a Use */
    const char *using_party;     /* NULL: this registry's Party */
    const char *using_entity;    /* NULL when none; must be an authorized entity */
    int32_t ndc_year;            /* Use towards the NDC: calendar year (0: the action's year) */
} ledger_article6_t;

typedef struct ledger_request {
    ledger_request_kind_t kind;
    const char *actor;

    /* account open */
    const char *holder;
    ledger_account_type_t account_type;
    const char *party;

    /* account close */
    int64_t account_id;

    /* transaction: from is 0 for an issuance */
    ledger_tx_type_t tx_type;
    int64_t from;
    int64_t to;       /* 0 for a retirement or cancellation: the registry's own account */
    int64_t quantity; /* 0 when explicit ranges give it */
    int32_t vintage;  /* issuance: the vintage; others: optional filter (0 = any) */
    ledger_unit_type_t unit_type; /* issuance: the type; others: optional filter */
    const ledger_range_t *ranges; /* explicit blocks, or NULL for oldest vintage first */
    size_t range_count;
    const char *idempotency_key; /* NULL when none */
    /* Article 6: an issuance of ITMOs under this authorization (0: plain units), dated `on`
     * (A6_DATE_NONE or 0: today); a retirement or cancellation's AEF meaning (NULL: the default,
     * Voluntary Cancellation for a retirement, Cancellation for a cancellation). */
    int64_t authorization_id;
    int32_t on;
    const ledger_article6_t *article6;
} ledger_request_t;

/* The outcome of a request: A6_OK with the new id, or the check and the field it concerns. */
typedef struct ledger_result {
    a6_check_t check;
    const char *field; /* static string naming the offending input field, or NULL */
    char message[256]; /* human-readable reason */
    int64_t id;        /* account or transaction id */
    int64_t quantity;  /* units moved */
    int replayed;      /* 1 when an idempotency key returned an earlier result */
    int store_error;   /* negative when the database failed (nothing was applied) */
} ledger_result_t;

/* Sets result to the check with its field and a message built from the check description. */
a6_check_t ledger_result_reject(ledger_result_t *result, a6_check_t check, const char *field);

/* Validates every input field that does not need the database. On failure fills result. */
a6_check_t ledger_request_validate(const ledger_request_t *request, ledger_result_t *result);

#endif
