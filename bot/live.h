/* live.h - everything a reload may change, swapped whole: a config
 * snapshot (emergency number, limits, rooms, log level) and the knowledge
 * bases by name.  A message holds a reference for its whole routing, so a
 * reload never pulls anything from under it; the old snapshot is freed
 * when its last reader lets go.  Thread-safe. */
#ifndef FAQBOT_LIVE_H
#define FAQBOT_LIVE_H

#include "config.h"
#include "gaps.h"
#include "kb.h"

#include <pthread.h>

typedef struct live {
    int refs;               /* readers, + 1 while current */
    const config *cfg;
    config *owned_cfg;      /* cfg when this snapshot owns it, else NULL */
    size_t n_kbs;
    char **names;           /* names[0] is "default" (the knowledge_dir) */
    char **dirs;
    kb **kbs;
    gaps *gaps;             /* the gap log when cfg->gaps_file, else NULL */
} live;

typedef struct livehold {
    pthread_mutex_t lock;
    live *cur;
} livehold;

/* Build a snapshot: default_kb (taken; NULL: load the config's
 * knowledge_dir) plus every cfg->kbs loaded now.  owned (may be NULL, else
 * == cfg) is freed with the snapshot.  Every knowledge problem is logged
 * under tag; on any error returns NULL and frees default_kb and owned.
 * Caller drops it with live_unref (or hands it to a livehold). */
live *live_build(const config *cfg, config *owned, kb *default_kb,
                 const char *default_dir, const char *tag);
/* Drop a snapshot that was never handed to a livehold. */
void live_unref(live *l);

/* The kb for a message from chat_id on instance: the room's "knowledge",
 * else a kb in the room's "language", else the default.  *name gets its
 * name (may be NULL). */
const kb *live_pick(const live *l, const char *instance, const char *chat_id,
                    const char **name);

void livehold_init(livehold *h, live *l);      /* takes l */
void livehold_destroy(livehold *h);
live *livehold_acquire(livehold *h);           /* release with livehold_release */
void livehold_release(livehold *h, live *l);
void livehold_swap(livehold *h, live *l);      /* takes l */

#endif
