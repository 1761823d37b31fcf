/* test-stats.c - stats.c: counters, log-line parsing (text and JSON
 * lines), the JSON and table forms. */
#include <criterion/criterion.h>

#include "stats.h"

Test(stats, counts_status_and_entry)
{
    stats *st = stats_new();
    sbuf b;
    sbuf_init(&b);
    cr_assert_eq(stats_add(st, "answered", "sleep"), 0);
    cr_assert_eq(stats_add(st, "answered", "sleep"), 0);
    cr_assert_eq(stats_add(st, "no_answer", NULL), 0);
    cr_assert_eq(stats_add(st, "rate_limited", "-"), 0);
    cr_assert_eq(stats_json(st, &b), 0);
    cr_assert_str_eq(sbuf_str(&b), "{\"entries\":{\"sleep\":2},\"status\":"
                     "{\"answered\":2,\"no_answer\":1,\"rate_limited\":1},\"total\":4}");
    sbuf_free(&b);
    stats_free(st);
}

Test(stats, parses_text_and_json_log_lines)
{
    stats *st = stats_new();
    sbuf b;
    sbuf_init(&b);
    cr_assert_eq(stats_add_log_line(st, "2026-01-01T00:00:00.000Z info  [tg] answered "
                 "status=answered entry=gas-colic score=0.9 latency_us=5 platform=telegram kb=default\n"), 1);
    cr_assert_eq(stats_add_log_line(st, "2026-01-01T00:00:00.000Z info  [tg] answered "
                 "status=urgent entry=urgent-care score=0.0 latency_us=5\n"), 1);
    cr_assert_eq(stats_add_log_line(st, "{\"ts\":\"t\",\"level\":\"info\",\"tag\":\"mx\","
                 "\"msg\":\"x\",\"event\":\"answer\",\"platform\":\"matrix\",\"status\":"
                 "\"ambiguous\",\"entry\":\"\",\"kb\":\"default\",\"score\":0.1,"
                 "\"latency_us\":3}\n"), 1);
    cr_assert_eq(stats_add_log_line(st, "2026 info [console] loaded plugin console\n"), 0);
    cr_assert_eq(stats_add_log_line(st, "{\"msg\":\"answered status=x\"}"), 0);
    cr_assert_eq(stats_json(st, &b), 0);
    cr_assert_str_eq(sbuf_str(&b), "{\"entries\":{\"gas-colic\":1,\"urgent-care\":1},"
                     "\"status\":{\"ambiguous\":1,\"answered\":1,\"urgent\":1},\"total\":3}");
    sbuf_free(&b);
    stats_free(st);
}

Test(stats, table_is_sorted_by_count)
{
    sbuf b;
    sbuf_init(&b);
    cr_assert_eq(stats_text_from_json("{\"total\":6,\"status\":{\"answered\":5,"
                 "\"urgent\":1},\"entries\":{\"a\":1,\"b\":4}}", &b), 0);
    cr_assert_str_eq(sbuf_str(&b), "messages: 6\nby status:\n         5  answered\n"
                     "         1  urgent\nby entry:\n         4  b\n         1  a\n");
    sbuf_free(&b);
    sbuf_init(&b);
    cr_assert_eq(stats_text_from_json("not json", &b), -1);
    sbuf_free(&b);
}
