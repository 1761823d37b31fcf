/* fuzz-tg-update.c - the Telegram side of untrusted input: a getUpdates
 * HTTP body through the response classifier, each Update through the
 * parser, each message through the group/mention filter, and the result
 * rendered back (escaping) as the bot would. */
#include "tg-bot.h"
#include "tg-parse.h"
#include "tg-render.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_update(const json_t *upd)
{
    char err[160];
    tg_update u;
    char *text = NULL;
    const char *why = NULL;
    int rc = tg_parse_update(upd, &u, err, sizeof err);
    if (rc == 0 && u.kind == TG_UPD_MESSAGE) {
        int f = tg_filter_message(&u, 42, "faq_bot", 0, &text, &why);
        if (f == 1 && !text)
            abort();
        if (f == 0 && !why)
            abort();
        if (text) {
            char *esc = tg_render_escape(text, strlen(text));
            if (esc && (strchr(esc, '<') || strchr(esc, '>')))
                abort();       /* user text must never carry raw markup */
            free(esc);
        }
        free(text);
    }
    if (rc == 0 && u.kind == TG_UPD_CALLBACK && u.callback_data)
        (void)tg_render_pick(u.callback_data);
    tg_update_clear(&u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const long codes[] = {200, 429, 500, 401, 409, 400, 502};
    tg_result res;
    long http = codes[size % (sizeof codes / sizeof codes[0])];
    tg_parse_response((const char *)data, size, http, &res);
    if (res.status == TG_OK && json_is_array(res.result)) {
        size_t i;
        json_t *upd;
        json_array_foreach(res.result, i, upd)
            check_update(upd);
    }
    if (res.status == TG_E_RETRY && res.retry_after < 1)
        abort();
    tg_result_clear(&res);
    return 0;
}
