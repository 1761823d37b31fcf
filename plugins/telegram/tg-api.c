/*
 * tg-api.c - Bot API over libcurl.
 */
#include "tg-api.h"

#include <curl/curl.h>
#include "pl-curl.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REDACTED "<redacted>"
#define TG_ABORT_SLICE_MS 100  /* how often a transfer checks for stop */

struct tg_api {
    CURL *curl;
    CURLM *multi;            /* drives curl, so stop is seen within a slice */
    struct curl_slist *headers;
    char *base;              /* "<api_url>/bot<token>/": secret */
    char *token;             /* secret, for redaction */
    size_t max_response;
    tg_api_abort_fn abort_fn;
    void *abort_ctx;
};

typedef struct body {
    char *data;
    size_t len, cap, max;
    int too_big;
} body;

static size_t on_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
    body *b = ud;
    size_t n = size * nmemb;
    if (b->len + n > b->max) {
        b->too_big = 1;
        return 0;          /* makes libcurl fail with CURLE_WRITE_ERROR */
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 16384;
        char *d;
        while (cap < b->len + n + 1)
            cap *= 2;
        d = realloc(b->data, cap);
        if (!d)
            return 0;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut,
                       curl_off_t un)
{
    tg_api *a = ud;
    return a->abort_fn && a->abort_fn(a->abort_ctx) ? 1 : 0;
}

static void wipe_free(char *s)
{
    if (s) {
        volatile char *p = s;
        while (*p)
            *p++ = '\0';
        free(s);
    }
}

tg_api *tg_api_new(const char *api_url, const char *token,
                   size_t max_response, tg_api_abort_fn abort_fn,
                   void *abort_ctx)
{
    tg_api *a = calloc(1, sizeof *a);
    size_t n;
    if (!a)
        return NULL;
    n = strlen(api_url) + strlen(token) + 6;
    a->base = malloc(n);
    a->token = strdup(token);
    a->curl = curl_easy_init();
    a->multi = curl_multi_init();
    a->headers = curl_slist_append(NULL, "Content-Type: application/json");
    if (!a->base || !a->token || !a->curl || !a->multi || !a->headers ||
        snprintf(a->base, n, "%s/bot%s/", api_url, token) >= (int)n) {
        tg_api_free(a);
        return NULL;
    }
    a->max_response = max_response;
    a->abort_fn = abort_fn;
    a->abort_ctx = abort_ctx;
    return a;
}

void tg_api_free(tg_api *a)
{
    if (!a)
        return;
    if (a->curl)
        curl_easy_cleanup(a->curl);
    if (a->multi)
        curl_multi_cleanup(a->multi);
    curl_slist_free_all(a->headers);
    wipe_free(a->base);
    wipe_free(a->token);
    free(a);
}

/* Replace each occurrence of needle in buf with REDACTED, and a tail of
 * buf that is the start of needle (a secret cut by truncation). */
