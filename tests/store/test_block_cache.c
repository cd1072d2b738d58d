/* test_block_cache.c: the writer's copy of each account's blocks (store/block_cache.h) stays the
 * database's through random transfers, retirements, refusals and an account holding more blocks
 * than the copy keeps. A6REG_CHECK_BLOCK_CACHE=1 makes the writer compare every answer of the
 * copy with the database's and abort on a difference; the ledger is verified at the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "store/block_cache.h"
#include "store_fixture.h"

#define ACCOUNTS 6
#define OPERATIONS 3000

static void test_random_moves_keep_the_copy_true(void **state)
{
    (void)state;
    char path[256];
    fixture_db_path(path, sizeof path);
    writer_t *w = fixture_writer_start(path, NULL);
    int64_t accounts[ACCOUNTS];
    for (int i = 0; i < ACCOUNTS; i++)
        accounts[i] = fixture_open_account(w, i == 0 ? "many" : "holder", LEDGER_ACCOUNT_HOLDING);
    int64_t retirement = fixture_open_account(w, "retired", LEDGER_ACCOUNT_RETIREMENT);
    /* Account 0 holds more separate blocks (one per issuance) than the copy keeps. */
    int64_t issued = 0;
    for (int i = 0; i < BLOCK_CACHE_ACCOUNT_MAX + 20; i++) {
        fixture_issue(w, accounts[0], 3, 2020 + i % 3);
        issued += 3;
    }
    for (int i = 1; i < ACCOUNTS; i++) {
        fixture_issue(w, accounts[i], 500, 2021 + i % 2);
        issued += 500;
    }
    unsigned seed = 12345;
    int accepted = 0, refused = 0;
    int64_t retired = 0;
    for (int n = 0; n < OPERATIONS; n++) {
        int from = rand_r(&seed) % ACCOUNTS, to = rand_r(&seed) % ACCOUNTS;
        int64_t quantity = 1 + rand_r(&seed) % 40;
        bool retire = rand_r(&seed) % 10 == 0;
        ledger_request_t r = {.kind = LEDGER_REQUEST_TRANSACTION,
                              .actor = "random",
                              .tx_type = retire ? LEDGER_TX_RETIRE : LEDGER_TX_TRANSFER,
                              .from = accounts[from],
                              .to = retire ? retirement
                                           : accounts[to == from ? (to + 1) % ACCOUNTS : to],
                              .quantity = quantity,
                              .vintage = rand_r(&seed) % 4 == 0 ? 2021 : 0};
        ledger_result_t result;
        writer_submit(w, &r, &result);
        assert_int_equal(result.store_error, 0);
        if (result.check == A6_OK) {
            accepted++;
            if (retire) retired += quantity;
        } else {
            refused++;
        }
    }
    writer_stop(w);
    assert_true(accepted > OPERATIONS / 2);
    assert_true(refused > 0);
    int64_t held = fixture_holdings_total(path, retirement);
    for (int i = 0; i < ACCOUNTS; i++)
        held += fixture_holdings_total(path, accounts[i]);
    assert_int_equal(held, issued);
    assert_int_equal(fixture_holdings_total(path, retirement), retired);
    char problem[512];
    assert_true(fixture_verify(path, problem, sizeof problem));
    fixture_db_remove(path);
}

int main(void)
{
    setenv("A6REG_CHECK_BLOCK_CACHE", "1", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_moves_keep_the_copy_true),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
