/* article6.c: the Article 6.2 controlled values (one name table each, spelled exactly as
 * spec/ARTICLE6.md lists them) and the identifiers of Parties, registries, cooperative approaches
 * and ITMOs. */
#include "article6.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "block.h"
#include "names.h"

static const char *const purpose_names[] = {
    [A6_PURPOSE_NDC] = "NDC",
    [A6_PURPOSE_OIMP] = "OIMP",
    [A6_PURPOSE_IMP] = "IMP",
    [A6_PURPOSE_OP] = "OP",
    [A6_PURPOSE_NDC_AND_OIMP] = "NDC and OIMP",
    [A6_PURPOSE_NDC_AND_IMP] = "NDC and IMP",
    [A6_PURPOSE_NDC_AND_OP] = "NDC and OP",
};

static const unsigned purpose_uses[] = {
    [A6_PURPOSE_NDC] = A6_USE_NDC,
    [A6_PURPOSE_OIMP] = A6_USE_OIMP,
    [A6_PURPOSE_IMP] = A6_USE_IMP,
    [A6_PURPOSE_OP] = A6_USE_OP,
    [A6_PURPOSE_NDC_AND_OIMP] = A6_USE_NDC | A6_USE_OIMP,
    [A6_PURPOSE_NDC_AND_IMP] = A6_USE_NDC | A6_USE_IMP,
    [A6_PURPOSE_NDC_AND_OP] = A6_USE_NDC | A6_USE_OP,
};

static const char *const action_type_names[] = {
    [A6_ACTION_AUTHORIZATION] = "Authorization",
    [A6_ACTION_FIRST_TRANSFER] = "First transfer",
    [A6_ACTION_TRANSFER] = "Transfer",
    [A6_ACTION_ACQUISITION] = "Acquisition",
    [A6_ACTION_USE] = "Use",
    [A6_ACTION_CANCELLATION] = "Cancellation",
    [A6_ACTION_VOLUNTARY_CANCELLATION] = "Voluntary Cancellation",
};

static const char *const action_subtype_names[] = {
    [A6_SUBTYPE_FIRST_TRANSFER_TO_PARTY] = "First transfer to another Party",
    [A6_SUBTYPE_AUTHORIZATION] = "Authorization",
    [A6_SUBTYPE_ISSUANCE] = "Issuance",
    [A6_SUBTYPE_USE_OR_CANCELLATION] = "Use or cancellation",
    [A6_SUBTYPE_AF_MANDATORY] = "Mandatory transfer to the Adaptation Fund",
    [A6_SUBTYPE_AF_VOLUNTARY] = "Voluntary transfer to the Adaptation Fund",
    [A6_SUBTYPE_OMGE_MANDATORY] = "Mandatory cancellation for OMGE",
    [A6_SUBTYPE_OMGE_VOLUNTARY] = "Voluntary cancellation for OMGE",
    [A6_SUBTYPE_OTHER_CANCELLATION] = "Other cancellation",
};

static const char *const first_transfer_names[] = {
    [A6_FIRST_TRANSFER_AT_AUTHORIZATION] = "authorization",
    [A6_FIRST_TRANSFER_AT_ISSUANCE] = "issuance",
    [A6_FIRST_TRANSFER_AT_USE_OR_CANCELLATION] = "use or cancellation",
};

static const char *const mitigation_type_names[] = {
    [A6_MITIGATION_REDUCTIONS] = "Emission reductions",
    [A6_MITIGATION_REMOVALS] = "Removals",
    [A6_MITIGATION_REDUCTIONS_AND_REMOVALS] = "Emission reductions and removals",
};

static const char *const unit_registry_names[] = {
    [A6_UNIT_REGISTRY_JCM] = "JCM",
    [A6_UNIT_REGISTRY_T_VER] = "T-VER",
    [A6_UNIT_REGISTRY_VCS] = "VCS",
    [A6_UNIT_REGISTRY_GS] = "GS",
    [A6_UNIT_REGISTRY_CAR] = "CAR",
    [A6_UNIT_REGISTRY_ACR] = "ACR",
    [A6_UNIT_REGISTRY_ART] = "ART",
    [A6_UNIT_REGISTRY_GCC] = "GCC",
    [A6_UNIT_REGISTRY_CERCARBONO] = "Cercarbono",
    [A6_UNIT_REGISTRY_ISOMETRIC] = "Isometric",
    [A6_UNIT_REGISTRY_ISFL] = "ISFL",
    [A6_UNIT_REGISTRY_FCPF] = "FCPF",
};

static const char *const ca_method_names[] = {
    [A6_CA_TRAJECTORY] = "trajectory",
    [A6_CA_BUDGET] = "budget",
    [A6_CA_AVERAGING] = "averaging",
};

