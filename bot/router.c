/* router.c - commands, triage + knowledge, fallback; see router.h. */
#include "router.h"

#include "build-info.h"
#include "log.h"
#include "reply.h"

#include <ctype.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

void route_out_init(route_out *o)
{
    memset(o, 0, sizeof *o);
    sbuf_init(&o->text);
    sbuf_init(&o->citation);
}

void route_out_free(route_out *o)
{
    sbuf_free(&o->text);
    sbuf_free(&o->citation);
}

static void route_out_reset(route_out *o)
{
    sbuf text = o->text, cit = o->citation;
    memset(o, 0, sizeof *o);
    o->text = text;
    o->citation = cit;
    sbuf_reset(&o->text);
    sbuf_reset(&o->citation);
}

/* ---- texts ----------------------------------------------------------- */

static int is_reserved(const kb *k, const kb_entry *e)
{
    const char *urgent = kb_urgent_entry_id(k);
    return urgent && strcmp(e->id, urgent) == 0;
}

/* Topic titles listed at most in a fallback and in /topics: a big
 * knowledge base must not turn one reply into hundreds of messages. */
#define ROUTER_FALLBACK_TOPICS 40
#define ROUTER_LIST_TOPICS 200

/* The titles of the first max entries, "; "-separated, then how many
 * more there are. */
static void add_topics(const kb *k, sbuf *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < kb_entry_count(k); i++) {
        const kb_entry *e = kb_entry_at(k, i);
        if (is_reserved(k, e))
            continue;
        if (n++ >= max)
            continue;
        if (n > 1)
            sbuf_addn(out, "; ", 2);
        sbuf_add(out, e->title);
    }
    if (n > max)
        sbuf_addf(out, "; and %zu more", n - max);
}

static void cmd_start(const router_env *env, const kb *k, sbuf *out)
{
    sbuf_add(out, "Hello! I answer parents' questions about infant massage, "
                  "from a curated knowledge base, and I always say where an "
                  "answer comes from.\n\nJust ask, in your own words, for "
                  "example: \"can massage help my colicky baby?\" or \"how "
                  "long should a massage last?\"\n\nType /topics to see what "
                  "I know, /help for commands.");
}

static void cmd_help(const router_env *env, const kb *k, sbuf *out)
{
    sbuf_add(out, "Ask me a question in your own words and I will answer "
                  "from the knowledge base, with its source.\n\nCommands:\n"
                  "/start - introduction\n/help - this help\n"
                  "/topics - what I can answer\n/source - where my answers "
                  "come from\n/about - about this bot\n"
                  "!faq <question> - ask in a group room");
    if (env->extra_help && *env->extra_help)
        sbuf_addf(out, "\n%s", env->extra_help);
    sbuf_add(out, "\n\nIf your baby seems unwell, call a doctor: I am not a "
                  "substitute for medical care.");
}

static void cmd_topics(const router_env *env, const kb *k, sbuf *out)
{
    sbuf_add(out, "I can answer questions on: ");
    add_topics(k, out, ROUTER_LIST_TOPICS);
    sbuf_add(out, ".");
}

static void cmd_source(const router_env *env, const kb *k, sbuf *out)
{
    sbuf_add(out, "My answers are written from these sources:");
    for (size_t i = 0; i < kb_source_count(k); i++) {
        const kb_source *s = kb_source_at(k, i);
        sbuf_addf(out, "\n- %s (%zu sections)", s->title, s->n_sections);
        if (s->url)
            sbuf_addf(out, " %s", s->url);
    }
}

static void cmd_about(const router_env *env, const kb *k, sbuf *out)
{
    sbuf_addf(out, "faqbot %s: an FAQ bot for parents. It matches your "
                   "question against %zu curated entries and cites the source "
                   "of every answer. It gives general information, not "
                   "medical advice.", FAQBOT_VERSION, kb_entry_count(k));
}

typedef void (*cmd_fn)(const router_env *, const kb *, sbuf *);

static const struct {
    const char *name;
    cmd_fn fn;
} router_commands[] = {
    {"start", cmd_start}, {"help", cmd_help}, {"topics", cmd_topics},
    {"source", cmd_source}, {"sources", cmd_source}, {"about", cmd_about},
};

/* ---- routing --------------------------------------------------------- */

