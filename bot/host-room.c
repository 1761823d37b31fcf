/* host-room.c - per-room settings for connectors: host->room_get.  A
 * plugin that filters group messages itself needs the room's "answer"
 * mode; see docs/plugins.md ("Per-room settings"). */
#include "host-priv.h"

#include <stdlib.h>
#include <string.h>

char *host_room_get(faqbot_host *api, const char *chat_id, const char *key)
{
    host_plugin *p = (host_plugin *)api;
    const char *val = NULL;
    char *copy = NULL;
    if (!chat_id || !key)
        return NULL;
    live *l = livehold_acquire(&p->core->live);   /* current after a reload */
    const config_room *r = config_find_room(l->cfg, p->cfg->instance, chat_id);
    if (r && strcmp(key, "answer") == 0 && r->answer != CONFIG_ANSWER_UNSET)
        val = r->answer == CONFIG_ANSWER_ALL ? "all" : "mentions";
    else if (r && strcmp(key, "language") == 0)
        val = r->language;
    else if (r && strcmp(key, "knowledge") == 0)
        val = r->knowledge;
    if (val)
        copy = strdup(val);
    livehold_release(&p->core->live, l);
    return copy;
}
