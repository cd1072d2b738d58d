/* test_serial_map.c: unit and property tests of core/serial_map against a per-serial model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/serial_map.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static ledger_block_t block_make(int64_t issuance_id, int64_t account_id, int64_t first,
                                 int64_t last)
{
    return (ledger_block_t){.id = 77,
                            .issuance_id = issuance_id,
                            .account_id = account_id,
                            .first = first,
                            .last = last,
                            .vintage = 2020,
                            .unit_type = LEDGER_UNIT_JCM_CREDIT};
}

static bool block_equal(const ledger_block_t *a, const ledger_block_t *b)
{
    return a->id == b->id && a->issuance_id == b->issuance_id && a->account_id == b->account_id &&
           a->first == b->first && a->last == b->last && a->vintage == b->vintage &&
           a->unit_type == b->unit_type;
}

/* A heap copy of the map's blocks, to prove a rejected operation changed nothing. */
typedef struct snapshot {
    ledger_block_t *blocks;
    size_t count;
} snapshot_t;

static snapshot_t snapshot_take(const serial_map_t *map)
{
    snapshot_t snap = {.blocks = malloc((map->count + 1) * sizeof(ledger_block_t)),
                       .count = map->count};
    assert_non_null(snap.blocks);
    if (map->count) memcpy(snap.blocks, map->blocks, map->count * sizeof(ledger_block_t));
    return snap;
}

static bool snapshot_matches(const snapshot_t *snap, const serial_map_t *map)
{
    if (snap->count != map->count) return false;
    for (size_t i = 0; i < map->count; i++)
        if (!block_equal(&snap->blocks[i], &map->blocks[i])) return false;
    return true;
}

static void snapshot_release(snapshot_t *snap)
{
    free(snap->blocks);
    snap->blocks = NULL;
}

static void assert_block(const ledger_block_t *b, int64_t account_id, int64_t first, int64_t last)
{
    assert_int_equal(b->account_id, account_id);
    assert_int_equal(b->first, first);
    assert_int_equal(b->last, last);
}

/* ---- issue ---- */

static void issue_into_empty_map(void **state)
{
    serial_map_t map;
    serial_map_init(&map);
    assert_int_equal(map.count, 0);
    ledger_block_t b = block_make(1, 10, 1, 100);
    assert_int_equal(serial_map_issue(&map, &b), A6_OK);
    assert_int_equal(map.count, 1);
    assert_block(&map.blocks[0], 10, 1, 100);
    assert_int_equal(map.blocks[0].id, 0); /* the map never keeps store ids */
    assert_int_equal(map.blocks[0].issuance_id, 1);
    assert_int_equal(serial_map_account_total(&map, 10), 100);
    assert_int_equal(serial_map_account_total(&map, 11), 0);
    serial_map_release(&map);
    assert_int_equal(map.count, 0);
    assert_null(map.blocks);
}

static void issue_overlap_rejected(void **state)
{
    serial_map_t map;
    serial_map_init(&map);
    ledger_block_t b = block_make(1, 10, 100, 199);
    assert_int_equal(serial_map_issue(&map, &b), A6_OK);
    b = block_make(2, 10, 300, 399);
    assert_int_equal(serial_map_issue(&map, &b), A6_OK);

    static const int64_t overlapping[][2] = {
        {100, 199}, {50, 100},  {199, 250}, {150, 160}, {1, 1000},
        {199, 300}, {250, 300}, {399, 399}, {100, 100},
    };
    for (size_t i = 0; i < COUNT_OF(overlapping); i++) {
        snapshot_t snap = snapshot_take(&map);
        b = block_make(3, 11, overlapping[i][0], overlapping[i][1]);
        a6_check_t check = serial_map_issue(&map, &b);
        if (check != A6_CHECK_BLOCK_OVERLAP)
            fail_msg("issue [%lld, %lld]: got %d", (long long)b.first, (long long)b.last, check);
        assert_true(snapshot_matches(&snap, &map));
        snapshot_release(&snap);
    }
    /* the gap and the edges are free */
    b = block_make(3, 11, 200, 299);
    assert_int_equal(serial_map_issue(&map, &b), A6_OK);
    b = block_make(4, 11, 1, 99);
    assert_int_equal(serial_map_issue(&map, &b), A6_OK);
    b = block_make(5, 11, 400, 400);
    assert_int_equal(serial_map_issue(&map, &b), A6_OK);
    assert_int_equal(map.count, 5);
    serial_map_release(&map);
}

