/* cmd-ask.c - `faqbot ask [--json] [--batch] "question"`: the router from
 * the command line, one question or one per stdin line. */
#include "app.h"
#include "ask.h"
#include "commands.h"
#include "live.h"
#include "router.h"
#include "sbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int ask_usage(void)
{
    printf("usage: faqbot ask [--json] [--config FILE] [--knowledge DIR | --room INSTANCE/CHAT] \"question\"\n"
           "       faqbot ask --batch [--jobs N] [--no-cache] [--config FILE] [--knowledge DIR] < questions.txt\n\n"
           "Answers a question the way the bot would (commands, safety triage,\n"
           "knowledge base, fallback).  --json prints one object with status\n"
           "(answered|ambiguous|no_answer|urgent|command|notice), entry, score,\n"
           "confidence, suggestions and reply.  --batch reads one question per\n"
           "line and prints one JSON object per line, in input order, answered\n"
           "by N threads (default: the online CPUs); --no-cache renders every\n"
           "reply afresh instead of once per entry.  --room answers from the\n"
           "knowledge base the config's \"rooms\" give that chat.\n");
    return 0;
}

/* The number of online CPUs (at least 1), the default --jobs. */
static int ask_default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

/* One question, one line on stdout.  0, or 1. */
static int ask_single(const kb *k, const router_env *env, const char *q,
                      int json)
{
    sbuf line;
    int rc = 1;
    sbuf_init(&line);
    ask_worker *w = ask_worker_new(k, env, 0);
    if (w && ask_worker_line(w, q, strlen(q), json, &line) == 0 &&
        fwrite(line.s, 1, line.len, stdout) == line.len)
        rc = 0;
    ask_worker_free(w);
    sbuf_free(&line);
    return rc;
}

int cmd_ask(int argc, char **argv)
{
    const char *cfg_path = NULL, *kdir = NULL, *question = NULL, *room = NULL, *v;
    int json = 0, batch = 0, rc = 1;
    ask_batch_opts bo = {ask_default_jobs(), 1};
    if (cmd_wants_help(argc, argv))
        return ask_usage();
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--batch") == 0)
            batch = 1;
        else if (strcmp(argv[i], "--no-cache") == 0)
            bo.cache = 0;
        else if (app_opt(argc, argv, &i, "--jobs", &v)) {
            char *end;
            long n = strtol(v, &end, 10);
            if (*v == '\0' || *end != '\0' || n < 1 || n > 64) {
                fprintf(stderr, "faqbot ask: --jobs wants a number from 1 to 64\n");
                return 2;
            }
            bo.jobs = (int)n;
        } else if (app_opt(argc, argv, &i, "--config", &v))
            cfg_path = v;
        else if (app_opt(argc, argv, &i, "--knowledge", &v))
            kdir = v;
        else if (app_opt(argc, argv, &i, "--room", &v))
            room = v;
        else if (argv[i][0] == '-' && argv[i][1] == '-') {
            fprintf(stderr, "faqbot ask: unknown option '%s'\n", argv[i]);
            return 2;
        } else
            question = argv[i];
    }
    if (!batch && !question) {
        fprintf(stderr, "faqbot ask: give a question, or --batch\n");
        return 2;
    }
    config cfg;
    if (app_config(cfg_path, &cfg) < 0)
        return 1;
    router_env env = {cfg.emergency_number, NULL};
    const kb *k = NULL;
    live *l = NULL;
    if (room) {   /* every knowledge base, then the room's pick */
        char inst[128];
        size_t n = strcspn(room, "/");
        snprintf(inst, sizeof inst, "%.*s", (int)(n < sizeof inst ? n : sizeof inst - 1), room);
        if ((l = live_build(&cfg, NULL, NULL, kdir, "knowledge")) != NULL)
            k = live_pick(l, inst, room[n] ? room + n + 1 : "", NULL);
    } else {
        k = app_knowledge(&cfg, kdir, NULL, 0);
    }
    if (k && batch && ask_batch(k, &env, 0, stdout, &bo) == 0)
        rc = 0;
    else if (k && batch)
        fprintf(stderr, "faqbot ask: --batch stopped: a read or write error, "
                        "or out of memory\n");
    else if (k)
        rc = ask_single(k, &env, question, json);
    if (l)
        live_unref(l);
    else
        kb_free((kb *)k);
    config_free(&cfg);
    return rc;
}
