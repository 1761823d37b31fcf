/* config-priv.h - helpers shared by config.c (the core keys) and
 * config-rooms.c (knowledge_bases, rooms, gaps, control).  Not public. */
#ifndef FAQBOT_CONFIG_PRIV_H
#define FAQBOT_CONFIG_PRIV_H

#include "config.h"

#include <jansson.h>

void config_err_add(config_errors *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Optional non-empty string (or null) at obj.key, copied into *out. */
void config_get_str(json_t *obj, const char *key, const char *path,
                    char **out, config_errors *e);
/* Report keys of obj not in allowed (NULL-terminated). */
void config_check_keys(json_t *obj, const char *path,
                       const char *const *allowed, config_errors *e);
/* a-z, 0-9, '-', '_'; 1..64 characters. */
int config_valid_name(const char *s);

void config_parse_kbs(json_t *root, config *c, config_errors *e);
void config_parse_rooms(json_t *root, config *c, config_errors *e);
void config_parse_gaps(json_t *root, config *c, config_errors *e);
void config_rooms_free(config *c);

#endif