static void issue_invalid_rejected(void **state)
{
    serial_map_t map;
    serial_map_init(&map);
    static const int64_t bad[][2] = {{0, 10}, {-1, 10}, {10, 9}, {1, LEDGER_SERIAL_MAX + 1}};
    for (size_t i = 0; i < COUNT_OF(bad); i++) {
        ledger_block_t b = block_make(1, 10, bad[i][0], bad[i][1]);
        assert_int_equal(serial_map_issue(&map, &b), A6_CHECK_BLOCK_INVALID);
        assert_int_equal(map.count, 0);
    }
    serial_map_release(&map);
}

static void issue_merges_adjacent_equal_blocks(void **state)
{
    serial_map_t map;
    serial_map_init(&map);
    ledger_block_t b = block_make(1, 10, 1, 100);
    assert_int_equal(serial_map_issue(&map, &b), A6_OK);
    b = block_make(1, 10, 201, 300);
    assert_int_equal(serial_map_issue(&map, &b), A6_OK);
    assert_int_equal(map.count, 2);
    /* filling the gap joins all three */
    b = block_make(1, 10, 101, 200);
    assert_int_equal(serial_map_issue(&map, &b), A6_OK);
    assert_int_equal(map.count, 1);
    assert_block(&map.blocks[0], 10, 1, 300);

    /* adjacent but another issuance, holder, vintage or unit type: kept apart */
    b = block_make(2, 10, 301, 310);
    assert_int_equal(serial_map_issue(&map, &b), A6_OK);
    b = block_make(2, 11, 311, 320);
    assert_int_equal(serial_map_issue(&map, &b), A6_OK);
    b = block_make(2, 11, 321, 330);
    b.vintage = 2021;
    assert_int_equal(serial_map_issue(&map, &b), A6_OK);
    b = block_make(2, 11, 331, 340);
    b.vintage = 2021;
    b.unit_type = LEDGER_UNIT_A64_ER;
    assert_int_equal(serial_map_issue(&map, &b), A6_OK);
    assert_int_equal(map.count, 5);
    assert_int_equal(serial_map_account_total(&map, 10), 310);
    assert_int_equal(serial_map_account_total(&map, 11), 30);
    serial_map_release(&map);
}

static void issue_many_grows_capacity(void **state)
{
    serial_map_t map;
    serial_map_init(&map);
    /* issued in descending order to exercise insertion at the front; gaps prevent merging */
    for (int64_t i = 1000; i >= 1; i--) {
        ledger_block_t b = block_make(i, i % 8, i * 10, i * 10 + 4);
        assert_int_equal(serial_map_issue(&map, &b), A6_OK);
    }
    assert_int_equal(map.count, 1000);
    for (size_t i = 1; i < map.count; i++)
        assert_true(map.blocks[i - 1].last < map.blocks[i].first);
    serial_map_release(&map);
}

/* ---- move ---- */

/* Map with one block 1-100 of issuance 1 held by account 10. */
static void map_one_block(serial_map_t *map)
{
    serial_map_init(map);
    ledger_block_t b = block_make(1, 10, 1, 100);
    assert_int_equal(serial_map_issue(map, &b), A6_OK);
}

static void move_whole_head_tail_middle(void **state)
{
    serial_map_t map;
    map_one_block(&map);

    assert_int_equal(serial_map_move(&map, 1, 100, 10, 20), A6_OK); /* whole */
    assert_int_equal(map.count, 1);
    assert_block(&map.blocks[0], 20, 1, 100);

    assert_int_equal(serial_map_move(&map, 1, 10, 20, 30), A6_OK); /* head */
    assert_int_equal(map.count, 2);
    assert_block(&map.blocks[0], 30, 1, 10);
    assert_block(&map.blocks[1], 20, 11, 100);

    assert_int_equal(serial_map_move(&map, 91, 100, 20, 40), A6_OK); /* tail */
    assert_int_equal(map.count, 3);
    assert_block(&map.blocks[1], 20, 11, 90);
    assert_block(&map.blocks[2], 40, 91, 100);

    assert_int_equal(serial_map_move(&map, 50, 59, 20, 50), A6_OK); /* middle */
    assert_int_equal(map.count, 5);
    assert_block(&map.blocks[0], 30, 1, 10);
    assert_block(&map.blocks[1], 20, 11, 49);
    assert_block(&map.blocks[2], 50, 50, 59);
    assert_block(&map.blocks[3], 20, 60, 90);
    assert_block(&map.blocks[4], 40, 91, 100);

    assert_int_equal(serial_map_account_total(&map, 20), 39 + 31);
    assert_int_equal(serial_map_account_total(&map, 30), 10);
    assert_int_equal(serial_map_account_total(&map, 40), 10);
    assert_int_equal(serial_map_account_total(&map, 50), 10);

    /* moving back merges on both sides */
    assert_int_equal(serial_map_move(&map, 50, 59, 50, 20), A6_OK);
    assert_int_equal(map.count, 3);
    assert_block(&map.blocks[1], 20, 11, 90);
    assert_int_equal(serial_map_move(&map, 1, 10, 30, 20), A6_OK);
    assert_int_equal(map.count, 2);
    assert_int_equal(serial_map_move(&map, 91, 100, 40, 20), A6_OK);
    assert_int_equal(map.count, 1);
    assert_block(&map.blocks[0], 20, 1, 100);
    serial_map_release(&map);
}

