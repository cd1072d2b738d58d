/* schema.h: the registry's database schema as ordered migrations, applied at open. */
#ifndef A6_STORE_SCHEMA_H
#define A6_STORE_SCHEMA_H

#include "db.h"

/* Applies every migration newer than the database's version, each in its own transaction.
 * Returns 0 or a negative db_result_t. */
int schema_migrate(db_t *db, db_error_t *err);

/* The newest schema version this build knows. */
int schema_version_latest(void);

#endif
