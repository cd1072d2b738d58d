/* test_reconcile.c: unit tests of core/reconcile: block and list checks, the canonical encoding,
 * totals per issuance, the serial-space hash tree (split, node hashes, children, comparison),
 * block diffs, and the whole protocol between two in-memory registries (differences found
 * exactly, round trips bounded, bad inputs and bad answers refused with their check code). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/reconcile.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define REGISTRY_BLOCKS 5000 /* blocks of the generated registries */
#define DIFFS_MAX 64

static a6_recon_block_t blk(const char *origin, int64_t first, int64_t last, int32_t vintage,
                            int64_t issuance_id, uint8_t status)
{
    a6_recon_block_t b = {.first = first,
                          .last = last,
                          .vintage = vintage,
                          .issuance_id = issuance_id,
                          .status = status};
    snprintf(b.origin, sizeof b.origin, "%s", origin);
    return b;
}

static a6_recon_range_t rng(const char *origin, int64_t lo, int64_t hi)
{
    a6_recon_range_t r = {.lo = lo, .hi = hi};
    snprintf(r.origin, sizeof r.origin, "%s", origin);
    return r;
}

/* ---- an in-memory peer ---- */

/* How a peer may misbehave: each fault must be refused with peer_at_fault set. */
typedef enum peer_fault {
    FAULT_NONE,
    FAULT_TRANSPORT,      /* ask_nodes fails with the transport's own code */
    FAULT_TOTALS_ORDER,   /* totals out of order */
    FAULT_NODE_RANGE,     /* a node about another range than asked */
    FAULT_NODE_COUNT,     /* a node counting more blocks than its range has serials */
    FAULT_BLOCKS_COUNT,   /* one block more than their node said */
    FAULT_BLOCKS_OUTSIDE, /* a block starting past the range asked */
    FAULT_BLOCK_INVALID,  /* a block with an unknown status */
} peer_fault_t;

typedef struct test_peer {
    const a6_recon_block_t *blocks;
    size_t count;
    unsigned calls;
    size_t blocks_per_range_max; /* the most blocks sent for one range */
    peer_fault_t fault;
} test_peer_t;

static a6_check_t peer_totals(void *context, a6_recon_totals_t *totals, size_t totals_max,
                              size_t *totals_count)
{
    test_peer_t *p = context;
    p->calls++;
    a6_check_t check = a6_recon_totals(p->blocks, p->count, totals, totals_max, totals_count);
    if (check == A6_OK && p->fault == FAULT_TOTALS_ORDER && *totals_count >= 2) {
        a6_recon_totals_t first = totals[0];
        totals[0] = totals[1];
        totals[1] = first;
    }
    return check;
}

static a6_check_t peer_nodes(void *context, const a6_recon_range_t *ranges, size_t range_count,
                             a6_recon_node_t *nodes)
{
    test_peer_t *p = context;
    p->calls++;
    if (p->fault == FAULT_TRANSPORT) return A6_CHECK_JSON_INVALID;
    a6_check_t check = a6_recon_answer_nodes(p->blocks, p->count, ranges, range_count, nodes);
    a6_recon_node_t *last = &nodes[range_count - 1];
    if (p->fault == FAULT_NODE_RANGE) last->range.hi--;
    if (p->fault == FAULT_NODE_COUNT) last->count = (uint64_t)(last->range.hi - last->range.lo) + 1;
    return check;
}

static a6_check_t peer_blocks(void *context, const a6_recon_range_t *ranges, size_t range_count,
                              a6_recon_block_t *blocks, size_t blocks_max, size_t *block_counts)
{
    test_peer_t *p = context;
    p->calls++;
    a6_check_t check = a6_recon_answer_blocks(p->blocks, p->count, ranges, range_count, blocks,
                                              blocks_max, block_counts);
    size_t total = 0;
    for (size_t r = 0; check == A6_OK && r < range_count; r++) {
        total += block_counts[r];
        if (block_counts[r] > p->blocks_per_range_max) p->blocks_per_range_max = block_counts[r];
    }
    if (check == A6_OK && p->fault == FAULT_BLOCKS_COUNT) block_counts[range_count - 1]++;
    if (check == A6_OK && p->fault == FAULT_BLOCK_INVALID) blocks[total - 1].status = 9;
    if (check == A6_OK && p->fault == FAULT_BLOCKS_OUTSIDE) {
        a6_recon_block_t *last = &blocks[total - 1]; /* still a sorted, valid list */
        last->first = ranges[range_count - 1].hi;
        if (last->last < last->first) last->last = last->first;
    }
    return check;
}

static const a6_recon_config_t test_config = {
    .fanout = 16, .leaf_blocks_max = 8, .nodes_max = 256, .totals_max = 64};

static a6_check_t run_with(const a6_recon_block_t *mine, size_t mine_count, test_peer_t *peer,
                           const a6_recon_config_t *config, a6_recon_block_diff_t *diffs,
                           a6_recon_report_t *report)
{
    a6_recon_peer_t interface = {.context = peer,
                                 .ask_totals = peer_totals,
                                 .ask_nodes = peer_nodes,
                                 .ask_blocks = peer_blocks};
    size_t bytes = a6_recon_memory_bytes(config);
    assert_true(bytes > 0);
    void *memory = malloc(bytes);
    assert_non_null(memory);
    *report = (a6_recon_report_t){.block_diffs = diffs, .block_diffs_max = DIFFS_MAX};
    a6_check_t check = a6_recon_run(&interface, mine, mine_count, config, memory, bytes, report);
    free(memory);
    if (check == A6_OK) {
        assert_int_equal(report->round_trips, peer->calls);
        assert_true(peer->blocks_per_range_max <= config->leaf_blocks_max);
    }
    return check;
}

static a6_check_t run(const a6_recon_block_t *mine, size_t mine_count,
                      const a6_recon_block_t *theirs, size_t theirs_count,
                      a6_recon_block_diff_t *diffs, a6_recon_report_t *report)
{
    test_peer_t peer = {.blocks = theirs, .count = theirs_count};
    return run_with(mine, mine_count, &peer, &test_config, diffs, report);
}

