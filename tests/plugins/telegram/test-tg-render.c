/* Unit tests for plugins/telegram/tg-render.c: escaping, layout,
 * splitting at paragraph boundaries, keyboards. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "tg-render.h"

static faqbot_reply reply(int kind, const char *text)
{
    faqbot_reply r;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    r.kind = kind;
    r.chat_id = "42";
    r.text = text;
    return r;
}

Test(tg_render_escape, specials_become_entities)
{
    const char *in = "a<b> & \"c\"";
    char *s = tg_render_escape(in, strlen(in));
    cr_assert_str_eq(s, "a&lt;b&gt; &amp; \"c\"");
    cr_assert_eq(tg_render_escaped_len(in, strlen(in)), strlen(s));
    free(s);
}

Test(tg_render_escape, invalid_utf8_is_replaced)
{
    char *s = tg_render_escape("ok\xff\xC3(\xED\xA0\x80!", 9);
    cr_assert_str_eq(s, "ok\xEF\xBF\xBD\xEF\xBF\xBD(\xEF\xBF\xBD\xEF\xBF\xBD"
                        "\xEF\xBF\xBD!");
    free(s);
}

Test(tg_render_escape, valid_multibyte_is_kept)
{
    const char *in = "b\xC3\xA9" "b\xC3\xA9 \xF0\x9F\x8D\xBC";
    char *s = tg_render_escape(in, strlen(in));
    cr_assert_str_eq(s, in);
    free(s);
}

Test(tg_render_reply, answer_with_citation_and_notice)
{
    faqbot_reply r = reply(FAQBOT_REPLY_ANSWER, "Massage <helps> sleep.\n\n"
                           "Try it & see.");
    tg_chunks c;
    r.citation = "Source: Proven Infant Massage Benefits, section \"Sleep\"";
    r.notice = "General information, not medical advice.";
    cr_assert_eq(tg_render_reply(&r, 4096, &c), 0);
    cr_assert_eq(c.n, 1);
    cr_assert_str_eq(c.v[0], "Massage &lt;helps&gt; sleep.\n\nTry it &amp; "
                     "see.\n\n<i>Source: Proven Infant Massage Benefits, "
                     "section \"Sleep\"</i>\n\n<i>General information, not "
                     "medical advice.</i>");
    tg_chunks_free(&c);
}

Test(tg_render_reply, urgent_is_bold)
{
    faqbot_reply r = reply(FAQBOT_REPLY_URGENT, "Call 112 now.");
    tg_chunks c;
    cr_assert_eq(tg_render_reply(&r, 4096, &c), 0);
    cr_assert_str_eq(c.v[0], "<b>Call 112 now.</b>");
    tg_chunks_free(&c);
}

Test(tg_render_reply, empty_text_still_sends_something)
{
    faqbot_reply r = reply(FAQBOT_REPLY_NOTICE, "");
    tg_chunks c;
    cr_assert_eq(tg_render_reply(&r, 4096, &c), 0);
    cr_assert_eq(c.n, 1);
    cr_assert_gt(strlen(c.v[0]), 0);
    tg_chunks_free(&c);
}

/* Paragraphs of n 'x' each, separated by blank lines. */
static char *paragraphs(size_t count, size_t n)
{
    char *s = malloc(count * (n + 2) + 1), *p = s;
    for (size_t i = 0; i < count; i++) {
        memset(p, 'a' + (char)(i % 26), n);
        p += n;
        if (i + 1 < count) {
            memcpy(p, "\n\n", 2);
            p += 2;
        }
    }
    *p = '\0';
    return s;
}

Test(tg_render_reply, long_answer_splits_at_paragraphs)
{
    char *text = paragraphs(5, 1500);   /* 7508 bytes */
    faqbot_reply r = reply(FAQBOT_REPLY_ANSWER, text);
    tg_chunks c;
    r.citation = "Source: X";
    cr_assert_eq(tg_render_reply(&r, 4096, &c), 0);
    cr_assert_eq(c.n, 3);
    /* 1500+2+1500 fits, a third paragraph would not */
    cr_assert_eq(strlen(c.v[0]), 3002);
    cr_assert_eq(strlen(c.v[1]), 3002);
    cr_assert_str_eq(c.v[2] + 1500, "\n\n<i>Source: X</i>");
    for (size_t i = 0; i < c.n; i++) {
        cr_assert_leq(strlen(c.v[i]), 4096);
        cr_assert_neq(c.v[i][0], '\n');
    }
    /* nothing lost: every paragraph appears once */
    cr_assert_eq(c.v[0][0], 'a');
    cr_assert_eq(c.v[0][1502], 'b');
    cr_assert_eq(c.v[1][0], 'c');
    cr_assert_eq(c.v[2][0], 'e');
    tg_chunks_free(&c);
    free(text);
}

