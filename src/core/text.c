/* text.c: UTF-8 and character-class validation of free text and references. */
#include "text.h"

#include <string.h>

/* Length of the UTF-8 sequence starting at s, or 0 when it is not valid UTF-8. */
static size_t utf8_sequence_length(const unsigned char *s)
{
    if (s[0] < 0x80) return 1;
    size_t length = (s[0] & 0xE0) == 0xC0   ? 2
                    : (s[0] & 0xF0) == 0xE0 ? 3
                    : (s[0] & 0xF8) == 0xF0 ? 4
                                            : 0;
    if (length == 0 || (length == 2 && s[0] < 0xC2) || s[0] > 0xF4) return 0;
    for (size_t i = 1; i < length; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    if (length == 3 && s[0] == 0xE0 && s[1] < 0xA0) return 0;
    if (length == 3 && s[0] == 0xED && s[1] >= 0xA0) return 0;
    if (length == 4 && s[0] == 0xF0 && s[1] < 0x90) return 0;
    if (length == 4 && s[0] == 0xF4 && s[1] >= 0x90) return 0;
    return length;
}

a6_check_t a6_text_check(const char *text, size_t max_bytes)
{
    if (!text) return A6_CHECK_TEXT_INVALID;
    size_t length = strlen(text);
    if (length == 0 || length > max_bytes) return A6_CHECK_TEXT_INVALID;
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        if (*s < 0x20 || *s == 0x7F) return A6_CHECK_TEXT_INVALID;
        size_t step = utf8_sequence_length(s);
        if (step == 0) return A6_CHECK_TEXT_INVALID;
        if (step == 2 && s[0] == 0xC2 && s[1] < 0xA0) return A6_CHECK_TEXT_INVALID; /* C1 */
        s += step;
    }
    if (text[0] == ' ' || text[length - 1] == ' ') return A6_CHECK_TEXT_INVALID;
    return A6_OK;
}

a6_check_t a6_ref_check(const char *ref)
{
    if (!ref) return A6_CHECK_TEXT_INVALID;
    size_t length = strlen(ref);
    if (length == 0 || length > 32) return A6_CHECK_TEXT_INVALID;
    for (size_t i = 0; i < length; i++) {
        char c = ref[i];
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-' || c == '.';
        if (!ok) return A6_CHECK_TEXT_INVALID;
    }
    return A6_OK;
}