static void move_to_same_account_changes_nothing(void **state)
{
    serial_map_t map;
    map_one_block(&map);
    snapshot_t snap = snapshot_take(&map);
    assert_int_equal(serial_map_move(&map, 40, 60, 10, 10), A6_OK);
    assert_true(snapshot_matches(&snap, &map));
    snapshot_release(&snap);
    serial_map_release(&map);
}

static void move_not_held(void **state)
{
    serial_map_t map;
    map_one_block(&map);
    ledger_block_t b = block_make(2, 10, 101, 200); /* adjacent, other issuance */
    assert_int_equal(serial_map_issue(&map, &b), A6_OK);
    b = block_make(3, 10, 301, 400); /* after a gap */
    assert_int_equal(serial_map_issue(&map, &b), A6_OK);

    static const struct {
        int64_t first, last, from;
        a6_check_t expected;
    } cases[] = {
        {1, 10, 11, A6_CHECK_BLOCK_NOT_HELD},   /* wrong holder */
        {1, 10, 0, A6_CHECK_BLOCK_NOT_HELD},    /* no holder */
        {90, 110, 10, A6_CHECK_BLOCK_NOT_HELD}, /* spans two blocks of the same holder */
        {100, 101, 10, A6_CHECK_BLOCK_NOT_HELD},
        {150, 250, 10, A6_CHECK_BLOCK_NOT_HELD}, /* runs into the gap */
        {250, 260, 10, A6_CHECK_BLOCK_NOT_HELD}, /* inside the gap */
        {250, 350, 10, A6_CHECK_BLOCK_NOT_HELD}, /* from the gap into a block */
        {401, 401, 10, A6_CHECK_BLOCK_NOT_HELD}, /* past the end */
        {1, 400, 10, A6_CHECK_BLOCK_NOT_HELD},
        {0, 10, 10, A6_CHECK_BLOCK_INVALID},
        {-5, 10, 10, A6_CHECK_BLOCK_INVALID},
        {10, 9, 10, A6_CHECK_BLOCK_INVALID},
    };
    for (size_t i = 0; i < COUNT_OF(cases); i++) {
        snapshot_t snap = snapshot_take(&map);
        a6_check_t check = serial_map_move(&map, cases[i].first, cases[i].last, cases[i].from, 20);
        if (check != cases[i].expected)
            fail_msg("move [%lld, %lld] from %lld: got %d, want %d", (long long)cases[i].first,
                     (long long)cases[i].last, (long long)cases[i].from, check, cases[i].expected);
        assert_true(snapshot_matches(&snap, &map));
        snapshot_release(&snap);
    }
    serial_map_release(&map);

    serial_map_init(&map);
    assert_int_equal(serial_map_move(&map, 1, 1, 10, 20), A6_CHECK_BLOCK_NOT_HELD);
    assert_int_equal(map.count, 0);
    serial_map_release(&map);
}

