/*
 * mx-event.h - Matrix event bodies, both ways: the m.room.message reply
 * the bot sends (m.notice, plain body + HTML formatted_body, reply
 * relation, m.mentions), and the clean-up of incoming bodies (legacy
 * reply fallbacks, bot mentions).
 */
#ifndef MX_EVENT_H
#define MX_EVENT_H

#include <stddef.h>
#include <jansson.h>

#include <faqbot/plugin.h>

/* HTML-escape s (& < > " ').  Caller frees with free(); NULL on OOM. */
char *mx_event_html_escape(const char *s);

/* Strip a legacy reply fallback from a plain body: the leading block of
 * lines starting with '>' and the blank line after it.  Caller frees with
 * free(); NULL on OOM. */
char *mx_event_strip_fallback(const char *body);

/* Strip a legacy HTML reply fallback (<mx-reply>...</mx-reply>) from a
 * formatted_body.  Caller frees with free(); NULL on OOM. */
char *mx_event_strip_html_reply(const char *html);

/* 1 when html (already without its <mx-reply>) holds a mention pill for
 * user_id: a link to https://matrix.to/#/<user_id> (raw or %40-encoded). */
int mx_event_html_mentions(const char *html, const char *user_id);

/* The m.room.message content for a reply (msgtype m.notice).  thread_root
 * may be NULL; a reply in a thread stays in that thread.  Returns a new
 * reference (caller json_decref()s), NULL on OOM. */
json_t *mx_event_build_reply(const faqbot_reply *r, const char *thread_root);

/* The plain rendering of a reply: text, citation, notice, numbered
 * suggestions, then the follow-ups as "Related:" and one "- <title>" line
 * per related entry that has a title (none: no heading).  The HTML
 * (formatted_body) has the same parts, the list as an escaped <ul>.
 * Caller frees with free(); NULL on OOM. */
char *mx_event_render_plain(const faqbot_reply *r);

/* Deterministic transaction id for the n-th event sent in answer to
 * event_id, so that a resend after a crash is de-duplicated by the
 * homeserver.  Writes "fb-<32 hex>-<n>" into buf (at least 48 bytes). */
void mx_event_txn_id(const char *event_id, unsigned n, char *buf, size_t len);

/* Remove mentions of the bot (its user id, or its display name as a
 * word, with a following ':' or ',') from text.  Sets *mentioned to 1
 * when one was found.  Caller frees with free(); NULL on OOM. */
char *mx_event_strip_mention(const char *text, const char *user_id,
                             const char *display_name, int *mentioned);

/* 1 when text is exactly one of "1".."max" (spaces around allowed);
 * returns the number, else 0. */
int mx_event_pick_number(const char *text, int max);

#endif
