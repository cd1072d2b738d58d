/* check.h: numbered check codes returned by every rule of the registry (see docs/checks.md). */
#ifndef A6_CORE_CHECK_H
#define A6_CORE_CHECK_H

/* Families follow the Kyoto international transaction log: 1xxx input, 2xxx accounts, 3xxx unit
 * blocks, 4xxx authorization and Article 6, 5xxx project cycle, 6xxx partner registries, 7xxx
 * access. Numbers are stable: never renumber, only add. */
typedef enum a6_check {
    A6_OK = 0,

    A6_CHECK_QUANTITY_INVALID = 1001,
    A6_CHECK_QUANTITY_OVERFLOW = 1002,
    A6_CHECK_VINTAGE_INVALID = 1003,
    A6_CHECK_FIELD_MISSING = 1004,
    A6_CHECK_IDEMPOTENCY_KEY_REUSED = 1005,
    A6_CHECK_UNIT_TYPE_INVALID = 1006,
    A6_CHECK_ACCOUNT_TYPE_INVALID = 1007,
    A6_CHECK_HOLDER_INVALID = 1008,
    A6_CHECK_PARTY_INVALID = 1009,
    A6_CHECK_BLOCK_SPEC_INVALID = 1010,
    A6_CHECK_IDEMPOTENCY_KEY_INVALID = 1011,
    A6_CHECK_ID_INVALID = 1012,

    A6_CHECK_ACCOUNT_NOT_FOUND = 2001,
    A6_CHECK_ACCOUNT_CLOSED = 2002,
    A6_CHECK_SAME_ACCOUNT = 2003,
    A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED = 2004,
    A6_CHECK_ACCOUNT_NOT_EMPTY = 2005,

    A6_CHECK_INSUFFICIENT_HOLDINGS = 3001,
    A6_CHECK_BLOCK_NOT_HELD = 3002,
    A6_CHECK_BLOCK_OVERLAP = 3003,
    A6_CHECK_SERIAL_OVERFLOW = 3004,
    A6_CHECK_UNIT_TYPE_NOT_HELD = 3005,
    A6_CHECK_BLOCK_INVALID = 3006,
    A6_CHECK_TOO_MANY_BLOCKS = 3007,
} a6_check_t;

/* Short stable kebab-case name of a check ("block-not-held"); "unknown" for an unknown code. */
const char *a6_check_name(a6_check_t check);

/* One-line English description of what the check means. */
const char *a6_check_description(a6_check_t check);

#endif