static void move_merges_with_neighbours_of_destination(void **state)
{
    serial_map_t map;
    map_one_block(&map);
    /* 1-30 to 20, 61-100 to 20, then 31-60 to 20: one block again */
    assert_int_equal(serial_map_move(&map, 1, 30, 10, 20), A6_OK);
    assert_int_equal(serial_map_move(&map, 61, 100, 10, 20), A6_OK);
    assert_int_equal(map.count, 3);
    assert_int_equal(serial_map_move(&map, 31, 60, 10, 20), A6_OK);
    assert_int_equal(map.count, 1);
    assert_block(&map.blocks[0], 20, 1, 100);
    /* a head piece joins the previous block of the destination */
    assert_int_equal(serial_map_move(&map, 51, 100, 20, 30), A6_OK);
    assert_int_equal(serial_map_move(&map, 51, 60, 30, 20), A6_OK);
    assert_int_equal(map.count, 2);
    assert_block(&map.blocks[0], 20, 1, 60);
    assert_block(&map.blocks[1], 30, 61, 100);
    /* a tail piece joins the next block of the destination */
    assert_int_equal(serial_map_move(&map, 51, 60, 20, 30), A6_OK);
    assert_int_equal(map.count, 2);
    assert_block(&map.blocks[0], 20, 1, 50);
    assert_block(&map.blocks[1], 30, 51, 100);
    serial_map_release(&map);
}

/* ---- normalize ---- */

static void normalize_merges_runs(void **state)
{
    assert_int_equal(serial_map_normalize(NULL, 0), 0);

    ledger_block_t one[] = {block_make(1, 10, 5, 9)};
    assert_int_equal(serial_map_normalize(one, 1), 1);
    assert_block(&one[0], 10, 5, 9);

    ledger_block_t chain[] = {block_make(1, 10, 1, 10), block_make(1, 10, 11, 20),
                              block_make(1, 10, 21, 21), block_make(1, 10, 22, 40)};
    assert_int_equal(serial_map_normalize(chain, COUNT_OF(chain)), 1);
    assert_block(&chain[0], 10, 1, 40);

    ledger_block_t mixed[] = {
        block_make(1, 10, 1, 10),  block_make(1, 10, 11, 20), /* merge */
        block_make(1, 11, 21, 30),                            /* other holder */
        block_make(1, 11, 32, 40),                            /* gap */
        block_make(2, 11, 41, 50),                            /* other issuance */
        block_make(2, 11, 51, 60), block_make(2, 11, 61, 70), /* merge */
    };
    size_t count = serial_map_normalize(mixed, COUNT_OF(mixed));
    assert_int_equal(count, 4);
    assert_block(&mixed[0], 10, 1, 20);
    assert_int_equal(mixed[0].issuance_id, 1);
    assert_block(&mixed[1], 11, 21, 30);
    assert_block(&mixed[2], 11, 32, 40);
    assert_block(&mixed[3], 11, 41, 70);
    assert_int_equal(mixed[3].issuance_id, 2);

    ledger_block_t attrs[] = {block_make(1, 10, 1, 10), block_make(1, 10, 11, 20),
                              block_make(1, 10, 21, 30)};
    attrs[1].vintage = 2019;
    attrs[2].vintage = 2019;
    assert_int_equal(serial_map_normalize(attrs, COUNT_OF(attrs)), 2);
    assert_block(&attrs[0], 10, 1, 10);
    assert_block(&attrs[1], 10, 11, 30);
    assert_int_equal(attrs[1].vintage, 2019);
}

/* ---- property test ---- */

/* xorshift64*: fixed seeds make every failure reproducible. */
typedef struct prng {
    uint64_t state;
} prng_t;

static uint64_t prng_next(prng_t *prng)
{
    uint64_t x = prng->state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    prng->state = x;
    return x * UINT64_C(2685821657736338717);
}

/* Uniform-enough integer in [low, high]. */
static int64_t prng_range(prng_t *prng, int64_t low, int64_t high)
{
    assert_true(low <= high);
    return low + (int64_t)(prng_next(prng) % (uint64_t)(high - low + 1));
}

#define MODEL_SERIALS_MAX 5000
#define MODEL_MARGIN 64 /* serials past the universe that are never issued */
#define MODEL_ISSUANCES_MAX 256

/* Brute force: who holds each serial, and from which issuance (0 = never issued). */
typedef struct model {
    int64_t serials;  /* universe 1..serials */
    int64_t accounts; /* account ids 1..accounts */
    int64_t owner[MODEL_SERIALS_MAX + MODEL_MARGIN + 1];
    int64_t issuance[MODEL_SERIALS_MAX + MODEL_MARGIN + 1];
    int32_t vintage[MODEL_ISSUANCES_MAX + 1];
    ledger_unit_type_t unit_type[MODEL_ISSUANCES_MAX + 1];
    int64_t total_issued;
    /* scratch for checks */
    int64_t seen_owner[MODEL_SERIALS_MAX + MODEL_MARGIN + 1];
    ledger_block_t expected[MODEL_SERIALS_MAX + 1];
} model_t;

