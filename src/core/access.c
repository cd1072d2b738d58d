/* access.c: account-level access rules by role and holder. */
#include "access.h"

#include <string.h>

a6_check_t access_role(unsigned mask, a6_role_t role)
{
    if (role < ROLE_ADMIN || role > ROLE_OBSERVER) return A6_CHECK_ROLE_NOT_ALLOWED;
    return (mask & A6_ROLE_BIT(role)) ? A6_OK : A6_CHECK_ROLE_NOT_ALLOWED;
}

static bool same_holder(const char *user_holder, const char *account_holder)
{
    return user_holder && account_holder && strcmp(user_holder, account_holder) == 0;
}

a6_check_t access_account_read(a6_role_t role, const char *user_holder, const char *account_holder)
{
    switch (role) {
    case ROLE_ADMIN:
    case ROLE_AUTHORITY:
    case ROLE_COMMITTEE:
    case ROLE_AUDITOR:
        return A6_OK;
    case ROLE_PARTICIPANT:
        return same_holder(user_holder, account_holder) ? A6_OK : A6_CHECK_ACCOUNT_NOT_OWNED;
    case ROLE_OBSERVER:
        break;
    }
    return A6_CHECK_ROLE_NOT_ALLOWED;
}

a6_check_t access_account_move(a6_role_t role, const char *user_holder, const char *account_holder)
{
    if (role == ROLE_ADMIN) return A6_OK;
    if (role != ROLE_PARTICIPANT) return A6_CHECK_ROLE_NOT_ALLOWED;
    return same_holder(user_holder, account_holder) ? A6_OK : A6_CHECK_ACCOUNT_NOT_OWNED;
}

a6_check_t access_approve(a6_role_t role, const char *user_holder, const char *holder,
                          bool same_user)
{
    if (role != ROLE_ADMIN && role != ROLE_PARTICIPANT) return A6_CHECK_ROLE_NOT_ALLOWED;
    if (role == ROLE_PARTICIPANT && !same_holder(user_holder, holder))
        return A6_CHECK_ACCOUNT_NOT_OWNED;
    if (same_user) return A6_CHECK_APPROVAL_BY_REQUESTER;
    return A6_OK;
}
