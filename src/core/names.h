/* names.h: enum <-> name tables shared by the core's controlled vocabularies. A table is an array
 * indexed by the enum value, entry 0 unused ("not given"). */
#ifndef A6_CORE_NAMES_H
#define A6_CORE_NAMES_H

#include <stddef.h>

#define A6_COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The enum value whose name is exactly `name` (1..count-1), or 0 when none (or name is NULL). */
int a6_name_find(const char *const *names, size_t count, const char *name);

/* The name of value, or "unknown" outside 1..count-1. */
const char *a6_name_of(const char *const *names, size_t count, int value);

#endif