/* A registry of n blocks: sizes 1..~2000 with gaps, vintages 2013..2030, a new issuance every
 * 100 blocks, statuses mixed; origins alternate per 1000 blocks when two_origins (each origin's
 * serials kept increasing, the list sorted by origin afterwards). */
static void generate(a6_recon_block_t *out, size_t n, bool two_origins)
{
    uint64_t state = 0x9e3779b97f4a7c15u;
    int64_t next[2] = {1, 1};
    size_t half = two_origins ? n / 2 : n;
    for (size_t i = 0; i < n; i++) {
        state = state * 6364136223846793005u + 1442695040888963407u;
        int o = i < half ? 0 : 1;
        int64_t size = 1 + (int64_t)((state >> 33) % 2000);
        int64_t gap = (int64_t)((state >> 20) % 4);
        out[i] = blk(o == 0 ? "JPN01" : "VNM01", next[o] + gap, next[o] + gap + size - 1,
                     2013 + (int32_t)((i / 100) % 18), 1 + (int64_t)(i / 100),
                     (uint8_t)((state >> 50) % 3));
        next[o] = out[i].last + 1;
    }
}

static a6_recon_block_t *registry(bool two_origins)
{
    a6_recon_block_t *blocks = calloc(REGISTRY_BLOCKS, sizeof *blocks);
    assert_non_null(blocks);
    generate(blocks, REGISTRY_BLOCKS, two_origins);
    assert_int_equal(a6_recon_blocks_check(blocks, REGISTRY_BLOCKS, NULL), A6_OK);
    return blocks;
}

static a6_recon_block_t *copy_of(const a6_recon_block_t *blocks, size_t n)
{
    a6_recon_block_t *copy = calloc(n + 1, sizeof *copy);
    assert_non_null(copy);
    memcpy(copy, blocks, n * sizeof *copy);
    return copy;
}

static void remove_at(a6_recon_block_t *blocks, size_t *n, size_t index)
{
    memmove(&blocks[index], &blocks[index + 1], (*n - index - 1) * sizeof *blocks);
    (*n)--;
}

static void expect_diff(const a6_recon_block_diff_t *diff, a6_recon_diff_kind_t kind,
                        const a6_recon_block_t *mine, const a6_recon_block_t *theirs)
{
    assert_int_equal(diff->kind, kind);
    a6_recon_block_t zero = {0};
    assert_true(a6_recon_block_equal(&diff->mine, mine ? mine : &zero));
    assert_true(a6_recon_block_equal(&diff->theirs, theirs ? theirs : &zero));
}

/* One difference costs totals + a few levels + blocks. */
static void expect_few_round_trips(const a6_recon_report_t *report)
{
    assert_true(report->round_trips >= 3);
    assert_true(report->round_trips <= 8);
    assert_int_equal(report->round_trips, report->levels + 2);
}

/* ---- blocks ---- */

static void block_check_codes(void **state)
{
    (void)state;
    a6_recon_block_t good = blk("VNM01", 1, 10, 2023, 7, A6_RECON_CANCELLED);
    assert_int_equal(a6_recon_block_check(&good), A6_OK);
    a6_recon_block_t b = good;
    strcpy(b.origin, "VN01");
    assert_int_equal(a6_recon_block_check(&b), A6_CHECK_REGISTRY_ID_INVALID);
    b = good;
    memcpy(b.origin, "VNM01X", sizeof b.origin); /* no terminator */
    assert_int_equal(a6_recon_block_check(&b), A6_CHECK_REGISTRY_ID_INVALID);
    b = good;
    b.first = 0;
    assert_int_equal(a6_recon_block_check(&b), A6_CHECK_BLOCK_INVALID);
    b = good;
    b.first = 11;
    assert_int_equal(a6_recon_block_check(&b), A6_CHECK_BLOCK_INVALID);
    b = good;
    b.last = LEDGER_SERIAL_MAX + 1;
    assert_int_equal(a6_recon_block_check(&b), A6_CHECK_BLOCK_INVALID);
    b.last = LEDGER_SERIAL_MAX;
    assert_int_equal(a6_recon_block_check(&b), A6_OK);
    b = good;
    b.vintage = 1989;
    assert_int_equal(a6_recon_block_check(&b), A6_CHECK_VINTAGE_INVALID);
    b = good;
    b.issuance_id = 0;
    assert_int_equal(a6_recon_block_check(&b), A6_CHECK_ID_INVALID);
    b = good;
    b.status = A6_RECON_STATUS_COUNT;
    assert_int_equal(a6_recon_block_check(&b), A6_CHECK_STATUS_INVALID);
}

static void blocks_check_order(void **state)
{
    (void)state;
    a6_recon_block_t ok[] = {blk("JPN01", 5, 9, 2023, 1, 0), blk("JPN01", 10, 10, 2023, 1, 0),
                             blk("VNM01", 1, 4, 2023, 1, 0)};
    assert_int_equal(a6_recon_blocks_check(ok, COUNT_OF(ok), NULL), A6_OK);
    assert_int_equal(a6_recon_blocks_check(NULL, 0, NULL), A6_OK);

    size_t bad = 99;
    a6_recon_block_t unsorted[] = {blk("JPN01", 1, 4, 2023, 1, 0), blk("JPN01", 20, 30, 2023, 1, 0),
                                   blk("JPN01", 10, 12, 2023, 1, 0)};
    assert_int_equal(a6_recon_blocks_check(unsorted, 3, &bad), A6_CHECK_BLOCK_OVERLAP);
    assert_int_equal(bad, 2);
    a6_recon_block_t origins[] = {blk("VNM01", 1, 4, 2023, 1, 0), blk("JPN01", 5, 9, 2023, 1, 0)};
    assert_int_equal(a6_recon_blocks_check(origins, 2, &bad), A6_CHECK_BLOCK_OVERLAP);
    assert_int_equal(bad, 1);
    a6_recon_block_t overlap[] = {blk("JPN01", 1, 10, 2023, 1, 0),
                                  blk("JPN01", 10, 12, 2023, 1, 0)};
    assert_int_equal(a6_recon_blocks_check(overlap, 2, &bad), A6_CHECK_BLOCK_OVERLAP);
    a6_recon_block_t same_first[] = {blk("JPN01", 3, 3, 2023, 1, 0),
                                     blk("JPN01", 3, 3, 2023, 2, 0)};
    assert_int_equal(a6_recon_blocks_check(same_first, 2, &bad), A6_CHECK_BLOCK_OVERLAP);
    a6_recon_block_t invalid[] = {blk("JPN01", 1, 4, 2023, 1, 0), blk("jpn01", 5, 9, 2023, 1, 0)};
    assert_int_equal(a6_recon_blocks_check(invalid, 2, &bad), A6_CHECK_REGISTRY_ID_INVALID);
    assert_int_equal(bad, 1);
}

