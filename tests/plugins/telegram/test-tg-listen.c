/* Unit tests for plugins/telegram/tg-listen.c: webhook request heads, and
 * one real request over a loopback socket. */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tg-listen.h"

static int head(const char *text, tg_request *r)
{
    memset(r, 0, sizeof *r);
    return tg_listen_parse_head(text, strlen(text), r);
}

Test(tg_listen_parse_head, telegram_post)
{
    tg_request r;
    cr_assert_eq(head("POST /tg-hook HTTP/1.1\r\nHost: bot.example\r\n"
                      "Content-Type: application/json\r\ncontent-length: 42"
                      "\r\nX-Telegram-Bot-Api-Secret-Token:  s3cr-et_ \r\n"
                      "\r\n", &r), 0);
    cr_assert_str_eq(r.method, "POST");
    cr_assert_str_eq(r.path, "/tg-hook");
    cr_assert_eq(r.content_length, 42);
    cr_assert_str_eq(r.secret, "s3cr-et_");
}

Test(tg_listen_parse_head, refusals)
{
    static const struct { const char *text; int status; } cases[] = {
        {"POST /x HTTP/1.1\r\n\r\n", 411},
        {"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 501},
        {"POST /x HTTP/1.1\r\nContent-Length: -5\r\n\r\n", 400},
        {"POST /x HTTP/1.1\r\nContent-Length: 12abc\r\n\r\n", 400},
        {"POST /x HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
         400},
        {"POST /x\r\n\r\n", 400},
        {"GARBAGE\r\n\r\n", 400},
        {"POST /x SMTP/1.0\r\nContent-Length: 1\r\n\r\n", 400},
        {"POST /x HTTP/1.1\r\nno colon here\r\n\r\n", 400}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tg_request r;
        cr_assert_eq(head(cases[i].text, &r), cases[i].status, "%s",
                     cases[i].text);
    }
}

Test(tg_listen_parse_head, get_needs_no_length)
{
    tg_request r;
    cr_assert_eq(head("GET / HTTP/1.0\r\n\r\n", &r), 0);
    cr_assert_eq(r.content_length, -1);
}

Test(tg_listen_read, body_split_across_writes)
{
    int sv[2];
    tg_request r;
    memset(&r, 0, sizeof r);
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    const char *a = "POST /h HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello";
    cr_assert_eq(write(sv[1], a, strlen(a)), (ssize_t)strlen(a));
    cr_assert_eq(write(sv[1], " world", 6), 6);
    cr_assert_eq(tg_listen_read(sv[0], 2000, 100, &r), 0);
    cr_assert_eq(r.body_len, 11);
    cr_assert_str_eq(r.body, "hello world");
    tg_request_clear(&r);
    close(sv[0]);
    close(sv[1]);
}

Test(tg_listen_read, too_big_slow_and_gone)
{
    int sv[2];
    tg_request r;
    memset(&r, 0, sizeof r);
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    const char *big = "POST /h HTTP/1.1\r\nContent-Length: 101\r\n\r\n";
    cr_assert_eq(write(sv[1], big, strlen(big)), (ssize_t)strlen(big));
    cr_assert_eq(tg_listen_read(sv[0], 2000, 100, &r), 413);
    tg_request_clear(&r);
    /* a head that never ends: timeout */
    cr_assert_eq(write(sv[1], "POST /h HTTP/1.1\r\n", 18), 18);
    cr_assert_eq(tg_listen_read(sv[0], 200, 100, &r), 408);
    tg_request_clear(&r);
    close(sv[1]);
    cr_assert_eq(tg_listen_read(sv[0], 200, 100, &r), -1);
    tg_request_clear(&r);
    close(sv[0]);
}
