/* text.h: validation of free text that enters the registry (names, titles, references). */
#ifndef A6_CORE_TEXT_H
#define A6_CORE_TEXT_H

#include <stddef.h>

#include "check.h"

/* A6_OK when text is 1..max_bytes bytes of valid UTF-8 without control characters (C0, DEL, C1)
 * and without leading or trailing spaces; A6_CHECK_TEXT_INVALID otherwise (also for NULL). */
a6_check_t a6_text_check(const char *text, size_t max_bytes);

/* A6_OK when ref is 1..32 characters of A-Z, a-z, 0-9, '_', '-', '.' (activity and methodology
 * references such as "VN001" or "VN_AM007"); A6_CHECK_TEXT_INVALID otherwise. */
a6_check_t a6_ref_check(const char *ref);

#endif
