/* server.c: libmicrohttpd glue: bodies bounded while they arrive, authentication, routing,
 * one access-log line and metrics per request, per-thread read connections, and shutdown. */
#include "server.h"

#include <arpa/inet.h>
#include <malloc.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/access.h"
#include "../interop/outbox.h"
#include "../interop/partners.h"
#include "../interop/reconcile_link.h"
#include "../store/ledger_store.h"
#include "../web/web.h"
#include "metrics.h"
#include "router.h"

#define SERVER_PATH_MAX 1024
#define SERVER_THREADS_PER_CORE 4
#define SERVER_MALLOC_ARENAS_MAX 2 /* glibc arenas shared by all threads (default: 8 per core) */
#define SERVER_TRIM_EVERY_S 5

typedef struct server {
    const server_config_t *config;
    api_context_t context;
    metrics_t metrics;
    pthread_key_t reader_key;
    FILE *access_log;
    pthread_mutex_t log_lock;
    int in_flight; /* suspended connections waiting for the writer */
    int stopping;  /* set at shutdown: no new suspensions, transactions are answered in place */
} server_t;

/* What one request accumulates between the access handler's calls. */
typedef struct request_state {
    char *body;
    size_t length;
    size_t capacity;
    int too_large;
    uint64_t started_ns;
    unsigned status;
    char user[64];
    char method[16];
    char path[160];
    /* A transaction handed to the writer while the connection is suspended. */
    server_t *server;
    struct MHD_Connection *connection;
    api_pending_transaction_t *pending;
    api_response_t response;
    int ready;
} request_state_t;

static uint64_t monotonic_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

void server_config_defaults(server_config_t *c)
{
    memset(c, 0, sizeof *c);
    c->host = "127.0.0.1";
    c->port = 8080;
    c->body_max_bytes = 1024 * 1024;
    c->connections_max = 1024;
    c->timeout_s = 30;
    c->connection_memory_bytes = 32 * 1024;
    c->four_eyes_above = 10000;
    c->access_log = "-";
    c->reconcile_every_s = 3600;
}

static void close_reader(void *db)
{
    db_close(db);
}

/* This thread's read-only connection, opened on first use. */
static db_t *thread_reader(server_t *s)
{
    db_t *db = pthread_getspecific(s->reader_key);
    if (db) return db;
    db_error_t err = {0};
    /* Requests read on the replica when there is one; the writer, the outbox and reconciliation
     * always work on the primary. */
    const char *location =
        s->config->read_db_location ? s->config->read_db_location : s->context.db_location;
    if (ledger_store_open_reader(location, &db, &err) < 0) {
        fprintf(stderr, "a6reg: cannot open %s for reading: %s\n", location, err.message);
        return NULL;
    }
    pthread_setspecific(s->reader_key, db);
    return db;
}

static const char *query_value(void *transport, const char *key)
{
    return MHD_lookup_connection_value(transport, MHD_GET_ARGUMENT_KIND, key);
}

static void plain_response(api_response_t *out, unsigned status, const char *type, char *body)
{
    out->status = status;
    out->content_type = type;
    out->body = body;
    out->length = body ? strlen(body) : 0;
}

/* Called on the writer thread when a suspended transaction is settled: keeps the answer and
 * resumes the connection, whose access handler then sends it. */
static void on_transaction_done(ledger_result_t *result, void *data)
{
    request_state_t *state = data;
    api_transactions_answer(result, &state->response);
    __atomic_store_n(&state->ready, 1, __ATOMIC_RELEASE);
    server_t *s = state->server;
    struct MHD_Connection *c = state->connection;
    (void)s;
    MHD_resume_connection(c);
}

/* POST /api/v1/transactions without holding a thread: prepare, suspend, hand to the writer.
 * Returns 1 when the connection was suspended, 0 when out was answered here. */
