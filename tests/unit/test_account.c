/* test_account.c: unit tests of core/account: account rules table, close, holder, party. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/account.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

#define ACCOUNT_TYPE_FIRST LEDGER_ACCOUNT_HOLDING
#define ACCOUNT_TYPE_LAST LEDGER_ACCOUNT_PARTNER

/* ---- the rule, written out independently of account.c ---- */

/* Destination types each transaction may credit. */
static const bool rule_destination[LEDGER_TX_CANCEL + 1][ACCOUNT_TYPE_LAST + 1] = {
    [LEDGER_TX_ISSUE] = {[LEDGER_ACCOUNT_HOLDING] = true, [LEDGER_ACCOUNT_PARTNER] = true},
    [LEDGER_TX_TRANSFER] = {[LEDGER_ACCOUNT_HOLDING] = true,
                            [LEDGER_ACCOUNT_PENDING] = true,
                            [LEDGER_ACCOUNT_PARTNER] = true},
    [LEDGER_TX_RETIRE] = {[LEDGER_ACCOUNT_RETIREMENT] = true},
    [LEDGER_TX_CANCEL] = {[LEDGER_ACCOUNT_CANCELLATION] = true,
                          [LEDGER_ACCOUNT_VOLUNTARY_CANCELLATION] = true,
                          [LEDGER_ACCOUNT_OMGE] = true,
                          [LEDGER_ACCOUNT_SHARE_OF_PROCEEDS] = true},
};

/* Only holding and pending accounts may send units anywhere. */
static bool rule_source_may_send(ledger_account_type_t type)
{
    return type == LEDGER_ACCOUNT_HOLDING || type == LEDGER_ACCOUNT_PENDING;
}

typedef enum account_state {
    STATE_MISSING,
    STATE_CLOSED,
    STATE_OPEN,
} account_state_t;

static const char *const state_names[] = {"missing", "closed", "open"};

/* Expected check: the source is judged first (exists, open, may send), then the destination
 * (exists, open, not the source, of a type the transaction allows). */
static a6_check_t rule_expected(ledger_tx_type_t tx, account_state_t from_state,
                                ledger_account_type_t from_type, account_state_t to_state,
                                ledger_account_type_t to_type, bool same)
{
    if (tx != LEDGER_TX_ISSUE) {
        if (from_state == STATE_MISSING) return A6_CHECK_ACCOUNT_NOT_FOUND;
        if (from_state == STATE_CLOSED) return A6_CHECK_ACCOUNT_CLOSED;
        /* a partner registry's account gives units back only by transfer into a holding one
         * (an existing holding account: the to-side checks come after) */
        bool returning = from_type == LEDGER_ACCOUNT_PARTNER && tx == LEDGER_TX_TRANSFER &&
                         to_state != STATE_MISSING && to_type == LEDGER_ACCOUNT_HOLDING;
        if (!rule_source_may_send(from_type) && !returning)
            return A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED;
    }
    if (to_state == STATE_MISSING) return A6_CHECK_ACCOUNT_NOT_FOUND;
    if (to_state == STATE_CLOSED) return A6_CHECK_ACCOUNT_CLOSED;
    if (same) return A6_CHECK_SAME_ACCOUNT;
    if (!rule_destination[tx][to_type]) return A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED;
    /* a partner registry's account receives by transfer only from a pending account */
    if (tx == LEDGER_TX_TRANSFER && to_type == LEDGER_ACCOUNT_PARTNER &&
        from_type != LEDGER_ACCOUNT_PENDING)
        return A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED;
    return A6_OK;
}

static void fail_rule(ledger_tx_type_t tx, account_state_t from_state,
                      ledger_account_type_t from_type, account_state_t to_state,
                      ledger_account_type_t to_type, bool same, a6_check_t got, a6_check_t want)
{
    fail_msg("%s from %s %s to %s %s%s: got %d (%s), want %d (%s)", ledger_tx_type_name(tx),
             state_names[from_state], ledger_account_type_name(from_type), state_names[to_state],
             ledger_account_type_name(to_type), same ? " (same account)" : "", got,
             a6_check_name(got), want, a6_check_name(want));
}

