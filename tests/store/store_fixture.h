/* store_fixture.h: helpers shared by the store tests: temporary databases, one-line requests and
 * a fingerprint of every ledger table to prove a rejected request changed nothing. */
#ifndef A6_TESTS_STORE_FIXTURE_H
#define A6_TESTS_STORE_FIXTURE_H

#include <stdint.h>

#include "core/request.h"
#include "store/writer.h"

/* Makes a fresh temporary directory and returns "<dir>/test.db" in path (size >= 256). */
void fixture_db_path(char *path, size_t size);
/* Removes the database files and the directory made by fixture_db_path. */
void fixture_db_remove(const char *path);

/* Starts a writer on path (config may be NULL); fails the test unless it starts. */
writer_t *fixture_writer_start(const char *path, const writer_config_t *config);
/* Opens the holding accounts "A" and "B" and issues quantity units of vintage into A. */
void fixture_two_accounts(writer_t *w, int64_t quantity, int32_t vintage, int64_t *a, int64_t *b);
/* Opens an account through the writer; fails the test unless accepted. */
int64_t fixture_open_account(writer_t *w, const char *holder, ledger_account_type_t type);
/* Issues quantity units of vintage into account; fails the test unless accepted. */
int64_t fixture_issue(writer_t *w, int64_t to, int64_t quantity, int32_t vintage);
/* Submits a transaction and returns its result. */
ledger_result_t fixture_transaction(writer_t *w, ledger_tx_type_t type, int64_t from, int64_t to,
                                    int64_t quantity);
/* The same with an idempotency key (NULL: none). */
ledger_result_t fixture_keyed_transfer(writer_t *w, ledger_tx_type_t type, int64_t from, int64_t to,
                                       int64_t quantity, const char *key);

/* Units held by an account, read on a separate reader connection. */
int64_t fixture_holdings_total(const char *path, int64_t account);
/* SHA-256 (hex) of the ordered contents of accounts, issuances, blocks, transactions,
 * transaction_blocks and audit_log. */
void fixture_fingerprint(const char *path, char out[65]);
/* 1 when `a6reg verify`'s check passes on path. */
int fixture_verify(const char *path, char *problem, size_t problem_size);

#endif
