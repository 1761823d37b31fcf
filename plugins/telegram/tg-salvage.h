/*
 * tg-salvage.h - what can still be done with a getUpdates body that one
 * poisoned update spoils: strings holding U+0000 (JSON "\u0000", legal
 * JSON that jansson only loads with JSON_ALLOW_NUL) are cleaned the way
 * the host's sanitizer cleans control characters, and a body that does
 * not parse at all still names the update it holds, so polling one update
 * at a time can find and skip it.  Pure functions (no I/O).
 */
#ifndef TG_SALVAGE_H
#define TG_SALVAGE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* 1 when the JSON text body[0..len) may hold a "\u0000" escape. */
int tg_salvage_has_nul(const char *body, size_t len);

/* Replace, in place, every U+0000 inside the strings of j (values, at any
 * depth; jansson refuses NUL in keys) by a space.  Returns how many
 * strings changed, or -1 on OOM (j is then partly cleaned). */
long tg_salvage_denul(json_t *j);

/* The first "update_id": <digits> of a JSON text that could not be
 * parsed (not inside a string), or -1 when there is none.  With limit=1
 * the body holds one update, so this is the id of the one to skip. */
int64_t tg_salvage_update_id(const char *body, size_t len);

#endif
