/* fuzz_fail.c: reporting a broken invariant from a fuzz target. */
#include "fuzz_fail.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void (*fuzz_fail_hook)(void) = NULL;

void fuzz_fail(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fputs("fuzz: ", stderr);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
    void (*hook)(void) = fuzz_fail_hook;
    fuzz_fail_hook = NULL; /* a failure inside the hook must not loop */
    if (hook) hook();
    abort();
}

int fuzz_strict(const char *bug)
{
    const char *value = getenv("FUZZ_STRICT");
    return value && (strcmp(value, "all") == 0 || strstr(value, bug) != NULL);
}
