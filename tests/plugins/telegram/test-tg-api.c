/* Unit tests for plugins/telegram/tg-api.c: redaction and transport
 * errors (no server: a closed loopback port). */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tg-api.h"

#define TOKEN "123456:AAHfakeTOKENfor-tests_only"

Test(tg_api_redact, replaces_every_form)
{
    char buf[256] = "GET /bot" TOKEN "/getMe and 123456%3AAAHfakeTOKENfor-"
                    "tests_only end";
    tg_api_redact(buf, sizeof buf, TOKEN);
    cr_assert_str_eq(buf, "GET /bot<redacted>/getMe and <redacted> end");
}

Test(tg_api_redact, cut_secret_at_the_end_is_redacted)
{
    char buf[64] = "url http://x/bot123456:AAHfake";
    tg_api_redact(buf, sizeof buf, TOKEN);
    cr_assert_str_eq(buf, "url http://x/bot<redacted>");
}

Test(tg_api_redact, short_buffer_stays_terminated)
{
    char buf[12];
    memcpy(buf, "x", 1);
    memcpy(buf + 1, TOKEN, 10);                /* "x123456:AAH" */
    buf[11] = '\0';
    tg_api_redact(buf, sizeof buf, TOKEN);
    cr_assert_str_eq(buf, "x<redacted>");
}

/* A loopback port with nothing listening: bound, never listen()ed, so a
 * connect is refused, and kept bound (the caller closes *fd) so no other
 * process can start listening on it meanwhile. */
static int closed_port(int *fd)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    *fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(*fd, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(*fd, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(getsockname(*fd, (struct sockaddr *)&a, &len), 0);
    return ntohs(a.sin_port);
}

Test(tg_api_call, connection_refused_is_a_network_error_without_token)
{
    char url[64];
    tg_result r;
    int fd;
    snprintf(url, sizeof url, "http://127.0.0.1:%d", closed_port(&fd));
    curl_global_init(CURL_GLOBAL_DEFAULT);
    tg_api *a = tg_api_new(url, TOKEN, 1 << 20, NULL, NULL);
    cr_assert_not_null(a);
    cr_assert_eq(tg_api_call(a, "getMe", NULL, 5, &r), TG_E_NET);
    cr_assert_gt(strlen(r.desc), 0);
    cr_assert_null(strstr(r.desc, "AAHfake"), "%s", r.desc);
    tg_result_clear(&r);
    tg_api_free(a);
    close(fd);
}

static int always(void *ctx)
{
    (void)ctx;
    return 1;
}

Test(tg_api_call, abort_callback_aborts)
{
    char url[64];
    tg_result r;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* a listener that never answers: only the abort can end the call */
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(listen(fd, 4), 0);
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", ntohs(a.sin_port));
    tg_api *api = tg_api_new(url, TOKEN, 1 << 20, always, NULL);
    cr_assert_eq(tg_api_call(api, "getUpdates", NULL, 30, &r), TG_E_ABORTED);
    tg_result_clear(&r);
    tg_api_free(api);
    close(fd);
}
