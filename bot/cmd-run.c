/* cmd-run.c - `faqbot run [--config FILE]`: the bot. */
#include "app.h"
#include "commands.h"
#include "host.h"
#include "log.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

static int run_usage(void)
{
    printf("usage: faqbot run [--config FILE]\n\n"
           "Runs the bot: loads the knowledge base and every enabled plugin\n"
           "and answers until SIGINT/SIGTERM.  SIGHUP (or `faqbot reload`)\n"
           "reloads the config file and knowledge; anything broken is refused\n"
           "with its reasons logged, and the bot keeps what it had.\n"
           "Without --config, the built-in config/faqbot.json is used: the\n"
           "console plugin only, reading questions from stdin.\n");
    return 0;
}

/* Signals are taken synchronously by the main thread (host_wait), so they
 * are blocked before any plugin thread starts and inherits the mask. */
static void block_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* The running bot holds platform tokens in memory: no core file may carry
 * them to disk (issue 7).  Hard limit too, so nothing below re-enables it. */
static void no_core_dumps(void)
{
    struct rlimit none = {0, 0};
    if (setrlimit(RLIMIT_CORE, &none) != 0)
        log_msg(LOG_WARN, "faqbot", "cannot disable core dumps: %s", strerror(errno));
}

int cmd_run(int argc, char **argv)
{
    const char *cfg_path = NULL;
    if (cmd_wants_help(argc, argv))
        return run_usage();
    for (int i = 0; i < argc; i++) {
        if (app_opt(argc, argv, &i, "--config", &cfg_path))
            continue;
        fprintf(stderr, "faqbot run: unknown option '%s'\n", argv[i]);
        return 2;
    }
    block_signals();   /* first: a SIGTERM while loading waits for host_wait */
    config cfg;
    if (app_config(cfg_path, &cfg) < 0)
        return 1;
    char dir[PATH_MAX];
    kb *k = app_knowledge(&cfg, NULL, dir, sizeof dir);
    if (!k) {
        config_free(&cfg);
        return 1;
    }
    log_msg(LOG_INFO, "faqbot", "knowledge: %zu entries from %s", kb_entry_count(k), dir);
    no_core_dumps();
    int status = 1;
    host *h = host_new(&cfg, k, dir);
    if (h) {
        if (host_start(h) == 0)
            log_msg(LOG_ERROR, "faqbot", "no plugin is running; exiting");
        status = host_wait(h);
        host_free(h);
    }
    config_free(&cfg);
    log_shutdown();
    return status;
}
