/* test_block.c: unit tests of core/block: quantities, carving, merging, selection, range specs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/block.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static ledger_block_t block_make(int64_t id, int64_t first, int64_t last, int32_t vintage,
                                 ledger_unit_type_t unit_type)
{
    return (ledger_block_t){.id = id,
                            .issuance_id = 7,
                            .account_id = 42,
                            .first = first,
                            .last = last,
                            .vintage = vintage,
                            .unit_type = unit_type};
}

/* Asserts every attribute but id and the range are those of `from`. */
static void assert_same_attributes(const ledger_block_t *a, const ledger_block_t *from)
{
    assert_int_equal(a->issuance_id, from->issuance_id);
    assert_int_equal(a->account_id, from->account_id);
    assert_int_equal(a->vintage, from->vintage);
    assert_int_equal(a->unit_type, from->unit_type);
}

/* ---- quantities ---- */

static void quantity_check_limits(void **state)
{
    assert_int_equal(ledger_quantity_check(0), A6_CHECK_QUANTITY_INVALID);
    assert_int_equal(ledger_quantity_check(-1), A6_CHECK_QUANTITY_INVALID);
    assert_int_equal(ledger_quantity_check(INT64_MIN), A6_CHECK_QUANTITY_INVALID);
    assert_int_equal(ledger_quantity_check(1), A6_OK);
    assert_int_equal(ledger_quantity_check(LEDGER_QUANTITY_MAX), A6_OK);
    assert_int_equal(ledger_quantity_check(INT64_C(1000000000000000)), A6_OK);
    assert_int_equal(ledger_quantity_check(INT64_C(1000000000000001)), A6_CHECK_QUANTITY_OVERFLOW);
    assert_int_equal(ledger_quantity_check(INT64_MAX), A6_CHECK_QUANTITY_OVERFLOW);
}

static void quantity_parse_good(void **state)
{
    int64_t out = -5;
    assert_int_equal(ledger_quantity_parse("1", &out), A6_OK);
    assert_int_equal(out, 1);
    assert_int_equal(ledger_quantity_parse("250", &out), A6_OK);
    assert_int_equal(out, 250);
    assert_int_equal(ledger_quantity_parse("007", &out), A6_OK);
    assert_int_equal(out, 7);
    assert_int_equal(ledger_quantity_parse("1000000000000000", &out), A6_OK);
    assert_int_equal(out, LEDGER_QUANTITY_MAX);
    assert_int_equal(ledger_quantity_parse("999999999999999", &out), A6_OK);
    assert_int_equal(out, LEDGER_QUANTITY_MAX - 1);
}

static void quantity_parse_bad(void **state)
{
    static const struct {
        const char *text;
        a6_check_t expected;
    } cases[] = {
        {"0", A6_CHECK_QUANTITY_INVALID},
        {"000", A6_CHECK_QUANTITY_INVALID},
        {"-1", A6_CHECK_QUANTITY_INVALID},
        {"+1", A6_CHECK_QUANTITY_INVALID},
        {"abc", A6_CHECK_QUANTITY_INVALID},
        {"12a", A6_CHECK_QUANTITY_INVALID},
        {"", A6_CHECK_QUANTITY_INVALID},
        {" 1", A6_CHECK_QUANTITY_INVALID},
        {"1 ", A6_CHECK_QUANTITY_INVALID},
        {"1.5", A6_CHECK_QUANTITY_INVALID},
        {"1e3", A6_CHECK_QUANTITY_INVALID},
        {"0x10", A6_CHECK_QUANTITY_INVALID},
        {"1000000000000001", A6_CHECK_QUANTITY_OVERFLOW},
        {"9223372036854775807", A6_CHECK_QUANTITY_OVERFLOW},
        {"9223372036854775808", A6_CHECK_QUANTITY_OVERFLOW},
        {"99999999999999999999999999", A6_CHECK_QUANTITY_OVERFLOW},
    };
    for (size_t i = 0; i < COUNT_OF(cases); i++) {
        int64_t out = -5;
        a6_check_t check = ledger_quantity_parse(cases[i].text, &out);
        if (check != cases[i].expected)
            fail_msg("quantity \"%s\": got %d, want %d", cases[i].text, check, cases[i].expected);
        assert_int_equal(out, -5); /* untouched on error */
    }
    int64_t out = -5;
    assert_int_equal(ledger_quantity_parse(NULL, &out), A6_CHECK_QUANTITY_INVALID);
    assert_int_equal(out, -5);
}

