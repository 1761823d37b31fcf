/*
 * mx-event.c - build the reply event content; clean incoming bodies.
 */
#include "mx-event.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- a growable string ----------------------------------------------- */

typedef struct sb { char *s; size_t len, cap; int oom; } sb;

static void sb_addn(sb *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = realloc(b->s, cap);
        if (!d) {
            b->oom = 1;
            return;
        }
        b->s = d;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_add(sb *b, const char *s) { sb_addn(b, s, strlen(s)); }

static void sb_add_html(sb *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': sb_add(b, "&amp;"); break;
        case '<': sb_add(b, "&lt;"); break;
        case '>': sb_add(b, "&gt;"); break;
        case '"': sb_add(b, "&quot;"); break;
        case '\'': sb_add(b, "&#39;"); break;
        default: sb_addn(b, s + i, 1);
        }
    }
}

/* Hand over the string (caller frees), or NULL after an OOM. */
static char *sb_take(sb *b)
{
    if (b->oom || !b->s) {
        free(b->s);
        return b->oom ? NULL : strdup("");
    }
    return b->s;
}

char *mx_event_html_escape(const char *s)
{
    sb b = {0};
    sb_add_html(&b, s, strlen(s));
    return sb_take(&b);
}

/* ---- incoming bodies -------------------------------------------------- */

char *mx_event_strip_fallback(const char *body)
{
    const char *p = body;
    if (p[0] == '>') {
        while (*p == '>') {
            const char *nl = strchr(p, '\n');
            p = nl ? nl + 1 : p + strlen(p);
        }
        if (*p == '\n')
            p++;
    }
    return strdup(p);
}

char *mx_event_strip_html_reply(const char *html)
{
    sb b = {0};
    const char *p = html, *start;
    while ((start = strstr(p, "<mx-reply>")) != NULL) {
        sb_addn(&b, p, (size_t)(start - p));
        const char *end = strstr(start, "</mx-reply>");
        p = end ? end + strlen("</mx-reply>") : start + strlen(start);
    }
    sb_add(&b, p);
    return sb_take(&b);
}

int mx_event_html_mentions(const char *html, const char *user_id)
{
    static const char link[] = "https://matrix.to/#/";
    if (!html || !user_id || user_id[0] != '@')
        return 0;
    for (const char *p = strstr(html, link); p; p = strstr(p + 1, link)) {
        const char *id = p + sizeof(link) - 1;
        size_t n = strlen(user_id);
        if (!strncmp(id, user_id, n) && strchr("\"'?/", id[n]))
            return 1;
        if (!strncmp(id, "%40", 3) && !strncmp(id + 3, user_id + 1, n - 1) &&
            strchr("\"'?/", id[n + 2]))
            return 1;
    }
    return 0;
}

static int word_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c >= 0x80;
}

/* Find needle case-insensitively as a whole word in hay. */
static char *find_word(char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (char *p = hay; n && *p; p++) {
        if (strncasecmp(p, needle, n))
            continue;
        int left_ok = p == hay || !word_char((unsigned char)p[-1]) ||
                      !word_char((unsigned char)needle[0]);
        int right_ok = !word_char((unsigned char)p[n]) ||
                       !word_char((unsigned char)needle[n - 1]);
        if (left_ok && right_ok)
            return p;
    }
    return NULL;
}

/* Remove every whole-word occurrence of needle (plus a leading '@' and a
 * trailing ':' or ',') from s in place; returns how many. */
static int cut_all(char *s, const char *needle)
{
    int count = 0;
    char *p;
    while (needle && needle[0] && (p = find_word(s, needle)) != NULL) {
        char *start = (p > s && p[-1] == '@' && needle[0] != '@') ? p - 1 : p;
        char *end = p + strlen(needle);
        if (*end == ':' || *end == ',')
            end++;
        memmove(start, end, strlen(end) + 1);
        count++;
    }
    return count;
}

char *mx_event_strip_mention(const char *text, const char *user_id,
                             const char *display_name, int *mentioned)
{
    char *s = strdup(text);
    if (!s)
        return NULL;
    int n = cut_all(s, user_id) + cut_all(s, display_name);
    if (n)
        *mentioned = 1;
    char *start = s;
    while (*start && isspace((unsigned char)*start))
        start++;
    size_t len = strlen(start);
    while (len && isspace((unsigned char)start[len - 1]))
        len--;
    memmove(s, start, len);
    s[len] = '\0';
    return s;
}

int mx_event_pick_number(const char *text, int max)
{
    while (isspace((unsigned char)*text))
        text++;
    if (!isdigit((unsigned char)text[0]))
        return 0;
    int n = text[0] - '0';
    const char *p = text + 1;
    if (*p == '.' || *p == ')')
        p++;
    while (isspace((unsigned char)*p))
        p++;
    return (*p == '\0' && n >= 1 && n <= max) ? n : 0;
}

void mx_event_txn_id(const char *event_id, unsigned n, char *buf, size_t len)
{
    uint64_t h1 = 0xcbf29ce484222325ULL, h2 = 0x84222325cbf29ce4ULL;
    for (const unsigned char *p = (const unsigned char *)event_id; *p; p++) {
        h1 = (h1 ^ *p) * 0x100000001b3ULL;
        h2 = (h2 ^ *p) * 0x100000001b3ULL;
        h2 ^= h2 >> 29;
    }
    snprintf(buf, len, "fb-%016llx%016llx-%u", (unsigned long long)h1,
             (unsigned long long)h2, n);
}

/* ---- outgoing reply --------------------------------------------------- */

