/* account.c: account and transaction type names and the rules of which account may do what. */
#include "account.h"

#include "text.h"

#include <stddef.h>
#include <string.h>
#include "names.h"

static const char *const account_type_names[] = {
    [LEDGER_ACCOUNT_HOLDING] = "holding",
    [LEDGER_ACCOUNT_PENDING] = "pending",
    [LEDGER_ACCOUNT_CANCELLATION] = "cancellation",
    [LEDGER_ACCOUNT_VOLUNTARY_CANCELLATION] = "voluntary-cancellation",
    [LEDGER_ACCOUNT_RETIREMENT] = "retirement",
    [LEDGER_ACCOUNT_OMGE] = "omge",
    [LEDGER_ACCOUNT_SHARE_OF_PROCEEDS] = "share-of-proceeds",
    [LEDGER_ACCOUNT_PARTNER] = "partner",
};

static const char *const tx_type_names[] = {
    [LEDGER_TX_ISSUE] = "issue",
    [LEDGER_TX_TRANSFER] = "transfer",
    [LEDGER_TX_RETIRE] = "retire",
    [LEDGER_TX_CANCEL] = "cancel",
};

const char *ledger_account_type_name(ledger_account_type_t type)
{
    if (type <= 0 || (size_t)type >= A6_COUNT_OF(account_type_names)) return "unknown";
    return account_type_names[type];
}

a6_check_t ledger_account_type_parse(const char *name, ledger_account_type_t *out)
{
    int found = a6_name_find(account_type_names, A6_COUNT_OF(account_type_names), name);
    if (!found) return A6_CHECK_ACCOUNT_TYPE_INVALID;
    *out = (ledger_account_type_t)found;
    return A6_OK;
}

const char *ledger_tx_type_name(ledger_tx_type_t type)
{
    if (type <= 0 || (size_t)type >= A6_COUNT_OF(tx_type_names)) return "unknown";
    return tx_type_names[type];
}

a6_check_t ledger_tx_type_parse(const char *name, ledger_tx_type_t *out)
{
    int found = a6_name_find(tx_type_names, A6_COUNT_OF(tx_type_names), name);
    if (!found) return A6_CHECK_FIELD_MISSING;
    *out = (ledger_tx_type_t)found;
    return A6_OK;
}

bool ledger_account_is_terminal(ledger_account_type_t type)
{
    return type != LEDGER_ACCOUNT_HOLDING && type != LEDGER_ACCOUNT_PENDING;
}

a6_check_t ledger_holder_check(const char *holder)
{
    return a6_text_check(holder, LEDGER_HOLDER_MAX) == A6_OK ? A6_OK : A6_CHECK_HOLDER_INVALID;
}

a6_check_t ledger_party_check(const char *party)
{
    if (!party || strlen(party) != 3) return A6_CHECK_PARTY_INVALID;
    for (int i = 0; i < 3; i++)
        if (party[i] < 'A' || party[i] > 'Z') return A6_CHECK_PARTY_INVALID;
    return A6_OK;
}

static a6_check_t check_open(const ledger_account_t *account)
{
    if (!account) return A6_CHECK_ACCOUNT_NOT_FOUND;
    if (!account->open) return A6_CHECK_ACCOUNT_CLOSED;
    return A6_OK;
}

/* Whether `to` may receive units by a transaction of `type`. */
static bool destination_allowed(ledger_tx_type_t type, ledger_account_type_t to)
{
    switch (type) {
    case LEDGER_TX_ISSUE:
        return to == LEDGER_ACCOUNT_HOLDING || to == LEDGER_ACCOUNT_PARTNER;
    case LEDGER_TX_TRANSFER:
        return to == LEDGER_ACCOUNT_HOLDING || to == LEDGER_ACCOUNT_PENDING ||
               to == LEDGER_ACCOUNT_PARTNER;
    case LEDGER_TX_RETIRE:
        return to == LEDGER_ACCOUNT_RETIREMENT;
    case LEDGER_TX_CANCEL:
        return to == LEDGER_ACCOUNT_CANCELLATION || to == LEDGER_ACCOUNT_VOLUNTARY_CANCELLATION ||
               to == LEDGER_ACCOUNT_OMGE || to == LEDGER_ACCOUNT_SHARE_OF_PROCEEDS;
    }
    return false;
}

a6_check_t ledger_check_accounts(ledger_tx_type_t type, const ledger_account_t *from,
                                 const ledger_account_t *to)
{
    a6_check_t check;
    if (type != LEDGER_TX_ISSUE) {
        if ((check = check_open(from)) != A6_OK) return check;
        /* Units leave a partner registry's account only when they come back: a transfer into a
         * holding account (the partner sent them back to their origin registry). */
        bool returning = from->type == LEDGER_ACCOUNT_PARTNER && type == LEDGER_TX_TRANSFER && to &&
                         to->type == LEDGER_ACCOUNT_HOLDING;
        if (ledger_account_is_terminal(from->type) && !returning)
            return A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED;
    }
    if ((check = check_open(to)) != A6_OK) return check;
    if (from && from->id == to->id) return A6_CHECK_SAME_ACCOUNT;
    if (!destination_allowed(type, to->type)) return A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED;
    /* Units reach a partner registry's account only from a pending account: the completion of
     * an external transfer the partner accepted. */
    if (to->type == LEDGER_ACCOUNT_PARTNER && type == LEDGER_TX_TRANSFER &&
        from->type != LEDGER_ACCOUNT_PENDING)
        return A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED;
    return A6_OK;
}

a6_check_t ledger_check_close(const ledger_account_t *account, int64_t units_held)
{
    a6_check_t check = check_open(account);
    if (check != A6_OK) return check;
    if (units_held > 0) return A6_CHECK_ACCOUNT_NOT_EMPTY;
    return A6_OK;
}
