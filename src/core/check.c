/* check.c: names and descriptions of the numbered check codes (the table docs/checks.md mirrors).
 */
#include "check.h"

#include <stddef.h>

typedef struct check_info {
    a6_check_t code;
    const char *name;
    const char *description;
} check_info_t;

static const check_info_t check_table[] = {
    {A6_OK, "ok", "accepted"},
    {A6_CHECK_QUANTITY_INVALID, "quantity-invalid", "quantity must be a positive whole number"},
    {A6_CHECK_QUANTITY_OVERFLOW, "quantity-overflow",
     "quantity exceeds the largest allowed amount"},
    {A6_CHECK_VINTAGE_INVALID, "vintage-invalid", "vintage must be a year between 1990 and 2100"},
    {A6_CHECK_FIELD_MISSING, "field-missing", "a required field is missing"},
    {A6_CHECK_IDEMPOTENCY_KEY_REUSED, "idempotency-key-reused",
     "the idempotency key was already used for a different request"},
    {A6_CHECK_UNIT_TYPE_INVALID, "unit-type-invalid", "unknown unit type"},
    {A6_CHECK_ACCOUNT_TYPE_INVALID, "account-type-invalid", "unknown account type"},
    {A6_CHECK_HOLDER_INVALID, "holder-invalid",
     "holder name must be 1 to 200 bytes of printable UTF-8"},
    {A6_CHECK_PARTY_INVALID, "party-invalid", "party must be an ISO 3166 alpha-3 code"},
    {A6_CHECK_BLOCK_SPEC_INVALID, "block-spec-invalid",
     "blocks must be given as FIRST-LAST ranges of positive serials"},
    {A6_CHECK_IDEMPOTENCY_KEY_INVALID, "idempotency-key-invalid",
     "idempotency key must be 1 to 128 printable characters"},
    {A6_CHECK_ID_INVALID, "id-invalid", "identifier must be a positive whole number"},
    {A6_CHECK_DATE_INVALID, "date-invalid",
     "date must be a real calendar day written YYYY-MM-DD, years 1900 to 2200"},
    {A6_CHECK_TEXT_INVALID, "text-invalid", "text must be printable UTF-8 of the allowed length"},
    {A6_CHECK_KIND_INVALID, "kind-invalid", "unknown activity kind (project, poa, cpa)"},
    {A6_CHECK_EVENT_INVALID, "event-invalid", "unknown project cycle event"},
    {A6_CHECK_ROLE_INVALID, "role-invalid", "unknown role"},
    {A6_CHECK_SIDE_INVALID, "side-invalid",
     "unknown allocation side (host, partner, participants)"},
    {A6_CHECK_STATUS_INVALID, "status-invalid", "unknown activity state or period stage"},
    {A6_CHECK_JSON_INVALID, "json-invalid",
     "the body must be one JSON object: UTF-8, no duplicate keys, nothing after it, not too deep"},
    {A6_CHECK_FIELD_TYPE, "field-type", "a field has the wrong type"},
    {A6_CHECK_FIELD_UNKNOWN, "field-unknown", "the body has a field this request does not take"},
    {A6_CHECK_BODY_TOO_LARGE, "body-too-large", "the request body is larger than the limit"},
    {A6_CHECK_ROUTE_NOT_FOUND, "route-not-found", "no such resource"},
    {A6_CHECK_METHOD_NOT_ALLOWED, "method-not-allowed", "the resource does not take this method"},
    {A6_CHECK_CURSOR_INVALID, "cursor-invalid", "the paging cursor is not one this API gave"},
    {A6_CHECK_PARAMETER_INVALID, "parameter-invalid",
     "an analysis parameter is outside its documented range or combination"},
    {A6_CHECK_ANALYSIS_TOO_LARGE, "analysis-too-large",
     "the analysis input has more rows or distinct groups than its limit"},
    {A6_CHECK_ACCOUNT_NOT_FOUND, "account-not-found", "no account with this id"},
    {A6_CHECK_ACCOUNT_CLOSED, "account-closed", "the account is closed"},
    {A6_CHECK_SAME_ACCOUNT, "same-account", "source and destination are the same account"},
    {A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED, "account-type-not-allowed",
     "the account type does not allow this operation"},
    {A6_CHECK_ACCOUNT_NOT_EMPTY, "account-not-empty", "an account holding units cannot be closed"},
    {A6_CHECK_APPROVAL_NOT_FOUND, "approval-not-found",
     "no transfer awaiting approval with this id"},
    {A6_CHECK_APPROVAL_DECIDED, "approval-decided",
     "the transfer was already approved or rejected"},
    {A6_CHECK_USER_EXISTS, "user-exists", "a user with this name exists"},
    {A6_CHECK_USER_NOT_FOUND, "user-not-found", "no user with this name"},
    {A6_CHECK_TRANSACTION_NOT_FOUND, "transaction-not-found", "no transaction with this id"},
    {A6_CHECK_INSUFFICIENT_HOLDINGS, "insufficient-holdings",
     "the account holds fewer units than requested"},
    {A6_CHECK_BLOCK_NOT_HELD, "block-not-held",
     "a requested serial block is not held by the account"},
    {A6_CHECK_BLOCK_OVERLAP, "block-overlap", "requested serial blocks overlap"},
    {A6_CHECK_SERIAL_OVERFLOW, "serial-overflow", "the registry's serial numbers would overflow"},
    {A6_CHECK_UNIT_TYPE_NOT_HELD, "unit-type-not-held",
     "the account holds no units of the requested unit type or vintage"},
    {A6_CHECK_BLOCK_INVALID, "block-invalid",
     "a serial block must have first <= last, both positive"},
    {A6_CHECK_TOO_MANY_BLOCKS, "too-many-blocks",
     "the transaction would move more blocks than one transaction may"},
    {A6_CHECK_PURPOSE_INVALID, "purpose-invalid",
     "unknown purpose (NDC, OIMP, IMP, OP, NDC and OIMP, NDC and IMP, NDC and OP)"},
    {A6_CHECK_REGISTRY_ID_INVALID, "registry-id-invalid",
     "registry ID must be three capital letters and two digits (VNM01)"},
    {A6_CHECK_APPROACH_ID_INVALID, "approach-id-invalid",
     "cooperative approach ID must be CA and four digits (CA0001)"},
    {A6_CHECK_ACTION_TYPE_INVALID, "action-type-invalid", "unknown AEF action type"},
    {A6_CHECK_ACTION_SUBTYPE_INVALID, "action-subtype-invalid",
     "unknown AEF action subtype, or one that does not belong to the action type"},
    {A6_CHECK_FIRST_TRANSFER_DEFINITION_INVALID, "first-transfer-definition-invalid",
     "the first transfer definition for OIMP must be authorization, issuance or use or "
     "cancellation"},
    {A6_CHECK_MITIGATION_TYPE_INVALID, "mitigation-type-invalid", "unknown mitigation type"},
    {A6_CHECK_UNIT_REGISTRY_INVALID, "unit-registry-invalid", "unknown underlying unit registry"},
    {A6_CHECK_CA_METHOD_INVALID, "ca-method-invalid",
     "unknown corresponding adjustment method (trajectory, budget, averaging)"},
    {A6_CHECK_ITMO_ID_INVALID, "itmo-id-invalid",
     "an ITMO unique identifier must read APPROACH-REGISTRY-PARTY-FIRST-LAST-VINTAGE"},
    {A6_CHECK_POLICY_INVALID, "policy-invalid",
     "the national authorization policy is incomplete or inconsistent"},
    {A6_CHECK_SECTOR_NOT_ELIGIBLE, "sector-not-eligible",
     "the activity's sector is not eligible for authorization"},
    {A6_CHECK_TECHNOLOGY_NOT_ELIGIBLE, "technology-not-eligible",
     "the activity's technology group is not eligible for authorization"},
    {A6_CHECK_SHARE_EXCEEDED, "share-exceeded",
     "the authorized total would exceed the policy's share of the activity's verified "
     "reductions"},
    {A6_CHECK_PURPOSE_NOT_ALLOWED, "purpose-not-allowed",
     "the policy does not allow authorization for this purpose"},
    {A6_CHECK_VINTAGE_OUTSIDE_WINDOW, "vintage-outside-window",
     "the vintages are outside the policy's vintage window"},
    {A6_CHECK_NDC_INVALID, "ndc-invalid",
     "the NDC figures are inconsistent (period, target year, amounts, percentages)"},
    {A6_CHECK_NDC_DATA_MISSING, "ndc-data-missing",
     "an NDC figure the rule needs is missing, so the safeguard cannot be judged"},
    {A6_CHECK_NDC_SAFEGUARD, "ndc-safeguard",
     "the adjustments would put the target year's emissions balance above the NDC target"},
    {A6_CHECK_AUTHORIZED_QUANTITY_EXCEEDED, "authorized-quantity-exceeded",
     "first transfers would exceed the authorized quantity"},
    {A6_CHECK_VINTAGE_OUTSIDE_TIMEFRAME, "vintage-outside-timeframe",
     "the vintage is outside the authorized timeframe"},
    {A6_CHECK_ALREADY_FIRST_TRANSFERRED, "already-first-transferred",
     "the units have already been first transferred"},
    {A6_CHECK_NOT_AUTHORIZED, "not-authorized",
     "the units are not authorized for this purpose or at this date"},
    {A6_CHECK_AUTHORIZATION_REVOKED, "authorization-revoked", "the authorization was revoked"},
    {A6_CHECK_CA_METHOD_LOCKED, "ca-method-locked",
     "the corresponding adjustment method cannot change once a year of the NDC period is reported"},
    {A6_CHECK_AUTHORIZATION_NOT_FOUND, "authorization-not-found", "no authorization with this ID"},
    {A6_CHECK_ENTITY_NOT_FOUND, "entity-not-found",
     "the entity is not among the authorized entities"},
    {A6_CHECK_QUANTITY_MISMATCH, "quantity-mismatch",
     "the quantity is not last - first + 1 of the block"},
    {A6_CHECK_AEF_INCONSISTENT, "aef-inconsistent", "the AEF report fails a consistency check"},
    {A6_CHECK_NOT_ACQUIRED, "not-acquired",
     "only ITMOs acquired from another Party can be used towards this Party's NDC"},
    {A6_CHECK_APPROACH_NOT_FOUND, "approach-not-found", "no cooperative approach with this ID"},
    {A6_CHECK_REPORT_YEAR_OPEN, "report-year-open",
     "the year has not ended: its report cannot be submitted yet"},
    {A6_CHECK_UNITS_FIRST_TRANSFERRED, "units-first-transferred",
     "units under this authorization were already first transferred: it can no longer be revoked"},
    {A6_CHECK_APPROACH_EXISTS, "approach-exists", "a cooperative approach with this ID exists"},
    {A6_CHECK_ENTITY_EXISTS, "entity-exists", "an authorized entity with this name exists"},
    {A6_CHECK_TRANSITION_NOT_ALLOWED, "transition-not-allowed",
     "the event does not apply to this kind of activity in its current state"},
    {A6_CHECK_METHODOLOGY_NOT_FOUND, "methodology-not-found", "no methodology with this code"},
    {A6_CHECK_ACTIVITY_NOT_FOUND, "activity-not-found", "no activity with this id"},
    {A6_CHECK_POA_NOT_REGISTERED, "poa-not-registered",
     "a component activity can only be added to a registered programme of activities"},
    {A6_CHECK_MONITORING_OVERLAP, "monitoring-overlap",
     "the monitoring period overlaps another period of the same activity"},
    {A6_CHECK_VERIFIED_EXCEEDS_CLAIMED, "verified-exceeds-claimed",
     "verified reductions exceed the reductions claimed in the monitoring report"},
    {A6_CHECK_ALLOCATION_SUM_MISMATCH, "allocation-sum-mismatch",
     "the allocations do not sum exactly to the notified amount"},
    {A6_CHECK_ALREADY_ISSUED, "already-issued", "the monitoring period has already been issued"},
    {A6_CHECK_DATE_IN_FUTURE, "date-in-future", "the date is after today"},
    {A6_CHECK_DATES_OUT_OF_ORDER, "dates-out-of-order",
     "the date is before a date that must precede it"},
    {A6_CHECK_PERIOD_STAGE, "period-stage",
     "the monitoring period is not at the stage this step follows"},
    {A6_CHECK_NOTIFIED_EXCEEDS_VERIFIED, "notified-exceeds-verified",
     "the notified amount exceeds the verified reductions"},
    {A6_CHECK_ACTIVITY_NOT_ACTIVE, "activity-not-active",
     "monitoring and issuance need a registered project or PoA or an included CPA"},
    {A6_CHECK_ACTIVITY_EXISTS, "activity-exists", "an activity with this reference already exists"},
    {A6_CHECK_METHODOLOGY_EXISTS, "methodology-exists",
     "a methodology with this code and version already exists"},
    {A6_CHECK_PERIOD_NOT_FOUND, "period-not-found", "no monitoring period with this id"},
    {A6_CHECK_PARENT_INVALID, "parent-invalid",
     "a CPA needs a PoA as parent; projects and PoAs have no parent"},
    {A6_CHECK_ALLOCATION_ACCOUNT_MISSING, "allocation-account-missing",
     "a host allocation needs a holding account at issuance"},
    {A6_CHECK_ACCOUNT_NOT_OWNED, "account-not-owned",
     "a participant may see and move only its own holder's accounts"},
    {A6_CHECK_AUTHENTICATION_REQUIRED, "authentication-required",
     "this request needs an Authorization: Bearer token"},
    {A6_CHECK_TOKEN_INVALID, "token-invalid", "the token is unknown, expired or revoked"},
    {A6_CHECK_CREDENTIALS_INVALID, "credentials-invalid", "wrong user name or password"},
    {A6_CHECK_APPROVAL_BY_REQUESTER, "approval-by-requester",
     "a second person of the same holder must approve, not the requester"},
    {A6_CHECK_PASSWORD_WEAK, "password-weak", "a password needs 12 to 200 characters"},
    {A6_CHECK_ENVELOPE_INVALID, "envelope-invalid",
     "the partner message is not a valid envelope (sender, receiver, id, sequence, type, time, "
     "payload, signature)"},
    {A6_CHECK_SENDER_UNKNOWN, "sender-unknown", "the sender is not a registered partner registry"},
    {A6_CHECK_RECEIVER_WRONG, "receiver-wrong", "the message is addressed to another registry"},
    {A6_CHECK_SIGNATURE_INVALID, "signature-invalid",
     "the signature does not match the message and the sender's public key"},
    {A6_CHECK_MESSAGE_REPLAYED, "message-replayed",
     "the message was already received (an old sequence number, or its id with other content)"},
    {A6_CHECK_SEQUENCE_GAP, "sequence-gap",
     "the message skips sequence numbers: an earlier message must arrive first"},
    {A6_CHECK_PARTNER_EXISTS, "partner-exists",
     "a partner with this registry ID is already registered"},
    {A6_CHECK_KEY_INVALID, "key-invalid", "the public key must be 64 hex digits (Ed25519)"},
    {A6_CHECK_MESSAGE_TYPE_UNKNOWN, "message-type-unknown",
     "this registry does not handle messages of this type"},
    {A6_CHECK_PARTNER_UNREACHABLE, "partner-unreachable",
     "the partner registry did not answer (it will be tried again)"},
    {A6_CHECK_BLOCKS_ALREADY_KNOWN, "blocks-already-known",
     "these units are already known to this registry: accepting them would count them twice"},
    {A6_CHECK_BLOCKS_FROZEN, "blocks-frozen",
     "these units are frozen: reconciliation with a partner found them in disagreement"},
    {A6_CHECK_FREEZE_NOT_FOUND, "freeze-not-found", "no unresolved freeze with this id"},
    {A6_CHECK_PARTNER_NOT_FOUND, "partner-not-found", "no partner registry with this ID"},
    {A6_CHECK_ROLE_NOT_ALLOWED, "role-not-allowed", "the caller's role may not do this"},
};

static const check_info_t *check_find(a6_check_t check)
{
    for (size_t i = 0; i < sizeof check_table / sizeof check_table[0]; i++)
        if (check_table[i].code == check) return &check_table[i];
    return NULL;
}

const char *a6_check_name(a6_check_t check)
{
    const check_info_t *info = check_find(check);
    return info ? info->name : "unknown";
}

const char *a6_check_description(a6_check_t check)
{
    const check_info_t *info = check_find(check);
    return info ? info->description : "unknown check";
}

size_t a6_check_count(void)
{
    return sizeof check_table / sizeof check_table[0] - 1; /* without A6_OK */
}

a6_check_t a6_check_at(size_t index)
{
    return index < a6_check_count() ? check_table[index + 1].code : A6_OK;
}