static void block_encoding(void **state)
{
    (void)state;
    a6_recon_block_t b = blk("VNM01", 0x0102030405060708, 0x0102030405060709, 2023,
                             INT64_C(0x1122334455667788), A6_RECON_USED);
    uint8_t bytes[A6_RECON_BLOCK_BYTES];
    a6_recon_block_encode(&b, bytes);
    const uint8_t expected[A6_RECON_BLOCK_BYTES] = {
        'V',  'N',  'M',  '0',  '1',  0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02,
        0x01, 0x09, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0xe7, 0x07, 0x00,
        0x00, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x01};
    assert_memory_equal(bytes, expected, sizeof expected);
    a6_recon_block_t back;
    assert_int_equal(a6_recon_block_decode(bytes, &back), A6_OK);
    assert_true(a6_recon_block_equal(&back, &b));
    bytes[33] = 3;
    assert_int_equal(a6_recon_block_decode(bytes, &back), A6_CHECK_STATUS_INVALID);
    bytes[0] = 'v';
    assert_int_equal(a6_recon_block_decode(bytes, &back), A6_CHECK_REGISTRY_ID_INVALID);
}

/* ---- totals ---- */

static void totals_per_issuance(void **state)
{
    (void)state;
    /* JPN01 issuances 2 and 1 interleave in serial order; VNM01 has one */
    a6_recon_block_t blocks[] = {
        blk("JPN01", 1, 10, 2021, 2, A6_RECON_HELD), blk("JPN01", 11, 15, 2021, 1, A6_RECON_USED),
        blk("JPN01", 20, 29, 2021, 2, A6_RECON_USED), blk("JPN01", 30, 30, 2021, 1, A6_RECON_HELD),
        blk("VNM01", 5, 104, 2022, 9, A6_RECON_CANCELLED)};
    a6_recon_totals_t totals[4];
    size_t n = 0;
    assert_int_equal(a6_recon_totals(blocks, COUNT_OF(blocks), totals, 4, &n), A6_OK);
    assert_int_equal(n, 3);
    assert_string_equal(totals[0].origin, "JPN01");
    assert_int_equal(totals[0].issuance_id, 1);
    assert_int_equal(totals[0].blocks, 2);
    assert_int_equal(totals[0].units[A6_RECON_HELD], 1);
    assert_int_equal(totals[0].units[A6_RECON_USED], 5);
    assert_int_equal(totals[0].units[A6_RECON_CANCELLED], 0);
    assert_int_equal(totals[0].first_min, 11);
    assert_int_equal(totals[0].last_max, 30);
    assert_int_equal(totals[1].issuance_id, 2);
    assert_int_equal(totals[1].blocks, 2);
    assert_int_equal(totals[1].units[A6_RECON_HELD], 10);
    assert_int_equal(totals[1].units[A6_RECON_USED], 10);
    assert_int_equal(totals[1].first_min, 1);
    assert_int_equal(totals[1].last_max, 29);
    assert_string_equal(totals[2].origin, "VNM01");
    assert_int_equal(totals[2].units[A6_RECON_CANCELLED], 100);
    assert_int_equal(a6_recon_totals_check(totals, n, NULL), A6_OK);

    assert_int_equal(a6_recon_totals(blocks, COUNT_OF(blocks), totals, 2, &n),
                     A6_CHECK_TOO_MANY_BLOCKS);
    a6_recon_block_t unsorted[] = {blocks[1], blocks[0]};
    assert_int_equal(a6_recon_totals(unsorted, 2, totals, 4, &n), A6_CHECK_BLOCK_OVERLAP);
}

static void totals_compare_reports_issuances(void **state)
{
    (void)state;
    a6_recon_block_t mine[] = {blk("JPN01", 1, 10, 2021, 1, 0), blk("JPN01", 11, 20, 2021, 2, 0),
                               blk("VNM01", 1, 10, 2021, 1, 0)};
    a6_recon_block_t theirs[] = {blk("JPN01", 1, 10, 2021, 1, 0), blk("JPN01", 11, 20, 2021, 2, 1),
                                 blk("VNM01", 1, 10, 2021, 1, 0), blk("VNM01", 11, 12, 2021, 3, 0)};
    a6_recon_totals_t a[4], b[4];
    size_t n = 0, m = 0;
    assert_int_equal(a6_recon_totals(mine, COUNT_OF(mine), a, 4, &n), A6_OK);
    assert_int_equal(a6_recon_totals(theirs, COUNT_OF(theirs), b, 4, &m), A6_OK);
    assert_int_equal(a6_recon_totals_compare(a, n, a, n, NULL, 0), 0);
    a6_recon_totals_diff_t diffs[4];
    assert_int_equal(a6_recon_totals_compare(a, n, b, m, diffs, 4), 2);
    assert_string_equal(diffs[0].mine.origin, "JPN01");
    assert_int_equal(diffs[0].mine.issuance_id, 2);
    assert_int_equal(diffs[0].mine.units[A6_RECON_HELD], 10);
    assert_int_equal(diffs[0].theirs.units[A6_RECON_USED], 10);
    assert_string_equal(diffs[1].mine.origin, "VNM01");
    assert_int_equal(diffs[1].mine.issuance_id, 3);
    assert_int_equal(diffs[1].mine.blocks, 0); /* absent on my side */
    assert_int_equal(diffs[1].theirs.blocks, 1);
    /* the count stays exact when the output is smaller */
    assert_int_equal(a6_recon_totals_compare(a, n, b, m, diffs, 1), 2);
}

