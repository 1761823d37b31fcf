/*
 * mx-picks.c - the "did you mean" lists survive a restart.  Every room's
 * pending picks are saved under the state key "picks" after each change,
 * as [{"room": ID, "sender": MXID, "ids": [ENTRY...]}, ...], and read
 * back when run() starts, so "2" still picks the second suggestion after
 * the bot was restarted between the list and the reply.
 */
#include <string.h>

#include <jansson.h>

#include "mx-bot.h"

#define MX_PICKS_KEY "picks"

static json_t *room_json(const mx_room_state *r, json_t *arr)
{
    for (size_t i = 0; i < r->n_pending; i++) {
        const mx_pending *p = &r->pending[i];
        json_t *ids = json_array();
        for (int k = 0; ids && k < p->n; k++)
            if (json_array_append_new(ids, json_string(p->entry_ids[k]))) {
                json_decref(ids);
                ids = NULL;
            }
        if (!ids || json_array_append_new(arr, json_pack("{s:s, s:s, s:o}",
                                              "room", r->room_id, "sender",
                                              p->sender, "ids", ids)))
            return NULL;
    }
    return arr;
}

int mx_picks_save(mx_bot *b)
{
    json_t *arr = json_array();
    char *text = NULL;
    int rc = -1;
    for (size_t i = 0; arr && i < b->rooms.n; i++)
        if (!room_json(b->rooms.rooms[i], arr))
            goto done;
    if (!arr || !(text = json_dumps(arr, JSON_COMPACT)))
        goto done;
    rc = b->host->state_set(b->host, MX_PICKS_KEY,
                            json_array_size(arr) ? text : NULL);
done:
    if (rc)
        b->host->log(b->host, FAQBOT_LOG_WARN,
                     "cannot save the pending \"did you mean\" lists; a number "
                     "sent after a restart will not pick");
    free(text);
    json_decref(arr);
    return rc;
}

/* One saved list back into its room.  Returns 0, -1 when it is malformed
 * or memory ran out. */
static int load_one(mx_bot *b, json_t *item)
{
    const char *room_id = json_string_value(json_object_get(item, "room"));
    const char *sender = json_string_value(json_object_get(item, "sender"));
    json_t *ids = json_object_get(item, "ids");
    faqbot_suggestion s[MX_ROOM_MAX_PICKS] = {{0}};
    size_t n = json_array_size(ids);
    if (!room_id || !sender || !n || n > MX_ROOM_MAX_PICKS)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!(s[i].entry_id = json_string_value(json_array_get(ids, i))))
            return -1;
    mx_room_state *room = mx_rooms_get(&b->rooms, room_id, 1);
    return room ? mx_room_set_pending(room, sender, s, n) : -1;
}

void mx_picks_load(mx_bot *b)
{
    char *text = b->host->state_get(b->host, MX_PICKS_KEY);
    if (!text)
        return;
    json_error_t err;
    json_t *arr = json_loads(text, 0, &err);
    size_t bad = json_is_array(arr) ? 0 : 1, i;
    json_t *item;
    json_array_foreach(arr, i, item)
        bad += load_one(b, item) != 0;
    if (bad)
        b->host->log(b->host, FAQBOT_LOG_WARN,
                     "%zu saved \"did you mean\" list(s) unreadable; ignored", bad);
    json_decref(arr);
    b->host->free(text);
}
