/* router.h - what the bot says to one message: built-in commands, then
 * the safety triage and the knowledge base (kb_answer), then a polite
 * fallback that lists the topics.  Pure: no I/O, no plugin calls. */
#ifndef FAQBOT_ROUTER_H
#define FAQBOT_ROUTER_H

#include "faqbot/plugin.h"
#include "kb.h"
#include "sbuf.h"

#define ROUTER_MAX_RELATED 4

typedef struct router_env {
    const char *emergency_number;  /* fills {emergency_number} */
    const char *extra_help;        /* plugin commands for /help, or NULL */
} router_env;

/* The routed answer.  Owns its text; entry pointers point into the kb. */
typedef struct route_out {
    int kind;                      /* enum faqbot_reply_kind */
    kb_result res;                 /* status, entry, score, suggestions */
    sbuf text;
    sbuf citation;
    const char *notice;            /* static, or NULL */
    faqbot_suggestion sugg[KB_MAX_SUGGESTIONS];
    size_t n_sugg;
    faqbot_suggestion related[ROUTER_MAX_RELATED];
    size_t n_related;
    int pending;                   /* router_render has text to write */
} route_out;

void route_out_init(route_out *o);
void route_out_free(route_out *o);

/* Route text (or, when pick is an entry id, answer that entry).  Returns 0
 * or -1 on OOM.  o must be initialised; it is reset first. */
int router_route(const router_env *env, const kb *k, kb_scratch *s,
                 const char *text, const char *pick, route_out *o);

/* router_route in two steps, for callers that may already hold the
 * rendered reply (`ask --batch` keeps one per entry): router_decide
 * fills everything but the text of an answer, an urgent reply, a "did
 * you mean" or a "no answer" (commands are written at once);
 * router_render writes that text, citation and related topics (nothing
 * when there is none left to write).  Same results as router_route; 0, or
 * -1 on OOM. */
int router_decide(const router_env *env, const kb *k, kb_scratch *s,
                  const char *text, const char *pick, route_out *o);
int router_render(const router_env *env, const kb *k, route_out *o);

/* Fill a faqbot_reply view of o (pointers into o). */
void router_reply_view(const route_out *o, faqbot_reply *r);

/* "answered", "ambiguous", "no_answer", "urgent", "command", "notice" */
const char *router_status_name(const route_out *o);

#endif
