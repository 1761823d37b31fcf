/* ratelimit.c - fixed-window flood guard, see ratelimit.h. */
#include "ratelimit.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#define RL_SLOTS 8192
#define RL_WINDOW 60

typedef struct rl_slot {
    uint64_t hash;
    long window;       /* start of the current window, seconds */
    int count;
    int notified;
} rl_slot;

struct ratelimit {
    pthread_mutex_t lock;
    int per_user, global;
    long g_window;
    int g_count;
    rl_slot slots[RL_SLOTS];
};

ratelimit *ratelimit_new(int per_user, int global)
{
    ratelimit *rl = calloc(1, sizeof *rl);
    if (!rl)
        return NULL;
    pthread_mutex_init(&rl->lock, NULL);
    rl->per_user = per_user;
    rl->global = global;
    return rl;
}

void ratelimit_free(ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->lock);
    free(rl);
}

void ratelimit_set(ratelimit *rl, int per_user, int global)
{
    pthread_mutex_lock(&rl->lock);
    rl->per_user = per_user;
    rl->global = global;
    pthread_mutex_unlock(&rl->lock);
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h ? h : 1;
}

/* Find key's slot, or take over a stale/colliding one (bounded memory:
 * a collision at worst resets one user's count). */
static rl_slot *rl_slot_for(ratelimit *rl, uint64_t h, long now)
{
    rl_slot *s = &rl->slots[h % RL_SLOTS];
    if (s->hash != h || now - s->window >= RL_WINDOW) {
        s->hash = h;
        s->window = now;
        s->count = 0;
        s->notified = 0;
    }
    return s;
}

int ratelimit_check(ratelimit *rl, const char *key, long now)
{
    int rc = RL_OK;
    pthread_mutex_lock(&rl->lock);
    if (now - rl->g_window >= RL_WINDOW) {
        rl->g_window = now;
        rl->g_count = 0;
    }
    rl_slot *s = rl_slot_for(rl, fnv1a(key), now);
    if (rl->per_user > 0 && s->count >= rl->per_user) {
        rc = s->notified ? RL_REFUSED : RL_REFUSED_FIRST;
        s->notified = 1;
    } else if (rl->global > 0 && rl->g_count >= rl->global) {
        rc = RL_REFUSED;
    } else {
        s->count++;
        rl->g_count++;
    }
    pthread_mutex_unlock(&rl->lock);
    return rc;
}
