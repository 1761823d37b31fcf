/*
 * mx-json.h - repair a JSON text that jansson refuses only because of bad
 * Unicode: invalid UTF-8 bytes and lone UTF-16 surrogate escapes
 * ("\ud800" without its pair).  One such message from one user must not
 * make a whole /sync response unreadable (and stall the bot on it).
 */
#ifndef MX_JSON_H
#define MX_JSON_H

#include <stddef.h>

/* In place, same length: every byte of an invalid UTF-8 sequence becomes
 * '?', every lone surrogate escape becomes "\ufffd".  Returns how many
 * repairs were made (0: nothing to repair). */
size_t mx_json_repair(char *buf, size_t len);

#endif