/* Related entries with a title (the ones worth listing). */
static size_t n_titled(const faqbot_suggestion *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; s && i < n; i++)
        k += s[i].title && s[i].title[0];
    return k;
}

char *mx_event_render_plain(const faqbot_reply *r)
{
    sb b = {0};
    sb_add(&b, r->text ? r->text : "");
    if (r->citation && r->citation[0]) {
        sb_add(&b, "\n\n");
        sb_add(&b, r->citation);
    }
    if (r->notice && r->notice[0]) {
        sb_add(&b, "\n\n");
        sb_add(&b, r->notice);
    }
    for (size_t i = 0; r->suggestions && i < r->n_suggestions; i++) {
        char num[32];
        snprintf(num, sizeof(num), "%s%zu. ", i ? "\n" : "\n\n", i + 1);
        sb_add(&b, num);
        sb_add(&b, r->suggestions[i].title ? r->suggestions[i].title : "");
    }
    if (r->n_suggestions)
        sb_add(&b, "\n\nReply with a number to pick one.");
    if (n_titled(r->related, r->n_related))
        sb_add(&b, "\n\nRelated:");
    for (size_t i = 0; r->related && i < r->n_related; i++) {
        if (!r->related[i].title || !r->related[i].title[0])
            continue;
        sb_add(&b, "\n- ");
        sb_add(&b, r->related[i].title);
    }
    return sb_take(&b);
}

/* Paragraphs (blank-line separated) as <p>, single newlines as <br>. */
static void html_paragraphs(sb *b, const char *text)
{
    const char *p = text;
    sb_add(b, "<p>");
    while (*p) {
        if (p[0] == '\n' && p[1] == '\n') {
            while (*p == '\n')
                p++;
            if (*p)
                sb_add(b, "</p><p>");
            continue;
        }
        if (*p == '\n')
            sb_add(b, "<br>");
        else
            sb_add_html(b, p, 1);
        p++;
    }
    sb_add(b, "</p>");
}

/* An <ol> (every item: the numbers are picks) or a <ul> (titled items
 * only) of the suggestion titles, escaped. */
static void html_list(sb *b, const char *tag, const faqbot_suggestion *s,
                      size_t n)
{
    sb_add(b, tag[0] == 'o' ? "<ol>" : "<ul>");
    for (size_t i = 0; s && i < n; i++) {
        const char *t = s[i].title ? s[i].title : "";
        if (tag[0] != 'o' && !t[0])
            continue;
        sb_add(b, "<li>");
        sb_add_html(b, t, strlen(t));
        sb_add(b, "</li>");
    }
    sb_add(b, tag[0] == 'o' ? "</ol>" : "</ul>");
}

/* The HTML rendering (formatted_body), every dynamic string escaped.
 * Caller frees with free(); NULL on OOM. */
static char *render_html(const faqbot_reply *r)
{
    sb b = {0};
    html_paragraphs(&b, r->text ? r->text : "");
    if (r->citation && r->citation[0]) {
        sb_add(&b, "<p><em>");
        sb_add_html(&b, r->citation, strlen(r->citation));
        sb_add(&b, "</em></p>");
    }
    if (r->notice && r->notice[0]) {
        sb_add(&b, "<p><small>");
        sb_add_html(&b, r->notice, strlen(r->notice));
        sb_add(&b, "</small></p>");
    }
    if (r->n_suggestions) {
        html_list(&b, "ol", r->suggestions, r->n_suggestions);
        sb_add(&b, "<p>Reply with a number to pick one.</p>");
    }
    if (n_titled(r->related, r->n_related)) {
        sb_add(&b, "<p>Related:</p>");
        html_list(&b, "ul", r->related, r->n_related);
    }
    return sb_take(&b);
}

/* m.relates_to: reply target, and the thread when there is one.
 * Returns a new reference (caller json_decref()s), NULL on OOM. */
static json_t *relates_to(const faqbot_reply *r, const char *thread_root)
{
    json_t *rel = json_object();
    if (!rel)
        return NULL;
    int bad = 0;
    if (r->reply_to)
        bad |= json_object_set_new(rel, "m.in_reply_to",
                                   json_pack("{s:s}", "event_id", r->reply_to));
    if (thread_root) {
        bad |= json_object_set_new(rel, "rel_type", json_string("m.thread"));
        bad |= json_object_set_new(rel, "event_id", json_string(thread_root));
        bad |= json_object_set_new(rel, "is_falling_back", json_false());
    }
    if (bad) {
        json_decref(rel);
        return NULL;
    }
    return rel;
}

json_t *mx_event_build_reply(const faqbot_reply *r, const char *thread_root)
{
    char *plain = mx_event_render_plain(r);
    char *html = render_html(r);
    json_t *c = NULL, *ids = json_array();
    if (!plain || !html || !ids)
        goto error;
    if (r->sender_id && json_array_append_new(ids, json_string(r->sender_id)))
        goto error;
    c = json_pack("{s:s, s:s, s:s, s:s, s:{s:O}}", "msgtype", "m.notice",
                  "body", plain, "format", "org.matrix.custom.html",
                  "formatted_body", html, "m.mentions", "user_ids", ids);
    if (!c)
        goto error;
    if (r->reply_to || thread_root) {
        json_t *rel = relates_to(r, thread_root);
        if (!rel || json_object_set_new(c, "m.relates_to", rel))
            goto error;
    }
    goto done;
error:
    json_decref(c);
    c = NULL;
done:
    json_decref(ids);
    free(plain);
    free(html);
    return c;
}
