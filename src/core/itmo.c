/* itmo.c: rules for authorized units (ITMOs): issuance under an authorization, first transfers at
 * issuance, and uses and cancellations with their AEF meaning. */
#include "itmo.h"

#include <string.h>

#include "block.h"
#include "names.h"

static const char *const ndc_first_transfer_names[] = {NULL, "international transfer", "issuance"};

const char *a6_ndc_first_transfer_name(a6_ndc_first_transfer_t rule)
{
    return a6_name_of(ndc_first_transfer_names, A6_COUNT_OF(ndc_first_transfer_names), (int)rule);
}

a6_check_t a6_ndc_first_transfer_parse(const char *name, a6_ndc_first_transfer_t *out)
{
    int found = a6_name_find(ndc_first_transfer_names, A6_COUNT_OF(ndc_first_transfer_names), name);
    if (!found) return A6_CHECK_FIRST_TRANSFER_DEFINITION_INVALID;
    *out = (a6_ndc_first_transfer_t)found;
    return A6_OK;
}

a6_check_t a6_itmo_issue_check(const a6_authorization_t *authorization, int32_t vintage,
                               a6_date_t on, int64_t issued_tco2e, int64_t quantity_tco2e)
{
    if (!authorization || on == A6_DATE_NONE || authorization->date == A6_DATE_NONE ||
        on < authorization->date)
        return A6_CHECK_NOT_AUTHORIZED;
    if (authorization->revoked_on != A6_DATE_NONE && authorization->revoked_on <= on)
        return A6_CHECK_AUTHORIZATION_REVOKED;
    if (vintage < authorization->timeframe_first || vintage > authorization->timeframe_last)
        return A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME;
    a6_check_t check = ledger_quantity_check(quantity_tco2e);
    if (check != A6_OK) return check;
    if (issued_tco2e < 0 || issued_tco2e > authorization->quantity_tco2e ||
        quantity_tco2e > authorization->quantity_tco2e - issued_tco2e)
        return A6_CHECK_AUTHORIZED_QUANTITY_EXCEEDED;
    return A6_OK;
}

a6_action_subtype_t a6_itmo_issue_first_transfer(const a6_authorization_t *authorization)
{
    if (!authorization || !(a6_purpose_uses(authorization->purpose) & A6_USE_OIMP)) return 0;
    if (authorization->oimp_first_transfer == A6_FIRST_TRANSFER_AT_AUTHORIZATION)
        return A6_SUBTYPE_AUTHORIZATION;
    if (authorization->oimp_first_transfer == A6_FIRST_TRANSFER_AT_ISSUANCE)
        return A6_SUBTYPE_ISSUANCE;
    return 0;
}

a6_itmo_action_t a6_itmo_default_action(ledger_tx_type_t tx_type, ledger_account_type_t destination)
{
    a6_itmo_action_t action = {.type = A6_ACTION_VOLUNTARY_CANCELLATION};
    if (tx_type == LEDGER_TX_RETIRE || destination == LEDGER_ACCOUNT_VOLUNTARY_CANCELLATION)
        return action;
    action.type = A6_ACTION_CANCELLATION;
    action.subtype = destination == LEDGER_ACCOUNT_OMGE ? A6_SUBTYPE_OMGE_VOLUNTARY
                     : destination == LEDGER_ACCOUNT_SHARE_OF_PROCEEDS
                         ? A6_SUBTYPE_AF_VOLUNTARY
                         : A6_SUBTYPE_OTHER_CANCELLATION;
    return action;
}

a6_check_t a6_itmo_action_check(const a6_itmo_block_t *block, const a6_itmo_action_t *action,
                                a6_date_t on, bool *first_transfer)
{
    *first_transfer = false;
    if (action->type != A6_ACTION_USE && action->type != A6_ACTION_CANCELLATION &&
        action->type != A6_ACTION_VOLUNTARY_CANCELLATION)
        return A6_CHECK_ACTION_TYPE_INVALID;
    if (action->subtype &&
        (action->type == A6_ACTION_USE || !a6_action_subtype_fits(action->type, action->subtype)))
        return A6_CHECK_ACTION_SUBTYPE_INVALID;
    if (action->type == A6_ACTION_USE && !action->purpose) return A6_CHECK_PURPOSE_INVALID;
    if (action->purpose && !a6_purpose_uses(action->purpose)) return A6_CHECK_PURPOSE_INVALID;
    const a6_authorization_t *authorization = block->authorization;
    if (!authorization || on == A6_DATE_NONE) return A6_CHECK_NOT_AUTHORIZED;
    if (!action->purpose) {
        if (authorization->revoked_on != A6_DATE_NONE && authorization->revoked_on <= on)
            return A6_CHECK_AUTHORIZATION_REVOKED;
        return A6_OK;
    }
    unsigned uses = a6_purpose_uses(action->purpose);
    if ((uses & A6_USE_NDC) && !block->acquired) return A6_CHECK_NOT_ACQUIRED;
    a6_check_t check = a6_authorization_covers(authorization, action->purpose, block->vintage, on);
    if (check != A6_OK) return check;
    *first_transfer = (uses & A6_USE_OIMP) && !block->acquired && !block->first_transferred;
    return A6_OK;
}