_Static_assert(A6_COUNT_OF(purpose_names) == A6_PURPOSE_COUNT + 1, "a name for every purpose");
_Static_assert(A6_COUNT_OF(purpose_uses) == A6_PURPOSE_COUNT + 1, "uses for every purpose");
_Static_assert(A6_COUNT_OF(action_type_names) == A6_ACTION_TYPE_COUNT + 1, "every action type");
_Static_assert(A6_COUNT_OF(action_subtype_names) == A6_ACTION_SUBTYPE_COUNT + 1, "every subtype");
_Static_assert(A6_COUNT_OF(first_transfer_names) == A6_FIRST_TRANSFER_COUNT + 1,
               "every definition");
_Static_assert(A6_COUNT_OF(mitigation_type_names) == A6_MITIGATION_TYPE_COUNT + 1, "every type");
_Static_assert(A6_COUNT_OF(unit_registry_names) == A6_UNIT_REGISTRY_COUNT + 1, "every registry");
_Static_assert(A6_COUNT_OF(ca_method_names) == A6_CA_METHOD_COUNT + 1, "every method");

/* Index of name in names[1..count-1] by exact comparison, or 0 when absent. */
/* The name and parse pair of one controlled value list. */
#define A6_NAMES(prefix, type_t, table, invalid)                                                   \
    const char *prefix##_name(type_t value)                                                        \
    {                                                                                              \
        return a6_name_of(table, A6_COUNT_OF(table), (int)value);                                  \
    }                                                                                              \
    a6_check_t prefix##_parse(const char *name, type_t *out)                                       \
    {                                                                                              \
        int found = a6_name_find(table, A6_COUNT_OF(table), name);                                 \
        if (!found) return invalid;                                                                \
        *out = (type_t)found;                                                                      \
        return A6_OK;                                                                              \
    }

A6_NAMES(a6_purpose, a6_purpose_t, purpose_names, A6_CHECK_PURPOSE_INVALID)
A6_NAMES(a6_action_type, a6_action_type_t, action_type_names, A6_CHECK_ACTION_TYPE_INVALID)
A6_NAMES(a6_action_subtype, a6_action_subtype_t, action_subtype_names,
         A6_CHECK_ACTION_SUBTYPE_INVALID)
A6_NAMES(a6_first_transfer, a6_first_transfer_t, first_transfer_names,
         A6_CHECK_FIRST_TRANSFER_DEFINITION_INVALID)
A6_NAMES(a6_mitigation_type, a6_mitigation_type_t, mitigation_type_names,
         A6_CHECK_MITIGATION_TYPE_INVALID)
A6_NAMES(a6_unit_registry, a6_unit_registry_t, unit_registry_names, A6_CHECK_UNIT_REGISTRY_INVALID)
A6_NAMES(a6_ca_method, a6_ca_method_t, ca_method_names, A6_CHECK_CA_METHOD_INVALID)

unsigned a6_purpose_uses(a6_purpose_t purpose)
{
    if ((int)purpose <= 0 || (size_t)purpose >= A6_COUNT_OF(purpose_uses)) return 0;
    return purpose_uses[purpose];
}

bool a6_purpose_covers(a6_purpose_t authorized, a6_purpose_t used)
{
    unsigned have = a6_purpose_uses(authorized);
    unsigned want = a6_purpose_uses(used);
    return want != 0 && (want & have) == want;
}

bool a6_action_subtype_fits(a6_action_type_t type, a6_action_subtype_t subtype)
{
    switch (subtype) {
    case A6_SUBTYPE_FIRST_TRANSFER_TO_PARTY:
    case A6_SUBTYPE_AUTHORIZATION:
    case A6_SUBTYPE_ISSUANCE:
    case A6_SUBTYPE_USE_OR_CANCELLATION:
        return type == A6_ACTION_FIRST_TRANSFER;
    case A6_SUBTYPE_AF_MANDATORY:
    case A6_SUBTYPE_AF_VOLUNTARY:
    case A6_SUBTYPE_OMGE_MANDATORY:
    case A6_SUBTYPE_OMGE_VOLUNTARY:
    case A6_SUBTYPE_OTHER_CANCELLATION:
        return type == A6_ACTION_CANCELLATION || type == A6_ACTION_VOLUNTARY_CANCELLATION;
    }
    return false;
}

/* ---- identifiers ---- */

static bool is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

a6_check_t a6_party_check(const char *party)
{
    return ledger_party_check(party); /* one rule for Parties across the registry */
}

a6_check_t a6_registry_id_check(const char *registry_id)
{
    if (!registry_id || strlen(registry_id) != 5) return A6_CHECK_REGISTRY_ID_INVALID;
    if (!is_upper(registry_id[0]) || !is_upper(registry_id[1]) || !is_upper(registry_id[2]))
        return A6_CHECK_REGISTRY_ID_INVALID;
    if (!is_digit(registry_id[3]) || !is_digit(registry_id[4])) return A6_CHECK_REGISTRY_ID_INVALID;
    return A6_OK;
}

