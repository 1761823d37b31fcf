/*
 * mx-api-calls.c - the client-server endpoints the connector uses
 * (whoami, login, sync, messages, join, leave, members, displayname,
 * send), each one mx_api_call with its path escaped and its body built.
 */
#include "mx-api.h"
#include "mx-json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MX_CS "/_matrix/client/v3"
#define MX_SHORT_TIMEOUT_MS 30000L

/* Build "<prefix><escaped a><mid><escaped b><suffix>" and call. */
static int call_path(mx_api *a, const char *method, const char *prefix,
                     const char *seg1, const char *mid, const char *seg2,
                     const char *suffix, const char *body, mx_result *r)
{
    char *e1 = seg1 ? mx_api_escape(seg1) : NULL;
    char *e2 = seg2 ? mx_api_escape(seg2) : NULL;
    char *path = NULL;
    int st;
    if ((seg1 && !e1) || (seg2 && !e2))
        goto oom;
    size_t n = strlen(prefix) + (e1 ? strlen(e1) : 0) + strlen(mid) +
               (e2 ? strlen(e2) : 0) + strlen(suffix) + 1;
    path = malloc(n);
    if (!path || snprintf(path, n, "%s%s%s%s%s", prefix, e1 ? e1 : "", mid,
                          e2 ? e2 : "", suffix) >= (int)n)
        goto oom;
    st = mx_api_call(a, method, path, body, MX_SHORT_TIMEOUT_MS, r);
    goto done;
oom:
    mx_result_clear(r);
    st = mx_api_fail(r, MX_RETRY, "out of memory%s", NULL);
done:
    free(e1);
    free(e2);
    free(path);
    return st;
}

int mx_api_whoami(mx_api *a, mx_result *r)
{
    return mx_api_call(a, "GET", MX_CS "/account/whoami", NULL,
                       MX_SHORT_TIMEOUT_MS, r);
}

int mx_api_login(mx_api *a, const char *user, const char *password,
                 const char *device_id, const char *device_name,
                 mx_result *r)
{
    json_t *body = json_pack("{s:s, s:{s:s, s:s}, s:s, s:s}",
                             "type", "m.login.password",
                             "identifier", "type", "m.id.user", "user", user,
                             "password", password,
                             "initial_device_display_name", device_name);
    char *text = NULL;
    int st;
    if (!body || (device_id && json_object_set_new(body, "device_id",
                                                   json_string(device_id))))
        goto oom;
    text = json_dumps(body, JSON_COMPACT);
    if (!text)
        goto oom;
    st = mx_api_call(a, "POST", MX_CS "/login", text, MX_SHORT_TIMEOUT_MS, r);
    goto done;
oom:
    mx_result_clear(r);
    st = mx_api_fail(r, MX_RETRY, "out of memory%s", NULL);
done:
    if (text) {
        explicit_bzero(text, strlen(text)); /* the password */
        free(text);
    }
    json_decref(body);
    return st;
}

int mx_api_sync(mx_api *a, const char *since, const char *filter,
                long timeout_ms, mx_result *r)
{
    char *ef = mx_api_escape(filter);
    char *es = since ? mx_api_escape(since) : NULL;
    char *path = NULL;
    int st;
    if (!ef || (since && !es))
        goto oom;
    size_t n = strlen(ef) + (es ? strlen(es) : 0) + 128;
    path = malloc(n);
    int w = path ? snprintf(path, n, MX_CS "/sync?timeout=%ld&filter=%s%s%s",
                            since ? timeout_ms : 0L, ef, es ? "&since=" : "",
                            es ? es : "") : -1;
    if (w < 0 || (size_t)w >= n)
        goto oom;
    /* The server may hold the request timeout_ms, then answer. */
    st = mx_api_call(a, "GET", path, NULL, timeout_ms + 30000L, r);
    goto done;
oom:
    mx_result_clear(r);
    st = mx_api_fail(r, MX_RETRY, "out of memory%s", NULL);
done:
    free(ef);
    free(es);
    free(path);
    return st;
}

/* Append "&<name>=<escaped value>" to path (cap bytes).  0, -1 on OOM
 * or overflow. */
static int add_query(char *path, size_t cap, const char *name, const char *value)
{
    char *e = mx_api_escape(value);
    size_t used = strlen(path);
    int w = e ? snprintf(path + used, cap - used, "&%s=%s", name, e) : -1;
    free(e);
    return (w < 0 || (size_t)w >= cap - used) ? -1 : 0;
}

int mx_api_messages(mx_api *a, const char *room_id, const char *from,
                    const char *to, const char *filter, int limit,
                    mx_result *r)
{
    char *er = mx_api_escape(room_id);
    size_t cap = (er ? strlen(er) : 0) + 3 * (strlen(from) + (to ? strlen(to) : 0) +
                 (filter ? strlen(filter) : 0)) + 160;
    char *path = er ? malloc(cap) : NULL;
    int st, w = path ? snprintf(path, cap, MX_CS "/rooms/%s/messages?dir=b&limit=%d",
                                er, limit) : -1;
    if (w < 0 || (size_t)w >= cap || add_query(path, cap, "from", from) ||
        (to && add_query(path, cap, "to", to)) ||
        (filter && add_query(path, cap, "filter", filter))) {
        mx_result_clear(r);
        st = mx_api_fail(r, MX_RETRY, "out of memory%s", NULL);
    } else {
        st = mx_api_call(a, "GET", path, NULL, MX_SHORT_TIMEOUT_MS, r);
    }
    free(er);
    free(path);
    return st;
}

int mx_api_join(mx_api *a, const char *room_id, mx_result *r)
{
    return call_path(a, "POST", MX_CS "/rooms/", room_id, "/join", NULL, "",
                     "{}", r);
}

int mx_api_leave(mx_api *a, const char *room_id, mx_result *r)
{
    return call_path(a, "POST", MX_CS "/rooms/", room_id, "/leave", NULL, "",
                     "{}", r);
}

int mx_api_joined_members(mx_api *a, const char *room_id, mx_result *r)
{
    return call_path(a, "GET", MX_CS "/rooms/", room_id, "/joined_members",
                     NULL, "", NULL, r);
}

int mx_api_displayname(mx_api *a, const char *user_id, mx_result *r)
{
    return call_path(a, "GET", MX_CS "/profile/", user_id, "/displayname",
                     NULL, "", NULL, r);
}

int mx_api_send(mx_api *a, const char *room_id, const char *type,
                const char *txn_id, const char *body, mx_result *r)
{
    char *et = mx_api_escape(type);
    char mid[320];
    int st;
    if (!et || snprintf(mid, sizeof(mid), "/send/%s/", et) >= (int)sizeof(mid)) {
        mx_result_clear(r);
        st = mx_api_fail(r, MX_FAIL, "event type too long%s", NULL);
    } else {
        st = call_path(a, "PUT", MX_CS "/rooms/", room_id, mid, txn_id, "",
                       body, r);
    }
    free(et);
    return st;
}
