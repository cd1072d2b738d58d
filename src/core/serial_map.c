/* serial_map.c: sorted, merged array of serial blocks with issue and move operations. */
#include "serial_map.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

void serial_map_init(serial_map_t *map)
{
    memset(map, 0, sizeof *map);
}

void serial_map_release(serial_map_t *map)
{
    free(map->blocks);
    serial_map_init(map);
}

static bool map_reserve(serial_map_t *map, size_t extra)
{
    if (map->count + extra <= map->capacity) return true;
    size_t capacity = map->capacity ? map->capacity * 2 : 64;
    while (capacity < map->count + extra)
        capacity *= 2;
    ledger_block_t *grown = realloc(map->blocks, capacity * sizeof *grown);
    if (!grown) return false;
    map->blocks = grown;
    map->capacity = capacity;
    return true;
}

/* Index of the first block whose last serial is >= serial (count if none). */
static size_t map_lower_bound(const serial_map_t *map, int64_t serial)
{
    size_t low = 0, high = map->count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (map->blocks[mid].last < serial)
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}

/* Merges block i with its neighbours when they are mergeable. */
static void map_merge_around(serial_map_t *map, size_t i)
{
    if (i + 1 < map->count && ledger_block_mergeable(&map->blocks[i], &map->blocks[i + 1])) {
        map->blocks[i].last = map->blocks[i + 1].last;
        memmove(&map->blocks[i + 1], &map->blocks[i + 2],
                (map->count - i - 2) * sizeof map->blocks[0]);
        map->count--;
    }
    if (i > 0 && ledger_block_mergeable(&map->blocks[i - 1], &map->blocks[i])) {
        map->blocks[i - 1].last = map->blocks[i].last;
        memmove(&map->blocks[i], &map->blocks[i + 1], (map->count - i - 1) * sizeof map->blocks[0]);
        map->count--;
    }
}

a6_check_t serial_map_issue(serial_map_t *map, const ledger_block_t *block)
{
    a6_check_t check = ledger_block_validate(block);
    if (check != A6_OK) return check;
    size_t i = map_lower_bound(map, block->first);
    if (i < map->count && map->blocks[i].first <= block->last) return A6_CHECK_BLOCK_OVERLAP;
    if (!map_reserve(map, 1)) return A6_CHECK_TOO_MANY_BLOCKS;
    memmove(&map->blocks[i + 1], &map->blocks[i], (map->count - i) * sizeof map->blocks[0]);
    map->blocks[i] = *block;
    map->blocks[i].id = 0;
    map->count++;
    map_merge_around(map, i);
    return A6_OK;
}

a6_check_t serial_map_move(serial_map_t *map, int64_t first, int64_t last, int64_t from, int64_t to)
{
    if (first <= 0 || last < first) return A6_CHECK_BLOCK_INVALID;
    size_t i = map_lower_bound(map, first);
    if (i == map->count) return A6_CHECK_BLOCK_NOT_HELD;
    const ledger_block_t held = map->blocks[i];
    if (held.account_id != from) return A6_CHECK_BLOCK_NOT_HELD;

    ledger_block_t moved, before, after;
    bool has_before, has_after;
    a6_check_t check =
        ledger_block_carve(&held, first, last, &moved, &before, &has_before, &after, &has_after);
    if (check != A6_OK) return check;
    if (!map_reserve(map, 2)) return A6_CHECK_TOO_MANY_BLOCKS;

    moved.account_id = to;
    size_t pieces = 1 + has_before + has_after;
    memmove(&map->blocks[i + pieces], &map->blocks[i + 1],
            (map->count - i - 1) * sizeof map->blocks[0]);
    size_t at = i;
    if (has_before) map->blocks[at++] = before;
    size_t moved_at = at;
    map->blocks[at++] = moved;
    if (has_after) map->blocks[at++] = after;
    map->count += pieces - 1;
    map_merge_around(map, moved_at);
    return A6_OK;
}

int64_t serial_map_account_total(const serial_map_t *map, int64_t account_id)
{
    int64_t total = 0;
    for (size_t i = 0; i < map->count; i++)
        if (map->blocks[i].account_id == account_id)
            total += ledger_block_quantity(&map->blocks[i]);
    return total;
}

size_t serial_map_normalize(ledger_block_t *blocks, size_t count)
{
    if (count == 0) return 0;
    size_t out = 0;
    for (size_t i = 1; i < count; i++) {
        if (ledger_block_mergeable(&blocks[out], &blocks[i]))
            blocks[out].last = blocks[i].last;
        else
            blocks[++out] = blocks[i];
    }
    return out + 1;
}
