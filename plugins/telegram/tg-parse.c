/*
 * tg-parse.c - classify Bot API responses, flatten Update objects.
 */
#include "tg-parse.h"

#include "tg-salvage.h"
#include "tg-utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tg_result_clear(tg_result *r)
{
    json_decref(r->result);
    memset(r, 0, sizeof *r);
}

const char *tg_status_name(int status)
{
    static const char *const names[] = {
        "ok", "network error", "server error", "rate limited",
        "unauthorized", "conflict", "bad request", "malformed response",
        "aborted", "out of memory"};
    if (status < 0 || status > TG_E_NOMEM)
        return "unknown";
    return names[status];
}

static int status_for_code(long code)
{
    if (code == 429)
        return TG_E_RETRY;
    if (code == 401 || code == 404)
        return TG_E_AUTH;
    if (code == 409)
        return TG_E_CONFLICT;
    if (code >= 500)
        return TG_E_SERVER;
    return TG_E_REQUEST;
}

/* Copy s into the fixed desc buffer, one line, printable bytes only. */
static void set_desc(tg_result *out, const char *s)
{
    size_t i;
    snprintf(out->desc, sizeof out->desc, "%s", s);
    for (i = 0; out->desc[i]; i++)
        if ((unsigned char)out->desc[i] < 0x20)
            out->desc[i] = ' ';
}

static void parse_error(json_t *root, long http, tg_result *out)
{
    json_t *code = json_object_get(root, "error_code");
    json_t *desc = json_object_get(root, "description");
    json_t *ra = json_object_get(json_object_get(root, "parameters"),
                                 "retry_after");
    out->error_code = json_is_integer(code) ? (long)json_integer_value(code)
                                            : http;
    out->status = status_for_code(out->error_code);
    if (out->status == TG_E_REQUEST && http >= 500)
        out->status = TG_E_SERVER;
    set_desc(out, json_is_string(desc) ? json_string_value(desc)
                                       : "no description");
    if (out->status == TG_E_RETRY) {
        long s = json_is_integer(ra) ? (long)json_integer_value(ra) : 1;
        out->retry_after = s < 1 ? 1 : (s > 3600 ? 3600 : s);
    }
}

/* Load JSON text that is valid UTF-8; U+0000 in strings becomes ' '. */
static json_t *load_clean(const char *text, size_t len, json_error_t *jerr)
{
    json_t *root = json_loadb(text, len, JSON_ALLOW_NUL, jerr);
    if (root && tg_salvage_has_nul(text, len) && tg_salvage_denul(root) < 0) {
        json_decref(root);
        snprintf(jerr->text, sizeof jerr->text, "out of memory");
        jerr->position = 0;
        return NULL;
    }
    return root;
}

json_t *tg_parse_json(const char *body, size_t len, json_error_t *jerr)
{
    char *clean;
    json_t *root;
    if (!body)
        return json_loadb("", 0, 0, jerr);
    if (tg_utf8_valid(body, len))
        return load_clean(body, len, jerr);
    clean = tg_utf8_clean(body, len, &len);
    if (!clean) {
        snprintf(jerr->text, sizeof jerr->text, "out of memory");
        jerr->position = 0;
        return NULL;
    }
    root = load_clean(clean, len, jerr);
    free(clean);
    return root;
}

/* The body is not JSON: say why, and salvage what polling needs. */
static void unparsed(const char *body, size_t len, long http,
                     json_error_t *jerr, tg_result *out)
{
    out->unparsed = 1;
    out->truncated = json_error_code(jerr) == json_error_premature_end_of_input;
    out->bad_update_id = tg_salvage_update_id(body, len);
    snprintf(out->desc, sizeof out->desc, "HTTP %ld, body is not JSON (%s "
             "at byte %d)", http, jerr->text, jerr->position);
}