/* "/name rest" or "/name@bot rest": returns the command or NULL. */
static cmd_fn find_command(const char *text, int *unknown)
{
    *unknown = 0;
    if (text[0] != '/')
        return NULL;
    size_t n = strcspn(text + 1, " \t\n@");
    for (size_t i = 0; i < sizeof router_commands / sizeof router_commands[0]; i++)
        if (strlen(router_commands[i].name) == n &&
            strncasecmp(text + 1, router_commands[i].name, n) == 0)
            return router_commands[i].fn;
    *unknown = n > 0;
    return NULL;
}

/* Most answers fit here (the loader refuses answers over 4096 bytes);
 * a longer one is read again into a heap copy. */
#define ROUTER_TEXT_STACK 4097

/* e's answer: kb_entry.answer when the text is in memory, else read back
 * (kb_entry_text) into buf, or into *heap when longer (caller frees
 * *heap).  Returns the text, or NULL when it
 * cannot be read (its file changed since loading) or on OOM. */
static const char *answer_text(const kb *k, const kb_entry *e, char *buf,
                               size_t size, char **heap)
{
    *heap = NULL;
    if (e->answer)          /* kept in memory: no copy needed */
        return e->answer;
    long n = kb_entry_text(k, e, KB_TEXT_ANSWER, 0, buf, size);
    if (n < 0 || (size_t)n < size)
        return n < 0 ? NULL : buf;
    if (!(*heap = malloc((size_t)n + 1)) ||
        kb_entry_text(k, e, KB_TEXT_ANSWER, 0, *heap, (size_t)n + 1) != n) {
        free(*heap);
        *heap = NULL;
        return NULL;
    }
    return *heap;
}

static void add_answer(const router_env *env, const char *a, sbuf *out)
{
    const char *ph = "{emergency_number}", *hit;
    while ((hit = strstr(a, ph)) != NULL) {
        sbuf_addn(out, a, (size_t)(hit - a));
        sbuf_add(out, env->emergency_number ? env->emergency_number
                                            : "your local emergency number");
        a = hit + strlen(ph);
    }
    sbuf_add(out, a);
}

/* The answer, citation and related topics of e.  Returns 0, or -1 when
 * the answer cannot be read (nothing written then). */
static int fill_answer(const router_env *env, const kb *k,
                       const kb_entry *e, route_out *o)
{
    char buf[ROUTER_TEXT_STACK], *heap;
    const char *a = answer_text(k, e, buf, sizeof buf, &heap);
    if (!a)
        return -1;
    add_answer(env, a, &o->text);
    free(heap);
    reply_citation(e, &o->citation);
    for (size_t i = 0; i < e->n_related && o->n_related < ROUTER_MAX_RELATED; i++) {
        const kb_entry *r = kb_find(k, e->related[i]);
        if (r)
            o->related[o->n_related++] = (faqbot_suggestion){r->id, r->title};
    }
    return 0;
}

static void add_no_answer(const kb *k, sbuf *out)
{
    sbuf_add(out, "Sorry, I don't know that one: it isn't covered by "
                  "what I have learned. I can answer questions on: ");
    add_topics(k, out, ROUTER_FALLBACK_TOPICS);
    sbuf_add(out, ".");
}

/* e's answer could not be read back from its file (knowledge_text
 * "disk", the file changed or went away since loading): log it, and
 * answer as if nothing matched, or for an urgent reply with a built-in
 * text that still sends the parent to a doctor. */
static void answer_unreadable(const router_env *env, const kb *k,
                              const kb_entry *e, route_out *o)
{
    log_msg(LOG_ERROR, "router", "entry '%s': answer cannot be read from %s "
            "(changed since loading? reload the knowledge); replied %s",
            e->id, e->file ? e->file : "(no file)",
            o->kind == FAQBOT_REPLY_URGENT ? "with the built-in urgent text"
                                           : "as not covered");
    if (o->kind == FAQBOT_REPLY_URGENT) {
        add_answer(env, "This may be urgent: call {emergency_number} or your "
                        "doctor now.", &o->text);
        return;
    }
    o->kind = FAQBOT_REPLY_NO_ANSWER;
    o->notice = NULL;
    o->res.entry = NULL;
    add_no_answer(k, &o->text);
}

/* The cheap part of a result: kind, notice, suggestions.  The text
 * (answer, citation, related topics) waits for router_render. */
