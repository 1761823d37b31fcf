/* cmd-ask.c - `faqbot ask [--json] [--batch] "question"`: the router from
 * the command line, one question or one per stdin line. */
#include "app.h"
#include "commands.h"
#include "jsonw.h"
#include "live.h"
#include "reply.h"
#include "router.h"
#include "sbuf.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ask_usage(void)
{
    printf("usage: faqbot ask [--json] [--config FILE] [--knowledge DIR | --room INSTANCE/CHAT] \"question\"\n"
           "       faqbot ask --batch [--config FILE] [--knowledge DIR] < questions.txt\n\n"
           "Answers a question the way the bot would (commands, safety triage,\n"
           "knowledge base, fallback).  --json prints one object with status\n"
           "(answered|ambiguous|no_answer|urgent|command|notice), entry, score,\n"
           "confidence, suggestions and reply.  --batch reads one question per\n"
           "line and prints one JSON object per line.  --room answers from the\n"
           "knowledge base the config's \"rooms\" give that chat.\n");
    return 0;
}

static void ask_json(const route_out *o, const char *rendered, sbuf *b)
{
    const kb_entry *e = o->kind == FAQBOT_REPLY_COMMAND ? NULL : o->res.entry;
    sbuf_add(b, "{\"status\":");
    jsonw_str(b, router_status_name(o));
    sbuf_add(b, ",\"entry\":");
    if (e)
        jsonw_str(b, e->id);
    else
        sbuf_add(b, "null");
    sbuf_add(b, ",\"score\":");
    jsonw_fixed4(b, o->res.score);
    sbuf_add(b, ",\"confidence\":");
    jsonw_fixed4(b, o->res.confidence);
    sbuf_add(b, ",\"suggestions\":[");
    for (size_t i = 0; i < o->n_sugg; i++) {
        if (i)
            sbuf_add(b, ",");
        jsonw_str(b, o->sugg[i].entry_id);
    }
    sbuf_add(b, "],\"triage_rule\":");
    if (o->kind == FAQBOT_REPLY_URGENT && o->res.triage_rule)
        jsonw_str(b, o->res.triage_rule);
    else
        sbuf_add(b, "null");
    sbuf_add(b, ",\"reply\":");
    jsonw_str(b, rendered);
    sbuf_add(b, "}\n");
}

typedef struct ask_ctx {
    router_env env;
    const kb *k;
    kb_scratch *s;
    route_out out;
    sbuf clean, rendered, line;
} ask_ctx;

/* Answer one question into c->line (JSON or plain).  0, or -1 on OOM. */
static int ask_one(ask_ctx *c, const char *q, size_t len, int json)
{
    faqbot_reply r;
    sbuf_reset(&c->clean);
    sbuf_reset(&c->rendered);
    sbuf_reset(&c->line);
    if (utf8_sanitize(q, len, &c->clean) < 0 ||
        router_route(&c->env, c->k, c->s, sbuf_str(&c->clean), NULL, &c->out) < 0)
        return -1;
    router_reply_view(&c->out, &r);
    reply_render_plain(&r, &c->rendered);
    if (json)
        ask_json(&c->out, sbuf_str(&c->rendered), &c->line);
    else if (sbuf_add(&c->line, sbuf_str(&c->rendered)) == 0)
        sbuf_addn(&c->line, "\n", 1);
    return c->line.oom ? -1 : 0;
}

static int ask_batch(ask_ctx *c)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (ask_one(c, line, (size_t)n, 1) < 0) {
            rc = 1;
            break;
        }
        fwrite(c->line.s, 1, c->line.len, stdout);
    }
    free(line);
    return rc;
}

int cmd_ask(int argc, char **argv)
{
    const char *cfg_path = NULL, *kdir = NULL, *question = NULL, *room = NULL, *v;
    int json = 0, batch = 0, rc = 1;
    if (cmd_wants_help(argc, argv))
        return ask_usage();
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--batch") == 0)
            batch = 1;
        else if (app_opt(argc, argv, &i, "--config", &v))
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
    ask_ctx c;
    memset(&c, 0, sizeof c);
    route_out_init(&c.out);
    c.env.emergency_number = cfg.emergency_number;
    live *l = NULL;
    if (room) {   /* every knowledge base, then the room's pick */
        char inst[128];
        size_t n = strcspn(room, "/");
        snprintf(inst, sizeof inst, "%.*s", (int)(n < sizeof inst ? n : sizeof inst - 1), room);
        if ((l = live_build(&cfg, NULL, NULL, kdir, "knowledge")) != NULL)
            c.k = live_pick(l, inst, room[n] ? room + n + 1 : "", NULL);
    } else {
        c.k = app_knowledge(&cfg, kdir, NULL, 0);
    }
    c.s = kb_scratch_new();
    if (c.k && c.s) {
        if (batch)
            rc = ask_batch(&c);
        else if (ask_one(&c, question, strlen(question), json) == 0) {
            fwrite(c.line.s, 1, c.line.len, stdout);
            rc = 0;
        }
    }
    route_out_free(&c.out);
    sbuf_free(&c.clean);
    sbuf_free(&c.rendered);
    sbuf_free(&c.line);
    kb_scratch_free(c.s);
    if (l)
        live_unref(l);
    else
        kb_free((kb *)c.k);
    config_free(&cfg);
    return rc;
}