/* Every source state and type x destination state and type (x same account) for one tx type. */
static void check_accounts_table(ledger_tx_type_t tx)
{
    size_t cases = 0, accepted = 0;
    for (int fs = STATE_MISSING; fs <= STATE_OPEN; fs++) {
        for (int ft = ACCOUNT_TYPE_FIRST; ft <= ACCOUNT_TYPE_LAST; ft++) {
            const ledger_account_t from = {
                .id = 11, .type = (ledger_account_type_t)ft, .open = fs == STATE_OPEN};
            for (int ts = STATE_MISSING; ts <= STATE_OPEN; ts++) {
                for (int tt = ACCOUNT_TYPE_FIRST; tt <= ACCOUNT_TYPE_LAST; tt++) {
                    const ledger_account_t to = {
                        .id = 22, .type = (ledger_account_type_t)tt, .open = ts == STATE_OPEN};
                    const ledger_account_t *from_ptr = fs == STATE_MISSING ? NULL : &from;
                    const ledger_account_t *to_ptr = ts == STATE_MISSING ? NULL : &to;
                    if (tx == LEDGER_TX_ISSUE) from_ptr = NULL; /* issuance has no source */
                    a6_check_t want =
                        rule_expected(tx, (account_state_t)fs, (ledger_account_type_t)ft,
                                      (account_state_t)ts, (ledger_account_type_t)tt, false);
                    a6_check_t got = ledger_check_accounts(tx, from_ptr, to_ptr);
                    if (got != want)
                        fail_rule(tx, (account_state_t)fs, (ledger_account_type_t)ft,
                                  (account_state_t)ts, (ledger_account_type_t)tt, false, got, want);
                    cases++;
                    accepted += got == A6_OK;
                }
            }
            /* the destination is the source itself */
            if (tx != LEDGER_TX_ISSUE && fs != STATE_MISSING) {
                const ledger_account_t to = from;
                a6_check_t want =
                    rule_expected(tx, (account_state_t)fs, (ledger_account_type_t)ft,
                                  (account_state_t)fs, (ledger_account_type_t)ft, true);
                a6_check_t got = ledger_check_accounts(tx, &from, &to);
                if (got != want)
                    fail_rule(tx, (account_state_t)fs, (ledger_account_type_t)ft,
                              (account_state_t)fs, (ledger_account_type_t)ft, true, got, want);
                assert_int_equal(ledger_check_accounts(tx, &from, &from), want);
                cases++;
            }
        }
    }
    /* accepted combinations: open senders x open allowed destinations */
    size_t destinations = 0;
    for (int tt = ACCOUNT_TYPE_FIRST; tt <= ACCOUNT_TYPE_LAST; tt++)
        destinations += rule_destination[tx][tt];
    size_t types = ACCOUNT_TYPE_LAST - ACCOUNT_TYPE_FIRST + 1;
    size_t senders = tx == LEDGER_TX_ISSUE ? 3 * types : 2; /* issue ignores the source */
    /* transfers: less holding -> partner (refused), plus partner -> holding (a return) */
    assert_int_equal(accepted, senders * destinations);
    assert_true(cases >= 3 * types * 3 * types);
}

static void check_accounts_issue(void **state)
{
    check_accounts_table(LEDGER_TX_ISSUE);
}

static void check_accounts_transfer(void **state)
{
    check_accounts_table(LEDGER_TX_TRANSFER);
}

static void check_accounts_retire(void **state)
{
    check_accounts_table(LEDGER_TX_RETIRE);
}

static void check_accounts_cancel(void **state)
{
    check_accounts_table(LEDGER_TX_CANCEL);
}