a6_check_t a6_approach_id_check(const char *approach_id)
{
    if (!approach_id || strlen(approach_id) != 6) return A6_CHECK_APPROACH_ID_INVALID;
    if (approach_id[0] != 'C' || approach_id[1] != 'A') return A6_CHECK_APPROACH_ID_INVALID;
    for (int i = 2; i < 6; i++)
        if (!is_digit(approach_id[i])) return A6_CHECK_APPROACH_ID_INVALID;
    return A6_OK;
}

/* The part checks shared by format and parse, in the order of the identifier. */
static a6_check_t itmo_parts_check(const char *approach_id, const char *registry_id,
                                   const char *party, int64_t first, int64_t last, int32_t vintage)
{
    a6_check_t check = a6_approach_id_check(approach_id);
    if (check == A6_OK) check = a6_registry_id_check(registry_id);
    if (check == A6_OK) check = a6_party_check(party);
    if (check == A6_OK && (first <= 0 || first > last || last > LEDGER_SERIAL_MAX))
        check = A6_CHECK_BLOCK_INVALID;
    if (check == A6_OK) check = ledger_vintage_check(vintage);
    return check;
}

a6_check_t a6_itmo_id_format(const char *approach_id, const char *registry_id, const char *party,
                             int64_t first, int64_t last, int32_t vintage,
                             char out[A6_ITMO_ID_SIZE])
{
    assert(out);
    out[0] = '\0';
    a6_check_t check = itmo_parts_check(approach_id, registry_id, party, first, last, vintage);
    if (check != A6_OK) return check;
    int written = snprintf(out, A6_ITMO_ID_SIZE, "%s-%s-%s-%lld-%lld-%d", approach_id, registry_id,
                           party, (long long)first, (long long)last, (int)vintage);
    assert(written > 0 && written < A6_ITMO_ID_SIZE); /* the parts' lengths are bounded above */
    (void)written;
    return A6_OK;
}

/* Copies text[0..length) into out (size bytes) when it fits; false otherwise. */
static bool part_copy(const char *text, size_t length, char *out, size_t size)
{
    if (length >= size) return false;
    memcpy(out, text, length);
    out[length] = '\0';
    return true;
}

/* Plain decimal: 1 to 19 digits, no sign, no leading zero; false when malformed. */
static bool part_number(const char *text, size_t length, int64_t *out)
{
    if (length == 0 || length > 19 || (text[0] == '0' && length > 1)) return false;
    uint64_t value = 0;
    for (size_t i = 0; i < length; i++) {
        if (!is_digit(text[i])) return false;
        value = value * 10 + (uint64_t)(text[i] - '0'); /* 19 digits fit in 64 unsigned bits */
    }
    if (value > (uint64_t)INT64_MAX) return false;
    *out = (int64_t)value;
    return true;
}

a6_check_t a6_itmo_id_parse(const char *text, a6_itmo_id_t *out)
{
    assert(out);
    if (!text) return A6_CHECK_ITMO_ID_INVALID;
    const char *parts[6];
    size_t lengths[6];
    size_t count = 0;
    const char *start = text;
    for (const char *p = text;; p++) {
        if (*p != '-' && *p != '\0') continue;
        if (count == 6) return A6_CHECK_ITMO_ID_INVALID;
        parts[count] = start;
        lengths[count++] = (size_t)(p - start);
        if (*p == '\0') break;
        start = p + 1;
    }
    if (count != 6) return A6_CHECK_ITMO_ID_INVALID;

    a6_itmo_id_t id;
    memset(&id, 0, sizeof id);
    int64_t vintage = 0;
    /* A text part too long for its field is that part's failure, like any other invalid part. */
    if (!part_copy(parts[0], lengths[0], id.approach_id, sizeof id.approach_id))
        return A6_CHECK_APPROACH_ID_INVALID;
    if (!part_copy(parts[1], lengths[1], id.registry_id, sizeof id.registry_id))
        return A6_CHECK_REGISTRY_ID_INVALID;
    if (!part_copy(parts[2], lengths[2], id.party, sizeof id.party)) return A6_CHECK_PARTY_INVALID;
    if (!part_number(parts[3], lengths[3], &id.first) ||
        !part_number(parts[4], lengths[4], &id.last) || lengths[5] != 4 ||
        !part_number(parts[5], lengths[5], &vintage))
        return A6_CHECK_ITMO_ID_INVALID;
    id.vintage = (int32_t)vintage;

    a6_check_t check =
        itmo_parts_check(id.approach_id, id.registry_id, id.party, id.first, id.last, id.vintage);
    if (check != A6_OK) return check;
    *out = id;
    return A6_OK;
}
