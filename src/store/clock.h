/* clock.h: wall-clock time as ISO 8601 UTC text, the only time source of the store. */
#ifndef A6_STORE_CLOCK_H
#define A6_STORE_CLOCK_H

#define CLOCK_ISO_SIZE 32

/* Writes the current UTC time as "YYYY-MM-DDTHH:MM:SS.mmmZ". */
void clock_now_iso(char out[CLOCK_ISO_SIZE]);

/* Today's date (UTC) as days since 1970-01-01 (the a6_date_t of core/date.h). */
int clock_today(void);

#endif
