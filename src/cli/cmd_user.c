/* cmd_user.c: `a6reg user add|passwd|revoke`: users with a role (and the holder a participant acts
 * for), Argon2id passwords, and API tokens shown once. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../store/auth_store.h"
#include "cli.h"

#define PASSWORD_MIN 12
#define PASSWORD_MAX 200

static const char user_usage[] =
    "a6reg user add NAME --role ROLE [--holder NAME]   (prints the API token as the last line)\n"
    "       a6reg user passwd NAME                     (reads the new password from stdin)\n"
    "       a6reg user revoke TOKEN";

static int finish(const cli_t *cli, const auth_result_t *result)
{
    if (result->store_error < 0) {
        fprintf(stderr, "a6reg: %s\n", result->message);
        return CLI_EXIT_REJECTED;
    }
    if (result->check != A6_OK)
        return cli_reject(cli, result->check, result->field, result->message);
    return CLI_EXIT_OK;
}

static int user_add(const cli_t *cli, writer_t *w)
{
    cli_option_t options[] = {CLI_OPTION("role", true), CLI_OPTION("holder", true), {0}};
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, options, positionals, 1, &count, user_usage)) return CLI_EXIT_USAGE;
    if (count != 1 || !cli_option(options, "role"))
        return cli_usage_error(user_usage, "user add needs NAME and --role");
    a6_role_t role;
    if (a6_role_parse(cli_option(options, "role"), &role) != A6_OK)
        return cli_reject(cli, A6_CHECK_ROLE_INVALID, "role",
                          "role must be admin, authority, committee, auditor, participant or "
                          "observer");
    char token[AUTH_TOKEN_SIZE];
    auth_result_t result;
    auth_user_add(w, cli->actor, positionals[0], role, cli_option(options, "holder"), token,
                  &result);
    int rc = finish(cli, &result);
    if (rc == CLI_EXIT_OK) {
        if (cli->json)
            cli_print_json(json_pack("{sI ss ss}", "id", (json_int_t)result.id, "name",
                                     positionals[0], "token", token));
        else
            printf("user %s (%s) created; API token (shown once):\n%s\n", positionals[0],
                   a6_role_name(role), token);
    }
    sodium_memzero(token, sizeof token);
    return rc;
}

static int user_passwd(const cli_t *cli, writer_t *w)
{
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, NULL, positionals, 1, &count, user_usage)) return CLI_EXIT_USAGE;
    if (count != 1) return cli_usage_error(user_usage, "user passwd needs NAME");
    char password[PASSWORD_MAX + 2] = "";
    if (!fgets(password, sizeof password, stdin)) password[0] = '\0';
    password[strcspn(password, "\r\n")] = '\0';
    size_t length = strlen(password);
    if (length < PASSWORD_MIN || length > PASSWORD_MAX) {
        sodium_memzero(password, sizeof password);
        return cli_reject(cli, A6_CHECK_PASSWORD_WEAK, "password",
                          "a password needs 12 to 200 characters");
    }
    char hash[crypto_pwhash_STRBYTES];
    int hashed = crypto_pwhash_str(hash, password, length, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                   crypto_pwhash_MEMLIMIT_INTERACTIVE);
    sodium_memzero(password, sizeof password);
    if (hashed != 0) {
        fprintf(stderr, "a6reg: not enough memory to hash the password\n");
        return CLI_EXIT_REJECTED;
    }
    auth_result_t result;
    auth_user_password(w, cli->actor, positionals[0], hash, &result);
    int rc = finish(cli, &result);
    if (rc == CLI_EXIT_OK && !cli->json) printf("password of %s set\n", positionals[0]);
    return rc;
}

static int user_revoke(const cli_t *cli, writer_t *w)
{
    const char *positionals[1];
    int count;
    if (!cli_parse(cli, NULL, positionals, 1, &count, user_usage)) return CLI_EXIT_USAGE;
    if (count != 1) return cli_usage_error(user_usage, "user revoke needs TOKEN");
    auth_result_t result;
    auth_token_revoke(w, cli->actor, positionals[0], &result);
    int rc = finish(cli, &result);
    if (rc == CLI_EXIT_OK && !cli->json) printf("token revoked\n");
    return rc;
}

int cli_cmd_user(const cli_t *cli)
{
    if (cli->help || cli->argc < 1) {
        printf("usage: %s\n", user_usage);
        return cli->help ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    if (sodium_init() < 0) return CLI_EXIT_REJECTED;
    cli_t sub = *cli;
    sub.argc--;
    sub.argv++;
    int (*command)(const cli_t *, writer_t *) = strcmp(cli->argv[0], "add") == 0      ? user_add
                                                : strcmp(cli->argv[0], "passwd") == 0 ? user_passwd
                                                : strcmp(cli->argv[0], "revoke") == 0 ? user_revoke
                                                                                      : NULL;
    if (!command) return cli_usage_error(user_usage, "unknown user command '%s'", cli->argv[0]);
    writer_t *w = cli_writer_open(cli);
    if (!w) return CLI_EXIT_REJECTED;
    int rc = command(&sub, w);
    writer_stop(w);
    return rc;
}