static int dispatch_transaction(server_t *s, struct MHD_Connection *c, const api_request_t *request,
                                request_state_t *state, api_response_t *out)
{
    state->pending = malloc(sizeof *state->pending);
    if (!state->pending) {
        api_storage_error(out, "out of memory");
        return 0;
    }
    if (!api_transactions_prepare(request, out, state->pending)) return 0;
    /* Counted before looking at `stopping`, so shutdown never misses a suspension. */
    __atomic_add_fetch(&s->in_flight, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&s->stopping, __ATOMIC_SEQ_CST)) {
        __atomic_sub_fetch(&s->in_flight, 1, __ATOMIC_SEQ_CST);
        writer_submit(s->context.writer, &state->pending->request, &state->pending->result);
        api_transactions_answer(&state->pending->result, out);
        return 0;
    }
    state->server = s;
    state->connection = c;
    MHD_suspend_connection(c);
    if (writer_submit_async(s->context.writer, &state->pending->request, &state->pending->result,
                            on_transaction_done, state) < 0) {
        api_storage_error(&state->response, "cannot queue the transaction");
        __atomic_store_n(&state->ready, 1, __ATOMIC_RELEASE);
        MHD_resume_connection(c);
    }
    return 1;
}

static int dispatch_authorized(server_t *s, struct MHD_Connection *c, api_request_t *request_in,
                               const route_t *route, request_state_t *state, api_response_t *out);

static const char *cookie_value(void *transport, const char *name)
{
    return MHD_lookup_connection_value(transport, MHD_COOKIE_KIND, name);
}

/* The request's read transaction. A GET's reads wait for the batches they see to be durable; a
 * POST's answer comes from the writer, durable, so its reads need not. */
static int begin_read(db_t *reader, const char *method, db_error_t *err)
{
    bool reads_only = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    return reads_only ? db_begin(reader, err) : db_begin_for_writer_request(reader, err);
}

/* A page of the web site (every path outside /api/), inside one read transaction. */
static int serve_web(server_t *s, struct MHD_Connection *c, const char *url, const char *method,
                     request_state_t *state, api_response_t *out)
{
    web_request_t request = {
        .context = &s->context,
        .reader = thread_reader(s),
        .method = method,
        .path = url,
        .query = query_value,
        .transport = c,
        .cookie = cookie_value,
        .accept_language = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language"),
        .body = state->body,
        .body_length = state->length,
    };
    db_error_t err = {0};
    if (!request.reader || begin_read(request.reader, method, &err) < 0) {
        api_storage_error(out, "cannot open a read connection");
        return 0;
    }
    web_handle(&request, out);
    if (out->status < 400 && request.user)
        snprintf(state->user, sizeof state->user, "%s", request.user->name);
    db_rollback(request.reader, &err);
    return 0;
}

/* Authenticates (when a token is given), routes and calls the handler. Returns 1 when the
 * connection was suspended for the writer (the answer comes later), 0 when out is answered. */
static int dispatch(server_t *s, struct MHD_Connection *c, const char *url, const char *method,
                    request_state_t *state, api_response_t *out)
{
    if (state->too_large) {
        char message[96];
        snprintf(message, sizeof message, "the body is larger than %zu bytes",
                 s->config->body_max_bytes);
        {
            api_error(out, A6_CHECK_BODY_TOO_LARGE, NULL, message);
            return 0;
        }
    }
    if (strlen(url) > SERVER_PATH_MAX) {
        api_error(out, A6_CHECK_ROUTE_NOT_FOUND, NULL, NULL);
        return 0;
    }
    if (strcmp(url, "/metrics") == 0 && strcmp(method, "GET") == 0) {
        plain_response(out, 200, "text/plain; version=0.0.4",
                       metrics_render(&s->metrics, s->context.writer));
        return 0;
    }
    if (strncmp(url, "/api/", 5) != 0) return serve_web(s, c, url, method, state, out);
    api_request_t request = {.context = &s->context,
                             .method = method,
                             .path = url,
                             .body = state->body,
                             .body_length = state->length,
                             .query = query_value,
                             .transport = c};
    char params[SERVER_PATH_MAX + 8];
    int path_known = 0;
    const route_t *route =
        router_match(method, url, request.params, params, sizeof params, &path_known);
    if (!route) {
        api_error(out, path_known ? A6_CHECK_METHOD_NOT_ALLOWED : A6_CHECK_ROUTE_NOT_FOUND, NULL,
                  NULL);
        return 0;
    }
    request.reader = thread_reader(s);
    if (!request.reader) {
        api_storage_error(out, "cannot open a read connection");
        return 0;
    }
    /* One read transaction per request: a consistent snapshot for all its reads, and one lock
     * check instead of one per statement. */
    db_error_t read_err = {0};
    if (begin_read(request.reader, method, &read_err) < 0) {
        api_storage_error(out, read_err.message);
        return 0;
    }
    int suspended = dispatch_authorized(s, c, &request, route, state, out);
    db_rollback(request.reader, &read_err); /* read-only: nothing to commit */
    return suspended;
}

