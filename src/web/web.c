/* web.c: the site's front door: language, session cookie, CSRF token, form decoding, routing to a
 * page, security headers, and calling the JSON API's handlers on a visitor's behalf. */
#include "web.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/auth_store.h"
#include "pages.h"

const web_route_t web_routes[] = {
    {"GET", "/", page_home, 0},
    {"GET", "/activities", page_activities, 0},
    {"GET", "/activities.csv", page_activities, 0},
    {"GET", "/activities/{}", page_activity, 0},
    {"GET", "/delays", page_delays, 0},
    {"GET", "/delays.csv", page_delays, 0},
    {"GET", "/finance", page_finance, 0},
    {"GET", "/credits", page_credits, 0},
    {"GET", "/credits.csv", page_credits, 0},
    {"GET", "/ndc", page_ndc, 0},
    {"GET", "/reports", page_reports, 0},
    {"GET", "/audit", page_audit, 0},
    {"GET", "/certificates/{}", page_certificate, 0},
    {"GET", "/static/site.css", page_stylesheet, 0},
    {"GET", "/signin", page_signin, 0},
    {"POST", "/signin", page_signin_post, 0},
    {"POST", "/signout", page_signout_post, 1},
    {"GET", "/accounts", page_accounts, 1},
    {"GET", "/accounts.csv", page_accounts, 1},
    {"GET", "/accounts/{}", page_account, 1},
    {"GET", "/accounts/{}/holdings.csv", page_account, 1},
    {"POST", "/accounts/{}/{}", page_account_action_post, 1},
    {"GET", "/approvals", page_approvals, 1},
    {"GET", "/approvals.csv", page_approvals, 1},
    {"POST", "/approvals/{}/{}", page_approval_post, 1},
    {"GET", "/authorizations", page_authorizations, 1},
    {"GET", "/authorizations.csv", page_authorizations, 1},
    {"POST", "/authorizations/{}/{}", page_authorization_post, 1},
};
const size_t web_route_count = sizeof web_routes / sizeof web_routes[0];

const char *web_query(const web_request_t *r, const char *key)
{
    return r->query ? r->query(r->transport, key) : NULL;
}

const char *web_form_value(const web_request_t *r, const char *key)
{
    for (size_t i = 0; i < r->form.count; i++)
        if (strcmp(r->form.keys[i], key) == 0) return r->form.values[i];
    return NULL;
}

void web_header(web_page_t *page, const char *name, const char *value)
{
    size_t used = strlen(page->headers);
    snprintf(page->headers + used, sizeof page->headers - used, "%s: %s\r\n", name, value);
}

void web_redirect(web_page_t *page, const char *location)
{
    page->status = 303;
    web_header(page, "Location", location);
}

/* Matches path against a pattern, copying {} segments into r->params. */
static int route_match(const char *pattern, const char *path, web_request_t *r)
{
    size_t used = 0, count = 0;
    while (*pattern && *path) {
        if (strncmp(pattern, "{}", 2) == 0) {
            size_t segment = strcspn(path, "/");
            if (segment == 0 || count == 4 || used + segment + 1 > sizeof r->param_storage)
                return 0;
            memcpy(r->param_storage + used, path, segment);
            r->param_storage[used + segment] = '\0';
            r->params[count++] = r->param_storage + used;
            used += segment + 1;
            pattern += 2;
            path += segment;
        } else if (*pattern++ != *path++) {
            return 0;
        }
    }
    return *pattern == '\0' && *path == '\0';
}

