/* cmd-reload.c - `faqbot reload`: ask the running bot, over its control
 * socket, to re-read its config and knowledge (like SIGHUP, but with the
 * verdict as the exit status). */
#include "app.h"
#include "commands.h"
#include "control.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reload_usage(void)
{
    printf("usage: faqbot reload [--socket PATH] [--config FILE]\n\n"
           "Asks the running bot to reload its config and knowledge bases\n"
           "through its control socket (--socket, default: the config's\n"
           "control_socket).  A broken config or knowledge base is refused\n"
           "and the bot keeps serving the previous one; the reasons are in\n"
           "its log.  Exit 0 when reloaded, 1 when refused or unreachable.\n"
           "Without a control socket, send SIGHUP instead:\n"
           "  kill -HUP $(pidof faqbot)   or   systemctl reload faqbot\n");
    return 0;
}

int cmd_reload(int argc, char **argv)
{
    const char *sock = NULL, *cfg_path = NULL;
    if (cmd_wants_help(argc, argv))
        return reload_usage();
    for (int i = 0; i < argc; i++)
        if (!app_opt(argc, argv, &i, "--socket", &sock) &&
            !app_opt(argc, argv, &i, "--config", &cfg_path)) {
            fprintf(stderr, "faqbot reload: unknown option '%s'\n", argv[i]);
            return 2;
        }
    char *owned = NULL;
    if (!sock) {
        config cfg;
        if (app_config(cfg_path, &cfg) < 0)
            return 1;
        owned = cfg.control_socket ? strdup(cfg.control_socket) : NULL;
        config_free(&cfg);
        sock = owned;
    }
    if (!sock) {
        fprintf(stderr, "faqbot reload: no control_socket in the config; give "
                "--socket PATH or send SIGHUP\n");
        return 1;
    }
    sbuf reply;
    char err[512];
    sbuf_init(&reply);
    int rc = control_request(sock, "reload", &reply, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "faqbot reload: cannot reach the bot: %s\n", err);
    else
        printf("%s\n", sbuf_str(&reply));
    sbuf_free(&reply);
    free(owned);
    return rc == 0 ? 0 : 1;
}