/* The part of dispatch inside the request's read transaction. */
static int dispatch_authorized(server_t *s, struct MHD_Connection *c, api_request_t *request_in,
                               const route_t *route, request_state_t *state, api_response_t *out)
{
    api_request_t request = *request_in;
    request.idempotency_key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Idempotency-Key");
    request.authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    auth_user_t user;
    if (request.authorization) {
        if (strncmp(request.authorization, "Bearer ", 7) != 0) {
            api_error(out, A6_CHECK_TOKEN_INVALID, "Authorization",
                      "use Authorization: Bearer TOKEN");
            return 0;
        }
        a6_check_t check;
        db_error_t err = {0};
        if (auth_token_lookup(request.reader, request.authorization + 7, &user, &check, &err) < 0) {
            api_storage_error(out, err.message);
            return 0;
        }
        if (check != A6_OK) {
            api_error(out, check, "Authorization", NULL);
            return 0;
        }
        request.user = &user;
        snprintf(state->user, sizeof state->user, "%s", user.name);
    }
    if (route->roles != ROUTE_PUBLIC) {
        if (!request.user) {
            api_error(out, A6_CHECK_AUTHENTICATION_REQUIRED, NULL, NULL);
            return 0;
        }
        a6_check_t check = access_role(route->roles, request.user->role);
        if (check != A6_OK) {
            api_error(out, check, "role", NULL);
            return 0;
        }
    }
    if (route->handler == api_transactions_create)
        return dispatch_transaction(s, c, &request, state, out);
    route->handler(&request, out);
    return 0;
}

