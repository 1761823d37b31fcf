/*
 * tg-filter.c - which messages the bot answers, and the text it delivers.
 */
#include "tg-bot.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int is_word(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* Position of the next "@username" token in text at or after from, or
 * NULL.  A token is bounded by non-word characters on both sides. */
static const char *find_mention(const char *text, const char *from,
                                const char *username)
{
    size_t ulen = strlen(username);
    const char *p = from;
    if (!ulen)
        return NULL;
    while ((p = strchr(p, '@')) != NULL) {
        if ((p == text || !is_word(p[-1])) &&
            strncasecmp(p + 1, username, ulen) == 0 && !is_word(p[1 + ulen]))
            return p;
        p++;
    }
    return NULL;
}

/* 1 when a "mention" entity names the bot, or, without entities (some
 * clients and emulators send none), when the text does. */
static int mentions_bot(const tg_update *u, const char *username)
{
    size_t i, ulen = strlen(username);
    if (!ulen)
        return 0;
    if (u->n_entities == 0)
        return find_mention(u->text, u->text, username) != NULL;
    for (i = 0; i < u->n_entities; i++) {
        const tg_entity *e = &u->entities[i];
        if (strcmp(e->type, "mention") == 0 && e->len == ulen + 1 &&
            strncasecmp(u->text + e->off + 1, username, ulen) == 0)
            return 1;
    }
    return 0;
}

/* Copy text without "@username" tokens, spaces collapsed and trimmed.
 * Caller frees. */
static char *strip_mentions(const char *text, const char *username)
{
    size_t ulen = strlen(username), o = 0;
    char *out = malloc(strlen(text) + 1);
    const char *p = text, *m;
    if (!out)
        return NULL;
    while (*p) {
        m = find_mention(text, p, username);
        if (m == p) {
            p += ulen + 1;
            continue;
        }
        if (isspace((unsigned char)*p) &&
            (o == 0 || out[o - 1] == ' ')) {
            p++;
            continue;
        }
        out[o++] = isspace((unsigned char)*p) ? ' ' : *p;
        p++;
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
    return out;
}

/* For "/cmd@name rest": 1 when name is the bot (the "@name" is cut from
 * *text in place), -1 when it names another bot, 0 when text is not an
 * addressed command. */
static int own_command(char *text, const char *username)
{
    size_t len = strcspn(text, " \t\n");
    char *at = memchr(text, '@', len);
    size_t nlen;
    if (text[0] != '/' || !at)
        return 0;
    nlen = len - (size_t)(at - text) - 1;
    if (nlen != strlen(username) || strncasecmp(at + 1, username, nlen))
        return -1;
    memmove(at, at + 1 + nlen, strlen(at + 1 + nlen) + 1);
    return 1;
}

int tg_filter_message(const tg_update *u, int64_t bot_id,
                      const char *username, int answer_all, char **text,
                      const char **why)
{
    int group = strcmp(u->chat_type, "private") != 0;
    int addressed, cmd;
    *text = NULL;
    *why = NULL;
    if (u->kind != TG_UPD_MESSAGE)
        *why = "not a new message";
    else if (!u->has_from)
        *why = "no sender";
    else if (u->from_is_bot || u->from_id == bot_id)
        *why = "sent by a bot";
    else if (!u->text || !*u->text)
        *why = "no text (sticker, media without caption...)";
    if (*why)
        return 0;
    addressed = mentions_bot(u, username) ||
                (u->has_reply_to && u->reply_to_from_id == bot_id);
    *text = strip_mentions(u->text, username);
    if (!*text)
        return -1;
    cmd = own_command(*text, username);
    if (cmd < 0)
        *why = "a command for another bot";
    else if (group && !addressed && !answer_all && (*text)[0] != '/')
        *why = "group chatter not addressed to the bot";
    if (*why) {
        free(*text);
        *text = NULL;
        return 0;
    }
    if (!**text) {
        free(*text);
        *text = strdup("/help");
        return *text ? 1 : -1;
    }
    return 1;
}

int tg_filter_answer_all(faqbot_host *host, const char *chat_id, int dflt)
{
    char *mode;
    int all = dflt;
    if (!host || !chat_id ||
        host->struct_size < offsetof(faqbot_host, room_get) +
                            sizeof host->room_get ||
        !host->room_get)
        return dflt;                    /* an older host: no room settings */
    mode = host->room_get(host, chat_id, "answer");
    if (!mode)
        return dflt;
    if (strcmp(mode, "all") == 0)
        all = 1;
    else if (strcmp(mode, "mentions") == 0)
        all = 0;
    else
        host->log(host, FAQBOT_LOG_WARN, "room %s: unknown answer mode "
                  "\"%.40s\"; using the plugin's default", chat_id, mode);
    host->free(mode);
    return all;
}
