/* test_durability.c: the SQLite writer answers a request only once the log holding it is
 * fsynced, this process's readers never see a batch before that, and a failed fsync fails the
 * batch and every later one. fdatasync is wrapped (-Wl,--wrap=fdatasync) so the test can hold the
 * writer's fsync, or make it fail. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/db.h"
#include "store/durability.h"
#include "store_fixture.h"

enum { FSYNC_PASS, FSYNC_HOLD, FSYNC_FAIL };

static atomic_int fsync_mode = FSYNC_PASS;
static atomic_int fsync_held;     /* a call is waiting in FSYNC_HOLD */
static atomic_int fsync_released; /* lets the held call return */
static atomic_int fsync_calls;

int __real_fdatasync(int fd);
int __wrap_fdatasync(int fd);

int __wrap_fdatasync(int fd)
{
    atomic_fetch_add(&fsync_calls, 1);
    int mode = atomic_load(&fsync_mode);
    if (mode == FSYNC_FAIL) {
        errno = EIO;
        return -1;
    }
    if (mode == FSYNC_HOLD) {
        atomic_store(&fsync_held, 1);
        while (!atomic_load(&fsync_released)) {
            struct timespec step = {.tv_sec = 0, .tv_nsec = 1000000};
            nanosleep(&step, NULL);
        }
    }
    return __real_fdatasync(fd);
}

