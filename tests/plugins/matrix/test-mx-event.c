/* test-mx-event.c - the reply event (m.notice, body, HTML, relation,
 * mentions), HTML escaping, txn ids, and cleaning incoming bodies
 * (reply fallbacks, mentions, pick numbers). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "mx-event.h"

Test(mx_event, html_escape_every_special_character)
{
    char *s = mx_event_html_escape("a<b>&\"c'd</script>");
    cr_assert_str_eq(s, "a&lt;b&gt;&amp;&quot;c&#39;d&lt;/script&gt;");
    free(s);
    s = mx_event_html_escape("");
    cr_assert_str_eq(s, "");
    free(s);
}

static void strip_is(const char *in, const char *want)
{
    char *s = mx_event_strip_fallback(in);
    cr_assert_str_eq(s, want, "strip(%s)", in);
    free(s);
}

Test(mx_event, strip_legacy_reply_fallback)
{
    strip_is("> <@a:l> original question\n> second line\n\nmy reply", "my reply");
    strip_is("> <@a:l> q\n\nline one\nline two", "line one\nline two");
    strip_is(">quoted without space\nreply", "reply");
    strip_is("no fallback here", "no fallback here");
    strip_is("answer with > inside", "answer with > inside");
    strip_is("> only quoted", "");
    strip_is("", "");
}

static void mention_is(const char *in, const char *dn, const char *want, int want_m)
{
    int m = 0;
    char *s = mx_event_strip_mention(in, "@faqbot:localhost", dn, &m);
    cr_assert_str_eq(s, want, "strip_mention(%s)", in);
    cr_assert_eq(m, want_m, "mentioned(%s)", in);
    free(s);
}

Test(mx_event, strip_mentions_of_the_bot)
{
    mention_is("FAQ Bot: does massage help sleep?", "FAQ Bot", "does massage help sleep?", 1);
    mention_is("faq bot, does it help?", "FAQ Bot", "does it help?", 1);
    mention_is("@faqbot:localhost how long?", "FAQ Bot", "how long?", 1);
    mention_is("hey @FAQ Bot what about gas", "FAQ Bot", "hey  what about gas", 1);
    mention_is("faq bots are great", "FAQ Bot", "faq bots are great", 0);
    mention_is("plain question", NULL, "plain question", 0);
    mention_is("  !faq sleep  ", "FAQ Bot", "!faq sleep", 0);
    mention_is("FAQ Bot", "FAQ Bot", "", 1);
}

Test(mx_event, pick_numbers)
{
    cr_assert_eq(mx_event_pick_number("2", 3), 2);
    cr_assert_eq(mx_event_pick_number(" 1 ", 3), 1);
    cr_assert_eq(mx_event_pick_number("3.", 3), 3);
    cr_assert_eq(mx_event_pick_number("3", 2), 0);
    cr_assert_eq(mx_event_pick_number("0", 3), 0);
    cr_assert_eq(mx_event_pick_number("12", 3), 0);
    cr_assert_eq(mx_event_pick_number("2 please", 3), 0);
    cr_assert_eq(mx_event_pick_number("", 3), 0);
    cr_assert_eq(mx_event_pick_number("1", 0), 0);
}

Test(mx_event, txn_id_is_deterministic_and_distinct)
{
    char a[64], b[64], c[64], d[64];
    mx_event_txn_id("$abc:localhost", 0, a, sizeof(a));
    mx_event_txn_id("$abc:localhost", 0, b, sizeof(b));
    mx_event_txn_id("$abc:localhost", 1, c, sizeof(c));
    mx_event_txn_id("$abd:localhost", 0, d, sizeof(d));
    cr_assert_str_eq(a, b);
    cr_assert_str_neq(a, c);
    cr_assert_str_neq(a, d);
    cr_assert_eq(strlen(a), 3 + 32 + 2);
    cr_assert_eq(strncmp(a, "fb-", 3), 0);
    cr_assert_str_eq(a + 35, "-0");
    cr_assert_str_eq(c + 35, "-1");
    cr_assert_eq(strspn(a + 3, "0123456789abcdef"), 32);
}

static const faqbot_suggestion sugg[] = {{"sleep", "Massage & sleep"}, {"gas", "Gas <colic>"}};
static const faqbot_suggestion rel[] = {{"bond", "Bonding"}};

static faqbot_reply answer(void)
{
    faqbot_reply r;
    memset(&r, 0, sizeof(r));
    r.struct_size = sizeof(r);
    r.kind = FAQBOT_REPLY_ANSWER;
    r.chat_id = "!r:localhost";
    r.reply_to = "$q1";
    r.sender_id = "@alice:localhost";
    r.text = "Para <one>.\n\nPara two\nline";
    r.citation = "Source: Baby's Title, section \"S\"";
    r.notice = "General information, not medical advice.";
    r.related = rel;
    r.n_related = 1;
    return r;
}

Test(mx_event, render_plain_order)
{
    faqbot_reply r = answer();
    char *s = mx_event_render_plain(&r);
    cr_assert_str_eq(s, "Para <one>.\n\nPara two\nline\n\n"
                        "Source: Baby's Title, section \"S\"\n\n"
                        "General information, not medical advice.\n\n"
                        "Related:\n- Bonding");
    free(s);
    r.kind = FAQBOT_REPLY_AMBIGUOUS;
    r.text = "Did you mean:";
    r.citation = r.notice = NULL;
    r.suggestions = sugg;
    r.n_suggestions = 2;
    r.n_related = 0;
    s = mx_event_render_plain(&r);
    cr_assert_str_eq(s, "Did you mean:\n\n1. Massage & sleep\n2. Gas <colic>\n\n"
                        "Reply with a number to pick one.");
    free(s);
}

Test(mx_event, build_reply_content)
{
    faqbot_reply r = answer();
    json_t *c = mx_event_build_reply(&r, NULL);
    cr_assert_not_null(c);
    cr_assert_str_eq(json_string_value(json_object_get(c, "msgtype")), "m.notice");
    cr_assert_str_eq(json_string_value(json_object_get(c, "format")), "org.matrix.custom.html");
    cr_assert_str_eq(json_string_value(json_object_get(c, "formatted_body")),
                     "<p>Para &lt;one&gt;.</p><p>Para two<br>line</p>"
                     "<p><em>Source: Baby&#39;s Title, section &quot;S&quot;</em></p>"
                     "<p><small>General information, not medical advice.</small></p>"
                     "<p>Related:</p><ul><li>Bonding</li></ul>");
    json_t *rel_to = json_object_get(c, "m.relates_to");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(rel_to, "m.in_reply_to"),
                                                       "event_id")), "$q1");
    cr_assert_null(json_object_get(rel_to, "rel_type"));
    json_t *ids = json_object_get(json_object_get(c, "m.mentions"), "user_ids");
    cr_assert_eq(json_array_size(ids), 1);
    cr_assert_str_eq(json_string_value(json_array_get(ids, 0)), "@alice:localhost");
    cr_assert_eq(json_object_size(c), 6);
    json_decref(c);
}

Test(mx_event, build_reply_in_thread_and_without_target)
{
    faqbot_reply r = answer();
    json_t *c = mx_event_build_reply(&r, "$root");
    json_t *rel_to = json_object_get(c, "m.relates_to");
    cr_assert_str_eq(json_string_value(json_object_get(rel_to, "rel_type")), "m.thread");
    cr_assert_str_eq(json_string_value(json_object_get(rel_to, "event_id")), "$root");
    cr_assert(json_is_false(json_object_get(rel_to, "is_falling_back")));
    json_decref(c);
    r.reply_to = NULL;
    r.sender_id = NULL;
    c = mx_event_build_reply(&r, NULL);
    cr_assert_null(json_object_get(c, "m.relates_to"));
    cr_assert_eq(json_array_size(json_object_get(json_object_get(c, "m.mentions"), "user_ids")), 0);
    json_decref(c);
}

Test(mx_event, ambiguous_reply_has_ordered_list)
{
    faqbot_reply r = answer();
    r.kind = FAQBOT_REPLY_AMBIGUOUS;
    r.text = "Did you mean:";
    r.citation = r.notice = NULL;
    r.suggestions = sugg;
    r.n_suggestions = 2;
    r.n_related = 0;
    json_t *c = mx_event_build_reply(&r, NULL);
    cr_assert_str_eq(json_string_value(json_object_get(c, "formatted_body")),
                     "<p>Did you mean:</p><ol><li>Massage &amp; sleep</li>"
                     "<li>Gas &lt;colic&gt;</li></ol><p>Reply with a number to pick one.</p>");
    json_decref(c);
}

Test(mx_event, invalid_utf8_in_reply_fails_cleanly)
{
    faqbot_reply r = answer();
    r.text = "bad \xff byte";
    cr_assert_null(mx_event_build_reply(&r, NULL));
}

Test(mx_event, strip_html_reply_fallback)
{
    char *s = mx_event_strip_html_reply(
        "<mx-reply><blockquote><a href=\"https://matrix.to/#/$e\">In reply to</a> "
        "<a href=\"https://matrix.to/#/@faqbot:localhost\">@faqbot</a><br>old</blockquote>"
        "</mx-reply>what about <b>gas</b>?");
    cr_assert_str_eq(s, "what about <b>gas</b>?");
    free(s);
    s = mx_event_strip_html_reply("no fallback");
    cr_assert_str_eq(s, "no fallback");
    free(s);
    s = mx_event_strip_html_reply("<mx-reply>unterminated");
    cr_assert_str_eq(s, "");
    free(s);
}

Test(mx_event, html_mention_pills)
{
    const char *id = "@faqbot:localhost";
    cr_assert_eq(mx_event_html_mentions("<a href=\"https://matrix.to/#/@faqbot:localhost\">FAQ</a> hi", id), 1);
    cr_assert_eq(mx_event_html_mentions("<a href='https://matrix.to/#/%40faqbot:localhost'>FAQ</a>", id), 1);
    cr_assert_eq(mx_event_html_mentions("<a href=\"https://matrix.to/#/@faqbot:localhost.evil\">x</a>", id), 0);
    cr_assert_eq(mx_event_html_mentions("<a href=\"https://matrix.to/#/@alice:localhost\">A</a>", id), 0);
    cr_assert_eq(mx_event_html_mentions("@faqbot:localhost in plain text", id), 0);
    cr_assert_eq(mx_event_html_mentions(NULL, id), 0);
}

/* ---- related follow-ups ------------------------------------------------ */

