/* live.c - the reloadable snapshot, see live.h. */
#include "live.h"

#include "log.h"
#include "paths.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static void live_free(live *l)
{
    for (size_t i = 0; i < l->n_kbs; i++) {
        kb_free(l->kbs[i]);
        free(l->names[i]);
        free(l->dirs[i]);
    }
    free(l->kbs);
    free(l->names);
    free(l->dirs);
    gaps_close(l->gaps);
    if (l->owned_cfg) {
        config_free(l->owned_cfg);
        free(l->owned_cfg);
    }
    free(l);
}

void live_unref(live *l)
{
    if (l && --l->refs == 0)
        live_free(l);
}

/* Load dir with cfg's text mode, logging every diagnostic.  Returns the
 * kb or NULL; caller frees with kb_free. */
static kb *load_logged(const config *cfg, const char *name, const char *dir,
                       const char *tag)
{
    kb_diag d;
    kb_load_opts opts = {config_kb_features(cfg)};
    kb_diag_init(&d);
    kb *k = kb_load_ex(dir, &opts, &d);
    for (size_t i = 0; i < d.count; i++) {
        char line[1024];
        kb_diag_format(&d.items[i], line, sizeof line);
        log_msg(d.items[i].severity == KB_ERROR ? LOG_ERROR : LOG_WARN, tag,
                "%s", line);
    }
    if (!k)
        log_msg(LOG_ERROR, tag, "knowledge base \"%s\" in %s refused (%zu "
                "error%s)", name, dir, d.errors, d.errors == 1 ? "" : "s");
    kb_diag_free(&d);
    return k;
}

/* Append (name, dir, k) to l; takes k.  0, or -1 on OOM (k freed). */
static int live_add(live *l, const char *name, const char *dir, kb *k)
{
    size_t n = l->n_kbs + 1;
    kb **kbs = realloc(l->kbs, n * sizeof *kbs);
    if (kbs)
        l->kbs = kbs;
    char **names = realloc(l->names, n * sizeof *names);
    if (names)
        l->names = names;
    char **dirs = realloc(l->dirs, n * sizeof *dirs);
    if (dirs)
        l->dirs = dirs;
    char *nm = strdup(name), *dr = strdup(dir);
    if (!kbs || !names || !dirs || !nm || !dr) {
        free(nm);
        free(dr);
        kb_free(k);
        return -1;
    }
    l->kbs[l->n_kbs] = k;
    l->names[l->n_kbs] = nm;
    l->dirs[l->n_kbs] = dr;
    l->n_kbs = n;
    return 0;
}

live *live_build(const config *cfg, config *owned, kb *default_kb,
                 const char *default_dir, const char *tag)
{
    char buf[PATH_MAX];
    int failed = 0;
    live *l = calloc(1, sizeof *l);
    if (!l) {
        kb_free(default_kb);
        goto fail;
    }
    l->refs = 1;
    l->cfg = cfg;
    l->owned_cfg = owned;
    owned = NULL;   /* l owns it now */
    if (!default_dir)
        default_dir = paths_knowledge_dir(cfg->knowledge_dir, buf, sizeof buf);
    if (!default_kb)
        default_kb = load_logged(cfg, "default", default_dir, tag);
    if (!default_kb || live_add(l, "default", default_dir, default_kb) < 0)
        failed = 1;
    for (size_t i = 0; i < cfg->n_kbs; i++) {
        kb *k = load_logged(cfg, cfg->kbs[i].name, cfg->kbs[i].dir, tag);
        if (!k || live_add(l, cfg->kbs[i].name, cfg->kbs[i].dir, k) < 0)
            failed = 1;
    }
    if (!failed && cfg->gaps_file && !(l->gaps = gaps_open(cfg->gaps_file)))
        failed = 1;
    if (!failed)
        return l;
fail:
    if (l)
        live_free(l);
    if (owned) {
        config_free(owned);
        free(owned);
    }
    return NULL;
}

static const kb *by_language(const live *l, const char *lang, const char **name)
{
    for (size_t i = 0; i < l->n_kbs; i++) {
        const kb_source *s = kb_source_at(l->kbs[i], 0);
        if (s && s->language && strcmp(s->language, lang) == 0) {
            *name = l->names[i];
            return l->kbs[i];
        }
    }
    return NULL;
}

const kb *live_pick(const live *l, const char *instance, const char *chat_id,
                    const char **name)
{
    const char *dummy;
    const config_room *r = config_find_room(l->cfg, instance, chat_id);
    const kb *k = NULL;
    if (!name)
        name = &dummy;
    if (r && r->knowledge) {
        for (size_t i = 0; i < l->n_kbs && !k; i++)
            if (strcmp(l->names[i], r->knowledge) == 0) {
                *name = l->names[i];
                k = l->kbs[i];
            }
    }
    if (!k && r && r->language)
        k = by_language(l, r->language, name);
    if (!k) {
        *name = l->names[0];
        k = l->kbs[0];
    }
    return k;
}

void livehold_init(livehold *h, live *l)
{
    pthread_mutex_init(&h->lock, NULL);
    h->cur = l;
}

void livehold_destroy(livehold *h)
{
    pthread_mutex_lock(&h->lock);
    live *l = h->cur;
    h->cur = NULL;
    if (l && --l->refs > 0)
        l = NULL;
    pthread_mutex_unlock(&h->lock);
    if (l)
        live_free(l);
    pthread_mutex_destroy(&h->lock);
}

live *livehold_acquire(livehold *h)
{
    pthread_mutex_lock(&h->lock);
    live *l = h->cur;
    l->refs++;
    pthread_mutex_unlock(&h->lock);
    return l;
}

void livehold_release(livehold *h, live *l)
{
    pthread_mutex_lock(&h->lock);
    int dead = --l->refs == 0;
    pthread_mutex_unlock(&h->lock);
    if (dead)
        live_free(l);
}

void livehold_swap(livehold *h, live *l)
{
    pthread_mutex_lock(&h->lock);
    live *old = h->cur;
    h->cur = l;
    int dead = old && --old->refs == 0;
    pthread_mutex_unlock(&h->lock);
    if (dead)
        live_free(old);
}
