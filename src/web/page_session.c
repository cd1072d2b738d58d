/* page_session.c: signing in and out of the site. The session is an ordinary API session token
 * kept in an HttpOnly, SameSite=Strict cookie; the password check is the API's own. */
#include <stdio.h>
#include <string.h>

#include "pages.h"

/* Only a path of this site may follow the sign-in ("/x", never "//host" or "http:"). */
static const char *safe_next(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) > 200)
        return "/accounts";
    for (const char *p = next; *p; p++)
        if (*p < 0x21 || *p == 0x7f || *p == '"' || *p == '<' || *p == '>') return "/accounts";
    return next;
}

static void signin_form(web_request_t *r, web_page_t *page, const char *name, const char *next)
{
    layout_begin(r, page, T(r, "Sign in"));
    html_t *h = &page->body;
    html_raw(h, "<form class=\"action\" method=\"post\" action=\"/signin\">");
    layout_csrf(r, h);
    html_raw(h, "<input type=\"hidden\" name=\"next\" value=\"");
    html_text(h, safe_next(next));
    html_raw(h, "\"><label>");
    html_text(h, T(r, "User name"));
    html_raw(h, "<input name=\"name\" autocomplete=\"username\" required value=\"");
    html_text(h, name ? name : "");
    html_raw(h, "\"></label><label>");
    html_text(h, T(r, "Password"));
    html_raw(h, "<input name=\"password\" type=\"password\" autocomplete=\"current-password\" "
                "required></label><button class=\"primary\">");
    html_text(h, T(r, "Sign in"));
    html_raw(h, "</button></form>");
    layout_end(r, page);
}

void page_signin(web_request_t *r, web_page_t *page)
{
    signin_form(r, page, NULL, web_query(r, "next"));
}

void page_signin_post(web_request_t *r, web_page_t *page)
{
    const char *name = web_form_value(r, "name"), *password = web_form_value(r, "password");
    json_t *body =
        json_pack("{ss ss}", "name", name ? name : "", "password", password ? password : "");
    unsigned status;
    json_t *answer = web_call_api(r, api_session_create, NULL, body, &status);
    const char *token = json_string_value(json_object_get(answer, "token"));
    if (status != 201 || !token) {
        snprintf(r->error, sizeof r->error, "%s",
                 T(r, "Wrong user name or password, or the user is disabled."));
        signin_form(r, page, name, web_form_value(r, "next"));
        page->status = status >= 400 ? status : 401;
        json_decref(answer);
        return;
    }
    char cookie[160];
    snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d",
             WEB_SESSION_COOKIE, token, AUTH_TOKEN_TTL_SESSION_S);
    web_header(page, "Set-Cookie", cookie);
    web_redirect(page, safe_next(web_form_value(r, "next")));
    json_decref(answer);
}

void page_signout_post(web_request_t *r, web_page_t *page)
{
    unsigned status;
    json_decref(web_call_api(r, api_session_delete, NULL, NULL, &status));
    char cookie[96];
    snprintf(cookie, sizeof cookie, "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
             WEB_SESSION_COOKIE);
    web_header(page, "Set-Cookie", cookie);
    web_redirect(page, "/");
}
