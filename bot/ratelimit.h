/* ratelimit.h - flood guard: at most N messages per user per minute, and
 * a global ceiling.  Fixed one-minute windows in a bounded table (memory
 * does not grow with the number of senders).  Thread-safe. */
#ifndef FAQBOT_RATELIMIT_H
#define FAQBOT_RATELIMIT_H

typedef struct ratelimit ratelimit;

enum { RL_OK = 0, RL_REFUSED = 1, RL_REFUSED_FIRST = 2 };

/* per_user or global 0 = unlimited.  Caller frees with ratelimit_free(). */
ratelimit *ratelimit_new(int per_user_per_minute, int global_per_minute);
void ratelimit_free(ratelimit *rl);
/* Change the limits of a running guard (hot reload); counts are kept. */
void ratelimit_set(ratelimit *rl, int per_user_per_minute, int global_per_minute);
/* Account one message from key at time now (seconds).  Returns RL_OK, or
 * RL_REFUSED_FIRST for the first refused message of a user's window (send
 * one polite notice), or RL_REFUSED. */
int ratelimit_check(ratelimit *rl, const char *key, long now);

#endif