static void totals_check_refuses_bad_answers(void **state)
{
    (void)state;
    a6_recon_totals_t good = {.origin = "VNM01",
                              .issuance_id = 3,
                              .blocks = 2,
                              .units = {5, 0, 5},
                              .first_min = 1,
                              .last_max = 10};
    assert_int_equal(a6_recon_totals_check(&good, 1, NULL), A6_OK);
    a6_recon_totals_t t = good;
    strcpy(t.origin, "VNM1");
    assert_int_equal(a6_recon_totals_check(&t, 1, NULL), A6_CHECK_REGISTRY_ID_INVALID);
    t = good;
    t.issuance_id = -1;
    assert_int_equal(a6_recon_totals_check(&t, 1, NULL), A6_CHECK_ID_INVALID);
    t = good;
    t.last_max = 0;
    assert_int_equal(a6_recon_totals_check(&t, 1, NULL), A6_CHECK_BLOCK_INVALID);
    t = good;
    t.units[1] = 1; /* 11 units in a span of 10 */
    assert_int_equal(a6_recon_totals_check(&t, 1, NULL), A6_CHECK_QUANTITY_INVALID);
    t = good;
    t.blocks = 11; /* more blocks than units */
    assert_int_equal(a6_recon_totals_check(&t, 1, NULL), A6_CHECK_QUANTITY_INVALID);
    t = good;
    t.units[0] = -1;
    assert_int_equal(a6_recon_totals_check(&t, 1, NULL), A6_CHECK_QUANTITY_INVALID);
    a6_recon_totals_t twice[] = {good, good};
    size_t bad = 0;
    assert_int_equal(a6_recon_totals_check(twice, 2, &bad), A6_CHECK_BLOCK_OVERLAP);
    assert_int_equal(bad, 1);
}

/* ---- tree ---- */

static void split_even_parts(void **state)
{
    (void)state;
    a6_recon_range_t parts[A6_RECON_FANOUT_MAX];
    size_t n = 0;
    a6_recon_range_t parent = rng("VNM01", 1, 101);
    assert_int_equal(a6_recon_split(&parent, 16, parts, &n), A6_OK);
    assert_int_equal(n, 16);
    assert_int_equal(parts[0].lo, 1);
    assert_int_equal(parts[15].hi, 101);
    for (size_t i = 0; i < n; i++) {
        int64_t width = parts[i].hi - parts[i].lo;
        assert_true(width == 6 || width == 7);
        if (i > 0) assert_int_equal(parts[i].lo, parts[i - 1].hi);
        assert_string_equal(parts[i].origin, "VNM01");
    }
    /* narrower than the fan-out: one serial per child, none empty */
    parent = rng("VNM01", 40, 45);
    assert_int_equal(a6_recon_split(&parent, 16, parts, &n), A6_OK);
    assert_int_equal(n, 5);
    assert_int_equal(parts[4].lo, 44);
    assert_int_equal(parts[4].hi, 45);
    /* the whole serial space, without overflow */
    parent = rng("VNM01", 1, LEDGER_SERIAL_MAX + 1);
    assert_int_equal(a6_recon_split(&parent, 256, parts, &n), A6_OK);
    assert_int_equal(n, 256);
    assert_int_equal(parts[255].hi, LEDGER_SERIAL_MAX + 1);
    for (size_t i = 1; i < n; i++)
        assert_int_equal(parts[i].lo, parts[i - 1].hi);

    assert_int_equal(a6_recon_split(&parent, 1, parts, &n), A6_CHECK_QUANTITY_INVALID);
    assert_int_equal(a6_recon_split(&parent, 257, parts, &n), A6_CHECK_QUANTITY_INVALID);
    parent = rng("VNM01", 5, 5);
    assert_int_equal(a6_recon_split(&parent, 16, parts, &n), A6_CHECK_BLOCK_INVALID);
    parent = rng("VNM01", 0, 5);
    assert_int_equal(a6_recon_split(&parent, 16, parts, &n), A6_CHECK_BLOCK_INVALID);
    parent = rng("VNM01", 1, LEDGER_SERIAL_MAX + 2);
    assert_int_equal(a6_recon_split(&parent, 16, parts, &n), A6_CHECK_BLOCK_INVALID);
    parent = rng("XX001", 1, 5);
    assert_int_equal(a6_recon_split(&parent, 16, parts, &n), A6_CHECK_REGISTRY_ID_INVALID);
}

static void node_hash_covers_first_serials(void **state)
{
    (void)state;
    a6_recon_block_t blocks[] = {blk("JPN01", 1, 5, 2021, 1, 0), blk("VNM01", 1, 9, 2021, 1, 0),
                                 blk("VNM01", 10, 19, 2021, 1, 1), blk("VNM01", 20, 29, 2021, 1, 2),
                                 blk("VNM01", 40, 49, 2021, 2, 0)};
    /* [12, 41) covers the blocks starting at 20 and 40, not the one starting at 10 */
    a6_recon_range_t range = rng("VNM01", 12, 41);
    a6_recon_node_t node;
    assert_int_equal(a6_recon_node_hash(blocks, COUNT_OF(blocks), &range, &node), A6_OK);
    assert_int_equal(node.count, 2);
    uint8_t bytes[2 * A6_RECON_BLOCK_BYTES], expected[A6_RECON_HASH_BYTES];
    a6_recon_block_encode(&blocks[3], bytes);
    a6_recon_block_encode(&blocks[4], bytes + A6_RECON_BLOCK_BYTES);
    crypto_hash_sha256(expected, bytes, sizeof bytes);
    assert_memory_equal(node.hash, expected, sizeof expected);
    assert_int_equal(node.range.lo, 12);
    assert_int_equal(node.range.hi, 41);

    range = rng("VNM01", 30, 40); /* empty */
    assert_int_equal(a6_recon_node_hash(blocks, COUNT_OF(blocks), &range, &node), A6_OK);
    assert_int_equal(node.count, 0);
    crypto_hash_sha256(expected, NULL, 0);
    assert_memory_equal(node.hash, expected, sizeof expected);

    range = rng("JPN01", 1, 1000); /* one origin only */
    assert_int_equal(a6_recon_node_hash(blocks, COUNT_OF(blocks), &range, &node), A6_OK);
    assert_int_equal(node.count, 1);

    range = rng("VNM01", 41, 40);
    assert_int_equal(a6_recon_node_hash(blocks, COUNT_OF(blocks), &range, &node),
                     A6_CHECK_BLOCK_INVALID);
    range = rng("VNM", 1, 40);
    assert_int_equal(a6_recon_node_hash(blocks, COUNT_OF(blocks), &range, &node),
                     A6_CHECK_REGISTRY_ID_INVALID);
}

