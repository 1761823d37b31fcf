/*
 * tg-render.c - HTML escaping, reply layout and splitting, keyboards.
 */
#include "tg-render.h"

#include "tg-utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* ---- UTF-8 and escaping ---------------------------------------------- */

/* Output bytes for the character at s, and its input length in *step. */
static size_t char_cost(const char *s, size_t left, int escape, size_t *step)
{
    size_t n = tg_utf8_seq((const unsigned char *)s, left);
    *step = n ? n : 1;
    if (!n)
        return 3;
    if (escape && *s == '&')
        return 5;
    if (escape && (*s == '<' || *s == '>'))
        return 4;
    return n;
}

size_t tg_render_escaped_len(const char *s, size_t len)
{
    size_t i = 0, out = 0, step;
    while (i < len) {
        out += char_cost(s + i, len - i, 1, &step);
        i += step;
    }
    return out;
}

/* Copy s[0..len) as valid UTF-8, HTML-escaped when escape is set.
 * Caller frees with free(). */
static char *clean_copy(const char *s, size_t len, int escape)
{
    size_t i = 0, o = 0, step, total = 0;
    char *out;
    while (i < len) {
        total += char_cost(s + i, len - i, escape, &step);
        i += step;
    }
    out = malloc(total + 1);
    if (!out)
        return NULL;
    for (i = 0; i < len; i += step) {
        size_t cost = char_cost(s + i, len - i, escape, &step);
        const char *rep = s + i;
        if (cost == 3 && step == 1)
            rep = REPLACEMENT;
        else if (cost == 5)
            rep = "&amp;";
        else if (cost == 4 && step == 1)
            rep = *rep == '<' ? "&lt;" : "&gt;";
        memcpy(out + o, rep, cost);
        o += cost;
    }
    out[o] = '\0';
    return out;
}

char *tg_render_escape(const char *s, size_t len)
{
    return clean_copy(s, len, 1);
}

/* ---- blocks ----------------------------------------------------------- */

typedef struct blocks {
    char **v;
    size_t n, cap;
} blocks;

static int blocks_push(blocks *b, char *s)
{
    if (!s)
        return -1;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 8;
        char **v = realloc(b->v, cap * sizeof *v);
        if (!v) {
            free(s);
            return -1;
        }
        b->v = v;
        b->cap = cap;
    }
    b->v[b->n++] = s;
    return 0;
}

/* Wrap the escaped form of s[0..len) in pre/post into a new block. */
static int push_wrapped(blocks *b, const char *s, size_t len,
                        const char *pre, const char *post)
{
    char *esc = tg_render_escape(s, len);
    char *out;
    size_t n;
    if (!esc)
        return -1;
    n = strlen(pre) + strlen(esc) + strlen(post) + 1;
    out = malloc(n);
    if (out) {
        memcpy(out, pre, strlen(pre));
        memcpy(out + strlen(pre), esc, strlen(esc));
        memcpy(out + strlen(pre) + strlen(esc), post, strlen(post) + 1);
    }
    free(esc);
    return blocks_push(b, out);
}

/* Bytes of s[0..len) that fit in avail output bytes once escaped, cut at
 * the last line break, else the last space, else a character boundary.
 * *skip gets the separator length to drop after the cut. */
static size_t fit_prefix(const char *s, size_t len, size_t avail,
                         size_t *skip)
{
    size_t i = 0, out = 0, step, cut;
    while (i < len) {
        size_t cost = char_cost(s + i, len - i, 1, &step);
        if (out + cost > avail)
            break;
        out += cost;
        i += step;
    }
    *skip = 0;
    if (i >= len)
        return len;
    for (cut = i; cut > 0 && s[cut - 1] != '\n'; cut--)
        ;
    if (cut == 0)
        for (cut = i; cut > 0 && s[cut - 1] != ' '; cut--)
            ;
    if (cut > 1) {
        *skip = 1;
        return cut - 1;
    }
    return i;
}

/* Add a plain-text paragraph, cut into pieces that fit limit once
 * escaped and wrapped in pre/post. */
static int push_para(blocks *b, const char *s, size_t len, const char *pre,
                     const char *post, size_t limit)
{
    size_t avail = limit - strlen(pre) - strlen(post);
    while (len > 0) {
        size_t skip, n = fit_prefix(s, len, avail, &skip);
        if (n > 0 && push_wrapped(b, s, n, pre, post))
            return -1;
        s += n + skip;
        len -= n + skip;
        while (len > 0 && (*s == ' ' || *s == '\n')) {
            s++;
            len--;
        }
    }
    return 0;
}

/* Add each blank-line separated paragraph of text. */
static int push_text(blocks *b, const char *text, const char *pre,
                     const char *post, size_t limit)
{
    const char *p = text;
    while (*p) {
        const char *end = strstr(p, "\n\n");
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len > 0 && (*p == '\n' || *p == ' ' || *p == '\r')) {
            p++;
            len--;
        }
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\r' ||
                           p[len - 1] == '\n'))
            len--;
        if (len > 0 && push_para(b, p, len, pre, post, limit))
            return -1;
        if (!end)
            break;
        p = end + 2;
    }
    return 0;
}