/* A few rows spelled out literally, so the table above cannot share a mistake with the rule. */
static void check_accounts_spot_checks(void **state)
{
    const ledger_account_t holding = {.id = 1, .type = LEDGER_ACCOUNT_HOLDING, .open = true};
    const ledger_account_t holding2 = {.id = 2, .type = LEDGER_ACCOUNT_HOLDING, .open = true};
    const ledger_account_t pending = {.id = 3, .type = LEDGER_ACCOUNT_PENDING, .open = true};
    const ledger_account_t retirement = {.id = 4, .type = LEDGER_ACCOUNT_RETIREMENT, .open = true};
    const ledger_account_t omge = {.id = 5, .type = LEDGER_ACCOUNT_OMGE, .open = true};
    const ledger_account_t sop = {.id = 6, .type = LEDGER_ACCOUNT_SHARE_OF_PROCEEDS, .open = true};
    const ledger_account_t cancellation = {
        .id = 7, .type = LEDGER_ACCOUNT_CANCELLATION, .open = true};
    const ledger_account_t voluntary = {
        .id = 8, .type = LEDGER_ACCOUNT_VOLUNTARY_CANCELLATION, .open = true};
    const ledger_account_t closed = {.id = 9, .type = LEDGER_ACCOUNT_HOLDING, .open = false};

    assert_int_equal(ledger_check_accounts(LEDGER_TX_ISSUE, NULL, &holding), A6_OK);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_ISSUE, NULL, &pending),
                     A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_ISSUE, NULL, &retirement),
                     A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED);
    const ledger_account_t partner = {.id = 10, .type = LEDGER_ACCOUNT_PARTNER, .open = true};
    assert_int_equal(ledger_check_accounts(LEDGER_TX_ISSUE, NULL, &partner), A6_OK);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_TRANSFER, &holding, &partner),
                     A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_TRANSFER, &pending, &partner), A6_OK);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_TRANSFER, &partner, &holding), A6_OK);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_TRANSFER, &partner, &pending),
                     A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_RETIRE, &partner, &retirement),
                     A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_ISSUE, NULL, &closed),
                     A6_CHECK_ACCOUNT_CLOSED);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_ISSUE, NULL, NULL),
                     A6_CHECK_ACCOUNT_NOT_FOUND);

    assert_int_equal(ledger_check_accounts(LEDGER_TX_TRANSFER, &holding, &holding2), A6_OK);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_TRANSFER, &holding, &pending), A6_OK);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_TRANSFER, &pending, &holding), A6_OK);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_TRANSFER, &holding, &holding),
                     A6_CHECK_SAME_ACCOUNT);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_TRANSFER, &holding, &retirement),
                     A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_TRANSFER, &retirement, &holding),
                     A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_TRANSFER, &closed, &holding),
                     A6_CHECK_ACCOUNT_CLOSED);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_TRANSFER, &holding, &closed),
                     A6_CHECK_ACCOUNT_CLOSED);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_TRANSFER, NULL, &holding),
                     A6_CHECK_ACCOUNT_NOT_FOUND);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_TRANSFER, &holding, NULL),
                     A6_CHECK_ACCOUNT_NOT_FOUND);

    assert_int_equal(ledger_check_accounts(LEDGER_TX_RETIRE, &holding, &retirement), A6_OK);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_RETIRE, &pending, &retirement), A6_OK);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_RETIRE, &holding, &cancellation),
                     A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_RETIRE, &omge, &retirement),
                     A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED);

    assert_int_equal(ledger_check_accounts(LEDGER_TX_CANCEL, &holding, &cancellation), A6_OK);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_CANCEL, &holding, &voluntary), A6_OK);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_CANCEL, &holding, &omge), A6_OK);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_CANCEL, &pending, &sop), A6_OK);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_CANCEL, &holding, &retirement),
                     A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_CANCEL, &holding, &holding2),
                     A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED);
    assert_int_equal(ledger_check_accounts(LEDGER_TX_CANCEL, &sop, &omge),
                     A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED);

    /* an unknown transaction type allows nothing */
    assert_int_equal(ledger_check_accounts((ledger_tx_type_t)0, &holding, &holding2),
                     A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED);
    assert_int_equal(ledger_check_accounts((ledger_tx_type_t)99, &holding, &holding2),
                     A6_CHECK_ACCOUNT_TYPE_NOT_ALLOWED);
}