void tg_parse_response(const char *body, size_t len, long http,
                       tg_result *out)
{
    json_error_t jerr;
    json_t *root = tg_parse_json(body, len, &jerr);
    json_t *ok;
    memset(out, 0, sizeof *out);
    out->http = http;
    out->error_code = http;
    if (!root || !json_is_object(root) ||
        !json_is_boolean(ok = json_object_get(root, "ok"))) {
        out->status = http >= 500 ? TG_E_SERVER : TG_E_MALFORMED;
        if (!root)
            unparsed(body, len, http, &jerr, out);
        else
            snprintf(out->desc, sizeof out->desc, "HTTP %ld, body is not a "
                     "Bot API response (no \"ok\")", http);
        goto done;
    }
    if (json_is_false(ok)) {
        parse_error(root, http, out);
        goto done;
    }
    out->result = json_incref(json_object_get(root, "result"));
    if (!out->result || http != 200) {
        json_decref(out->result);
        out->result = NULL;
        out->status = http >= 500 ? TG_E_SERVER : TG_E_MALFORMED;
        snprintf(out->desc, sizeof out->desc, "HTTP %ld with \"ok\":true "
                 "but %s", http, out->result ? "not 200" : "no \"result\"");
        goto done;
    }
    out->status = TG_OK;
done:
    json_decref(root);
}

/* ---- updates ---------------------------------------------------------- */

size_t tg_parse_u16_to_byte(const char *text, size_t units)
{
    size_t i = 0, u = 0;
    while (u < units) {
        unsigned char c = (unsigned char)text[i];
        size_t clen = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (!c)
            return (size_t)-1;
        u += clen == 4 ? 2 : 1;
        i += clen;
    }
    return u == units ? i : (size_t)-1;
}

static int64_t get_int(const json_t *obj, const char *key, int *found)
{
    json_t *v = json_object_get(obj, key);
    if (found)
        *found = json_is_integer(v);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static int dup_str(const json_t *obj, const char *key, char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!json_is_string(v))
        return 0;
    *out = strdup(json_string_value(v));
    return *out ? 0 : -1;
}

static int parse_from(const json_t *from, tg_update *out)
{
    const char *first, *last;
    const char *user;
    size_t need;
    if (!json_is_object(from))
        return 0;
    out->from_id = get_int(from, "id", &out->has_from);
    out->from_is_bot = json_is_true(json_object_get(from, "is_bot"));
    first = json_string_value(json_object_get(from, "first_name"));
    last = json_string_value(json_object_get(from, "last_name"));
    user = json_string_value(json_object_get(from, "username"));
    if (!first)
        first = user;
    if (!first)
        return 0;
    need = strlen(first) + (last ? strlen(last) + 1 : 0) + 1;
    out->from_name = malloc(need);
    if (!out->from_name)
        return -1;
    snprintf(out->from_name, need, "%s%s%s", first, last ? " " : "",
             last ? last : "");
    return 0;
}

/* Entities whose range is invalid for text are dropped, not fatal. */
static int parse_entities(const json_t *arr, tg_update *out)
{
    size_t i, n = json_array_size(arr);
    if (!n || !out->text)
        return 0;
    out->entities = calloc(n, sizeof *out->entities);
    if (!out->entities)
        return -1;
    for (i = 0; i < n; i++) {
        const json_t *e = json_array_get(arr, i);
        const char *type = json_string_value(json_object_get(e, "type"));
        int f1, f2;
        int64_t off = get_int(e, "offset", &f1), len = get_int(e, "length",
                                                               &f2);
        size_t boff, bend;
        if (!type || !f1 || !f2 || off < 0 || len <= 0)
            continue;
        boff = tg_parse_u16_to_byte(out->text, (size_t)off);
        bend = tg_parse_u16_to_byte(out->text, (size_t)(off + len));
        if (boff == (size_t)-1 || bend == (size_t)-1)
            continue;
        tg_entity *t = &out->entities[out->n_entities++];
        snprintf(t->type, sizeof t->type, "%s", type);
        t->off = boff;
        t->len = bend - boff;
    }
    return 0;
}

