/* host-priv.h - the host's insides, shared by host.c (instances),
 * host-deliver.c (routing one message) and host-loop.c (signals, stop,
 * reload).  Not for plugins. */
#ifndef FAQBOT_HOST_PRIV_H
#define FAQBOT_HOST_PRIV_H

#include "config.h"
#include "control.h"
#include "faqbot/plugin.h"
#include "host.h"
#include "live.h"
#include "plugin-load.h"
#include "ratelimit.h"
#include "router.h"
#include "state.h"
#include "stats.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>

typedef struct host_plugin {
    faqbot_host api;             /* first: plugins get &api */
    struct host *core;
    const config_plugin *cfg;
    plugin_so so;
    void *self;                  /* the plugin's instance */
    state_store *state;
    kb_scratch *scratch;         /* used under deliver_lock */
    route_out out;               /* used under deliver_lock */
    pthread_mutex_t deliver_lock;
    pthread_t thread;
    int started, done, rc;
    int abandoned;               /* missed the stop deadline */
    atomic_int stop_pending;     /* stop() still running (helper thread) */
    struct host_plugin *next;
} host_plugin;

struct host {
    const config *cfg;           /* the start-up config: plugin instances */
    char knowledge_dir[PATH_MAX];/* the default knowledge dir at start */
    livehold live;               /* reloadable: settings + knowledge bases */
    pthread_mutex_t reload_lock; /* one reload at a time */
    stats *stats;                /* counts since start */
    control *ctl;                /* control socket, or NULL */
    ratelimit *rl;
    char *extra_help;            /* plugins' commands for /help */
    pthread_mutex_t lock;        /* guards the fields below */
    pthread_cond_t cond;         /* signalled on stop and thread end */
    int stopping;
    int running;                 /* plugin threads not yet done */
    int refused;
    host_plugin *plugins;
};

/* Create the plugin once in a throw-away child process first (host-isolate.c):
 * -1 with a reason in err when create() crashed there, else 0. */
int host_isolate_probe(const config *cfg, const config_plugin *cp, char *err,
                       size_t errlen);
int host_deliver(faqbot_host *api, const faqbot_message *msg);
int host_stopping(host *h);
int host_sleep(host *h, unsigned ms);
void host_thread_done(host *h, host_plugin *p, int rc);
void host_build_help(host *h);
/* A room's setting for this plugin instance ("answer": "all" or
 * "mentions", "language", "knowledge"), read from the current snapshot:
 * a copy the caller frees with free(), or NULL when unset.  Meant for the
 * host table (faqbot_host.room_get, once plugin.h has it). */
char *host_room_get(faqbot_host *api, const char *chat_id, const char *key);
/* The control socket's commands: stats, reload, ping. */
int host_control(void *h, const char *cmd, sbuf *reply);

#endif