static void terminal_types(void **state)
{
    for (int t = ACCOUNT_TYPE_FIRST; t <= ACCOUNT_TYPE_LAST; t++)
        assert_int_equal(ledger_account_is_terminal((ledger_account_type_t)t),
                         !rule_source_may_send((ledger_account_type_t)t));
    assert_false(ledger_account_is_terminal(LEDGER_ACCOUNT_HOLDING));
    assert_false(ledger_account_is_terminal(LEDGER_ACCOUNT_PENDING));
    assert_true(ledger_account_is_terminal(LEDGER_ACCOUNT_RETIREMENT));
    assert_true(ledger_account_is_terminal(LEDGER_ACCOUNT_OMGE));
}

/* ---- closing ---- */

static void check_close(void **state)
{
    ledger_account_t account = {.id = 1, .type = LEDGER_ACCOUNT_HOLDING, .open = true};
    assert_int_equal(ledger_check_close(&account, 0), A6_OK);
    assert_int_equal(ledger_check_close(&account, 1), A6_CHECK_ACCOUNT_NOT_EMPTY);
    assert_int_equal(ledger_check_close(&account, INT64_MAX), A6_CHECK_ACCOUNT_NOT_EMPTY);
    account.open = false;
    assert_int_equal(ledger_check_close(&account, 0), A6_CHECK_ACCOUNT_CLOSED);
    assert_int_equal(ledger_check_close(&account, 5), A6_CHECK_ACCOUNT_CLOSED);
    assert_int_equal(ledger_check_close(NULL, 0), A6_CHECK_ACCOUNT_NOT_FOUND);
    for (int t = ACCOUNT_TYPE_FIRST; t <= ACCOUNT_TYPE_LAST; t++) {
        account = (ledger_account_t){.id = 2, .type = (ledger_account_type_t)t, .open = true};
        assert_int_equal(ledger_check_close(&account, 0), A6_OK);
        assert_int_equal(ledger_check_close(&account, 3), A6_CHECK_ACCOUNT_NOT_EMPTY);
    }
}

/* ---- names ---- */

static void account_and_tx_type_names(void **state)
{
    static const char *const account_names[] = {
        [LEDGER_ACCOUNT_HOLDING] = "holding",
        [LEDGER_ACCOUNT_PENDING] = "pending",
        [LEDGER_ACCOUNT_CANCELLATION] = "cancellation",
        [LEDGER_ACCOUNT_VOLUNTARY_CANCELLATION] = "voluntary-cancellation",
        [LEDGER_ACCOUNT_RETIREMENT] = "retirement",
        [LEDGER_ACCOUNT_OMGE] = "omge",
        [LEDGER_ACCOUNT_SHARE_OF_PROCEEDS] = "share-of-proceeds",
        [LEDGER_ACCOUNT_PARTNER] = "partner",
    };
    for (int t = ACCOUNT_TYPE_FIRST; t <= ACCOUNT_TYPE_LAST; t++) {
        assert_string_equal(ledger_account_type_name((ledger_account_type_t)t), account_names[t]);
        ledger_account_type_t out = 0;
        assert_int_equal(ledger_account_type_parse(account_names[t], &out), A6_OK);
        assert_int_equal(out, t);
    }
    assert_string_equal(ledger_account_type_name((ledger_account_type_t)0), "unknown");
    assert_string_equal(ledger_account_type_name((ledger_account_type_t)9), "unknown");
    static const char *const bad[] = {"", "Holding", "holding ", "unknown", "hold"};
    for (size_t i = 0; i < COUNT_OF(bad); i++) {
        ledger_account_type_t out = LEDGER_ACCOUNT_OMGE;
        assert_int_equal(ledger_account_type_parse(bad[i], &out), A6_CHECK_ACCOUNT_TYPE_INVALID);
        assert_int_equal(out, LEDGER_ACCOUNT_OMGE);
    }
    ledger_account_type_t account_out = LEDGER_ACCOUNT_OMGE;
    assert_int_equal(ledger_account_type_parse(NULL, &account_out), A6_CHECK_ACCOUNT_TYPE_INVALID);

    static const char *const tx_names[] = {
        [LEDGER_TX_ISSUE] = "issue",
        [LEDGER_TX_TRANSFER] = "transfer",
        [LEDGER_TX_RETIRE] = "retire",
        [LEDGER_TX_CANCEL] = "cancel",
    };
    for (int t = LEDGER_TX_ISSUE; t <= LEDGER_TX_CANCEL; t++) {
        assert_string_equal(ledger_tx_type_name((ledger_tx_type_t)t), tx_names[t]);
        ledger_tx_type_t out = 0;
        assert_int_equal(ledger_tx_type_parse(tx_names[t], &out), A6_OK);
        assert_int_equal(out, t);
    }
    assert_string_equal(ledger_tx_type_name((ledger_tx_type_t)0), "unknown");
    assert_string_equal(ledger_tx_type_name((ledger_tx_type_t)5), "unknown");
    ledger_tx_type_t tx_out = LEDGER_TX_CANCEL;
    assert_int_not_equal(ledger_tx_type_parse("burn", &tx_out), A6_OK);
    assert_int_not_equal(ledger_tx_type_parse("", &tx_out), A6_OK);
    assert_int_not_equal(ledger_tx_type_parse(NULL, &tx_out), A6_OK);
    assert_int_equal(tx_out, LEDGER_TX_CANCEL);
}

