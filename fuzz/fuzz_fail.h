/* fuzz_fail.h: how a fuzz target reports a broken invariant: a message on stderr, then abort(),
 * so that libFuzzer stops and keeps the input as a crash artifact. */
#ifndef A6_FUZZ_FUZZ_FAIL_H
#define A6_FUZZ_FUZZ_FAIL_H

#include <stdnoreturn.h>

/* Called by fuzz_fail before it aborts when set (a stateful target saves what led to the
 * failure); NULL by default. */
extern void (*fuzz_fail_hook)(void);

/* Prints "fuzz: <message>" on stderr, runs fuzz_fail_hook, and aborts. */
noreturn void fuzz_fail(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* Whether the known bug named bug (reported, its input in fuzz/regressions/, tolerated until it is
 * fixed) counts as a failure again: FUZZ_STRICT=all, or FUZZ_STRICT=a list naming it. */
int fuzz_strict(const char *bug);

#endif
