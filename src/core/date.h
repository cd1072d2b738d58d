/* date.h: calendar dates as whole days since 1970-01-01 (proleptic Gregorian), pure arithmetic. */
#ifndef A6_CORE_DATE_H
#define A6_CORE_DATE_H

#include <stdint.h>

#include "check.h"

#define A6_DATE_NONE INT32_MIN /* "no date" (a blank in public data, a step not reached yet) */
#define A6_DATE_TEXT_SIZE 11   /* "YYYY-MM-DD" and the terminator */

typedef int32_t a6_date_t;

/* Strict "YYYY-MM-DD" (years 1900..2200, real calendar days, nothing before or after).
 * A6_CHECK_DATE_INVALID otherwise; *out is set only on A6_OK. */
a6_check_t a6_date_parse(const char *text, a6_date_t *out);

/* Writes "YYYY-MM-DD"; writes "" for A6_DATE_NONE. */
void a6_date_format(a6_date_t date, char out[A6_DATE_TEXT_SIZE]);

/* Builds a date from year, month (1-12) and day (1-31); no validation (callers pass valid parts).
 */
a6_date_t a6_date_from_civil(int year, int month, int day);

/* The calendar year of a date; 0 for A6_DATE_NONE. */
int a6_date_year(a6_date_t date);

/* later - earlier in days (negative when later is before earlier). Both must be real dates
 * (asserted: A6_DATE_NONE has no distance to anything). */
int32_t a6_date_days_between(a6_date_t earlier, a6_date_t later);

/* date + months calendar months, the day clamped to the last day of a shorter month
 * (2019-01-31 + 1 month = 2019-02-28). date must be a real date (asserted). */
a6_date_t a6_date_add_months(a6_date_t date, int32_t months);

/* Whole calendar months from earlier to later: the largest m with add_months(earlier, m) <= later
 * (2019-06-30 to 2024-10-31 is 64); negative when later is before earlier. Both real (asserted). */
int32_t a6_date_months_between(a6_date_t earlier, a6_date_t later);

#endif