/* ---- vintages and unit types ---- */

static void vintage_check_limits(void **state)
{
    assert_int_equal(ledger_vintage_check(1989), A6_CHECK_VINTAGE_INVALID);
    assert_int_equal(ledger_vintage_check(1990), A6_OK);
    assert_int_equal(ledger_vintage_check(2024), A6_OK);
    assert_int_equal(ledger_vintage_check(2100), A6_OK);
    assert_int_equal(ledger_vintage_check(2101), A6_CHECK_VINTAGE_INVALID);
    assert_int_equal(ledger_vintage_check(0), A6_CHECK_VINTAGE_INVALID);
    assert_int_equal(ledger_vintage_check(-2024), A6_CHECK_VINTAGE_INVALID);
    assert_int_equal(ledger_vintage_check(INT64_MAX), A6_CHECK_VINTAGE_INVALID);
    assert_int_equal(ledger_vintage_check(INT64_MIN), A6_CHECK_VINTAGE_INVALID);
}

static void unit_type_parse_and_name(void **state)
{
    static const struct {
        const char *name;
        ledger_unit_type_t type;
    } good[] = {
        {"jcm-credit", LEDGER_UNIT_JCM_CREDIT},
        {"domestic-credit", LEDGER_UNIT_DOMESTIC_CREDIT},
        {"a64-er", LEDGER_UNIT_A64_ER},
    };
    for (size_t i = 0; i < COUNT_OF(good); i++) {
        ledger_unit_type_t out = LEDGER_UNIT_ANY;
        assert_int_equal(ledger_unit_type_parse(good[i].name, &out), A6_OK);
        assert_int_equal(out, good[i].type);
        assert_string_equal(ledger_unit_type_name(good[i].type), good[i].name);
    }
    static const char *const bad[] = {"any",         "",    "JCM-CREDIT", "jcm-credit ",
                                      " jcm-credit", "jcm", "unknown",    "a64-er\n"};
    for (size_t i = 0; i < COUNT_OF(bad); i++) {
        ledger_unit_type_t out = LEDGER_UNIT_A64_ER;
        if (ledger_unit_type_parse(bad[i], &out) != A6_CHECK_UNIT_TYPE_INVALID)
            fail_msg("unit type \"%s\" accepted", bad[i]);
        assert_int_equal(out, LEDGER_UNIT_A64_ER);
    }
    ledger_unit_type_t out = LEDGER_UNIT_ANY;
    assert_int_equal(ledger_unit_type_parse(NULL, &out), A6_CHECK_UNIT_TYPE_INVALID);
    assert_string_equal(ledger_unit_type_name(LEDGER_UNIT_ANY), "any");
    assert_string_equal(ledger_unit_type_name((ledger_unit_type_t)4), "unknown");
    assert_string_equal(ledger_unit_type_name((ledger_unit_type_t)99), "unknown");
}

/* ---- block validation and quantity ---- */

static void block_validate_and_quantity(void **state)
{
    ledger_block_t b = block_make(1, 1, 1, 2020, LEDGER_UNIT_JCM_CREDIT);
    assert_int_equal(ledger_block_validate(&b), A6_OK);
    assert_int_equal(ledger_block_quantity(&b), 1);
    b = block_make(1, 10, 19, 2020, LEDGER_UNIT_JCM_CREDIT);
    assert_int_equal(ledger_block_validate(&b), A6_OK);
    assert_int_equal(ledger_block_quantity(&b), 10);
    b = block_make(1, 1, LEDGER_SERIAL_MAX, 2020, LEDGER_UNIT_JCM_CREDIT);
    assert_int_equal(ledger_block_validate(&b), A6_OK);
    assert_int_equal(ledger_block_quantity(&b), LEDGER_SERIAL_MAX);

    static const int64_t bad[][2] = {
        {0, 5}, {-3, 5}, {5, 4}, {0, 0}, {1, LEDGER_SERIAL_MAX + 1}, {INT64_MIN, INT64_MAX},
    };
    for (size_t i = 0; i < COUNT_OF(bad); i++) {
        b = block_make(1, bad[i][0], bad[i][1], 2020, LEDGER_UNIT_JCM_CREDIT);
        if (ledger_block_validate(&b) != A6_CHECK_BLOCK_INVALID)
            fail_msg("block [%lld, %lld] accepted", (long long)bad[i][0], (long long)bad[i][1]);
    }
}

/* ---- carving ---- */