static void children_match_node_hashes(void **state)
{
    (void)state;
    a6_recon_block_t *blocks = registry(true);
    a6_recon_range_t parent = rng("VNM01", 1, blocks[REGISTRY_BLOCKS - 1].last + 1);
    a6_recon_node_t children[16], node;
    a6_recon_range_t ranges[16];
    size_t n = 0, m = 0;
    uint64_t total = 0;
    assert_int_equal(a6_recon_children(blocks, REGISTRY_BLOCKS, &parent, 16, children, &n), A6_OK);
    assert_int_equal(a6_recon_split(&parent, 16, ranges, &m), A6_OK);
    assert_int_equal(n, 16);
    assert_int_equal(m, 16);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(a6_recon_node_hash(blocks, REGISTRY_BLOCKS, &ranges[i], &node), A6_OK);
        assert_memory_equal(&children[i].range, &ranges[i], sizeof ranges[i]);
        assert_int_equal(children[i].count, node.count);
        assert_memory_equal(children[i].hash, node.hash, sizeof node.hash);
        total += node.count;
    }
    assert_int_equal(total, REGISTRY_BLOCKS / 2); /* every VNM01 block in exactly one child */
    assert_int_equal(a6_recon_children(blocks, REGISTRY_BLOCKS, &parent, 0, children, &n),
                     A6_CHECK_QUANTITY_INVALID);
    free(blocks);
}

static void compare_by_index(void **state)
{
    (void)state;
    a6_recon_block_t mine[] = {blk("VNM01", 1, 9, 2021, 1, 0), blk("VNM01", 10, 19, 2021, 1, 0),
                               blk("VNM01", 30, 39, 2021, 1, 0)};
    a6_recon_block_t theirs[] = {blk("VNM01", 1, 9, 2021, 1, 0), blk("VNM01", 10, 19, 2021, 1, 1),
                                 blk("VNM01", 30, 39, 2021, 1, 0),
                                 blk("VNM01", 40, 40, 2021, 1, 0)};
    a6_recon_range_t parent = rng("VNM01", 1, 41);
    a6_recon_node_t a[4], b[4];
    size_t n = 0, m = 0, differing[4], differing_count = 9;
    assert_int_equal(a6_recon_children(mine, 3, &parent, 4, a, &n), A6_OK);
    assert_int_equal(a6_recon_children(theirs, 4, &parent, 4, b, &m), A6_OK);
    assert_int_equal(n, 4); /* [1,11) [11,21) [21,31) [31,41) */
    assert_int_equal(a6_recon_compare(a, b, n, differing, &differing_count), A6_OK);
    assert_int_equal(differing_count, 2);
    assert_int_equal(differing[0], 0); /* holds the block starting at 10, status differs */
    assert_int_equal(differing[1], 3); /* theirs has 40 */
    assert_int_equal(a6_recon_compare(a, a, n, differing, &differing_count), A6_OK);
    assert_int_equal(differing_count, 0);
    memcpy(b, a, sizeof a);
    b[1].count++; /* same hash, another count: still a difference */
    assert_int_equal(a6_recon_compare(a, b, n, differing, &differing_count), A6_OK);
    assert_int_equal(differing_count, 1);
    assert_int_equal(differing[0], 1);
    b[2].range.lo++;
    assert_int_equal(a6_recon_compare(a, b, n, differing, &differing_count),
                     A6_CHECK_BLOCK_SPEC_INVALID);
    assert_int_equal(differing_count, 0);
}

static void diff_blocks_kinds(void **state)
{
    (void)state;
    a6_recon_block_t mine[] = {blk("JPN01", 1, 9, 2021, 1, 0), blk("JPN01", 10, 19, 2021, 1, 0),
                               blk("JPN01", 20, 29, 2021, 1, 0), blk("VNM01", 1, 1, 2021, 1, 0)};
    a6_recon_block_t theirs[] = {blk("JPN01", 1, 9, 2021, 1, 0), blk("JPN01", 10, 18, 2021, 1, 0),
                                 blk("JPN01", 30, 39, 2021, 1, 0), blk("VNM01", 1, 1, 2022, 1, 0)};
    a6_recon_block_diff_t diffs[8];
    size_t n = 0;
    assert_int_equal(a6_recon_diff_blocks(mine, 4, theirs, 4, diffs, 8, &n), A6_OK);
    assert_int_equal(n, 4);
    expect_diff(&diffs[0], A6_RECON_CHANGED, &mine[1], &theirs[1]);
    expect_diff(&diffs[1], A6_RECON_ONLY_MINE, &mine[2], NULL);
    expect_diff(&diffs[2], A6_RECON_ONLY_THEIRS, NULL, &theirs[2]);
    expect_diff(&diffs[3], A6_RECON_CHANGED, &mine[3], &theirs[3]); /* vintage */
    assert_int_equal(a6_recon_diff_blocks(mine, 4, theirs, 4, diffs, 1, &n), A6_OK);
    assert_int_equal(n, 4);
    assert_int_equal(a6_recon_diff_blocks(mine, 4, mine, 4, diffs, 8, &n), A6_OK);
    assert_int_equal(n, 0);
    a6_recon_block_t unsorted[] = {mine[1], mine[0]};
    assert_int_equal(a6_recon_diff_blocks(mine, 4, unsorted, 2, diffs, 8, &n),
                     A6_CHECK_BLOCK_OVERLAP);
}

/* ---- the protocol ---- */

