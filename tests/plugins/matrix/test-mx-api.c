/* test-mx-api.c - the HTTP layer against the homeserver stand-in
 * (mx_standin.py, started per test on 127.0.0.1): status classification,
 * Retry-After / retry_after_ms, malformed bodies, the response cap,
 * aborting a long poll, txnId idempotency, network errors. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mx-api.h"

#define TOKEN "syt_api_test_SECRET_token"

static pid_t srv_pid;
static char base_url[64];
static char port_file[128];
static mx_api *ctl;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void control(const char *verb, const char *body)
{
    char path[64];
    mx_result r = {0};
    snprintf(path, sizeof(path), "/_test/%s", verb);
    cr_assert_eq(mx_api_call(ctl, "POST", path, body, 5000, &r), MX_OK,
                 "control %s: %s", verb, r.error);
    mx_result_clear(&r);
}

static void srv_start(void)
{
    snprintf(port_file, sizeof(port_file), "/tmp/mx-api-test-%d.port", (int)getpid());
    unlink(port_file);
    srv_pid = fork();
    cr_assert_neq(srv_pid, -1);
    if (srv_pid == 0) {
        if (!freopen("/dev/null", "w", stdout))
            _exit(126);
        execlp("python3", "python3", "tests/plugins/matrix/mx_standin.py", "--port-file",
               port_file, "--max-seconds", "120", (char *)NULL);
        _exit(127);
    }
    int port = 0;
    /* up to 60 s: python starts slowly on a loaded machine */
    for (int i = 0; i < 1200 && !port; i++) {
        FILE *f = fopen(port_file, "r");
        if (f) {
            if (fscanf(f, "%d", &port) != 1)
                port = 0;
            fclose(f);
        }
        if (!port)
            usleep(50000);
    }
    cr_assert_gt(port, 0, "the stand-in did not start");
    snprintf(base_url, sizeof(base_url), "http://127.0.0.1:%d", port);
    ctl = mx_api_new(base_url, 1 << 20, NULL, NULL);
    control("user", "{\"user_id\":\"@bot:localhost\",\"token\":\"" TOKEN "\"}");
    control("user", "{\"user_id\":\"@alice:localhost\",\"token\":\"TA\"}");
}

static void srv_stop(void)
{
    mx_api_free(ctl);
    ctl = NULL;
    if (srv_pid > 0) {
        kill(srv_pid, SIGTERM);
        waitpid(srv_pid, NULL, 0);
    }
    unlink(port_file);
}

static mx_api *bot_api(size_t cap)
{
    mx_api *a = mx_api_new(base_url, cap, NULL, NULL);
    cr_assert_not_null(a);
    cr_assert_eq(mx_api_set_token(a, TOKEN), 0);
    return a;
}

TestSuite(mx_api, .init = srv_start, .fini = srv_stop, .timeout = 60);

Test(mx_api, whoami_ok_and_bad_token)
{
    mx_api *a = bot_api(1 << 20);
    mx_result r = {0};
    cr_assert_eq(mx_api_whoami(a, &r), MX_OK, "%s", r.error);
    cr_assert_eq(r.http, 200);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "user_id")), "@bot:localhost");
    cr_assert_eq(mx_api_set_token(a, "wrong-token"), 0);
    cr_assert_eq(mx_api_whoami(a, &r), MX_BAD_TOKEN);
    cr_assert_eq(r.http, 401);
    cr_assert_str_eq(r.errcode, "M_UNKNOWN_TOKEN");
    cr_assert_null(strstr(r.error, "wrong-token"));
    cr_assert_eq(mx_api_set_token(a, NULL), 0);
    cr_assert_eq(mx_api_whoami(a, &r), MX_BAD_TOKEN);
    cr_assert_str_eq(r.errcode, "M_MISSING_TOKEN");
    mx_result_clear(&r);
    mx_api_free(a);
}

Test(mx_api, rate_limit_header_and_body)
{
    mx_api *a = bot_api(1 << 20);
    mx_result r = {0};
    control("fault", "{\"kind\":\"429\",\"retry_after_ms\":2500,\"header\":true}");
    cr_assert_eq(mx_api_whoami(a, &r), MX_RETRY);
    cr_assert_eq(r.http, 429);
    cr_assert_str_eq(r.errcode, "M_LIMIT_EXCEEDED");
    cr_assert_eq(r.retry_after_ms, 3000, "Retry-After: 3 wins over the body");
    control("fault", "{\"kind\":\"429\",\"retry_after_ms\":250,\"header\":false}");
    cr_assert_eq(mx_api_whoami(a, &r), MX_RETRY);
    cr_assert_eq(r.retry_after_ms, 250);
    cr_assert_eq(mx_api_whoami(a, &r), MX_OK);
    cr_assert_eq(r.retry_after_ms, -1);
    mx_result_clear(&r);
    mx_api_free(a);
}