/* ---- holder ---- */

static void holder_empty_and_length(void **state)
{
    assert_int_equal(ledger_holder_check(NULL), A6_CHECK_HOLDER_INVALID);
    assert_int_equal(ledger_holder_check(""), A6_CHECK_HOLDER_INVALID);
    assert_int_equal(ledger_holder_check("A"), A6_OK);

    char text[LEDGER_HOLDER_MAX + 2];
    memset(text, 'a', LEDGER_HOLDER_MAX);
    text[LEDGER_HOLDER_MAX] = '\0';
    assert_int_equal(ledger_holder_check(text), A6_OK);
    text[LEDGER_HOLDER_MAX] = 'a';
    text[LEDGER_HOLDER_MAX + 1] = '\0';
    assert_int_equal(ledger_holder_check(text), A6_CHECK_HOLDER_INVALID);

    /* the limit is in bytes: "ộ" is 3 bytes, 66 of them and "ab" make exactly 200 */
    char wide[LEDGER_HOLDER_MAX + 8];
    size_t length = 0;
    for (int i = 0; i < 66; i++) {
        memcpy(wide + length, "\xe1\xbb\x99", 3);
        length += 3;
    }
    memcpy(wide + length, "ab", 3);
    assert_int_equal(strlen(wide), LEDGER_HOLDER_MAX);
    assert_int_equal(ledger_holder_check(wide), A6_OK);
    memcpy(wide + length, "abc", 4);
    assert_int_equal(ledger_holder_check(wide), A6_CHECK_HOLDER_INVALID);
    /* 67 three-byte characters are 201 bytes */
    memcpy(wide + length, "\xe1\xbb\x99", 4);
    assert_int_equal(strlen(wide), LEDGER_HOLDER_MAX + 1);
    assert_int_equal(ledger_holder_check(wide), A6_CHECK_HOLDER_INVALID);
}

static void holder_control_characters(void **state)
{
    static const char *const bad[] = {
        "\x01",  "a\tb", "a\nb",       "a\rb",           "Bank\x1b[31m",    "a\x1f",
        "a\x7f", "\x7f", "trailing\n", " leading space", "trailing space ", " ",
    };
    for (size_t i = 0; i < COUNT_OF(bad); i++)
        if (ledger_holder_check(bad[i]) != A6_CHECK_HOLDER_INVALID)
            fail_msg("holder #%zu with a control character or edge space accepted", i);
}

/* U+0080..U+009F are control characters too (category Cc), encoded as C2 80..C2 9F. */
static void holder_c1_control_characters(void **state)
{
    static const char *const bad[] = {"a\xc2\x80z", "a\xc2\x85z", "a\xc2\x9bz", "\xc2\x9f"};
    for (size_t i = 0; i < COUNT_OF(bad); i++)
        if (ledger_holder_check(bad[i]) != A6_CHECK_HOLDER_INVALID)
            fail_msg("holder #%zu with a C1 control character (U+0080..U+009F) accepted", i);
}