static void carve_head(void **state)
{
    const ledger_block_t block = block_make(9, 100, 199, 2021, LEDGER_UNIT_A64_ER);
    ledger_block_t moved, before, after;
    bool has_before = true, has_after = false;
    assert_int_equal(
        ledger_block_carve(&block, 100, 129, &moved, &before, &has_before, &after, &has_after),
        A6_OK);
    assert_false(has_before);
    assert_true(has_after);
    assert_int_equal(moved.first, 100);
    assert_int_equal(moved.last, 129);
    assert_int_equal(moved.id, 0);
    assert_same_attributes(&moved, &block);
    assert_int_equal(after.first, 130);
    assert_int_equal(after.last, 199);
    assert_int_equal(after.id, 9); /* no before: the remainder after keeps the id */
    assert_same_attributes(&after, &block);
}

static void carve_tail(void **state)
{
    const ledger_block_t block = block_make(9, 100, 199, 2021, LEDGER_UNIT_A64_ER);
    ledger_block_t moved, before, after;
    bool has_before = false, has_after = true;
    assert_int_equal(
        ledger_block_carve(&block, 150, 199, &moved, &before, &has_before, &after, &has_after),
        A6_OK);
    assert_true(has_before);
    assert_false(has_after);
    assert_int_equal(moved.first, 150);
    assert_int_equal(moved.last, 199);
    assert_int_equal(moved.id, 0);
    assert_same_attributes(&moved, &block);
    assert_int_equal(before.first, 100);
    assert_int_equal(before.last, 149);
    assert_int_equal(before.id, 9);
    assert_same_attributes(&before, &block);
}

static void carve_middle(void **state)
{
    const ledger_block_t block = block_make(9, 100, 199, 2021, LEDGER_UNIT_A64_ER);
    ledger_block_t moved, before, after;
    bool has_before = false, has_after = false;
    assert_int_equal(
        ledger_block_carve(&block, 120, 120, &moved, &before, &has_before, &after, &has_after),
        A6_OK);
    assert_true(has_before);
    assert_true(has_after);
    assert_int_equal(moved.first, 120);
    assert_int_equal(moved.last, 120);
    assert_int_equal(moved.id, 0);
    assert_int_equal(before.first, 100);
    assert_int_equal(before.last, 119);
    assert_int_equal(before.id, 9); /* only *before keeps the id */
    assert_int_equal(after.first, 121);
    assert_int_equal(after.last, 199);
    assert_int_equal(after.id, 0);
    assert_same_attributes(&moved, &block);
    assert_same_attributes(&before, &block);
    assert_same_attributes(&after, &block);
    /* the three parts cover the block exactly */
    assert_int_equal(ledger_block_quantity(&before) + ledger_block_quantity(&moved) +
                         ledger_block_quantity(&after),
                     ledger_block_quantity(&block));
}

static void carve_whole(void **state)
{
    const ledger_block_t block = block_make(9, 100, 199, 2021, LEDGER_UNIT_A64_ER);
    ledger_block_t moved, before, after;
    bool has_before = true, has_after = true;
    assert_int_equal(
        ledger_block_carve(&block, 100, 199, &moved, &before, &has_before, &after, &has_after),
        A6_OK);
    assert_false(has_before);
    assert_false(has_after);
    assert_int_equal(moved.id, 9);
    assert_int_equal(moved.first, 100);
    assert_int_equal(moved.last, 199);
    assert_same_attributes(&moved, &block);

    const ledger_block_t single = block_make(3, 5, 5, 2021, LEDGER_UNIT_A64_ER);
    assert_int_equal(
        ledger_block_carve(&single, 5, 5, &moved, &before, &has_before, &after, &has_after), A6_OK);
    assert_false(has_before);
    assert_false(has_after);
    assert_int_equal(moved.id, 3);
}

static void carve_outside(void **state)
{
    const ledger_block_t block = block_make(9, 100, 199, 2021, LEDGER_UNIT_A64_ER);
    static const int64_t outside[][2] = {
        {99, 150}, {150, 200}, {99, 200}, {1, 99}, {200, 300}, {1, 50}, {99, 99}, {200, 200},
    };
    for (size_t i = 0; i < COUNT_OF(outside); i++) {
        ledger_block_t moved, before, after;
        bool has_before, has_after;
        a6_check_t check = ledger_block_carve(&block, outside[i][0], outside[i][1], &moved, &before,
                                              &has_before, &after, &has_after);
        if (check != A6_CHECK_BLOCK_NOT_HELD)
            fail_msg("carve [%lld, %lld] of [100, 199]: got %d", (long long)outside[i][0],
                     (long long)outside[i][1], check);
    }
    ledger_block_t moved, before, after;
    bool has_before, has_after;
    assert_int_equal(
        ledger_block_carve(&block, 150, 149, &moved, &before, &has_before, &after, &has_after),
        A6_CHECK_BLOCK_INVALID);
}