Test(mx_api, server_errors_and_malformed_bodies)
{
    mx_api *a = bot_api(1 << 20);
    mx_result r = {0};
    control("fault", "{\"kind\":\"500\"}");
    cr_assert_eq(mx_api_whoami(a, &r), MX_RETRY);
    cr_assert_eq(r.http, 500);
    cr_assert_str_eq(r.errcode, "M_UNKNOWN");
    control("fault", "{\"kind\":\"502\"}");
    cr_assert_eq(mx_api_whoami(a, &r), MX_RETRY);
    cr_assert_eq(r.http, 502);
    cr_assert_str_eq(r.errcode, "");
    cr_assert_null(r.json);
    control("fault", "{\"kind\":\"badjson\"}");
    cr_assert_eq(mx_api_whoami(a, &r), MX_BAD_JSON);
    cr_assert(strstr(r.error, "malformed JSON"));
    /* a fresh handle: on a reused connection libcurl itself resends once */
    mx_api_free(a);
    a = bot_api(1 << 20);
    control("fault", "{\"kind\":\"drop\"}");
    cr_assert_eq(mx_api_whoami(a, &r), MX_RETRY);
    cr_assert_eq(r.http, 0);
    cr_assert(strstr(r.error, "network:"), "%s", r.error);
    cr_assert_eq(mx_api_joined_members(a, "!nope:localhost", &r), MX_FAIL);
    cr_assert_eq(r.http, 404);
    cr_assert_str_eq(r.errcode, "M_NOT_FOUND");
    mx_result_clear(&r);
    mx_api_free(a);
}

Test(mx_api, send_is_idempotent_per_txn_id)
{
    mx_api *a = bot_api(1 << 20);
    mx_result r = {0};
    cr_assert_eq(mx_api_call(ctl, "POST", "/_test/room", "{\"creator\":\"@alice:localhost\"}", 5000, &r), MX_OK);
    char room[128];
    snprintf(room, sizeof(room), "%s", json_string_value(json_object_get(r.json, "room_id")));
    char body[256];
    snprintf(body, sizeof(body), "{\"room_id\":\"%s\",\"sender\":\"@alice:localhost\",\"user_id\":\"@bot:localhost\"}", room);
    control("invite", body);
    cr_assert_eq(mx_api_join(a, room, &r), MX_OK, "%s", r.error);
    const char *msg = "{\"msgtype\":\"m.notice\",\"body\":\"hi\"}";
    cr_assert_eq(mx_api_send(a, room, "m.room.message", "fb-1/2 x", msg, &r), MX_OK, "%s", r.error);
    char first[128];
    snprintf(first, sizeof(first), "%s", json_string_value(json_object_get(r.json, "event_id")));
    cr_assert_eq(first[0], '$');
    cr_assert_eq(mx_api_send(a, room, "m.room.message", "fb-1/2 x", msg, &r), MX_OK);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "event_id")), first);
    cr_assert_eq(mx_api_send(a, room, "m.room.message", "fb-2", msg, &r), MX_OK);
    cr_assert_str_neq(json_string_value(json_object_get(r.json, "event_id")), first);
    cr_assert_eq(mx_api_joined_members(a, room, &r), MX_OK);
    cr_assert_eq(json_object_size(json_object_get(r.json, "joined")), 2);
    cr_assert_eq(mx_api_leave(a, room, &r), MX_OK);
    cr_assert_eq(mx_api_send(a, room, "m.room.message", "fb-3", msg, &r), MX_FAIL);
    cr_assert_str_eq(r.errcode, "M_FORBIDDEN");
    mx_result_clear(&r);
    mx_api_free(a);
}

Test(mx_api, response_cap)
{
    mx_api *a = bot_api(4096);
    mx_result r = {0};
    for (int i = 0; i < 12; i++) {
        char body[256];
        cr_assert_eq(mx_api_call(ctl, "POST", "/_test/room", "{\"creator\":\"@alice:localhost\"}", 5000, &r), MX_OK);
        snprintf(body, sizeof(body), "{\"room_id\":\"%s\",\"sender\":\"@alice:localhost\",\"user_id\":\"@bot:localhost\"}",
                 json_string_value(json_object_get(r.json, "room_id")));
        control("invite", body);
    }
    cr_assert_eq(mx_api_sync(a, NULL, "{}", 0, &r), MX_RETRY);
    cr_assert(strstr(r.error, "larger than"), "%s", r.error);
    mx_api_free(a);
    a = bot_api(1 << 20);
    cr_assert_eq(mx_api_sync(a, NULL, "{}", 0, &r), MX_OK, "%s", r.error);
    cr_assert_eq(json_object_size(json_object_get(json_object_get(r.json, "rooms"), "invite")), 12);
    mx_result_clear(&r);
    mx_api_free(a);
}

static double abort_at;
static int abort_after(void *ctx) { return now_s() >= abort_at; }

/* The stand-in holds the long poll 40 s; the abort callback fires after
 * 0.3 s.  MX_ABORTED, and well under the 40 s, says the transfer was cut
 * (no bound on how fast: a loaded machine may take seconds). */
