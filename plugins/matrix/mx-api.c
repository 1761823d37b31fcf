/*
 * mx-api.c - libcurl transport for the Matrix client-server API v3:
 * one request at a time, bounded response size, abortable long polls,
 * Matrix error bodies classified into enum mx_status.
 */
#include "mx-api.h"
#include "mx-json.h"

#include <curl/curl.h>
#include "pl-curl.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MX_ABORT_SLICE_MS 100  /* how often a transfer checks for stop */

struct mx_api {
    CURL *curl;
    CURLM *multi;           /* drives curl, so stop is seen within a slice */
    char *base;             /* homeserver URL without trailing '/' */
    char *auth;             /* "Authorization: Bearer <token>" or NULL */
    char *token;            /* for scrubbing error strings */
    size_t max_bytes;
    mx_abort_fn abort_fn;
    void *abort_ctx;
};

typedef struct mx_buf {
    char *data;
    size_t len, cap, max;
    int too_big;
    long retry_after_ms;
} mx_buf;

/* ---- small helpers ---------------------------------------------------- */

/* Replace every occurrence of the token in s by "***" (in place). */
static void scrub(const mx_api *a, char *s)
{
    if (!a->token || !a->token[0])
        return;
    size_t tl = strlen(a->token);
    char *p;
    while ((p = strstr(s, a->token)) != NULL) {
        memcpy(p, "***", 3);
        memmove(p + 3, p + tl, strlen(p + tl) + 1);
    }
}

static size_t on_body(char *ptr, size_t size, size_t n, void *ud)
{
    mx_buf *b = ud;
    size_t add = size * n;
    if (b->len + add > b->max) {
        b->too_big = 1;
        return 0;
    }
    if (b->len + add + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + add + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d)
            return 0;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, ptr, add);
    b->len += add;
    b->data[b->len] = '\0';
    return add;
}

/* Retry-After: delay-seconds (the HTTP-date form is ignored). */
static size_t on_header(char *ptr, size_t size, size_t n, void *ud)
{
    mx_buf *b = ud;
    size_t len = size * n;
    static const char name[] = "retry-after:";
    if (len > sizeof(name) - 1 && strncasecmp(ptr, name, sizeof(name) - 1) == 0) {
        char tmp[32];
        size_t vl = len - (sizeof(name) - 1);
        if (vl >= sizeof(tmp))
            vl = sizeof(tmp) - 1;
        memcpy(tmp, ptr + sizeof(name) - 1, vl);
        tmp[vl] = '\0';
        char *end;
        long secs = strtol(tmp, &end, 10);
        if (end != tmp && secs >= 0 && secs < 86400)
            b->retry_after_ms = secs * 1000;
    }
    return len;
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn,
                       curl_off_t ut, curl_off_t un)
{
    const mx_api *a = ud;
    return a->abort_fn && a->abort_fn(a->abort_ctx) ? 1 : 0;
}

void mx_result_clear(mx_result *r)
{
    json_decref(r->json);
    memset(r, 0, sizeof(*r));
    r->retry_after_ms = -1;
}

int mx_api_fail(mx_result *r, int status, const char *fmt, const char *arg)
{
    r->status = status;
    snprintf(r->error, sizeof(r->error), fmt, arg ? arg : "");
    return status;
}

/* ---- lifecycle -------------------------------------------------------- */

/* Caller frees with mx_api_free(). */
mx_api *mx_api_new(const char *base_url, size_t max_bytes,
                   mx_abort_fn abort_fn, void *abort_ctx)
{
    mx_api *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    a->base = strdup(base_url);
    a->curl = curl_easy_init();
    a->multi = curl_multi_init();
    if (!a->base || !a->curl || !a->multi)
        goto error;
    size_t bl = strlen(a->base);
    while (bl > 0 && a->base[bl - 1] == '/')
        a->base[--bl] = '\0';
    a->max_bytes = max_bytes;
    a->abort_fn = abort_fn;
    a->abort_ctx = abort_ctx;
    return a;
error:
    mx_api_free(a);
    return NULL;
}

void mx_api_free(mx_api *a)
{
    if (!a)
        return;
    if (a->curl)
        curl_easy_cleanup(a->curl);
    if (a->multi)
        curl_multi_cleanup(a->multi);
    free(a->base);
    free(a->auth);
    free(a->token);
    free(a);
}

int mx_api_set_token(mx_api *a, const char *token)
{
    free(a->auth);
    free(a->token);
    a->auth = a->token = NULL;
    if (!token)
        return 0;
    size_t n = strlen(token) + sizeof("Authorization: Bearer ");
    a->auth = malloc(n);
    a->token = strdup(token);
    if (!a->auth || !a->token)
        return -1;
    int w = snprintf(a->auth, n, "Authorization: Bearer %s", token);
    return (w < 0 || (size_t)w >= n) ? -1 : 0;
}

/* Caller frees with free(). */
char *mx_api_escape(const char *s)
{
    char *e = curl_easy_escape(NULL, s, 0);
    if (!e)
        return NULL;
    char *copy = strdup(e);
    curl_free(e);
    return copy;
}

/* ---- one request ------------------------------------------------------ */