/* ---- merging ---- */

static void mergeable_rules(void **state)
{
    const ledger_block_t a = block_make(1, 1, 10, 2020, LEDGER_UNIT_JCM_CREDIT);
    ledger_block_t b = block_make(2, 11, 20, 2020, LEDGER_UNIT_JCM_CREDIT);
    assert_true(ledger_block_mergeable(&a, &b));
    assert_false(ledger_block_mergeable(&b, &a)); /* order matters: b must follow a */

    b.first = 12; /* gap */
    assert_false(ledger_block_mergeable(&a, &b));
    b.first = 10; /* overlap */
    assert_false(ledger_block_mergeable(&a, &b));
    b.first = 11;

    ledger_block_t c = b;
    c.issuance_id++;
    assert_false(ledger_block_mergeable(&a, &c));
    c = b;
    c.account_id++;
    assert_false(ledger_block_mergeable(&a, &c));
    c = b;
    c.vintage++;
    assert_false(ledger_block_mergeable(&a, &c));
    c = b;
    c.unit_type = LEDGER_UNIT_A64_ER;
    assert_false(ledger_block_mergeable(&a, &c));
    c = b;
    c.id = 12345; /* store ids do not matter */
    assert_true(ledger_block_mergeable(&a, &c));
}

/* ---- selection, oldest vintage first ---- */

/* Held blocks sorted by vintage then first serial. */
static const ledger_block_t held_sorted[] = {
    {.id = 1,
     .issuance_id = 1,
     .account_id = 5,
     .first = 500,
     .last = 509,
     .vintage = 2015,
     .unit_type = LEDGER_UNIT_JCM_CREDIT},
    {.id = 2,
     .issuance_id = 2,
     .account_id = 5,
     .first = 100,
     .last = 119,
     .vintage = 2016,
     .unit_type = LEDGER_UNIT_DOMESTIC_CREDIT},
    {.id = 3,
     .issuance_id = 3,
     .account_id = 5,
     .first = 300,
     .last = 304,
     .vintage = 2016,
     .unit_type = LEDGER_UNIT_JCM_CREDIT},
    {.id = 4,
     .issuance_id = 4,
     .account_id = 5,
     .first = 1,
     .last = 50,
     .vintage = 2020,
     .unit_type = LEDGER_UNIT_JCM_CREDIT},
};

static void assert_take(const ledger_take_t *take, size_t index, int64_t first, int64_t last)
{
    assert_int_equal(take->index, index);
    assert_int_equal(take->first, first);
    assert_int_equal(take->last, last);
}

static void select_oldest_first(void **state)
{
    ledger_take_t takes[8];
    size_t count = 99;
    assert_int_equal(
        ledger_select_oldest(held_sorted, COUNT_OF(held_sorted), 4, NULL, takes, 8, &count), A6_OK);
    assert_int_equal(count, 1);
    assert_take(&takes[0], 0, 500, 503);

    /* exactly the oldest block */
    assert_int_equal(
        ledger_select_oldest(held_sorted, COUNT_OF(held_sorted), 10, NULL, takes, 8, &count),
        A6_OK);
    assert_int_equal(count, 1);
    assert_take(&takes[0], 0, 500, 509);

    /* spills into the next vintage, in order */
    assert_int_equal(
        ledger_select_oldest(held_sorted, COUNT_OF(held_sorted), 33, NULL, takes, 8, &count),
        A6_OK);
    assert_int_equal(count, 3);
    assert_take(&takes[0], 0, 500, 509);
    assert_take(&takes[1], 1, 100, 119);
    assert_take(&takes[2], 2, 300, 302);

    /* everything */
    assert_int_equal(
        ledger_select_oldest(held_sorted, COUNT_OF(held_sorted), 85, NULL, takes, 8, &count),
        A6_OK);
    assert_int_equal(count, 4);
    assert_take(&takes[3], 3, 1, 50);
    int64_t sum = 0;
    for (size_t i = 0; i < count; i++)
        sum += takes[i].last - takes[i].first + 1;
    assert_int_equal(sum, 85);
}

