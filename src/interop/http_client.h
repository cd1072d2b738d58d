/* http_client.h: one JSON POST to a partner registry with libcurl (timeouts, http or https only,
 * certificates verified against the system's authorities or those of the file named by
 * A6REG_CA_FILE, the answer read up to ENVELOPE_BYTES_MAX). */
#ifndef A6_INTEROP_HTTP_CLIENT_H
#define A6_INTEROP_HTTP_CLIENT_H

#include <stddef.h>

typedef struct http_buffer {
    char *data; /* NUL-terminated, caller frees */
    size_t length;
    int overflow;
} http_buffer_t;

/* POSTs body to url; returns the HTTP status, or 0 with error filled when nothing came back. */
long http_post_json(const char *url, const char *body, long timeout_ms, http_buffer_t *answer,
                    char *error, size_t error_size);

#endif
