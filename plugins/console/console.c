/* console.c - the console connector: questions on stdin, answers on
 * stdout.  Works interactively (a prompt when stdin is a terminal) and
 * piped (`echo "does massage help sleep?" | faqbot run`): at end of input
 * it finishes, and the bot exits when no other plugin runs. */
#include <faqbot/plugin.h>

#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CON_LINE_MAX 65536

typedef struct con {
    faqbot_host *host;
    atomic_int stopping;
    int interactive;
    unsigned long seq;            /* message ids */
    char line[CON_LINE_MAX + 1];
    size_t len;
    int overflow;                 /* current line exceeded CON_LINE_MAX */
    char picks[3][128];           /* last "did you mean" entry ids */
    size_t n_picks;
} con;

static void *con_create(faqbot_host *host, const char *config_json,
                        char *err, size_t errlen)
{
    con *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->host = host;
    c->interactive = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    return c;
}

static void con_prompt(con *c)
{
    if (c->interactive) {
        fputs("> ", stdout);
        fflush(stdout);
    }
}

/* "1".."3" after a "did you mean": the chosen entry id, else NULL. */
static const char *con_pick(con *c, const char *text)
{
    if (c->n_picks && text[0] >= '1' && text[0] <= '3' && text[1] == '\0' &&
        (size_t)(text[0] - '1') < c->n_picks)
        return c->picks[text[0] - '1'];
    return NULL;
}

static void con_handle_line(con *c, char *text)
{
    while (*text == ' ' || *text == '\t')
        text++;
    size_t n = strlen(text);
    while (n && (text[n - 1] == '\r' || text[n - 1] == ' '))
        text[--n] = '\0';
    if (n == 0) {
        con_prompt(c);
        return;
    }
    char id[32];
    snprintf(id, sizeof id, "%lu", ++c->seq);
    faqbot_message m = {sizeof m, "console", id, "console-user", "you", text,
                        con_pick(c, text), 0};
    if (c->host->deliver(c->host, &m) < 0)
        c->host->log(c->host, FAQBOT_LOG_WARN, "could not answer line %s", id);
    con_prompt(c);
}

/* Split what was read into lines; an over-long line is cut short (the
 * host then answers that it is too long). */
static void con_feed(con *c, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == '\n') {
            c->line[c->len] = '\0';
            con_handle_line(c, c->line);
            c->len = 0;
            c->overflow = 0;
        } else if (c->len < CON_LINE_MAX) {
            c->line[c->len++] = buf[i];
        } else {
            c->overflow = 1;
        }
    }
}

static int con_run(void *self)
{
    con *c = self;
    char buf[4096];
    con_prompt(c);
    while (!atomic_load(&c->stopping) && !c->host->should_stop(c->host)) {
        struct pollfd pfd = {STDIN_FILENO, POLLIN, 0};
        int r = poll(&pfd, 1, 200);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            continue;
        ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            break;                      /* end of input */
        con_feed(c, buf, (size_t)n);
    }
    if (c->len > 0 && !atomic_load(&c->stopping)) {  /* last line, no '\n' */
        c->line[c->len] = '\0';
        con_handle_line(c, c->line);
    }
    return 0;
}

static int con_send(void *self, const faqbot_reply *r)
{
    con *c = self;
    char *text = c->host->render_text(c->host, r);
    if (!text)
        return -1;
    int ok = printf("%s\n\n", text) >= 0 && fflush(stdout) == 0;
    c->host->free(text);
    c->n_picks = 0;
    for (size_t i = 0; i < r->n_suggestions && i < 3; i++)
        snprintf(c->picks[c->n_picks++], sizeof c->picks[0], "%s",
                 r->suggestions[i].entry_id);
    return ok ? 0 : -1;
}

static void con_stop(void *self)
{
    atomic_store(&((con *)self)->stopping, 1);
}

static void con_destroy(void *self) { free(self); }

FAQBOT_PLUGIN_DEFINE("console", "1.0", "questions on stdin, answers on stdout",
                     con_create, con_run, con_send, con_stop, con_destroy, NULL);
