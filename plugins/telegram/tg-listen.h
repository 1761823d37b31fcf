/*
 * tg-listen.h - the webhook's small HTTP/1.1 server side: listen on a
 * local address, read one request with deadlines and size limits, answer
 * with a status line.  One request per connection (Connection: close).
 */
#ifndef TG_LISTEN_H
#define TG_LISTEN_H

#include <stddef.h>

#define TG_LISTEN_MAX_HEAD 16384

typedef struct tg_request {
    char method[16];
    char path[512];
    char secret[300];        /* X-Telegram-Bot-Api-Secret-Token, or "" */
    long content_length;     /* -1 when absent */
    char *body;              /* NUL-terminated; free with tg_request_clear */
    size_t body_len;
} tg_request;

void tg_request_clear(tg_request *r);

/* Listen on addr (IPv4 literal) and port; returns the socket, or -1 with
 * a one-line reason in err. */
int tg_listen_open(const char *addr, long port, char *err, size_t errlen);

/* The port a listening socket is bound to (for port 0), or -1. */
int tg_listen_port(int fd);

/* Wait up to ms for a connection.  Returns its socket, or -1 (none yet
 * or a transient error). */
int tg_listen_accept(int lfd, int ms);

/* Parse a request head (request line and headers, through the blank
 * line) in buf[0..len).  Returns 0, or the HTTP status to refuse it with
 * (400 malformed, 411 no length, 501 chunked / unknown). */
int tg_listen_parse_head(const char *buf, size_t len, tg_request *req);

/* Read one request from fd within ms milliseconds, refusing bodies over
 * max_body bytes.  Returns 0 (req filled: caller clears it), an HTTP
 * status to answer with (400, 408, 411, 413, ...), or -1 when the peer
 * went away. */
int tg_listen_read(int fd, unsigned ms, size_t max_body, tg_request *req);

/* Send "HTTP/1.1 <status> <reason>" with an empty body, then close fd. */
void tg_listen_respond(int fd, int status);

#endif
