/* log.h - one line per event on stderr, text or JSON lines, with a level
 * filter.  Every line passes through the redactor first: registered
 * secrets and anything shaped like a bot token become "[redacted]".
 * Thread-safe. */
#ifndef FAQBOT_LOG_H
#define FAQBOT_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3 };

void log_setup(int level, int json);
int log_level(void);
/* "debug"|"info"|"warn"|"error" -> level, or -1. */
int log_level_parse(const char *name);
/* Remember a secret (copied); it is redacted from every later line. */
void log_add_secret(const char *secret);
/* Free the registered secrets (at exit). */
void log_shutdown(void);

void log_msg(int level, const char *tag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void log_vmsg(int level, const char *tag, const char *fmt, va_list ap);

/* The per-message event: platform, status, entry, score, latency. */
void log_answer(const char *tag, const char *status, const char *entry,
                double score, long latency_us);

/* The same with every field; NULL strings are logged as "-" / "". */
typedef struct log_event {
    const char *platform;      /* plugin name ("telegram") */
    const char *status;        /* "answered", "no_answer", ... */
    const char *entry;         /* entry id, or NULL */
    const char *kb;            /* knowledge base name, or NULL */
    double score;
    long latency_us;
} log_event;
void log_answer_event(const char *tag, const log_event *ev);

/* Redact secrets in place in buf (NUL-terminated, len = capacity). */
void log_redact(char *buf, size_t cap);

#endif