static int64_t model_limit(const model_t *m)
{
    return m->serials + MODEL_MARGIN;
}

/* True when moving [first, last] from `from` must succeed: one maximal run of `from`. */
static bool model_move_valid(const model_t *m, int64_t first, int64_t last, int64_t from)
{
    if (first <= 0 || last < first || last > model_limit(m)) return false;
    if (m->owner[first] == 0) return false;
    for (int64_t s = first; s <= last; s++)
        if (m->owner[s] != from || m->issuance[s] != m->issuance[first]) return false;
    return true;
}

/* The maximal run [*low, *high] around an issued serial. */
static void model_run(const model_t *m, int64_t serial, int64_t *low, int64_t *high)
{
    int64_t lo = serial, hi = serial;
    while (lo > 1 && m->owner[lo - 1] == m->owner[serial] &&
           m->issuance[lo - 1] == m->issuance[serial])
        lo--;
    while (hi < m->serials && m->owner[hi + 1] == m->owner[serial] &&
           m->issuance[hi + 1] == m->issuance[serial])
        hi++;
    *low = lo;
    *high = hi;
}

static int64_t model_random_issued_serial(const model_t *m, prng_t *prng)
{
    for (;;) {
        int64_t s = prng_range(prng, 1, m->serials);
        if (m->owner[s] != 0) return s;
    }
}

/* Checks every invariant of the map and that it equals the model exactly. */
static void check_invariants(model_t *m, const serial_map_t *map, long step)
{
    for (size_t i = 0; i < map->count; i++) {
        const ledger_block_t *b = &map->blocks[i];
        if (ledger_block_validate(b) != A6_OK)
            fail_msg("step %ld: block %zu [%lld, %lld] invalid", step, i, (long long)b->first,
                     (long long)b->last);
        if (i > 0 && map->blocks[i - 1].last >= b->first)
            fail_msg("step %ld: blocks %zu and %zu unsorted or overlapping", step, i - 1, i);
        if (i > 0 && ledger_block_mergeable(&map->blocks[i - 1], b))
            fail_msg("step %ld: blocks %zu and %zu left unmerged", step, i - 1, i);
    }

    /* conservation */
    int64_t sum = 0;
    for (int64_t a = 1; a <= m->accounts; a++)
        sum += serial_map_account_total(map, a);
    if (sum != m->total_issued)
        fail_msg("step %ld: accounts hold %lld units, %lld issued", step, (long long)sum,
                 (long long)m->total_issued);

    /* per-serial ownership, expanded from the map */
    memset(m->seen_owner, 0, sizeof m->seen_owner);
    for (size_t i = 0; i < map->count; i++) {
        const ledger_block_t *b = &map->blocks[i];
        if (b->last > model_limit(m))
            fail_msg("step %ld: serial %lld beyond universe", step, (long long)b->last);
        for (int64_t s = b->first; s <= b->last; s++)
            m->seen_owner[s] = b->account_id;
        if (b->vintage != m->vintage[b->issuance_id] ||
            b->unit_type != m->unit_type[b->issuance_id])
            fail_msg("step %ld: block %zu lost the attributes of issuance %lld", step, i,
                     (long long)b->issuance_id);
    }
    for (int64_t s = 1; s <= model_limit(m); s++)
        if (m->seen_owner[s] != m->owner[s])
            fail_msg("step %ld: serial %lld held by %lld in the map, %lld in the model", step,
                     (long long)s, (long long)m->seen_owner[s], (long long)m->owner[s]);

    /* the map is exactly the maximal runs of the model */
    size_t expected_count = 0;
    for (int64_t s = 1; s <= m->serials; s++) {
        if (m->owner[s] == 0) continue;
        if (expected_count > 0) {
            ledger_block_t *prev = &m->expected[expected_count - 1];
            if (prev->last == s - 1 && prev->account_id == m->owner[s] &&
                prev->issuance_id == m->issuance[s]) {
                prev->last = s;
                continue;
            }
        }
        m->expected[expected_count++] = (ledger_block_t){.issuance_id = m->issuance[s],
                                                         .account_id = m->owner[s],
                                                         .first = s,
                                                         .last = s,
                                                         .vintage = m->vintage[m->issuance[s]],
                                                         .unit_type = m->unit_type[m->issuance[s]]};
    }
    if (expected_count != map->count)
        fail_msg("step %ld: map has %zu blocks, model %zu", step, map->count, expected_count);
    for (size_t i = 0; i < map->count; i++)
        if (!block_equal(&m->expected[i], &map->blocks[i]))
            fail_msg("step %ld: block %zu [%lld, %lld] of %lld differs from the model", step, i,
                     (long long)map->blocks[i].first, (long long)map->blocks[i].last,
                     (long long)map->blocks[i].account_id);
}

