/* log.c - leveled, redacting, thread-safe logging to stderr. */
#include "log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOG_MAX_SECRETS 32
#define LOG_LINE_MAX 4096

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int log_min = LOG_INFO;
static int log_json;
static char *log_secrets[LOG_MAX_SECRETS];
static size_t log_nsecrets;

static const char *const log_names[] = {"debug", "info", "warn", "error"};

void log_setup(int level, int json)
{
    pthread_mutex_lock(&log_lock);
    log_min = level;
    log_json = json;
    pthread_mutex_unlock(&log_lock);
}

int log_level(void) { return log_min; }

int log_level_parse(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (name && strcmp(name, log_names[i]) == 0)
            return i;
    return -1;
}

void log_add_secret(const char *secret)
{
    if (!secret || strlen(secret) < 4)
        return;
    pthread_mutex_lock(&log_lock);
    for (size_t i = 0; i < log_nsecrets; i++)
        if (strcmp(log_secrets[i], secret) == 0)
            goto out;
    if (log_nsecrets < LOG_MAX_SECRETS) {
        char *copy = strdup(secret);
        if (copy)
            log_secrets[log_nsecrets++] = copy;
    }
out:
    pthread_mutex_unlock(&log_lock);
}

void log_shutdown(void)
{
    pthread_mutex_lock(&log_lock);
    for (size_t i = 0; i < log_nsecrets; i++)
        free(log_secrets[i]);
    log_nsecrets = 0;
    pthread_mutex_unlock(&log_lock);
}

static void replace_at(char *buf, size_t cap, size_t at, size_t n)
{
    static const char mark[] = "[redacted]";
    size_t mlen = sizeof mark - 1, len = strlen(buf);
    if (len - n + mlen + 1 > cap) /* no room: blank it out instead */
        memset(buf + at, '*', n);
    else {
        memmove(buf + at + mlen, buf + at + n, len - at - n + 1);
        memcpy(buf + at, mark, mlen);
    }
}

static int is_tok(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Telegram-shaped tokens: 6+ digits ':' 30+ token characters. */
static void redact_token_shapes(char *buf, size_t cap)
{
    for (char *p = buf; *p; p++) {
        char *d = p;
        while (*d >= '0' && *d <= '9')
            d++;
        if (d - p < 6 || *d != ':' || (p > buf && p[-1] >= '0' && p[-1] <= '9')) {
            if (d > p)
                p = d - 1;
            continue;
        }
        char *t = d + 1;
        while (is_tok(*t))
            t++;
        if (t - d - 1 >= 30)
            replace_at(buf, cap, (size_t)(p - buf), (size_t)(t - p));
        else
            p = d;
    }
}

/* Caller holds log_lock. */
static void redact_locked(char *buf, size_t cap)
{
    for (size_t i = 0; i < log_nsecrets; i++) {
        size_t n = strlen(log_secrets[i]);
        char *hit;
        while ((hit = strstr(buf, log_secrets[i])) != NULL)
            replace_at(buf, cap, (size_t)(hit - buf), n);
    }
    redact_token_shapes(buf, cap);
}

void log_redact(char *buf, size_t cap)
{
    pthread_mutex_lock(&log_lock);
    redact_locked(buf, cap);
    pthread_mutex_unlock(&log_lock);
}

static void json_escape_to(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
}

static void timestamp(char *out, size_t len)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, len, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, len - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

/* Writes one line; extra is a preformatted JSON fragment (",k":v...) or
 * NULL. Caller holds log_lock. */
static void emit_locked(int level, const char *tag, char *msg,
                        const char *extra)
{
    char ts[40];
    redact_locked(msg, LOG_LINE_MAX);
    timestamp(ts, sizeof ts);
    if (log_json) {
        fprintf(stderr, "{\"ts\":\"%s\",\"level\":\"%s\",\"tag\":\"", ts,
                log_names[level]);
        json_escape_to(stderr, tag ? tag : "faqbot");
        fputs("\",\"msg\":\"", stderr);
        json_escape_to(stderr, msg);
        fprintf(stderr, "\"%s}\n", extra ? extra : "");
    } else {
        fprintf(stderr, "%s %-5s [%s] %s\n", ts, log_names[level],
                tag ? tag : "faqbot", msg);
    }
    fflush(stderr);
}

void log_vmsg(int level, const char *tag, const char *fmt, va_list ap)
{
    if (level < log_min)
        return;
    char msg[LOG_LINE_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    for (char *p = msg; *p; p++) /* one event, one line */
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    pthread_mutex_lock(&log_lock);
    emit_locked(level, tag, msg, NULL);
    pthread_mutex_unlock(&log_lock);
}

void log_msg(int level, const char *tag, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(level, tag, fmt, ap);
    va_end(ap);
}

void log_answer(const char *tag, const char *status, const char *entry,
                double score, long latency_us)
{
    log_event ev = {NULL, status, entry, NULL, score, latency_us};
    log_answer_event(tag, &ev);
}

/* JSON string body of s (no quotes) into out; truncates safely. */
static void json_escape_buf(const char *s, char *out, size_t len)
{
    size_t n = 0;
    for (; *s && n + 7 < len; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            n += (size_t)snprintf(out + n, len - n, "\\%c", c);
        else if (c < 0x20)
            n += (size_t)snprintf(out + n, len - n, "\\u%04x", c);
        else
            out[n++] = (char)c;
    }
    out[n] = '\0';
}

void log_answer_event(const char *tag, const log_event *ev)
{
    if (LOG_INFO < log_min)
        return;
    char msg[LOG_LINE_MAX], extra[1024], plat[128], entry[256], kbn[128];
    const char *status = ev->status ? ev->status : "?";
    snprintf(msg, sizeof msg, "answered status=%s entry=%s score=%.3f "
             "latency_us=%ld platform=%s kb=%s", status,
             ev->entry ? ev->entry : "-", ev->score, ev->latency_us,
             ev->platform ? ev->platform : "-", ev->kb ? ev->kb : "-");
    json_escape_buf(ev->platform ? ev->platform : "", plat, sizeof plat);
    json_escape_buf(ev->entry ? ev->entry : "", entry, sizeof entry);
    json_escape_buf(ev->kb ? ev->kb : "", kbn, sizeof kbn);
    snprintf(extra, sizeof extra,
             ",\"event\":\"answer\",\"platform\":\"%s\",\"status\":\"%s\","
             "\"entry\":\"%s\",\"kb\":\"%s\",\"score\":%.4f,\"latency_us\":%ld",
             plat, status, entry, kbn, ev->score, ev->latency_us);
    pthread_mutex_lock(&log_lock);
    emit_locked(LOG_INFO, tag, msg, extra);
    pthread_mutex_unlock(&log_lock);
}
