/* fuzz_blocks.c: libFuzzer target for the pure serial-block rules (core/block.h, serial_map.h).
 * The input is a program: each operation byte picks ledger_ranges_parse, ledger_quantity_parse,
 * issuing into or moving within a serial_map, or selecting an account's units (explicitly with
 * ledger_select_explicit, or oldest first with ledger_select_oldest) and moving them; the bytes
 * after it are its operands. Every result is compared with a plain reference computation, and
 * after every operation the map must be sorted, non-overlapping, fully merged, and hold exactly
 * the units issued to each account, no more and no fewer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/block.h"
#include "core/serial_map.h"
#include "fuzz_fail.h"

#define ACCOUNT_COUNT 4     /* account ids 1..ACCOUNT_COUNT */
#define OPERATIONS_MAX 256  /* per input */
#define MAP_BLOCKS_MAX 4096 /* no operation starts on a map larger than this */
#define RANGES_MAX 16       /* explicit ranges in one selection */
#define TAKES_MAX 32        /* takes in one oldest-first selection */
#define TEXT_BYTES_MAX 64   /* text given to the parsers */
#define ISSUE_QUANTITY_MAX 1000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input, consumed from the front; reads past its end give zeros. */
typedef struct program {
    const uint8_t *data;
    size_t size;
} program_t;

/* The map under test and what it must hold. */
typedef struct model {
    serial_map_t map;
    int64_t held[ACCOUNT_COUNT + 1]; /* units per account id */
    int64_t issued;
    int64_t next_serial; /* above every serial issued so far */
} model_t;

static uint8_t next_byte(program_t *p)
{
    if (p->size == 0) return 0;
    p->size--;
    return *p->data++;
}

/* n (<= 8) bytes, little-endian. */
static uint64_t next_bytes(program_t *p, size_t n)
{
    uint64_t value = 0;
    for (size_t i = 0; i < n; i++)
        value |= (uint64_t)next_byte(p) << (8 * i);
    return value;
}

static int64_t next_account(program_t *p)
{
    return 1 + next_byte(p) % ACCOUNT_COUNT;
}

/* A NUL-terminated text of up to size - 1 bytes (it may hold any byte, an early NUL included). */
static void next_text(program_t *p, char *out, size_t size)
{
    size_t length = next_byte(p) % size;
    for (size_t i = 0; i < length; i++)
        out[i] = (char)next_byte(p);
    out[length] = '\0';
}

static int64_t range_units(int64_t first, int64_t last)
{
    return last - first + 1;
}

static int contains(const ledger_block_t *block, int64_t first, int64_t last)
{
    return block->first <= first && last <= block->last;
}

/* ---- parsers against reference parsers ---- */

/* Reference for one positive serial at *p (before end), advancing *p; 0 when there is none. */
static int reference_serial(const char **p, const char *end, int64_t *out)
{
    uint64_t value = 0;
    const char *digits = *p;
    for (; *p < end && **p >= '0' && **p <= '9'; (*p)++) {
        uint64_t digit = (uint64_t)(**p - '0');
        if (value > ((uint64_t)LEDGER_SERIAL_MAX - digit) / 10) return 0;
        value = value * 10 + digit;
    }
    *out = (int64_t)value;
    return *p > digits && value > 0;
}

/* Reference for one part [start, end) of a range list: 0 when it does not start with a
 * well-formed "N" or "N-M", 1 when it is exactly one, 2 when other bytes follow one (the parser
 * checks the count limit before it looks at what follows a range). */
static int reference_part(const char *start, const char *end, ledger_range_t *out)
{
    const char *p = start;
    if (!reference_serial(&p, end, &out->first)) return 0;
    out->last = out->first;
    if (p < end && *p == '-') {
        p++;
        if (!reference_serial(&p, end, &out->last)) return 0;
    }
    if (out->last < out->first) return 0;
    return p == end ? 1 : 2;
}

