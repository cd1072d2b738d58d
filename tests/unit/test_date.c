/* test_date.c: unit tests of core/date: strict parsing, formatting round trips over 1900..2200,
 * day arithmetic and years. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/date.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Days in a month, written out independently of date.c. */
static int test_days_in_month(int year, int month)
{
    static const int days[] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month];
}

static void parse_good(void **state)
{
    static const struct {
        const char *text;
        a6_date_t days;
    } good[] = {
        {"1970-01-01", 0},      {"1970-01-02", 1},     {"1969-12-31", -1},
        {"2000-01-01", 10957},  {"2000-03-01", 11017}, {"2024-02-29", 19782},
        {"1900-01-01", -25567}, {"2200-12-31", 84370}, {"2019-06-30", 18077},
        {"2024-10-31", 20027},  {"2017-10-10", 17449}, {"1900-02-28", -25509},
        {"2000-02-29", 11016},  {"2100-02-28", 47540},
    };
    for (size_t i = 0; i < COUNT_OF(good); i++) {
        a6_date_t out = A6_DATE_NONE;
        if (a6_date_parse(good[i].text, &out) != A6_OK) fail_msg("\"%s\" rejected", good[i].text);
        if (out != good[i].days)
            fail_msg("\"%s\": got %d days, want %d", good[i].text, out, good[i].days);
    }
}

static void parse_bad(void **state)
{
    static const char *const bad[] = {
        "2023-02-29",  /* not a leap year */
        "1900-02-29",  /* divisible by 100, not by 400 */
        "2100-02-29",  /* same */
        "2024-1-01",   /* short month */
        "2024-01-1",   /* short day */
        " 2024-01-01", /* leading space */
        "2024-01-01 ", /* trailing space */
        "2024-01-01\n",
        "2024-01-01T00:00:00Z",
        "2024-13-01",
        "2024-00-10",
        "2024-01-00",
        "2024-01-32",
        "2024-04-31",
        "2024-06-31",
        "2024-09-31",
        "2024-11-31",
        "2024-02-30",
        "abcd-ef-gh",
        "",
        "2024",
        "2024-01",
        "2024-01-0",
        "2024/01/01",
        "2024-01_01",
        "20240101",
        "+2024-01-01",
        "-024-01-01",
        "2024-+1-01",
        "2024- 1-01",
        "2024-01- 1",
        "1899-12-31", /* years 1900..2200 only */
        "2201-01-01",
        "0000-01-01",
        "9999-12-31",
        "2024-01-0a",
        "2O24-01-01",
        "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x94-01-01", /* fullwidth digits */
    };
    for (size_t i = 0; i < COUNT_OF(bad); i++) {
        a6_date_t out = 12345;
        if (a6_date_parse(bad[i], &out) != A6_CHECK_DATE_INVALID)
            fail_msg("\"%s\" accepted", bad[i]);
        if (out != 12345) fail_msg("\"%s\": out written on failure", bad[i]);
    }
    a6_date_t out = 12345;
    assert_int_equal(a6_date_parse(NULL, &out), A6_CHECK_DATE_INVALID);
    assert_int_equal(out, 12345);
    /* a terminator inside the 10 characters stops the parse; nothing after it is read */
    const char embedded[] = "2024-01\0-01";
    assert_int_equal(a6_date_parse(embedded, &out), A6_CHECK_DATE_INVALID);
}

