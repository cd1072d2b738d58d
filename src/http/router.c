/* router.c: the route table of the JSON API and path matching. Every route declares the roles
 * that may call it; the handler applies finer rules (own accounts, the project cycle's roles). */
#include "router.h"

#include <string.h>

#include "../core/access.h"

#define ADMIN A6_ROLE_BIT(ROLE_ADMIN)
#define AUTHORITY A6_ROLE_BIT(ROLE_AUTHORITY)
#define COMMITTEE A6_ROLE_BIT(ROLE_COMMITTEE)
#define AUDITOR A6_ROLE_BIT(ROLE_AUDITOR)
#define PARTICIPANT A6_ROLE_BIT(ROLE_PARTICIPANT)
#define OBSERVER A6_ROLE_BIT(ROLE_OBSERVER)
#define ACTING (ADMIN | AUTHORITY | COMMITTEE | AUDITOR | PARTICIPANT)

const route_t router_routes[] = {
    {"GET", "/api/v1/health", api_health, ROUTE_PUBLIC, "health of the server and writer"},
    {"GET", "/api/v1/openapi.json", api_openapi, ROUTE_PUBLIC, "this API's OpenAPI document"},
    {"POST", "/api/v1/session", api_session_create, ROUTE_PUBLIC,
     "exchange a user name and password for a token"},
    {"DELETE", "/api/v1/session", api_session_delete, A6_ROLES_ALL, "revoke the token used"},
    {"GET", "/api/v1/methodologies", api_methodologies_list, ROUTE_PUBLIC, "methodologies"},
    {"POST", "/api/v1/methodologies", api_methodologies_create, ADMIN | COMMITTEE,
     "add a methodology"},
    {"GET", "/api/v1/activities", api_activities_list, ROUTE_PUBLIC,
     "activities (projects, PoAs, CPAs)"},
    {"POST", "/api/v1/activities", api_activities_create, ADMIN | PARTICIPANT,
     "propose an activity (draft)"},
    {"GET", "/api/v1/activities/{ref}", api_activity_get, ROUTE_PUBLIC, "one activity in full"},
    {"GET", "/api/v1/activities/{ref}/timeline", api_activity_timeline, ROUTE_PUBLIC,
     "an activity's cycle with the days spent in each step"},
    {"POST", "/api/v1/activities/{ref}/events", api_activity_event, ACTING,
     "a step of the cycle, caused by the caller's role"},
    {"POST", "/api/v1/activities/{ref}/periods", api_activity_period, PARTICIPANT,
     "a monitoring report for a period"},
    {"POST", "/api/v1/poas/{ref}/inclusions", api_poa_include, AUDITOR,
     "include a CPA in its registered PoA"},
    {"POST", "/api/v1/periods/{id}/verification", api_period_verify, AUDITOR,
     "verify a monitoring period"},
    {"POST", "/api/v1/periods/{id}/request", api_period_request, PARTICIPANT,
     "request issuance for a verified period"},
    {"POST", "/api/v1/periods/{id}/notification", api_period_notify, COMMITTEE,
     "the committee's notification with its allocation"},
    {"POST", "/api/v1/periods/{id}/issuance", api_period_issue, ADMIN | COMMITTEE,
     "issue a notified period into the ledger"},
    {"GET", "/api/v1/accounts", api_accounts_list, ACTING, "accounts the caller may see"},
    {"POST", "/api/v1/accounts", api_accounts_create, ADMIN | PARTICIPANT, "open an account"},
    {"GET", "/api/v1/accounts/{id}", api_account_get, ACTING, "one account"},
    {"GET", "/api/v1/accounts/{id}/holdings", api_account_holdings, ACTING,
     "the serial blocks an account holds"},
    {"GET", "/api/v1/accounts/{id}/transactions", api_account_transactions, ACTING,
     "an account's transactions"},
    {"POST", "/api/v1/transactions", api_transactions_create, ADMIN | COMMITTEE | PARTICIPANT,
     "issue, transfer, retire or cancel units"},
    {"GET", "/api/v1/transactions/{id}", api_transaction_get, ACTING, "one transaction"},
    {"GET", "/api/v1/approvals", api_approvals_list, ADMIN | PARTICIPANT,
     "transfers awaiting a second person's approval"},
    {"POST", "/api/v1/approvals/{id}/approve", api_approval_approve, ADMIN | PARTICIPANT,
     "approve a transfer (four-eyes)"},
    {"POST", "/api/v1/approvals/{id}/reject", api_approval_reject, ADMIN | PARTICIPANT,
     "reject a transfer awaiting approval"},
    {"GET", "/api/v1/audit/verify", api_audit_verify, ADMIN | AUTHORITY,
     "recompute the audit chain and replay it against the tables"},
    {"GET", "/api/v1/audit/checkpoint", api_audit_checkpoint, ROUTE_PUBLIC,
     "the latest audit log checkpoint"},
    {"GET", "/api/v1/ndc/balance", api_ndc_balance, ROUTE_PUBLIC,
     "the emissions balance per year of the NDC period"},
    {"POST", "/api/v1/ndc", api_ndc_set, AUTHORITY,
     "set the NDC (period, target, BAU, reductions, CA method)"},
    {"POST", "/api/v1/ndc/inventory", api_ndc_inventory, AUTHORITY,
     "record a year's inventory emissions"},
    {"GET", "/api/v1/policy", api_policy_get, ROUTE_PUBLIC,
     "the national authorization framework in force"},
    {"POST", "/api/v1/policy", api_policy_set, AUTHORITY,
     "set a new version of the national authorization framework"},
    {"GET", "/api/v1/authorizations", api_authorizations_list, ACTING,
     "authorizations with every rule's result"},
    {"POST", "/api/v1/authorizations", api_authorizations_create, ADMIN | PARTICIPANT | AUTHORITY,
     "request an authorization, evaluated against the policy"},
    {"POST", "/api/v1/authorizations/{id}/decision", api_authorization_decide, AUTHORITY,
     "authorize or decline a requested authorization"},
    {"POST", "/api/v1/authorizations/{id}/versions", api_authorization_change, AUTHORITY,
     "change an authorization in force into its next version (re-evaluated)"},
    {"POST", "/api/v1/authorizations/{id}/revocation", api_authorization_revoke, AUTHORITY,
     "revoke an authorization in force (while none of its units was first transferred)"},
    {"POST", "/api/v1/interop/messages", api_interop_message, ROUTE_PUBLIC,
     "a partner registry's signed message (authenticated by its signature)"},
    {"POST", "/api/v1/interop/queries", api_interop_query, ROUTE_PUBLIC,
     "a partner registry's signed reconciliation query (read-only)"},
    {"GET", "/api/v1/partners", api_partners_list, ADMIN | AUTHORITY,
     "partner registries and their message sequences"},
    {"GET", "/api/v1/external-transfers", api_external_transfers_list, ADMIN | AUTHORITY,
     "external transfers to and from partner registries"},
    {"POST", "/api/v1/external-transfers", api_external_transfer_create, ADMIN,
     "transfer units to a partner registry (proposed, then completed or returned)"},
    {"GET", "/api/v1/approaches", api_approaches_list, ROUTE_PUBLIC, "cooperative approaches"},
    {"POST", "/api/v1/approaches", api_approaches_create, AUTHORITY,
     "register a cooperative approach"},
    {"GET", "/api/v1/entities", api_entities_list, ROUTE_PUBLIC, "authorized entities (AEF T5)"},
    {"POST", "/api/v1/entities", api_entities_create, AUTHORITY, "authorize an entity"},
    {"GET", "/api/v1/analytics/issuance-lag", api_analytics_lag, ROUTE_PUBLIC,
     "days from the end of monitoring to issuance per period, distribution, late and batches"},
    {"GET", "/api/v1/analytics/portfolio", api_analytics_portfolio, ROUTE_PUBLIC,
     "activities by state and technology, reductions, credits by side, registrations per year"},
    {"GET", "/api/v1/analytics/finance", api_analytics_finance, ROUTE_PUBLIC,
     "support by replication; N sites project by project against one PoA"},
    {"GET", "/api/v1/reports/aef", api_report_aef, ROUTE_PUBLIC,
     "a year's AEF report as JSON, one CSV table or XLSX"},
    {"POST", "/api/v1/reports/aef/{year}/submission", api_report_aef_submit, AUTHORITY,
     "submit a year's AEF report"},
};