static void select_oldest_filters(void **state)
{
    ledger_take_t takes[8];
    size_t count = 99;
    ledger_filter_t filter = {.vintage = 2016, .unit_type = LEDGER_UNIT_ANY};
    assert_int_equal(
        ledger_select_oldest(held_sorted, COUNT_OF(held_sorted), 22, &filter, takes, 8, &count),
        A6_OK);
    assert_int_equal(count, 2);
    assert_take(&takes[0], 1, 100, 119);
    assert_take(&takes[1], 2, 300, 301);

    filter = (ledger_filter_t){.vintage = 0, .unit_type = LEDGER_UNIT_JCM_CREDIT};
    assert_int_equal(
        ledger_select_oldest(held_sorted, COUNT_OF(held_sorted), 20, &filter, takes, 8, &count),
        A6_OK);
    assert_int_equal(count, 3);
    assert_take(&takes[0], 0, 500, 509);
    assert_take(&takes[1], 2, 300, 304);
    assert_take(&takes[2], 3, 1, 5);

    filter = (ledger_filter_t){.vintage = 2016, .unit_type = LEDGER_UNIT_JCM_CREDIT};
    assert_int_equal(
        ledger_select_oldest(held_sorted, COUNT_OF(held_sorted), 5, &filter, takes, 8, &count),
        A6_OK);
    assert_int_equal(count, 1);
    assert_take(&takes[0], 2, 300, 304);

    /* a zero filter means "any" */
    filter = (ledger_filter_t){0};
    assert_int_equal(
        ledger_select_oldest(held_sorted, COUNT_OF(held_sorted), 85, &filter, takes, 8, &count),
        A6_OK);
    assert_int_equal(count, 4);
}

static void select_oldest_insufficient(void **state)
{
    ledger_take_t takes[8];
    size_t count = 99;
    assert_int_equal(
        ledger_select_oldest(held_sorted, COUNT_OF(held_sorted), 86, NULL, takes, 8, &count),
        A6_CHECK_INSUFFICIENT_HOLDINGS);
    assert_int_equal(count, 99); /* untouched on error */
    ledger_filter_t filter = {.vintage = 2016, .unit_type = LEDGER_UNIT_ANY};
    assert_int_equal(
        ledger_select_oldest(held_sorted, COUNT_OF(held_sorted), 26, &filter, takes, 8, &count),
        A6_CHECK_INSUFFICIENT_HOLDINGS);
    filter = (ledger_filter_t){.unit_type = LEDGER_UNIT_DOMESTIC_CREDIT};
    assert_int_equal(
        ledger_select_oldest(held_sorted, COUNT_OF(held_sorted), 21, &filter, takes, 8, &count),
        A6_CHECK_INSUFFICIENT_HOLDINGS);
}

static void select_oldest_nothing_matching(void **state)
{
    ledger_take_t takes[8];
    size_t count = 99;
    ledger_filter_t filter = {.vintage = 2017, .unit_type = LEDGER_UNIT_ANY};
    assert_int_equal(
        ledger_select_oldest(held_sorted, COUNT_OF(held_sorted), 1, &filter, takes, 8, &count),
        A6_CHECK_UNIT_TYPE_NOT_HELD);
    filter = (ledger_filter_t){.unit_type = LEDGER_UNIT_A64_ER};
    assert_int_equal(
        ledger_select_oldest(held_sorted, COUNT_OF(held_sorted), 1, &filter, takes, 8, &count),
        A6_CHECK_UNIT_TYPE_NOT_HELD);
    filter = (ledger_filter_t){.vintage = 2020, .unit_type = LEDGER_UNIT_DOMESTIC_CREDIT};
    assert_int_equal(
        ledger_select_oldest(held_sorted, COUNT_OF(held_sorted), 1, &filter, takes, 8, &count),
        A6_CHECK_UNIT_TYPE_NOT_HELD);
    assert_int_equal(count, 99);
}

/* An empty account lacks units; it is not a filter mismatch. */
static void select_oldest_nothing_held(void **state)
{
    ledger_take_t takes[8];
    size_t count = 99;
    assert_int_equal(ledger_select_oldest(held_sorted, 0, 1, NULL, takes, 8, &count),
                     A6_CHECK_INSUFFICIENT_HOLDINGS);
    ledger_filter_t filter = {0};
    assert_int_equal(ledger_select_oldest(held_sorted, 0, 1, &filter, takes, 8, &count),
                     A6_CHECK_INSUFFICIENT_HOLDINGS);
    filter = (ledger_filter_t){.vintage = 2016, .unit_type = LEDGER_UNIT_JCM_CREDIT};
    assert_int_equal(ledger_select_oldest(held_sorted, 0, 1, &filter, takes, 8, &count),
                     A6_CHECK_INSUFFICIENT_HOLDINGS);
    assert_int_equal(count, 99);
}

