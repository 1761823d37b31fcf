/* stats.c - event counters, see stats.h. */
#include "stats.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct stats {
    pthread_mutex_t lock;
    json_int_t total;
    json_t *status;      /* name -> count */
    json_t *entries;     /* id -> count */
};

stats *stats_new(void)
{
    stats *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->status = json_object();
    st->entries = json_object();
    if (!st->status || !st->entries) {
        stats_free(st);
        return NULL;
    }
    pthread_mutex_init(&st->lock, NULL);
    return st;
}

void stats_free(stats *st)
{
    if (!st)
        return;
    json_decref(st->status);
    json_decref(st->entries);
    pthread_mutex_destroy(&st->lock);
    free(st);
}

/* Caller holds the lock. */
static int bump(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (v)
        return json_integer_set(v, json_integer_value(v) + 1);
    return json_object_set_new(obj, key, json_integer(1));
}

int stats_add(stats *st, const char *status, const char *entry)
{
    int rc;
    pthread_mutex_lock(&st->lock);
    st->total++;
    rc = bump(st->status, status ? status : "?");
    if (rc == 0 && entry && *entry && strcmp(entry, "-") != 0)
        rc = bump(st->entries, entry);
    pthread_mutex_unlock(&st->lock);
    return rc < 0 ? -1 : 0;
}

/* Copy the value after key in line up to one of stop into out. */
static int field(const char *line, const char *key, const char *stop,
                 char *out, size_t len)
{
    const char *p = strstr(line, key);
    if (!p)
        return 0;
    p += strlen(key);
    size_t n = strcspn(p, stop);
    if (n >= len)
        n = len - 1;
    memcpy(out, p, n);
    out[n] = '\0';
    return 1;
}

int stats_add_log_line(stats *st, const char *line)
{
    char status[64], entry[256];
    if (strstr(line, "\"event\":\"answer\"")) {
        if (!field(line, "\"status\":\"", "\"", status, sizeof status))
            return 0;
        if (!field(line, "\"entry\":\"", "\"", entry, sizeof entry))
            entry[0] = '\0';
    } else if (strstr(line, "] answered status=")) {
        field(line, "] answered status=", " \n", status, sizeof status);
        if (!field(line, " entry=", " \n", entry, sizeof entry))
            entry[0] = '\0';
    } else {
        return 0;
    }
    return stats_add(st, status, entry) < 0 ? -1 : 1;
}

int stats_json(stats *st, sbuf *out)
{
    pthread_mutex_lock(&st->lock);
    json_t *o = json_pack("{sIsOsO}", "total", st->total, "status", st->status,
                          "entries", st->entries);
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    pthread_mutex_unlock(&st->lock);
    json_decref(o);
    int rc = s ? sbuf_add(out, s) : -1;
    free(s);
    return rc;
}

typedef struct kv {
    const char *key;
    json_int_t n;
} kv;

static int kv_cmp(const void *a, const void *b)
{
    const kv *x = a, *y = b;
    if (x->n != y->n)
        return x->n < y->n ? 1 : -1;
    return strcmp(x->key, y->key);
}

/* One sorted section ("status" or "entries") of the table. */
static int table_section(json_t *obj, const char *head, sbuf *out)
{
    size_t n = json_object_size(obj), i = 0;
    kv *v = calloc(n + 1, sizeof *v);
    const char *key;
    json_t *val;
    if (!v)
        return -1;
    json_object_foreach(obj, key, val)
        v[i++] = (kv){key, json_integer_value(val)};
    qsort(v, n, sizeof *v, kv_cmp);
    sbuf_addf(out, "%s:\n", head);
    for (i = 0; i < n; i++)
        sbuf_addf(out, "  %8lld  %s\n", (long long)v[i].n, v[i].key);
    free(v);
    return out->oom ? -1 : 0;
}

int stats_text_from_json(const char *json, sbuf *out)
{
    json_t *o = json_loads(json, 0, NULL);
    json_t *status = json_object_get(o, "status");
    json_t *entries = json_object_get(o, "entries");
    int rc = -1;
    if (json_is_object(status) && json_is_object(entries)) {
        sbuf_addf(out, "messages: %lld\n",
                  (long long)json_integer_value(json_object_get(o, "total")));
        rc = table_section(status, "by status", out) < 0 ||
             table_section(entries, "by entry", out) < 0 ? -1 : 0;
    }
    json_decref(o);
    return rc;
}
