/* serial_map.h: an in-memory map of every serial range to its holder, used to replay the audit log
 * and to prove the ledger invariants (each serial in exactly one block, held by one account). */
#ifndef A6_CORE_SERIAL_MAP_H
#define A6_CORE_SERIAL_MAP_H

#include <stddef.h>

#include "block.h"

/* Blocks sorted by first serial, never overlapping, adjacent equal-attribute blocks merged. */
typedef struct serial_map {
    ledger_block_t *blocks;
    size_t count;
    size_t capacity;
} serial_map_t;

void serial_map_init(serial_map_t *map);
void serial_map_release(serial_map_t *map);

/* Adds a newly issued block. A6_CHECK_BLOCK_OVERLAP if any of its serials already exist,
 * A6_CHECK_BLOCK_INVALID if malformed. On error the map is unchanged. */
a6_check_t serial_map_issue(serial_map_t *map, const ledger_block_t *block);

/* Moves [first, last] from account `from` to `to`. The range must lie inside one block held by
 * `from` (A6_CHECK_BLOCK_NOT_HELD otherwise); on error the map is unchanged. */
a6_check_t serial_map_move(serial_map_t *map, int64_t first, int64_t last, int64_t from,
                           int64_t to);

/* Units held by an account (sum over its blocks). */
int64_t serial_map_account_total(const serial_map_t *map, int64_t account_id);

/* Merges a sorted array of non-overlapping blocks in place (adjacent equal attributes), returns
 * the new count. Used to compare two block lists regardless of how they were fragmented. */
size_t serial_map_normalize(ledger_block_t *blocks, size_t count);

#endif