static void op_ranges_parse(program_t *p)
{
    char text[TEXT_BYTES_MAX];
    next_text(p, text, sizeof text);
    size_t max = next_byte(p) % (RANGES_MAX + 1);
    ledger_range_t ranges[RANGES_MAX], expected[RANGES_MAX];
    size_t count = 0, expected_count = 0;
    a6_check_t want = text[0] ? A6_OK : A6_CHECK_BLOCK_SPEC_INVALID;
    for (const char *start = text; want == A6_OK;) {
        const char *comma = strchr(start, ',');
        const char *end = comma ? comma : start + strlen(start);
        ledger_range_t range;
        int part = reference_part(start, end, &range);
        if (part == 0)
            want = A6_CHECK_BLOCK_SPEC_INVALID;
        else if (expected_count == max)
            want = A6_CHECK_TOO_MANY_BLOCKS;
        else if (part == 2)
            want = A6_CHECK_BLOCK_SPEC_INVALID;
        else
            expected[expected_count++] = range;
        if (!comma) break;
        start = comma + 1;
    }
    a6_check_t check = ledger_ranges_parse(text, ranges, max, &count);
    if (check != want)
        fuzz_fail("ranges '%s' (max %zu): check %d, expected %d", text, max, check, want);
    if (check != A6_OK) return;
    if (count != expected_count)
        fuzz_fail("ranges '%s': %zu ranges, expected %zu", text, count, expected_count);
    for (size_t i = 0; i < count; i++)
        if (ranges[i].first != expected[i].first || ranges[i].last != expected[i].last ||
            ranges[i].first <= 0 || ranges[i].last < ranges[i].first ||
            ranges[i].last > LEDGER_SERIAL_MAX)
            fuzz_fail("ranges '%s': range %zu is %lld-%lld", text, i, (long long)ranges[i].first,
                      (long long)ranges[i].last);
}

static void op_quantity_parse(program_t *p)
{
    char text[TEXT_BYTES_MAX];
    next_text(p, text, sizeof text);
    uint64_t value = 0;
    a6_check_t want = text[0] ? A6_OK : A6_CHECK_QUANTITY_INVALID;
    for (const char *c = text; *c && want == A6_OK; c++) {
        if (*c < '0' || *c > '9')
            want = A6_CHECK_QUANTITY_INVALID;
        else if ((value = value * 10 + (uint64_t)(*c - '0')) > (uint64_t)LEDGER_QUANTITY_MAX)
            want = A6_CHECK_QUANTITY_OVERFLOW;
    }
    if (want == A6_OK && value == 0) want = A6_CHECK_QUANTITY_INVALID;
    int64_t parsed = -1;
    a6_check_t check = ledger_quantity_parse(text, &parsed);
    if (check != want) fuzz_fail("quantity '%s': check %d, expected %d", text, check, want);
    if (check == A6_OK ? parsed != (int64_t)value : parsed != -1)
        fuzz_fail("quantity '%s': parsed %lld", text, (long long)parsed);
}

/* ---- the serial map ---- */

/* Checks every invariant of the map and the units each account must hold. */
static void check_map(const model_t *m)
{
    int64_t totals[ACCOUNT_COUNT + 1] = {0}, all = 0;
    for (size_t i = 0; i < m->map.count; i++) {
        const ledger_block_t *b = &m->map.blocks[i];
        if (ledger_block_validate(b) != A6_OK || b->account_id < 1 || b->account_id > ACCOUNT_COUNT)
            fuzz_fail("map block %zu is %lld-%lld of account %lld", i, (long long)b->first,
                      (long long)b->last, (long long)b->account_id);
        if (i > 0 && m->map.blocks[i - 1].last >= b->first)
            fuzz_fail("map blocks %zu and %zu overlap or are out of order", i - 1, i);
        if (i > 0 && ledger_block_mergeable(&m->map.blocks[i - 1], b))
            fuzz_fail("map blocks %zu and %zu should have been merged", i - 1, i);
        totals[b->account_id] += ledger_block_quantity(b);
        all += ledger_block_quantity(b);
    }
    if (all != m->issued)
        fuzz_fail("the map holds %lld units, %lld were issued", (long long)all,
                  (long long)m->issued);
    for (int64_t a = 1; a <= ACCOUNT_COUNT; a++)
        if (totals[a] != m->held[a] || serial_map_account_total(&m->map, a) != m->held[a])
            fuzz_fail("account %lld holds %lld units, expected %lld", (long long)a,
                      (long long)totals[a], (long long)m->held[a]);
}

