/* ask.c - one question to one reply line (`faqbot ask`), see ask.h. */
#include "ask.h"

#include "jsonw.h"
#include "reply-cache.h"
#include "reply.h"
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct ask_worker {
    const kb *k;
    const router_env *env;
    kb_scratch *s;
    route_out out;
    sbuf clean, plain;
    sbuf reply;            /* the reply as a JSON string, rendered first */
    reply_cache *cache;    /* NULL: render every reply */
    char pad[128];         /* no cache line shared with the next worker */
};

/* Caller frees with ask_worker_free. */
ask_worker *ask_worker_new(const kb *k, const router_env *env, int cache)
{
    ask_worker *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->k = k;
    w->env = env;
    route_out_init(&w->out);
    sbuf_init(&w->clean);
    sbuf_init(&w->plain);
    sbuf_init(&w->reply);
    w->s = kb_scratch_new();
    if (cache)
        w->cache = reply_cache_new(k, env);
    if (!w->s || (cache && !w->cache)) {
        ask_worker_free(w);
        return NULL;
    }
    return w;
}

void ask_worker_free(ask_worker *w)
{
    if (!w)
        return;
    reply_cache_free(w->cache);
    kb_scratch_free(w->s);
    route_out_free(&w->out);
    sbuf_free(&w->clean);
    sbuf_free(&w->plain);
    sbuf_free(&w->reply);
    free(w);
}

#define ONES 0x0101010101010101u
#define HIGH 0x8080808080808080u

/* 1 when each of the 8 bytes of w is in 0x20..0x7e: (x - n * ONES) & ~x
 * & HIGH is nonzero exactly when a byte of x is below n (n <= 0x80), and
 * a byte of w + ONES has its high bit set when it was 0x7f or above. */
static int ask_printable8(uint64_t w)
{
    return !((((w - ONES * 0x20) & ~w) | (w + ONES) | w) & HIGH);
}

/* utf8_sanitize(q) without the copy when q is printable ASCII or tabs:
 * utf8_sanitize leaves those bytes as they are.  NULL on OOM. */
static const char *ask_clean(ask_worker *w, const char *q, size_t len)
{
    size_t i = 0;
    uint64_t v;
    while (len - i >= 8 && (memcpy(&v, q + i, 8), ask_printable8(v)))
        i += 8;
    while (i < len && ((unsigned char)(q[i] - 0x20) < 0x5f || q[i] == '\t'))
        i++;
    if (i == len)
        return q;
    sbuf_reset(&w->clean);
    if (utf8_sanitize(q, len, &w->clean) < 0)
        return NULL;
    return sbuf_str(&w->clean);
}

/* The reply of w->out as a JSON string literal: *s, *len (in w->reply,
 * or the cache's kept copy). */
static int ask_reply_json(ask_worker *w, const char **s, size_t *len)
{
    faqbot_reply r;
    sbuf_reset(&w->reply);
    if (w->cache)
        return reply_cache_view(w->cache, &w->out, &w->reply, s, len);
    sbuf_reset(&w->plain);
    if (router_render(w->env, w->k, &w->out) < 0)
        return -1;
    router_reply_view(&w->out, &r);
    if (reply_render_plain(&r, &w->plain) < 0 ||
        jsonw_str(&w->reply, sbuf_str(&w->plain)) < 0 || w->reply.oom)
        return -1;
    *s = w->reply.s;
    *len = w->reply.len;
    return 0;
}

/* The line's start up to the entry: the common kinds' status as
 * literals (the names router_status_name gives), the rest through
 * jsonw_str. */
static void ask_status(sbuf *b, const route_out *o)
{
#define ASK_START(name) "{\"status\":\"" name "\",\"entry\":"
    switch (o->kind) {
    case FAQBOT_REPLY_ANSWER: SBUF_LIT(b, ASK_START("answered")); break;
    case FAQBOT_REPLY_AMBIGUOUS: SBUF_LIT(b, ASK_START("ambiguous")); break;
    case FAQBOT_REPLY_NO_ANSWER: SBUF_LIT(b, ASK_START("no_answer")); break;
    case FAQBOT_REPLY_URGENT: SBUF_LIT(b, ASK_START("urgent")); break;
    default:
        SBUF_LIT(b, "{\"status\":");
        jsonw_str(b, router_status_name(o));
        SBUF_LIT(b, ",\"entry\":");
    }
#undef ASK_START
}

/* The reply is rendered before the status and entry are written: an
 * answer that cannot be read back from disk turns into "no_answer" then,
 * and the line must say so. */
static int ask_json(ask_worker *w, sbuf *b)
{
    const route_out *o = &w->out;
    const char *reply;
    size_t reply_len;
    if (ask_reply_json(w, &reply, &reply_len) < 0)
        return -1;
    const kb_entry *e = o->kind == FAQBOT_REPLY_COMMAND ? NULL : o->res.entry;
    ask_status(b, o);
    if (e)
        jsonw_str(b, e->id);
    else
        SBUF_LIT(b, "null");
    SBUF_LIT(b, ",\"score\":");
    jsonw_fixed4(b, o->res.score);
    SBUF_LIT(b, ",\"confidence\":");
    jsonw_fixed4(b, o->res.confidence);
    SBUF_LIT(b, ",\"suggestions\":[");
    for (size_t i = 0; i < o->n_sugg; i++) {
        if (i)
            SBUF_LIT(b, ",");
        jsonw_str(b, o->sugg[i].entry_id);
    }
    if (o->kind == FAQBOT_REPLY_URGENT && o->res.triage_rule) {
        SBUF_LIT(b, "],\"triage_rule\":");
        jsonw_str(b, o->res.triage_rule);
        SBUF_LIT(b, ",\"reply\":");
    } else {
        SBUF_LIT(b, "],\"triage_rule\":null,\"reply\":");
    }
    sbuf_addn(b, reply, reply_len);
    return SBUF_LIT(b, "}\n");
}

static int ask_plain(ask_worker *w, sbuf *b)
{
    faqbot_reply r;
    if (router_render(w->env, w->k, &w->out) < 0)
        return -1;
    router_reply_view(&w->out, &r);
    if (reply_render_plain(&r, b) < 0)
        return -1;
    return sbuf_addn(b, "\n", 1);
}

int ask_worker_line(ask_worker *w, const char *q, size_t len, int json,
                    sbuf *out)
{
    const char *clean = ask_clean(w, q, len);
    if (!clean || router_decide(w->env, w->k, w->s, clean, NULL, &w->out) < 0)
        return -1;
    if ((json ? ask_json(w, out) : ask_plain(w, out)) < 0 || out->oom)
        return -1;
    return 0;
}
