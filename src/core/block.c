/* block.c: pure serial-block arithmetic: quantities, carving, merging and selection. */
#include "block.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static const char *const unit_type_names[] = {
    [LEDGER_UNIT_ANY] = "any",
    [LEDGER_UNIT_JCM_CREDIT] = "jcm-credit",
    [LEDGER_UNIT_DOMESTIC_CREDIT] = "domestic-credit",
    [LEDGER_UNIT_A64_ER] = "a64-er",
};

const char *ledger_unit_type_name(ledger_unit_type_t type)
{
    if ((size_t)type >= sizeof unit_type_names / sizeof unit_type_names[0]) return "unknown";
    return unit_type_names[type];
}

a6_check_t ledger_unit_type_parse(const char *name, ledger_unit_type_t *out)
{
    if (!name) return A6_CHECK_UNIT_TYPE_INVALID;
    for (size_t i = 1; i < sizeof unit_type_names / sizeof unit_type_names[0]; i++) {
        if (strcmp(name, unit_type_names[i]) == 0) {
            *out = (ledger_unit_type_t)i;
            return A6_OK;
        }
    }
    return A6_CHECK_UNIT_TYPE_INVALID;
}

a6_check_t ledger_quantity_check(int64_t quantity)
{
    if (quantity <= 0) return A6_CHECK_QUANTITY_INVALID;
    if (quantity > LEDGER_QUANTITY_MAX) return A6_CHECK_QUANTITY_OVERFLOW;
    return A6_OK;
}

a6_check_t ledger_quantity_parse(const char *text, int64_t *out)
{
    if (!text || !*text) return A6_CHECK_QUANTITY_INVALID;
    int64_t value = 0;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9') return A6_CHECK_QUANTITY_INVALID;
        int digit = *p - '0';
        if (value > (LEDGER_QUANTITY_MAX - digit) / 10) return A6_CHECK_QUANTITY_OVERFLOW;
        value = value * 10 + digit;
    }
    a6_check_t check = ledger_quantity_check(value);
    if (check == A6_OK) *out = value;
    return check;
}

a6_check_t ledger_vintage_check(int64_t vintage)
{
    if (vintage < LEDGER_VINTAGE_MIN || vintage > LEDGER_VINTAGE_MAX)
        return A6_CHECK_VINTAGE_INVALID;
    return A6_OK;
}

int64_t ledger_block_quantity(const ledger_block_t *block)
{
    assert(block->first > 0 && block->first <= block->last);
    return block->last - block->first + 1;
}

a6_check_t ledger_block_validate(const ledger_block_t *block)
{
    if (block->first <= 0 || block->last < block->first || block->last > LEDGER_SERIAL_MAX)
        return A6_CHECK_BLOCK_INVALID;
    return A6_OK;
}

a6_check_t ledger_block_carve(const ledger_block_t *block, int64_t first, int64_t last,
                              ledger_block_t *moved, ledger_block_t *before, bool *has_before,
                              ledger_block_t *after, bool *has_after)
{
    assert(ledger_block_validate(block) == A6_OK);
    if (first > last) return A6_CHECK_BLOCK_INVALID;
    if (first < block->first || last > block->last) return A6_CHECK_BLOCK_NOT_HELD;

    *moved = *block;
    moved->first = first;
    moved->last = last;
    *has_before = first > block->first;
    *has_after = last < block->last;
    if (*has_before) {
        *before = *block;
        before->last = first - 1;
    }
    if (*has_after) {
        *after = *block;
        after->first = last + 1;
        if (*has_before) after->id = 0;
    }
    if (*has_before || *has_after) moved->id = 0;
    return A6_OK;
}

bool ledger_block_mergeable(const ledger_block_t *a, const ledger_block_t *b)
{
    return a->last + 1 == b->first && a->issuance_id == b->issuance_id &&
           a->account_id == b->account_id && a->vintage == b->vintage &&
           a->unit_type == b->unit_type;
}

static bool filter_matches(const ledger_filter_t *filter, const ledger_block_t *block)
{
    if (!filter) return true;
    if (filter->vintage && filter->vintage != block->vintage) return false;
    if (filter->unit_type != LEDGER_UNIT_ANY && filter->unit_type != block->unit_type) return false;
    return true;
}

