/* fuzz-mx-sync.c - the Matrix /sync parser on arbitrary bytes, then the
 * per-message text handling the bot applies to each parsed event. */
#include "mx-event.h"
#include "mx-sync.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SELF "@faqbot:example.org"

static void check_event(const mx_event *ev)
{
    if (!ev->event_id || !ev->sender || !ev->type)
        abort();               /* the parser promised to skip these */
    if (ev->kind != MX_EV_MESSAGE || !ev->body)
        return;
    char *body = mx_event_strip_fallback(ev->body);
    int mentioned = 0;
    char *text = body ? mx_event_strip_mention(body, SELF, "FAQ Bot",
                                               &mentioned) : NULL;
    if (text)
        (void)mx_event_pick_number(text, 3);
    free(text);
    free(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[200];
    mx_sync s;
    if (mx_sync_parse((const char *)data, size, SELF, &s, err, sizeof err) != 0) {
        if (!err[0])
            abort();           /* failed without a reason */
        return 0;
    }
    if (!s.next_batch)
        abort();
    for (size_t i = 0; i < s.n_joined; i++) {
        if (!s.joined[i].room_id)
            abort();
        for (size_t j = 0; j < s.joined[i].n_events; j++)
            check_event(&s.joined[i].events[j]);
    }
    for (size_t i = 0; i < s.n_invites; i++)
        if (!s.invites[i].room_id)
            abort();
    mx_sync_free(&s);
    return 0;
}
