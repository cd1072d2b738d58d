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
    {A6_CHECK_ACCOUNT_NOT_FOUND, "account-not-found", "no account with this id"},
    {A6_CHECK_ACCOUNT_CLOSED, "account-closed", "the account is closed"},
    {A6_CHECK_SAME_ACCOUNT, "same-account", "source and destination are the same account"},
    {A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED, "account-type-not-allowed",
     "the account type does not allow this operation"},
    {A6_CHECK_ACCOUNT_NOT_EMPTY, "account-not-empty", "an account holding units cannot be closed"},
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