a6_check_t ledger_select_oldest(const ledger_block_t *held, size_t held_count, int64_t quantity,
                                const ledger_filter_t *filter, ledger_take_t *takes,
                                size_t takes_max, size_t *takes_count)
{
    a6_check_t check = ledger_quantity_check(quantity);
    if (check != A6_OK) return check;

    int64_t remaining = quantity;
    bool any_match = false;
    size_t count = 0;
    for (size_t i = 0; i < held_count && remaining > 0; i++) {
        const ledger_block_t *block = &held[i];
        assert(i == 0 || held[i - 1].vintage < block->vintage ||
               (held[i - 1].vintage == block->vintage && held[i - 1].first < block->first));
        if (!filter_matches(filter, block)) continue;
        any_match = true;
        if (count == takes_max) return A6_CHECK_TOO_MANY_BLOCKS;
        int64_t available = ledger_block_quantity(block);
        int64_t take = available < remaining ? available : remaining;
        takes[count++] =
            (ledger_take_t){.index = i, .first = block->first, .last = block->first + take - 1};
        remaining -= take;
    }
    bool filtered = filter && (filter->vintage || filter->unit_type != LEDGER_UNIT_ANY);
    if (!any_match && filtered && held_count > 0) return A6_CHECK_UNIT_TYPE_NOT_HELD;
    if (remaining > 0) return A6_CHECK_INSUFFICIENT_HOLDINGS;
    *takes_count = count;
    return A6_OK;
}

static int range_compare(const void *a, const void *b)
{
    const ledger_range_t *x = a, *y = b;
    return (x->first > y->first) - (x->first < y->first);
}

a6_check_t ledger_select_explicit(const ledger_block_t *held, size_t held_count,
                                  const ledger_range_t *ranges, size_t range_count,
                                  ledger_take_t *takes, int64_t *quantity)
{
    if (range_count == 0) return A6_CHECK_BLOCK_SPEC_INVALID;
    if (range_count > LEDGER_BLOCKS_PER_TX_MAX) return A6_CHECK_TOO_MANY_BLOCKS;
    for (size_t r = 0; r < range_count; r++)
        if (ranges[r].first <= 0 || ranges[r].last < ranges[r].first ||
            ranges[r].last > LEDGER_SERIAL_MAX)
            return A6_CHECK_BLOCK_INVALID;

    ledger_range_t *sorted = malloc(range_count * sizeof *sorted);
    if (!sorted) return A6_CHECK_TOO_MANY_BLOCKS;
    memcpy(sorted, ranges, range_count * sizeof *sorted);
    qsort(sorted, range_count, sizeof *sorted, range_compare);
    bool overlap = false;
    for (size_t r = 1; r < range_count; r++)
        if (sorted[r].first <= sorted[r - 1].last) overlap = true;
    free(sorted);
    if (overlap) return A6_CHECK_BLOCK_OVERLAP;

    int64_t total = 0;
    for (size_t r = 0; r < range_count; r++) {
        size_t found = held_count;
        for (size_t i = 0; i < held_count; i++) {
            if (held[i].first <= ranges[r].first && ranges[r].last <= held[i].last) {
                found = i;
                break;
            }
        }
        if (found == held_count) return A6_CHECK_BLOCK_NOT_HELD;
        takes[r] =
            (ledger_take_t){.index = found, .first = ranges[r].first, .last = ranges[r].last};
        total += ranges[r].last - ranges[r].first + 1;
        if (total > LEDGER_QUANTITY_MAX) return A6_CHECK_QUANTITY_OVERFLOW;
    }
    *quantity = total;
    return A6_OK;
}

/* Parses one positive serial from *p, advancing it; false on no digits or overflow. */
static bool parse_serial(const char **p, int64_t *out)
{
    int64_t value = 0;
    const char *s = *p;
    if (*s < '0' || *s > '9') return false;
    while (*s >= '0' && *s <= '9') {
        int digit = *s - '0';
        if (value > (LEDGER_SERIAL_MAX - digit) / 10) return false;
        value = value * 10 + digit;
        s++;
    }
    *p = s;
    *out = value;
    return value > 0;
}

a6_check_t ledger_ranges_parse(const char *text, ledger_range_t *ranges, size_t ranges_max,
                               size_t *range_count)
{
    if (!text || !*text) return A6_CHECK_BLOCK_SPEC_INVALID;
    size_t count = 0;
    const char *p = text;
    for (;;) {
        ledger_range_t range;
        if (!parse_serial(&p, &range.first)) return A6_CHECK_BLOCK_SPEC_INVALID;
        range.last = range.first;
        if (*p == '-') {
            p++;
            if (!parse_serial(&p, &range.last)) return A6_CHECK_BLOCK_SPEC_INVALID;
        }
        if (range.last < range.first) return A6_CHECK_BLOCK_SPEC_INVALID;
        if (count == ranges_max) return A6_CHECK_TOO_MANY_BLOCKS;
        ranges[count++] = range;
        if (*p == '\0') break;
        if (*p != ',') return A6_CHECK_BLOCK_SPEC_INVALID;
        p++;
    }
    *range_count = count;
    return A6_OK;
}
