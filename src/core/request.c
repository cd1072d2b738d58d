/* request.c: input validation of ledger requests, before anything touches the database. */
#include "request.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

a6_check_t ledger_result_reject(ledger_result_t *result, a6_check_t check, const char *field)
{
    result->check = check;
    result->field = field;
    if (field)
        snprintf(result->message, sizeof result->message, "%s: %s", field,
                 a6_check_description(check));
    else
        snprintf(result->message, sizeof result->message, "%s", a6_check_description(check));
    return check;
}

static a6_check_t printable_check(const char *text, size_t max)
{
    size_t length = strlen(text);
    if (length == 0 || length > max) return A6_CHECK_IDEMPOTENCY_KEY_INVALID;
    for (size_t i = 0; i < length; i++)
        if ((unsigned char)text[i] < 0x21 || (unsigned char)text[i] > 0x7E)
            return A6_CHECK_IDEMPOTENCY_KEY_INVALID;
    return A6_OK;
}

static a6_check_t validate_article6(const ledger_request_t *r, ledger_result_t *result)
{
    const ledger_article6_t *a = r->article6;
    if (r->tx_type != LEDGER_TX_RETIRE && r->tx_type != LEDGER_TX_CANCEL)
        return ledger_result_reject(result, A6_CHECK_ACTION_TYPE_INVALID, "article6.action");
    if (a->action != A6_ACTION_USE && a->action != A6_ACTION_CANCELLATION &&
        a->action != A6_ACTION_VOLUNTARY_CANCELLATION)
        return ledger_result_reject(result, A6_CHECK_ACTION_TYPE_INVALID, "article6.action");
    if (a->subtype &&
        (a->action == A6_ACTION_USE || !a6_action_subtype_fits(a->action, a->subtype)))
        return ledger_result_reject(result, A6_CHECK_ACTION_SUBTYPE_INVALID, "article6.subtype");
    if ((a->action == A6_ACTION_USE && !a->purpose) || (a->purpose && !a6_purpose_uses(a->purpose)))
        return ledger_result_reject(result, A6_CHECK_PURPOSE_INVALID, "article6.purpose");
    if (a->using_party && a6_party_check(a->using_party) != A6_OK)
        return ledger_result_reject(result, A6_CHECK_PARTY_INVALID, "article6.using_party");
    if (a->using_entity && a6_text_check(a->using_entity, LEDGER_HOLDER_MAX) != A6_OK)
        return ledger_result_reject(result, A6_CHECK_TEXT_INVALID, "article6.using_entity");
    if (a->ndc_year && ledger_vintage_check(a->ndc_year) != A6_OK)
        return ledger_result_reject(result, A6_CHECK_VINTAGE_INVALID, "article6.ndc_year");
    return A6_OK;
}