static void holder_invalid_utf8(void **state)
{
    static const char *const bad[] = {
        "\xff", /* never valid */
        "\xfe",
        "ab\xff",
        "\xc0\xaf",         /* overlong '/' */
        "\xc1\xbf",         /* overlong */
        "\xe0\x80\xaf",     /* overlong, 3 bytes */
        "\xf0\x80\x80\xaf", /* overlong, 4 bytes */
        "\xed\xa0\x80",     /* UTF-16 surrogate */
        "\xed\xbf\xbf",     /* UTF-16 surrogate */
        "\xf4\x90\x80\x80", /* past U+10FFFF */
        "\xf5\x80\x80\x80",
        "\xf8\x88\x80\x80\x80", /* 5-byte form */
        "\x80",                 /* lone continuation */
        "a\xbf",
        "\xc3", /* truncated */
        "a\xc3",
        "\xe1\xbb",
        "\xf0\x9f\x8c",
        "\xc3(", /* bad continuation */
        "\xe1\xbb(",
        "Bo\xe1\xbb",
    };
    for (size_t i = 0; i < COUNT_OF(bad); i++)
        if (ledger_holder_check(bad[i]) != A6_CHECK_HOLDER_INVALID)
            fail_msg("holder #%zu with invalid UTF-8 accepted", i);
}

static void holder_valid(void **state)
{
    static const char *const good[] = {
        "B\xe1\xbb\x99 T\xc3\xa0i nguy\xc3\xaan v\xc3\xa0 M\xc3\xb4i tr\xc6\xb0\xe1\xbb\x9dng",
        "Bộ Tài nguyên và Môi trường", /* the same, as source text */
        "Acme Carbon Ltd.",
        "O'Brien & Sons (Pty) Ltd",
        "\xe6\x97\xa5\xe6\x9c\xac", /* 日本 */
        "Forest \xf0\x9f\x8c\xb3",  /* 4-byte sequence */
        "\xf4\x8f\xbf\xbf",         /* U+10FFFF, the last code point */
        "\xc2\xa0x",                /* U+00A0, the first code point after C1 */
        "\xee\x80\x80",             /* U+E000 */
        "~",
    };
    for (size_t i = 0; i < COUNT_OF(good); i++)
        if (ledger_holder_check(good[i]) != A6_OK) fail_msg("holder \"%s\" rejected", good[i]);
}

/* ---- party ---- */

static void party_check(void **state)
{
    static const char *const good[] = {"VNM", "JPN", "CHE", "AAA", "ZZZ"};
    for (size_t i = 0; i < COUNT_OF(good); i++)
        if (ledger_party_check(good[i]) != A6_OK) fail_msg("party \"%s\" rejected", good[i]);
    static const char *const bad[] = {"",
                                      "V",
                                      "VN",
                                      "VNMM",
                                      "vnm",
                                      "Vnm",
                                      "V1M",
                                      "VN ",
                                      " VN",
                                      "V-M",
                                      "@AA",
                                      "[AA",
                                      ("\xc3\x84"
                                       "BC"),
                                      "VN\n"};
    for (size_t i = 0; i < COUNT_OF(bad); i++)
        if (ledger_party_check(bad[i]) != A6_CHECK_PARTY_INVALID)
            fail_msg("party \"%s\" accepted", bad[i]);
    assert_int_equal(ledger_party_check(NULL), A6_CHECK_PARTY_INVALID);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check_accounts_issue),
        cmocka_unit_test(check_accounts_transfer),
        cmocka_unit_test(check_accounts_retire),
        cmocka_unit_test(check_accounts_cancel),
        cmocka_unit_test(check_accounts_spot_checks),
        cmocka_unit_test(terminal_types),
        cmocka_unit_test(check_close),
        cmocka_unit_test(account_and_tx_type_names),
        cmocka_unit_test(holder_empty_and_length),
        cmocka_unit_test(holder_control_characters),
        cmocka_unit_test(holder_c1_control_characters),
        cmocka_unit_test(holder_invalid_utf8),
        cmocka_unit_test(holder_valid),
        cmocka_unit_test(party_check),
    };
    /* clang-format on */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
