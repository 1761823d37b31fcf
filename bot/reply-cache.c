/* reply-cache.c - rendered replies kept per entry, see reply-cache.h. */
#include "reply-cache.h"

#include "jsonw.h"
#include "reply.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct reply_slot {
    char *s;               /* JSON string literal, or NULL: not yet */
    size_t len;
} reply_slot;

/* A "did you mean" reply: its suggestions' entry indexes + 1 (0 past
 * n), then the reply (direct-mapped by the key's hash: a slot taken by
 * another key is rendered into afresh). */
#define AMB_SLOTS 1024
typedef struct amb_slot {
    uint32_t key[KB_MAX_SUGGESTIONS];
    reply_slot r;
} amb_slot;

/* slot[2 * i] answers entry i, slot[2 * i + 1] is its urgent reply,
 * slot[2 * n] the "no answer" text. */
struct reply_cache {
    const kb *k;
    const kb_entry *first;  /* k's entries (kb_entry_at), n_entries of them */
    size_t n_entries;
    const router_env *env;
    reply_slot *slot;
    size_t n_slots;
    amb_slot *amb;         /* AMB_SLOTS, from the first "did you mean" */
    sbuf plain;            /* reply_render_plain's text, reused */
    size_t rendered, hits;
};

static void cache_clear(reply_cache *c)
{
    for (size_t i = 0; i < c->n_slots; i++)
        free(c->slot[i].s);
    free(c->slot);
    c->slot = NULL;
    c->n_slots = 0;
    if (c->amb) {
        for (size_t i = 0; i < AMB_SLOTS; i++)
            free(c->amb[i].r.s);
        free(c->amb);
        c->amb = NULL;
    }
}

int reply_cache_reset(reply_cache *c, const kb *k, const router_env *env)
{
    size_t n = 2 * kb_entry_count(k) + 1;
    cache_clear(c);
    c->k = k;
    c->first = kb_entry_at(k, 0);
    c->n_entries = kb_entry_count(k);
    c->env = env;
    c->rendered = c->hits = 0;
    c->slot = calloc(n, sizeof *c->slot);
    if (!c->slot)
        return -1;
    c->n_slots = n;
    return 0;
}

/* Caller frees with reply_cache_free. */
reply_cache *reply_cache_new(const kb *k, const router_env *env)
{
    reply_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    sbuf_init(&c->plain);
    if (reply_cache_reset(c, k, env) < 0) {
        reply_cache_free(c);
        return NULL;
    }
    return c;
}

void reply_cache_free(reply_cache *c)
{
    if (!c)
        return;
    cache_clear(c);
    sbuf_free(&c->plain);
    free(c);
}

/* The index of entry e of c's kb, or SIZE_MAX when e is not one. */
static size_t entry_index(const reply_cache *c, const kb_entry *e)
{
    const kb_entry *first = c->first;
    if (!first || !e || e < first)
        return SIZE_MAX;
    size_t i = (size_t)(e - first);
    if (i >= c->n_entries || first + i != e)
        return SIZE_MAX;
    return i;
}

/* The slot of a "did you mean" reply not rendered yet (o as
 * decide_from_result leaves it: text, citation, notice and related topics
 * empty, the suggestions those of o->res), its key set; NULL when o is
 * not one or the slots cannot be had. */
static reply_slot *amb_slot_of(reply_cache *c, const route_out *o)
{
    uint32_t key[KB_MAX_SUGGESTIONS] = {0}, h = 2166136261u;
    if (!o->pending || o->text.len || o->citation.len || o->notice ||
        o->n_related || o->res.entry || o->n_sugg != o->res.n_suggestions ||
        o->n_sugg > KB_MAX_SUGGESTIONS)
        return NULL;
    for (size_t i = 0; i < o->n_sugg; i++) {
        const kb_entry *e = o->res.suggestions[i];
        size_t x = entry_index(c, e);
        if (x >= UINT32_MAX || o->sugg[i].entry_id != e->id ||
            o->sugg[i].title != e->title)
            return NULL;
        key[i] = (uint32_t)x + 1;
        h = (h ^ key[i]) * 16777619u;
    }
    if (!c->amb && !(c->amb = calloc(AMB_SLOTS, sizeof *c->amb)))
        return NULL;
    amb_slot *a = &c->amb[(h ^ h >> 15) % AMB_SLOTS];
    if (memcmp(a->key, key, sizeof key) != 0) {
        free(a->r.s);   /* another reply's slot: taken over */
        a->r.s = NULL;
        memcpy(a->key, key, sizeof key);
    }
    return &a->r;
}

/* The slot that keeps o's reply, or NULL when o's reply is not kept
 * (a command, a "did you mean" amb_slot_of does not take, an entry not
 * of c's kb). */
static reply_slot *cache_slot(reply_cache *c, const route_out *o)
{
    if (o->kind == FAQBOT_REPLY_NO_ANSWER)
        return &c->slot[c->n_slots - 1];
    if (o->kind == FAQBOT_REPLY_AMBIGUOUS)
        return amb_slot_of(c, o);
    if (o->kind != FAQBOT_REPLY_ANSWER && o->kind != FAQBOT_REPLY_URGENT)
        return NULL;
    size_t i = entry_index(c, o->res.entry);
    if (i == SIZE_MAX)
        return NULL;
    return &c->slot[2 * i + (o->kind == FAQBOT_REPLY_URGENT)];
}

/* Render o's reply as a JSON string literal onto out. */
static int cache_render(reply_cache *c, route_out *o, sbuf *out)
{
    faqbot_reply r;
    c->rendered++;
    sbuf_reset(&c->plain);
    if (router_render(c->env, c->k, o) < 0)
        return -1;
    router_reply_view(o, &r);
    if (reply_render_plain(&r, &c->plain) < 0)
        return -1;
    return jsonw_str(out, sbuf_str(&c->plain));
}

int reply_cache_view(reply_cache *c, route_out *o, sbuf *tmp,
                     const char **s, size_t *len)
{
    reply_slot *sl = cache_slot(c, o);
    if (sl && sl->s) {
        c->hits++;
        *s = sl->s;
        *len = sl->len;
        return 0;
    }
    size_t start = tmp->len;
    if (reply_cache_json(c, o, tmp) < 0 || tmp->oom)
        return -1;
    *s = tmp->s + start;
    *len = tmp->len - start;
    return 0;
}

int reply_cache_json(reply_cache *c, route_out *o, sbuf *out)
{
    reply_slot *sl = cache_slot(c, o);
    if (sl && sl->s) {
        c->hits++;
        return sbuf_addn(out, sl->s, sl->len);
    }
    size_t start = out->len;
    int kind = o->kind;
    if (cache_render(c, o, out) < 0)
        return -1;
    /* keep a copy, unless rendering changed the reply's kind (an answer
     * that could not be read back from disk is not kept: the file may be
     * put right; a "did you mean" keeps its kind); without memory, just
     * render next time */
    if (sl && (kind == FAQBOT_REPLY_AMBIGUOUS ? o->kind == kind
                                               : cache_slot(c, o) == sl)) {
        size_t len = out->len - start;
        sl->s = malloc(len);
        if (sl->s) {
            memcpy(sl->s, out->s + start, len);
            sl->len = len;
        }
    }
    return 0;
}

void reply_cache_counts(const reply_cache *c, size_t *rendered, size_t *hits)
{
    *rendered = c->rendered;
    *hits = c->hits;
}
