/* control.h - the local control socket (optional, "control_socket" in the
 * config): a unix stream socket, mode 0600, where `faqbot stats` and
 * `faqbot reload` send one command line and read one reply.  One thread
 * serves it, one client at a time, each bounded by a 2 s timeout. */
#ifndef FAQBOT_CONTROL_H
#define FAQBOT_CONTROL_H

#include "sbuf.h"

#include <stddef.h>

/* Answers one command ("stats", "reload", ...) into reply; returns 0 for
 * "ok", -1 for an error reply. */
typedef int (*control_fn)(void *ctx, const char *cmd, sbuf *reply);

typedef struct control control;

/* Bind path (a stale socket there is replaced; anything else is refused)
 * and serve it on a new thread.  NULL (logged) on error.  Caller stops it
 * with control_stop(), which also removes the socket file. */
control *control_start(const char *path, control_fn fn, void *ctx);
void control_stop(control *c);

/* Client side: send cmd, read the reply into reply.  Returns 0 when the
 * server answered "ok", 1 when it answered an error, -1 when it could not
 * be reached (reason in err). */
int control_request(const char *path, const char *cmd, sbuf *reply,
                    char *err, size_t errlen);

#endif
