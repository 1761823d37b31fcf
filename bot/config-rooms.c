/* config-rooms.c - the operator keys: several knowledge bases, per-room
 * settings, the knowledge-gap log and the control socket. */
#include "config-priv.h"

#include <stdlib.h>
#include <string.h>

void config_rooms_free(config *c)
{
    for (size_t i = 0; i < c->n_kbs; i++) {
        free(c->kbs[i].name);
        free(c->kbs[i].dir);
    }
    free(c->kbs);
    for (size_t i = 0; i < c->n_rooms; i++) {
        free(c->rooms[i].key);
        free(c->rooms[i].knowledge);
        free(c->rooms[i].language);
    }
    free(c->rooms);
    free(c->gaps_file);
    free(c->control_socket);
}

/* "knowledge_bases": {"name": "dir", ...} */
void config_parse_kbs(json_t *root, config *c, config_errors *e)
{
    json_t *obj = json_object_get(root, "knowledge_bases"), *v;
    const char *name;
    if (!obj || json_is_null(obj))
        return;
    if (!json_is_object(obj)) {
        config_err_add(e, "$.knowledge_bases: expected an object of name: directory");
        return;
    }
    c->kbs = calloc(json_object_size(obj) + 1, sizeof *c->kbs);
    if (!c->kbs) {
        config_err_add(e, "$.knowledge_bases: out of memory");
        return;
    }
    json_object_foreach(obj, name, v) {
        if (strcmp(name, "comment") == 0)
            continue;
        if (!config_valid_name(name) || strcmp(name, "default") == 0) {
            config_err_add(e, "$.knowledge_bases.%s: names use a-z, 0-9, '-' "
                           "and '_' (\"default\" is the knowledge_dir)", name);
            continue;
        }
        if (!json_is_string(v) || json_string_length(v) == 0) {
            config_err_add(e, "$.knowledge_bases.%s: expected a directory path", name);
            continue;
        }
        config_kb *k = &c->kbs[c->n_kbs];
        k->name = strdup(name);
        k->dir = strdup(json_string_value(v));
        if (!k->name || !k->dir) {
            free(k->name);
            free(k->dir);
            config_err_add(e, "$.knowledge_bases: out of memory");
            return;
        }
        c->n_kbs++;
    }
}

static int kb_name_known(const config *c, const char *name)
{
    if (strcmp(name, "default") == 0)
        return 1;
    for (size_t i = 0; i < c->n_kbs; i++)
        if (strcmp(c->kbs[i].name, name) == 0)
            return 1;
    return 0;
}

/* The instance part of "<instance>/<chat id>" is a valid instance name
 * and the chat id is not empty. */
static int room_key_ok(const char *key)
{
    const char *slash = strchr(key, '/');
    char inst[65];
    size_t n = slash ? (size_t)(slash - key) : 0;
    if (!slash || n == 0 || n >= sizeof inst || slash[1] == '\0')
        return 0;
    memcpy(inst, key, n);
    inst[n] = '\0';
    return config_valid_name(inst);
}

static void parse_answer(json_t *obj, const char *path, config_room *r,
                         config_errors *e)
{
    json_t *v = json_object_get(obj, "answer");
    if (!v)
        return;
    const char *s = json_string_value(v);
    if (s && strcmp(s, "mentions") == 0)
        r->answer = CONFIG_ANSWER_MENTIONS;
    else if (s && strcmp(s, "all") == 0)
        r->answer = CONFIG_ANSWER_ALL;
    else
        config_err_add(e, "%s.answer: expected \"mentions\" or \"all\"", path);
}

static void parse_room(const char *key, json_t *obj, config *c,
                       config_errors *e)
{
    static const char *const keys[] = {"knowledge", "language", "answer",
                                       "comment", NULL};
    char path[600];
    snprintf(path, sizeof path, "$.rooms[\"%.500s\"]", key);
    if (!room_key_ok(key))
        config_err_add(e, "%s: a room key is \"<instance>/<chat id>\"", path);
    if (!json_is_object(obj)) {
        config_err_add(e, "%s: expected an object", path);
        return;
    }
    config_check_keys(obj, path, keys, e);
    config_room *r = &c->rooms[c->n_rooms];
    memset(r, 0, sizeof *r);
    if (!(r->key = strdup(key))) {
        config_err_add(e, "%s: out of memory", path);
        return;
    }
    c->n_rooms++;
    config_get_str(obj, "knowledge", path, &r->knowledge, e);
    config_get_str(obj, "language", path, &r->language, e);
    parse_answer(obj, path, r, e);
    if (r->knowledge && !kb_name_known(c, r->knowledge))
        config_err_add(e, "%s.knowledge: \"%s\" is not a key of "
                       "$.knowledge_bases", path, r->knowledge);
}

void config_parse_rooms(json_t *root, config *c, config_errors *e)
{
    json_t *obj = json_object_get(root, "rooms"), *v;
    const char *key;
    if (!obj || json_is_null(obj))
        return;
    if (!json_is_object(obj)) {
        config_err_add(e, "$.rooms: expected an object of \"<instance>/<chat id>\": settings");
        return;
    }
    c->rooms = calloc(json_object_size(obj) + 1, sizeof *c->rooms);
    if (!c->rooms) {
        config_err_add(e, "$.rooms: out of memory");
        return;
    }
    json_object_foreach(obj, key, v)
        if (strcmp(key, "comment") != 0)
            parse_room(key, v, c, e);
}

/* "gaps": {"file": "state/gaps.jsonl"} and "control_socket": "path" */
void config_parse_gaps(json_t *root, config *c, config_errors *e)
{
    static const char *const keys[] = {"file", NULL};
    json_t *g = json_object_get(root, "gaps");
    config_get_str(root, "control_socket", "$", &c->control_socket, e);
    if (!g || json_is_null(g))
        return;
    if (!json_is_object(g)) {
        config_err_add(e, "$.gaps: expected an object");
        return;
    }
    config_check_keys(g, "$.gaps", keys, e);
    config_get_str(g, "file", "$.gaps", &c->gaps_file, e);
}

const config_room *config_find_room(const config *c, const char *instance,
                                    const char *chat_id)
{
    if (!instance || !chat_id)
        return NULL;
    size_t n = strlen(instance);
    for (size_t i = 0; i < c->n_rooms; i++) {
        const char *k = c->rooms[i].key;
        if (strncmp(k, instance, n) == 0 && k[n] == '/' &&
            strcmp(k + n + 1, chat_id) == 0)
            return &c->rooms[i];
    }
    return NULL;
}