static void decide_from_result(route_out *o)
{
    switch (o->res.status) {
    case KB_ANSWERED:
        o->kind = FAQBOT_REPLY_ANSWER;
        o->notice = REPLY_NOTICE;
        break;
    case KB_URGENT:
        o->kind = FAQBOT_REPLY_URGENT;
        break;
    case KB_AMBIGUOUS:
        o->kind = FAQBOT_REPLY_AMBIGUOUS;
        for (size_t i = 0; i < o->res.n_suggestions; i++) {
            const kb_entry *e = o->res.suggestions[i];
            o->sugg[o->n_sugg++] = (faqbot_suggestion){e->id, e->title};
        }
        break;
    default:
        o->kind = FAQBOT_REPLY_NO_ANSWER;
    }
    o->pending = 1;
}

int router_render(const router_env *env, const kb *k, route_out *o)
{
    if (!o->pending)
        return 0;
    o->pending = 0;
    switch (o->kind) {
    case FAQBOT_REPLY_ANSWER:
    case FAQBOT_REPLY_URGENT:
        if (fill_answer(env, k, o->res.entry, o) < 0)
            answer_unreadable(env, k, o->res.entry, o);
        if (o->kind == FAQBOT_REPLY_URGENT)
            o->n_related = 0;
        break;
    case FAQBOT_REPLY_AMBIGUOUS:
        sbuf_add(&o->text, "I'm not sure which topic you mean.");
        break;
    default:
        add_no_answer(k, &o->text);
    }
    return (o->text.oom || o->citation.oom) ? -1 : 0;
}

/* Skip "!faq" (any case) and blanks; returns the question part. */
static const char *strip_bang_faq(const char *t)
{
    while (isspace((unsigned char)*t))
        t++;
    if (t[0] == '!' && strncasecmp(t, "!faq", 4) == 0 &&
        (t[4] == '\0' || isspace((unsigned char)t[4]) || t[4] == ':')) {
        t += 4 + (t[4] == ':');
        while (isspace((unsigned char)*t))
            t++;
    }
    return t;
}

int router_decide(const router_env *env, const kb *k, kb_scratch *s,
                  const char *text, const char *pick, route_out *o)
{
    route_out_reset(o);
    o->res.status = -1;
    const kb_entry *picked = pick ? kb_find(k, pick) : NULL;
    if (picked) {
        o->res.status = KB_ANSWERED;
        o->res.entry = picked;
        o->res.confidence = 1.0;
        decide_from_result(o);
        return 0;
    }
    const char *q = strip_bang_faq(text ? text : "");
    int unknown;
    cmd_fn fn = find_command(q, &unknown);
    if (fn || *q == '\0' || unknown) {
        o->kind = FAQBOT_REPLY_COMMAND;
        if (fn)
            fn(env, k, &o->text);
        else if (unknown)
            sbuf_add(&o->text, "I don't know that command. Type /help to see "
                               "what I can do, or just ask your question.");
        else
            cmd_help(env, k, &o->text);
        return o->text.oom ? -1 : 0;
    }
    if (kb_answer(k, s, q, strlen(q), &o->res) < 0)
        return -1;
    decide_from_result(o);
    return 0;
}

int router_route(const router_env *env, const kb *k, kb_scratch *s,
                 const char *text, const char *pick, route_out *o)
{
    if (router_decide(env, k, s, text, pick, o) < 0)
        return -1;
    return router_render(env, k, o);
}

void router_reply_view(const route_out *o, faqbot_reply *r)
{
    memset(r, 0, sizeof *r);
    r->struct_size = sizeof *r;
    r->kind = o->kind;
    r->entry_id = o->res.entry && o->kind != FAQBOT_REPLY_COMMAND ? o->res.entry->id : NULL;
    r->title = r->entry_id ? o->res.entry->title : NULL;
    r->text = sbuf_str(&o->text);
    r->citation = o->citation.len ? sbuf_str(&o->citation) : NULL;
    r->notice = o->notice;
    r->suggestions = o->n_sugg ? o->sugg : NULL;
    r->n_suggestions = o->n_sugg;
    r->related = o->n_related ? o->related : NULL;
    r->n_related = o->n_related;
}

const char *router_status_name(const route_out *o)
{
    return reply_kind_name(o->kind);
}