static void select_oldest_too_many_blocks(void **state)
{
    ledger_take_t takes[8];
    size_t count = 99;
    assert_int_equal(
        ledger_select_oldest(held_sorted, COUNT_OF(held_sorted), 33, NULL, takes, 2, &count),
        A6_CHECK_TOO_MANY_BLOCKS);
    assert_int_equal(
        ledger_select_oldest(held_sorted, COUNT_OF(held_sorted), 1, NULL, takes, 0, &count),
        A6_CHECK_TOO_MANY_BLOCKS);
    assert_int_equal(count, 99);
    /* exactly enough room */
    assert_int_equal(
        ledger_select_oldest(held_sorted, COUNT_OF(held_sorted), 33, NULL, takes, 3, &count),
        A6_OK);
    assert_int_equal(count, 3);
}

static void select_oldest_bad_quantity(void **state)
{
    ledger_take_t takes[8];
    size_t count = 99;
    assert_int_equal(
        ledger_select_oldest(held_sorted, COUNT_OF(held_sorted), 0, NULL, takes, 8, &count),
        A6_CHECK_QUANTITY_INVALID);
    assert_int_equal(
        ledger_select_oldest(held_sorted, COUNT_OF(held_sorted), -4, NULL, takes, 8, &count),
        A6_CHECK_QUANTITY_INVALID);
    assert_int_equal(ledger_select_oldest(held_sorted, COUNT_OF(held_sorted),
                                          LEDGER_QUANTITY_MAX + 1, NULL, takes, 8, &count),
                     A6_CHECK_QUANTITY_OVERFLOW);
}

/* ---- selection, explicit ranges ---- */

/* Held blocks in serial order; 100-199 and 200-299 are adjacent but separate blocks. */
static const ledger_block_t held_serial[] = {
    {.id = 1,
     .issuance_id = 1,
     .account_id = 5,
     .first = 100,
     .last = 199,
     .vintage = 2020,
     .unit_type = LEDGER_UNIT_JCM_CREDIT},
    {.id = 2,
     .issuance_id = 2,
     .account_id = 5,
     .first = 200,
     .last = 299,
     .vintage = 2020,
     .unit_type = LEDGER_UNIT_JCM_CREDIT},
    {.id = 3,
     .issuance_id = 3,
     .account_id = 5,
     .first = 1000,
     .last = 1000,
     .vintage = 2021,
     .unit_type = LEDGER_UNIT_A64_ER},
};

static void select_explicit_inside(void **state)
{
    ledger_take_t takes[4];
    int64_t quantity = -1;
    const ledger_range_t one[] = {{120, 129}};
    assert_int_equal(
        ledger_select_explicit(held_serial, COUNT_OF(held_serial), one, 1, takes, &quantity),
        A6_OK);
    assert_int_equal(quantity, 10);
    assert_take(&takes[0], 0, 120, 129);

    const ledger_range_t several[] = {{1000, 1000}, {250, 299}, {100, 100}, {101, 199}};
    assert_int_equal(ledger_select_explicit(held_serial, COUNT_OF(held_serial), several,
                                            COUNT_OF(several), takes, &quantity),
                     A6_OK);
    assert_int_equal(quantity, 1 + 50 + 1 + 99);
    assert_take(&takes[0], 2, 1000, 1000); /* takes follow the order of the ranges */
    assert_take(&takes[1], 1, 250, 299);
    assert_take(&takes[2], 0, 100, 100);
    assert_take(&takes[3], 0, 101, 199);
}