static void op_issue(program_t *p, model_t *m)
{
    uint8_t mode = next_byte(p);
    int64_t units = 1 + (int64_t)(next_bytes(p, 2) % ISSUE_QUANTITY_MAX);
    int64_t first;
    if (mode % 4 == 2) /* anywhere among the serials used so far: mostly overlaps */
        first = (int64_t)(next_bytes(p, 2) % (uint64_t)(m->next_serial + 10));
    else if (mode % 4 == 3) /* at the top of the serial space */
        first = LEDGER_SERIAL_MAX - (int64_t)(next_bytes(p, 2) % 2000);
    else
        first = m->next_serial + (mode >> 2) % 3;
    ledger_block_t block = {.issuance_id = 1 + next_byte(p) % 4,
                            .account_id = next_account(p),
                            .first = first,
                            .last = first + units - 1,
                            .vintage = 2020 + next_byte(p) % 3,
                            .unit_type = (ledger_unit_type_t)(1 + next_byte(p) % 3)};
    a6_check_t want = A6_OK;
    if (block.first <= 0 || block.last > LEDGER_SERIAL_MAX) want = A6_CHECK_BLOCK_INVALID;
    for (size_t i = 0; i < m->map.count && want == A6_OK; i++)
        if (m->map.blocks[i].first <= block.last && block.first <= m->map.blocks[i].last)
            want = A6_CHECK_BLOCK_OVERLAP;
    a6_check_t check = serial_map_issue(&m->map, &block);
    if (check != want)
        fuzz_fail("issue %lld-%lld: check %d, expected %d", (long long)block.first,
                  (long long)block.last, check, want);
    if (check != A6_OK) return;
    m->held[block.account_id] += units;
    m->issued += units;
    if (block.last < LEDGER_SERIAL_MAX / 2 && block.last + 1 > m->next_serial)
        m->next_serial = block.last + 1;
}

/* Moves [first, last] and checks the outcome against a linear search of the map. */
static a6_check_t move_checked(model_t *m, int64_t first, int64_t last, int64_t from, int64_t to)
{
    a6_check_t want = A6_CHECK_BLOCK_NOT_HELD;
    if (first <= 0 || last < first) want = A6_CHECK_BLOCK_INVALID;
    for (size_t i = 0; i < m->map.count && want == A6_CHECK_BLOCK_NOT_HELD; i++)
        if (m->map.blocks[i].account_id == from && contains(&m->map.blocks[i], first, last))
            want = A6_OK;
    a6_check_t check = serial_map_move(&m->map, first, last, from, to);
    if (check != want)
        fuzz_fail("move %lld-%lld from %lld: check %d, expected %d", (long long)first,
                  (long long)last, (long long)from, check, want);
    if (check == A6_OK) {
        m->held[from] -= range_units(first, last);
        m->held[to] += range_units(first, last);
    }
    return check;
}

/* A range around held block `block`: mostly inside it, sometimes one serial out. */
static ledger_range_t range_near(program_t *p, const ledger_block_t *block)
{
    int64_t units = ledger_block_quantity(block);
    int64_t offset = (int64_t)(next_bytes(p, 2) % (uint64_t)(units + 1)) - 1;
    int64_t span = (int64_t)(next_bytes(p, 2) % (uint64_t)(units + 1));
    ledger_range_t range = {.first = block->first + offset};
    range.last = range.first + span - (next_byte(p) % 8 == 0 ? span + 1 : 0);
    return range;
}

static void op_move(program_t *p, model_t *m)
{
    if (m->map.count == 0) return;
    const ledger_block_t block = m->map.blocks[next_bytes(p, 2) % m->map.count];
    ledger_range_t range = range_near(p, &block);
    int64_t from = next_byte(p) % 4 ? block.account_id : next_account(p);
    move_checked(m, range.first, range.last, from, next_account(p));
}

/* Copies the blocks account holds (in map order) into a new array; *count gets their number. */
static ledger_block_t *held_blocks(const model_t *m, int64_t account, size_t *count)
{
    ledger_block_t *held = malloc((m->map.count ? m->map.count : 1) * sizeof *held);
    if (!held) fuzz_fail("out of memory");
    *count = 0;
    for (size_t i = 0; i < m->map.count; i++)
        if (m->map.blocks[i].account_id == account) held[(*count)++] = m->map.blocks[i];
    return held;
}

