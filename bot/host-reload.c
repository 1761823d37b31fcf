/* host-reload.c - hot reload (SIGHUP, `faqbot reload`): re-read the config
 * file and every knowledge base, and swap them in whole, or refuse with
 * the reasons and keep serving the old ones.  Messages in flight finish
 * on the snapshot they started with (see live.h); none is dropped. */
#include "host-priv.h"

#include "log.h"
#include "paths.h"

#include <stdlib.h>
#include <string.h>

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Log the plugin instances whose settings changed: those need a restart. */
static void note_plugin_changes(const config *old, const config *cur)
{
    sbuf names;
    sbuf_init(&names);
    for (size_t i = 0; i < cur->n_plugins; i++) {
        const config_plugin *n = &cur->plugins[i];
        const config_plugin *o = config_find_plugin(old, n->instance);
        if (!o || o->enabled != n->enabled || !same_str(o->plugin, n->plugin) ||
            !same_str(o->json, n->json))
            sbuf_addf(&names, "%s%s", names.len ? ", " : "", n->instance);
    }
    for (size_t i = 0; i < old->n_plugins; i++)
        if (!config_find_plugin(cur, old->plugins[i].instance))
            sbuf_addf(&names, "%s%s", names.len ? ", " : "",
                      old->plugins[i].instance);
    if (!same_str(old->plugin_dir, cur->plugin_dir) ||
        !same_str(old->state_dir, cur->state_dir) ||
        !same_str(old->control_socket, cur->control_socket))
        sbuf_addf(&names, "%splugin_dir/state_dir/control_socket",
                  names.len ? ", " : "");
    if (names.len)
        log_msg(LOG_WARN, "reload", "changed settings that take effect only "
                "after a restart: %s", sbuf_str(&names));
    sbuf_free(&names);
}

/* The new config from the file the bot started with; NULL when it was
 * started without a file (then only the knowledge is reloaded) or when
 * it is refused (*refused = 1, reasons logged). */
static config *reload_config(host *h, int *refused)
{
    config_errors errs;
    *refused = 0;
    if (!h->cfg->path)
        return NULL;
    config *c = calloc(1, sizeof *c);
    if (!c || config_load(h->cfg->path, c, &errs) < 0) {
        for (size_t i = 0; c && i < errs.count; i++)
            log_msg(LOG_ERROR, "reload", "config: %s", errs.lines[i]);
        if (c)
            config_errors_free(&errs);
        free(c);
        *refused = 1;
        return NULL;
    }
    return c;
}

int host_reload(host *h)
{
    char dir[PATH_MAX];
    int refused, rc = -1;
    pthread_mutex_lock(&h->reload_lock);
    config *c = reload_config(h, &refused);
    if (refused)
        goto refuse;
    const config *use = c ? c : h->cfg;
    const char *default_dir = h->knowledge_dir;
    if (c)
        default_dir = paths_knowledge_dir(c->knowledge_dir, dir, sizeof dir);
    live *l = live_build(use, c, NULL, default_dir, "reload");
    if (!l)
        goto refuse;   /* c was freed by live_build */
    live *old = livehold_acquire(&h->live);
    note_plugin_changes(old->cfg, use);
    livehold_release(&h->live, old);
    ratelimit_set(h->rl, use->per_user_per_minute, use->global_per_minute);
    log_setup(use->log_level, use->log_json);
    size_t n = kb_entry_count(l->kbs[0]), nkb = l->n_kbs;
    livehold_swap(&h->live, l);
    log_msg(LOG_INFO, "reload", "reloaded %s: %zu knowledge base%s, %zu "
            "entries in the default one", c ? "config and knowledge" :
            "knowledge", nkb, nkb == 1 ? "" : "s", n);
    rc = 0;
    goto done;
refuse:
    log_msg(LOG_ERROR, "reload", "reload refused; still serving the previous "
            "config and knowledge");
done:
    pthread_mutex_unlock(&h->reload_lock);
    return rc;
}

int host_control(void *arg, const char *cmd, sbuf *reply)
{
    host *h = arg;
    if (strcmp(cmd, "stats") == 0)
        return stats_json(h->stats, reply);
    if (strcmp(cmd, "ping") == 0)
        return sbuf_add(reply, "pong");
    if (strcmp(cmd, "reload") == 0) {
        log_msg(LOG_INFO, "faqbot", "control: reloading config and knowledge");
        if (host_reload(h) == 0)
            return sbuf_add(reply, "reloaded");
        sbuf_add(reply, "reload refused; the bot keeps the previous config "
                        "and knowledge (reasons in its log)");
        return -1;
    }
    sbuf_addf(reply, "unknown command \"%.64s\" (stats, reload, ping)", cmd);
    return -1;
}
