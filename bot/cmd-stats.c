/* cmd-stats.c - `faqbot stats`: counts per status and per entry since the
 * bot started, asked of the running bot over its control socket, or
 * rebuilt from a log file (text or JSON lines). */
#include "app.h"
#include "commands.h"
#include "control.h"
#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int stats_usage(void)
{
    printf("usage: faqbot stats [--json] [--socket PATH | --log FILE] [--config FILE]\n\n"
           "Counts of answered messages per status (answered, ambiguous,\n"
           "no_answer, urgent, command, notice, rate_limited, too_long) and\n"
           "per entry.  --socket (default: the config's control_socket) asks\n"
           "the running bot; --log FILE (\"-\": stdin) counts the answer\n"
           "events in a log it wrote instead.  --json prints the raw object.\n");
    return 0;
}

static int from_log(const char *file, sbuf *json)
{
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;
    if (!f) {
        perror(file);
        return -1;
    }
    stats *st = stats_new();
    while (st && rc == 0 && getline(&line, &cap, f) >= 0)
        rc = stats_add_log_line(st, line) < 0 ? -1 : 0;
    if (!st || rc < 0 || stats_json(st, json) < 0) {
        fprintf(stderr, "faqbot stats: out of memory\n");
        rc = -1;
    }
    free(line);
    stats_free(st);
    if (f != stdin)
        fclose(f);
    return rc;
}

static int from_socket(const char *sock, sbuf *json)
{
    char err[512];
    int rc = control_request(sock, "stats", json, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "faqbot stats: cannot reach the bot: %s\n", err);
    else if (rc > 0)
        fprintf(stderr, "faqbot stats: %s\n", sbuf_str(json));
    return rc == 0 ? 0 : -1;
}

/* The socket named by --socket or by the config, or NULL if none.
 * Caller frees with free(). */
static char *socket_of(const char *sock, const char *cfg_path)
{
    config cfg;
    if (sock)
        return strdup(sock);
    if (app_config(cfg_path, &cfg) < 0)
        return NULL;
    char *s = cfg.control_socket ? strdup(cfg.control_socket) : NULL;
    config_free(&cfg);
    return s;
}

int cmd_stats(int argc, char **argv)
{
    const char *sock = NULL, *logf = NULL, *cfg_path = NULL;
    int json = 0, rc = -1;
    if (cmd_wants_help(argc, argv))
        return stats_usage();
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (!app_opt(argc, argv, &i, "--socket", &sock) &&
                 !app_opt(argc, argv, &i, "--log", &logf) &&
                 !app_opt(argc, argv, &i, "--config", &cfg_path)) {
            fprintf(stderr, "faqbot stats: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    sbuf out, text;
    sbuf_init(&out);
    sbuf_init(&text);
    if (logf) {
        rc = from_log(logf, &out);
    } else {
        char *s = socket_of(sock, cfg_path);
        if (s)
            rc = from_socket(s, &out);
        else
            fprintf(stderr, "faqbot stats: no control_socket in the config; "
                    "give --socket PATH or --log FILE\n");
        free(s);
    }
    if (rc == 0 && json)
        printf("%s\n", sbuf_str(&out));
    else if (rc == 0 && stats_text_from_json(sbuf_str(&out), &text) == 0)
        fputs(sbuf_str(&text), stdout);
    else if (rc == 0)
        rc = -1;
    sbuf_free(&out);
    sbuf_free(&text);
    return rc == 0 ? 0 : 1;
}
