/* server.h: the registry's HTTP server (libmicrohttpd, epoll and a thread pool), its limits, and
 * graceful shutdown on SIGINT/SIGTERM. */
#ifndef A6_HTTP_SERVER_H
#define A6_HTTP_SERVER_H

#include <stddef.h>
#include <stdint.h>

typedef struct server_config {
    const char *db_location;
    const char *read_db_location;   /* where request threads read (a replica); NULL: db_location */
    const char *host;               /* IPv4 address to listen on ("127.0.0.1") */
    unsigned port;                  /* 0 picks a free port (printed at start) */
    unsigned threads;               /* thread pool size; 0 = 4 per core */
    size_t body_max_bytes;          /* larger bodies get 413 */
    unsigned connections_max;       /* concurrent connections */
    unsigned timeout_s;             /* idle time before a connection is closed */
    size_t connection_memory_bytes; /* per connection, bounds the headers */
    int64_t four_eyes_above;        /* transfers above this need a second person */
    const char *access_log;         /* file path, "-" for stderr, "off" for none */
    size_t batch_max;               /* the writer's batch size */
    long reconcile_every_s;         /* reconcile with every partner this often; 0: never */
} server_config_t;

/* Defaults: 127.0.0.1:8080, 4 threads per core, 1 MiB bodies, 1024 connections, 30 s, 32 KiB per
 * connection, four-eyes above 10,000 t, access log on stderr, reconciliation every hour. */
void server_config_defaults(server_config_t *config);

/* Opens the database, starts the writer and the server, prints "listening on http://HOST:PORT",
 * and serves until SIGINT or SIGTERM; then stops taking requests, finishes the ones in flight,
 * drains the writer and returns 0. Returns 1 when it cannot start. */
int server_run(const server_config_t *config);

#endif
