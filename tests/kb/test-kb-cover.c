/* kb-match.c cover(): the query words an entry contains read from the
 * candidates' holds (kb_topk) give what looking every word up gives
 * (kb_cover_lookup): the same result and the same features, bit for bit,
 * on the bundled knowledge (kb_match and kb_answer, one question and
 * seven run together: more than 32 words, past the holds' bits) and on
 * a generated kb. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kb-query.h"
#include "result-same.h"

typedef int (*ask_fn)(const kb *, kb_scratch *, const char *, size_t,
                      kb_result *);

static int same_features(const kb_features *a, const kb_features *b)
{
    return a->score == b->score && a->margin == b->margin &&
           a->cover == b->cover && a->strong == b->strong &&
           a->unknown == b->unknown && a->anchor == b->anchor;
}

/* One question asked both ways; 1 when all is the same.  *used counts
 * the answers that read a cover from the holds (every impact above 0,
 * a candidate found). */
static int same_answer(const kb *k, kb_scratch *held, kb_scratch *look,
                       ask_fn ask, const char *q, size_t *used)
{
    kb_result a, b;
    kb_cover_lookup = 0;
    cr_assert_eq(ask(k, held, q, strlen(q), &a), 0);
    kb_cover_lookup = 1;
    cr_assert_eq(ask(k, look, q, strlen(q), &b), 0);
    kb_cover_lookup = 0;
    *used += held->n_cand > 0;
    if (result_same(&a, &b) && same_features(&held->feat, &look->feat))
        return 1;
    cr_log_error("differs: \"%s\"", q);
    return 0;
}

/* Every question of the file (first column when tsv, '#' lines and
 * blank ones passed over), alone and with the six after it; returns
 * how many covers were read from the holds (the path must be taken). */
static size_t check_file(const char *dir, const char *questions, int tsv,
                         ask_fn ask)
{
    kb *k = kb_load(dir, NULL);
    kb_scratch *held = kb_scratch_new(), *look = kb_scratch_new();
    FILE *f = fopen(questions, "r");
    cr_assert(k && held && look && f);
    cr_assert_eq(k->imp_pos, 1);
    char line[2048], many[7][2048], joined[7 * 2048 + 8];
    size_t n = 0, bad = 0, used = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, tsv ? "\t\r\n" : "\r\n")] = '\0';
        if (line[0] == '#' || !line[0])
            continue;
        bad += !same_answer(k, held, look, ask, line, &used);
        strcpy(many[n % 7], line);
        if (++n >= 7) {
            joined[0] = '\0';
            for (size_t i = 0; i < 7; i++) {
                strcat(joined, many[(n + i) % 7]);
                strcat(joined, " ");
            }
            bad += !same_answer(k, held, look, ask, joined, &used);
        }
    }
    fclose(f);
    cr_assert_gt(n, 0);
    cr_assert_eq(bad, 0, "%zu of %zu questions", bad, n);
    cr_log_info("%s: %zu questions, %zu covers from the holds", questions,
                n, used);
    kb_scratch_free(held);
    kb_scratch_free(look);
    kb_free(k);
    return used;
}

Test(kb_cover, holds_give_what_lookups_give_on_the_bundled_knowledge)
{
    cr_assert_gt(check_file("knowledge", "tests/eval/dev.tsv", 1, kb_match),
                 400);
    cr_assert_gt(check_file("knowledge", "tests/eval/chat.tsv", 1,
                            kb_answer), 100);
    cr_assert_gt(check_file("knowledge", "tests/eval/holdout.tsv", 1,
                            kb_answer), 100);
}

Test(kb_cover, holds_give_what_lookups_give_on_a_generated_kb)
{
    char dir[] = "/tmp/faqbot-cover-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[256], cmd[512];
    snprintf(cmd, sizeof cmd, "python3 tests/kb/bench/gen-synthetic.py %s "
             "1500 %u >/dev/null", dir, 23u);
    cr_assert_eq(system(cmd), 0);
    snprintf(path, sizeof path, "%s/queries.txt", dir);
    cr_assert_gt(check_file(dir, path, 0, kb_match), 1000);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}
