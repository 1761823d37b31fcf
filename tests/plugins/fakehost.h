/*
 * fakehost.h - a fake faqbot_host for the connectors' unit tests (one
 * per test program: everything here is static).  It answers room_get
 * from a small table, counts room_get calls, frees and warnings, and
 * records the messages delivered to it, and keeps a small key-value state
 * in memory (state_get/state_set).  Call fh_reset() in the suite's
 * init; set fh.room_chat[i] / fh.room_value[i] to give a chat a setting.
 */
#ifndef FAQBOT_TESTS_FAKEHOST_H
#define FAQBOT_TESTS_FAKEHOST_H

#include <faqbot/plugin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FH_ROOMS 4          /* chats with a setting */
#define FH_KEEP 4           /* deliveries recorded */
#define FH_KEYS 4           /* state keys */

static struct fakehost {
    const char *room_chat[FH_ROOMS];   /* chat id -> value of any key */
    const char *room_value[FH_ROOMS];
    int room_calls, freed, warns, delivered;
    char last_key[32], last_chat[64];  /* of the last room_get */
    char last_text[256];               /* of the last delivery */
    char msg[FH_KEEP][128];            /* "chat|text|is_group" */
    char *key[FH_KEYS], *value[FH_KEYS]; /* the state store */
} fh;

static char *fh_room_get(faqbot_host *h, const char *chat_id, const char *key)
{
    (void)h;
    fh.room_calls++;
    snprintf(fh.last_chat, sizeof fh.last_chat, "%s", chat_id);
    snprintf(fh.last_key, sizeof fh.last_key, "%s", key);
    for (int i = 0; i < FH_ROOMS; i++)
        if (fh.room_chat[i] && strcmp(fh.room_chat[i], chat_id) == 0)
            return strdup(fh.room_value[i]);
    return NULL;
}

static void fh_free(void *p)
{
    if (p)
        fh.freed++;
    free(p);
}

static void fh_log(faqbot_host *h, int level, const char *fmt, ...)
{
    (void)h;
    (void)fmt;
    if (level == FAQBOT_LOG_WARN)
        fh.warns++;
}

static int fh_deliver(faqbot_host *h, const faqbot_message *m)
{
    (void)h;
    if (fh.delivered < FH_KEEP)
        snprintf(fh.msg[fh.delivered], sizeof fh.msg[0], "%s|%s|%d",
                 m->chat_id, m->text, m->is_group);
    snprintf(fh.last_text, sizeof fh.last_text, "%s", m->text);
    fh.delivered++;
    return 0;
}

/* Slot of key, or -1. */
static int fh_slot(const char *key)
{
    for (int i = 0; i < FH_KEYS; i++)
        if (fh.key[i] && strcmp(fh.key[i], key) == 0)
            return i;
    return -1;
}

/* Caller frees with fh_free (host->free), as from the real host. */
static char *fh_state_get(faqbot_host *h, const char *key)
{
    (void)h;
    int i = fh_slot(key);
    return i < 0 ? NULL : strdup(fh.value[i]);
}

static int fh_state_set(faqbot_host *h, const char *key, const char *value)
{
    (void)h;
    int i = fh_slot(key);
    for (int k = 0; i < 0 && k < FH_KEYS; k++)
        if (!fh.key[k] && (fh.key[k] = strdup(key)))
            i = k;
    if (i < 0)
        return -1;
    free(fh.value[i]);
    fh.value[i] = value ? strdup(value) : NULL;
    if (!value) {
        free(fh.key[i]);
        fh.key[i] = NULL;
    }
    return value && !fh.value[i] ? -1 : 0;
}

/* The stored value of key (owned by the fake host), or NULL. */
static inline const char *fh_state(const char *key)
{
    int i = fh_slot(key);
    return i < 0 ? NULL : fh.value[i];
}

static int fh_should_stop(faqbot_host *h)
{
    (void)h;
    return 0;
}

static faqbot_host fh_host;

/* Forget everything; the host is whole again (struct_size, room_get). */
static void fh_reset(const char *instance)
{
    for (int i = 0; i < FH_KEYS; i++) {
        free(fh.key[i]);
        free(fh.value[i]);
    }
    memset(&fh, 0, sizeof fh);
    memset(&fh_host, 0, sizeof fh_host);
    fh_host.struct_size = sizeof(faqbot_host);
    fh_host.abi_version = FAQBOT_PLUGIN_ABI;
    fh_host.instance = instance;
    fh_host.log = fh_log;
    fh_host.deliver = fh_deliver;
    fh_host.should_stop = fh_should_stop;
    fh_host.free = fh_free;
    fh_host.room_get = fh_room_get;
    fh_host.state_get = fh_state_get;
    fh_host.state_set = fh_state_set;
}

#endif
