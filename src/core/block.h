/* block.h: serial-numbered unit blocks and the pure rules that split, merge and select them. */
#ifndef A6_CORE_BLOCK_H
#define A6_CORE_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"

/* Limits, checked everywhere an amount enters the registry. */
#define LEDGER_QUANTITY_MAX INT64_C(1000000000000000) /* 10^15 t CO2e in one request */
#define LEDGER_SERIAL_MAX (INT64_MAX / 2)             /* serials stay far from overflow */
#define LEDGER_BLOCKS_PER_TX_MAX 10000                /* blocks one transaction may move */
#define LEDGER_VINTAGE_MIN 1990
#define LEDGER_VINTAGE_MAX 2100

typedef enum ledger_unit_type {
    LEDGER_UNIT_ANY = 0, /* only in filters */
    LEDGER_UNIT_JCM_CREDIT = 1,
    LEDGER_UNIT_DOMESTIC_CREDIT = 2,
    LEDGER_UNIT_A64_ER = 3,
} ledger_unit_type_t;

/* A block [first, last] of one issuance, held by one account. Invariant: 0 < first <= last. */
typedef struct ledger_block {
    int64_t id; /* store row id; 0 for a block not stored yet */
    int64_t issuance_id;
    int64_t account_id;
    int64_t first;
    int64_t last;
    int32_t vintage;
    ledger_unit_type_t unit_type;
} ledger_block_t;

/* A part [first, last] of held block number `index` chosen to move. */
typedef struct ledger_take {
    size_t index;
    int64_t first;
    int64_t last;
} ledger_take_t;

/* A closed serial range as given by a user who names blocks explicitly. */
typedef struct ledger_range {
    int64_t first;
    int64_t last;
} ledger_range_t;

/* Which held units a selection may use; zero fields mean "any". */
typedef struct ledger_filter {
    int32_t vintage;
    ledger_unit_type_t unit_type;
} ledger_filter_t;

/* Unit type names ("jcm-credit", "domestic-credit", "a64-er"). */
const char *ledger_unit_type_name(ledger_unit_type_t type);
/* Parses a unit type name; A6_CHECK_UNIT_TYPE_INVALID for anything else (including "any"). */
a6_check_t ledger_unit_type_parse(const char *name, ledger_unit_type_t *out);

/* A6_OK when 0 < quantity <= LEDGER_QUANTITY_MAX. */
a6_check_t ledger_quantity_check(int64_t quantity);
/* Strict decimal parse: digits only, no sign, no spaces; sets *out on A6_OK. */
a6_check_t ledger_quantity_parse(const char *text, int64_t *out);
/* A6_OK when LEDGER_VINTAGE_MIN <= vintage <= LEDGER_VINTAGE_MAX. */
a6_check_t ledger_vintage_check(int64_t vintage);

/* Number of units in a valid block. */
int64_t ledger_block_quantity(const ledger_block_t *block);
/* A6_CHECK_BLOCK_INVALID unless 0 < first <= last <= LEDGER_SERIAL_MAX. */
a6_check_t ledger_block_validate(const ledger_block_t *block);

/* Cuts [first, last] (inside block) out of block: *moved gets it, *before and *after get the
 * remainders if any (has_before/has_after say which). Attributes are copied; remainders keep the
 * id of block only in *before when it exists, else in *after; *moved gets id 0 unless it is the
 * whole block. Returns A6_CHECK_BLOCK_NOT_HELD when the range is not inside the block. */
a6_check_t ledger_block_carve(const ledger_block_t *block, int64_t first, int64_t last,
                              ledger_block_t *moved, ledger_block_t *before, bool *has_before,
                              ledger_block_t *after, bool *has_after);

/* True when b directly follows a (a.last + 1 == b.first) with identical attributes and holder. */
bool ledger_block_mergeable(const ledger_block_t *a, const ledger_block_t *b);

/* Chooses `quantity` units from `held` (sorted by vintage then first serial), oldest vintage first,
 * restricted by filter. Writes at most `takes_max` takes; sets *takes_count.
 * Returns A6_CHECK_UNIT_TYPE_NOT_HELD when the account holds units but none match a filter that
 * is set, A6_CHECK_INSUFFICIENT_HOLDINGS
 * when matching units are fewer than quantity, A6_CHECK_TOO_MANY_BLOCKS when takes_max is too
 * small. */
a6_check_t ledger_select_oldest(const ledger_block_t *held, size_t held_count, int64_t quantity,
                                const ledger_filter_t *filter, ledger_take_t *takes,
                                size_t takes_max, size_t *takes_count);

/* Maps explicit ranges onto held blocks: each range must lie inside one held block and the ranges
 * must not overlap. Writes one take per range (same order) and the total in *quantity. */
a6_check_t ledger_select_explicit(const ledger_block_t *held, size_t held_count,
                                  const ledger_range_t *ranges, size_t range_count,
                                  ledger_take_t *takes, int64_t *quantity);

/* Parses "1-100,250-300,400" into ranges; A6_CHECK_BLOCK_SPEC_INVALID on any malformed part,
 * A6_CHECK_TOO_MANY_BLOCKS past ranges_max. */
a6_check_t ledger_ranges_parse(const char *text, ledger_range_t *ranges, size_t ranges_max,
                               size_t *range_count);

#endif
