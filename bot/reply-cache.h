/* reply-cache.h - the rendered reply of an entry, kept once rendered.
 * Most replies depend only on (kind, entry, knowledge base, emergency
 * number): an answer, an urgent reply, the "no answer" text with the
 * topic list.  `faqbot ask --json/--batch` renders each once, as the JSON
 * string literal of reply_render_plain's text, and copies it afterwards.
 * A "did you mean" reply is kept by its suggestions (1,024 slots,
 * direct-mapped: a slot another set of suggestions takes is rendered
 * into afresh).
 *
 * A cache serves one kb and one router_env at a time: reply_cache_reset
 * when either changes (a reload), before the old kb is freed.  Not
 * thread-safe: one cache per thread. */
#ifndef FAQBOT_REPLY_CACHE_H
#define FAQBOT_REPLY_CACHE_H

#include "kb.h"
#include "router.h"
#include "sbuf.h"

typedef struct reply_cache reply_cache;

/* An empty cache for k and env (both must outlive it, or be replaced by
 * reply_cache_reset).  Caller frees with reply_cache_free; NULL on OOM. */
reply_cache *reply_cache_new(const kb *k, const router_env *env);
void reply_cache_free(reply_cache *c);

/* Forget every reply; serve k and env from now on.  0, or -1 on OOM. */
int reply_cache_reset(reply_cache *c, const kb *k, const router_env *env);

/* Append to out the reply of o (from router_decide or router_route with
 * c's kb and env) as a JSON string literal: the same bytes as
 * router_render, router_reply_view, reply_render_plain and jsonw_str in
 * turn.  Renders o when it must (o's text is then filled).  0, or -1 on
 * OOM. */
int reply_cache_json(reply_cache *c, route_out *o, sbuf *out);

/* reply_cache_json without a copy of a kept reply: *s and *len are set
 * to the kept bytes (valid until c is reset or freed), or, for a reply
 * rendered now, to what was appended to tmp (valid until tmp changes).
 * 0, or -1 on OOM. */
int reply_cache_view(reply_cache *c, route_out *o, sbuf *tmp,
                     const char **s, size_t *len);

/* Replies rendered so far, and replies served from the cache. */
void reply_cache_counts(const reply_cache *c, size_t *rendered,
                        size_t *hits);

#endif