static const web_route_t *find_route(web_request_t *r, int *path_known)
{
    *path_known = 0;
    for (size_t i = 0; i < web_route_count; i++) {
        memset(r->params, 0, sizeof r->params);
        if (!route_match(web_routes[i].pattern, r->path, r)) continue;
        if (strcmp(web_routes[i].method, r->method) == 0) return &web_routes[i];
        *path_known = 1;
    }
    return NULL;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes one urlencoded key or value in place ('+' is a space). Control characters other than
 * newlines are refused: a form field never needs them. Returns -1 then. */
static int form_decode(char *text)
{
    char *out = text;
    for (const char *in = text; *in; in++) {
        int high, low;
        unsigned char byte = (unsigned char)*in;
        if (*in == '+') {
            byte = ' ';
        } else if (*in == '%' && (high = hex_digit(in[1])) >= 0 && (low = hex_digit(in[2])) >= 0) {
            byte = (unsigned char)(high * 16 + low);
            in += 2;
        }
        if ((byte < 0x20 && byte != '\n' && byte != '\r') || byte == 0x7f) return -1;
        *out++ = (char)byte;
    }
    *out = '\0';
    return 0;
}

/* Splits the body into fields. -1 for a malformed or oversized form. */
static int form_parse(web_request_t *r)
{
    if (!r->body || r->body_length == 0) return 0;
    char *storage = malloc(r->body_length + 1);
    if (!storage) return -1;
    memcpy(storage, r->body, r->body_length);
    storage[r->body_length] = '\0';
    r->form.storage = storage;
    char *saved = NULL;
    for (char *field = strtok_r(storage, "&", &saved); field; field = strtok_r(NULL, "&", &saved)) {
        if (r->form.count == WEB_FORM_FIELDS_MAX) return -1;
        char *equals = strchr(field, '=');
        char *value = equals ? equals + 1 : field + strlen(field);
        if (equals) *equals = '\0';
        if (form_decode(field) < 0 || form_decode(value) < 0) return -1;
        r->form.keys[r->form.count] = field;
        r->form.values[r->form.count++] = value;
    }
    return 0;
}

static web_lang_t choose_language(web_request_t *r, web_page_t *page)
{
    const char *asked = web_query(r, "lang");
    if (asked && (strcmp(asked, "vi") == 0 || strcmp(asked, "en") == 0)) {
        char cookie[96];
        snprintf(cookie, sizeof cookie, "%s=%s; Path=/; Max-Age=31536000; SameSite=Strict",
                 WEB_LANG_COOKIE, asked);
        web_header(page, "Set-Cookie", cookie);
        return asked[0] == 'v' ? WEB_LANG_VI : WEB_LANG_EN;
    }
    const char *kept = r->cookie ? r->cookie(r->transport, WEB_LANG_COOKIE) : NULL;
    if (kept) return strcmp(kept, "vi") == 0 ? WEB_LANG_VI : WEB_LANG_EN;
    /* Accept-Language: the first of vi or en that the browser lists wins. */
    const char *header = r->accept_language ? r->accept_language : "";
    const char *vi = strstr(header, "vi"), *en = strstr(header, "en");
    return vi && (!en || vi < en) ? WEB_LANG_VI : WEB_LANG_EN;
}

/* The signed-in user from the session cookie (an ordinary session token). */
static int find_session(web_request_t *r, auth_user_t *user)
{
    const char *token = r->cookie ? r->cookie(r->transport, WEB_SESSION_COOKIE) : NULL;
    if (!token || strlen(token) != AUTH_TOKEN_SIZE - 1) return 0;
    a6_check_t check;
    db_error_t err = {0};
    if (auth_token_lookup(r->reader, token, user, &check, &err) < 0 || check != A6_OK) return 0;
    r->user = user;
    r->session_token = token;
    return 1;
}

/* The visitor's CSRF secret lives in its own HttpOnly cookie; forms carry a keyed hash of it and
 * of the session token, which another site can neither read nor compute. */
static void prepare_csrf(web_request_t *r, web_page_t *page)
{
    const char *secret = r->cookie ? r->cookie(r->transport, WEB_CSRF_COOKIE) : NULL;
    char fresh[65];
    if (!secret || strlen(secret) != 64) {
        unsigned char bytes[32];
        randombytes_buf(bytes, sizeof bytes);
        sodium_bin2hex(fresh, sizeof fresh, bytes, sizeof bytes);
        secret = fresh;
        char cookie[160];
        snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict", WEB_CSRF_COOKIE,
                 fresh);
        web_header(page, "Set-Cookie", cookie);
        r->new_csrf_cookie = 1;
    }
    unsigned char mac[32];
    const char *session = r->session_token ? r->session_token : "";
    crypto_generichash(mac, sizeof mac, (const unsigned char *)session, strlen(session),
                       (const unsigned char *)secret, 64);
    sodium_bin2hex(r->csrf, sizeof r->csrf, mac, sizeof mac);
}