static void redact_one(char *buf, size_t buflen, const char *needle)
{
    size_t nlen = strlen(needle), o = 0, r;
    const char *p = buf;
    char *out;
    if (!nlen)
        return;
    out = malloc(buflen);
    if (!out) {
        buf[0] = '\0';     /* cannot redact: say nothing rather than leak */
        return;
    }
    while (*p && o + 1 < buflen) {
        size_t left = strlen(p);
        int cut = left < nlen && left >= 6 && strncmp(p, needle, left) == 0;
        if (strncmp(p, needle, nlen) == 0 || cut) {
            for (r = 0; REDACTED[r] && o + 1 < buflen; r++)
                out[o++] = REDACTED[r];
            p += cut ? left : nlen;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    memcpy(buf, out, o + 1);
    free(out);
}

void tg_api_redact(char *buf, size_t buflen, const char *secret)
{
    char enc[1024];
    size_t i, o = 0;
    if (!buf || !buflen || !secret || !*secret)
        return;
    redact_one(buf, buflen, secret);
    /* the same token with ':' percent-encoded, as some URLs carry it */
    for (i = 0; secret[i] && o + 4 < sizeof enc; i++) {
        if (secret[i] == ':') {
            memcpy(enc + o, "%3A", 3);
            o += 3;
        } else {
            enc[o++] = secret[i];
        }
    }
    enc[o] = '\0';
    if (strcmp(enc, secret) != 0)
        redact_one(buf, buflen, enc);
}

static CURLcode setup(tg_api *a, const char *url, const char *json,
                      long timeout_s, body *b, char *errbuf)
{
    CURLcode rc = CURLE_OK;
    curl_easy_reset(a->curl);
#define SET(opt, val) if (!rc) rc = curl_easy_setopt(a->curl, opt, val)
    SET(CURLOPT_URL, url);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_HTTPHEADER, a->headers);
    SET(CURLOPT_POSTFIELDS, json);
    SET(CURLOPT_WRITEFUNCTION, on_write);
    SET(CURLOPT_WRITEDATA, b);
    SET(CURLOPT_ERRORBUFFER, errbuf);
    SET(CURLOPT_TIMEOUT, timeout_s);
    SET(CURLOPT_CONNECTTIMEOUT, timeout_s < 10 ? timeout_s : 10L);
    SET(CURLOPT_NOPROGRESS, 0L);
    SET(CURLOPT_XFERINFOFUNCTION, on_progress);
    SET(CURLOPT_XFERINFODATA, a);
    SET(CURLOPT_USERAGENT, "faqbot-telegram/1.0");
    SET(CURLOPT_ACCEPT_ENCODING, "");
    /* proxies from the environment apply, but never to loopback */
    SET(CURLOPT_NOPROXY, "localhost,127.0.0.1,::1");
#undef SET
    return rc;
}

static void transport_error(tg_api *a, CURLcode rc, const char *errbuf,
                            const body *b, tg_result *out)
{
    memset(out, 0, sizeof *out);
    if (rc == CURLE_ABORTED_BY_CALLBACK) {
        out->status = TG_E_ABORTED;
        snprintf(out->desc, sizeof out->desc, "aborted: shutting down");
    } else if (b->too_big) {
        out->status = TG_E_MALFORMED;
        snprintf(out->desc, sizeof out->desc, "response larger than %zu "
                 "bytes, dropped", a->max_response);
    } else {
        out->status = TG_E_NET;
        snprintf(out->desc, sizeof out->desc, "%s", *errbuf ? errbuf
                 : curl_easy_strerror(rc));
    }
}

int tg_api_call(tg_api *a, const char *method, json_t *params,
                long timeout_s, tg_result *out)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    body b = {NULL, 0, 0, a->max_response, 0};
    char *url = NULL, *json = NULL;
    size_t n = strlen(a->base) + strlen(method) + 1;
    CURLcode rc;
    long http = 0;
    memset(out, 0, sizeof *out);
    out->status = TG_E_NOMEM;
    snprintf(out->desc, sizeof out->desc, "out of memory");
    url = malloc(n);
    json = params ? json_dumps(params, JSON_COMPACT) : strdup("{}");
    if (!url || !json || snprintf(url, n, "%s%s", a->base, method) >= (int)n)
        goto done;
    rc = setup(a, url, json, timeout_s, &b, errbuf);
    if (rc == CURLE_OK)
        rc = pl_curl_perform(a->multi, a->curl, a->abort_fn, a->abort_ctx,
                             TG_ABORT_SLICE_MS);
    if (rc == CURLE_OK)
        rc = curl_easy_getinfo(a->curl, CURLINFO_RESPONSE_CODE, &http);
    if (rc != CURLE_OK)
        transport_error(a, rc, errbuf, &b, out);
    else
        tg_parse_response(b.data, b.len, http, out);
done:
    tg_api_redact(out->desc, sizeof out->desc, a->token);
    wipe_free(url);
    free(json);
    free(b.data);
    return out->status;
}