Test(tg_render_reply, huge_paragraph_splits_at_spaces)
{
    size_t n = 10000, total = 0;
    char *text = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        text[i] = i % 10 == 9 ? ' ' : '<';    /* escapes 4x */
    text[n] = '\0';
    faqbot_reply r = reply(FAQBOT_REPLY_ANSWER, text);
    tg_chunks c;
    cr_assert_eq(tg_render_reply(&r, 4096, &c), 0);
    cr_assert_geq(c.n, 10);
    for (size_t i = 0; i < c.n; i++) {
        size_t len = strlen(c.v[i]);
        cr_assert_leq(len, 4096);
        /* cut at a space: no piece starts or ends inside an entity */
        cr_assert_eq(strncmp(c.v[i], "&lt;", 4), 0);
        cr_assert_eq(strcmp(c.v[i] + len - 4, "&lt;"), 0);
        for (const char *p = c.v[i]; *p; p++)
            total += *p == '&';
    }
    cr_assert_eq(total, 9000);   /* every '<' survived exactly once */
    tg_chunks_free(&c);
    free(text);
}

Test(tg_render_reply, no_spaces_splits_at_character_boundary)
{
    /* 3000 x "é" (2 bytes each) with no break anywhere */
    size_t n = 3000;
    char *text = malloc(2 * n + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(text + 2 * i, "\xC3\xA9", 2);
    text[2 * n] = '\0';
    faqbot_reply r = reply(FAQBOT_REPLY_ANSWER, text);
    tg_chunks c;
    cr_assert_eq(tg_render_reply(&r, 4096, &c), 0);
    cr_assert_eq(c.n, 2);
    cr_assert_eq(strlen(c.v[0]), 4096);
    cr_assert_eq(strlen(c.v[1]), 2 * n - 4096);
    tg_chunks_free(&c);
    free(text);
}

Test(tg_render_reply, small_limit_is_honoured_for_wrapped_lines)
{
    faqbot_reply r = reply(FAQBOT_REPLY_ANSWER, "short");
    tg_chunks c;
    r.citation = "Source: a fairly long citation line that needs two parts "
                 "to fit in sixty four bytes";
    cr_assert_eq(tg_render_reply(&r, 64, &c), 0);
    for (size_t i = 0; i < c.n; i++) {
        cr_assert_leq(strlen(c.v[i]), 64);
        cr_assert(strstr(c.v[i], "<i>") == NULL ||
                  strstr(c.v[i], "</i>") != NULL);
    }
    cr_assert_geq(c.n, 2);
    tg_chunks_free(&c);
    cr_assert_eq(tg_render_reply(&r, 10, &c), -1);
}

Test(tg_render_keyboard, suggestions_become_buttons)
{
    faqbot_suggestion s[] = {{"sleep", "Massage and sleep"},
                             {"gas-colic", "Gas & colic"}};
    faqbot_reply r = reply(FAQBOT_REPLY_AMBIGUOUS, "Which one?");
    r.suggestions = s;
    r.n_suggestions = 2;
    json_t *kb = tg_render_keyboard(&r);
    char *dump = json_dumps(kb, JSON_COMPACT);
    cr_assert_str_eq(dump, "{\"inline_keyboard\":[[{\"text\":\"Massage and "
                     "sleep\",\"callback_data\":\"p:sleep\"}],[{\"text\":"
                     "\"Gas & colic\",\"callback_data\":\"p:gas-colic\"}]]}");
    free(dump);
    json_decref(kb);
}

Test(tg_render_keyboard, related_follow_suggestions_and_long_ids_are_text)
{
    char longid[80];
    memset(longid, 'a', 70);
    longid[70] = '\0';
    faqbot_suggestion rel[] = {{longid, "Too long for a button"},
                               {"oil", "Which oil"}};
    faqbot_reply r = reply(FAQBOT_REPLY_ANSWER, "Answer.");
    r.related = rel;
    r.n_related = 2;
    json_t *kb = tg_render_keyboard(&r);
    json_t *rows = json_object_get(kb, "inline_keyboard");
    cr_assert_eq(json_array_size(rows), 1);
    cr_assert_str_eq(json_string_value(json_object_get(
        json_array_get(json_array_get(rows, 0), 0), "callback_data")),
        "p:oil");
    json_decref(kb);
    tg_chunks c;
    cr_assert_eq(tg_render_reply(&r, 4096, &c), 0);
    cr_assert_str_eq(c.v[0], "Answer.\n\n\xE2\x80\xA2 Too long for a button");
    tg_chunks_free(&c);
}

Test(tg_render_keyboard, none_without_suggestions)
{
    faqbot_reply r = reply(FAQBOT_REPLY_ANSWER, "x");
    cr_assert_null(tg_render_keyboard(&r));
}

Test(tg_render_pick, parses_only_our_data)
{
    char big[80] = "p:";
    memset(big + 2, 'a', 63);
    big[65] = '\0';
    cr_assert_str_eq(tg_render_pick("p:sleep-2"), "sleep-2");
    cr_assert_null(tg_render_pick("p:"));
    cr_assert_null(tg_render_pick("x:sleep"));
    cr_assert_null(tg_render_pick("p:Sleep"));
    cr_assert_null(tg_render_pick("p:a b"));
    cr_assert_null(tg_render_pick(big));
    cr_assert_null(tg_render_pick(NULL));
}

/* ---- related follow-ups ------------------------------------------------ */

Test(tg_render_related, answer_gets_one_button_per_related_in_order)
{
    faqbot_suggestion rel[] = {{"session-length", "How long & how often"},
                               {"gas-colic", "Gas <colic>"},
                               {"bad", "Bad \xff title"},
                               {"self-soothing", "Self-soothing"}};
    faqbot_reply r = reply(FAQBOT_REPLY_ANSWER, "Yes.");
    r.citation = "Source: T, section \"S\"";
    r.related = rel;
    r.n_related = 4;
    json_t *kb = tg_render_keyboard(&r);
    char *dump = json_dumps(kb, JSON_COMPACT);
    /* button labels are plain text (not HTML): no entities, but valid
     * UTF-8 */
    cr_assert_str_eq(dump,
        "{\"inline_keyboard\":["
        "[{\"text\":\"How long & how often\",\"callback_data\":\"p:session-length\"}],"
        "[{\"text\":\"Gas <colic>\",\"callback_data\":\"p:gas-colic\"}],"
        "[{\"text\":\"Bad \xEF\xBF\xBD title\",\"callback_data\":\"p:bad\"}],"
        "[{\"text\":\"Self-soothing\",\"callback_data\":\"p:self-soothing\"}]]}");
    free(dump);
    json_decref(kb);
    tg_chunks c;
    cr_assert_eq(tg_render_reply(&r, 4096, &c), 0);
    cr_assert_eq(c.n, 1);
    cr_assert_str_eq(c.v[0], "Yes.\n\n<i>Source: T, section \"S\"</i>",
                     "buttoned follow-ups are not repeated in the text");
    tg_chunks_free(&c);
}

Test(tg_render_related, did_you_mean_buttons_come_first)
{
    faqbot_suggestion s[] = {{"sleep", "Sleep"}};
    faqbot_suggestion rel[] = {{"oil", "Oil"}};
    faqbot_reply r = reply(FAQBOT_REPLY_AMBIGUOUS, "Which one?");
    r.suggestions = s;
    r.n_suggestions = 1;
    r.related = rel;
    r.n_related = 1;
    json_t *kb = tg_render_keyboard(&r);
    char *dump = json_dumps(kb, JSON_COMPACT);
    cr_assert_str_eq(dump, "{\"inline_keyboard\":["
                     "[{\"text\":\"Sleep\",\"callback_data\":\"p:sleep\"}],"
                     "[{\"text\":\"Oil\",\"callback_data\":\"p:oil\"}]]}");
    free(dump);
    json_decref(kb);
}

Test(tg_render_related, unusable_ids_are_listed_untitled_are_dropped)
{
    faqbot_suggestion rel[] = {{"Upper-Case", "Odd <id>"},
                               {"no-title", NULL},
                               {NULL, "No id"}};
    faqbot_reply r = reply(FAQBOT_REPLY_ANSWER, "Yes.");
    r.related = rel;
    r.n_related = 3;
    cr_assert_null(tg_render_keyboard(&r));
    tg_chunks c;
    cr_assert_eq(tg_render_reply(&r, 4096, &c), 0);
    cr_assert_str_eq(c.v[0], "Yes.\n\n\xE2\x80\xA2 Odd &lt;id&gt;\n\n"
                     "\xE2\x80\xA2 No id");
    tg_chunks_free(&c);
    /* and the exact 64-byte limit: "p:" + 62 bytes is a button, 63 not */
    char id62[63], id63[64];
    memset(id62, 'a', 62);
    id62[62] = '\0';
    memset(id63, 'b', 63);
    id63[63] = '\0';
    faqbot_suggestion edge[] = {{id62, "Fits"}, {id63, "Too long"}};
    r.related = edge;
    r.n_related = 2;
    json_t *kb = tg_render_keyboard(&r);
    json_t *rows = json_object_get(kb, "inline_keyboard");
    cr_assert_eq(json_array_size(rows), 1);
    cr_assert_eq(strlen(json_string_value(json_object_get(
        json_array_get(json_array_get(rows, 0), 0), "callback_data"))), 64);
    json_decref(kb);
}
