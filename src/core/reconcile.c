/* reconcile.c: pure reconciliation of two registries' block lists: totals, a hash tree over the
 * serial space, the differing blocks, and the driver that asks the other side level by level. */
#include "reconcile.h"

#include "sha256.h"

#include <assert.h>
#include <stdalign.h>
#include <string.h>

#define HASH_BATCH_BLOCKS 64 /* blocks encoded before each SHA-256 update */

/* ---- blocks ---- */

static a6_check_t origin_check(const char origin[A6_REGISTRY_ID_SIZE])
{
    if (!memchr(origin, '\0', A6_REGISTRY_ID_SIZE)) return A6_CHECK_REGISTRY_ID_INVALID;
    return a6_registry_id_check(origin);
}

static int origin_compare(const char *a, const char *b)
{
    return memcmp(a, b, A6_RECON_ORIGIN_LENGTH);
}

static int int64_compare(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

a6_check_t a6_recon_block_check(const a6_recon_block_t *block)
{
    if (origin_check(block->origin) != A6_OK) return A6_CHECK_REGISTRY_ID_INVALID;
    if (block->first <= 0 || block->first > block->last || block->last > LEDGER_SERIAL_MAX)
        return A6_CHECK_BLOCK_INVALID;
    if (ledger_vintage_check(block->vintage) != A6_OK) return A6_CHECK_VINTAGE_INVALID;
    if (block->issuance_id <= 0) return A6_CHECK_ID_INVALID;
    if (block->status >= A6_RECON_STATUS_COUNT) return A6_CHECK_STATUS_INVALID;
    return A6_OK;
}

a6_check_t a6_recon_blocks_check(const a6_recon_block_t *blocks, size_t count, size_t *bad_index)
{
    for (size_t i = 0; i < count; i++) {
        a6_check_t check = a6_recon_block_check(&blocks[i]);
        if (check == A6_OK && i > 0) {
            int order = origin_compare(blocks[i - 1].origin, blocks[i].origin);
            if (order > 0 || (order == 0 && blocks[i].first <= blocks[i - 1].last))
                check = A6_CHECK_BLOCK_OVERLAP;
        }
        if (check != A6_OK) {
            if (bad_index) *bad_index = i;
            return check;
        }
    }
    return A6_OK;
}

bool a6_recon_block_equal(const a6_recon_block_t *a, const a6_recon_block_t *b)
{
    return origin_compare(a->origin, b->origin) == 0 && a->first == b->first &&
           a->last == b->last && a->vintage == b->vintage && a->issuance_id == b->issuance_id &&
           a->status == b->status;
}

static void put_le(uint8_t *out, uint64_t value, size_t bytes)
{
    for (size_t i = 0; i < bytes; i++)
        out[i] = (uint8_t)(value >> (8 * i));
}

static uint64_t get_le(const uint8_t *in, size_t bytes)
{
    uint64_t value = 0;
    for (size_t i = 0; i < bytes; i++)
        value |= (uint64_t)in[i] << (8 * i);
    return value;
}

void a6_recon_block_encode(const a6_recon_block_t *block, uint8_t out[A6_RECON_BLOCK_BYTES])
{
    memcpy(out, block->origin, A6_RECON_ORIGIN_LENGTH);
    put_le(out + 5, (uint64_t)block->first, 8);
    put_le(out + 13, (uint64_t)block->last, 8);
    put_le(out + 21, (uint64_t)(uint32_t)block->vintage, 4);
    put_le(out + 25, (uint64_t)block->issuance_id, 8);
    out[33] = block->status;
}

a6_check_t a6_recon_block_decode(const uint8_t in[A6_RECON_BLOCK_BYTES], a6_recon_block_t *out)
{
    memset(out, 0, sizeof *out);
    memcpy(out->origin, in, A6_RECON_ORIGIN_LENGTH);
    out->first = (int64_t)get_le(in + 5, 8);
    out->last = (int64_t)get_le(in + 13, 8);
    out->vintage = (int32_t)(uint32_t)get_le(in + 21, 4);
    out->issuance_id = (int64_t)get_le(in + 25, 8);
    out->status = in[33];
    return a6_recon_block_check(out);
}

/* ---- totals ---- */

static int totals_key_compare(const a6_recon_totals_t *t, const char *origin, int64_t issuance_id)
{
    int order = origin_compare(t->origin, origin);
    return order != 0 ? order : int64_compare(t->issuance_id, issuance_id);
}

/* Index of the totals of (origin, issuance_id) in the sorted totals, or where they belong. */
static size_t totals_lower_bound(const a6_recon_totals_t *totals, size_t count, const char *origin,
                                 int64_t issuance_id)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (totals_key_compare(&totals[mid], origin, issuance_id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Blocks come in serial order within an origin: an issuance's first block holds its lowest
 * serial (first_min is set when its totals are created), its latest block the highest. */
static void totals_add(a6_recon_totals_t *t, const a6_recon_block_t *block)
{
    assert(block->first > t->last_max && block->first >= t->first_min);
    t->blocks++;
    t->units[block->status] += block->last - block->first + 1;
    t->last_max = block->last;
}

a6_check_t a6_recon_totals(const a6_recon_block_t *blocks, size_t count, a6_recon_totals_t *totals,
                           size_t totals_max, size_t *totals_count)
{
    *totals_count = 0;
    a6_check_t check = a6_recon_blocks_check(blocks, count, NULL);
    if (check != A6_OK) return check;
    size_t used = 0, last = 0; /* last: the entry hit before, the usual next hit */
    for (size_t i = 0; i < count; i++) {
        const a6_recon_block_t *block = &blocks[i];
        size_t at = last;
        if (used == 0 || totals_key_compare(&totals[at], block->origin, block->issuance_id) != 0) {
            at = totals_lower_bound(totals, used, block->origin, block->issuance_id);
            if (at == used ||
                totals_key_compare(&totals[at], block->origin, block->issuance_id) != 0) {
                if (used == totals_max) return A6_CHECK_TOO_MANY_BLOCKS;
                /* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker): totals_max > 0 */
                memmove(&totals[at + 1], &totals[at], (used - at) * sizeof *totals);
                used++;
                totals[at] = (a6_recon_totals_t){.issuance_id = block->issuance_id,
                                                 .first_min = block->first};
                memcpy(totals[at].origin, block->origin, sizeof totals[at].origin);
            }
        }
        totals_add(&totals[at], block);
        last = at;
        *totals_count = used;
    }
    return A6_OK;
}

static a6_check_t totals_entry_check(const a6_recon_totals_t *t)
{
    if (origin_check(t->origin) != A6_OK) return A6_CHECK_REGISTRY_ID_INVALID;
    if (t->issuance_id <= 0) return A6_CHECK_ID_INVALID;
    if (t->first_min <= 0 || t->first_min > t->last_max || t->last_max > LEDGER_SERIAL_MAX)
        return A6_CHECK_BLOCK_INVALID;
    int64_t span = t->last_max - t->first_min + 1, units = 0;
    if (t->blocks < 1) return A6_CHECK_QUANTITY_INVALID;
    for (int s = 0; s < A6_RECON_STATUS_COUNT; s++) {
        if (t->units[s] < 0 || t->units[s] > span - units) return A6_CHECK_QUANTITY_INVALID;
        units += t->units[s];
    }
    if (units < t->blocks) return A6_CHECK_QUANTITY_INVALID;
    return A6_OK;
}

a6_check_t a6_recon_totals_check(const a6_recon_totals_t *totals, size_t count, size_t *bad_index)
{
    for (size_t i = 0; i < count; i++) {
        a6_check_t check = totals_entry_check(&totals[i]);
        if (check == A6_OK && i > 0 &&
            totals_key_compare(&totals[i - 1], totals[i].origin, totals[i].issuance_id) >= 0)
            check = A6_CHECK_BLOCK_OVERLAP;
        if (check != A6_OK) {
            if (bad_index) *bad_index = i;
            return check;
        }
    }
    return A6_OK;
}

static bool totals_equal(const a6_recon_totals_t *a, const a6_recon_totals_t *b)
{
    for (int s = 0; s < A6_RECON_STATUS_COUNT; s++)
        if (a->units[s] != b->units[s]) return false;
    return a->blocks == b->blocks && a->first_min == b->first_min && a->last_max == b->last_max;
}

static a6_recon_totals_t totals_absent(const a6_recon_totals_t *present)
{
    a6_recon_totals_t t = {.issuance_id = present->issuance_id};
    memcpy(t.origin, present->origin, sizeof t.origin);
    return t;
}

size_t a6_recon_totals_compare(const a6_recon_totals_t *mine, size_t mine_count,
                               const a6_recon_totals_t *theirs, size_t theirs_count,
                               a6_recon_totals_diff_t *diffs, size_t diffs_max)
{
    size_t i = 0, j = 0, found = 0;
    while (i < mine_count || j < theirs_count) {
        int order = i == mine_count ? 1
                    : j == theirs_count
                        ? -1
                        : totals_key_compare(&mine[i], theirs[j].origin, theirs[j].issuance_id);
        a6_recon_totals_diff_t diff;
        if (order < 0) {
            diff = (a6_recon_totals_diff_t){.mine = mine[i], .theirs = totals_absent(&mine[i])};
            i++;
        } else if (order > 0) {
            diff = (a6_recon_totals_diff_t){.mine = totals_absent(&theirs[j]), .theirs = theirs[j]};
            j++;
        } else {
            bool same = totals_equal(&mine[i], &theirs[j]);
            diff = (a6_recon_totals_diff_t){.mine = mine[i], .theirs = theirs[j]};
            i++, j++;
            if (same) continue;
        }
        if (found < diffs_max) diffs[found] = diff;
        found++;
    }
    return found;
}

/* ---- hash tree ---- */

a6_check_t a6_recon_range_check(const a6_recon_range_t *range)
{
    if (origin_check(range->origin) != A6_OK) return A6_CHECK_REGISTRY_ID_INVALID;
    if (range->lo < 1 || range->lo >= range->hi || range->hi > LEDGER_SERIAL_MAX + 1)
        return A6_CHECK_BLOCK_INVALID;
    return A6_OK;
}

static int block_key_compare(const a6_recon_block_t *block, const char *origin, int64_t first)
{
    int order = origin_compare(block->origin, origin);
    return order != 0 ? order : int64_compare(block->first, first);
}

/* Index of the first block at or after (origin, first). */
static size_t block_lower_bound(const a6_recon_block_t *blocks, size_t count, const char *origin,
                                int64_t first)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (block_key_compare(&blocks[mid], origin, first) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t a6_recon_range_find(const a6_recon_block_t *blocks, size_t count,
                           const a6_recon_range_t *range, size_t *begin)
{
    assert(a6_recon_range_check(range) == A6_OK);
    size_t from = block_lower_bound(blocks, count, range->origin, range->lo);
    size_t to = from + block_lower_bound(blocks + from, count - from, range->origin, range->hi);
    *begin = from;
    return to - from;
}

/* Hashes the k blocks from blocks[0] into out (range already set). */
static void node_fill(const a6_recon_block_t *blocks, size_t k, a6_recon_node_t *out)
{
    uint8_t buffer[HASH_BATCH_BLOCKS * A6_RECON_BLOCK_BYTES];
    a6_sha256_t state;
    a6_sha256_init(&state);
    for (size_t done = 0; done < k;) {
        size_t batch = k - done;
        if (batch > HASH_BATCH_BLOCKS) batch = HASH_BATCH_BLOCKS;
        for (size_t b = 0; b < batch; b++) {
            const a6_recon_block_t *block = &blocks[done + b];
            assert(origin_compare(block->origin, out->range.origin) == 0);
            assert(block->first >= out->range.lo && block->first < out->range.hi);
            assert(done + b == 0 || block[-1].last < block->first);
            a6_recon_block_encode(block, buffer + b * A6_RECON_BLOCK_BYTES);
        }
        a6_sha256_update(&state, buffer, batch * A6_RECON_BLOCK_BYTES);
        done += batch;
    }
    a6_sha256_final(&state, out->hash);
    out->count = k;
}

a6_check_t a6_recon_node_hash(const a6_recon_block_t *blocks, size_t count,
                              const a6_recon_range_t *range, a6_recon_node_t *out)
{
    a6_check_t check = a6_recon_range_check(range);
    if (check != A6_OK) return check;
    size_t begin = 0;
    size_t k = a6_recon_range_find(blocks, count, range, &begin);
    out->range = *range;
    node_fill(blocks + begin, k, out);
    return A6_OK;
}

a6_check_t a6_recon_split(const a6_recon_range_t *parent, unsigned fanout,
                          a6_recon_range_t *children, size_t *children_count)
{
    *children_count = 0;
    a6_check_t check = a6_recon_range_check(parent);
    if (check != A6_OK) return check;
    if (fanout < A6_RECON_FANOUT_MIN || fanout > A6_RECON_FANOUT_MAX)
        return A6_CHECK_QUANTITY_INVALID;
    /* width / parts and width % parts instead of width * i / parts: no overflow near 2^62 */
    uint64_t width = (uint64_t)(parent->hi - parent->lo);
    uint64_t parts = width < fanout ? width : fanout;
    uint64_t quotient = width / parts, remainder = width % parts;
    int64_t lo = parent->lo;
    for (uint64_t i = 0; i < parts; i++) {
        int64_t hi = lo + (int64_t)(quotient + (i < remainder ? 1 : 0));
        children[i] = *parent;
        children[i].lo = lo;
        children[i].hi = hi;
        lo = hi;
    }
    assert(lo == parent->hi);
    *children_count = (size_t)parts;
    return A6_OK;
}

a6_check_t a6_recon_children(const a6_recon_block_t *blocks, size_t count,
                             const a6_recon_range_t *parent, unsigned fanout,
                             a6_recon_node_t *children, size_t *children_count)
{
    a6_recon_range_t ranges[A6_RECON_FANOUT_MAX];
    a6_check_t check = a6_recon_split(parent, fanout, ranges, children_count);
    if (check != A6_OK) return check;
    size_t at = 0;
    size_t k = a6_recon_range_find(blocks, count, parent, &at);
    size_t end = at + k;
    for (size_t c = 0; c < *children_count; c++) {
        size_t from = at;
        while (at < end && blocks[at].first < ranges[c].hi)
            at++;
        children[c].range = ranges[c];
        node_fill(blocks + from, at - from, &children[c]);
    }
    assert(at == end);
    return A6_OK;
}

static bool range_equal(const a6_recon_range_t *a, const a6_recon_range_t *b)
{
    return origin_compare(a->origin, b->origin) == 0 && a->lo == b->lo && a->hi == b->hi;
}

static bool node_equal(const a6_recon_node_t *a, const a6_recon_node_t *b)
{
    return a->count == b->count && memcmp(a->hash, b->hash, A6_RECON_HASH_BYTES) == 0;
}

a6_check_t a6_recon_compare(const a6_recon_node_t *mine, const a6_recon_node_t *theirs,
                            size_t count, size_t *differing, size_t *differing_count)
{
    *differing_count = 0;
    for (size_t i = 0; i < count; i++)
        if (!range_equal(&mine[i].range, &theirs[i].range)) return A6_CHECK_BLOCK_SPEC_INVALID;
    for (size_t i = 0; i < count; i++)
        if (!node_equal(&mine[i], &theirs[i])) differing[(*differing_count)++] = i;
    return A6_OK;
}

/* ---- differing blocks ---- */

a6_check_t a6_recon_diff_blocks(const a6_recon_block_t *mine, size_t mine_count,
                                const a6_recon_block_t *theirs, size_t theirs_count,
                                a6_recon_block_diff_t *diffs, size_t diffs_max, size_t *diff_count)
{
    *diff_count = 0;
    a6_check_t check = a6_recon_blocks_check(mine, mine_count, NULL);
    if (check == A6_OK) check = a6_recon_blocks_check(theirs, theirs_count, NULL);
    if (check != A6_OK) return check;
    size_t i = 0, j = 0, found = 0;
    while (i < mine_count || j < theirs_count) {
        int order = i == mine_count ? 1
                    : j == theirs_count
                        ? -1
                        : block_key_compare(&mine[i], theirs[j].origin, theirs[j].first);
        a6_recon_block_diff_t diff = {0};
        if (order < 0) {
            diff.kind = A6_RECON_ONLY_MINE;
            diff.mine = mine[i++];
        } else if (order > 0) {
            diff.kind = A6_RECON_ONLY_THEIRS;
            diff.theirs = theirs[j++];
        } else {
            bool same = a6_recon_block_equal(&mine[i], &theirs[j]);
            diff.kind = A6_RECON_CHANGED;
            diff.mine = mine[i++];
            diff.theirs = theirs[j++];
            if (same) continue;
        }
        if (found < diffs_max) diffs[found] = diff;
        found++;
    }
    *diff_count = found;
    return A6_OK;
}

/* ---- answering ---- */

a6_check_t a6_recon_answer_nodes(const a6_recon_block_t *blocks, size_t count,
                                 const a6_recon_range_t *ranges, size_t range_count,
                                 a6_recon_node_t *nodes)
{
    for (size_t r = 0; r < range_count; r++) {
        a6_check_t check = a6_recon_node_hash(blocks, count, &ranges[r], &nodes[r]);
        if (check != A6_OK) return check;
    }
    return A6_OK;
}

a6_check_t a6_recon_answer_blocks(const a6_recon_block_t *blocks, size_t count,
                                  const a6_recon_range_t *ranges, size_t range_count,
                                  a6_recon_block_t *out, size_t out_max, size_t *block_counts)
{
    size_t used = 0;
    for (size_t r = 0; r < range_count; r++) {
        a6_check_t check = a6_recon_range_check(&ranges[r]);
        if (check != A6_OK) return check;
        size_t begin = 0;
        size_t k = a6_recon_range_find(blocks, count, &ranges[r], &begin);
        if (k > out_max - used) return A6_CHECK_TOO_MANY_BLOCKS;
        memcpy(out + used, blocks + begin, k * sizeof *out);
        used += k;
        block_counts[r] = k;
    }
    return A6_OK;
}

/* ---- the driver ---- */

/* A node that differs, with both sides' counts; a leaf is settled by exchanging its blocks. */
typedef struct pending {
    a6_recon_range_t range;
    uint64_t count_mine;
    uint64_t count_theirs;
    bool leaf;
} pending_t;

/* The caller's memory, carved into arrays. The differing nodes stay in serial order from level
 * to level (a leaf is carried over, a split node replaced by its differing children), so the
 * differences come out sorted by (origin, first). */
typedef struct run_state {
    const a6_recon_peer_t *peer;
    const a6_recon_block_t *blocks;
    size_t count;
    const a6_recon_config_t *config;
    a6_recon_report_t *report;
    a6_recon_totals_t *totals_mine, *totals_theirs; /* totals_max each */
    size_t totals_mine_count, totals_theirs_count;
    pending_t *current, *next; /* nodes_max each */
    size_t current_count, next_count;
    a6_recon_range_t *queries; /* nodes_max * fanout */
    a6_recon_node_t *answers;  /* nodes_max * fanout: theirs */
    a6_recon_block_t *peer_blocks;
    size_t *peer_block_counts; /* nodes_max */
} run_state_t;

#define ALIGN_UP(n) (((n) + alignof(max_align_t) - 1) / alignof(max_align_t) * alignof(max_align_t))

static bool config_valid(const a6_recon_config_t *c)
{
    return c->fanout >= A6_RECON_FANOUT_MIN && c->fanout <= A6_RECON_FANOUT_MAX &&
           c->leaf_blocks_max >= 1 && c->leaf_blocks_max <= A6_RECON_LEAF_BLOCKS_MAX &&
           c->nodes_max >= 1 && c->nodes_max <= A6_RECON_NODES_MAX && c->totals_max >= 1 &&
           c->totals_max <= A6_RECON_TOTALS_MAX;
}

/* Carves memory into the arrays of state (memory NULL: only measures); returns bytes used. */
static size_t carve(const a6_recon_config_t *c, unsigned char *memory, run_state_t *state)
{
    size_t used = 0, queries = c->nodes_max * c->fanout;
#define TAKE(field, n)                                                                             \
    do {                                                                                           \
        if (memory) state->field = (void *)(memory + used);                                        \
        used += ALIGN_UP((n) * sizeof *state->field);                                              \
    } while (0)
    TAKE(totals_mine, c->totals_max);
    TAKE(totals_theirs, c->totals_max);
    TAKE(current, c->nodes_max);
    TAKE(next, c->nodes_max);
    TAKE(queries, queries);
    TAKE(answers, queries);
    TAKE(peer_blocks, c->nodes_max * c->leaf_blocks_max);
    TAKE(peer_block_counts, c->nodes_max);
#undef TAKE
    return used + alignof(max_align_t); /* room to align the start */
}

size_t a6_recon_memory_bytes(const a6_recon_config_t *config)
{
    if (!config_valid(config)) return 0;
    run_state_t unused = {0};
    return carve(config, NULL, &unused);
}

static a6_check_t peer_fault(run_state_t *s, a6_check_t check)
{
    if (check != A6_OK) s->report->peer_at_fault = true;
    return check;
}

/* Round trip 1: both sides' totals and their differences. */
static a6_check_t run_totals(run_state_t *s)
{
    a6_recon_report_t *r = s->report;
    size_t max = s->config->totals_max;
    a6_check_t check =
        a6_recon_totals(s->blocks, s->count, s->totals_mine, max, &s->totals_mine_count);
    if (check != A6_OK) return check;
    r->round_trips++;
    check = s->peer->ask_totals(s->peer->context, s->totals_theirs, max, &s->totals_theirs_count);
    if (check == A6_OK && s->totals_theirs_count > max) check = A6_CHECK_TOO_MANY_BLOCKS;
    if (check == A6_OK)
        check = a6_recon_totals_check(s->totals_theirs, s->totals_theirs_count, NULL);
    if (check != A6_OK) return peer_fault(s, check);
    r->totals_diff_count =
        a6_recon_totals_compare(s->totals_mine, s->totals_mine_count, s->totals_theirs,
                                s->totals_theirs_count, r->totals_diffs, r->totals_diffs_max);
    return A6_OK;
}

static void root_extend(a6_recon_range_t *root, const a6_recon_totals_t *t)
{
    if (t->first_min < root->lo) root->lo = t->first_min;
    if (t->last_max + 1 > root->hi) root->hi = t->last_max + 1;
}

/* One root per origin of either side, spanning both sides' serials, into current. Roots are
 * never asked themselves: their children are the first questions, which costs the same one
 * pass over the blocks when nothing differs and saves a pass and a round trip otherwise. */
static a6_check_t run_roots(run_state_t *s)
{
    const a6_recon_totals_t *a = s->totals_mine, *b = s->totals_theirs;
    size_t i = 0, j = 0, n = 0, a_count = s->totals_mine_count, b_count = s->totals_theirs_count;
    while (i < a_count || j < b_count) {
        const char *origin = i == a_count ? b[j].origin
                             : j == b_count || origin_compare(a[i].origin, b[j].origin) <= 0
                                 ? a[i].origin
                                 : b[j].origin;
        a6_recon_range_t root = {.lo = LEDGER_SERIAL_MAX, .hi = 1};
        memcpy(root.origin, origin, sizeof root.origin);
        for (; i < a_count && origin_compare(a[i].origin, root.origin) == 0; i++)
            root_extend(&root, &a[i]);
        for (; j < b_count && origin_compare(b[j].origin, root.origin) == 0; j++)
            root_extend(&root, &b[j]);
        if (n == s->config->nodes_max) return A6_CHECK_TOO_MANY_BLOCKS;
        assert(a6_recon_range_check(&root) == A6_OK);
        s->current[n++] = (pending_t){.range = root, .leaf = false};
    }
    s->current_count = n;
    return A6_OK;
}

/* Compares my node of queries[q] with their answer; appends it to next when it differs. */
static a6_check_t run_compare(run_state_t *s, size_t q)
{
    const a6_recon_node_t *theirs = &s->answers[q];
    if (!range_equal(&s->queries[q], &theirs->range))
        return peer_fault(s, A6_CHECK_BLOCK_SPEC_INVALID);
    if (theirs->count > (uint64_t)(theirs->range.hi - theirs->range.lo))
        return peer_fault(s, A6_CHECK_BLOCK_SPEC_INVALID);
    a6_recon_node_t mine;
    a6_check_t check = a6_recon_node_hash(s->blocks, s->count, &s->queries[q], &mine);
    assert(check == A6_OK);
    (void)check;
    if (node_equal(&mine, theirs)) return A6_OK;
    if (s->next_count == s->config->nodes_max) return A6_CHECK_TOO_MANY_BLOCKS;
    size_t leaf_max = s->config->leaf_blocks_max;
    s->next[s->next_count++] =
        (pending_t){.range = mine.range,
                    .count_mine = mine.count,
                    .count_theirs = theirs->count,
                    .leaf = mine.count <= leaf_max && theirs->count <= leaf_max};
    return A6_OK;
}

/* Children of current's split nodes: the questions of the next level. */
static size_t run_questions(run_state_t *s)
{
    size_t n = 0;
    for (size_t c = 0; c < s->current_count; c++) {
        if (s->current[c].leaf) continue;
        size_t children = 0;
        a6_check_t check =
            a6_recon_split(&s->current[c].range, s->config->fanout, s->queries + n, &children);
        /* a differing node holds more than leaf_blocks_max >= 1 blocks: width >= 2; only a
         * root may be one serial wide */
        assert(check == A6_OK && children >= 1);
        (void)check;
        n += children;
    }
    return n;
}

/* Carries current's leaves over to next and compares the children of its split nodes, whose
 * answers follow one another in the queries, keeping serial order. */
static a6_check_t run_descend(run_state_t *s, size_t query_count)
{
    size_t q = 0;
    for (size_t c = 0; c < s->current_count; c++) {
        const pending_t *node = &s->current[c];
        if (node->leaf) {
            if (s->next_count == s->config->nodes_max) return A6_CHECK_TOO_MANY_BLOCKS;
            s->next[s->next_count++] = *node;
            continue;
        }
        uint64_t width = (uint64_t)(node->range.hi - node->range.lo);
        size_t children = width < s->config->fanout ? (size_t)width : s->config->fanout;
        for (size_t end = q + children; q < end; q++) {
            a6_check_t check = run_compare(s, q);
            if (check != A6_OK) return check;
        }
    }
    assert(q == query_count);
    (void)query_count;
    return A6_OK;
}

/* One round trip for the query_count questions; current becomes the differing nodes of the
 * level below. */
static a6_check_t run_level(run_state_t *s, size_t query_count)
{
    a6_recon_report_t *r = s->report;
    r->round_trips++;
    r->levels++;
    r->nodes_asked += query_count;
    a6_check_t check = s->peer->ask_nodes(s->peer->context, s->queries, query_count, s->answers);
    if (check != A6_OK) return peer_fault(s, check);
    s->next_count = 0;
    check = run_descend(s, query_count);
    if (check != A6_OK) return check;
    pending_t *swap = s->current;
    s->current = s->next;
    s->next = swap;
    s->current_count = s->next_count;
    return A6_OK;
}

/* Their blocks of one leaf, checked against the question and their own node. */
static a6_check_t leaf_blocks_check(const pending_t *leaf, const a6_recon_block_t *theirs, size_t n)
{
    if (n != leaf->count_theirs) return A6_CHECK_BLOCK_SPEC_INVALID;
    a6_check_t check = a6_recon_blocks_check(theirs, n, NULL);
    if (check != A6_OK) return check;
    for (size_t b = 0; b < n; b++)
        if (origin_compare(theirs[b].origin, leaf->range.origin) != 0 ||
            theirs[b].first < leaf->range.lo || theirs[b].first >= leaf->range.hi)
            return A6_CHECK_BLOCK_SPEC_INVALID;
    return A6_OK;
}

/* Last round trip: their blocks of every differing leaf, diffed with mine. */
static a6_check_t run_blocks(run_state_t *s)
{
    a6_recon_report_t *r = s->report;
    if (s->current_count == 0) return A6_OK;
    size_t capacity = s->config->nodes_max * s->config->leaf_blocks_max;
    for (size_t l = 0; l < s->current_count; l++) {
        assert(s->current[l].leaf);
        s->queries[l] = s->current[l].range;
    }
    r->round_trips++;
    a6_check_t check = s->peer->ask_blocks(s->peer->context, s->queries, s->current_count,
                                           s->peer_blocks, capacity, s->peer_block_counts);
    if (check != A6_OK) return peer_fault(s, check);
    size_t at = 0;
    for (size_t l = 0; l < s->current_count; l++) {
        size_t n = s->peer_block_counts[l];
        if (n > capacity - at) return peer_fault(s, A6_CHECK_BLOCK_SPEC_INVALID);
        check = leaf_blocks_check(&s->current[l], s->peer_blocks + at, n);
        if (check != A6_OK) return peer_fault(s, check);
        size_t begin = 0, found = 0;
        size_t k = a6_recon_range_find(s->blocks, s->count, &s->current[l].range, &begin);
        size_t written =
            r->block_diff_count < r->block_diffs_max ? r->block_diff_count : r->block_diffs_max;
        check =
            a6_recon_diff_blocks(s->blocks + begin, k, s->peer_blocks + at, n,
                                 r->block_diffs + written, r->block_diffs_max - written, &found);
        assert(check == A6_OK);
        r->block_diff_count += found;
        r->blocks_received += n;
        at += n;
    }
    return A6_OK;
}

a6_check_t a6_recon_run(const a6_recon_peer_t *peer, const a6_recon_block_t *blocks, size_t count,
                        const a6_recon_config_t *config, void *memory, size_t memory_bytes,
                        a6_recon_report_t *report)
{
    *report = (a6_recon_report_t){.block_diffs = report->block_diffs,
                                  .block_diffs_max = report->block_diffs_max,
                                  .totals_diffs = report->totals_diffs,
                                  .totals_diffs_max = report->totals_diffs_max};
    if (!config_valid(config) || !memory || memory_bytes < a6_recon_memory_bytes(config))
        return A6_CHECK_QUANTITY_INVALID;
    run_state_t s = {
        .peer = peer, .blocks = blocks, .count = count, .config = config, .report = report};
    unsigned char *start = memory;
    start +=
        (alignof(max_align_t) - (uintptr_t)start % alignof(max_align_t)) % alignof(max_align_t);
    carve(config, start, &s);
    a6_check_t check = run_totals(&s);
    size_t query_count = 0;
    if (check == A6_OK) check = run_roots(&s);
    while (check == A6_OK && (query_count = run_questions(&s)) > 0)
        check = run_level(&s, query_count);
    if (check == A6_OK) check = run_blocks(&s);
    return check;
}
