/* test-router.c - built-in commands, knowledge answers, picks, urgent
 * replies and the fallback, on the bundled knowledge base. */
#include <criterion/criterion.h>

#include "reply.h"
#include "router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static kb *k;
static kb_scratch *s;
static route_out o;
static const router_env env = {"112", "/fixture - a fixture command"};

static void setup(void)
{
    kb_diag d;
    kb_diag_init(&d);
    k = kb_load("knowledge", &d);
    cr_assert_not_null(k, "bundled knowledge must load (%zu errors)", d.errors);
    kb_diag_free(&d);
    s = kb_scratch_new();
    route_out_init(&o);
}

static void teardown(void)
{
    route_out_free(&o);
    kb_scratch_free(s);
    kb_free(k);
}

TestSuite(router, .init = setup, .fini = teardown);

static const char *route(const char *text, const char *pick)
{
    cr_assert_eq(router_route(&env, k, s, text, pick, &o), 0);
    return sbuf_str(&o.text);
}

Test(router, help_lists_commands_and_plugin_commands)
{
    const char *t = route("/help", NULL);
    cr_assert_eq(o.kind, FAQBOT_REPLY_COMMAND);
    cr_assert(strstr(t, "/topics") && strstr(t, "/source") && strstr(t, "/about"));
    cr_assert(strstr(t, "/fixture - a fixture command"));
}

Test(router, command_with_bot_name_suffix)
{
    route("/help@FaqBot", NULL);
    cr_assert_eq(o.kind, FAQBOT_REPLY_COMMAND);
    cr_assert(strstr(sbuf_str(&o.text), "/topics"));
}

Test(router, topics_lists_titles_but_not_the_urgent_reply)
{
    const char *t = route("/topics", NULL);
    const kb_entry *sleep = kb_find(k, "sleep");
    const kb_entry *urgent = kb_find(k, "urgent-care");
    cr_assert_not_null(sleep);
    cr_assert_not_null(urgent);
    cr_assert(strstr(t, sleep->title));
    cr_assert_null(strstr(t, urgent->title));
}

Test(router, source_names_the_article)
{
    const char *t = route("/source", NULL);
    cr_assert(strstr(t, "Proven Infant Massage Benefits"));
}

Test(router, unknown_command_points_to_help)
{
    const char *t = route("/frobnicate", NULL);
    cr_assert_eq(o.kind, FAQBOT_REPLY_COMMAND);
    cr_assert(strstr(t, "/help"));
}

Test(router, bang_faq_asks_the_knowledge_base)
{
    route("!faq does massage help my baby sleep", NULL);
    cr_assert_eq(o.kind, FAQBOT_REPLY_ANSWER);
    cr_assert_str_eq(o.res.entry->id, "sleep");
    cr_assert(strstr(sbuf_str(&o.citation), "Source: Proven Infant Massage Benefits"));
    cr_assert(strstr(sbuf_str(&o.citation), "Improves sleep and digestion"));
    cr_assert_str_eq(o.notice, REPLY_NOTICE);
}

Test(router, pick_answers_that_entry)
{
    route("2", "jaundice");
    cr_assert_eq(o.kind, FAQBOT_REPLY_ANSWER);
    cr_assert_str_eq(o.res.entry->id, "jaundice");
    cr_assert(o.citation.len > 0);
}

Test(router, urgent_reply_fills_emergency_number)
{
    const char *t = route("my baby has blue lips and is struggling to breathe", NULL);
    cr_assert_eq(o.kind, FAQBOT_REPLY_URGENT);
    cr_assert(strstr(t, "112"), "got: %s", t);
    cr_assert_null(strstr(t, "{emergency_number}"));
    cr_assert_null(o.notice);
}

Test(router, uncovered_question_gets_fallback_with_topics)
{
    const char *t = route("what is the weather in paris tomorrow", NULL);
    cr_assert_eq(o.kind, FAQBOT_REPLY_NO_ANSWER);
    cr_assert(strstr(t, "don't know"));
    cr_assert(strstr(t, kb_find(k, "sleep")->title));
}

Test(router, plain_rendering_has_citation_and_notice)
{
    faqbot_reply r;
    sbuf b;
    sbuf_init(&b);
    route("is there science behind baby massage", NULL);
    router_reply_view(&o, &r);
    reply_render_plain(&r, &b);
    cr_assert(strstr(sbuf_str(&b), "\n\nSource: "));
    cr_assert(strstr(sbuf_str(&b), REPLY_NOTICE));
    sbuf_free(&b);
}

/* ---- a big knowledge base: topic lists are capped --------------------- */

static char big_dir[64];

/* A kb of n entries titled "Topic 0" .. "Topic n-1" in one streamed file,
 * written under a fresh temporary directory (removed by big_fini). */
static kb *big_kb(int n)
{
    char path[128];
    FILE *f;
    snprintf(big_dir, sizeof big_dir, "/tmp/faqbot-router-XXXXXX");
    cr_assert_not_null(mkdtemp(big_dir));
    snprintf(path, sizeof path, "%s/sources", big_dir);
    cr_assert_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/entries", big_dir);
    cr_assert_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/sources/src.json", big_dir);
    cr_assert_not_null(f = fopen(path, "w"));
    fputs("{\"id\": \"src\", \"title\": \"T\", \"url\": null, \"language\": "
          "\"english\", \"sections\": [\"S\"]}\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/entries/all.json", big_dir);
    cr_assert_not_null(f = fopen(path, "w"));
    fputs("{\"entries\": [", f);
    for (int i = 0; i < n; i++)
        fprintf(f, "%s{\"id\": \"t%d\", \"title\": \"Topic %d\", \"questions\": "
                "[\"what about zork%d\", \"tell me of zork%d\"], \"keywords\": "
                "[], \"answer\": \"Zork %d.\", \"citations\": [{\"source\": "
                "\"src\", \"section\": \"S\"}], \"related\": []}",
                i ? "," : "", i, i, i, i, i);
    fputs("]}\n", f);
    fclose(f);
    kb_diag d;
    kb_diag_init(&d);
    kb *big = kb_load(big_dir, &d);
    cr_assert_not_null(big, "%zu errors", d.errors);
    kb_diag_free(&d);
    return big;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

Test(router, big_kb_lists_at_most_200_topics_and_falls_back_with_40)
{
    kb *big = big_kb(250);
    char cmd[256];
    cr_assert_eq(router_route(&env, big, s, "/topics", NULL, &o), 0);
    const char *t = sbuf_str(&o.text);
    cr_assert_eq(count(t, "Topic "), 200, "got: %.200s", t);
    cr_assert(strstr(t, "; Topic 199; and 50 more."), "got: %s", t + strlen(t) - 60);
    cr_assert_eq(router_route(&env, big, s, "what is the weather in paris",
                              NULL, &o), 0);
    t = sbuf_str(&o.text);
    cr_assert_eq(o.kind, FAQBOT_REPLY_NO_ANSWER);
    cr_assert_eq(count(t, "Topic "), 40, "got: %s", t);
    cr_assert(strstr(t, "; Topic 39; and 210 more."), "got: %s", t);
    kb_free(big);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", big_dir);
    cr_assert_eq(system(cmd), 0);
}
