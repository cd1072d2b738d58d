/* layout.c: the frame every page shares (header, navigation, language switch, sign-in state,
 * footer), notices after a form, error pages, and the site's one stylesheet. */
#include <stdio.h>
#include <string.h>

#include "pages.h"
#include "web.h"

static const char stylesheet[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
    "color:#1b2a26;background:#f6f8f7}"
    "a{color:#0b5f4b}header{background:#0b5f4b;color:#fff;padding:.5rem 1rem;display:flex;"
    "flex-wrap:wrap;align-items:center;gap:.3rem 1.2rem}"
    "header a{color:#fff;text-decoration:none}header .brand{font-weight:700;font-size:1.1rem}"
    "header nav{display:flex;flex-wrap:wrap;gap:.2rem .9rem}header .who{margin-left:auto;"
    "display:flex;gap:.6rem;align-items:center}header form{display:inline}"
    "header button{background:none;border:1px solid #fff;color:#fff;border-radius:3px;"
    "cursor:pointer}"
    "main{max-width:1100px;margin:0 auto;padding:1rem}h1{font-size:1.5rem;margin:.4rem 0 1rem}"
    "h2{font-size:1.15rem;margin:1.6rem 0 .5rem}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:.7rem}"
    "a.card{text-decoration:none;color:inherit}.card{background:#fff;border:1px solid "
    "#d5dfdb;border-radius:6px;padding:.7rem}"
    ".card b{display:block;font-size:1.45rem}.card span{color:#4d5f59;font-size:.85rem}"
    ".charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:1rem}"
    "figure.chart{margin:0;background:#fff;border:1px solid #d5dfdb;border-radius:6px;"
    "padding:.3rem}figure.chart svg{width:100%;height:auto}"
    "svg .ct{font-weight:600;font-size:14px}svg .tick{font-size:11px;fill:#3d4d48}"
    "svg .axis{font-size:12px;fill:#3d4d48}svg .grid{stroke:#e2e8e6}"
    "svg .s0{fill:#1f7a63}svg .s1{fill:#d98c1f}svg .s2{fill:#5470c6}"
    "svg .late{fill:#c0392b}svg .open{fill:#9fb8b0}"
    "svg .ls0,svg .ls1,svg .ls2{fill:none;stroke-width:2.5}svg .ls0{stroke:#1f7a63}"
    "svg .ls1{stroke:#d98c1f}svg .ls2{stroke:#5470c6}"
    "svg .ref{stroke:#c0392b;stroke-dasharray:5 4;stroke-width:1.5}"
    ".scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;background:#fff}"
    "caption{text-align:left;font-weight:600;padding:.3rem 0}"
    "th,td{border-bottom:1px solid #e2e8e6;padding:.35rem .5rem;text-align:left;"
    "vertical-align:top}th{background:#edf2f0}.n{text-align:right;"
    "font-variant-numeric:tabular-nums}"
    "form.filters,form.action{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;"
    "background:#fff;border:1px solid #d5dfdb;border-radius:6px;padding:.7rem;margin:.5rem 0}"
    "label{display:flex;flex-direction:column;font-size:.85rem;gap:.15rem}"
    "input,select,button{font:inherit;padding:.3rem .4rem}"
    "button.primary{background:#0b5f4b;color:#fff;border:0;border-radius:4px;padding:.4rem .9rem}"
    ".notice{padding:.6rem .8rem;border-radius:6px;margin:.5rem 0}"
    ".notice.ok{background:#e3f4ec;border:1px solid #8cc9ad}"
    ".notice.error{background:#fbe9e7;border:1px solid #e0a39b}"
    ".late-tag{color:#c0392b;font-weight:600}dl.facts{display:grid;"
    "grid-template-columns:max-content 1fr;gap:.2rem 1rem}dl.facts dt{color:#4d5f59}"
    "form.inline{display:inline}code{word-break:break-all}dl.facts "
    "dd{margin:0}.certificate{background:#fff;border:3px double #0b5f4b;"
    "padding:1.5rem;max-width:760px}footer{color:#4d5f59;font-size:.8rem;text-align:center;"
    "padding:1.5rem}.muted{color:#4d5f59}"
    "@media print{header,footer,.csv,.noprint{display:none}body{background:#fff}}";

void page_stylesheet(web_request_t *r, web_page_t *page)
{
    (void)r;
    page->content_type = "text/css; charset=utf-8";
    html_raw(&page->body, stylesheet);
}

static void nav_link(const web_request_t *r, html_t *h, const char *href, const char *text)
{
    html_raw(h, "<a href=\"");
    html_raw(h, href);
    html_raw(h, "\"");
    if (strcmp(r->path, href) == 0) html_raw(h, " aria-current=\"page\"");
    html_raw(h, ">");
    html_text(h, T(r, text));
    html_raw(h, "</a>");
}

static void signed_in_links(const web_request_t *r, html_t *h)
{
    if (r->user->role == ROLE_PARTICIPANT || r->user->role == ROLE_ADMIN) {
        nav_link(r, h, "/accounts", N_("My accounts"));
        nav_link(r, h, "/approvals", N_("Approvals"));
    }
    if (r->user->role == ROLE_AUTHORITY || r->user->role == ROLE_ADMIN)
        nav_link(r, h, "/authorizations", N_("Authorizations"));
}

static void header_bar(const web_request_t *r, html_t *h)
{
    html_raw(h, "<header><a class=\"brand\" href=\"/\">a6reg</a><nav aria-label=\"");
    html_text(h, T(r, "Main"));
    html_raw(h, "\">");
    nav_link(r, h, "/", N_("Dashboard"));
    nav_link(r, h, "/activities", N_("Activities"));
    nav_link(r, h, "/delays", N_("Delays"));
    nav_link(r, h, "/finance", N_("Finance"));
    nav_link(r, h, "/credits", N_("Credits"));
    nav_link(r, h, "/ndc", N_("NDC"));
    nav_link(r, h, "/reports", N_("Reports"));
    nav_link(r, h, "/audit", N_("Audit"));
    if (r->user) signed_in_links(r, h);
    html_raw(h, "</nav><div class=\"who\">");
    html_raw(h, r->lang == WEB_LANG_VI
                    ? "<a href=\"?lang=en\" lang=\"en\">English</a>"
                    : "<a href=\"?lang=vi\" lang=\"vi\">Ti\u1ebfng Vi\u1ec7t</a>");
    if (r->user) {
        html_raw(h, "<span>");
        html_text(h, r->user->name);
        html_raw(h, "</span><form method=\"post\" action=\"/signout\">");
        layout_csrf(r, h);
        html_raw(h, "<button>");
        html_text(h, T(r, "Sign out"));
        html_raw(h, "</button></form>");
    } else {
        nav_link(r, h, "/signin", N_("Sign in"));
    }
    html_raw(h, "</div></header>");
}

void layout_begin(const web_request_t *r, web_page_t *page, const char *title)
{
    html_t *h = &page->body;
    html_raw(h, r->lang == WEB_LANG_VI ? "<!doctype html><html lang=\"vi\">"
                                       : "<!doctype html><html lang=\"en\">");
    html_raw(h, "<head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                "content=\"width=device-width,initial-scale=1\"><title>");
    html_text(h, title);
    html_raw(h, " \u2013 a6reg</title><link rel=\"stylesheet\" href=\"/static/site.css\"></head>"
                "<body>");
    header_bar(r, h);
    html_raw(h, "<main><h1>");
    html_text(h, title);
    html_raw(h, "</h1>");
    layout_notice(r, h);
}

void layout_end(const web_request_t *r, web_page_t *page)
{
    html_raw(&page->body, "</main><footer>");
    html_text(&page->body, T(r, "a6reg: national carbon registry. Every change is recorded in a "
                                "hash-chained, signed audit log."));
    html_raw(&page->body, " <a href=\"/api/v1/openapi.json\">API</a></footer></body></html>");
}

void layout_csrf(const web_request_t *r, html_t *h)
{
    html_raw(h, "<input type=\"hidden\" name=\"csrf\" value=\"");
    html_raw(h, r->csrf); /* hex digits only */
    html_raw(h, "\">");
}

/* Messages shown after a form succeeded (?done=CODE&id=N): fixed texts, so a crafted link can
 * never put words in the registry's mouth. */
static const struct {
    const char *code;
    const char *text; /* English, with one %s for the id */
} done_texts[] = {
    {"transfer", N_("Transfer completed: transaction %s.")},
    {"retire", N_("Retirement completed: transaction %s. Its certificate is listed below.")},
    {"cancel", N_("Cancellation completed: transaction %s.")},
    {"held", N_("The transfer is above the four-eyes threshold: approval %s now waits for a "
                "second person of your organisation.")},
    {"approved", N_("Approval %s given: the transfer is completed.")},
    {"rejected", N_("Approval %s rejected: nothing was moved.")},
    {"authorized", N_("Authorization %s decided.")},
};

/* Copies a translated text with its one "%s" replaced by value (no printf: the text is data). */
static void fill_placeholder(char *out, size_t size, const char *text, const char *value)
{
    const char *mark = strstr(text, "%s");
    size_t before = mark ? (size_t)(mark - text) : strlen(text);
    snprintf(out, size, "%.*s%s%s", (int)before, text, mark ? value : "", mark ? mark + 2 : "");
}

void layout_notice(const web_request_t *r, html_t *h)
{
    const char *done = web_query(r, "done"), *id = web_query(r, "id");
    if (done && id && *id && strspn(id, "0123456789") == strlen(id) && strlen(id) < 20) {
        for (size_t i = 0; i < sizeof done_texts / sizeof done_texts[0]; i++) {
            if (strcmp(done, done_texts[i].code) != 0) continue;
            char message[400];
            fill_placeholder(message, sizeof message, T(r, done_texts[i].text), id);
            html_raw(h, "<p class=\"notice ok\" role=\"status\">");
            html_text(h, message);
            html_raw(h, "</p>");
        }
    }
    if (r->error[0]) {
        html_raw(h, "<p class=\"notice error\" role=\"alert\">");
        html_text(h, r->error);
        html_raw(h, "</p>");
    }
}

void layout_error(const web_request_t *r, web_page_t *page, unsigned status, const char *message)
{
    html_release(&page->body);
    page->status = status;
    page->content_type = NULL;
    layout_begin(r, page, T(r, status == 404 ? N_("Page not found") : N_("Something went wrong")));
    html_raw(&page->body, "<p class=\"notice error\" role=\"alert\">");
    html_text(&page->body, T(r, message));
    html_raw(&page->body, "</p>");
    layout_end(r, page);
}

void layout_date(html_t *h, const char *date)
{
    if (!date || !*date)
        html_raw(h, "\u2014");
    else
        html_text(h, date);
}

void layout_fact_text(const web_request_t *r, html_t *h, const char *label, const char *text)
{
    html_raw(h, "<dt>");
    html_text(h, T(r, label));
    html_raw(h, "</dt><dd>");
    if (text && *text)
        html_text(h, text);
    else
        html_raw(h, "\u2014");
    html_raw(h, "</dd>");
}

void layout_fact(const web_request_t *r, html_t *h, const char *label, const json_t *value)
{
    if (!json_is_integer(value)) {
        layout_fact_text(r, h, label, json_string_value(value));
        return;
    }
    html_raw(h, "<dt>");
    html_text(h, T(r, label));
    html_raw(h, "</dt><dd>");
    html_int(h, json_integer_value(value));
    html_raw(h, "</dd>");
}
