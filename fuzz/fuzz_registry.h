/* fuzz_registry.h: what the stateful fuzz targets share: a throwaway registry (a writer and a
 * reader on a temporary SQLite file), a cheap fingerprint of its contents, and the history of the
 * inputs it was given. */
#ifndef A6_FUZZ_FUZZ_REGISTRY_H
#define A6_FUZZ_FUZZ_REGISTRY_H

#include <stdint.h>

#include "fuzz_fail.h"
#include "store/db.h"
#include "store/writer.h"

#define FUZZ_PATH_MAX 512
#define FUZZ_HASH_SIZE 65 /* an audit hash: 64 hex digits and the terminator */

typedef struct fuzz_registry {
    char dir[FUZZ_PATH_MAX];  /* the temporary directory holding everything below */
    char path[FUZZ_PATH_MAX]; /* "<dir>/registry.db" */
    writer_t *writer;
    db_t *reader;
} fuzz_registry_t;

/* Cheap summary of a registry: if a request changed anything, one of these differs (every
 * writer operation appends to the audit log; the counts also catch unaudited inserts). */
typedef struct fuzz_fingerprint {
    int64_t rows;       /* rows in every ledger, cycle and auth table together */
    int64_t audit_last; /* seq of the newest audit record, 0 when none */
    char audit_hash[FUZZ_HASH_SIZE];
} fuzz_fingerprint_t;

/* Every input given to a registry since it was created, in order: a failure that depends on them
 * is replayed by running the target on the files fuzz_history_save writes. */
typedef struct fuzz_history {
    uint8_t **inputs;
    size_t *sizes;
    size_t count;
    size_t capacity;
} fuzz_history_t;

/* Keeps a copy of an input; aborts when out of memory. */
void fuzz_history_add(fuzz_history_t *history, const uint8_t *data, size_t size);
/* Forgets every input (the registry was replaced). */
void fuzz_history_clear(fuzz_history_t *history);
/* Writes each kept input as <base>/fuzz-history-<pid>/NNNNN (base: $FUZZ_HISTORY_DIR, else the
 * working directory) and prints how to replay them. */
void fuzz_history_save(const fuzz_history_t *history);

/* Creates an empty registry in a new temporary directory named after label (in /dev/shm when it
 * exists: the writer syncs every commit), starts its writer and opens a reader. Aborts on
 * failure. */
void fuzz_registry_open(fuzz_registry_t *registry, const char *label);
/* Stops the writer, closes the reader and removes the directory with everything in it. */
void fuzz_registry_close(fuzz_registry_t *registry);

/* Replays the audit chain against the tables (`a6reg verify`); aborts when they disagree. */
void fuzz_registry_verify(fuzz_registry_t *registry);
/* Aborts unless the units in blocks add up to the units issued. */
void fuzz_registry_check_units(fuzz_registry_t *registry);
/* Reads the fingerprint on the reader connection; aborts on a read error. */
void fuzz_registry_fingerprint(fuzz_registry_t *registry, fuzz_fingerprint_t *out);
/* True when two fingerprints are identical. */
int fuzz_fingerprint_equal(const fuzz_fingerprint_t *a, const fuzz_fingerprint_t *b);

/* Makes a new empty directory "<tmp>/a6reg-fuzz-<label>-XXXXXX" into dir; aborts on failure. */
void fuzz_temp_dir(const char *label, char dir[FUZZ_PATH_MAX]);
/* Removes dir and the regular files directly inside it (best effort). */
void fuzz_remove_dir(const char *dir);
/* Writes size bytes to path (created or truncated); aborts on failure. */
void fuzz_write_file(const char *path, const uint8_t *data, size_t size);

#endif
