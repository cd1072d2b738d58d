/* date.c: calendar dates as days since 1970-01-01 (proleptic Gregorian), after Howard Hinnant's
 * days_from_civil / civil_from_days (https://howardhinnant.github.io/date_algorithms.html). */
#include "date.h"

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DATE_YEAR_MIN 1900
#define DATE_YEAR_MAX 2200
#define DATE_TEXT_LENGTH 10

static bool is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
    static const int days[] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    assert(month >= 1 && month <= 12);
    return month == 2 && is_leap_year(year) ? 29 : days[month];
}

/* Year, month, day of a day count; 64-bit inside so that every int32_t day is safe. Eras are
 * 400-year cycles of 146097 days starting on 0000-03-01; the year starts in March so that the
 * leap day comes last. */
static void civil_from_days(int64_t days, int *year, int *month, int *day)
{
    int64_t z = days + 719468; /* days since 0000-03-01 */
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t day_of_era = z - era * 146097; /* [0, 146096] */
    /* [0, 399] */
    int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t month_from_march = (5 * day_of_year + 2) / 153; /* [0, 11], March = 0 */
    *day = (int)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
    *month = (int)(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
    *year = (int)(year_of_era + era * 400 + (*month <= 2));
}

a6_date_t a6_date_from_civil(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t year_of_era = y - era * 400; /* [0, 399] */
    int64_t month_from_march = month > 2 ? month - 3 : month + 9;
    int64_t day_of_year = (153 * month_from_march + 2) / 5 + day - 1; /* [0, 365] */
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return (a6_date_t)(era * 146097 + day_of_era - 719468);
}

/* Value of `count` ASCII digits at text, or -1 when one of them is not a digit. */
static int parse_digits(const char *text, size_t count)
{
    int value = 0;
    for (size_t i = 0; i < count; i++) {
        if (text[i] < '0' || text[i] > '9') return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

a6_check_t a6_date_parse(const char *text, a6_date_t *out)
{
    if (!text) return A6_CHECK_DATE_INVALID;
    /* Check the length without reading past a shorter string's terminator. */
    for (size_t i = 0; i < DATE_TEXT_LENGTH; i++)
        if (text[i] == '\0') return A6_CHECK_DATE_INVALID;
    if (text[DATE_TEXT_LENGTH] != '\0' || text[4] != '-' || text[7] != '-')
        return A6_CHECK_DATE_INVALID;
    int year = parse_digits(text, 4);
    int month = parse_digits(text + 5, 2);
    int day = parse_digits(text + 8, 2);
    if (year < DATE_YEAR_MIN || year > DATE_YEAR_MAX) return A6_CHECK_DATE_INVALID;
    if (month < 1 || month > 12) return A6_CHECK_DATE_INVALID;
    if (day < 1 || day > days_in_month(year, month)) return A6_CHECK_DATE_INVALID;
    *out = a6_date_from_civil(year, month, day);
    return A6_OK;
}

/* Writes value as exactly `count` digits (the lowest ones; callers keep values in range). */
static void format_digits(char *out, size_t count, int value)
{
    for (size_t i = count; i > 0; i--) {
        out[i - 1] = (char)('0' + value % 10);
        value /= 10;
    }
}

void a6_date_format(a6_date_t date, char out[A6_DATE_TEXT_SIZE])
{
    if (date == A6_DATE_NONE) {
        out[0] = '\0';
        return;
    }
    int year, month, day;
    civil_from_days(date, &year, &month, &day);
    /* Four digits cover years 0..9999, far beyond the 1900..2200 that parsing accepts; a year
     * outside them would keep only its last four digits, so clamp to make that visible. */
    if (year < 0) year = 0;
    if (year > 9999) year = 9999;
    format_digits(out, 4, year);
    out[4] = '-';
    format_digits(out + 5, 2, month);
    out[7] = '-';
    format_digits(out + 8, 2, day);
    out[DATE_TEXT_LENGTH] = '\0';
}

int a6_date_year(a6_date_t date)
{
    if (date == A6_DATE_NONE) return 0;
    int year, month, day;
    civil_from_days(date, &year, &month, &day);
    return year;
}

int32_t a6_date_days_between(a6_date_t earlier, a6_date_t later)
{
    assert(earlier != A6_DATE_NONE && later != A6_DATE_NONE);
    return (int32_t)((int64_t)later - (int64_t)earlier);
}

a6_date_t a6_date_add_months(a6_date_t date, int32_t months)
{
    assert(date != A6_DATE_NONE);
    int year, month, day;
    civil_from_days(date, &year, &month, &day);
    int64_t index = (int64_t)year * 12 + (month - 1) + months;
    int64_t new_year = (index >= 0 ? index : index - 11) / 12;
    int new_month = (int)(index - new_year * 12) + 1;
    int last = days_in_month((int)new_year, new_month);
    return a6_date_from_civil((int)new_year, new_month, day < last ? day : last);
}

int32_t a6_date_months_between(a6_date_t earlier, a6_date_t later)
{
    assert(earlier != A6_DATE_NONE && later != A6_DATE_NONE);
    if (later < earlier) return -a6_date_months_between(later, earlier);
    int y1, m1, d1, y2, m2, d2;
    civil_from_days(earlier, &y1, &m1, &d1);
    civil_from_days(later, &y2, &m2, &d2);
    int32_t months = (int32_t)((y2 - y1) * 12 + (m2 - m1));
    while (months > 0 && a6_date_add_months(earlier, months) > later)
        months--;
    return months;
}
