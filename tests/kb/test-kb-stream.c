/* kb-load-stream.c: a {"entries": [...]} file read one entry at a time
 * must load exactly what the whole-file reader loads, and report the
 * same problems at the same lines. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kb.h"

#define SRC "{\"id\": \"src\", \"title\": \"T\", \"sections\": [\"S\"]}"
#define ENTRY(id, q) \
    "{\"id\": \"" id "\", \"title\": \"Title " id "\", \"questions\": " \
    "[\"" q "\", \"another " q "\"], \"answer\": \"Answer " id ".\", " \
    "\"citations\": [{\"source\": \"src\", \"section\": \"S\"}]}"

static char dir[64];
static kb_diag d;

/* A kb directory whose entries/all.json is text. */
static void make_kb(const char *text)
{
    char path[256];
    snprintf(dir, sizeof dir, "/tmp/faqbot-stream-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    const char *sub[] = {"sources", "entries"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, sub[i]);
        cr_assert_eq(mkdir(path, 0700), 0);
    }
    snprintf(path, sizeof path, "%s/sources/src.json", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(SRC, f);
    fclose(f);
    snprintf(path, sizeof path, "%s/entries/all.json", dir);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    kb_diag_init(&d);
}

static void drop_kb(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
    kb_diag_free(&d);
}

/* The only error of d. */
static const kb_diag_item *only_error(void)
{
    cr_assert_eq(d.errors, 1, "%zu errors", d.errors);
    for (size_t i = 0; i < d.count; i++) {
        if (d.items[i].severity == KB_ERROR)
            return &d.items[i];
    }
    return NULL;
}

Test(kb_stream, loads_the_same_as_the_whole_file_reader)
{
    /* the second shape (a key before "entries") is read whole */
    const char *texts[] = {
        "{\"entries\": [" ENTRY("a", "does massage help sleep") ",\n"
        ENTRY("b", "which oil is safe") "]}\n",
        "{\"note\": 1, \"entries\": [" ENTRY("a", "does massage help sleep")
        ",\n" ENTRY("b", "which oil is safe") "]}\n"};
    const char *ids[2][2];
    int best[2];
    for (int t = 0; t < 2; t++) {
        make_kb(texts[t]);
        kb *k = kb_load(dir, &d);
        cr_assert_not_null(k, "shape %d", t);
        cr_assert_eq(kb_entry_count(k), 2);
        const kb_entry *b = kb_find(k, "b");
        cr_assert_not_null(b);
        cr_assert_str_eq(b->title, "Title b");
        cr_assert_eq(b->n_questions, 2);
        cr_assert_str_eq(b->questions[1], "another which oil is safe");
        cr_assert_str_eq(b->answer, "Answer b.");
        cr_assert_str_eq(b->citations[0].section, "S");
        cr_assert_str_eq(b->file, kb_find(k, "a")->file);
        for (int i = 0; i < 2; i++)
            ids[t][i] = kb_entry_at(k, (size_t)i)->id[0] == 'a' ? "a" : "b";
        kb_scratch *s = kb_scratch_new();
        kb_result r;
        const char *q = "which oil is safe";
        cr_assert_eq(kb_match(k, s, q, strlen(q), &r), 0);
        best[t] = r.n_suggestions ? r.suggestions[0]->id[0]
                                  : r.entry ? r.entry->id[0] : 0;
        kb_scratch_free(s);
        kb_free(k);
        drop_kb();
    }
    cr_assert_str_eq(ids[0][0], ids[1][0]);
    cr_assert_str_eq(ids[0][1], ids[1][1]);
    cr_assert_eq(best[0], 'b');
    cr_assert_eq(best[1], 'b');
}

/* A syntax error in the third entry: same line as jansson reading the
 * whole file reports (line 4). */
Test(kb_stream, syntax_error_line_is_the_files)
{
    const char *text = "{\"entries\": [\n" ENTRY("a", "one question")
                       ",\n" ENTRY("b", "two questions") ",\n"
                       "{\"id\": \"c\", \"title\": oops}\n]}\n";
    json_error_t err;
    json_t *whole = json_loads(text, 0, &err);
    cr_assert_null(whole);
    cr_assert_eq(err.line, 4);
    make_kb(text);
    cr_assert_null(kb_load(dir, &d));
    const kb_diag_item *it = only_error();
    cr_assert_not_null(it);
    cr_assert_eq(it->line, 4);
    cr_assert_str_eq(it->message, err.text);
    cr_assert(strstr(it->file, "entries/all.json") != NULL);
    drop_kb();
}

Test(kb_stream, element_that_is_not_an_object)
{
    make_kb("{\"entries\": [" ENTRY("a", "one question") ", 42]}");
    cr_assert_null(kb_load(dir, &d));
    const kb_diag_item *it = only_error();
    cr_assert_not_null(it);
    cr_assert_str_eq(it->entry, "entries[1]");
    cr_assert_str_eq(it->message, "an entry must be a JSON object");
    drop_kb();
}

Test(kb_stream, keys_after_the_array_are_ignored)
{
    make_kb("{\"entries\": [" ENTRY("a", "one question") "],\n"
            "  \"generator\": \"x\"}\n");
    kb *k = kb_load(dir, &d);
    cr_assert_not_null(k);
    cr_assert_eq(kb_entry_count(k), 1);
    kb_free(k);
    drop_kb();
}

Test(kb_stream, second_entries_key_is_a_duplicate)
{
    const char *text = "{\"entries\": [" ENTRY("a", "one question") "],\n"
                       "\"entries\": []}";
    json_error_t err;
    cr_assert_null(json_loads(text, JSON_REJECT_DUPLICATES, &err));
    make_kb(text);
    cr_assert_null(kb_load(dir, &d));
    const kb_diag_item *it = only_error();
    cr_assert_not_null(it);
    cr_assert_eq(it->line, 2);
    cr_assert_eq(err.line, 2);
    cr_assert_str_eq(it->message, err.text);
    drop_kb();
}

Test(kb_stream, garbage_after_the_object)
{
    make_kb("{\"entries\": [" ENTRY("a", "one question") "]}\n\nx");
    cr_assert_null(kb_load(dir, &d));
    const kb_diag_item *it = only_error();
    cr_assert_not_null(it);
    cr_assert_eq(it->line, 3);
    cr_assert_str_eq(it->message, "end of file expected");
    drop_kb();
}

Test(kb_stream, missing_comma_between_entries)
{
    make_kb("{\"entries\": [\n" ENTRY("a", "one question") "\n"
            ENTRY("b", "two") "]}");
    cr_assert_null(kb_load(dir, &d));
    const kb_diag_item *it = only_error();
    cr_assert_not_null(it);
    cr_assert_eq(it->line, 3);
    cr_assert_str_eq(it->message, "',' or ']' expected");
    drop_kb();
}

Test(kb_stream, empty_array_and_truncated_file)
{
    make_kb("{\"entries\": []}");
    cr_assert_null(kb_load(dir, &d));
    cr_assert_eq(d.errors, 1);   /* no entries in entries/ */
    drop_kb();
    make_kb("{\"entries\": [" ENTRY("a", "one question") ",");
    cr_assert_null(kb_load(dir, &d));
    const kb_diag_item *it = only_error();
    cr_assert_not_null(it);
    cr_assert_eq(it->line, 1);
    drop_kb();
}

/* 3,000 entries in one file, a few MB: every one of them loads. */
Test(kb_stream, many_entries)
{
    size_t n = 3000, cap = n * 400 + 64, len = 0;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    len += (size_t)snprintf(text, cap, "{\"entries\": [");
    for (size_t i = 0; i < n; i++) {
        len += (size_t)snprintf(text + len, cap - len,
            "%s{\"id\": \"e%zu\", \"title\": \"t%zu\", \"questions\": "
            "[\"question number w%zu\"], \"answer\": \"a\", \"citations\":"
            " [{\"source\": \"src\", \"section\": \"S\"}]}\n",
            i ? "," : "", i, i, i);
    }
    snprintf(text + len, cap - len, "]}");
    make_kb(text);
    free(text);
    kb *k = kb_load(dir, &d);
    cr_assert_not_null(k);
    cr_assert_eq(kb_entry_count(k), n);
    cr_assert_str_eq(kb_entry_at(k, n - 1)->id, "e2999");
    cr_assert_str_eq(kb_find(k, "e1234")->questions[0],
                     "question number w1234");
    kb_free(k);
    drop_kb();
}
