/* db_driver.h: the function table a database driver implements behind db.h (private to store/). */
#ifndef A6_STORE_DB_DRIVER_H
#define A6_STORE_DB_DRIVER_H

#include "db.h"

typedef struct db_driver {
    const char *name;
    int (*open)(const char *location, db_open_mode_t mode, void **handle, db_error_t *err);
    void (*close)(void *handle);
    int (*exec)(void *handle, const char *sql, db_error_t *err);
    int (*prepare)(void *handle, const char *sql, void **statement, db_error_t *err);
    void (*finalize)(void *statement);
    int (*bind_int64)(void *statement, int index, int64_t value);
    int (*bind_text)(void *statement, int index, const char *value);
    /* optional: binds without copying (value stays unchanged until the statement is reset) */
    int (*bind_text_static)(void *statement, int index, const char *value);
    int (*bind_null)(void *statement, int index);
    int (*step)(void *handle, void *statement, db_error_t *err);
    int64_t (*column_int64)(void *statement, int column);
    const char *(*column_text)(void *statement, int column);
    bool (*column_is_null)(void *statement, int column);
    int (*column_count)(void *statement); /* after a step returned a row */
    const char *(*column_name)(void *statement, int column);
    void (*reset)(void *statement);
    int (*tune_writer)(void *handle, db_error_t *err);
    int (*checkpoint)(void *handle, db_error_t *err);
    const char *(*log_path)(void *handle);       /* see db_log_path; NULL: commits are durable */
    int64_t (*total_changes)(void *handle);      /* rows changed so far; NULL when not known */
    int (*flush)(void *handle, db_error_t *err); /* see db_flush; NULL: nothing is deferred */
    const char *begin_sql;       /* a transaction that reads one consistent snapshot */
    const char *begin_write_sql; /* a transaction that takes the write lock at once */
    const char *write_lock_sql;  /* run right after begin_write_sql (NULL: none needed) */
    const char *tables_sql;      /* the registry's tables, one per row, in creation order */
    const char *references_sql;  /* (table, table it refers to) for every foreign key */
} db_driver_t;

extern const db_driver_t db_sqlite_driver;
extern const db_driver_t db_postgres_driver;

#endif