/* What ledger_select_explicit must answer, computed the plain way. */
static a6_check_t explicit_expected(const ledger_block_t *held, size_t held_count,
                                    const ledger_range_t *ranges, size_t range_count)
{
    for (size_t r = 0; r < range_count; r++)
        if (ranges[r].first <= 0 || ranges[r].last < ranges[r].first ||
            ranges[r].last > LEDGER_SERIAL_MAX)
            return A6_CHECK_BLOCK_INVALID;
    for (size_t r = 0; r < range_count; r++)
        for (size_t s = r + 1; s < range_count; s++)
            if (ranges[r].first <= ranges[s].last && ranges[s].first <= ranges[r].last)
                return A6_CHECK_BLOCK_OVERLAP;
    int64_t total = 0;
    for (size_t r = 0; r < range_count; r++) {
        int inside = 0;
        for (size_t i = 0; i < held_count && !inside; i++)
            inside = contains(&held[i], ranges[r].first, ranges[r].last);
        if (!inside) return A6_CHECK_BLOCK_NOT_HELD;
        total += range_units(ranges[r].first, ranges[r].last);
        if (total > LEDGER_QUANTITY_MAX) return A6_CHECK_QUANTITY_OVERFLOW;
    }
    return A6_OK;
}

static void op_select_explicit(program_t *p, model_t *m)
{
    int64_t from = next_account(p), to = next_account(p);
    size_t held_count;
    ledger_block_t *held = held_blocks(m, from, &held_count);
    ledger_range_t ranges[RANGES_MAX];
    size_t range_count = 0;
    if (next_byte(p) % 2 == 0 || held_count == 0) {
        char text[TEXT_BYTES_MAX];
        next_text(p, text, sizeof text);
        if (ledger_ranges_parse(text, ranges, RANGES_MAX, &range_count) != A6_OK) range_count = 0;
    } else {
        range_count = 1 + next_byte(p) % RANGES_MAX;
        for (size_t r = 0; r < range_count; r++)
            ranges[r] = range_near(p, &held[next_byte(p) % held_count]);
    }
    if (range_count == 0) {
        free(held);
        return;
    }
    ledger_take_t takes[RANGES_MAX];
    int64_t quantity = -1;
    a6_check_t want = explicit_expected(held, held_count, ranges, range_count);
    a6_check_t check =
        ledger_select_explicit(held, held_count, ranges, range_count, takes, &quantity);
    if (check != want) fuzz_fail("explicit selection: check %d, expected %d", check, want);
    if (check == A6_OK) {
        int64_t total = 0;
        for (size_t r = 0; r < range_count; r++) {
            if (takes[r].index >= held_count || takes[r].first != ranges[r].first ||
                takes[r].last != ranges[r].last ||
                !contains(&held[takes[r].index], takes[r].first, takes[r].last))
                fuzz_fail("explicit selection: take %zu does not match its range", r);
            total += range_units(takes[r].first, takes[r].last);
        }
        if (total != quantity)
            fuzz_fail("explicit selection: quantity %lld, ranges hold %lld", (long long)quantity,
                      (long long)total);
        for (size_t r = 0; r < range_count; r++)
            if (move_checked(m, takes[r].first, takes[r].last, from, to) != A6_OK)
                fuzz_fail("explicit selection: take %zu cannot be moved", r);
    }
    free(held);
}

static int block_order(const void *a, const void *b)
{
    const ledger_block_t *x = a, *y = b;
    if (x->vintage != y->vintage) return (x->vintage > y->vintage) - (x->vintage < y->vintage);
    return (x->first > y->first) - (x->first < y->first);
}

static int filter_matches(const ledger_filter_t *filter, const ledger_block_t *block)
{
    return (!filter->vintage || filter->vintage == block->vintage) &&
           (filter->unit_type == LEDGER_UNIT_ANY || filter->unit_type == block->unit_type);
}

