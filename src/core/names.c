/* names.c: lookups in enum name tables. */
#include "names.h"

#include <string.h>

int a6_name_find(const char *const *names, size_t count, const char *name)
{
    if (!name) return 0;
    for (size_t i = 1; i < count; i++)
        if (names[i] && strcmp(names[i], name) == 0) return (int)i;
    return 0;
}

const char *a6_name_of(const char *const *names, size_t count, int value)
{
    if (value <= 0 || (size_t)value >= count || !names[value]) return "unknown";
    return names[value];
}