static void select_explicit_spanning_two_blocks(void **state)
{
    ledger_take_t takes[4];
    int64_t quantity = -1;
    const ledger_range_t span[] = {{150, 250}};
    assert_int_equal(
        ledger_select_explicit(held_serial, COUNT_OF(held_serial), span, 1, takes, &quantity),
        A6_CHECK_BLOCK_NOT_HELD);
    const ledger_range_t edge[] = {{199, 200}};
    assert_int_equal(
        ledger_select_explicit(held_serial, COUNT_OF(held_serial), edge, 1, takes, &quantity),
        A6_CHECK_BLOCK_NOT_HELD);
    const ledger_range_t outside[] = {{300, 300}};
    assert_int_equal(
        ledger_select_explicit(held_serial, COUNT_OF(held_serial), outside, 1, takes, &quantity),
        A6_CHECK_BLOCK_NOT_HELD);
    const ledger_range_t before[] = {{99, 100}};
    assert_int_equal(
        ledger_select_explicit(held_serial, COUNT_OF(held_serial), before, 1, takes, &quantity),
        A6_CHECK_BLOCK_NOT_HELD);
    const ledger_range_t gap[] = {{999, 1000}};
    assert_int_equal(
        ledger_select_explicit(held_serial, COUNT_OF(held_serial), gap, 1, takes, &quantity),
        A6_CHECK_BLOCK_NOT_HELD);
    /* one good range does not excuse a bad one */
    const ledger_range_t mixed[] = {{100, 110}, {1000, 1001}};
    assert_int_equal(
        ledger_select_explicit(held_serial, COUNT_OF(held_serial), mixed, 2, takes, &quantity),
        A6_CHECK_BLOCK_NOT_HELD);
    assert_int_equal(quantity, -1);
}

static void select_explicit_overlap(void **state)
{
    ledger_take_t takes[4];
    int64_t quantity = -1;
    const ledger_range_t same[] = {{120, 129}, {120, 129}};
    assert_int_equal(
        ledger_select_explicit(held_serial, COUNT_OF(held_serial), same, 2, takes, &quantity),
        A6_CHECK_BLOCK_OVERLAP);
    const ledger_range_t touching[] = {{120, 129}, {129, 140}};
    assert_int_equal(
        ledger_select_explicit(held_serial, COUNT_OF(held_serial), touching, 2, takes, &quantity),
        A6_CHECK_BLOCK_OVERLAP);
    const ledger_range_t unsorted[] = {{150, 160}, {1000, 1000}, {100, 150}};
    assert_int_equal(
        ledger_select_explicit(held_serial, COUNT_OF(held_serial), unsorted, 3, takes, &quantity),
        A6_CHECK_BLOCK_OVERLAP);
    /* overlap only between non-neighbours once sorted */
    const ledger_range_t nested[] = {{100, 199}, {110, 111}, {150, 151}};
    assert_int_equal(
        ledger_select_explicit(held_serial, COUNT_OF(held_serial), nested, 3, takes, &quantity),
        A6_CHECK_BLOCK_OVERLAP);
    assert_int_equal(quantity, -1);
    /* adjacent is not overlapping */
    const ledger_range_t adjacent[] = {{120, 129}, {130, 140}};
    assert_int_equal(
        ledger_select_explicit(held_serial, COUNT_OF(held_serial), adjacent, 2, takes, &quantity),
        A6_OK);
    assert_int_equal(quantity, 21);
}

static void select_explicit_invalid_range(void **state)
{
    ledger_take_t takes[4];
    int64_t quantity = -1;
    static const ledger_range_t bad[] = {
        {0, 5}, {-5, 5}, {130, 120}, {0, 0}, {1, LEDGER_SERIAL_MAX + 1},
    };
    for (size_t i = 0; i < COUNT_OF(bad); i++) {
        a6_check_t check = ledger_select_explicit(held_serial, COUNT_OF(held_serial), &bad[i], 1,
                                                  takes, &quantity);
        if (check != A6_CHECK_BLOCK_INVALID)
            fail_msg("range [%lld, %lld]: got %d", (long long)bad[i].first, (long long)bad[i].last,
                     check);
    }
    assert_int_equal(
        ledger_select_explicit(held_serial, COUNT_OF(held_serial), bad, 0, takes, &quantity),
        A6_CHECK_BLOCK_SPEC_INVALID);
    assert_int_equal(ledger_select_explicit(held_serial, COUNT_OF(held_serial), bad,
                                            LEDGER_BLOCKS_PER_TX_MAX + 1, takes, &quantity),
                     A6_CHECK_TOO_MANY_BLOCKS);
    assert_int_equal(quantity, -1);
}

/* ---- range specs ---- */