static void sleep_ms(long ms)
{
    struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* Waits up to 10 s for flag to become nonzero. */
static int wait_flag(atomic_int *flag)
{
    for (int i = 0; i < 10000 && !atomic_load(flag); i++)
        sleep_ms(1);
    return atomic_load(flag);
}

typedef struct transfer_call {
    writer_t *writer;
    int64_t from, to, quantity;
    ledger_result_t result;
    atomic_int answered;
} transfer_call_t;

static void *transfer_thread(void *arg)
{
    transfer_call_t *call = arg;
    call->result =
        fixture_transaction(call->writer, LEDGER_TX_TRANSFER, call->from, call->to, call->quantity);
    atomic_store(&call->answered, 1);
    return NULL;
}

typedef struct holdings_read {
    const char *path;
    int64_t account;
    int64_t total;
    atomic_int done;
} holdings_read_t;

static void *holdings_thread(void *arg)
{
    holdings_read_t *read = arg;
    read->total = fixture_holdings_total(read->path, read->account);
    atomic_store(&read->done, 1);
    return NULL;
}

static void reset_fsync(int mode)
{
    atomic_store(&fsync_held, 0);
    atomic_store(&fsync_released, 0);
    atomic_store(&fsync_mode, mode);
}

/* A transfer whose fsync is held: not answered, and invisible to a reader of this process, until
 * the fsync returns; then both see it. */
static void test_answer_and_visibility_wait_for_fsync(void **state)
{
    (void)state;
    char path[256];
    fixture_db_path(path, sizeof path);
    reset_fsync(FSYNC_PASS);
    writer_t *w = fixture_writer_start(path, NULL);
    int64_t a, b;
    fixture_two_accounts(w, 100, 2024, &a, &b);
    assert_true(atomic_load(&fsync_calls) > 0); /* the writer fsyncs the log itself */

    reset_fsync(FSYNC_HOLD);
    transfer_call_t call = {.writer = w, .from = a, .to = b, .quantity = 30};
    pthread_t transfer;
    assert_int_equal(pthread_create(&transfer, NULL, transfer_thread, &call), 0);
    assert_true(wait_flag(&fsync_held)); /* committed; its fsync is running */
    holdings_read_t read = {.path = path, .account = b};
    pthread_t reader;
    assert_int_equal(pthread_create(&reader, NULL, holdings_thread, &read), 0);
    sleep_ms(200);
    assert_false(atomic_load(&call.answered));
    assert_false(atomic_load(&read.done));

    atomic_store(&fsync_released, 1);
    pthread_join(transfer, NULL);
    pthread_join(reader, NULL);
    assert_int_equal(call.result.check, A6_OK);
    assert_int_equal(call.result.store_error, 0);
    assert_int_equal(read.total, 30);
    reset_fsync(FSYNC_PASS);
    writer_stop(w);
    char problem[512];
    assert_true(fixture_verify(path, problem, sizeof problem));
    fixture_db_remove(path);
}

/* A failed fsync: the batch's caller gets a storage error, every later request too (the log's
 * state is unknown), and readers are not left waiting. */
static void test_failed_fsync_stops_the_writer(void **state)
{
    (void)state;
    char path[256];
    fixture_db_path(path, sizeof path);
    reset_fsync(FSYNC_PASS);
    writer_t *w = fixture_writer_start(path, NULL);
    int64_t a, b;
    fixture_two_accounts(w, 100, 2024, &a, &b);

    reset_fsync(FSYNC_FAIL);
    ledger_result_t first = fixture_transaction(w, LEDGER_TX_TRANSFER, a, b, 10);
    assert_int_not_equal(first.store_error, 0);
    assert_non_null(strstr(first.message, "cannot make the log durable"));
    reset_fsync(FSYNC_PASS);
    ledger_result_t later = fixture_transaction(w, LEDGER_TX_TRANSFER, a, b, 10);
    assert_int_not_equal(later.store_error, 0);
    assert_non_null(strstr(later.message, "cannot make the log durable"));
    /* A reader is let through: it does not hang on the failed batch. */
    int64_t total = fixture_holdings_total(path, a);
    assert_true(total == 100 || total == 90);
    writer_stop(w);
    fixture_db_remove(path);
}

typedef struct gated_read {
    const char *path;
    bool in_transaction;
    bool for_writer_request; /* db_begin_for_writer_request: does not wait */
    int rc;
    atomic_int done;
} gated_read_t;

static void *gated_read_thread(void *arg)
{
    gated_read_t *read = arg;
    db_t *db = NULL;
    db_error_t err = {0};
    read->rc = db_open(read->path, DB_OPEN_READ, &db, &err);
    if (read->rc == 0 && read->for_writer_request)
        read->rc = db_begin_for_writer_request(db, &err);
    else if (read->rc == 0 && read->in_transaction)
        read->rc = db_begin(db, &err);
    int64_t count = -1;
    if (read->rc == 0) read->rc = db_query_int64(db, "SELECT COUNT(*) FROM accounts", &count, &err);
    atomic_store(&read->done, 1);
    if (db) db_close(db);
    return NULL;
}

/* The gate alone: a reader's first statement (inside a transaction or not) returns only once
 * the commit it may see is durable, or once the writer released the gate; a POST's read
 * transaction (its answer comes from the writer) does not wait. */
static void test_gate_holds_readers(void **state)
{
    (void)state;
    char path[256];
    fixture_db_path(path, sizeof path);
    writer_t *w = fixture_writer_start(path, NULL);
    writer_stop(w); /* the file exists with its schema; no writer holds a gate now */

    durability_gate_t *gate = durability_gate_claim(durability_key_of(path));
    assert_non_null(gate);
    durability_committing(gate, 1);
    gated_read_t in_tx = {.path = path, .in_transaction = true};
    gated_read_t autocommit = {.path = path, .in_transaction = false};
    pthread_t t1, t2;
    assert_int_equal(pthread_create(&t1, NULL, gated_read_thread, &in_tx), 0);
    assert_int_equal(pthread_create(&t2, NULL, gated_read_thread, &autocommit), 0);
    gated_read_t post = {.path = path, .for_writer_request = true};
    pthread_t t3;
    assert_int_equal(pthread_create(&t3, NULL, gated_read_thread, &post), 0);
    pthread_join(t3, NULL);
    assert_int_equal(post.rc, 0);
    assert_true(atomic_load(&post.done));
    sleep_ms(200);
    assert_false(atomic_load(&in_tx.done));
    assert_false(atomic_load(&autocommit.done));
    durability_reached(gate, 1);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    assert_int_equal(in_tx.rc, 0);
    assert_int_equal(autocommit.rc, 0);

    durability_committing(gate, 2);
    gated_read_t late = {.path = path, .in_transaction = true};
    assert_int_equal(pthread_create(&t1, NULL, gated_read_thread, &late), 0);
    sleep_ms(100);
    assert_false(atomic_load(&late.done));
    durability_gate_release(gate);
    pthread_join(t1, NULL);
    assert_int_equal(late.rc, 0);
    fixture_db_remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_answer_and_visibility_wait_for_fsync),
        cmocka_unit_test(test_failed_fsync_stops_the_writer),
        cmocka_unit_test(test_gate_holds_readers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
