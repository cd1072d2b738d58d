/* web.h: the public web site and the account holders' pages: server-rendered HTML (no scripts,
 * no external assets), SVG charts drawn in C, English and Vietnamese. The HTTP server hands every
 * path outside /api/ to web_handle; pages read through the store and change state only through
 * the JSON API's handlers, so a form obeys exactly the rules and checks of the API. */
#ifndef A6_WEB_WEB_H
#define A6_WEB_WEB_H

#include <jansson.h>
#include <stddef.h>

#include "../api/api.h"
#include "html.h"

#define WEB_FORM_FIELDS_MAX 32
#define WEB_SESSION_COOKIE "a6session"
#define WEB_CSRF_COOKIE "a6csrf"
#define WEB_LANG_COOKIE "a6lang"
#define WEB_CSRF_SIZE 65               /* 64 hex digits and the terminator */
#define WEB_PAGE_BYTES_MAX (50 * 1024) /* the budget of one HTML page (tested) */

typedef enum web_lang { WEB_LANG_EN, WEB_LANG_VI } web_lang_t;

/* The fields of an application/x-www-form-urlencoded body, decoded. */
typedef struct web_form {
    size_t count;
    char *keys[WEB_FORM_FIELDS_MAX];
    char *values[WEB_FORM_FIELDS_MAX];
    char *storage; /* one allocation holding every key and value */
} web_form_t;

/* What the server knows about one request to the site. */
typedef struct web_request {
    const api_context_t *context;
    db_t *reader; /* the request's read transaction */
    const char *method;
    const char *path;
    const char *(*query)(void *transport, const char *key);
    void *transport;
    const char *(*cookie)(void *transport, const char *name);
    const char *accept_language;
    const char *body;
    size_t body_length;
    /* filled by web_handle */
    const auth_user_t *user;   /* the signed-in user, or NULL */
    const char *session_token; /* the session cookie's token when signed in */
    char csrf[WEB_CSRF_SIZE];  /* the token every form of this visitor carries */
    int new_csrf_cookie;       /* the visitor had no CSRF cookie: set it with the answer */
    web_lang_t lang;
    web_form_t form;
    char error[400];       /* a refused form's reason, shown on the page drawn again */
    const char *params[4]; /* path parameters of the page's pattern */
    char param_storage[256];
} web_request_t;

/* A page's answer. */
typedef struct web_page {
    unsigned status;
    const char *content_type; /* NULL: text/html */
    html_t body;
    char headers[768]; /* extra "Name: value\r\n" lines (Set-Cookie, Location, Content-Disposition)
                        */
} web_page_t;

/* Answers one request to the site into out (status, body, content type, extra headers). */
void web_handle(web_request_t *request, api_response_t *out);

/* ---- shared by the pages (web.c, layout.c) ---- */

/* Marks an English text that is translated later, where it is used (by T): the translation
 * table's test finds every text to translate from T(r, "...") and N_("..."). */
#define N_(text) text

/* The translation of an English text for the request's language (the text itself in English or
 * when no translation exists). */
const char *T(const web_request_t *r, const char *english);
/* A query parameter or NULL. */
const char *web_query(const web_request_t *r, const char *key);
/* A form field or NULL. */
const char *web_form_value(const web_request_t *r, const char *key);
/* Adds a header line to the answer. */
void web_header(web_page_t *page, const char *name, const char *value);
/* 303 See Other to location (after a form: the browser then GETs the result page). */
void web_redirect(web_page_t *page, const char *location);

/* Calls a JSON API handler as the signed-in user with an optional JSON body (stolen) and path
 * parameter, and returns its parsed answer (the error object on failure); *status is the HTTP
 * status it answered. Never NULL: an unparsable answer becomes {"error": ...}. */
json_t *web_call_api(const web_request_t *r, api_handler_fn handler, const char *param,
                     json_t *body, unsigned *status);

/* Page skeleton: header with navigation and the language switch, then main content. */
void layout_begin(const web_request_t *r, web_page_t *page, const char *title);
void layout_end(const web_request_t *r, web_page_t *page);
/* A hidden CSRF field for a form. */
void layout_csrf(const web_request_t *r, html_t *h);
/* The notice after a form (?done=CODE&id=N, fixed texts) and r->error when set. */
void layout_notice(const web_request_t *r, html_t *h);
/* An error page with status and message (translated). */
void layout_error(const web_request_t *r, web_page_t *page, unsigned status, const char *message);
/* A short date "YYYY-MM-DD" or an em dash when NULL/empty. */
void layout_date(html_t *h, const char *date);
/* One <dt>/<dd> pair of a facts list: the label translated; an integer with thousands separators,
 * a string, or an em dash for null or "". */
void layout_fact(const web_request_t *r, html_t *h, const char *label, const json_t *value);
/* The same for a text value (NULL or "": an em dash). */
void layout_fact_text(const web_request_t *r, html_t *h, const char *label, const char *text);
/* Keeps the reason of an API error answer in r->error ("message (check NAME CODE)"). */
void web_keep_error(web_request_t *r, const json_t *answer);

#endif