/* What ledger_select_oldest must answer: enough matching units within takes_max blocks. */
static a6_check_t oldest_expected(const ledger_block_t *held, size_t held_count, int64_t quantity,
                                  const ledger_filter_t *filter, size_t takes_max)
{
    a6_check_t check = ledger_quantity_check(quantity);
    if (check != A6_OK) return check;
    int64_t matched = 0;
    size_t matching = 0;
    for (size_t i = 0; i < held_count; i++) {
        if (!filter_matches(filter, &held[i])) continue;
        matching++;
        matched += ledger_block_quantity(&held[i]);
        if (matched >= quantity) return matching <= takes_max ? A6_OK : A6_CHECK_TOO_MANY_BLOCKS;
    }
    if (matching > takes_max) return A6_CHECK_TOO_MANY_BLOCKS;
    int filtered = filter->vintage || filter->unit_type != LEDGER_UNIT_ANY;
    if (matching == 0 && filtered && held_count > 0) return A6_CHECK_UNIT_TYPE_NOT_HELD;
    return A6_CHECK_INSUFFICIENT_HOLDINGS;
}

/* Takes must be whole matching blocks in order, the last one possibly cut, adding to quantity. */
static void check_oldest_takes(const ledger_block_t *held, size_t held_count, int64_t quantity,
                               const ledger_filter_t *filter, const ledger_take_t *takes,
                               size_t count)
{
    int64_t total = 0;
    size_t next = 0;
    for (size_t t = 0; t < count; t++) {
        while (next < held_count && !filter_matches(filter, &held[next]))
            next++;
        if (takes[t].index != next || next >= held_count)
            fuzz_fail("oldest selection: take %zu is not the next oldest matching block", t);
        const ledger_block_t *block = &held[next];
        if (takes[t].first != block->first || takes[t].last > block->last ||
            takes[t].last < takes[t].first || (t + 1 < count && takes[t].last != block->last))
            fuzz_fail("oldest selection: take %zu is not the next oldest matching block", t);
        total += range_units(takes[t].first, takes[t].last);
        next++;
    }
    if (total != quantity)
        fuzz_fail("oldest selection: takes hold %lld units, %lld asked", (long long)total,
                  (long long)quantity);
}

static void op_select_oldest(program_t *p, model_t *m)
{
    int64_t from = next_account(p), to = next_account(p);
    uint8_t v = next_byte(p) % 4, u = next_byte(p) % 4;
    ledger_filter_t filter = {.vintage = v ? 2019 + v : 0, .unit_type = (ledger_unit_type_t)u};
    size_t takes_max = 1 + next_byte(p) % TAKES_MAX;
    uint64_t raw = next_bytes(p, 3);
    int64_t quantity = (int64_t)(raw >> 2) % (m->held[from] + 3) - (raw & 1);
    if ((raw & 3) == 2) quantity = LEDGER_QUANTITY_MAX + (int64_t)(raw >> 2) % 2;
    size_t held_count;
    ledger_block_t *held = held_blocks(m, from, &held_count);
    qsort(held, held_count, sizeof *held, block_order);
    ledger_take_t takes[TAKES_MAX];
    size_t count = 0;
    a6_check_t want = oldest_expected(held, held_count, quantity, &filter, takes_max);
    a6_check_t check =
        ledger_select_oldest(held, held_count, quantity, &filter, takes, takes_max, &count);
    if (check != want)
        fuzz_fail("oldest selection of %lld: check %d, expected %d", (long long)quantity, check,
                  want);
    if (check == A6_OK) {
        if (count > takes_max) fuzz_fail("oldest selection: %zu takes > %zu", count, takes_max);
        check_oldest_takes(held, held_count, quantity, &filter, takes, count);
        for (size_t t = 0; t < count; t++)
            if (move_checked(m, takes[t].first, takes[t].last, from, to) != A6_OK)
                fuzz_fail("oldest selection: take %zu cannot be moved", t);
    }
    free(held);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    program_t program = {.data = data, .size = size};
    model_t m = {.next_serial = 1};
    serial_map_init(&m.map);
    for (size_t op = 0; op < OPERATIONS_MAX && program.size > 0; op++) {
        if (m.map.count >= MAP_BLOCKS_MAX) break;
        switch (next_byte(&program) % 6) {
        case 0:
            op_ranges_parse(&program);
            break;
        case 1:
            op_quantity_parse(&program);
            break;
        case 2:
            op_issue(&program, &m);
            break;
        case 3:
            op_move(&program, &m);
            break;
        case 4:
            op_select_explicit(&program, &m);
            break;
        default:
            op_select_oldest(&program, &m);
            break;
        }
        check_map(&m);
    }
    serial_map_release(&m.map);
    return 0;
}
