/* host.c - plugin instances and the host table they call; see host.h. */
#include "host.h"

#include "host-priv.h"
#include "log.h"
#include "paths.h"
#include "reply.h"
#include "utf8.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the host table -------------------------------------------------- */

static host_plugin *hp_of(faqbot_host *api) { return (host_plugin *)api; }

static void hp_log(faqbot_host *api, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (level < FAQBOT_LOG_DEBUG || level > FAQBOT_LOG_ERROR)
        level = FAQBOT_LOG_ERROR;
    log_vmsg(level, api->instance, fmt, ap);
    va_end(ap);
}

static void hp_add_secret(faqbot_host *api, const char *secret)
{
    log_add_secret(secret);
}

static char *hp_state_get(faqbot_host *api, const char *key)
{
    host_plugin *p = hp_of(api);
    return p->state && key ? state_get(p->state, key) : NULL;
}

static int hp_state_set(faqbot_host *api, const char *key, const char *value)
{
    host_plugin *p = hp_of(api);
    return p->state && key ? state_set(p->state, key, value) : -1;
}

static int hp_should_stop(faqbot_host *api)
{
    return host_stopping(hp_of(api)->core);
}

static int hp_sleep_ms(faqbot_host *api, unsigned ms)
{
    return host_sleep(hp_of(api)->core, ms);
}

static char *hp_render_text(faqbot_host *api, const faqbot_reply *r)
{
    sbuf b;
    sbuf_init(&b);
    reply_render_plain(r, &b);
    return sbuf_take(&b);
}

static void hp_free(void *ptr) { free(ptr); }

static void hp_fill_api(host_plugin *p)
{
    faqbot_host *a = &p->api;
    a->struct_size = sizeof *a;
    a->abi_version = FAQBOT_PLUGIN_ABI;
    a->instance = p->cfg->instance;
    a->log = hp_log;
    a->add_secret = hp_add_secret;
    a->deliver = host_deliver;
    a->state_get = hp_state_get;
    a->state_set = hp_state_set;
    a->should_stop = hp_should_stop;
    a->sleep_ms = hp_sleep_ms;
    a->free = hp_free;
    a->render_text = hp_render_text;
    a->room_get = host_room_get;
}

/* ---- instances --------------------------------------------------------- */

static void hp_free_instance(host_plugin *p)
{
    if (p->self && !p->abandoned)
        p->so.desc->destroy(p->self);
    if (!p->abandoned)
        plugin_so_close(&p->so);
    state_close(p->state);
    kb_scratch_free(p->scratch);
    route_out_free(&p->out);
    pthread_mutex_destroy(&p->deliver_lock);
    free(p);
}

/* Load and create one instance; NULL (logged) when refused. */
static host_plugin *hp_create(host *h, const config_plugin *cp)
{
    char err[512] = "", dir[4096];
    host_plugin *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->core = h;
    p->cfg = cp;
    pthread_mutex_init(&p->deliver_lock, NULL);
    route_out_init(&p->out);
    hp_fill_api(p);
    paths_plugin_dir(h->cfg->plugin_dir, dir, sizeof dir);
    if (plugin_so_open(dir, cp->plugin, &p->so, err, sizeof err) < 0)
        goto refused;
    if (host_isolate_probe(h->cfg, cp, err, sizeof err) < 0)
        goto refused;
    if (!(p->scratch = kb_scratch_new()) ||
        !(p->state = state_open(h->cfg->state_dir, cp->instance))) {
        snprintf(err, sizeof err, "cannot set up state or scratch memory");
        goto refused;
    }
    p->self = p->so.desc->create(&p->api, cp->json, err, sizeof err);
    if (!p->self) {
        if (!err[0])
            snprintf(err, sizeof err, "create() failed");
        goto refused;
    }
    log_msg(LOG_INFO, cp->instance, "loaded plugin %s %s (ABI %u)",
            p->so.desc->name, p->so.desc->version ? p->so.desc->version : "?",
            (unsigned)p->so.desc->abi_version);
    return p;
refused:
    log_redact(err, sizeof err);
    log_msg(LOG_ERROR, cp->instance, "plugin refused: %s", err);
    hp_free_instance(p);
    return NULL;
}

