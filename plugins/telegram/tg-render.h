/*
 * tg-render.h - a faqbot_reply -> Telegram messages: HTML escaping
 * (parse_mode HTML), paragraph-boundary splitting under the length limit,
 * the inline keyboard for "did you mean" and related entries.
 */
#ifndef TG_RENDER_H
#define TG_RENDER_H

#include <jansson.h>
#include <stddef.h>

#include "faqbot/plugin.h"

/* callback_data is "p:<entry id>", at most 64 bytes (Bot API limit). */
#define TG_CALLBACK_PREFIX "p:"
#define TG_CALLBACK_MAX 64

/* Bytes needed to HTML-escape s[0..len) (&, <, > become entities). */
size_t tg_render_escaped_len(const char *s, size_t len);

/* Escape s[0..len) for parse_mode HTML.  Returns a NUL-terminated copy
 * the caller frees with free(), or NULL on OOM.  Invalid UTF-8 bytes
 * become U+FFFD so the result is always valid UTF-8. */
char *tg_render_escape(const char *s, size_t len);

/* Split-ready message list. */
typedef struct tg_chunks {
    char **v;
    size_t n;
} tg_chunks;

void tg_chunks_free(tg_chunks *c);

/* Render r as HTML messages of at most limit bytes each (bytes bound the
 * Bot API's 4096-character limit from above).  Paragraphs (blank-line
 * separated) are kept whole when they fit; a longer one is cut at a line
 * break, then a space, then a character boundary.  Returns 0 and fills
 * *out (caller frees with tg_chunks_free), or -1 on OOM / limit < 64. */
int tg_render_reply(const faqbot_reply *r, size_t limit, tg_chunks *out);

/* The InlineKeyboardMarkup for r: one button per suggestion (AMBIGUOUS)
 * or related entry, callback_data "p:<id>".  Entries whose id does not
 * fit in 64 bytes are left out.  Returns a new reference (caller
 * json_decref's it), or NULL when there are no buttons or on OOM. */
json_t *tg_render_keyboard(const faqbot_reply *r);

/* The entry id in a callback_data string, or NULL when data is not one
 * of ours (wrong prefix, bad characters, too long).  Points into data. */
const char *tg_render_pick(const char *data);

#endif