/* Every day from 1900-01-01 to 2200-12-31: consecutive day numbers, format, parse back, year. */
static void round_trip_every_day(void **state)
{
    a6_date_t expected = a6_date_from_civil(1900, 1, 1);
    assert_int_equal(expected, -25567);
    size_t days = 0;
    for (int year = 1900; year <= 2200; year++) {
        for (int month = 1; month <= 12; month++) {
            for (int day = 1; day <= test_days_in_month(year, month); day++) {
                a6_date_t date = a6_date_from_civil(year, month, day);
                if (date != expected)
                    fail_msg("%04d-%02d-%02d: got %d, want %d", year, month, day, date, expected);
                char want[32], text[A6_DATE_TEXT_SIZE];
                snprintf(want, sizeof want, "%04d-%02d-%02d", year, month, day);
                a6_date_format(date, text);
                if (strcmp(text, want) != 0)
                    fail_msg("%d: got \"%s\", want \"%s\"", date, text, want);
                a6_date_t parsed = A6_DATE_NONE;
                if (a6_date_parse(text, &parsed) != A6_OK || parsed != date)
                    fail_msg("\"%s\" does not parse back to %d", text, date);
                if (a6_date_year(date) != year)
                    fail_msg("%s: year %d, want %d", text, a6_date_year(date), year);
                expected++;
                days++;
            }
        }
    }
    /* 301 years, 73 of them leap (1904..2196 every 4 years, less 2100) */
    assert_int_equal(days, 301 * 365 + 73);
    assert_int_equal(expected - 1, a6_date_from_civil(2200, 12, 31));
}

static void format_none_and_edges(void **state)
{
    char text[A6_DATE_TEXT_SIZE];
    memset(text, 'x', sizeof text);
    a6_date_format(A6_DATE_NONE, text);
    assert_string_equal(text, "");
    a6_date_format(0, text);
    assert_string_equal(text, "1970-01-01");
    a6_date_format(-1, text);
    assert_string_equal(text, "1969-12-31");
    /* outside the parse range the arithmetic still holds */
    a6_date_format(a6_date_from_civil(1600, 3, 1), text);
    assert_string_equal(text, "1600-03-01");
    a6_date_format(a6_date_from_civil(9999, 12, 31), text);
    assert_string_equal(text, "9999-12-31");
    /* never more than 10 characters, whatever the day number */
    a6_date_format(INT32_MAX, text);
    assert_int_equal(strlen(text), 10);
    a6_date_format(INT32_MIN + 1, text);
    assert_int_equal(strlen(text), 10);
}

static void days_between(void **state)
{
    a6_date_t end = 0, notified = 0;
    assert_int_equal(a6_date_parse("2019-06-30", &end), A6_OK);
    assert_int_equal(a6_date_parse("2024-10-31", &notified), A6_OK);
    assert_int_equal(a6_date_days_between(end, notified), 1950);
    assert_int_equal(a6_date_days_between(notified, end), -1950);
    assert_int_equal(a6_date_days_between(end, end), 0);

    assert_int_equal(
        a6_date_days_between(a6_date_from_civil(2024, 2, 28), a6_date_from_civil(2024, 3, 1)), 2);
    assert_int_equal(
        a6_date_days_between(a6_date_from_civil(2023, 2, 28), a6_date_from_civil(2023, 3, 1)), 1);
    assert_int_equal(
        a6_date_days_between(a6_date_from_civil(2024, 1, 1), a6_date_from_civil(2025, 1, 1)), 366);
    assert_int_equal(
        a6_date_days_between(a6_date_from_civil(1900, 1, 1), a6_date_from_civil(2200, 12, 31)),
        301 * 365 + 73 - 1);
}

static void years(void **state)
{
    assert_int_equal(a6_date_year(0), 1970);
    assert_int_equal(a6_date_year(-1), 1969);
    assert_int_equal(a6_date_year(a6_date_from_civil(2024, 12, 31)), 2024);
    assert_int_equal(a6_date_year(a6_date_from_civil(2025, 1, 1)), 2025);
    assert_int_equal(a6_date_year(a6_date_from_civil(1900, 1, 1)), 1900);
    assert_int_equal(a6_date_year(a6_date_from_civil(2200, 12, 31)), 2200);
    a6_date_t date = 0;
    assert_int_equal(a6_date_parse("2017-10-10", &date), A6_OK);
    assert_int_equal(a6_date_year(date), 2017);
    assert_int_equal(a6_date_year(A6_DATE_NONE), 0);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_good),
        cmocka_unit_test(parse_bad),
        cmocka_unit_test(round_trip_every_day),
        cmocka_unit_test(format_none_and_edges),
        cmocka_unit_test(days_between),
        cmocka_unit_test(years),
    };
    /* clang-format on */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
