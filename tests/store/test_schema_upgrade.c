/* test_schema_upgrade.c: migrations 14 and 15 on a registry made before them (transactions with
 * a UNIQUE idempotency_key column and the chain heads in accounts, rebuilt here as version 13 had
 * them): the table is rebuilt with a partial unique index, every row and reference survives, keys
 * still replay and refuse reuse, the chain heads move to account_heads, foreign keys are
 * enforced again afterwards, and a registry with a dangling reference is left untouched at
 * version 13 with the reason. */
#include <setjmp.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "store/db.h"
#include "store_fixture.h"

/* Version 13's transactions table and chain heads, and the records of 14 and 15 removed. */
static const char downgrade_sql[] =
    "PRAGMA foreign_keys=OFF;"
    "BEGIN;"
    "CREATE TABLE transactions_v13 ("
    "  id INTEGER PRIMARY KEY, type TEXT NOT NULL,"
    "  from_account INTEGER REFERENCES accounts(id),"
    "  to_account INTEGER NOT NULL REFERENCES accounts(id),"
    "  quantity INTEGER NOT NULL CHECK (quantity > 0), status TEXT NOT NULL,"
    "  actor TEXT NOT NULL, idempotency_key TEXT UNIQUE, request_hash TEXT,"
    "  created_at TEXT NOT NULL, from_previous INTEGER, to_previous INTEGER);"
    "INSERT INTO transactions_v13 SELECT * FROM transactions;"
    "DROP TABLE transactions;"
    "ALTER TABLE transactions_v13 RENAME TO transactions;"
    "ALTER TABLE accounts ADD COLUMN last_transaction INTEGER;"
    "UPDATE accounts SET last_transaction = "
    "  (SELECT last_transaction FROM account_heads WHERE account_id = accounts.id);"
    "DROP TABLE account_heads;"
    "DELETE FROM schema_migrations WHERE version >= 14;"
    "COMMIT;";

static void sql_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *message = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &message) != SQLITE_OK) fail_msg("%s", message);
    sqlite3_close(db);
}

static int64_t sql_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    int64_t value = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return value;
}

/* SHA-256 of every transactions row, in id order, as text. */
static void transactions_digest(const char *path, char out[65])
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT group_concat(quote(id) || quote(type) || "
                                        "quote(from_account) || quote(to_account) || "
                                        "quote(quantity) || quote(status) || quote(actor) || "
                                        "quote(idempotency_key) || quote(request_hash) || "
                                        "quote(created_at) || quote(from_previous) || "
                                        "quote(to_previous), '|') FROM "
                                        "(SELECT * FROM transactions ORDER BY id)",
                                        -1, &stmt, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    unsigned char digest[crypto_hash_sha256_BYTES];
    const unsigned char *text = sqlite3_column_text(stmt, 0);
    crypto_hash_sha256(digest, text, strlen((const char *)text));
    sodium_bin2hex(out, 65, digest, sizeof digest);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
}

/* A registry of version 13 with keyed and unkeyed transfers; *first is the id of key "k1"'s. */
static void build_v13(const char *path, int64_t *a, int64_t *b, int64_t *first)
{
    writer_t *w = fixture_writer_start(path, NULL);
    fixture_two_accounts(w, 1000, 2022, a, b);
    ledger_result_t k1 = fixture_keyed_transfer(w, LEDGER_TX_TRANSFER, *a, *b, 10, "k1");
    assert_int_equal(k1.check, A6_OK);
    *first = k1.id;
    assert_int_equal(fixture_transaction(w, LEDGER_TX_TRANSFER, *a, *b, 4).check, A6_OK);
    assert_int_equal(fixture_keyed_transfer(w, LEDGER_TX_TRANSFER, *b, *a, 2, "k2").check, A6_OK);
    writer_stop(w);
    sql_exec(path, downgrade_sql);
    assert_int_equal(sql_int(path, "SELECT MAX(version) FROM schema_migrations"), 13);
    assert_int_equal(sql_int(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = "
                                   "'sqlite_autoindex_transactions_1'"),
                     1);
}