static void ranges_parse_good(void **state)
{
    ledger_range_t ranges[8];
    size_t count = 99;
    assert_int_equal(ledger_ranges_parse("1-100,250-300,400", ranges, 8, &count), A6_OK);
    assert_int_equal(count, 3);
    assert_int_equal(ranges[0].first, 1);
    assert_int_equal(ranges[0].last, 100);
    assert_int_equal(ranges[1].first, 250);
    assert_int_equal(ranges[1].last, 300);
    assert_int_equal(ranges[2].first, 400);
    assert_int_equal(ranges[2].last, 400);

    assert_int_equal(ledger_ranges_parse("7", ranges, 8, &count), A6_OK);
    assert_int_equal(count, 1);
    assert_int_equal(ranges[0].first, 7);
    assert_int_equal(ranges[0].last, 7);

    assert_int_equal(ledger_ranges_parse("5-5", ranges, 8, &count), A6_OK);
    assert_int_equal(count, 1);
    assert_int_equal(ranges[0].first, 5);
    assert_int_equal(ranges[0].last, 5);

    assert_int_equal(ledger_ranges_parse("007-010", ranges, 8, &count), A6_OK);
    assert_int_equal(ranges[0].first, 7);
    assert_int_equal(ranges[0].last, 10);

    /* the largest serial */
    assert_int_equal(ledger_ranges_parse("1-4611686018427387903", ranges, 8, &count), A6_OK);
    assert_int_equal(ranges[0].last, LEDGER_SERIAL_MAX);

    /* exactly ranges_max ranges */
    assert_int_equal(ledger_ranges_parse("1,2,3", ranges, 3, &count), A6_OK);
    assert_int_equal(count, 3);
}

static void ranges_parse_malformed(void **state)
{
    static const char *const bad[] = {
        "",
        "-",
        ",",
        "1-",
        "-1",
        "1--2",
        "1-2-3",
        "1,",
        ",1",
        "1,,2",
        "0",
        "0-5",
        "5-0",
        "5-3",
        " 1",
        "1 ",
        "1 -2",
        "1- 2",
        "1, 2",
        "a",
        "1-b",
        "1;2",
        "+1",
        "1-+2",
        "1.5",
        "1-2\n",
        "4611686018427387904",
        "1-9223372036854775808",
        "99999999999999999999",
    };
    for (size_t i = 0; i < COUNT_OF(bad); i++) {
        ledger_range_t ranges[8];
        size_t count = 99;
        a6_check_t check = ledger_ranges_parse(bad[i], ranges, 8, &count);
        if (check != A6_CHECK_BLOCK_SPEC_INVALID)
            fail_msg("ranges \"%s\": got %d, want %d", bad[i], check, A6_CHECK_BLOCK_SPEC_INVALID);
        assert_int_equal(count, 99);
    }
    ledger_range_t ranges[8];
    size_t count = 99;
    assert_int_equal(ledger_ranges_parse(NULL, ranges, 8, &count), A6_CHECK_BLOCK_SPEC_INVALID);
    assert_int_equal(ledger_ranges_parse("1,2,3,4", ranges, 3, &count), A6_CHECK_TOO_MANY_BLOCKS);
    assert_int_equal(ledger_ranges_parse("1", ranges, 0, &count), A6_CHECK_TOO_MANY_BLOCKS);
    assert_int_equal(count, 99);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quantity_check_limits),
        cmocka_unit_test(quantity_parse_good),
        cmocka_unit_test(quantity_parse_bad),
        cmocka_unit_test(vintage_check_limits),
        cmocka_unit_test(unit_type_parse_and_name),
        cmocka_unit_test(block_validate_and_quantity),
        cmocka_unit_test(carve_head),
        cmocka_unit_test(carve_tail),
        cmocka_unit_test(carve_middle),
        cmocka_unit_test(carve_whole),
        cmocka_unit_test(carve_outside),
        cmocka_unit_test(mergeable_rules),
        cmocka_unit_test(select_oldest_first),
        cmocka_unit_test(select_oldest_filters),
        cmocka_unit_test(select_oldest_insufficient),
        cmocka_unit_test(select_oldest_nothing_matching),
        cmocka_unit_test(select_oldest_nothing_held),
        cmocka_unit_test(select_oldest_too_many_blocks),
        cmocka_unit_test(select_oldest_bad_quantity),
        cmocka_unit_test(select_explicit_inside),
        cmocka_unit_test(select_explicit_spanning_two_blocks),
        cmocka_unit_test(select_explicit_overlap),
        cmocka_unit_test(select_explicit_invalid_range),
        cmocka_unit_test(ranges_parse_good),
        cmocka_unit_test(ranges_parse_malformed),
    };
    /* clang-format on */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