const size_t router_route_count = sizeof router_routes / sizeof router_routes[0];

/* Matches path against pattern, copying {name} segments into storage; 1 on a match. */
static int match(const char *pattern, const char *path, const char **params, char *storage,
                 size_t storage_size)
{
    size_t used = 0, count = 0;
    while (*pattern && *path) {
        if (*pattern != '/' || *path != '/') return 0;
        pattern++;
        path++;
        size_t segment = strcspn(path, "/");
        if (*pattern == '{') {
            const char *close = strchr(pattern, '}');
            if (!close || segment == 0 || count == 4 || used + segment + 1 > storage_size) return 0;
            memcpy(storage + used, path, segment);
            storage[used + segment] = '\0';
            params[count++] = storage + used;
            used += segment + 1;
            pattern = close + 1;
        } else {
            size_t literal = strcspn(pattern, "/");
            if (literal != segment || strncmp(pattern, path, segment) != 0) return 0;
            pattern += literal;
        }
        path += segment;
    }
    return *pattern == '\0' && *path == '\0';
}

const route_t *router_match(const char *method, const char *path, const char **params,
                            char *param_storage, size_t storage_size, int *path_known)
{
    *path_known = 0;
    for (size_t i = 0; i < router_route_count; i++) {
        if (!match(router_routes[i].pattern, path, params, param_storage, storage_size)) continue;
        if (strcmp(router_routes[i].method, method) == 0) return &router_routes[i];
        *path_known = 1;
    }
    return NULL;
}