/* Adds "Name: value\r\n" lines (a page's cookies and redirects) to a response. */
static void add_extra_headers(struct MHD_Response *response, char *lines)
{
    for (char *line = lines; line && *line;) {
        char *end = strstr(line, "\r\n");
        if (!end) break;
        *end = '\0';
        char *colon = strstr(line, ": ");
        if (colon) {
            *colon = '\0';
            MHD_add_response_header(response, line, colon + 2);
        }
        line = end + 2;
    }
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **context)
{
    server_t *s = cls;
    request_state_t *state = *context;
    if (!state) {
        state = calloc(1, sizeof *state);
        if (!state) return MHD_NO;
        state->started_ns = monotonic_ns();
        snprintf(state->method, sizeof state->method, "%s", method);
        /* Logged paths keep printable ASCII only, so a hostile path cannot forge log lines. */
        size_t n = 0;
        for (const char *p = url; *p && n + 1 < sizeof state->path; p++)
            state->path[n++] = (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\') ? *p : '?';
        state->path[n] = '\0';
        *context = state;
        return MHD_YES; /* answer on a later call, which keeps the connection alive */
    }
    if (*upload_size) {
        if (!state->too_large && state->length + *upload_size > s->config->body_max_bytes) {
            state->too_large = 1;
            free(state->body);
            state->body = NULL;
        }
        if (!state->too_large) {
            if (state->length + *upload_size > state->capacity) {
                size_t capacity = state->capacity ? state->capacity * 2 : 4096;
                while (capacity < state->length + *upload_size)
                    capacity *= 2;
                char *grown = realloc(state->body, capacity);
                if (!grown) return MHD_NO;
                state->body = grown;
                state->capacity = capacity;
            }
            memcpy(state->body + state->length, upload_data, *upload_size);
            state->length += *upload_size;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    api_response_t out = {0};
    if (__atomic_load_n(&state->ready, __ATOMIC_ACQUIRE)) {
        out = state->response; /* resumed after the writer settled the transaction */
        state->response = (api_response_t){0};
    } else if (dispatch(s, c, url, method, state, &out)) {
        return MHD_YES;
    }
    struct MHD_Response *response =
        MHD_create_response_from_buffer(out.length, out.body, MHD_RESPMEM_MUST_FREE);
    if (!response) {
        free(out.body);
        free(out.headers);
        return MHD_NO;
    }
    MHD_add_response_header(response, "Content-Type", out.content_type);
    add_extra_headers(response, out.headers);
    free(out.headers);
    MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(response, "Cache-Control", "no-store");
    state->status = out.status;
    enum MHD_Result result = MHD_queue_response(c, out.status, response);
    MHD_destroy_response(response);
    return result;
}

/* After each request: one access-log line, the metrics, and freeing its state. */
static void on_completed(void *cls, struct MHD_Connection *c, void **context,
                         enum MHD_RequestTerminationCode code)
{
    server_t *s = cls;
    request_state_t *state = *context;
    if (!state) return;
    uint64_t latency_us = (monotonic_ns() - state->started_ns) / 1000;
    unsigned status = state->status ? state->status : 499;
    metrics_record(&s->metrics, status, latency_us);
    if (s->access_log) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        char address[INET6_ADDRSTRLEN] = "-";
        if (info && info->client_addr && info->client_addr->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)info->client_addr)->sin_addr, address,
                      sizeof address);
        char now[32];
        clock_now_iso(now);
        pthread_mutex_lock(&s->log_lock);
        fprintf(s->access_log,
                "{\"time\":\"%s\",\"client\":\"%s\",\"method\":\"%s\",\"path\":\"%s\","
                "\"status\":%u,\"latency_ms\":%.3f,\"bytes_in\":%zu,\"user\":\"%s\","
                "\"completed\":%s}\n",
                now, address, state->method, state->path, status, (double)latency_us / 1000.0,
                state->length, state->user[0] ? state->user : "-",
                code == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "true" : "false");
        fflush(s->access_log);
        pthread_mutex_unlock(&s->log_lock);
    }
    /* A suspended transaction counts as in flight until MHD is done with its connection. */
    if (state->server) __atomic_sub_fetch(&s->in_flight, 1, __ATOMIC_SEQ_CST);
    free(state->body);
    free(state->pending);
    free(state->response.body);
    free(state->response.headers);
    free(state);
    *context = NULL;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decodes the path and query values in place. A decoded NUL or control character
 * becomes DEL, so "/accounts/1%00" can never be read as "/accounts/1": such paths match no
 * route and such values fail validation. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *text)
{
    char *out = text;
    for (const char *in = text; *in; in++) {
        int high, low;
        if (*in == '%' && (high = hex_value(in[1])) >= 0 && (low = hex_value(in[2])) >= 0) {
            unsigned char byte = (unsigned char)(high * 16 + low);
            *out++ = (char)(byte < 0x20 || byte == 0x7f ? 0x7f : byte);
            in += 2;
        } else {
            *out++ = *in;
        }
    }
    *out = '\0';
    return (size_t)(out - text);
}

static unsigned cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

static struct MHD_Daemon *start_daemon(server_t *s, const struct sockaddr_in *address)
{
    const server_config_t *c = s->config;
    /* Transactions do not hold a thread while the writer commits (the connection is suspended),
     * but the cycle's and the accounts' changes do: a few threads per core keep them moving. */
    unsigned threads = c->threads ? c->threads : SERVER_THREADS_PER_CORE * cores();
    return MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME,
        (uint16_t)c->port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, address,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT, c->connections_max,
        MHD_OPTION_CONNECTION_TIMEOUT, c->timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        c->connection_memory_bytes, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
        MHD_OPTION_END);
}

/* Waits for SIGINT or SIGTERM. Every SERVER_TRIM_EVERY_S meanwhile, hands the heap memory freed
 * by the request threads back to the system: responses of very different sizes otherwise leave
 * each thread's arena at its high-water mark, and the resident size would only ever grow. */
static int wait_for_stop(const sigset_t *signals)
{
    const struct timespec every = {.tv_sec = SERVER_TRIM_EVERY_S};
    for (;;) {
        int signal_number = sigtimedwait(signals, NULL, &every);
        if (signal_number == SIGINT || signal_number == SIGTERM) return signal_number;
        if (signal_number < 0) malloc_trim(0); /* the timeout (or EINTR): trim, wait again */
    }
}