/* ---- replies ---------------------------------------------------------- */

void tg_chunks_free(tg_chunks *c)
{
    size_t i;
    for (i = 0; i < c->n; i++)
        free(c->v[i]);
    free(c->v);
    c->v = NULL;
    c->n = 0;
}

static int fits_button(const faqbot_suggestion *s)
{
    char data[TG_CALLBACK_MAX + 1];
    int n;
    if (!s->entry_id || !s->title)
        return 0;
    n = snprintf(data, sizeof data, "%s%s", TG_CALLBACK_PREFIX, s->entry_id);
    return n > 0 && (size_t)n < sizeof data && tg_render_pick(data) != NULL;
}

/* Suggestions that cannot be buttons are listed as text lines. */
static int push_unbuttoned(blocks *b, const faqbot_suggestion *s, size_t n,
                           size_t limit)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (s[i].title && !fits_button(&s[i]) &&
            push_para(b, s[i].title, strlen(s[i].title), "\xE2\x80\xA2 ", "",
                      limit))
            return -1;
    return 0;
}

static int build_blocks(const faqbot_reply *r, size_t limit, blocks *b)
{
    int urgent = r->kind == FAQBOT_REPLY_URGENT;
    if (push_text(b, r->text ? r->text : "", urgent ? "<b>" : "",
                  urgent ? "</b>" : "", limit))
        return -1;
    if (r->citation && push_text(b, r->citation, "<i>", "</i>", limit))
        return -1;
    if (r->notice && push_text(b, r->notice, "<i>", "</i>", limit))
        return -1;
    if (r->suggestions &&
        push_unbuttoned(b, r->suggestions, r->n_suggestions, limit))
        return -1;
    if (r->related && push_unbuttoned(b, r->related, r->n_related, limit))
        return -1;
    return 0;
}

/* Join blocks with blank lines into chunks of at most limit bytes. */
static int pack(blocks *b, size_t limit, tg_chunks *out)
{
    size_t i = 0;
    tg_chunks c = {calloc(b->n ? b->n : 1, sizeof(char *)), 0};
    if (!c.v)
        return -1;
    while (i < b->n) {
        size_t j = i, len = strlen(b->v[i]), o = 0;
        while (j + 1 < b->n && len + 2 + strlen(b->v[j + 1]) <= limit)
            len += 2 + strlen(b->v[++j]);
        c.v[c.n] = malloc(len + 1);
        if (!c.v[c.n]) {
            tg_chunks_free(&c);
            return -1;
        }
        for (; i <= j; i++) {
            size_t n = strlen(b->v[i]);
            if (o) {
                memcpy(c.v[c.n] + o, "\n\n", 2);
                o += 2;
            }
            memcpy(c.v[c.n] + o, b->v[i], n);
            o += n;
        }
        c.v[c.n++][o] = '\0';
    }
    *out = c;
    return 0;
}

int tg_render_reply(const faqbot_reply *r, size_t limit, tg_chunks *out)
{
    blocks b = {NULL, 0, 0};
    size_t i;
    int rc = -1;
    out->v = NULL;
    out->n = 0;
    if (limit < 64)
        return -1;
    if (build_blocks(r, limit, &b) == 0) {
        if (b.n == 0 && blocks_push(&b, strdup("\xE2\x80\xA6")) != 0)
            goto done;
        rc = pack(&b, limit, out);
    }
done:
    for (i = 0; i < b.n; i++)
        free(b.v[i]);
    free(b.v);
    return rc;
}

/* ---- keyboard --------------------------------------------------------- */

const char *tg_render_pick(const char *data)
{
    const char *id, *p;
    size_t plen = strlen(TG_CALLBACK_PREFIX);
    if (!data || strncmp(data, TG_CALLBACK_PREFIX, plen) != 0 ||
        strlen(data) > TG_CALLBACK_MAX)
        return NULL;
    id = data + plen;
    if (!*id)
        return NULL;
    for (p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return NULL;
    return id;
}

static int add_button(json_t *rows, const faqbot_suggestion *s)
{
    char data[TG_CALLBACK_MAX + 1];
    char *title = clean_copy(s->title, strlen(s->title), 0);
    json_t *btn;
    int rc = -1;
    if (!title)
        return -1;
    snprintf(data, sizeof data, "%s%s", TG_CALLBACK_PREFIX, s->entry_id);
    btn = json_pack("[{s:s, s:s}]", "text", title, "callback_data", data);
    if (btn && json_array_append_new(rows, btn) == 0)
        rc = 0;
    free(title);
    return rc;
}

json_t *tg_render_keyboard(const faqbot_reply *r)
{
    json_t *rows = json_array();
    const faqbot_suggestion *s = r->suggestions;
    size_t n = r->n_suggestions, i, pass;
    if (!rows)
        return NULL;
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; s && i < n; i++) {
            if (fits_button(&s[i]) && add_button(rows, &s[i]) != 0) {
                json_decref(rows);
                return NULL;
            }
        }
        s = r->related;
        n = r->n_related;
    }
    if (json_array_size(rows) == 0) {
        json_decref(rows);
        return NULL;
    }
    return json_pack("{s:o}", "inline_keyboard", rows);
}
