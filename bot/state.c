/* state.c - atomic per-instance key-value store, see state.h. */
#include "state.h"

#include "log.h"
#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct state_store {
    pthread_mutex_t lock;
    char path[PATH_MAX];
    char dir[PATH_MAX];
    json_t *data;      /* object of string values */
};

/* Validate the loaded document; returns the data object (new ref) or NULL. */
static json_t *state_data_of(json_t *root)
{
    json_t *data = json_object_get(root, "data");
    if (!json_is_object(data) ||
        json_integer_value(json_object_get(root, "version")) != 1)
        return NULL;
    const char *k;
    json_t *v;
    json_object_foreach(data, k, v)
        if (!json_is_string(v))
            return NULL;
    return json_incref(data);
}

static void state_quarantine(const char *path, const char *why)
{
    char aside[PATH_MAX + 16];
    snprintf(aside, sizeof aside, "%s.corrupt", path);
    log_msg(LOG_ERROR, "state", "%s is corrupt (%s); kept as %s, starting empty",
            path, why, aside);
    if (rename(path, aside) < 0)
        log_msg(LOG_ERROR, "state", "cannot move %s aside: %s", path, strerror(errno));
}

static json_t *state_read(const char *path)
{
    json_error_t jerr;
    if (access(path, F_OK) < 0)
        return json_object();
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        state_quarantine(path, jerr.text);
        return json_object();
    }
    json_t *data = state_data_of(root);
    json_decref(root);
    if (!data) {
        state_quarantine(path, "unexpected shape");
        return json_object();
    }
    return data;
}

state_store *state_open(const char *dir, const char *instance)
{
    state_store *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    if (paths_mkdirs(dir, 0700) < 0) {
        log_msg(LOG_ERROR, "state", "cannot create %s: %s", dir, strerror(errno));
        goto fail;
    }
    if (snprintf(st->path, sizeof st->path, "%s/%s.json", dir, instance) >=
            (int)sizeof st->path ||
        snprintf(st->dir, sizeof st->dir, "%s", dir) >= (int)sizeof st->dir)
        goto fail;
    if (!(st->data = state_read(st->path)))
        goto fail;
    pthread_mutex_init(&st->lock, NULL);
    return st;
fail:
    free(st);
    return NULL;
}

void state_close(state_store *st)
{
    if (!st)
        return;
    json_decref(st->data);
    pthread_mutex_destroy(&st->lock);
    free(st);
}

char *state_get(state_store *st, const char *key)
{
    pthread_mutex_lock(&st->lock);
    const char *v = json_string_value(json_object_get(st->data, key));
    char *copy = v ? strdup(v) : NULL;
    pthread_mutex_unlock(&st->lock);
    return copy;
}

static int write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Caller holds the lock. */
static int state_flush(state_store *st)
{
    char tmp[PATH_MAX + 16];
    int rc = -1, fd = -1;
    json_t *root = json_pack("{s:i, s:O}", "version", 1, "data", st->data);
    char *text = root ? json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    snprintf(tmp, sizeof tmp, "%s.tmp", st->path);
    if (!text)
        goto out;
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || write_all(fd, text, strlen(text)) < 0 ||
        write_all(fd, "\n", 1) < 0 || fsync(fd) < 0)
        goto out;
    close(fd);
    fd = -1;
    if (rename(tmp, st->path) < 0)
        goto out;
    int dfd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    rc = 0;
out:
    if (rc < 0)
        log_msg(LOG_ERROR, "state", "cannot write %s: %s", st->path, strerror(errno));
    if (fd >= 0)
        close(fd);
    free(text);
    json_decref(root);
    return rc;
}

int state_set(state_store *st, const char *key, const char *value)
{
    int rc = -1;
    pthread_mutex_lock(&st->lock);
    json_t *old = json_incref(json_object_get(st->data, key));
    if (value ? json_object_set_new(st->data, key, json_string(value))
              : (json_object_del(st->data, key), 0))
        goto out;
    rc = state_flush(st);
    if (rc < 0) { /* keep memory and disk in step */
        if (old)
            json_object_set(st->data, key, old);
        else
            json_object_del(st->data, key);
    }
out:
    json_decref(old);
    pthread_mutex_unlock(&st->lock);
    return rc;
}