static a6_check_t validate_transaction(const ledger_request_t *r, ledger_result_t *result)
{
    a6_check_t check;
    if (r->tx_type < LEDGER_TX_ISSUE || r->tx_type > LEDGER_TX_CANCEL)
        return ledger_result_reject(result, A6_CHECK_FIELD_MISSING, "type");
    /* A retirement or cancellation without a destination goes to the registry's own account. */
    bool registry_account =
        r->to == 0 && (r->tx_type == LEDGER_TX_RETIRE || r->tx_type == LEDGER_TX_CANCEL);
    if (r->to < 0 || (r->to == 0 && !registry_account))
        return ledger_result_reject(result, A6_CHECK_ID_INVALID, "to");
    if (r->tx_type == LEDGER_TX_ISSUE) {
        if (r->from != 0) return ledger_result_reject(result, A6_CHECK_ID_INVALID, "from");
        if (r->ranges) return ledger_result_reject(result, A6_CHECK_BLOCK_SPEC_INVALID, "blocks");
        if ((check = ledger_vintage_check(r->vintage)) != A6_OK)
            return ledger_result_reject(result, check, "vintage");
        if (r->unit_type == LEDGER_UNIT_ANY)
            return ledger_result_reject(result, A6_CHECK_UNIT_TYPE_INVALID, "unit_type");
    } else {
        if (r->from <= 0) return ledger_result_reject(result, A6_CHECK_ID_INVALID, "from");
        if (r->from == r->to) return ledger_result_reject(result, A6_CHECK_SAME_ACCOUNT, "to");
        if (r->vintage != 0 && (check = ledger_vintage_check(r->vintage)) != A6_OK)
            return ledger_result_reject(result, check, "vintage");
    }
    if (r->unit_type < LEDGER_UNIT_ANY || r->unit_type > LEDGER_UNIT_A64_ER)
        return ledger_result_reject(result, A6_CHECK_UNIT_TYPE_INVALID, "unit_type");
    if (r->ranges) {
        if (r->range_count == 0)
            return ledger_result_reject(result, A6_CHECK_BLOCK_SPEC_INVALID, "blocks");
        if (r->range_count > LEDGER_BLOCKS_PER_TX_MAX)
            return ledger_result_reject(result, A6_CHECK_TOO_MANY_BLOCKS, "blocks");
        if (r->quantity != 0)
            return ledger_result_reject(result, A6_CHECK_QUANTITY_INVALID, "quantity");
        int64_t total = 0;
        for (size_t i = 0; i < r->range_count; i++) {
            const ledger_range_t *range = &r->ranges[i];
            if (range->first <= 0 || range->last < range->first || range->last > LEDGER_SERIAL_MAX)
                return ledger_result_reject(result, A6_CHECK_BLOCK_INVALID, "blocks");
            total += range->last - range->first + 1; /* each term <= 2^62, total stays bounded */
            if (total > LEDGER_QUANTITY_MAX)
                return ledger_result_reject(result, A6_CHECK_QUANTITY_OVERFLOW, "blocks");
        }
    } else if ((check = ledger_quantity_check(r->quantity)) != A6_OK) {
        return ledger_result_reject(result, check, "quantity");
    }
    if (r->idempotency_key &&
        (check = printable_check(r->idempotency_key, LEDGER_IDEMPOTENCY_KEY_MAX)) != A6_OK)
        return ledger_result_reject(result, check, "idempotency_key");
    if (r->authorization_id < 0 || (r->authorization_id && r->tx_type != LEDGER_TX_ISSUE))
        return ledger_result_reject(result, A6_CHECK_ID_INVALID, "authorization");
    if (r->article6) return validate_article6(r, result);
    return A6_OK;
}

a6_check_t ledger_request_validate(const ledger_request_t *r, ledger_result_t *result)
{
    memset(result, 0, sizeof *result);
    if (!r->actor || !*r->actor || strlen(r->actor) > LEDGER_ACTOR_MAX)
        return ledger_result_reject(result, A6_CHECK_FIELD_MISSING, "actor");
    a6_check_t check;
    switch (r->kind) {
    case LEDGER_REQUEST_ACCOUNT_OPEN:
        if ((check = ledger_holder_check(r->holder)) != A6_OK)
            return ledger_result_reject(result, check, "holder");
        if (r->account_type < LEDGER_ACCOUNT_HOLDING || r->account_type > LEDGER_ACCOUNT_PARTNER)
            return ledger_result_reject(result, A6_CHECK_ACCOUNT_TYPE_INVALID, "type");
        if ((check = ledger_party_check(r->party)) != A6_OK)
            return ledger_result_reject(result, check, "party");
        return A6_OK;
    case LEDGER_REQUEST_ACCOUNT_CLOSE:
        if (r->account_id <= 0) return ledger_result_reject(result, A6_CHECK_ID_INVALID, "account");
        return A6_OK;
    case LEDGER_REQUEST_TRANSACTION:
        return validate_transaction(r, result);
    }
    return ledger_result_reject(result, A6_CHECK_FIELD_MISSING, "kind");
}
