/*
 * tg-cursor.h - where polling resumes after a restart: the next update
 * offset, the updates fetched but not yet answered (a journal: a crash
 * loses none of them, even with a server that never re-sends an update),
 * and the ids handled recently (so a re-sent update is not answered
 * twice).  Pure data; tg-poll.c persists it through the host's state
 * store as one JSON string under the key "cursor".
 */
#ifndef TG_CURSOR_H
#define TG_CURSOR_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define TG_CURSOR_RECENT 512

typedef struct tg_cursor {
    int64_t offset;          /* next getUpdates offset */
    int have_offset;         /* 0 until the first update was handled */
    json_t *pending;         /* array of Update objects, oldest first */
    int64_t recent[TG_CURSOR_RECENT];
    size_t n_recent, next_recent;
} tg_cursor;

/* An empty cursor.  Returns 0, -1 on OOM.  Free with tg_cursor_free(). */
int tg_cursor_init(tg_cursor *c);
void tg_cursor_free(tg_cursor *c);

/* Restore from tg_cursor_dump() text.  Returns 0, or -1 (cursor left
 * empty) when text is not a cursor. */
int tg_cursor_load(tg_cursor *c, const char *text);

/* {"offset":N,"pending":[...]} as text; caller frees with free(). */
char *tg_cursor_dump(const tg_cursor *c);

/* 1 when update id was handled recently or is pending already. */
int tg_cursor_known(const tg_cursor *c, int64_t id);

/* Append the updates of arr (a getUpdates result) that are not known
 * yet; objects without an integer update_id are kept too (they are
 * reported and dropped when handled).  Returns how many were added, -1
 * on OOM. */
int tg_cursor_add(tg_cursor *c, json_t *arr);

/* The oldest pending update (borrowed), or NULL. */
json_t *tg_cursor_head(const tg_cursor *c);

/* The head was handled (answered or deliberately skipped): drop it,
 * remember its id and resume after it.  id < 0 only drops it. */
void tg_cursor_done(tg_cursor *c, int64_t id);

#endif