/* Issues blocks over most of the universe, leaving gaps and a free tail. */
static void property_issue(model_t *m, serial_map_t *map, prng_t *prng)
{
    int64_t next = 1;
    int64_t issuance = 0;
    int64_t max_length = m->serials / 10 > 2 ? m->serials / 10 : 2;
    for (;;) {
        int64_t gap = prng_range(prng, 0, 3) == 0 ? prng_range(prng, 1, 20) : 0;
        int64_t first = next + gap;
        int64_t last = first + prng_range(prng, 1, max_length) - 1;
        if (last > m->serials - m->serials / 10 || issuance == MODEL_ISSUANCES_MAX) break;
        /* sometimes continue the previous issuance right after it, which must merge */
        if (issuance == 0 || gap != 0 || prng_range(prng, 0, 3) != 0) {
            issuance++;
            m->vintage[issuance] = (int32_t)prng_range(prng, 2015, 2020);
            m->unit_type[issuance] = (ledger_unit_type_t)prng_range(prng, 1, 3);
        }
        ledger_block_t b = {.id = 1234,
                            .issuance_id = issuance,
                            .account_id = prng_range(prng, 1, m->accounts),
                            .first = first,
                            .last = last,
                            .vintage = m->vintage[issuance],
                            .unit_type = m->unit_type[issuance]};
        assert_int_equal(serial_map_issue(map, &b), A6_OK);
        for (int64_t s = first; s <= last; s++) {
            m->owner[s] = b.account_id;
            m->issuance[s] = issuance;
        }
        m->total_issued += last - first + 1;
        check_invariants(m, map, -1);
        next = last + 1;
    }
    assert_true(m->total_issued > 0);
}

/* One random move: valid (inside a run) or one of several kinds of invalid; the model decides. */
static void property_move(model_t *m, serial_map_t *map, prng_t *prng, long step)
{
    int64_t first, last, from;
    int64_t to = prng_range(prng, 1, m->accounts);
    int64_t s = model_random_issued_serial(m, prng);
    int64_t lo, hi;
    model_run(m, s, &lo, &hi);
    from = m->owner[s];
    first = prng_range(prng, lo, hi);
    last = prng_range(prng, first, hi);
    /* half the time give units to a neighbour's holder, so runs merge back and stay long enough
     * for moves to split them in the middle, not only to shuffle single serials */
    if (prng_range(prng, 0, 1)) {
        int64_t neighbour = prng_range(prng, 0, 1) ? lo - 1 : hi + 1;
        if (neighbour >= 1 && m->owner[neighbour] != 0) {
            to = m->owner[neighbour];
            if (neighbour < lo)
                first = lo;
            else
                last = hi;
        }
    }
    switch (prng_range(prng, 0, 9)) {
    case 0: /* wrong holder */
        from = prng_range(prng, 0, m->accounts + 1);
        break;
    case 1: /* runs past the end of the run */
        last = prng_range(prng, hi + 1, hi + 40);
        break;
    case 2: /* starts before the run */
        first = prng_range(prng, lo - 40 > 1 ? lo - 40 : 1, lo);
        break;
    case 3: /* anywhere, including gaps and the never-issued tail */
        first = prng_range(prng, 1, model_limit(m));
        last = prng_range(prng, first, first + 50 < model_limit(m) ? first + 50 : model_limit(m));
        from = prng_range(prng, 1, m->accounts);
        break;
    case 4: /* malformed */
        if (prng_range(prng, 0, 1)) {
            first = last + prng_range(prng, 1, 5);
        } else {
            first = -prng_range(prng, 0, 5);
        }
        break;
    default: /* a valid move */
        break;
    }
    bool valid = model_move_valid(m, first, last, from);
    snapshot_t snap = {0};
    if (!valid) snap = snapshot_take(map);
    a6_check_t check = serial_map_move(map, first, last, from, to);
    if (valid) {
        if (check != A6_OK)
            fail_msg("step %ld: move [%lld, %lld] %lld->%lld rejected with %d", step,
                     (long long)first, (long long)last, (long long)from, (long long)to, check);
        for (int64_t x = first; x <= last; x++)
            m->owner[x] = to;
    } else {
        a6_check_t expected =
            (first <= 0 || last < first) ? A6_CHECK_BLOCK_INVALID : A6_CHECK_BLOCK_NOT_HELD;
        if (check != expected)
            fail_msg("step %ld: invalid move [%lld, %lld] %lld->%lld got %d, want %d", step,
                     (long long)first, (long long)last, (long long)from, (long long)to, check,
                     expected);
        if (!snapshot_matches(&snap, map))
            fail_msg("step %ld: rejected move [%lld, %lld] changed the map", step, (long long)first,
                     (long long)last);
        snapshot_release(&snap);
    }
}

