/* pages.h: the site's pages (one function per page, grouped by subject in page_*.c) and the
 * route table that web.c dispatches on. */
#ifndef A6_WEB_PAGES_H
#define A6_WEB_PAGES_H

#include "web.h"

typedef void (*web_page_fn)(web_request_t *r, web_page_t *page);

typedef struct web_route {
    const char *method;
    const char *pattern; /* "/activities/{}": {} matches one path segment */
    web_page_fn page;
    int signed_in; /* 1: visitors are sent to the sign-in page first */
} web_route_t;

extern const web_route_t web_routes[];
extern const size_t web_route_count;

/* page_public.c */
void page_home(web_request_t *r, web_page_t *page);
void page_credits(web_request_t *r, web_page_t *page);
void page_ndc(web_request_t *r, web_page_t *page);
void page_reports(web_request_t *r, web_page_t *page);
void page_audit(web_request_t *r, web_page_t *page);
void page_stylesheet(web_request_t *r, web_page_t *page);
/* The credits-by-vintage chart (credits page and dashboard). */
void credits_chart(const web_request_t *r, html_t *h, const json_t *rows);
/* page_analysis.c */
void page_delays(web_request_t *r, web_page_t *page);
void page_finance(web_request_t *r, web_page_t *page);
/* The portfolio and delay charts of the dashboard (nothing when the data cannot be read). */
void dashboard_charts(web_request_t *r, html_t *h);
/* page_activity.c */
void page_activities(web_request_t *r, web_page_t *page);
void page_activity(web_request_t *r, web_page_t *page);
/* page_certificate.c */
void page_certificate(web_request_t *r, web_page_t *page);
/* page_session.c */
void page_signin(web_request_t *r, web_page_t *page);
void page_signin_post(web_request_t *r, web_page_t *page);
void page_signout_post(web_request_t *r, web_page_t *page);
/* page_account.c */
void page_accounts(web_request_t *r, web_page_t *page);
void page_account(web_request_t *r, web_page_t *page);
void page_account_action_post(web_request_t *r, web_page_t *page);
/* page_queue.c */
void page_approvals(web_request_t *r, web_page_t *page);
void page_approval_post(web_request_t *r, web_page_t *page);
void page_authorizations(web_request_t *r, web_page_t *page);
void page_authorization_post(web_request_t *r, web_page_t *page);

#endif