int host_probe(const config *cfg, const config_plugin *cp, char *err,
               size_t errlen)
{
    char dir[4096];
    host h;
    int rc = -1;
    memset(&h, 0, sizeof h);
    h.cfg = cfg;
    pthread_mutex_init(&h.lock, NULL);
    pthread_cond_init(&h.cond, NULL);
    host_plugin *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    p->core = &h;
    p->cfg = cp;
    pthread_mutex_init(&p->deliver_lock, NULL);
    route_out_init(&p->out);
    hp_fill_api(p);
    err[0] = '\0';
    paths_plugin_dir(cfg->plugin_dir, dir, sizeof dir);
    if (plugin_so_open(dir, cp->plugin, &p->so, err, errlen) == 0) {
        p->self = p->so.desc->create(&p->api, cp->json, err, errlen);
        if (p->self)
            rc = 0;
        else if (!err[0])
            snprintf(err, errlen, "create() failed");
    }
    log_redact(err, errlen);
    hp_free_instance(p);
done:
    pthread_cond_destroy(&h.cond);
    pthread_mutex_destroy(&h.lock);
    return rc;
}

static void *hp_thread(void *arg)
{
    host_plugin *p = arg;
    int rc = p->so.desc->run(p->self);
    if (rc != 0)
        log_msg(LOG_ERROR, p->cfg->instance, "plugin stopped with an error");
    else
        log_msg(LOG_DEBUG, p->cfg->instance, "plugin finished");
    host_thread_done(p->core, p, rc);
    return NULL;
}

int host_start(host *h)
{
    /* Plugin threads announce their end with SIGUSR1 (host_thread_done);
     * it must stay pending for host_wait, in every thread. */
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &usr1, NULL);
    for (size_t i = 0; i < h->cfg->n_plugins; i++) {
        const config_plugin *cp = &h->cfg->plugins[i];
        if (!cp->enabled)
            continue;
        host_plugin *p = hp_create(h, cp);
        if (!p) {
            h->refused++;
            continue;
        }
        p->next = h->plugins;
        h->plugins = p;
    }
    host_build_help(h);   /* before any thread can read it */
    for (host_plugin *p = h->plugins; p; p = p->next) {
        pthread_mutex_lock(&h->lock);
        h->running++;
        pthread_mutex_unlock(&h->lock);
        if (pthread_create(&p->thread, NULL, hp_thread, p) != 0) {
            log_msg(LOG_ERROR, p->cfg->instance, "cannot start thread: %s",
                    strerror(errno));
            host_thread_done(h, p, -1);
            continue;
        }
        p->started = 1;
    }
    return h->running;
}

host *host_new(const config *cfg, kb *k, const char *knowledge_dir)
{
    host *h = calloc(1, sizeof *h);
    live *l = NULL;
    if (!h) {
        kb_free(k);
        return NULL;
    }
    h->cfg = cfg;
    snprintf(h->knowledge_dir, sizeof h->knowledge_dir, "%s", knowledge_dir);
    pthread_mutex_init(&h->lock, NULL);
    pthread_mutex_init(&h->reload_lock, NULL);
    pthread_cond_init(&h->cond, NULL);
    h->rl = ratelimit_new(cfg->per_user_per_minute, cfg->global_per_minute);
    h->stats = stats_new();
    host_build_help(h);
    l = live_build(cfg, NULL, k, knowledge_dir, "knowledge");
    if (!l || !h->rl || !h->stats) {
        live_unref(l);
        host_free(h);
        return NULL;
    }
    livehold_init(&h->live, l);
    if (cfg->control_socket &&
        !(h->ctl = control_start(cfg->control_socket, host_control, h))) {
        host_free(h);
        return NULL;
    }
    return h;
}

void host_free(host *h)
{
    if (!h)
        return;
    control_stop(h->ctl);
    host_plugin *p = h->plugins, *next;
    for (; p; p = next) {
        next = p->next;
        if (p->started && !p->abandoned)
            pthread_join(p->thread, NULL);
        if (p->abandoned)
            continue;   /* still running: leave it be, the process exits */
        hp_free_instance(p);
    }
    if (h->live.cur)
        livehold_destroy(&h->live);
    ratelimit_free(h->rl);
    stats_free(h->stats);
    free(h->extra_help);
    pthread_cond_destroy(&h->cond);
    pthread_mutex_destroy(&h->reload_lock);
    pthread_mutex_destroy(&h->lock);
    free(h);
}