/* An issuance over serials already issued must be rejected and change nothing. */
static void property_issue_overlap(model_t *m, serial_map_t *map, prng_t *prng, long step)
{
    int64_t s = model_random_issued_serial(m, prng);
    int64_t first = prng_range(prng, s - 30 > 1 ? s - 30 : 1, s);
    int64_t last = prng_range(prng, s, s + 30);
    ledger_block_t b = {.issuance_id = 1,
                        .account_id = 1,
                        .first = first,
                        .last = last,
                        .vintage = m->vintage[1],
                        .unit_type = m->unit_type[1]};
    snapshot_t snap = snapshot_take(map);
    a6_check_t check = serial_map_issue(map, &b);
    if (check != A6_CHECK_BLOCK_OVERLAP)
        fail_msg("step %ld: overlapping issue [%lld, %lld] got %d", step, (long long)first,
                 (long long)last, check);
    if (!snapshot_matches(&snap, map)) fail_msg("step %ld: rejected issue changed the map", step);
    snapshot_release(&snap);
}

/* Runs `epochs` walks of `steps` random operations, each from a fresh issuance (so that large
 * blocks keep being split, not only the fragments a long walk leaves behind). */
static void property_run(uint64_t seed, int64_t serials, int64_t accounts, int epochs, long steps)
{
    assert_true(serials <= MODEL_SERIALS_MAX);
    model_t *m = malloc(sizeof *m);
    assert_non_null(m);
    prng_t prng = {.state = seed};
    for (int epoch = 0; epoch < epochs; epoch++) {
        memset(m, 0, sizeof *m);
        m->serials = serials;
        m->accounts = accounts;
        serial_map_t map;
        serial_map_init(&map);
        property_issue(m, &map, &prng);
        size_t blocks_max = 0;
        for (long step = 0; step < steps; step++) {
            long label = epoch * steps + step;
            if (prng_range(&prng, 0, 49) == 0)
                property_issue_overlap(m, &map, &prng, label);
            else
                property_move(m, &map, &prng, label);
            check_invariants(m, &map, label);
            if (map.count > blocks_max) blocks_max = map.count;
        }
        /* the walk must have fragmented the map, or it proved little */
        assert_true(blocks_max > 20);
        serial_map_release(&map);
    }
    free(m);
}

static void property_random_moves_wide(void **state)
{
    property_run(UINT64_C(0x9E3779B97F4A7C15), 5000, 8, 4, 5000);
}

static void property_random_moves_dense(void **state)
{
    /* few serials and accounts: moves constantly merge with neighbours */
    property_run(UINT64_C(0xD1B54A32D192ED03), 300, 3, 4, 5000);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(issue_into_empty_map),
        cmocka_unit_test(issue_overlap_rejected),
        cmocka_unit_test(issue_invalid_rejected),
        cmocka_unit_test(issue_merges_adjacent_equal_blocks),
        cmocka_unit_test(issue_many_grows_capacity),
        cmocka_unit_test(move_whole_head_tail_middle),
        cmocka_unit_test(move_to_same_account_changes_nothing),
        cmocka_unit_test(move_not_held),
        cmocka_unit_test(move_merges_with_neighbours_of_destination),
        cmocka_unit_test(normalize_merges_runs),
        cmocka_unit_test(property_random_moves_wide),
        cmocka_unit_test(property_random_moves_dense),
    };
    /* clang-format on */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
