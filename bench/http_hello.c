/* http_hello.c: the HTTP ceiling bench/http compares a6reg with: a hello-world libmicrohttpd
 * server started with the same daemon flags and options as src/http/server.c (epoll internal
 * thread, a pool of 4 threads per core, suspend/resume allowed, the same connection limits),
 * answering a small JSON body with the same headers on the second call of the access handler
 * (answering on the first call closes keep-alive connections).
 *
 * Usage: http_hello [--listen 127.0.0.1:PORT] [--threads N]
 * Prints "listening on http://HOST:PORT" once it accepts, serves until SIGINT or SIGTERM. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The same values as server_config_defaults() and start_daemon() in src/http/server.c. */
#define HELLO_THREADS_PER_CORE 4
#define HELLO_CONNECTIONS_MAX 1024
#define HELLO_TIMEOUT_S 30
#define HELLO_CONNECTION_MEMORY_BYTES (32 * 1024)
#define HELLO_BACKLOG 1024

static const char hello_body[] = "{\"status\":\"ok\",\"version\":\"hello\",\"queue_depth\":0}";
static int hello_marker; /* the address marks a connection's first call as seen */

/* First call: remember the request and return (keeps the connection alive); second call: answer
 * with a fresh copy of the body, as a6reg answers with a buffer it allocated. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **context)
{
    if (!*context) {
        *context = &hello_marker;
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0; /* a hello server ignores bodies */
        return MHD_YES;
    }
    size_t length = sizeof hello_body - 1;
    char *body = malloc(length);
    if (!body) return MHD_NO;
    memcpy(body, hello_body, length);
    struct MHD_Response *response =
        MHD_create_response_from_buffer(length, body, MHD_RESPMEM_MUST_FREE);
    if (!response) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(response, "Content-Type", "application/json");
    MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(response, "Cache-Control", "no-store");
    enum MHD_Result result = MHD_queue_response(c, 200, response);
    MHD_destroy_response(response);
    return result;
}

/* Parses "HOST:PORT" into address; returns 0, or -1 when it is not an IPv4 address and port. */
static int parse_listen(const char *text, struct sockaddr_in *address)
{
    char host[64];
    const char *colon = strrchr(text, ':');
    if (!colon || (size_t)(colon - text) >= sizeof host) return -1;
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = '\0';
    char *end = NULL;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535) return -1;
    address->sin_family = AF_INET;
    address->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host, &address->sin_addr) == 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
    struct sockaddr_in address = {0};
    const char *listen_at = "127.0.0.1:0";
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = HELLO_THREADS_PER_CORE * (unsigned)(cores > 0 ? cores : 1);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
            listen_at = argv[++i];
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            threads = (unsigned)strtoul(argv[++i], NULL, 10);
        } else {
            fprintf(stderr, "usage: http_hello [--listen 127.0.0.1:PORT] [--threads N]\n");
            return 2;
        }
    }
    if (parse_listen(listen_at, &address) < 0 || threads == 0) {
        fprintf(stderr, "http_hello: --listen needs IPv4:PORT and --threads a positive number\n");
        return 2;
    }
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME,
        ntohs(address.sin_port), NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, &address,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)HELLO_CONNECTIONS_MAX, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HELLO_TIMEOUT_S,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HELLO_CONNECTION_MEMORY_BYTES,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)HELLO_BACKLOG, MHD_OPTION_END);
    if (!daemon) {
        fprintf(stderr, "http_hello: cannot listen on %s\n", listen_at);
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    char host[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &address.sin_addr, host, sizeof host);
    printf("listening on http://%s:%u\n", host, info ? info->port : ntohs(address.sin_port));
    fflush(stdout);
    int signal_number = 0;
    do {
        sigwait(&signals, &signal_number);
    } while (signal_number == SIGPIPE);
    MHD_stop_daemon(daemon);
    return 0;
}
