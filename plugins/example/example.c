/*
 * example.c - a minimal, complete faqbot connector, to copy from.
 *
 * It "chats" through two files: it reads questions from questions_file,
 * one per line, hands each to the bot, and appends every reply to
 * answers_file (default: stdout).  It remembers, in the host's state
 * store, how many lines it has answered, so a restart resumes where it
 * stopped - the same "acknowledge only after the reply was sent" rule a
 * real connector follows for its platform's offset.
 *
 * Config (the plugin's object under "plugins" in faqbot.json):
 *   {"plugin": "example", "questions_file": "q.txt", "answers_file": "a.txt"}
 *
 * Build in the faqbot tree (plugins/example/CMakeLists.txt), or out of
 * tree against an installed faqbot:
 *   cmake -S plugins/example -B build-example && cmake --build build-example
 * or just:
 *   cc -std=c11 -shared -fPIC $(pkg-config --cflags faqbot-plugin jansson) \
 *      example.c -o example.so $(pkg-config --libs jansson)
 */
#define _POSIX_C_SOURCE 200809L  /* strdup() under -std=c11 */

#include <faqbot/plugin.h>   /* the whole ABI: nothing else from faqbot */

#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct example {
    faqbot_host *host;        /* valid until destroy() returns */
    char *questions_file;     /* our own copies: the config text passed */
    char *answers_file;       /* to create() lives only for that call */
    FILE *out;
    atomic_int stopping;      /* set by stop() from any thread */
} example;

static void ex_free(example *ex)
{
    if (ex->out && ex->out != stdout)
        fclose(ex->out);
    free(ex->questions_file);
    free(ex->answers_file);
    free(ex);
}

/* create(): main thread.  Parse and check the config, open what we need;
 * on failure return NULL with a one-line reason (never a secret). */
static void *ex_create(faqbot_host *host, const char *config_json, char *err,
                       size_t errlen)
{
    json_error_t jerr;
    json_t *cfg = json_loads(config_json, 0, &jerr);
    example *ex = calloc(1, sizeof *ex);
    const char *q = json_string_value(json_object_get(cfg, "questions_file"));
    const char *a = json_string_value(json_object_get(cfg, "answers_file"));
    if (!cfg || !ex) {
        snprintf(err, errlen, "%s", cfg ? "out of memory" : jerr.text);
        goto fail;
    }
    ex->host = host;
    if (!q) {
        snprintf(err, errlen, "\"questions_file\" is required");
        goto fail;
    }
    ex->questions_file = strdup(q);
    ex->answers_file = a ? strdup(a) : NULL;
    ex->out = a ? fopen(a, "a") : stdout;
    if (!ex->questions_file || (a && !ex->answers_file) || !ex->out) {
        snprintf(err, errlen, "cannot open %s", a ? a : "stdout");
        goto fail;
    }
    json_decref(cfg);
    return ex;
fail:
    json_decref(cfg);
    if (ex)
        ex_free(ex);
    return NULL;
}

/* run(): the plugin's own thread.  deliver() routes one message and calls
 * our send() on this same thread before it returns. */
static int ex_run(void *self)
{
    example *ex = self;
    FILE *in = fopen(ex->questions_file, "r");
    if (!in) {
        ex->host->log(ex->host, FAQBOT_LOG_ERROR, "cannot read %s",
                      ex->questions_file);
        return -1;
    }
    char *done_s = ex->host->state_get(ex->host, "lines_done");
    long done = done_s ? atol(done_s) : 0, n = 0;
    ex->host->free(done_s);                  /* host strings: host->free */
    char line[4096], id[32], count[32];
    while (!atomic_load(&ex->stopping) && !ex->host->should_stop(ex->host) &&
           fgets(line, sizeof line, in)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (++n <= done || !*line)
            continue;                        /* answered before a restart */
        snprintf(id, sizeof id, "%ld", n);
        faqbot_message m = {sizeof m, "example-chat", id, "example-user",
                            NULL, line, NULL, 0};
        if (ex->host->deliver(ex->host, &m) < 0)
            break;                           /* not sent: do not ack */
        snprintf(count, sizeof count, "%ld", n);
        ex->host->state_set(ex->host, "lines_done", count);   /* the ack */
    }
    fclose(in);
    return 0;
}

/* send(): on run()'s thread.  render_text gives the standard plain-text
 * form (text, citation, notice, suggestions, related); a richer platform
 * would use the reply's fields (kind, citation, suggestions...) itself. */
static int ex_send(void *self, const faqbot_reply *r)
{
    example *ex = self;
    char *text = ex->host->render_text(ex->host, r);
    if (!text)
        return -1;
    int ok = fprintf(ex->out, "[%s] %s\n\n", r->reply_to ? r->reply_to : "-",
                     text) >= 0 && fflush(ex->out) == 0;
    ex->host->free(text);
    return ok ? 0 : -1;
}

/* stop(): any thread, any time after create(): only set a flag. */
static void ex_stop(void *self)
{
    atomic_store(&((example *)self)->stopping, 1);
}

/* destroy(): main thread, after run() returned (or never started). */
static void ex_destroy(void *self)
{
    ex_free(self);
}

/* Commands this plugin adds to /help (NULL-terminated). */
static const faqbot_command ex_commands[] = {
    {"example", "the example connector answers questions from a file"},
    {NULL, NULL},
};

FAQBOT_PLUGIN_DEFINE("example", "1.0", "questions from a file, answers to a file",
                     ex_create, ex_run, ex_send, ex_stop, ex_destroy,
                     ex_commands);