static int parse_message(const json_t *m, tg_update *out, char *err,
                         size_t errlen)
{
    const json_t *chat = json_object_get(m, "chat");
    const json_t *reply = json_object_get(m, "reply_to_message");
    const char *ctype = json_string_value(json_object_get(chat, "type"));
    int found;
    if (!json_is_object(m) || !json_is_object(chat)) {
        snprintf(err, errlen, "update %lld: message without chat",
                 (long long)out->update_id);
        return -1;
    }
    out->chat_id = get_int(chat, "id", &found);
    out->message_id = get_int(m, "message_id", &found);
    if (!found || !out->chat_id) {
        snprintf(err, errlen, "update %lld: message without chat.id or "
                 "message_id", (long long)out->update_id);
        return -1;
    }
    snprintf(out->chat_type, sizeof out->chat_type, "%s",
             ctype ? ctype : "private");
    out->date = get_int(m, "date", NULL);
    out->has_sticker = json_is_object(json_object_get(m, "sticker"));
    if (json_is_object(reply) &&
        json_is_object(json_object_get(reply, "from"))) {
        out->reply_to_from_id = get_int(json_object_get(reply, "from"), "id",
                                        &out->has_reply_to);
    }
    if (parse_from(json_object_get(m, "from"), out) ||
        dup_str(m, "text", &out->text))
        goto nomem;
    if (out->text)
        return parse_entities(json_object_get(m, "entities"), out) ? -1 : 0;
    if (dup_str(m, "caption", &out->text))
        goto nomem;
    out->is_caption = out->text != NULL;
    if (parse_entities(json_object_get(m, "caption_entities"), out))
        goto nomem;
    return 0;
nomem:
    snprintf(err, errlen, "out of memory");
    return -1;
}

static int parse_callback(const json_t *q, tg_update *out, char *err,
                          size_t errlen)
{
    const json_t *msg = json_object_get(q, "message");
    if (dup_str(q, "id", &out->callback_id) ||
        dup_str(q, "data", &out->callback_data) ||
        parse_from(json_object_get(q, "from"), out)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (!out->callback_id || !out->has_from) {
        snprintf(err, errlen, "update %lld: callback_query without id or "
                 "from", (long long)out->update_id);
        return -1;
    }
    if (json_is_object(msg) && json_is_object(json_object_get(msg, "chat"))) {
        const char *ctype = json_string_value(
            json_object_get(json_object_get(msg, "chat"), "type"));
        out->chat_id = get_int(json_object_get(msg, "chat"), "id", NULL);
        out->message_id = get_int(msg, "message_id", NULL);
        snprintf(out->chat_type, sizeof out->chat_type, "%s",
                 ctype ? ctype : "private");
    }
    return 0;
}

int tg_parse_update(const json_t *upd, tg_update *out, char *err,
                    size_t errlen)
{
    static const struct { const char *key; int kind; } kinds[] = {
        {"message", TG_UPD_MESSAGE}, {"edited_message", TG_UPD_EDITED},
        {"channel_post", TG_UPD_CHANNEL_POST},
        {"edited_channel_post", TG_UPD_EDITED},
        {"callback_query", TG_UPD_CALLBACK}};
    int found;
    size_t i;
    memset(out, 0, sizeof *out);
    out->update_id = -1;
    if (!json_is_object(upd)) {
        snprintf(err, errlen, "update is not an object");
        return -1;
    }
    out->update_id = get_int(upd, "update_id", &found);
    if (!found || out->update_id < 0) {
        out->update_id = -1;
        snprintf(err, errlen, "update without a valid update_id");
        return -1;
    }
    for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        const json_t *body = json_object_get(upd, kinds[i].key);
        if (!body)
            continue;
        out->kind = kinds[i].kind;
        if (kinds[i].kind == TG_UPD_CALLBACK)
            return parse_callback(body, out, err, errlen);
        return parse_message(body, out, err, errlen);
    }
    out->kind = TG_UPD_OTHER;
    return 0;
}

void tg_update_clear(tg_update *u)
{
    free(u->from_name);
    free(u->text);
    free(u->entities);
    free(u->callback_id);
    free(u->callback_data);
    memset(u, 0, sizeof *u);
    u->update_id = -1;
}
