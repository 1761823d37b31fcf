/* fixture-plugin.c - test plugins for the host, built several times:
 *   FIXTURE_GOOD            delivers config "questions", writes each reply
 *                           (kind|entry|text) as a line to config "out"
 *   FIXTURE_WRONG_ABI       declares ABI 99
 *   FIXTURE_NO_SYMBOL       exports no descriptor
 *   FIXTURE_FAILING_CREATE  create() refuses
 *   FIXTURE_SLOW_STOP       run() ignores stop() for 10 s
 */
#include <faqbot/plugin.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct fx {
    faqbot_host *host;
    json_t *cfg;
    FILE *out;
} fx;

static void *fx_create(faqbot_host *host, const char *config_json, char *err,
                       size_t errlen)
{
#ifdef FIXTURE_FAILING_CREATE
    snprintf(err, errlen, "fixture refused to start");
    return NULL;
#endif
    fx *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->host = host;
    f->cfg = json_loads(config_json, 0, NULL);
    const char *out = json_string_value(json_object_get(f->cfg, "out"));
    if (out && !(f->out = fopen(out, "w"))) {
        snprintf(err, errlen, "cannot open %s", out);
        json_decref(f->cfg);
        free(f);
        return NULL;
    }
    return f;
}

static int fx_run(void *self)
{
    fx *f = self;
#ifdef FIXTURE_SLOW_STOP
    sleep(120);     /* ignores stop(): only the host's deadline ends the wait */
    return 0;
#endif
    json_t *qs = json_object_get(f->cfg, "questions"), *q;
    size_t i;
    char id[32];
    json_array_foreach(qs, i, q) {
        snprintf(id, sizeof id, "m%zu", i);
        faqbot_message m = {sizeof m, "chat-1", id, "user-1", "Ann",
                            json_string_value(q), NULL, 0};
        if (f->host->deliver(f->host, &m) < 0)
            return -1;
    }
    char *seen = f->host->state_get(f->host, "runs");
    char next[16];
    snprintf(next, sizeof next, "%d", seen ? atoi(seen) + 1 : 1);
    f->host->free(seen);
    f->host->state_set(f->host, "runs", next);
    return 0;
}

static int fx_send(void *self, const faqbot_reply *r)
{
    fx *f = self;
    if (f->out) {
        fprintf(f->out, "%d|%s|%s|%s\n", r->kind, r->entry_id ? r->entry_id : "-",
                r->reply_to ? r->reply_to : "-", r->citation ? r->citation : "-");
        fflush(f->out);
    }
    return 0;
}

static void fx_stop(void *self) { (void)self; }

static void fx_destroy(void *self)
{
    fx *f = self;
    if (f->out)
        fclose(f->out);
    json_decref(f->cfg);
    free(f);
}

#ifndef FIXTURE_NO_SYMBOL
#ifdef FIXTURE_WRONG_ABI
FAQBOT_EXPORT const faqbot_plugin_desc faqbot_plugin = {
    99, (uint32_t)sizeof(faqbot_plugin_desc), "fixture", "0", "wrong ABI",
    fx_create, fx_run, fx_send, fx_stop, fx_destroy, NULL};
#else
static const faqbot_command fx_commands[] = {{"fixture", "a fixture command"}, {NULL, NULL}};
FAQBOT_PLUGIN_DEFINE("fixture", "0", "test fixture", fx_create, fx_run, fx_send,
                     fx_stop, fx_destroy, fx_commands);
#endif
#else
/* Keep the functions referenced so the object is not empty. */
FAQBOT_EXPORT void *fixture_unrelated[] = {fx_create, fx_run, fx_send, fx_stop, fx_destroy};
#endif