static int csrf_valid(const web_request_t *r)
{
    const char *sent = web_form_value(r, "csrf");
    if (r->new_csrf_cookie || !sent || strlen(sent) != WEB_CSRF_SIZE - 1) return 0;
    return sodium_memcmp(sent, r->csrf, WEB_CSRF_SIZE - 1) == 0;
}

static void security_headers(web_page_t *page)
{
    web_header(page, "Content-Security-Policy",
               "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
               "frame-ancestors 'none'; base-uri 'none'");
    web_header(page, "Referrer-Policy", "same-origin");
    web_header(page, "X-Frame-Options", "DENY");
}

static void route_request(web_request_t *r, web_page_t *page)
{
    int path_known;
    const web_route_t *route = find_route(r, &path_known);
    if (!route) {
        layout_error(r, page, path_known ? 405 : 404,
                     path_known ? N_("This address does not accept that method.")
                                : N_("There is no page at this address."));
        return;
    }
    if (strcmp(r->method, "POST") == 0) {
        if (form_parse(r) < 0) {
            layout_error(r, page, 400, N_("The form could not be read."));
            return;
        }
        if (!csrf_valid(r)) {
            layout_error(
                r, page, 403,
                N_("The form has expired or did not come from this site. Please try again."));
            return;
        }
    }
    if (route->signed_in && !r->user) {
        if (strcmp(r->method, "GET") == 0) {
            char location[300];
            snprintf(location, sizeof location, "/signin?next=%s", r->path);
            web_redirect(page, location);
        } else {
            layout_error(r, page, 401, N_("Please sign in first."));
        }
        return;
    }
    route->page(r, page);
}

void web_handle(web_request_t *r, api_response_t *out)
{
    web_page_t page = {.status = 200};
    html_init(&page.body);
    auth_user_t user;
    r->lang = choose_language(r, &page);
    find_session(r, &user);
    prepare_csrf(r, &page);
    route_request(r, &page);
    if (!page.content_type || strncmp(page.content_type, "text/html", 9) == 0)
        security_headers(&page);
    out->status = page.status;
    out->content_type = page.content_type ? page.content_type : "text/html; charset=utf-8";
    out->body = html_take(&page.body, &out->length);
    if (!out->body) api_storage_error(out, "out of memory");
    out->headers = strdup(page.headers);
    free(r->form.storage);
    sodium_memzero(&user, sizeof user);
}

/* The query lookup an API handler sees: none (pages pass what they need in the body). */
static const char *no_query(void *transport, const char *key)
{
    (void)transport;
    (void)key;
    return NULL;
}

json_t *web_call_api(const web_request_t *r, api_handler_fn handler, const char *param,
                     json_t *body, unsigned *status)
{
    char authorization[8 + AUTH_TOKEN_SIZE] = "";
    if (r->session_token)
        snprintf(authorization, sizeof authorization, "Bearer %s", r->session_token);
    int has_body = body != NULL;
    char *text = has_body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    api_request_t request = {.context = r->context,
                             .method = has_body ? "POST" : "GET",
                             .path = r->path,
                             .params = {param},
                             .body = text,
                             .body_length = text ? strlen(text) : 0,
                             .idempotency_key = web_form_value(r, "idempotency_key"),
                             .authorization = r->session_token ? authorization : NULL,
                             .query = no_query,
                             .user = r->user,
                             .reader = r->reader};
    api_response_t out = {0};
    handler(&request, &out);
    free(text);
    *status = out.status;
    json_t *answer = out.body ? json_loadb(out.body, out.length, 0, NULL) : NULL;
    free(out.body);
    free(out.headers);
    if (!answer)
        answer = json_pack("{s{ss}}", "error", "message", "the registry gave no readable answer");
    return answer;
}

void web_keep_error(web_request_t *r, const json_t *answer)
{
    const json_t *error = json_object_get(answer, "error");
    const char *message = json_string_value(json_object_get(error, "message"));
    const char *check = json_string_value(json_object_get(error, "check"));
    const char *field = json_string_value(json_object_get(error, "field"));
    json_int_t code = json_integer_value(json_object_get(error, "code"));
    if (check)
        snprintf(r->error, sizeof r->error, "%s (%s %s %lld%s%s)",
                 message ? message : T(r, "refused"), T(r, "check"), check, (long long)code,
                 field ? ", " : "", field ? field : "");
    else
        snprintf(r->error, sizeof r->error, "%s", message ? message : T(r, "refused"));
}