static void run_identical(void **state)
{
    (void)state;
    a6_recon_block_t *mine = registry(true);
    a6_recon_block_diff_t diffs[DIFFS_MAX];
    a6_recon_report_t report;
    assert_int_equal(run(mine, REGISTRY_BLOCKS, mine, REGISTRY_BLOCKS, diffs, &report), A6_OK);
    assert_int_equal(report.block_diff_count, 0);
    assert_int_equal(report.totals_diff_count, 0);
    assert_int_equal(report.round_trips, 2);                      /* totals, the roots' children */
    assert_int_equal(report.nodes_asked, 2 * test_config.fanout); /* two origins */
    assert_int_equal(report.blocks_received, 0);
    assert_false(report.peer_at_fault);

    assert_int_equal(run(NULL, 0, NULL, 0, diffs, &report), A6_OK);
    assert_int_equal(report.round_trips, 1);
    assert_int_equal(report.block_diff_count, 0);
    free(mine);
}

static void run_block_missing(void **state)
{
    (void)state;
    a6_recon_block_t *mine = registry(false), *theirs = copy_of(mine, REGISTRY_BLOCKS);
    size_t m = REGISTRY_BLOCKS;
    remove_at(theirs, &m, 2345);
    a6_recon_block_diff_t diffs[DIFFS_MAX];
    a6_recon_report_t report;
    assert_int_equal(run(mine, REGISTRY_BLOCKS, theirs, m, diffs, &report), A6_OK);
    assert_int_equal(report.block_diff_count, 1);
    expect_diff(&diffs[0], A6_RECON_ONLY_MINE, &mine[2345], NULL);
    assert_int_equal(report.totals_diff_count, 1);
    expect_few_round_trips(&report);
    assert_true(report.blocks_received <= 2 * test_config.leaf_blocks_max);
    /* and seen from the other side */
    assert_int_equal(run(theirs, m, mine, REGISTRY_BLOCKS, diffs, &report), A6_OK);
    assert_int_equal(report.block_diff_count, 1);
    expect_diff(&diffs[0], A6_RECON_ONLY_THEIRS, NULL, &mine[2345]);
    free(mine);
    free(theirs);
}

static void run_last_serial_differs(void **state)
{
    (void)state;
    a6_recon_block_t *mine = registry(false), *theirs = copy_of(mine, REGISTRY_BLOCKS);
    theirs[777].last--;
    a6_recon_block_diff_t diffs[DIFFS_MAX];
    a6_recon_report_t report;
    assert_int_equal(run(mine, REGISTRY_BLOCKS, theirs, REGISTRY_BLOCKS, diffs, &report), A6_OK);
    assert_int_equal(report.block_diff_count, 1);
    expect_diff(&diffs[0], A6_RECON_CHANGED, &mine[777], &theirs[777]);
    expect_few_round_trips(&report);
    free(mine);
    free(theirs);
}

/* Same units per issuance, only the status changes: totals see it, the tree finds the block. */
static void run_status_differs(void **state)
{
    (void)state;
    a6_recon_block_t *mine = registry(false), *theirs = copy_of(mine, REGISTRY_BLOCKS);
    theirs[4000].status = (uint8_t)((theirs[4000].status + 1) % A6_RECON_STATUS_COUNT);
    a6_recon_block_diff_t diffs[DIFFS_MAX];
    a6_recon_report_t report;
    assert_int_equal(run(mine, REGISTRY_BLOCKS, theirs, REGISTRY_BLOCKS, diffs, &report), A6_OK);
    assert_int_equal(report.block_diff_count, 1);
    expect_diff(&diffs[0], A6_RECON_CHANGED, &mine[4000], &theirs[4000]);
    assert_int_equal(report.totals_diff_count, 1);
    expect_few_round_trips(&report);
    free(mine);
    free(theirs);
}

/* A vintage change leaves every total equal: only the tree sees it. */
static void run_vintage_differs_with_equal_totals(void **state)
{
    (void)state;
    a6_recon_block_t *mine = registry(false), *theirs = copy_of(mine, REGISTRY_BLOCKS);
    theirs[10].vintage = 2030;
    a6_recon_block_diff_t diffs[DIFFS_MAX];
    a6_recon_report_t report;
    assert_int_equal(run(mine, REGISTRY_BLOCKS, theirs, REGISTRY_BLOCKS, diffs, &report), A6_OK);
    assert_int_equal(report.totals_diff_count, 0);
    assert_int_equal(report.block_diff_count, 1);
    expect_diff(&diffs[0], A6_RECON_CHANGED, &mine[10], &theirs[10]);
    free(mine);
    free(theirs);
}

/* Differences at the very first serial and at the very last one: the roots' edges. */
static void run_first_and_last_serial(void **state)
{
    (void)state;
    a6_recon_block_t *mine = registry(false), *theirs = copy_of(mine, REGISTRY_BLOCKS);
    size_t n = REGISTRY_BLOCKS;
    int64_t last = mine[0].last < 2 ? 2 : mine[0].last;
    mine[0].first = 1; /* serial 1 starts my block; their same block starts at 2 */
    mine[0].last = theirs[0].last = last;
    theirs[0].first = 2;
    mine[n - 1].last = LEDGER_SERIAL_MAX; /* mine reaches the top of the serial space */
    theirs[n - 1].last = LEDGER_SERIAL_MAX - 1;
    a6_recon_block_diff_t diffs[DIFFS_MAX];
    a6_recon_report_t report;
    assert_int_equal(run(mine, n, theirs, n, diffs, &report), A6_OK);
    assert_int_equal(report.block_diff_count, 3);
    expect_diff(&diffs[0], A6_RECON_ONLY_MINE, &mine[0], NULL);
    expect_diff(&diffs[1], A6_RECON_ONLY_THEIRS, NULL, &theirs[0]);
    expect_diff(&diffs[2], A6_RECON_CHANGED, &mine[n - 1], &theirs[n - 1]);
    /* the root spans 2^62 serials here: about 13 levels to narrow down to a few blocks */
    assert_true(report.round_trips <= 18);
    free(mine);
    free(theirs);
}

