/* durability.h: keeps a writer's committed-but-not-yet-durable batches out of sight of the
 * readers in the same process.
 *
 * The SQLite writer commits with synchronous=NORMAL (the commit writes the log, no fsync) and
 * makes the log durable itself (writer.c's syncer) while it applies the next batch; callers are
 * answered only after that. Between the commit and the log's fsync, other connections could read
 * the batch: a reader in this process waits, after its snapshot is taken, until every commit
 * that snapshot may hold is durable. The writer registers a gate per database file; readers find
 * it by the file's device and inode. */
#ifndef A6_STORE_DURABILITY_H
#define A6_STORE_DURABILITY_H

#include <stdbool.h>
#include <stdint.h>

typedef struct durability_gate durability_gate_t;

/* A database file's identity; valid is false when the file could not be examined. */
typedef struct durability_key {
    bool valid;
    uint64_t device;
    uint64_t inode;
} durability_key_t;

durability_key_t durability_key_of(const char *path);

/* Claims the gate of the file (one writer per file); NULL when none is free or the key is not
 * valid (the writer then commits with a synchronous fsync instead). */
durability_gate_t *durability_gate_claim(durability_key_t key);
/* Releases the gate once everything committed through it is durable. */
void durability_gate_release(durability_gate_t *gate);

/* The writer is about to commit its batch number n (1, 2, ...): readers that take a snapshot
 * from now on wait for n to be durable. */
void durability_committing(durability_gate_t *gate, uint64_t n);
/* Every batch up to n is durable: wakes the readers waiting for it. */
void durability_reached(durability_gate_t *gate, uint64_t n);

/* Called by a reader right after its snapshot of the file was taken: returns once every commit
 * the snapshot may contain is durable (at once when no writer of this process has one pending). */
void durability_wait_visible(durability_key_t key);

#endif
