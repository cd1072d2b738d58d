/* router.h: the table of API routes (method, path pattern, handler, roles allowed) and matching
 * a request path against it. Patterns use {name} for one path segment. */
#ifndef A6_HTTP_ROUTER_H
#define A6_HTTP_ROUTER_H

#include <stddef.h>

#include "../api/api.h"

#define ROUTE_PUBLIC 0u /* roles mask of a route anyone may call without a token */

typedef struct route {
    const char *method;
    const char *pattern; /* "/api/v1/accounts/{id}/holdings" */
    api_handler_fn handler;
    unsigned roles; /* A6_ROLE_BIT mask, or ROUTE_PUBLIC */
    const char *summary;
} route_t;

extern const route_t router_routes[];
extern const size_t router_route_count;

/* Finds the route for method and path, filling params (at most 4). Returns NULL when none; then
 * *path_known says whether another method would have matched the path (405 rather than 404). */
const route_t *router_match(const char *method, const char *path, const char **params,
                            char *param_storage, size_t storage_size, int *path_known);

#endif