/* Inserts a block of a transaction that does not exist, as a writer operation. */
static int insert_dangling_block(db_t *db, ledger_state_t *state, void *context, db_error_t *err)
{
    (void)state, (void)context;
    static const char sql[] = "INSERT INTO transaction_blocks(transaction_id, issuance_id, "
                              "first_serial, last_serial, vintage) VALUES (999999, 1, 1, 1, 2022)";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    int rc = db_step_done(stmt, err);
    return rc < 0 ? rc : WRITER_ACCEPTED;
}

static void test_upgrade_keeps_rows_and_keys(void **state)
{
    (void)state;
    char path[256];
    fixture_db_path(path, sizeof path);
    int64_t a, b, first;
    build_v13(path, &a, &b, &first);
    char before[65], after[65];
    transactions_digest(path, before);

    char head_in_accounts[96], head_in_heads[96];
    snprintf(head_in_accounts, sizeof head_in_accounts,
             "SELECT last_transaction FROM accounts WHERE id = %lld", (long long)a);
    snprintf(head_in_heads, sizeof head_in_heads,
             "SELECT last_transaction FROM account_heads WHERE account_id = %lld", (long long)a);
    int64_t head_a = sql_int(path, head_in_accounts);
    writer_t *w = fixture_writer_start(path, NULL); /* migrates to 14, then 15 */
    transactions_digest(path, after);
    assert_string_equal(before, after);
    assert_int_equal(sql_int(path, "SELECT MAX(version) FROM schema_migrations"), 15);
    assert_true(head_a > 0);
    assert_int_equal(sql_int(path, head_in_heads), head_a);
    assert_int_equal(sql_int(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = "
                                   "'sqlite_autoindex_transactions_1'"),
                     0);
    assert_int_equal(sql_int(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = "
                                   "'transactions_by_idempotency_key'"),
                     1);
    ledger_result_t replay = fixture_keyed_transfer(w, LEDGER_TX_TRANSFER, a, b, 10, "k1");
    assert_int_equal(replay.check, A6_OK);
    assert_int_equal(replay.id, first);
    assert_true(replay.replayed);
    assert_int_equal(fixture_keyed_transfer(w, LEDGER_TX_TRANSFER, a, b, 11, "k1").check,
                     A6_CHECK_IDEMPOTENCY_KEY_REUSED);
    assert_int_equal(fixture_keyed_transfer(w, LEDGER_TX_TRANSFER, a, b, 3, "k3").check, A6_OK);
    /* foreign keys are enforced again on the writer's connection */
    db_error_t err = {0};
    assert_true(writer_execute(w, insert_dangling_block, NULL, &err) < 0);
    writer_stop(w);
    assert_int_equal(fixture_holdings_total(path, a), 1000 - 10 - 4 + 2 - 3);
    char problem[256];
    assert_true(fixture_verify(path, problem, sizeof problem));
    fixture_db_remove(path);
}

static void test_upgrade_refuses_dangling_reference(void **state)
{
    (void)state;
    char path[256];
    fixture_db_path(path, sizeof path);
    int64_t a, b, first;
    build_v13(path, &a, &b, &first);
    sql_exec(path, "PRAGMA foreign_keys=OFF; INSERT INTO transaction_blocks(transaction_id, "
                   "issuance_id, first_serial, last_serial, vintage) "
                   "VALUES (424242, 1, 1, 1, 2022)");
    writer_t *w = NULL;
    db_error_t err = {0};
    assert_true(writer_start(path, NULL, &w, &err) < 0);
    assert_non_null(strstr(err.message, "transaction_blocks"));
    assert_int_equal(sql_int(path, "SELECT MAX(version) FROM schema_migrations"), 13);
    assert_int_equal(sql_int(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = "
                                   "'sqlite_autoindex_transactions_1'"),
                     1);
    fixture_db_remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upgrade_keeps_rows_and_keys),
        cmocka_unit_test(test_upgrade_refuses_dangling_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