static void run_distant_differences(void **state)
{
    (void)state;
    a6_recon_block_t *mine = registry(false), *theirs = copy_of(mine, REGISTRY_BLOCKS);
    size_t m = REGISTRY_BLOCKS;
    theirs[4990].issuance_id++;
    theirs[2500].vintage = theirs[2500].vintage == 2030 ? 2029 : 2030;
    theirs[3].status = (uint8_t)((theirs[3].status + 2) % A6_RECON_STATUS_COUNT);
    remove_at(theirs, &m, 1200);
    a6_recon_block_diff_t diffs[DIFFS_MAX];
    a6_recon_report_t report;
    assert_int_equal(run(mine, REGISTRY_BLOCKS, theirs, m, diffs, &report), A6_OK);
    assert_int_equal(report.block_diff_count, 4);
    expect_diff(&diffs[0], A6_RECON_CHANGED, &mine[3], &theirs[3]);
    expect_diff(&diffs[1], A6_RECON_ONLY_MINE, &mine[1200], NULL);
    expect_diff(&diffs[2], A6_RECON_CHANGED, &mine[2500], &theirs[2499]);
    expect_diff(&diffs[3], A6_RECON_CHANGED, &mine[4990], &theirs[4989]);
    expect_few_round_trips(&report); /* all four follow the tree in the same round trips */
    assert_true(report.blocks_received <= 4 * test_config.leaf_blocks_max);
    free(mine);
    free(theirs);
}

static void run_two_origins(void **state)
{
    (void)state;
    a6_recon_block_t *mine = registry(true), *theirs = copy_of(mine, REGISTRY_BLOCKS);
    size_t half = REGISTRY_BLOCKS / 2;
    theirs[half - 1].status = (uint8_t)((theirs[half - 1].status + 1) % A6_RECON_STATUS_COUNT);
    theirs[half].last--;
    a6_recon_block_diff_t diffs[DIFFS_MAX];
    a6_recon_report_t report;
    assert_int_equal(run(mine, REGISTRY_BLOCKS, theirs, REGISTRY_BLOCKS, diffs, &report), A6_OK);
    assert_int_equal(report.block_diff_count, 2);
    expect_diff(&diffs[0], A6_RECON_CHANGED, &mine[half - 1], &theirs[half - 1]);
    assert_string_equal(diffs[0].mine.origin, "JPN01");
    expect_diff(&diffs[1], A6_RECON_CHANGED, &mine[half], &theirs[half]);
    assert_string_equal(diffs[1].mine.origin, "VNM01");
    expect_few_round_trips(&report);

    /* an origin only one side knows of */
    a6_recon_block_t extra[] = {blk("JPN01", 1, 10, 2021, 1, 0), blk("KOR01", 1, 10, 2021, 1, 0)};
    assert_int_equal(run(extra, 2, extra, 1, diffs, &report), A6_OK);
    assert_int_equal(report.block_diff_count, 1);
    expect_diff(&diffs[0], A6_RECON_ONLY_MINE, &extra[1], NULL);
    assert_int_equal(report.round_trips, 3);
    free(mine);
    free(theirs);
}

/* The same units split differently are a difference at this level: callers merge first. */
static void run_split_blocks_differ(void **state)
{
    (void)state;
    a6_recon_block_t mine[] = {blk("VNM01", 1, 100, 2021, 1, 0),
                               blk("VNM01", 101, 200, 2021, 1, 0)};
    a6_recon_block_t theirs[] = {blk("VNM01", 1, 50, 2021, 1, 0), blk("VNM01", 51, 100, 2021, 1, 0),
                                 blk("VNM01", 101, 200, 2021, 1, 0)};
    a6_recon_block_diff_t diffs[DIFFS_MAX];
    a6_recon_report_t report;
    assert_int_equal(run(mine, 2, theirs, 3, diffs, &report), A6_OK);
    assert_int_equal(report.block_diff_count, 2);
    expect_diff(&diffs[0], A6_RECON_CHANGED, &mine[0], &theirs[0]);
    expect_diff(&diffs[1], A6_RECON_ONLY_THEIRS, NULL, &theirs[1]);
    assert_int_equal(report.totals_diff_count, 1); /* 2 blocks against 3, same units */
}

static void run_refuses_bad_lists(void **state)
{
    (void)state;
    a6_recon_block_t good[] = {blk("VNM01", 1, 10, 2021, 1, 0), blk("VNM01", 11, 20, 2021, 1, 0)};
    a6_recon_block_t unsorted[] = {good[1], good[0]};
    a6_recon_block_t overlap[] = {good[0], blk("VNM01", 10, 20, 2021, 1, 0)};
    a6_recon_block_t origin[] = {good[0], blk("VNM0A", 11, 20, 2021, 1, 0)};
    a6_recon_block_diff_t diffs[DIFFS_MAX];
    a6_recon_report_t report;
    assert_int_equal(run(unsorted, 2, good, 2, diffs, &report), A6_CHECK_BLOCK_OVERLAP);
    assert_false(report.peer_at_fault);
    assert_int_equal(report.round_trips, 0);
    assert_int_equal(run(overlap, 2, good, 2, diffs, &report), A6_CHECK_BLOCK_OVERLAP);
    assert_int_equal(run(origin, 2, good, 2, diffs, &report), A6_CHECK_REGISTRY_ID_INVALID);
    /* the same lists on their side: refused, and blamed on them */
    assert_int_equal(run(good, 2, unsorted, 2, diffs, &report), A6_CHECK_BLOCK_OVERLAP);
    assert_true(report.peer_at_fault);
    assert_int_equal(run(good, 2, origin, 2, diffs, &report), A6_CHECK_REGISTRY_ID_INVALID);
    assert_true(report.peer_at_fault);
}

