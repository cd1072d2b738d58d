/* access.h: who may see and move which account. A participant acts only for its own holder;
 * other roles read everything and change only what their role allows. Pure rules. */
#ifndef A6_CORE_ACCESS_H
#define A6_CORE_ACCESS_H

#include <stdbool.h>

#include "check.h"
#include "cycle.h"

/* Bit of a role in a role mask (routes declare the roles allowed as a mask). */
#define A6_ROLE_BIT(role) (1u << (unsigned)(role))
#define A6_ROLES_ALL                                                                               \
    (A6_ROLE_BIT(ROLE_ADMIN) | A6_ROLE_BIT(ROLE_AUTHORITY) | A6_ROLE_BIT(ROLE_COMMITTEE) |         \
     A6_ROLE_BIT(ROLE_AUDITOR) | A6_ROLE_BIT(ROLE_PARTICIPANT) | A6_ROLE_BIT(ROLE_OBSERVER))

/* A6_OK when role is in mask, else A6_CHECK_ROLE_NOT_ALLOWED. */
a6_check_t access_role(unsigned mask, a6_role_t role);

/* Reading an account's holdings or history: the admin, authority, committee and auditor read
 * every account; a participant only those of its own holder (user_holder equal to
 * account_holder); an observer none (A6_CHECK_ROLE_NOT_ALLOWED). */
a6_check_t access_account_read(a6_role_t role, const char *user_holder, const char *account_holder);

/* Moving units out of an account (transfer, retire, cancel): the admin, or a participant of the
 * account's holder. */
a6_check_t access_account_move(a6_role_t role, const char *user_holder, const char *account_holder);

/* Approving a transfer held for four-eyes: a participant of the same holder who is not the
 * requester (A6_CHECK_APPROVAL_BY_REQUESTER), or the admin when it is not the requester. */
a6_check_t access_approve(a6_role_t role, const char *user_holder, const char *holder,
                          bool same_user);

#endif