static int setup(mx_api *a, const char *method, const char *url,
                 const char *body, long timeout_ms, struct curl_slist *hdrs,
                 mx_buf *buf)
{
    CURL *c = a->curl;
    curl_easy_reset(c);
    int bad = 0;
    bad |= curl_easy_setopt(c, CURLOPT_URL, url) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_WRITEDATA, buf) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_HEADERDATA, buf) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_XFERINFODATA, a) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_USERAGENT, "faqbot-matrix/1.0") != CURLE_OK;
    /* proxies from the environment apply, but never to loopback */
    bad |= curl_easy_setopt(c, CURLOPT_NOPROXY, "localhost,127.0.0.1,::1") != CURLE_OK;
    if (body) {
        bad |= curl_easy_setopt(c, CURLOPT_POSTFIELDS, body) != CURLE_OK;
        bad |= curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body)) != CURLE_OK;
    }
    return bad ? -1 : 0;
}

/* Turn a finished HTTP exchange into r->status. */
static int classify(mx_api *a, long http, mx_buf *buf, mx_result *r)
{
    r->http = http;
    r->retry_after_ms = buf->retry_after_ms;
    json_error_t jerr;
    /* U+0000 ("\u0000") is legal JSON: allow it, or one such message
     * makes every later /sync unreadable (mx-sync.c cleans it) */
    r->json = buf->len ? json_loadb(buf->data, buf->len, JSON_ALLOW_NUL, &jerr) : NULL;
    if (!r->json && buf->len && (r->repaired = mx_json_repair(buf->data, buf->len)))
        r->json = json_loadb(buf->data, buf->len, JSON_ALLOW_NUL, &jerr);
    if (r->json && !json_is_object(r->json)) {
        json_decref(r->json);
        r->json = NULL;
    }
    const char *code = json_string_value(json_object_get(r->json, "errcode"));
    const char *msg = json_string_value(json_object_get(r->json, "error"));
    if (code)
        snprintf(r->errcode, sizeof(r->errcode), "%s", code);
    json_int_t ra = json_integer_value(json_object_get(r->json, "retry_after_ms"));
    if (r->retry_after_ms < 0 && ra > 0)
        r->retry_after_ms = (long)ra;
    if (http >= 200 && http < 300) {
        if (!r->json)
            return mx_api_fail(r, MX_BAD_JSON, "malformed JSON in HTTP %s response", "2xx");
        r->status = MX_OK;
        return MX_OK;
    }
    snprintf(r->error, sizeof(r->error), "HTTP %ld %s: %.160s", http,
             code ? code : "(no errcode)", msg ? msg : "");
    scrub(a, r->error);
    if (code && (!strcmp(code, "M_UNKNOWN_TOKEN") || !strcmp(code, "M_MISSING_TOKEN")))
        r->status = MX_BAD_TOKEN;
    else if (http == 429 || http >= 500 || (code && !strcmp(code, "M_LIMIT_EXCEEDED")))
        r->status = MX_RETRY;
    else
        r->status = MX_FAIL;
    return r->status;
}

int mx_api_call(mx_api *a, const char *method, const char *path,
                const char *body, long timeout_ms, mx_result *r)
{
    mx_result_clear(r);
    mx_buf buf = {NULL, 0, 0, a->max_bytes, 0, -1};
    struct curl_slist *hdrs = NULL, *t;
    char *url = NULL;
    size_t ul = strlen(a->base) + strlen(path) + 1;
    url = malloc(ul);
    if (!url || snprintf(url, ul, "%s%s", a->base, path) >= (int)ul) {
        mx_api_fail(r, MX_RETRY, "out of memory%s", NULL);
        goto done;
    }
    t = curl_slist_append(hdrs, "Content-Type: application/json");
    if (t)
        hdrs = t;
    if (t && a->auth && (t = curl_slist_append(hdrs, a->auth)) != NULL)
        hdrs = t;
    if (!t || setup(a, method, url, body, timeout_ms, hdrs, &buf) != 0) {
        mx_api_fail(r, MX_RETRY, "cannot set up request%s", NULL);
        goto done;
    }
    CURLcode rc = pl_curl_perform(a->multi, a->curl, a->abort_fn,
                                  a->abort_ctx, MX_ABORT_SLICE_MS);
    long http = 0;
    if (rc == CURLE_ABORTED_BY_CALLBACK) {
        mx_api_fail(r, MX_ABORTED, "aborted for shutdown%s", NULL);
    } else if (buf.too_big) {
        mx_api_fail(r, MX_RETRY, "response larger than the %s cap", "max_response_bytes");
    } else if (rc != CURLE_OK) {
        mx_api_fail(r, MX_RETRY, "network: %s", curl_easy_strerror(rc));
        scrub(a, r->error);
    } else if (curl_easy_getinfo(a->curl, CURLINFO_RESPONSE_CODE, &http) != CURLE_OK) {
        mx_api_fail(r, MX_RETRY, "no HTTP status%s", NULL);
    } else {
        classify(a, http, &buf, r);
    }
done:
    curl_slist_free_all(hdrs);
    free(url);
    free(buf.data);
    return r->status;
}