static const faqbot_suggestion rel_odd[] = {
    {"a", "Oil & <lotion>"}, {"b", NULL}, {"c", ""}, {"d", "Mum's \"quiet\" time"}};

Test(mx_event, related_list_is_escaped_and_skips_untitled)
{
    faqbot_reply r = answer();
    r.citation = r.notice = NULL;
    r.text = "A.";
    r.related = rel_odd;
    r.n_related = 4;
    char *s = mx_event_render_plain(&r);
    cr_assert_str_eq(s, "A.\n\nRelated:\n- Oil & <lotion>\n- Mum's \"quiet\" time");
    free(s);
    json_t *c = mx_event_build_reply(&r, NULL);
    cr_assert_str_eq(json_string_value(json_object_get(c, "body")),
                     "A.\n\nRelated:\n- Oil & <lotion>\n- Mum's \"quiet\" time");
    cr_assert_str_eq(json_string_value(json_object_get(c, "formatted_body")),
                     "<p>A.</p><p>Related:</p><ul><li>Oil &amp; &lt;lotion&gt;</li>"
                     "<li>Mum&#39;s &quot;quiet&quot; time</li></ul>");
    json_decref(c);
}

Test(mx_event, no_related_heading_without_titles)
{
    faqbot_reply r = answer();
    r.citation = r.notice = NULL;
    r.text = "A.";
    r.related = rel_odd + 1;
    r.n_related = 2;              /* NULL and "" titles only */
    json_t *c = mx_event_build_reply(&r, NULL);
    cr_assert_str_eq(json_string_value(json_object_get(c, "body")), "A.");
    cr_assert_str_eq(json_string_value(json_object_get(c, "formatted_body")), "<p>A.</p>");
    json_decref(c);
    r.related = NULL;
    r.n_related = 3;              /* a count without a list */
    c = mx_event_build_reply(&r, NULL);
    cr_assert_str_eq(json_string_value(json_object_get(c, "formatted_body")), "<p>A.</p>");
    json_decref(c);
}

Test(mx_event, related_come_after_suggestions)
{
    faqbot_reply r = answer();
    r.citation = r.notice = NULL;
    r.text = "Which?";
    r.suggestions = sugg;
    r.n_suggestions = 2;
    char *s = mx_event_render_plain(&r);
    cr_assert_str_eq(s, "Which?\n\n1. Massage & sleep\n2. Gas <colic>\n\n"
                        "Reply with a number to pick one.\n\nRelated:\n- Bonding");
    free(s);
}
