/* account.h: account types, transaction types and the pure rules of which account may do what. */
#ifndef A6_CORE_ACCOUNT_H
#define A6_CORE_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "check.h"

#define LEDGER_HOLDER_MAX 200

typedef enum ledger_account_type {
    LEDGER_ACCOUNT_HOLDING = 1,
    LEDGER_ACCOUNT_PENDING,
    LEDGER_ACCOUNT_CANCELLATION,
    LEDGER_ACCOUNT_VOLUNTARY_CANCELLATION,
    LEDGER_ACCOUNT_RETIREMENT,
    LEDGER_ACCOUNT_OMGE,
    LEDGER_ACCOUNT_SHARE_OF_PROCEEDS,
    /* Units issued straight into a partner Party's registry (the JCM partner share): they exist in
     * our serial space, so no serial can be issued twice, but are held there and never move here.
     */
    LEDGER_ACCOUNT_PARTNER,
} ledger_account_type_t;

typedef enum ledger_tx_type {
    LEDGER_TX_ISSUE = 1,
    LEDGER_TX_TRANSFER,
    LEDGER_TX_RETIRE,
    LEDGER_TX_CANCEL,
} ledger_tx_type_t;

typedef struct ledger_account {
    int64_t id;
    ledger_account_type_t type;
    bool open;
} ledger_account_t;

const char *ledger_account_type_name(ledger_account_type_t type);
a6_check_t ledger_account_type_parse(const char *name, ledger_account_type_t *out);
const char *ledger_tx_type_name(ledger_tx_type_t type);
a6_check_t ledger_tx_type_parse(const char *name, ledger_tx_type_t *out);

/* True for account types whose units never leave (cancellation, retirement, OMGE...). */
bool ledger_account_is_terminal(ledger_account_type_t type);

/* A6_OK when holder is 1..LEDGER_HOLDER_MAX bytes of printable UTF-8 (no control characters). */
a6_check_t ledger_holder_check(const char *holder);
/* A6_OK when party is three upper-case ASCII letters (ISO 3166 alpha-3). */
a6_check_t ledger_party_check(const char *party);

/* Which accounts a transaction of `type` may use: `from` is NULL for an issuance. Checks that both
 * are open, distinct and of a type the transaction allows. */
a6_check_t ledger_check_accounts(ledger_tx_type_t type, const ledger_account_t *from,
                                 const ledger_account_t *to);

/* An account may be closed only when open and empty. */
a6_check_t ledger_check_close(const ledger_account_t *account, int64_t units_held);

#endif
