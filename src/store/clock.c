/* clock.c: current UTC time in ISO 8601 with milliseconds. */
#include "clock.h"

#include <stdio.h>
#include <time.h>

void clock_now_iso(char out[CLOCK_ISO_SIZE])
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct tm utc;
    gmtime_r(&now.tv_sec, &utc);
    size_t length = strftime(out, CLOCK_ISO_SIZE, "%Y-%m-%dT%H:%M:%S", &utc);
    snprintf(out + length, CLOCK_ISO_SIZE - length, ".%03dZ", (int)(now.tv_nsec / 1000000L));
}

int clock_today(void)
{
    return (int)(time(NULL) / 86400);
}