int server_run(const server_config_t *config)
{
    server_t s = {.config = config};
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)config->port)};
    const char *host = strcmp(config->host, "localhost") == 0 ? "127.0.0.1" : config->host;
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) {
        fprintf(stderr, "a6reg: --listen needs an IPv4 address, not '%s'\n", config->host);
        return 1;
    }
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &signals, NULL); /* every thread started from here on inherits it */
    /* Few arenas for many short-lived allocations on many threads: the memory one thread frees is
     * reused by the others instead of each thread keeping its own peak. */
    mallopt(M_ARENA_MAX, SERVER_MALLOC_ARENAS_MAX);

    writer_config_t writer_config = {.batch_max = config->batch_max};
    db_error_t err = {0};
    writer_t *writer = NULL;
    if (writer_start(config->db_location, &writer_config, &writer, &err) < 0) {
        fprintf(stderr, "a6reg: cannot open %s: %s\n", config->db_location, err.message);
        return 1;
    }
    if (config->read_db_location) { /* a replica that cannot be read is a start-up error */
        db_t *replica = NULL;
        if (ledger_store_open_reader(config->read_db_location, &replica, &err) < 0) {
            fprintf(stderr, "a6reg: cannot open --read-db %s: %s\n", config->read_db_location,
                    err.message);
            writer_stop(writer);
            return 1;
        }
        db_close(replica);
    }
    /* The registry's identity signs partner messages; the delivery thread sends the queued ones. */
    registry_keys_t keys;
    int identity = 0;
    db_t *reader = NULL;
    if (ledger_store_open_reader(config->db_location, &reader, &err) == 0) {
        registry_identity_load(reader, &keys, &identity, &err);
        db_close(reader);
    }
    outbox_worker_t *outbox = identity ? outbox_worker_start(writer, config->db_location, &keys,
                                                             200, config->reconcile_every_s)
                                       : NULL;
    s.context = (api_context_t){.writer = writer,
                                .keys = identity ? &keys : NULL,
                                .reconcile_cache = reconcile_cache_new(),
                                .db_location = config->db_location,
                                .four_eyes_above = config->four_eyes_above};
    if (strcmp(config->access_log, "-") == 0)
        s.access_log = stderr;
    else if (strcmp(config->access_log, "off") != 0)
        s.access_log = fopen(config->access_log, "a");
    pthread_mutex_init(&s.log_lock, NULL);
    pthread_key_create(&s.reader_key, close_reader);
    struct MHD_Daemon *daemon = start_daemon(&s, &address);
    if (!daemon) {
        fprintf(stderr, "a6reg: cannot listen on %s:%u\n", config->host, config->port);
        outbox_worker_stop(outbox);
        reconcile_cache_free(s.context.reconcile_cache);
        writer_stop(writer);
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    printf("listening on http://%s:%u\n", host, info ? info->port : config->port);
    fflush(stdout);

    int signal_number = wait_for_stop(&signals);
    fprintf(stderr, "a6reg: %s received, finishing requests in flight\n",
            signal_number == SIGINT ? "SIGINT" : "SIGTERM");
    /* Stop accepting, let the transactions in the writer's hands be answered, then stop: the pool
     * threads finish their requests and exit. */
    MHD_socket listener = MHD_quiesce_daemon(daemon);
    __atomic_store_n(&s.stopping, 1, __ATOMIC_SEQ_CST);
    for (int waited_ms = 0;
         __atomic_load_n(&s.in_flight, __ATOMIC_SEQ_CST) > 0 && waited_ms < 30000; waited_ms++)
        nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
    MHD_stop_daemon(daemon);
    if (listener != MHD_INVALID_SOCKET) close(listener);
    outbox_worker_stop(outbox);
    reconcile_cache_free(s.context.reconcile_cache);
    writer_stop(writer); /* everything queued is committed before this returns */
    sodium_memzero(&keys, sizeof keys);
    pthread_key_delete(s.reader_key);
    if (s.access_log && s.access_log != stderr) fclose(s.access_log);
    pthread_mutex_destroy(&s.log_lock);
    return 0;
}