Test(mx_api, long_poll_aborts_promptly)
{
    mx_api *a = mx_api_new(base_url, 1 << 20, abort_after, NULL);
    mx_result r = {0};
    cr_assert_eq(mx_api_set_token(a, TOKEN), 0);
    abort_at = now_s() + 1e6;
    cr_assert_eq(mx_api_sync(a, NULL, "{}", 0, &r), MX_OK);
    char since[64];
    snprintf(since, sizeof(since), "%s", json_string_value(json_object_get(r.json, "next_batch")));
    double t0 = now_s();
    abort_at = t0 + 0.3;
    cr_assert_eq(mx_api_sync(a, since, "{}", 40000, &r), MX_ABORTED);
    double took = now_s() - t0;
    cr_assert(took < 20.0, "the abort waited for the long poll (%.2fs)", took);
    mx_result_clear(&r);
    mx_api_free(a);
}

Test(mx_api, connection_refused_is_retryable)
{
    mx_api *a = mx_api_new("http://127.0.0.1:1/", 1 << 20, NULL, NULL);
    mx_result r = {0};
    cr_assert_eq(mx_api_set_token(a, TOKEN), 0);
    cr_assert_eq(mx_api_whoami(a, &r), MX_RETRY);
    cr_assert_eq(r.http, 0);
    cr_assert(strstr(r.error, "network:"), "%s", r.error);
    cr_assert_null(strstr(r.error, TOKEN));
    mx_result_clear(&r);
    mx_api_free(a);
}

Test(mx_api, escape_path_segments)
{
    char *e = mx_api_escape("!room:localhost/x y");
    cr_assert_str_eq(e, "%21room%3Alocalhost%2Fx%20y");
    free(e);
}

/* The room's body texts of a /messages page, newest first, "|"-joined. */
static void page_bodies(const mx_result *r, char *out, size_t len)
{
    size_t i;
    json_t *ev;
    out[0] = '\0';
    json_array_foreach(json_object_get(r->json, "chunk"), i, ev) {
        const char *b = json_string_value(json_object_get(json_object_get(ev, "content"), "body"));
        size_t used = strlen(out);
        snprintf(out + used, len - used, "%s%s", used ? "|" : "", b ? b : "(state)");
    }
}

static void say(const char *room, const char *text)
{
    char body[256];
    snprintf(body, sizeof(body), "{\"room_id\":\"%s\",\"sender\":\"@alice:localhost\","
             "\"content\":{\"msgtype\":\"m.text\",\"body\":\"%s\"}}", room, text);
    control("send", body);
}

/* next_batch of a fresh sync: a token for "everything so far". */
static char *sync_token(mx_api *a)
{
    mx_result r = {0};
    cr_assert_eq(mx_api_sync(a, NULL, "{}", 0, &r), MX_OK, "%s", r.error);
    char *t = strdup(json_string_value(json_object_get(r.json, "next_batch")));
    mx_result_clear(&r);
    return t;
}

Test(mx_api, messages_pages_back_to_the_since_token)
{
    mx_api *a = bot_api(1 << 20);
    mx_result r = {0};
    char room[128], body[256], got[256];
    cr_assert_eq(mx_api_call(ctl, "POST", "/_test/room", "{\"creator\":\"@alice:localhost\"}",
                             5000, &r), MX_OK);
    snprintf(room, sizeof(room), "%s", json_string_value(json_object_get(r.json, "room_id")));
    snprintf(body, sizeof(body), "{\"room_id\":\"%s\",\"sender\":\"@alice:localhost\","
             "\"user_id\":\"@bot:localhost\"}", room);
    control("invite", body);
    control("join", body);
    say(room, "old");
    char *since = sync_token(a);
    say(room, "q1");
    say(room, "q2");
    say(room, "q3");
    char *now = sync_token(a);
    const char *filter = "{\"types\":[\"m.room.message\"]}";
    /* two per page, newest first, stopping at the since token */
    cr_assert_eq(mx_api_messages(a, room, now, since, filter, 2, &r), MX_OK, "%s", r.error);
    page_bodies(&r, got, sizeof(got));
    cr_assert_str_eq(got, "q3|q2");
    const char *end = json_string_value(json_object_get(r.json, "end"));
    cr_assert_not_null(end, "more remain: an end token");
    char *next = strdup(end);
    cr_assert_eq(mx_api_messages(a, room, next, since, filter, 2, &r), MX_OK, "%s", r.error);
    page_bodies(&r, got, sizeof(got));
    cr_assert_str_eq(got, "q1", "\"old\" is before the since token");
    cr_assert_null(json_object_get(r.json, "end"), "nothing left before the since token");
    /* without "to", back to the start of the room */
    cr_assert_eq(mx_api_messages(a, room, next, NULL, filter, 10, &r), MX_OK, "%s", r.error);
    page_bodies(&r, got, sizeof(got));
    cr_assert_str_eq(got, "q1|old");
    /* a bad token is the request's own fault: MX_FAIL, not a retry */
    cr_assert_eq(mx_api_messages(a, room, "bogus", NULL, NULL, 10, &r), MX_FAIL);
    cr_assert_eq(r.http, 400);
    free(next);
    free(since);
    free(now);
    mx_result_clear(&r);
    mx_api_free(a);
}