static void run_refuses_bad_answers(void **state)
{
    (void)state;
    a6_recon_block_t *mine = registry(false), *theirs = copy_of(mine, REGISTRY_BLOCKS);
    theirs[100].vintage = theirs[100].vintage == 2030 ? 2029 : 2030;
    const struct {
        peer_fault_t fault;
        a6_check_t expected;
    } cases[] = {
        {FAULT_TRANSPORT, A6_CHECK_JSON_INVALID},
        {FAULT_TOTALS_ORDER, A6_CHECK_BLOCK_OVERLAP},
        {FAULT_NODE_RANGE, A6_CHECK_BLOCK_SPEC_INVALID},
        {FAULT_NODE_COUNT, A6_CHECK_BLOCK_SPEC_INVALID},
        {FAULT_BLOCKS_COUNT, A6_CHECK_BLOCK_SPEC_INVALID},
        {FAULT_BLOCKS_OUTSIDE, A6_CHECK_BLOCK_SPEC_INVALID},
        {FAULT_BLOCK_INVALID, A6_CHECK_STATUS_INVALID},
    };
    for (size_t c = 0; c < COUNT_OF(cases); c++) {
        a6_recon_block_diff_t diffs[DIFFS_MAX];
        a6_recon_report_t report;
        test_peer_t peer = {.blocks = theirs, .count = REGISTRY_BLOCKS, .fault = cases[c].fault};
        a6_check_t check = run_with(mine, REGISTRY_BLOCKS, &peer, &test_config, diffs, &report);
        if (check != cases[c].expected || !report.peer_at_fault || report.block_diff_count != 0)
            fail_msg("fault %d: check %d, peer_at_fault %d, %zu diffs", (int)cases[c].fault,
                     (int)check, (int)report.peer_at_fault, report.block_diff_count);
    }
    free(mine);
    free(theirs);
}

/* A range where one side holds few blocks and the other many is split until both sides hold at
 * most leaf_blocks_max: no answer carries more (checked in run_with). */
static void run_leaves_bounded_on_both_sides(void **state)
{
    (void)state;
    a6_recon_block_t *mine = registry(false), *theirs = copy_of(mine, REGISTRY_BLOCKS);
    size_t n = REGISTRY_BLOCKS;
    for (size_t k = 0; k < 100; k++)
        remove_at(mine, &n, 1000); /* mine lacks 100 consecutive blocks */
    a6_recon_block_diff_t diffs[DIFFS_MAX];
    a6_recon_report_t report;
    assert_int_equal(run(mine, n, theirs, REGISTRY_BLOCKS, diffs, &report), A6_OK);
    assert_int_equal(report.block_diff_count, 100);
    for (size_t k = 0; k < DIFFS_MAX; k++)
        expect_diff(&diffs[k], A6_RECON_ONLY_THEIRS, NULL, &theirs[1000 + k]);
    /* only the two leaves at the edges of the gap may also hold blocks both sides know */
    assert_true(report.blocks_received >= 100);
    assert_true(report.blocks_received <= 100 + 2 * (test_config.leaf_blocks_max - 1));
    free(mine);
    free(theirs);
}

static void run_limits(void **state)
{
    (void)state;
    a6_recon_block_t *mine = registry(false), *theirs = copy_of(mine, REGISTRY_BLOCKS);
    a6_recon_block_diff_t diffs[DIFFS_MAX];
    a6_recon_report_t report;
    test_peer_t peer = {.blocks = theirs, .count = REGISTRY_BLOCKS};

    a6_recon_config_t bad = test_config;
    bad.fanout = 1;
    assert_int_equal(a6_recon_memory_bytes(&bad), 0);
    a6_recon_peer_t interface = {.context = &peer,
                                 .ask_totals = peer_totals,
                                 .ask_nodes = peer_nodes,
                                 .ask_blocks = peer_blocks};
    unsigned char memory[64];
    report = (a6_recon_report_t){0};
    assert_int_equal(
        a6_recon_run(&interface, mine, REGISTRY_BLOCKS, &bad, memory, sizeof memory, &report),
        A6_CHECK_QUANTITY_INVALID);
    assert_int_equal(a6_recon_run(&interface, mine, REGISTRY_BLOCKS, &test_config, memory,
                                  sizeof memory, &report),
                     A6_CHECK_QUANTITY_INVALID); /* too little memory */

    /* 100 differing blocks: more than 64 diffs fit, more than 8 nodes per level */
    for (size_t i = 0; i < 100; i++)
        theirs[i * 50].status = (uint8_t)((theirs[i * 50].status + 1) % A6_RECON_STATUS_COUNT);
    assert_int_equal(run_with(mine, REGISTRY_BLOCKS, &peer, &test_config, diffs, &report), A6_OK);
    assert_int_equal(report.block_diff_count, 100);
    for (size_t i = 0; i < DIFFS_MAX; i++)
        expect_diff(&diffs[i], A6_RECON_CHANGED, &mine[i * 50], &theirs[i * 50]);
    a6_recon_config_t narrow = test_config;
    narrow.nodes_max = 8;
    assert_int_equal(run_with(mine, REGISTRY_BLOCKS, &peer, &narrow, diffs, &report),
                     A6_CHECK_TOO_MANY_BLOCKS);
    assert_false(report.peer_at_fault);
    narrow = test_config;
    narrow.totals_max = 2; /* 50 issuances */
    assert_int_equal(run_with(mine, REGISTRY_BLOCKS, &peer, &narrow, diffs, &report),
                     A6_CHECK_TOO_MANY_BLOCKS);
    free(mine);
    free(theirs);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(block_check_codes),
        cmocka_unit_test(blocks_check_order),
        cmocka_unit_test(block_encoding),
        cmocka_unit_test(totals_per_issuance),
        cmocka_unit_test(totals_compare_reports_issuances),
        cmocka_unit_test(totals_check_refuses_bad_answers),
        cmocka_unit_test(split_even_parts),
        cmocka_unit_test(node_hash_covers_first_serials),
        cmocka_unit_test(children_match_node_hashes),
        cmocka_unit_test(compare_by_index),
        cmocka_unit_test(diff_blocks_kinds),
        cmocka_unit_test(run_identical),
        cmocka_unit_test(run_block_missing),
        cmocka_unit_test(run_last_serial_differs),
        cmocka_unit_test(run_status_differs),
        cmocka_unit_test(run_vintage_differs_with_equal_totals),
        cmocka_unit_test(run_first_and_last_serial),
        cmocka_unit_test(run_distant_differences),
        cmocka_unit_test(run_two_origins),
        cmocka_unit_test(run_split_blocks_differ),
        cmocka_unit_test(run_refuses_bad_lists),
        cmocka_unit_test(run_refuses_bad_answers),
        cmocka_unit_test(run_leaves_bounded_on_both_sides),
        cmocka_unit_test(run_limits),
    };
    /* clang-format on */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
