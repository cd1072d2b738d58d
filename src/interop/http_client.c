/* http_client.c: the libcurl side of partner messaging. */
#include "http_client.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"

static size_t collect(char *bytes, size_t size, size_t count, void *context)
{
    http_buffer_t *b = context;
    size_t n = size * count;
    if (b->length + n > ENVELOPE_BYTES_MAX) {
        b->overflow = 1;
        return 0;
    }
    char *grown = realloc(b->data, b->length + n + 1);
    if (!grown) return 0;
    b->data = grown;
    memcpy(b->data + b->length, bytes, n);
    b->length += n;
    b->data[b->length] = '\0';
    return n;
}

long http_post_json(const char *url, const char *body, long timeout_ms, http_buffer_t *answer,
                    char *error, size_t error_size)
{
    CURL *curl = curl_easy_init();
    if (!curl) return snprintf(error, error_size, "cannot start libcurl"), 0;
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    char curl_error[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, answer);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
    /* https: the peer's certificate is always verified, against the system's authorities or the
     * ones in A6REG_CA_FILE (a partner registry with its own authority). */
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    const char *authorities = getenv("A6REG_CA_FILE");
    if (authorities && *authorities) curl_easy_setopt(curl, CURLOPT_CAINFO, authorities);
    long status = 0;
    CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    else
        snprintf(error, error_size, "%s", *curl_error ? curl_error : curl_easy_strerror(rc));
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return status;
}
