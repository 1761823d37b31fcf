/* ask.h - `faqbot ask`: one question to one reply line, and `--batch`,
 * one question per input line to one JSON line each, on worker threads,
 * output in input order. */
#ifndef FAQBOT_ASK_H
#define FAQBOT_ASK_H

#include "kb.h"
#include "router.h"
#include "sbuf.h"

#include <stdio.h>

typedef struct ask_worker ask_worker;

/* A worker answers with k and env (both outlive it); cache: keep each
 * rendered reply (reply-cache.h) instead of rendering it every time.
 * One thread at a time.  Caller frees with ask_worker_free; NULL on OOM. */
ask_worker *ask_worker_new(const kb *k, const router_env *env, int cache);
void ask_worker_free(ask_worker *w);

/* Answer q (len bytes, with q[len] == '\0'; it may hold invalid UTF-8 or
 * NULs) and append one line to out: the JSON object of `ask --json`, or
 * the plain reply.  0, or -1 on OOM. */
int ask_worker_line(ask_worker *w, const char *q, size_t len, int json,
                    sbuf *out);

typedef struct ask_batch_opts {
    int jobs;              /* worker threads, >= 1 */
    int cache;             /* as for ask_worker_new */
} ask_batch_opts;

/* Read questions from fd (one per line, "\n" or "\r\n"; the last line
 * may lack one) and write one JSON line each to out, in input order.
 * Answers are written as soon as a read's complete lines are answered,
 * so an interactive pipe sees them at once.  0; -1 on a read or write
 * error or OOM (the lines answered before it are written). */
int ask_batch(const kb *k, const router_env *env, int fd, FILE *out,
              const ask_batch_opts *o);

#endif
